/**
 * Lexical rules shared by the block and inline parsers (CommonMark 0.31.2).
 */
import { decodeNamedCharacterReference } from 'decode-named-character-reference';

export const ESCAPABLE = /[!"#$%&'()*+,./:;<=>?@[\\\]^_`{|}~-]/;
const ENTITY_SOURCE = '&(?:#[xX][a-fA-F0-9]{1,6}|#[0-9]{1,7}|[a-zA-Z][a-zA-Z0-9]{1,31});';
export const ENTITY_STICKY = new RegExp(ENTITY_SOURCE, 'y');
const ESCAPE_OR_ENTITY = new RegExp(`\\\\[!"#$%&'()*+,./:;<=>?@[\\\\\\]^_\`{|}~-]|${ENTITY_SOURCE}`, 'g');

const TAGNAME = '[A-Za-z][A-Za-z0-9-]*';
const ATTRIBUTENAME = '[a-zA-Z_:][a-zA-Z0-9:._-]*';
const ATTRIBUTEVALUE = `(?:[^"'=<>\`\\x00-\\x20]+|'[^']*'|"[^"]*")`;
const ATTRIBUTE = `(?:\\s+${ATTRIBUTENAME}(?:\\s*=\\s*${ATTRIBUTEVALUE})?)`;
export const OPENTAG = `<${TAGNAME}${ATTRIBUTE}*\\s*/?>`;
export const CLOSETAG = `</${TAGNAME}\\s*>`;
const HTMLCOMMENT = '<!-->|<!--->|<!--[\\s\\S]*?-->';
const PROCESSING = '<\\?[\\s\\S]*?\\?>';
const DECLARATION = '<![A-Za-z][^>]*>';
const CDATA = '<!\\[CDATA\\[[\\s\\S]*?\\]\\]>';
/** Inline raw HTML, anchored at lastIndex. */
export const HTML_TAG_STICKY = new RegExp(`(?:${OPENTAG}|${CLOSETAG}|${HTMLCOMMENT}|${PROCESSING}|${DECLARATION}|${CDATA})`, 'y');

/** Decodes one entity (`&amp;`, `&#35;`, `&#x22;`); returns undefined for unknown names. */
export function decodeEntity(entity: string): string | undefined {
  if (entity.charCodeAt(1) === 35 /* # */) {
    const hex = entity.charCodeAt(2) === 120 || entity.charCodeAt(2) === 88;
    const code = Number.parseInt(entity.slice(hex ? 3 : 2, -1), hex ? 16 : 10);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\uFFFD';
    return String.fromCodePoint(code);
  }
  const decoded = decodeNamedCharacterReference(entity.slice(1, -1));
  return decoded === false ? undefined : decoded;
}

/** Replaces backslash escapes and entities (link destinations, titles, info strings). */
export function unescapeString(s: string): string {
  if (!s.includes('\\') && !s.includes('&')) return s;
  return s.replace(ESCAPE_OR_ENTITY, (m) => (m.charCodeAt(0) === 92 ? m.charAt(1) : (decodeEntity(m) ?? m)));
}

/** Link label normalisation: strip brackets, trim, collapse whitespace, case fold. */
export function normalizeLabel(label: string): string {
  return label
    .trim()
    .replace(/[ \t\r\n]+/g, ' ')
    .toLowerCase()
    .toUpperCase();
}

/**
 * Footnote label key: the link label normalisation (so `[^Straße]` matches `[^STRASSE]:`),
 * lower-cased to serve as the mdast `identifier` of references and definitions alike.
 */
export function footnoteKey(label: string): string {
  return normalizeLabel(label).toLowerCase();
}

const PUNCTUATION = /[\p{P}\p{S}]/u;
const WHITESPACE = /[\t\n\f\r\p{Zs}]/u;

export function isUnicodePunctuation(ch: string): boolean {
  return PUNCTUATION.test(ch);
}

export function isUnicodeWhitespace(ch: string): boolean {
  return WHITESPACE.test(ch);
}

export function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 11 && c !== 12 && c !== 13) return false;
  }
  return true;
}

/** The whole code point ending at `index - 1` (handles surrogate pairs). */
export function charBefore(s: string, index: number): string {
  if (index <= 0) return '\n';
  const low = s.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
    const high = s.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return s.slice(index - 2, index);
  }
  return s.charAt(index - 1);
}

/** The whole code point starting at `index`. */
export function charAt(s: string, index: number): string {
  if (index >= s.length) return '\n';
  const cp = s.codePointAt(index) ?? 10;
  return String.fromCodePoint(cp);
}

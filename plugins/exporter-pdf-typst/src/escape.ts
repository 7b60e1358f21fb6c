/**
 * Escaping for generated Typst. Every piece of document text reaches Typst in one of two
 * forms only: markup with every special character backslash-escaped, or a string literal.
 * Nothing from a document can therefore become Typst code (which could, for instance,
 * `#import` a package and make the compiler download it).
 */

/** Characters with a meaning in Typst markup. Escaping `-`, `/`, `=`, `+` also defuses
 * line-start markers (lists, headings, term lists) and comments (`//`, `/*`). `(` and `.` are
 * escaped everywhere: right after an embedded call (`#raw("x")`, `#strong[x]`) they would
 * continue it as a call or field access (`(3)`, `.json`, `.func()(…)`), and text follows such
 * calls constantly (`` `malloc`(3) ``). */
const MARKUP_SPECIAL = /[\\#[\]$*_`<>@~=\-+/(.]/g;

/** Text as Typst markup: special characters escaped, line breaks become spaces. */
export function markup(text: string): string {
  return text.replace(/\r\n?|\n/g, ' ').replace(MARKUP_SPECIAL, (c) => `\\${c}`);
}

/** A Typst string literal. */
export function str(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\u{${code.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A label name from any id: ASCII letters, digits, `-` and `_` only, unique per input. */
export function label(prefix: string, id: string): string {
  return `${prefix}-${id.replace(/[^A-Za-z0-9-]/g, (c) => `_${(c.codePointAt(0) as number).toString(16)}_`)}`;
}

/**
 * Checks converted maths before it goes into the document: no code (`#`), no leaving math
 * mode (`$`), no labels or references, balanced string literals and brackets. Returns false
 * for anything else, and the formula is then shown as its TeX source.
 */
export function isSafeMath(typst: string): boolean {
  let inString = false;
  let depth = 0;
  for (let i = 0; i < typst.length; i++) {
    const c = typst[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '#' || c === '$' || c === '@' || (c === '<' && /[A-Za-z_]/.test(typst[i + 1] ?? '') && /^<[\w.:-]+>/.test(typst.slice(i)))) return false;
    else if (c === '/' && (typst[i + 1] === '/' || typst[i + 1] === '*')) return false;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth < 0) return false;
    } else if (c === '\\' && i + 1 < typst.length) i++;
  }
  return !inString && depth === 0;
}

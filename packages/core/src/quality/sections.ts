/**
 * Splitting a huge Markdown source into parts for section-by-section analysis, and moving the
 * parts' findings back to document positions. One linear pass over the lines; no parse.
 *
 * A part ends before an ATX heading (`#` … `######`) once it holds `target` characters; a part
 * that grows past 4 × target without a heading (at column 0) ends at a blank line before an unindented line
 * that starts no list, quote or table (the block before it is closed there). Fenced code
 * (``` and ~~~), HTML comments, `<pre>`/`<script>`/`<style>`/`<textarea>` blocks and the front
 * matter are never cut. Link reference definitions
 * (`[label]: url`) are visible to the whole document in CommonMark, so every part gets a copy of
 * the ones it refers to after its own text, and a stub for each footnote it calls
 * (`[^label]: .`): its references and footnote calls still resolve. The host removes the stubs from a part's tree
 * after import, and findings that fall in that tail are dropped.
 */
import type { SectionPart } from '../plugins/contracts.js';
import type { Finding, FindingPosition, Fix } from './findings.js';

export interface MarkdownPart extends SectionPart {
  /**
   * The text a checker sees: the part's own text, then the link reference definitions and
   * footnote stubs it uses. Built on each read (parts do not hold a copy of the document).
   */
  readonly text: string;
}

// Fences as the parser reads them: a backtick fence's info string has no backtick; `$$` opens maths.
const FENCE_OPEN = /^ {0,3}(?:(`{3,})(?=[^`]*$)|(~{3,})|(\${2,})(?=[^$]*$))/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,}|\${2,})[ \t]*$/;
// At column 0 only: an indented `#` line may belong to a list item.
const ATX = /^#{1,6}(?:[ \t]|$)/;
// HTML blocks that run on across blank lines until their closing tag (CommonMark type 1), and comments.
const RAW_OPEN = /^ {0,3}<(pre|script|style|textarea)(?:[\s>]|$)/i;
const DEFINITION = /^ {0,3}\[((?:[^\]\\\n^]|\\.)(?:[^\]\\\n]|\\.){0,998})\]:[ \t]*\S/;
const FOOTNOTE = /^ {0,3}\[\^([^\]\s]{1,999})\]:/;
const BLOCK_START = /^(?:[ \t]|[-*+>|]|\d{1,9}[.)]|$)/;
// What a part may refer to: the text between brackets (`[label]`, `[text][label]`, `[^note]`).
const BRACKETS = /\[([^[\]]{1,999})\]/g;

/** A label as the parser compares them (whitespace collapsed, case folded). */
function normalise(label: string): string {
  return label
    .replace(/[\t\n\r ]+/g, ' ')
    .trim()
    .toLowerCase()
    .toUpperCase();
}

/** Parts of `text` of about `target` characters (one part when the text is smaller). */
export function splitMarkdown(text: string, target: number): MarkdownPart[] {
  const cuts: number[] = [0];
  /** Definition lines by normalised label (the first one wins, as in the parser). */
  const definitions = new Map<string, string>();
  const footnotes = new Set<string>();
  let fence: string | undefined;
  /** Inside a comment or a raw HTML block: what closes it. */
  let closer: string | undefined;
  let at = 0;
  let partStart = 0;
  let previousBlank = false;
  // Front matter (`---` alone on the first line): never cut, and never mistaken for headings.
  if (/^---[ \t]*\r?\n/.test(text)) {
    const close = /\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(text.slice(3));
    if (close) at = 3 + close.index + close[0].length;
  }
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end === -1) end = text.length;
    const line = text.slice(at, end > at && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    const size = at - partStart;
    if (fence !== undefined) {
      const m = FENCE_CLOSE.exec(line);
      if (m?.[1] && m[1][0] === fence[0] && m[1].length >= fence.length) fence = undefined;
    } else if (closer !== undefined) {
      if (line.toLowerCase().includes(closer)) closer = undefined;
    } else {
      const m = FENCE_OPEN.exec(line);
      const opened = m?.[1] ?? m?.[2] ?? m?.[3];
      if (opened) {
        fence = opened;
      } else if (/^ {0,3}<!--/.test(line) && !line.includes('-->')) {
        closer = '-->';
      } else if (RAW_OPEN.test(line)) {
        const tag = (RAW_OPEN.exec(line)?.[1] ?? '').toLowerCase();
        if (!line.toLowerCase().includes(`</${tag}>`)) closer = `</${tag}>`;
      } else if (ATX.test(line)) {
        if (size >= target) {
          cuts.push(at);
          partStart = at;
        }
      } else if (size >= 4 * target && previousBlank && !BLOCK_START.test(line)) {
        cuts.push(at);
        partStart = at;
      }
      const definition = DEFINITION.exec(line)?.[1];
      if (definition !== undefined) {
        const key = normalise(definition);
        if (!definitions.has(key)) definitions.set(key, line.trim());
      }
      const footnote = FOOTNOTE.exec(line)?.[1];
      if (footnote) footnotes.add(normalise(footnote));
    }
    previousBlank = line.trim() === '';
    at = end + 1;
  }
  const parts: MarkdownPart[] = [];
  let line = 1;
  for (let i = 0; i < cuts.length; i++) {
    const from = cuts[i] as number;
    const to = cuts[i + 1] ?? text.length;
    const ends = lineEnds(text, from, to);
    const lastChar = text.charCodeAt(to - 1);
    const lines = to === from || lastChar === 10 || lastChar === 13 ? ends : ends + 1;
    const single = cuts.length === 1;
    parts.push({
      index: i,
      count: cuts.length,
      line,
      offset: from,
      length: to - from,
      lines,
      // A getter: the part's text exists only while a caller holds it.
      get text() {
        const own = text.slice(from, to);
        return single ? own : own + tailFor(own, definitions, footnotes);
      },
    });
    line += ends;
  }
  return parts;
}

/**
 * The definitions and footnote stubs a part's own text refers to. Only those: every definition
 * in every part would make the parts' total size (parts × definitions) quadratic.
 */
function tailFor(own: string, definitions: ReadonlyMap<string, string>, footnotes: ReadonlySet<string>): string {
  if (definitions.size === 0 && footnotes.size === 0) return '';
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const m of own.matchAll(BRACKETS)) {
    // `[label]:` is a definition (the part's own), not a reference.
    if (own.charCodeAt(m.index + m[0].length) === 58) continue;
    const inner = m[1] as string;
    const isNote = inner.startsWith('^');
    const key = normalise(isNote ? inner.slice(1) : inner);
    const id = `${isNote ? '^' : ''}${key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (isNote) {
      // A stub so the call resolves; the host drops it from the tree after import.
      if (footnotes.has(key)) lines.push(`[${inner}]: .`);
    } else {
      const definition = definitions.get(key);
      if (definition) lines.push(definition);
    }
  }
  return lines.length > 0 ? `\n\n${lines.join('\n\n')}\n` : '';
}

/** Line ends in text[from, to): `\n`, `\r\n` and a lone `\r` (the parser counts all three). */
function lineEnds(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
}

/**
 * A position in a part moved to the document: lines and offsets move, columns stay (parts start
 * at line starts). The one place checkers and the host do this (`merge` data stores document
 * positions).
 */
export function toDocumentPosition(p: FindingPosition, part: Pick<SectionPart, 'line' | 'offset'>): FindingPosition {
  if (part.line === 1 && part.offset === 0) return p;
  const out: FindingPosition = { ...p, line: p.line + part.line - 1 };
  if (p.endLine !== undefined) out.endLine = p.endLine + part.line - 1;
  if (p.offset !== undefined) out.offset = p.offset + part.offset;
  if (p.endOffset !== undefined) out.endOffset = p.endOffset + part.offset;
  return out;
}

/**
 * A part's finding at document positions, or undefined when it points into the appended
 * definitions. Lines and offsets move; columns stay (parts start at line starts).
 */
export function toDocumentFinding(finding: Finding, part: MarkdownPart): Finding | undefined {
  const p = finding.position;
  if (p?.offset !== undefined && p.offset >= part.length) return undefined;
  if (p && p.offset === undefined && p.line > part.lines) return undefined;
  const out: Finding = { ...finding };
  if (p) out.position = toDocumentPosition(p.endOffset === undefined ? p : { ...p, endOffset: Math.min(p.endOffset, part.length) }, part);
  if (finding.fix) {
    const fix: Fix = finding.fix;
    if (fix.end > part.length) delete out.fix;
    else out.fix = { ...fix, start: fix.start + part.offset, end: fix.end + part.offset };
  }
  return out;
}

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
 * all of them after its own text, and a stub for every footnote definition (`[^label]: .`): its
 * references and footnote calls still resolve. The host removes the stubs from a part's tree
 * after import, and findings that fall in that tail are dropped.
 */
import type { SectionPart } from '../plugins/contracts.js';
import type { Finding, Fix } from './findings.js';

export interface MarkdownPart extends SectionPart {
  /** The text a checker sees: the part's own text, then the document's reference definitions. */
  readonly text: string;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
// At column 0 only: an indented `#` line may belong to a list item.
const ATX = /^#{1,6}(?:[ \t]|$)/;
// HTML blocks that run on across blank lines until their closing tag (CommonMark type 1), and comments.
const RAW_OPEN = /^ {0,3}<(pre|script|style|textarea)(?:[\s>]|$)/i;
const DEFINITION = /^ {0,3}\[(?!\^)(?:[^\]\\\n]|\\.){1,999}\]:[ \t]*\S/;
const FOOTNOTE = /^ {0,3}\[\^([^\]\s]{1,999})\]:/;
const BLOCK_START = /^(?:[ \t]|[-*+>|]|\d{1,9}[.)]|$)/;

/** Parts of `text` of about `target` characters (one part when the text is smaller). */
export function splitMarkdown(text: string, target: number): MarkdownPart[] {
  const cuts: number[] = [0];
  const definitions: string[] = [];
  const footnotes = new Set<string>();
  let fence: string | undefined;
  /** Inside a comment or a raw HTML block: what closes it. */
  let closer: string | undefined;
  let at = 0;
  let partStart = 0;
  let previousBlank = false;
  // Front matter: never cut, and never mistaken for headings.
  if (text.startsWith('---')) {
    const close = /\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(text.slice(3));
    if (close) at = 3 + close.index + close[0].length;
  }
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end === -1) end = text.length;
    const line = text.slice(at, end > at && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    const size = at - partStart;
    if (fence !== undefined) {
      const m = FENCE.exec(line);
      if (m?.[1] && m[1][0] === fence[0] && m[1].length >= fence.length && line.slice(m[0].length).trim() === '') fence = undefined;
    } else if (closer !== undefined) {
      if (line.toLowerCase().includes(closer)) closer = undefined;
    } else {
      const m = FENCE.exec(line);
      if (m?.[1]) {
        fence = m[1];
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
      if (DEFINITION.test(line)) definitions.push(line.trim());
      const footnote = FOOTNOTE.exec(line)?.[1];
      if (footnote) footnotes.add(footnote);
    }
    previousBlank = line.trim() === '';
    at = end + 1;
  }
  // Footnote calls resolve only when a definition exists: stubs (their text is the real one's
  // business, in its own part; the host drops the stubs from the part's tree after import).
  const stubs = [...footnotes].map((label) => `[^${label}]: .`);
  const tail = definitions.length + stubs.length > 0 ? `\n\n${[...definitions, ...stubs].join('\n\n')}\n` : '';
  const parts: MarkdownPart[] = [];
  let line = 1;
  for (let i = 0; i < cuts.length; i++) {
    const from = cuts[i] as number;
    const to = cuts[i + 1] ?? text.length;
    const own = text.slice(from, to);
    const newlines = countLines(own);
    const lines = own.endsWith('\n') || own === '' ? newlines : newlines + 1;
    parts.push({ index: i, count: cuts.length, line, offset: from, text: cuts.length === 1 ? own : own + tail, length: own.length, lines });
    line += newlines;
  }
  return parts;
}

function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * A part's finding at document positions, or undefined when it points into the appended
 * definitions. Lines and offsets move; columns stay (parts start at line starts).
 */
export function toDocumentFinding(finding: Finding, part: MarkdownPart): Finding | undefined {
  const p = finding.position;
  if (p?.offset !== undefined && p.offset >= part.length) return undefined;
  if (p && p.offset === undefined && p.line > part.lines) return undefined;
  if (part.line === 1 && part.offset === 0) return finding;
  const out: Finding = { ...finding };
  if (p) {
    out.position = { ...p, line: p.line + part.line - 1 };
    if (p.endLine !== undefined) out.position.endLine = p.endLine + part.line - 1;
    if (p.offset !== undefined) out.position.offset = p.offset + part.offset;
    if (p.endOffset !== undefined) out.position.endOffset = Math.min(p.endOffset, part.length) + part.offset;
  }
  if (finding.fix) {
    const fix: Fix = finding.fix;
    if (fix.end > part.length) delete out.fix;
    else out.fix = { ...fix, start: fix.start + part.offset, end: fix.end + part.offset };
  }
  return out;
}

/**
 * From an index in a prose block's text back to the source text: exact positions for findings
 * and offsets for fixes. `locate()` from the plugin API is exact only for runs whose text equals
 * the source slice; list items, block quotes, escapes and entities are not, so this walks such a
 * run against the source (skipping line prefixes, backslashes, decoding a few entities) and gives
 * up, returning undefined, the moment the two disagree. A fix is only offered when it maps.
 */
import { type Finding, type FindingPosition, type Fix, locate, type ProseBlock, type ProsePiece } from '@export-ia/core/plugin';

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntity(source: string, at: number): { char: string; length: number } | undefined {
  const m = /^&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/.exec(source.slice(at, at + 12));
  if (!m?.[1]) return undefined;
  const name = m[1];
  let char: string | undefined;
  if (name.startsWith('#')) {
    const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
    // Not a character (0, a surrogate, past U+10FFFF): the parser shows U+FFFD; no mapping here.
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
    char = String.fromCodePoint(code);
  } else char = ENTITIES[name];
  return char === undefined ? undefined : { char, length: m[0].length };
}

const isSpace = (code: number) => code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;

/** Maps block indexes to source offsets for one block; undefined when the source is unknown. */
export class SourceMap {
  readonly #text: string | undefined;
  #lineStarts: number[] | undefined;

  constructor(text: string | undefined) {
    this.#text = text;
  }

  get text(): string | undefined {
    return this.#text;
  }

  /** The run of text that holds `index` (`end` true: the run whose end it may be). */
  piece(block: ProseBlock, index: number, end = false): ProsePiece | undefined {
    for (const p of block.pieces) if (end ? index > p.from && index <= p.to : index >= p.from && index < p.to) return p;
    return undefined;
  }

  /** Source offset of block index `index`, reached inside `piece`. */
  offsetIn(block: ProseBlock, piece: ProsePiece, index: number): number | undefined {
    const source = this.#text;
    const start = piece.start?.offset;
    if (source === undefined || start === undefined || index < piece.from || index > piece.to) return undefined;
    if (piece.exact) return start + (index - piece.from);
    // Walk the run against the source: equal characters advance both; line prefixes (indentation,
    // `>` markers), backslash escapes and entities advance the source only.
    let s = start;
    let lineStart = false;
    for (let i = piece.from; i < index; ) {
      const c = block.text.charCodeAt(i);
      const d = source.charCodeAt(s);
      if (Number.isNaN(d)) return undefined;
      if (d === 0x26) {
        const e = decodeEntity(source, s);
        if (e && block.text.startsWith(e.char, i)) {
          i += e.char.length;
          s += e.length;
          continue;
        }
      }
      if (c === d) {
        lineStart = c === 0x0a;
        i++;
        s++;
        continue;
      }
      if (lineStart && (d === 0x20 || d === 0x09 || d === 0x3e)) {
        s++;
        continue;
      }
      // Whitespace the importer collapsed (HTML) or dropped at a line end (Markdown).
      if (isSpace(d) && (isSpace(c) || (i > piece.from && isSpace(block.text.charCodeAt(i - 1))))) {
        if (isSpace(c)) i++;
        lineStart = d === 0x0a;
        s++;
        continue;
      }
      if (d === 0x5c && source.charCodeAt(s + 1) === c) {
        s++;
        continue;
      }
      return undefined;
    }
    // After whitespace, the next character sits past any further source whitespace and line prefix.
    if (index > piece.from && index < piece.to && isSpace(block.text.charCodeAt(index - 1)) && !isSpace(block.text.charCodeAt(index))) {
      while (s < source.length && (isSpace(source.charCodeAt(s)) || (lineStart && source.charCodeAt(s) === 0x3e))) {
        if (source.charCodeAt(s) === 0x0a) lineStart = true;
        s++;
      }
    }
    return s;
  }

  /** Source offset of a block index (start of a character), any run. */
  offset(block: ProseBlock, index: number): number | undefined {
    const p = this.piece(block, index);
    return p && !p.code ? this.offsetIn(block, p, index) : undefined;
  }

  /** Source offset just past block index `index - 1` (the end of a range). */
  endOffset(block: ProseBlock, index: number): number | undefined {
    const p = this.piece(block, index, true);
    return p && !p.code ? this.offsetIn(block, p, index) : undefined;
  }

  /**
   * Source range of block range [from, to) when both ends lie in the same text run and the source
   * between them reads as the block text (whitespace aside): safe to replace.
   */
  range(block: ProseBlock, from: number, to: number): { start: number; end: number } | undefined {
    const p = this.piece(block, from);
    if (!p || p.code || to > p.to || to < from) return undefined;
    const start = this.offsetIn(block, p, from);
    const end = this.offsetIn(block, p, to);
    if (start === undefined || end === undefined || this.#text === undefined) return undefined;
    const a = this.#text.slice(start, end).replace(/\s+/g, ' ');
    const b = block.text.slice(from, to).replace(/\s+/g, ' ');
    if (a === b || (!p.exact && a.replace(/(^| )>+/g, '$1').replace(/\s+/g, ' ') === b)) return { start, end };
    return undefined;
  }

  /** A fix replacing block range [from, to) with `text`, when that range maps safely. */
  fix(block: ProseBlock, from: number, to: number, text: string): Fix | undefined {
    const r = this.range(block, from, to);
    return r ? { start: r.start, end: r.end, text } : undefined;
  }

  /** Line and column (1-based, UTF-16) of a source offset. */
  point(offset: number): { line: number; column: number } {
    const text = this.#text ?? '';
    if (!this.#lineStarts) {
      const starts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.#lineStarts = starts;
    }
    const starts = this.#lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
  }

  /** The finding position of block range [from, to): exact when it maps, else what `locate` knows. */
  position(block: ProseBlock, from: number, to: number): Finding['position'] {
    const start = this.offset(block, from);
    const end = to > from ? this.endOffset(block, to) : start;
    if (start !== undefined && end !== undefined) {
      const a = this.point(start);
      const b = this.point(end);
      const pos: FindingPosition = { line: a.line, column: a.column, endLine: b.line, endColumn: b.column, offset: start, endOffset: end };
      return pos;
    }
    return locate(block, from, to);
  }
}

/**
 * Block structure (CommonMark 0.31.2 §4-5, plus GFM tables and footnote definitions and
 * `$$` maths blocks). Lines are fed one at a time; each open container tries to continue, then
 * new block starts are tried, then the rest of the line goes to the tip. This is the parsing
 * strategy the spec's appendix describes. Content keeps its source coordinates.
 */
import { ExportIaError } from '@export-ia/core/plugin';
import { CLOSETAG, footnoteKey, isBlank, OPENTAG, unescapeString } from './common.js';
import { Content, type ContentLine } from './content.js';
import { type ReferenceDefinition, scanReferenceDefinition } from './link-parts.js';

export type BlockType =
  | 'document'
  | 'blockquote'
  | 'list'
  | 'item'
  | 'footnote'
  | 'heading'
  | 'thematicBreak'
  | 'code'
  | 'math'
  | 'html'
  | 'paragraph'
  | 'table';

export interface ListData {
  type: 'bullet' | 'ordered';
  tight: boolean;
  bulletChar: string;
  start: number;
  delimiter: string;
  padding: number;
  markerOffset: number;
}

export type Align = 'left' | 'right' | 'center' | null;

export interface Definition extends Omit<ReferenceDefinition, 'start' | 'end'> {
  startLine: number;
  startCol: number;
  endLine: number;
  endCol: number;
}

export class Block {
  parent: Block | null = null;
  readonly children: Block[] = [];
  open = true;
  endLine = 0;
  endCol = 0;
  lastLineBlank = false;
  lastLineChecked = false;
  lines: ContentLine[] = [];
  depth = 0;
  listData?: ListData;
  level = 0;
  fenced = false;
  fenceChar = '';
  fenceLength = 0;
  fenceOffset = 0;
  info = '';
  htmlType = 0;
  label = '';
  align: Align[] = [];
  /** Paragraph content after reference definitions were taken off. */
  content?: Content;
  definitions: Definition[] = [];
  /** Set on items: the line the item started on (to detect empty first lines). */
  markerEndCol = 0;

  constructor(
    readonly type: BlockType,
    readonly startLine: number,
    readonly startCol: number,
  ) {}

  get lastChild(): Block | undefined {
    return this.children[this.children.length - 1];
  }
}

export interface BlockOptions {
  gfm: boolean;
  math: boolean;
  maxNesting: number;
  file: string;
}

const CODE_INDENT = 4;

const HTML_BLOCK_OPEN: RegExp[] = [
  /^$/,
  /^<(?:script|pre|textarea|style)(?:\s|>|$)/i,
  /^<!--/,
  /^<[?]/,
  /^<![A-Za-z]/,
  /^<!\[CDATA\[/,
  /^<[/]?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[123456]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul)(?:\s|[/]?[>]|$)/i,
  new RegExp(`^(?:${OPENTAG}|${CLOSETAG})\\s*$`, 'i'),
];
const HTML_BLOCK_CLOSE: RegExp[] = [/^$/, /<\/(?:script|pre|textarea|style)>/i, /-->/, /\?>/, />/, /\]\]>/];

const THEMATIC_BREAK = /^(?:\*[ \t]*){3,}$|^(?:_[ \t]*){3,}$|^(?:-[ \t]*){3,}$/;
const MAYBE_SPECIAL = /^[#`~*+_=<>0-9$|[:-]/;
const ATX_HEADING = /^#{1,6}(?:[ \t]+|$)/;
// Lookaheads over the whole rest of the line: `.` stops at U+2028/U+2029, so `(?!.*`)` missed a
// backtick after one.
const CODE_FENCE = /^`{3,}(?=[^`]*$)|^~{3,}/;
const CLOSING_CODE_FENCE = /^(?:`{3,}|~{3,})(?=[ \t]*$)/;
const MATH_FENCE = /^\${2,}(?=[^$]*$)/;
const CLOSING_MATH_FENCE = /^\${2,}(?=[ \t]*$)/;
const SETEXT_LINE = /^(?:=+|-+)[ \t]*$/;
const ORDERED_MARKER = /^(\d{1,9})([.)])/;
const FOOTNOTE_DEF = /^\[\^([^\s\]\\^][^\s\]]*|\\.[^\s\]]*)\]:/;
/**
 * A delimiter row without its trailing spaces and tabs. Every run of spaces is followed by a
 * different token (`|`, `:` or `-`), so the regex cannot backtrack quadratically; the old form,
 * with `[ \t]*` both after a cell and before the end, took a minute on `-` and 200,000 spaces.
 */
const TABLE_DELIMITER_ROW = /^\|?[ \t]*:?-+:?(?:[ \t]*\|[ \t]*:?-+:?)*(?:[ \t]*\|)?$/;

function isSpaceOrTab(c: number): boolean {
  return c === 32 || c === 9;
}

/** Splits a table row into cell source ranges (unescaped pipes separate cells). */
export function splitTableRow(text: string): Array<{ start: number; end: number }> {
  let i = 0;
  while (isSpaceOrTab(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) === 124) i++;
  let end = text.length;
  while (end > i && isSpaceOrTab(text.charCodeAt(end - 1))) end--;
  // A trailing pipe closes the last cell unless it is escaped.
  if (end > i && text.charCodeAt(end - 1) === 124 && text.charCodeAt(end - 2) !== 92) end--;
  const cells: Array<{ start: number; end: number }> = [];
  let cellStart = i;
  for (let k = i; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c === 92) {
      k++;
      continue;
    }
    if (c === 124) {
      cells.push({ start: cellStart, end: k });
      cellStart = k + 1;
    }
  }
  cells.push({ start: cellStart, end });
  return cells;
}

function parseAlignments(text: string): Align[] | undefined {
  // Trailing spaces and tabs off first, by a loop: the regex then has one way to match them.
  let rowEnd = text.length;
  while (rowEnd > 0 && isSpaceOrTab(text.charCodeAt(rowEnd - 1))) rowEnd--;
  if (!TABLE_DELIMITER_ROW.test(text.slice(0, rowEnd))) return undefined;
  return splitTableRow(text).map(({ start, end }) => {
    const cell = text.slice(start, end).trim();
    const left = cell.startsWith(':');
    const right = cell.endsWith(':');
    return left && right ? 'center' : left ? 'left' : right ? 'right' : null;
  });
}

export class BlockParser {
  readonly doc = new Block('document', 0, 0);
  readonly refmap = new Map<string, { url: string; title: string | null }>();
  readonly footnotes = new Set<string>();
  #tip: Block = this.doc;
  #oldtip: Block = this.doc;
  #line = '';
  #lineIndex = -1;
  #offset = 0;
  #column = 0;
  #nextNonspace = 0;
  #nextNonspaceColumn = 0;
  #indent = 0;
  #indented = false;
  #blank = false;
  #partiallyConsumedTab = false;
  #allClosed = true;
  #lastMatchedContainer: Block = this.doc;
  #lastLineLength = 0;
  readonly #starts: Array<(container: Block) => 0 | 1 | 2>;

  constructor(readonly options: BlockOptions) {
    const s: Array<(container: Block) => 0 | 1 | 2> = [(c) => this.#startBlockquote(c), () => this.#startAtxHeading(), () => this.#startFencedCode()];
    if (options.math) s.push(() => this.#startMathFence());
    s.push(
      (c) => this.#startHtmlBlock(c),
      (c) => this.#startSetextHeading(c),
    );
    if (options.gfm) s.push((c) => this.#startTable(c));
    s.push(() => this.#startThematicBreak());
    if (options.gfm) s.push((c) => this.#startFootnote(c));
    s.push(
      (c) => this.#startListItem(c),
      () => this.#startIndentedCode(),
    );
    this.#starts = s;
  }

  /** Parses the lines (already split, without line endings), starting at `firstLine`. */
  parse(lines: readonly string[], firstLine = 0): Block {
    for (let i = firstLine; i < lines.length; i++) this.#incorporateLine(lines[i] as string, i);
    while (this.#tip !== this.doc) this.#finalize(this.#tip, lines.length - 1);
    this.#finalize(this.doc, lines.length - 1);
    return this.doc;
  }

  // ── Line scanning ───────────────────────────────────────────────────────────────────

  #findNextNonspace(): void {
    const ln = this.#line;
    let i = this.#offset;
    let cols = this.#column;
    let c = 0;
    while (i < ln.length) {
      c = ln.charCodeAt(i);
      if (c === 32) {
        i++;
        cols++;
      } else if (c === 9) {
        i++;
        cols += 4 - (cols % 4);
      } else break;
    }
    this.#blank = i >= ln.length;
    this.#nextNonspace = i;
    this.#nextNonspaceColumn = cols;
    this.#indent = cols - this.#column;
    this.#indented = this.#indent >= CODE_INDENT;
  }

  #advanceNextNonspace(): void {
    this.#offset = this.#nextNonspace;
    this.#column = this.#nextNonspaceColumn;
    this.#partiallyConsumedTab = false;
  }

  #advanceOffset(count: number, columns: boolean): void {
    const ln = this.#line;
    let n = count;
    while (n > 0 && this.#offset < ln.length) {
      const c = ln.charCodeAt(this.#offset);
      if (c === 9) {
        const toTab = 4 - (this.#column % 4);
        if (columns) {
          this.#partiallyConsumedTab = toTab > n;
          const adv = Math.min(toTab, n);
          this.#column += adv;
          this.#offset += this.#partiallyConsumedTab ? 0 : 1;
          n -= adv;
        } else {
          this.#partiallyConsumedTab = false;
          this.#column += toTab;
          this.#offset += 1;
          n -= 1;
        }
      } else {
        this.#partiallyConsumedTab = false;
        this.#offset += 1;
        this.#column += 1;
        n -= 1;
      }
    }
  }

  #peek(pos: number): number {
    return pos < this.#line.length ? this.#line.charCodeAt(pos) : -1;
  }

  #rest(): string {
    return this.#line.slice(this.#nextNonspace);
  }

  // ── Tree building ───────────────────────────────────────────────────────────────────

  #addLine(): void {
    let text = this.#line.slice(this.#offset);
    let col = this.#offset;
    if (this.#partiallyConsumedTab) {
      // A tab only partly used by indentation: the rest counts as spaces.
      const spaces = 4 - (this.#column % 4);
      text = ' '.repeat(spaces) + this.#line.slice(this.#offset + 1);
      col = this.#offset;
    }
    this.#tip.lines.push({ text, line: this.#lineIndex, col });
  }

  #canContain(parent: BlockType, child: BlockType): boolean {
    switch (parent) {
      case 'document':
      case 'blockquote':
      case 'item':
      case 'footnote':
        return child !== 'item';
      case 'list':
        return child === 'item';
      default:
        return false;
    }
  }

  #addChild(type: BlockType, col: number): Block {
    while (!this.#canContain(this.#tip.type, type)) this.#finalize(this.#tip, this.#lineIndex - 1);
    const block = new Block(type, this.#lineIndex, col);
    block.parent = this.#tip;
    block.depth = this.#tip.depth + (type === 'list' ? 0 : 1);
    if (block.depth > this.options.maxNesting) {
      throw new ExportIaError('EIA_INPUT_TOO_DEEP', {
        file: this.options.file,
        depth: `more than ${this.options.maxNesting}`,
        limit: this.options.maxNesting,
        line: this.#lineIndex + 1,
      });
    }
    this.#tip.children.push(block);
    this.#tip = block;
    return block;
  }

  #closeUnmatchedBlocks(): void {
    if (this.#allClosed) return;
    while (this.#oldtip !== this.#lastMatchedContainer) {
      const parent = this.#oldtip.parent as Block;
      this.#finalize(this.#oldtip, this.#lineIndex - 1);
      this.#oldtip = parent;
    }
    this.#allClosed = true;
  }

  // ── Continuation ────────────────────────────────────────────────────────────────────

  /** 0 matched, 1 not matched, 2 line fully consumed. */
  #continue(block: Block): 0 | 1 | 2 {
    switch (block.type) {
      case 'document':
      case 'list':
        return 0;
      case 'blockquote':
        if (!this.#indented && this.#peek(this.#nextNonspace) === 62) {
          this.#advanceNextNonspace();
          this.#advanceOffset(1, false);
          if (isSpaceOrTab(this.#peek(this.#offset))) this.#advanceOffset(1, true);
          return 0;
        }
        return 1;
      case 'item': {
        const data = block.listData as ListData;
        if (this.#blank) {
          if (block.children.length === 0) return 1;
          this.#advanceNextNonspace();
          return 0;
        }
        if (this.#indent >= data.markerOffset + data.padding) {
          this.#advanceOffset(data.markerOffset + data.padding, true);
          return 0;
        }
        return 1;
      }
      case 'footnote':
        if (this.#blank) {
          this.#advanceNextNonspace();
          return 0;
        }
        if (this.#indent >= 4) {
          this.#advanceOffset(4, true);
          return 0;
        }
        return 1;
      case 'heading':
      case 'thematicBreak':
        return 1;
      case 'code':
      case 'math':
        return this.#continueFence(block);
      case 'html':
        return this.#blank && (block.htmlType === 6 || block.htmlType === 7) ? 1 : 0;
      case 'paragraph':
      case 'table':
        return this.#blank ? 1 : 0;
    }
  }

  #continueFence(block: Block): 0 | 1 | 2 {
    if (block.fenced) {
      const closing = block.type === 'math' ? CLOSING_MATH_FENCE : CLOSING_CODE_FENCE;
      const m = this.#indent <= 3 && this.#line.charAt(this.#nextNonspace) === block.fenceChar ? closing.exec(this.#rest()) : null;
      if (m && m[0].length >= block.fenceLength) {
        this.#lastLineLength = this.#nextNonspace + m[0].length;
        this.#finalize(block, this.#lineIndex);
        return 2;
      }
      let i = block.fenceOffset;
      while (i > 0 && isSpaceOrTab(this.#peek(this.#offset))) {
        this.#advanceOffset(1, true);
        i--;
      }
      return 0;
    }
    if (this.#indent >= CODE_INDENT) {
      this.#advanceOffset(CODE_INDENT, true);
      return 0;
    }
    if (this.#blank) {
      this.#advanceNextNonspace();
      return 0;
    }
    return 1;
  }

  // ── Block starts: 0 no match, 1 container matched, 2 leaf matched ─────────────────

  #startBlockquote(_c: Block): 0 | 1 | 2 {
    if (this.#indented || this.#peek(this.#nextNonspace) !== 62) return 0;
    this.#advanceNextNonspace();
    this.#advanceOffset(1, false);
    if (isSpaceOrTab(this.#peek(this.#offset))) this.#advanceOffset(1, true);
    this.#closeUnmatchedBlocks();
    this.#addChild('blockquote', this.#nextNonspace);
    return 1;
  }

  #startAtxHeading(): 0 | 1 | 2 {
    if (this.#indented) return 0;
    const m = ATX_HEADING.exec(this.#rest());
    if (!m) return 0;
    this.#advanceNextNonspace();
    const level = m[0].trim().length;
    this.#advanceOffset(m[0].length, false);
    this.#closeUnmatchedBlocks();
    const block = this.#addChild('heading', this.#nextNonspace);
    block.level = level;
    const text = stripClosingSequence(this.#line.slice(this.#offset));
    block.lines.push({ text, line: this.#lineIndex, col: this.#offset });
    this.#advanceOffset(this.#line.length - this.#offset, false);
    return 2;
  }

  #startFencedCode(): 0 | 1 | 2 {
    if (this.#indented) return 0;
    const m = CODE_FENCE.exec(this.#rest());
    if (!m) return 0;
    this.#closeUnmatchedBlocks();
    const block = this.#addChild('code', this.#nextNonspace);
    block.fenced = true;
    block.fenceLength = m[0].length;
    block.fenceChar = m[0].charAt(0);
    block.fenceOffset = this.#indent;
    this.#advanceNextNonspace();
    this.#advanceOffset(m[0].length, false);
    return 2;
  }

  #startMathFence(): 0 | 1 | 2 {
    if (this.#indented) return 0;
    const rest = this.#rest();
    const m = MATH_FENCE.exec(rest);
    if (!m) return 0;
    // `$$ x $$` on one line is inline display maths in a paragraph, not a fence.
    if (rest.slice(m[0].length).trim() !== '' && !/^[ \t]*[A-Za-z][\w-]*[ \t]*$/.test(rest.slice(m[0].length))) return 0;
    this.#closeUnmatchedBlocks();
    const block = this.#addChild('math', this.#nextNonspace);
    block.fenced = true;
    block.fenceLength = m[0].length;
    block.fenceChar = '$';
    block.fenceOffset = this.#indent;
    this.#advanceNextNonspace();
    this.#advanceOffset(m[0].length, false);
    return 2;
  }

  #startHtmlBlock(container: Block): 0 | 1 | 2 {
    if (this.#indented || this.#peek(this.#nextNonspace) !== 60) return 0;
    const s = this.#rest();
    for (let type = 1; type <= 7; type++) {
      const re = HTML_BLOCK_OPEN[type] as RegExp;
      if (!re.test(s)) continue;
      const maybeLazy = !this.#allClosed && !this.#blank && this.#tip.type === 'paragraph';
      if (type === 7 && (container.type === 'paragraph' || maybeLazy)) continue;
      this.#closeUnmatchedBlocks();
      const block = this.#addChild('html', this.#offset);
      block.htmlType = type;
      return 2;
    }
    return 0;
  }

  #startSetextHeading(container: Block): 0 | 1 | 2 {
    if (this.#indented || container.type !== 'paragraph') return 0;
    const m = SETEXT_LINE.exec(this.#rest());
    if (!m) return 0;
    this.#closeUnmatchedBlocks();
    this.#takeReferenceDefinitions(container);
    const content = container.content as Content;
    if (content.text.length === 0) {
      // Only definitions: not a heading. Let the paragraph recompute when it closes.
      container.content = undefined;
      container.definitions = [];
      return 0;
    }
    const parent = container.parent as Block;
    const heading = new Block('heading', container.startLine, container.startCol);
    heading.parent = parent;
    heading.depth = container.depth;
    heading.level = m[0].charAt(0) === '=' ? 1 : 2;
    heading.content = content;
    heading.definitions = container.definitions;
    parent.children[parent.children.lastIndexOf(container)] = heading;
    this.#tip = heading;
    this.#advanceOffset(this.#line.length - this.#offset, false);
    return 2;
  }

  #startTable(container: Block): 0 | 1 | 2 {
    if (this.#indented || container.type !== 'paragraph' || container.lines.length === 0) return 0;
    const rest = this.#rest();
    if (!rest.includes('-')) return 0;
    const align = parseAlignments(rest);
    if (!align) return 0;
    const header = container.lines[container.lines.length - 1] as ContentLine;
    const headerCells = splitTableRow(header.text);
    if (headerCells.length !== align.length) return 0;
    // A header row needs a pipe, or the delimiter row would be a setext underline.
    if (!header.text.includes('|') && !rest.includes('|')) return 0;
    this.#closeUnmatchedBlocks();
    const parent = container.parent as Block;
    container.lines.pop();
    const table = new Block('table', header.line, header.col);
    table.parent = parent;
    table.depth = container.depth;
    table.align = align;
    table.lines.push(header);
    if (container.lines.length === 0) {
      parent.children[parent.children.lastIndexOf(container)] = table;
    } else {
      this.#finalize(container, this.#lineIndex - 1);
      parent.children.push(table);
    }
    this.#tip = table;
    this.#advanceOffset(this.#line.length - this.#offset, false);
    return 2;
  }

  #startThematicBreak(): 0 | 1 | 2 {
    if (this.#indented || !THEMATIC_BREAK.test(this.#rest())) return 0;
    this.#closeUnmatchedBlocks();
    this.#addChild('thematicBreak', this.#nextNonspace);
    this.#advanceOffset(this.#line.length - this.#offset, false);
    return 2;
  }

  #startFootnote(container: Block): 0 | 1 | 2 {
    if (this.#indented || container.type === 'paragraph' || this.#peek(this.#nextNonspace) !== 91) return 0;
    const m = FOOTNOTE_DEF.exec(this.#rest());
    if (!m) return 0;
    this.#closeUnmatchedBlocks();
    const block = this.#addChild('footnote', this.#nextNonspace);
    block.label = m[1] as string;
    this.footnotes.add(footnoteKey(m[1] as string));
    this.#advanceNextNonspace();
    this.#advanceOffset(m[0].length, false);
    if (isSpaceOrTab(this.#peek(this.#offset))) this.#advanceOffset(1, true);
    return 1;
  }

  #parseListMarker(container: Block): ListData | undefined {
    if (this.#indent >= 4) return undefined;
    const rest = this.#rest();
    const data: ListData = { type: 'bullet', tight: true, bulletChar: '', start: 1, delimiter: '', padding: 0, markerOffset: this.#indent };
    let markerLength: number;
    const first = rest.charCodeAt(0);
    if (first === 42 || first === 43 || first === 45) {
      data.bulletChar = rest.charAt(0);
      markerLength = 1;
    } else {
      const m = ORDERED_MARKER.exec(rest);
      if (!m || (container.type === 'paragraph' && m[1] !== '1')) return undefined;
      data.type = 'ordered';
      data.start = Number.parseInt(m[1] as string, 10);
      data.delimiter = m[2] as string;
      markerLength = m[0].length;
    }
    const next = this.#peek(this.#nextNonspace + markerLength);
    if (!(next === -1 || next === 9 || next === 32)) return undefined;
    if (container.type === 'paragraph' && isBlank(this.#line.slice(this.#nextNonspace + markerLength))) return undefined;
    this.#advanceNextNonspace();
    this.#advanceOffset(markerLength, true);
    const spacesStartCol = this.#column;
    const spacesStartOffset = this.#offset;
    do {
      this.#advanceOffset(1, true);
    } while (this.#column - spacesStartCol < 5 && isSpaceOrTab(this.#peek(this.#offset)));
    const blankItem = this.#peek(this.#offset) === -1;
    const spacesAfter = this.#column - spacesStartCol;
    if (spacesAfter >= 5 || spacesAfter < 1 || blankItem) {
      data.padding = markerLength + 1;
      this.#column = spacesStartCol;
      this.#offset = spacesStartOffset;
      if (isSpaceOrTab(this.#peek(this.#offset))) this.#advanceOffset(1, true);
    } else {
      data.padding = markerLength + spacesAfter;
    }
    return data;
  }

  #startListItem(container: Block): 0 | 1 | 2 {
    if (this.#indented && container.type !== 'list') return 0;
    const markerCol = this.#nextNonspace;
    const data = this.#parseListMarker(container);
    if (!data) return 0;
    this.#closeUnmatchedBlocks();
    const tip = this.#tip;
    const prior = tip.listData;
    if (tip.type !== 'list' || !prior || prior.type !== data.type || prior.delimiter !== data.delimiter || prior.bulletChar !== data.bulletChar) {
      const list = this.#addChild('list', markerCol);
      list.listData = data;
    }
    const item = this.#addChild('item', markerCol);
    item.listData = data;
    item.markerEndCol = this.#offset;
    return 1;
  }

  #startIndentedCode(): 0 | 1 | 2 {
    if (!this.#indented || this.#tip.type === 'paragraph' || this.#blank) return 0;
    this.#advanceOffset(CODE_INDENT, true);
    this.#closeUnmatchedBlocks();
    this.#addChild('code', this.#offset);
    return 2;
  }

  // ── One line ────────────────────────────────────────────────────────────────────────

  #incorporateLine(raw: string, index: number): void {
    let container = this.doc;
    this.#oldtip = this.#tip;
    this.#offset = 0;
    this.#column = 0;
    this.#blank = false;
    this.#partiallyConsumedTab = false;
    this.#lineIndex = index;
    this.#line = raw.includes('\0') ? raw.replace(/\0/g, '\uFFFD') : raw;

    for (;;) {
      const last = container.lastChild;
      if (!last?.open) break;
      container = last;
      this.#findNextNonspace();
      const r = this.#continue(container);
      if (r === 2) return;
      if (r === 1) {
        container = container.parent as Block;
        break;
      }
    }
    this.#allClosed = container === this.#oldtip;
    this.#lastMatchedContainer = container;

    let matchedLeaf = container.type !== 'paragraph' && container.type !== 'table' && acceptsLines(container.type);
    while (!matchedLeaf) {
      this.#findNextNonspace();
      if (!this.#indented && !MAYBE_SPECIAL.test(this.#line.slice(this.#nextNonspace, this.#nextNonspace + 1))) {
        this.#advanceNextNonspace();
        break;
      }
      let matched = false;
      for (const start of this.#starts) {
        const r = start(container);
        if (r === 1) {
          container = this.#tip;
          matched = true;
          break;
        }
        if (r === 2) {
          container = this.#tip;
          matchedLeaf = true;
          matched = true;
          break;
        }
      }
      if (!matched) {
        this.#advanceNextNonspace();
        break;
      }
    }

    if (!this.#allClosed && !this.#blank && this.#tip.type === 'paragraph') {
      this.#addLine(); // lazy continuation
    } else {
      this.#closeUnmatchedBlocks();
      const lastChild = container.lastChild;
      if (this.#blank && lastChild) lastChild.lastLineBlank = true;
      const t = container.type;
      const lastLineBlank =
        this.#blank &&
        !(
          t === 'blockquote' ||
          ((t === 'code' || t === 'math') && container.fenced) ||
          (t === 'item' && container.children.length === 0 && container.startLine === index)
        );
      for (let b: Block | null = container; b; b = b.parent) b.lastLineBlank = lastLineBlank;
      if (acceptsLines(t)) {
        this.#addLine();
        if (
          t === 'html' &&
          container.htmlType >= 1 &&
          container.htmlType <= 5 &&
          (HTML_BLOCK_CLOSE[container.htmlType] as RegExp).test(this.#line.slice(this.#offset))
        ) {
          this.#lastLineLength = this.#line.length;
          this.#finalize(container, index);
        }
      } else if (this.#offset < this.#line.length && !this.#blank) {
        this.#addChild('paragraph', this.#offset);
        this.#advanceNextNonspace();
        this.#addLine();
      }
    }
    this.#lastLineLength = this.#line.length;
  }

  // ── Finalisation ────────────────────────────────────────────────────────────────────

  #finalize(block: Block, lineIndex: number): void {
    const above = block.parent;
    block.open = false;
    block.endLine = Math.max(lineIndex, block.startLine);
    block.endCol = this.#lastLineLength;
    switch (block.type) {
      case 'paragraph':
        this.#takeReferenceDefinitions(block);
        break;
      case 'list':
        finalizeList(block);
        break;
      case 'code':
      case 'math':
        if (block.fenced) {
          const first = block.lines.shift();
          block.info = unescapeString((first?.text ?? '').trim());
        } else {
          while (block.lines.length > 0 && isBlank((block.lines[block.lines.length - 1] as ContentLine).text)) block.lines.pop();
        }
        break;
      case 'html':
        while (block.lines.length > 1 && isBlank((block.lines[block.lines.length - 1] as ContentLine).text)) block.lines.pop();
        break;
      default:
        break;
    }
    this.#tip = above ?? this.doc;
  }

  /** Takes link reference definitions off the start of a paragraph (spec §4.7). */
  #takeReferenceDefinitions(block: Block): void {
    if (block.content) return;
    let content = Content.fromLines(block.lines).trim();
    if (!/^\s*\[/.test(content.text)) {
      block.content = content;
      return;
    }
    // Scan by offset and slice once at the end: slicing after every definition is quadratic.
    const text = content.text;
    let pos = 0;
    for (;;) {
      while (pos < text.length && isWhitespace(text.charCodeAt(pos))) pos++;
      if (text.charCodeAt(pos) !== 91) break;
      const def = scanReferenceDefinition(text, pos);
      if (!def) break;
      const start = content.locate(pos);
      const end = content.locate(Math.max(pos, def.end - (text.charCodeAt(def.end - 1) === 10 ? 1 : 0)));
      block.definitions.push({
        label: def.label,
        key: def.key,
        url: def.url,
        title: def.title,
        startLine: start.line,
        startCol: start.col,
        endLine: end.line,
        endCol: end.col,
      });
      if (!this.refmap.has(def.key)) this.refmap.set(def.key, { url: def.url, title: def.title });
      pos = def.end;
    }
    if (pos > 0) content = content.slice(pos).trim();
    block.content = content;
  }
}

function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/**
 * An ATX heading's text without its closing `#` sequence (spec §4.2): the last run of `#`,
 * preceded by a space or tab (or nothing but whitespace), followed only by spaces or tabs.
 * Not a regex: `/[ \t]+#+[ \t]*$/` is quadratic on long runs of spaces.
 */
function stripClosingSequence(raw: string): string {
  let end = raw.length;
  while (end > 0 && isSpaceOrTab(raw.charCodeAt(end - 1))) end--;
  let hashes = end;
  while (hashes > 0 && raw.charCodeAt(hashes - 1) === 35) hashes--;
  if (hashes === end) return raw;
  let start = hashes;
  while (start > 0 && isSpaceOrTab(raw.charCodeAt(start - 1))) start--;
  if (start === 0) return '';
  return start === hashes ? raw : raw.slice(0, start);
}

function acceptsLines(type: BlockType): boolean {
  return type === 'paragraph' || type === 'code' || type === 'math' || type === 'html' || type === 'table';
}

function endsWithBlankLine(start: Block): boolean {
  let block: Block | undefined = start;
  while (block) {
    if (block.lastLineBlank) return true;
    if (!block.lastLineChecked && (block.type === 'list' || block.type === 'item')) {
      block.lastLineChecked = true;
      block = block.lastChild;
    } else {
      block.lastLineChecked = true;
      break;
    }
  }
  return false;
}

function finalizeList(list: Block): void {
  const data = list.listData as ListData;
  const items = list.children;
  outer: for (let i = 0; i < items.length; i++) {
    const item = items[i] as Block;
    const hasNext = i < items.length - 1;
    if (endsWithBlankLine(item) && hasNext) {
      data.tight = false;
      break;
    }
    for (let j = 0; j < item.children.length; j++) {
      const sub = item.children[j] as Block;
      if (endsWithBlankLine(sub) && (hasNext || j < item.children.length - 1)) {
        data.tight = false;
        break outer;
      }
    }
  }
}

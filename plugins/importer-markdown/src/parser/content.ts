/**
 * Text of a leaf block (paragraph, heading, table cell) together with a map from offsets in
 * that text back to source lines and columns, so inline nodes get exact positions even though
 * container markers (`> `, list indentation) were stripped from every line.
 */

export interface Point {
  line: number;
  column: number;
  offset: number;
}

export interface Position {
  start: Point;
  end: Point;
}

/** Source lines: start offsets, for turning (line, col) into mdast points. */
export class Source {
  constructor(readonly lineStarts: readonly number[]) {}

  /** 0-based line and column → mdast point (1-based line/column, 0-based offset). */
  point(line: number, col: number): Point {
    return { line: line + 1, column: col + 1, offset: (this.lineStarts[line] ?? 0) + col };
  }

  position(startLine: number, startCol: number, endLine: number, endCol: number): Position {
    return { start: this.point(startLine, startCol), end: this.point(endLine, endCol) };
  }
}

/** A line of block content: `text` starts at `col` on source line `line`. */
export interface ContentLine {
  text: string;
  line: number;
  col: number;
}

/**
 * Content text plus breakpoints: at content offset `at[i]` the text continues at source
 * (`line[i]`, `col[i]`) and advances linearly until the next breakpoint.
 */
export class Content {
  constructor(
    readonly text: string,
    private readonly at: readonly number[],
    private readonly lines: readonly number[],
    private readonly cols: readonly number[],
  ) {}

  /** Joins lines with `\n` (the newline maps to the end of its line). */
  static fromLines(lines: readonly ContentLine[]): Content {
    const b = new ContentBuilder();
    lines.forEach((l, i) => {
      b.append(l.text, l.line, l.col);
      if (i < lines.length - 1) b.append('\n', l.line, l.col + l.text.length);
    });
    return b.build();
  }

  #segment(offset: number): number {
    let lo = 0;
    let hi = this.at.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.at[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Source line and column (0-based) of a content offset. */
  locate(offset: number): { line: number; col: number } {
    if (this.at.length === 0) return { line: 0, col: 0 };
    const k = this.#segment(offset);
    return { line: this.lines[k] as number, col: (this.cols[k] as number) + (offset - (this.at[k] as number)) };
  }

  /** Sub-content [start, end) with its own map. */
  slice(start: number, end: number = this.text.length): Content {
    if (this.at.length === 0) return new Content(this.text.slice(start, end), [], [], []);
    const k0 = this.#segment(start);
    const at: number[] = [0];
    const lines: number[] = [this.lines[k0] as number];
    const cols: number[] = [(this.cols[k0] as number) + (start - (this.at[k0] as number))];
    for (let k = k0 + 1; k < this.at.length; k++) {
      const a = this.at[k] as number;
      if (a >= end) break;
      at.push(a - start);
      lines.push(this.lines[k] as number);
      cols.push(this.cols[k] as number);
    }
    return new Content(this.text.slice(start, end), at, lines, cols);
  }

  /** Content without surrounding whitespace (spaces, tabs, newlines). */
  trim(): Content {
    let s = 0;
    let e = this.text.length;
    while (s < e && isWs(this.text.charCodeAt(s))) s++;
    while (e > s && isWs(this.text.charCodeAt(e - 1))) e--;
    return s === 0 && e === this.text.length ? this : this.slice(s, e);
  }
}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Builds a Content from pieces that each map to a source location. */
export class ContentBuilder {
  #text = '';
  readonly #at: number[] = [];
  readonly #lines: number[] = [];
  readonly #cols: number[] = [];

  append(text: string, line: number, col: number): void {
    if (text.length === 0) return;
    const last = this.#at.length - 1;
    // Extend the current segment when the new piece continues it exactly.
    const continues = last >= 0 && this.#lines[last] === line && (this.#cols[last] as number) + (this.#text.length - (this.#at[last] as number)) === col;
    if (!continues) {
      this.#at.push(this.#text.length);
      this.#lines.push(line);
      this.#cols.push(col);
    }
    this.#text += text;
  }

  build(): Content {
    return new Content(this.#text, this.#at, this.#lines, this.#cols);
  }
}

/**
 * Turns the block tree into mdast, parsing inline content on the way, and applies the
 * document-level extensions: figures (an image alone in its paragraph), GitHub alerts as
 * callouts, page breaks, display maths paragraphs and GFM task list items.
 */
import { CALLOUT_KINDS, type CalloutKind, toPlainText } from '@export-ia/core/plugin';
import type { BlockContent, Code, Definition, Heading, List, ListItem, Paragraph, PhrasingContent, RootContent, Table, TableCell, TableRow } from 'mdast';
import { type Block, splitTableRow } from './block-parser.js';
import { footnoteKey } from './common.js';
import { Content, ContentBuilder, type Position, type Source } from './content.js';
import type { InlineParser } from './inline-parser.js';

export interface ConvertOptions {
  gfm: boolean;
  /** Figures, callouts and page breaks. */
  extensions: boolean;
}

const CALLOUT = new RegExp(`^\\[!(${CALLOUT_KINDS.join('|')})\\][ \\t]*([^\\n]*)(?:\\n|$)`, 'i');
const PAGE_BREAK_TEXT = /^\\(?:pagebreak|newpage)$/;
const PAGE_BREAK_HTML = /^<!--\s*page-?break\s*-->$/i;
const TASK = /^\[([ xX])\][ \t]+(?=\S)/;

export class MdastBuilder {
  constructor(
    private readonly lines: readonly string[],
    private readonly source: Source,
    private readonly inline: InlineParser,
    private readonly options: ConvertOptions,
  ) {}

  /** End of line `line` without trailing whitespace. */
  #lineEnd(line: number): number {
    const text = this.lines[line] ?? '';
    let end = text.length;
    while (end > 0 && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
    return end;
  }

  #leafPosition(block: Block): Position {
    return this.source.position(block.startLine, block.startCol, block.endLine, this.#lineEnd(block.endLine));
  }

  #contentPosition(content: Content): Position {
    const a = content.locate(0);
    const b = content.locate(content.text.length);
    return this.source.position(a.line, a.col, b.line, b.col);
  }

  /** Position of a container: from its marker to the end of its last child. */
  #containerPosition(block: Block, children: RootContent[]): Position | NonNullable<RootContent['position']> {
    const last = children[children.length - 1];
    const start = this.source.point(block.startLine, block.startCol);
    if (last?.position) return { start, end: last.position.end };
    return { start, end: this.source.point(block.startLine, this.#lineEnd(block.startLine)) };
  }

  children(block: Block): RootContent[] {
    const out: RootContent[] = [];
    for (const child of block.children) this.#convert(child, out);
    return out;
  }

  #definitions(block: Block, out: RootContent[]): void {
    for (const d of block.definitions) {
      const def: Definition = {
        type: 'definition',
        identifier: d.key.toLowerCase(),
        label: d.label,
        url: d.url,
        title: d.title,
        position: this.source.position(d.startLine, d.startCol, d.endLine, d.endCol),
      };
      out.push(def);
    }
  }

  #convert(block: Block, out: RootContent[]): void {
    switch (block.type) {
      case 'paragraph': {
        this.#definitions(block, out);
        const content = block.content ?? Content.fromLines(block.lines).trim();
        if (content.text.length === 0) return;
        out.push(this.#paragraph(content));
        return;
      }
      case 'heading': {
        this.#definitions(block, out);
        const content = block.content ?? Content.fromLines(block.lines).trim();
        const heading: Heading = {
          type: 'heading',
          depth: Math.min(6, Math.max(1, block.level)) as Heading['depth'],
          children: content.text.length > 0 ? this.inline.parse(content, this.source) : [],
          position: this.#leafPosition(block),
        };
        out.push(heading);
        return;
      }
      case 'thematicBreak':
        out.push({ type: 'thematicBreak', position: this.#leafPosition(block) });
        return;
      case 'code': {
        const value = block.lines.map((l) => l.text).join('\n');
        const info = block.info;
        const space = info.search(/[ \t]/);
        const code: Code = {
          type: 'code',
          lang: info === '' ? null : space < 0 ? info : info.slice(0, space),
          meta: space < 0 ? null : info.slice(space + 1).trim() || null,
          value,
          position: this.#leafPosition(block),
        };
        out.push(code);
        return;
      }
      case 'math':
        out.push({ type: 'math', value: block.lines.map((l) => l.text).join('\n'), meta: block.info || null, position: this.#leafPosition(block) });
        return;
      case 'html': {
        const value = block.lines.map((l) => l.text).join('\n');
        const position = this.#leafPosition(block);
        if (this.options.extensions && PAGE_BREAK_HTML.test(value.trim())) out.push({ type: 'pageBreak', position });
        else out.push({ type: 'html', value, position });
        return;
      }
      case 'blockquote': {
        const callout = this.options.extensions ? this.#callout(block) : undefined;
        if (callout) {
          const children: RootContent[] = [];
          if (callout.body.text.length > 0) children.push(this.#paragraph(callout.body));
          for (const child of block.children.slice(1)) this.#convert(child, children);
          const position = this.#containerPosition(block, children);
          const body = children as BlockContent[];
          out.push(
            callout.title
              ? { type: 'callout', kind: callout.kind, title: callout.title, children: body, position }
              : { type: 'callout', kind: callout.kind, children: body, position },
          );
          return;
        }
        const children = this.children(block) as BlockContent[];
        out.push({ type: 'blockquote', children, position: this.#containerPosition(block, children) });
        return;
      }
      case 'list': {
        const data = block.listData;
        const items: ListItem[] = [];
        for (const item of block.children) items.push(this.#listItem(item, !(data?.tight ?? true)));
        const list: List = {
          type: 'list',
          ordered: data?.type === 'ordered',
          start: data?.type === 'ordered' ? data.start : null,
          spread: !(data?.tight ?? true),
          children: items,
          position: this.#containerPosition(block, items),
        };
        out.push(list);
        return;
      }
      case 'footnote': {
        const children = this.children(block) as BlockContent[];
        out.push({
          type: 'footnoteDefinition',
          identifier: footnoteKey(block.label),
          label: block.label,
          children,
          position: this.#containerPosition(block, children),
        });
        return;
      }
      case 'table':
        out.push(this.#table(block));
        return;
      default:
        for (const child of block.children) this.#convert(child, out);
    }
  }

  #paragraph(content: Content): RootContent {
    const position = this.#contentPosition(content);
    const children = this.inline.parse(content, this.source);
    if (this.options.extensions) {
      if (children.length === 1) {
        const only = children[0] as PhrasingContent;
        if (only.type === 'text' && PAGE_BREAK_TEXT.test(only.value.trim())) return { type: 'pageBreak', position };
        if (only.type === 'inlineMath' && (only.data as { display?: boolean } | undefined)?.display)
          return { type: 'math', value: only.value, meta: null, position };
      }
      const meaningful = children.filter((c) => !(c.type === 'text' && c.value.trim() === ''));
      const image = meaningful[0];
      if (meaningful.length === 1 && image?.type === 'image' && image.alt) {
        const captionPosition = image.position ?? position;
        return {
          type: 'figure',
          children: [image, { type: 'figureCaption', children: [{ type: 'text', value: image.alt, position: captionPosition }], position: captionPosition }],
          position,
        };
      }
    }
    const paragraph: Paragraph = { type: 'paragraph', children, position };
    return paragraph;
  }

  #listItem(item: Block, spread: boolean): ListItem {
    let checked: boolean | null = null;
    const children: RootContent[] = [];
    item.children.forEach((child, index) => {
      if (index === 0 && this.options.gfm && child.type === 'paragraph') {
        const content = child.content ?? Content.fromLines(child.lines).trim();
        const m = TASK.exec(content.text);
        if (m && child.definitions.length === 0) {
          checked = m[1] !== ' ';
          children.push(this.#paragraph(content.slice(m[0].length)));
          return;
        }
      }
      this.#convert(child, children);
    });
    return { type: 'listItem', spread, checked, children: children as BlockContent[], position: this.#containerPosition(item, children) };
  }

  /**
   * A GitHub alert: the quote's first paragraph starts with `[!KIND]` in its source text (so an
   * escaped `\[!NOTE]` is not one). The rest of that line is the title (as plain text); the body
   * is the paragraph's source after the marker line, so its positions stay exact.
   */
  #callout(block: Block): { kind: CalloutKind; title?: string; body: Content } | undefined {
    const first = block.children[0];
    if (first?.type !== 'paragraph' || first.definitions.length > 0) return undefined;
    const content = first.content ?? Content.fromLines(first.lines).trim();
    const m = CALLOUT.exec(content.text);
    if (!m) return undefined;
    // The marker must also read as text: `[!NOTE](url)` is a link, not an alert.
    const lead = this.inline.parse(content, this.source)[0];
    if (lead?.type !== 'text' || !lead.value.startsWith('[!')) return undefined;
    const kind = (m[1] as string).toLowerCase() as CalloutKind;
    const lineEnd = m[0].endsWith('\n') ? m[0].length - 1 : m[0].length;
    let raw = m[2] as string;
    // A backslash hard break after the title belongs to the line break, not the title.
    if (lineEnd < m[0].length && raw.endsWith('\\')) raw = raw.slice(0, -1);
    const titleContent = content.slice(lineEnd - (m[2] as string).length, lineEnd - (m[2] as string).length + raw.length).trim();
    const title = titleContent.text.length > 0 ? toPlainText(this.inline.parse(titleContent, this.source)).trim() : '';
    const body = content.slice(m[0].length).trim();
    return title ? { kind, title, body } : { kind, body };
  }

  #table(block: Block): Table {
    const width = block.align.length;
    // The delimiter row leaves an empty remainder line behind; a blank line is never a row.
    // Blank means spaces and tabs only: `trim()` would also drop a row of a no-break space.
    const lines = block.lines.filter((line) => !/^[ \t]*$/.test(line.text));
    const rows: TableRow[] = lines.map((line) => {
      const ranges = splitTableRow(line.text);
      // The row covers its line without surrounding whitespace, outer pipes included.
      let rowStart = 0;
      let rowEnd = line.text.length;
      while (rowStart < rowEnd && (line.text.charCodeAt(rowStart) === 32 || line.text.charCodeAt(rowStart) === 9)) rowStart++;
      while (rowEnd > rowStart && (line.text.charCodeAt(rowEnd - 1) === 32 || line.text.charCodeAt(rowEnd - 1) === 9)) rowEnd--;
      const cells: TableCell[] = [];
      for (let i = 0; i < width; i++) {
        const range = ranges[i];
        if (!range) {
          const at = this.source.point(line.line, line.col + rowEnd);
          cells.push({ type: 'tableCell', children: [], position: { start: at, end: at } });
          continue;
        }
        let s = range.start;
        let e = range.end;
        while (s < e && (line.text.charCodeAt(s) === 32 || line.text.charCodeAt(s) === 9)) s++;
        while (e > s && (line.text.charCodeAt(e - 1) === 32 || line.text.charCodeAt(e - 1) === 9)) e--;
        // `\|` stands for a literal pipe inside a cell, even inside code spans.
        const b = new ContentBuilder();
        let k = s;
        while (k < e) {
          const next = line.text.indexOf('\\|', k);
          const stop = next < 0 || next >= e ? e : next;
          b.append(line.text.slice(k, stop), line.line, line.col + k);
          if (stop === e) break;
          b.append('|', line.line, line.col + stop + 1);
          k = stop + 2;
        }
        const content = b.build();
        const position = this.source.position(line.line, line.col + s, line.line, line.col + e);
        cells.push({ type: 'tableCell', children: content.text.length > 0 ? this.inline.parse(content, this.source) : [], position });
      }
      return { type: 'tableRow', children: cells, position: this.source.position(line.line, line.col + rowStart, line.line, line.col + rowEnd) };
    });
    const first = rows[0]?.position;
    const last = rows[rows.length - 1]?.position;
    return {
      type: 'table',
      align: block.align,
      children: rows,
      position: {
        start: first?.start ?? this.source.point(block.startLine, block.startCol),
        end: last?.end ?? this.source.point(block.startLine, block.startCol),
      },
    };
  }
}

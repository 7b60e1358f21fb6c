/**
 * mdast → a Word document. Every list gets its own numbering instance (a second list starts
 * again at 1), headings carry bookmarks for internal links, footnotes are real Word footnotes,
 * code is highlighted with the same token colours as the HTML output, maths is native Word
 * maths (OMML), and images keep their alt text.
 */
import type { Asset, Diagnostic, DocumentModel, ExportSettings, Labels, ResolvedTheme } from '@export-ia/core/plugin';
import { diagnostic, fillPlaceholders, indexDocument, labelsFor, pushAll, rawHtmlToText } from '@export-ia/core/plugin';
import { highlight } from '@export-ia/highlight';
import {
  AlignmentType,
  Bookmark,
  BorderStyle,
  Document,
  ExternalHyperlink,
  Footer,
  FootnoteReferenceRun,
  Header,
  HeadingLevel,
  ImageRun,
  ImportedXmlComponent,
  InternalHyperlink,
  LineRuleType,
  PageBreak,
  PageNumber,
  Paragraph,
  type ParagraphChild,
  ShadingType,
  Table,
  TableCell,
  TableOfContents,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { estimatePageNumbers } from 'docx/layout';
import type { RootContent as HastContent, Element as HastElement } from 'hast';
import { mml2omml } from 'mathml2omml';
import type { Definition, FootnoteDefinition, PhrasingContent, RootContent } from 'mdast';
import temml from 'temml';
import { documentStyles, numberingConfig, type PageGeometry, pageGeometry, STYLE, wordColor } from './styles.js';

/** Runs `fn` with console.warn silenced: mathml2omml warns on stderr about elements it skips. */
function quietly<T>(fn: () => T): T {
  // biome-ignore lint/suspicious/noConsole: saved to be restored, not called.
  const warn = console.warn;
  console.warn = () => {};
  try {
    return fn();
  } finally {
    console.warn = warn;
  }
}

/** Token colours, as in the HTML output (GitHub light). */
const TOKEN_COLORS: Record<string, string> = {
  comment: '6E7781',
  quote: '6E7781',
  keyword: 'CF222E',
  'selector-tag': 'CF222E',
  doctag: 'CF222E',
  section: 'CF222E',
  string: '0A3069',
  regexp: '0A3069',
  number: '0550AE',
  literal: '0550AE',
  variable: '0550AE',
  attr: '0550AE',
  attribute: '0550AE',
  symbol: '0550AE',
  title: '8250DF',
  built_in: '953800',
  type: '953800',
  params: '953800',
  name: '116329',
  tag: '116329',
};

type Block = Paragraph | Table | TableOfContents;

interface RunStyle {
  bold?: boolean;
  italics?: boolean;
  strike?: boolean;
  code?: boolean;
  link?: boolean;
  color?: string;
}

interface BlockContext {
  /** Nesting of block quotes and callouts (indent and left bar). */
  quoteDepth: number;
  quoteColor?: string;
  /** Enclosing lists, for the numbering level. */
  listLevel: number;
  /** Numbering of the next paragraph (the first of a list item). */
  numbering?: { reference: string; level: number; instance: number };
  /** Indent of list item content that is not the first paragraph. */
  itemIndent?: number;
  tight?: boolean;
  style?: string;
  alignment?: (typeof AlignmentType)[keyof typeof AlignmentType];
}

/**
 * Removes the characters XML 1.0 forbids (C0 controls other than tab, newline and carriage
 * return, and U+FFFE/U+FFFF): one of them anywhere in a part makes Word refuse the whole file.
 */
function xmlSafe(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters removed.
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', 'ftp', 'tel']);

const CALLOUT_COLORS: Record<string, string> = { note: '0969DA', tip: '1A7F37', important: '8250DF', warning: '9A6700', caution: 'CF222E' };

export interface DocxOptions {
  doc: DocumentModel;
  theme: ResolvedTheme;
  settings: Readonly<ExportSettings>;
  report: (d: Diagnostic) => void;
  generator: string;
}

export class DocxWriter {
  readonly #doc: DocumentModel;
  readonly #theme: ResolvedTheme;
  readonly #settings: Readonly<ExportSettings>;
  readonly #report: (d: Diagnostic) => void;
  readonly #labels: Labels;
  readonly #page: PageGeometry;
  #definitions = new Map<string, Definition>();
  #footnoteDefs = new Map<string, FootnoteDefinition>();
  readonly #footnoteIds = new Map<string, number>();
  readonly #footnotes: Record<string, { children: Paragraph[] }> = {};
  readonly #bookmarks = new Map<string, string>();
  readonly #orderedStarts = new Set<number>();
  readonly #warned = new Set<string>();
  #listInstance = 0;

  constructor(options: DocxOptions) {
    this.#doc = options.doc;
    this.#theme = options.theme;
    this.#settings = options.settings;
    this.#report = options.report;
    this.#labels = labelsFor(options.doc.meta.lang);
    this.#page = pageGeometry(options.theme);
    this.#collect(options.doc.root);
  }

  #collect(root: DocumentModel['root']): void {
    const index = indexDocument(root);
    this.#definitions = index.definitions;
    this.#footnoteDefs = index.footnotes;
    const usedNames = new Set<string>();
    for (const heading of index.headings) {
      if (!heading.data?.id) continue;
      // Word bookmark names: a letter first, letters, digits and _ only, at most 40 characters.
      const base = `_h_${heading.data.id.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '_')}`.slice(0, 36);
      let name = base;
      for (let n = 2; usedNames.has(name); n++) name = `${base}_${n}`;
      usedNames.add(name);
      this.#bookmarks.set(heading.data.id, name);
    }
  }

  #warnOnce(key: string, d: Diagnostic): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#report(d);
  }

  // ── Inline content ──────────────────────────────────────────────────────────────────

  #text(value: string, style: RunStyle): TextRun {
    const text = xmlSafe(value).replace(/\n/g, ' ');
    return new TextRun({
      text,
      ...(style.bold ? { bold: true } : {}),
      ...(style.italics ? { italics: true } : {}),
      ...(style.strike ? { strike: true } : {}),
      ...(style.code
        ? {
            font: this.#theme.fonts.mono.docx,
            size: Math.round((this.#theme.fonts.body.size ?? 11) * 0.9 * 2),
            shading: { type: ShadingType.CLEAR, fill: wordColor(this.#theme.colors.codeBackground), color: 'auto' },
          }
        : {}),
      ...(style.link ? { style: 'Hyperlink' } : {}),
      ...(style.color && !style.link ? { color: style.color } : {}),
    });
  }

  #math(tex: string, display: boolean, line?: number): ParagraphChild | undefined {
    try {
      // mathml2omml knows no <mpadded> (spacing wrappers temml emits): keep their content.
      const mathml = temml
        .renderToString(tex, { displayMode: display, throwOnError: true, trust: false })
        .replace(/<mpadded\b[^>]*>/g, '<mrow>')
        .replace(/<\/mpadded>/g, '</mrow>');
      const omml = quietly(() => mml2omml(mathml));
      const xml = display ? `<m:oMathPara>${omml}</m:oMathPara>` : omml;
      return ImportedXmlComponent.fromXmlString(xml) as unknown as ParagraphChild;
    } catch (err) {
      this.#report(
        diagnostic(
          'EIA_MATH_UNSUPPORTED',
          { tex: tex.slice(0, 60), format: 'DOCX', detail: (err as Error).message.slice(0, 160) },
          line ? { position: { line, column: 1 } } : {},
        ),
      );
      return undefined;
    }
  }

  #linkTarget(url: string): { internal: string } | { external: string } | undefined {
    if (url.startsWith('#')) {
      let id = url.slice(1);
      try {
        id = decodeURIComponent(id);
      } catch {
        // A malformed escape (`#50%`): look the anchor up as written.
      }
      const name = this.#bookmarks.get(id);
      return name ? { internal: name } : undefined;
    }
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
    if (scheme && !SAFE_SCHEMES.has(scheme)) {
      this.#report(diagnostic('EIA_LINK_UNSAFE', { url: url.slice(0, 80), scheme: `${scheme}:` }));
      return undefined;
    }
    return { external: xmlSafe(url) };
  }

  #image(asset: Asset | undefined, url: string, alt: string, maxWidth = this.#page.contentWidthPx): ParagraphChild {
    const usable = asset?.status === 'ok' && asset.data && asset.mediaType;
    let type: 'png' | 'jpg' | 'gif' | 'svg' | undefined;
    let data: Uint8Array | undefined;
    let fallback: Uint8Array | undefined;
    if (usable) {
      const media = asset.mediaType;
      if (media === 'image/png') type = 'png';
      else if (media === 'image/jpeg') type = 'jpg';
      else if (media === 'image/gif') type = 'gif';
      else if (media === 'image/svg+xml' && asset.fallbackPng) {
        type = 'svg';
        fallback = asset.fallbackPng;
      } else if (asset.fallbackPng) type = 'png';
      data = type === 'png' && media !== 'image/png' ? asset.fallbackPng : asset.data;
    }
    if (!type || !data || !asset?.width || !asset.height) {
      const label = alt ? `[${alt} — ${this.#labels.imageMissing}]` : `[${this.#labels.imageMissing}]`;
      return new TextRun({ text: xmlSafe(label), italics: true, color: wordColor(this.#theme.colors.muted) });
    }
    // Pixels at 96 dpi; images wider than the text area, or taller than 60% of it, are scaled down.
    const scale = Math.min(1, maxWidth / asset.width, (this.#page.contentHeightPx * 0.6) / asset.height);
    const transformation = { width: Math.max(1, Math.round(asset.width * scale)), height: Math.max(1, Math.round(asset.height * scale)) };
    const safeAlt = xmlSafe(alt);
    const altText = { name: safeAlt || xmlSafe(url.split('/').pop() ?? '') || 'image', title: safeAlt, description: safeAlt };
    if (type === 'svg') return new ImageRun({ type: 'svg', data, transformation, altText, fallback: { type: 'png', data: fallback as Uint8Array } });
    return new ImageRun({ type, data, transformation, altText });
  }

  #inlines(nodes: readonly PhrasingContent[], style: RunStyle = {}): ParagraphChild[] {
    const out: ParagraphChild[] = [];
    for (const node of nodes) {
      switch (node.type) {
        case 'text':
          out.push(this.#text(node.value, style));
          break;
        case 'emphasis':
          pushAll(out, this.#inlines(node.children, { ...style, italics: true }));
          break;
        case 'strong':
          pushAll(out, this.#inlines(node.children, { ...style, bold: true }));
          break;
        case 'delete':
          pushAll(out, this.#inlines(node.children, { ...style, strike: true }));
          break;
        case 'inlineCode':
          out.push(this.#text(node.value, { ...style, code: true }));
          break;
        case 'break':
          out.push(new TextRun({ break: 1 }));
          break;
        case 'inlineMath': {
          const math = this.#math(node.value, false, node.position?.start.line);
          out.push(math ?? this.#text(node.value, { ...style, code: true }));
          break;
        }
        case 'link':
        case 'linkReference': {
          const url = node.type === 'link' ? node.url : (this.#definitions.get(node.identifier)?.url ?? '');
          const children = this.#inlines(node.children, { ...style, link: true });
          const target = url ? this.#linkTarget(url) : undefined;
          if (!target) pushAll(out, this.#inlines(node.children, style));
          else if ('internal' in target) out.push(new InternalHyperlink({ anchor: target.internal, children }));
          else out.push(new ExternalHyperlink({ link: target.external, children }));
          break;
        }
        case 'image':
          out.push(this.#image(this.#doc.assets[node.url], node.url, node.alt ?? ''));
          break;
        case 'imageReference': {
          const url = this.#definitions.get(node.identifier)?.url ?? '';
          out.push(this.#image(this.#doc.assets[url], url, node.alt ?? ''));
          break;
        }
        case 'footnoteReference': {
          const def = this.#footnoteDefs.get(node.identifier);
          if (!def) break;
          let id = this.#footnoteIds.get(node.identifier);
          if (id === undefined) {
            id = this.#footnoteIds.size + 1;
            this.#footnoteIds.set(node.identifier, id);
            this.#footnotes[String(id)] = { children: this.#footnoteBody(def) };
          }
          out.push(new FootnoteReferenceRun(id));
          break;
        }
        case 'html':
          if (/^<br\s*\/?>$/i.test(node.value.trim())) out.push(new TextRun({ break: 1 }));
          else this.#warnOnce('inline-html', diagnostic('EIA_RAW_HTML_DROPPED', { line: node.position?.start.line ?? '?', format: 'DOCX' }));
          break;
        default:
          break;
      }
    }
    return out;
  }

  #footnoteBody(def: FootnoteDefinition): Paragraph[] {
    const blocks = this.#blocks(def.children as RootContent[], { quoteDepth: 0, listLevel: 0, style: 'FootnoteText' });
    return blocks.filter((b): b is Paragraph => b instanceof Paragraph);
  }

  // ── Blocks ──────────────────────────────────────────────────────────────────────────

  #paragraph(children: ParagraphChild[], ctx: BlockContext, extra: Record<string, unknown> = {}): Paragraph {
    const options: Record<string, unknown> = { children, ...extra };
    if (ctx.style && !extra.style && !extra.heading) options.style = ctx.style;
    if (ctx.alignment && !extra.alignment) options.alignment = ctx.alignment;
    if (ctx.numbering) {
      options.numbering = ctx.numbering;
      ctx.numbering = undefined;
    } else if (ctx.itemIndent) {
      options.indent = { left: ctx.itemIndent };
    }
    if (ctx.quoteDepth > 0) {
      options.indent = { left: 360 * ctx.quoteDepth + (ctx.itemIndent ?? 0) };
      options.border = { left: { style: BorderStyle.SINGLE, size: 18, color: ctx.quoteColor ?? wordColor(this.#theme.colors.quoteBar), space: 10 } };
    }
    if (ctx.tight && ctx.listLevel > 0) options.spacing = { after: 40 };
    return new Paragraph(options as ConstructorParameters<typeof Paragraph>[0]);
  }

  #blocks(nodes: readonly RootContent[], ctx: BlockContext): Block[] {
    const out: Block[] = [];
    for (const node of nodes) this.#block(node, ctx, out);
    return out;
  }

  #block(node: RootContent, ctx: BlockContext, out: Block[]): void {
    switch (node.type) {
      case 'paragraph':
        out.push(this.#paragraph(this.#inlines(node.children), ctx));
        return;
      case 'heading': {
        const runs = this.#inlines(node.children);
        const name = node.data?.id ? this.#bookmarks.get(node.data.id) : undefined;
        const level = [
          HeadingLevel.HEADING_1,
          HeadingLevel.HEADING_2,
          HeadingLevel.HEADING_3,
          HeadingLevel.HEADING_4,
          HeadingLevel.HEADING_5,
          HeadingLevel.HEADING_6,
        ][node.depth - 1];
        const extra: Record<string, unknown> = { heading: level };
        if (this.#numberedHeadings && ctx.listLevel === 0 && ctx.quoteDepth === 0) extra.numbering = { reference: 'headings', level: node.depth - 1 };
        out.push(
          new Paragraph({ children: name ? [new Bookmark({ id: name, children: runs })] : runs, ...extra } as ConstructorParameters<typeof Paragraph>[0]),
        );
        return;
      }
      case 'thematicBreak':
        out.push(
          new Paragraph({
            children: [],
            border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: wordColor(this.#theme.colors.rule), space: 1 } },
            spacing: { after: 240 },
          }),
        );
        return;
      case 'pageBreak':
        out.push(new Paragraph({ children: [new PageBreak()] }));
        return;
      case 'code':
        pushAll(out, this.#code(node.value, node.lang ?? undefined, ctx));
        return;
      case 'math': {
        const math = this.#math(node.value, true, node.position?.start.line);
        out.push(
          math
            ? this.#paragraph([math], ctx, { style: STYLE.mathBlock })
            : this.#paragraph([this.#text(node.value, { code: true })], ctx, { style: STYLE.code }),
        );
        return;
      }
      case 'blockquote':
        pushAll(out, this.#blocks(node.children, { ...ctx, quoteDepth: ctx.quoteDepth + 1, style: STYLE.quote, numbering: undefined }));
        return;
      case 'callout': {
        const color = CALLOUT_COLORS[node.kind] ?? '0969DA';
        const inner: BlockContext = { ...ctx, quoteDepth: ctx.quoteDepth + 1, quoteColor: color, numbering: undefined };
        out.push(this.#paragraph([new TextRun({ text: xmlSafe(node.title ?? this.#labels[node.kind]), color })], inner, { style: STYLE.calloutTitle }));
        pushAll(out, this.#blocks(node.children, inner));
        return;
      }
      case 'list':
        this.#list(node, ctx, out);
        return;
      case 'table':
        out.push(this.#table(node));
        return;
      case 'figure': {
        for (const child of node.children) {
          if (child.type === 'figureCaption') out.push(new Paragraph({ style: STYLE.caption, children: this.#inlines(child.children), keepLines: true }));
          else if (child.type === 'image') {
            out.push(
              new Paragraph({
                alignment: AlignmentType.CENTER,
                keepNext: true,
                spacing: { after: 80 },
                children: [this.#image(this.#doc.assets[child.url], child.url, child.alt ?? '')],
              }),
            );
          } else out.push(this.#table(child));
        }
        return;
      }
      case 'html': {
        const text = rawHtmlToText(node.value);
        if (text) out.push(this.#paragraph([this.#text(text, {})], ctx));
        this.#warnOnce('block-html', diagnostic('EIA_RAW_HTML_DROPPED', { line: node.position?.start.line ?? '?', format: 'DOCX' }));
        return;
      }
      default:
        // definition, footnoteDefinition (rendered at the reference), yaml: nothing here.
        return;
    }
  }

  get #numberedHeadings(): boolean {
    return this.#settings.numberSections ?? this.#theme.headings.numbering;
  }

  #code(value: string, lang: string | undefined, ctx: BlockContext): Paragraph[] {
    const lines: ParagraphChild[][] = [[]];
    const push = (text: string, color?: string) => {
      const parts = xmlSafe(text).split('\n');
      parts.forEach((part, i) => {
        if (i > 0) lines.push([]);
        if (part) (lines[lines.length - 1] as ParagraphChild[]).push(new TextRun({ text: part, ...(color ? { color } : {}) }));
      });
    };
    const tokens = lang ? highlight(lang, value) : undefined;
    if (tokens) {
      const walkTokens = (nodes: HastContent[], color?: string) => {
        for (const n of nodes) {
          if (n.type === 'text') push(n.value, color);
          else if (n.type === 'element') {
            const cls = ((n as HastElement).properties.className as string[] | undefined)?.[0]?.replace(/^hljs-/, '');
            walkTokens((n as HastElement).children as HastContent[], (cls && TOKEN_COLORS[cls]) ?? color);
          }
        }
      };
      walkTokens(tokens.children as HastContent[]);
    } else push(value);
    const last = lines.length - 1;
    return lines.map((runs, i) =>
      this.#paragraph(
        runs.length > 0 ? runs : [new TextRun('')],
        { ...ctx, style: STYLE.code, tight: false },
        {
          style: STYLE.code,
          spacing: { before: i === 0 ? 60 : 0, after: i === last ? 240 : 0, line: 240, lineRule: LineRuleType.AUTO },
          ...(i < last ? { keepNext: true } : {}),
        },
      ),
    );
  }

  #list(node: Extract<RootContent, { type: 'list' }>, ctx: BlockContext, out: Block[]): void {
    const ordered = Boolean(node.ordered);
    const start = node.start ?? 1;
    if (ordered) this.#orderedStarts.add(start);
    const reference = ordered ? `ordered-${start}` : 'bullet';
    const instance = ++this.#listInstance;
    const level = Math.min(ctx.listLevel, 8);
    for (const item of node.children) {
      const itemCtx: BlockContext = {
        ...ctx,
        listLevel: ctx.listLevel + 1,
        numbering: { reference, level, instance },
        itemIndent: 360 * (level + 1) + 60,
        tight: !node.spread,
        style: ctx.style ?? 'ListParagraph',
      };
      const children = [...item.children];
      if (typeof item.checked === 'boolean') {
        const box = new TextRun({ text: item.checked ? '☒ ' : '☐ ' });
        const first = children[0];
        if (first?.type === 'paragraph') {
          children.shift();
          out.push(this.#paragraph([box, ...this.#inlines(first.children)], itemCtx));
        } else out.push(this.#paragraph([box], itemCtx));
      }
      if (children.length === 0 && itemCtx.numbering) out.push(this.#paragraph([], itemCtx));
      for (const child of children) this.#block(child, itemCtx, out);
    }
  }

  #table(node: Extract<RootContent, { type: 'table' }>): Table {
    const align = node.align ?? [];
    const c = this.#theme.colors;
    const border = { style: BorderStyle.SINGLE, size: 4, color: wordColor(c.rule) };
    let columns = 1;
    for (const row of node.children) columns = Math.max(columns, row.children.length);
    const rows = node.children.map((row, r) => {
      const header = r === 0;
      return new TableRow({
        tableHeader: header,
        cantSplit: true,
        children: Array.from({ length: columns }, (_, k) => {
          const cell = row.children[k];
          const a = align[k];
          const alignment = a === 'center' ? AlignmentType.CENTER : a === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT;
          const runs = cell ? this.#inlines(cell.children, header ? { bold: true, color: wordColor(c.tableHeaderText) } : {}) : [];
          const fill = header ? c.tableHeaderBackground : r % 2 === 0 ? c.tableStripe : c.background;
          return new TableCell({
            children: [new Paragraph({ style: STYLE.tableText, alignment, children: runs })],
            shading: { type: ShadingType.CLEAR, fill: wordColor(fill), color: 'auto' },
          });
        }),
      });
    });
    // Equal grid columns over the text width. Given explicitly, they also keep docx from
    // counting columns with Math.max(...rows), which overflows the stack past ~120k rows.
    const textWidth = this.#page.width - this.#page.margins.left - this.#page.margins.right;
    const columnWidths = Array.from({ length: columns }, () => Math.floor(textWidth / columns));
    return new Table({
      rows,
      columnWidths,
      width: { size: 100, type: WidthType.PERCENTAGE },
      margins: { top: 60, bottom: 60, left: 100, right: 100 },
      borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
    });
  }

  // ── Document ────────────────────────────────────────────────────────────────────────

  #running(template: { left?: string; center?: string; right?: string }): Paragraph | undefined {
    const geo = this.#page;
    const width = geo.width - geo.margins.left - geo.margins.right;
    const slot = (text: string | undefined): ParagraphChild[] =>
      text
        ? fillPlaceholders(text, this.#doc.meta).map((piece) =>
            'text' in piece
              ? new TextRun({ text: xmlSafe(piece.text) })
              : new TextRun({ children: [piece.page === 'page' ? PageNumber.CURRENT : PageNumber.TOTAL_PAGES] }),
          )
        : [];
    const left = slot(template.left);
    const center = slot(template.center);
    const right = slot(template.right);
    if (left.length + center.length + right.length === 0) return undefined;
    // Only the stops that are used, so a long left text never pushes the right one to a new line.
    const parts: ParagraphChild[] = [...left];
    const tabStops: Array<{ type: 'center' | 'right'; position: number }> = [];
    if (center.length > 0) {
      parts.push(new TextRun({ text: '\t' }), ...center);
      tabStops.push({ type: 'center', position: Math.round(width / 2) });
    }
    if (right.length > 0) {
      parts.push(new TextRun({ text: '\t' }), ...right);
      tabStops.push({ type: 'right', position: width });
    }
    const size = Math.round((this.#theme.fonts.body.size ?? 11) * 0.8 * 2);
    return new Paragraph({
      children: parts,
      run: { size, color: wordColor(this.#theme.colors.muted) },
      tabStops,
    } as ConstructorParameters<typeof Paragraph>[0]);
  }

  #titleBlock(): Block[] {
    const { meta } = this.#doc;
    if (!meta.title) return [];
    const titlePage = this.#settings.titlePage ?? this.#theme.titlePage.enabled;
    const out: Block[] = [];
    const logo = this.#theme.logo;
    if (logo && (logo.mediaType === 'image/png' || logo.mediaType === 'image/jpeg' || logo.mediaType === 'image/gif')) {
      const asset: Asset = { url: logo.path, status: 'ok', mediaType: logo.mediaType, width: logo.width, height: logo.height, data: logo.data };
      out.push(new Paragraph({ children: [this.#image(asset, logo.path, '', 180)], spacing: { before: titlePage ? 1800 : 0, after: 480 } }));
    } else if (logo) {
      // Word needs a raster copy of SVG and WebP; themes ship the logo once, so say what to do.
      this.#report(
        diagnostic('EIA_IMAGE_INVALID', {
          url: logo.path,
          detail: 'the theme logo is SVG or WebP, which DOCX output needs as PNG or JPEG; it was left out of the DOCX',
        }),
      );
    }
    out.push(
      new Paragraph({
        heading: HeadingLevel.TITLE,
        children: [new TextRun(xmlSafe(meta.title))],
        ...(titlePage && !logo ? { spacing: { before: 3600 } } : {}),
      }),
    );
    if (meta.subtitle) out.push(new Paragraph({ style: STYLE.subtitle, children: [new TextRun(xmlSafe(meta.subtitle))] }));
    if (meta.author.length > 0) out.push(new Paragraph({ style: STYLE.byline, children: [new TextRun(xmlSafe(meta.author.join(', ')))] }));
    if (meta.date) out.push(new Paragraph({ style: STYLE.byline, children: [new TextRun(xmlSafe(meta.date))] }));
    out.push(
      new Paragraph({
        children: [],
        border: { bottom: { style: BorderStyle.SINGLE, size: 24, color: wordColor(this.#theme.colors.accent), space: 1 } },
        indent: { right: Math.round((this.#page.width - this.#page.margins.left - this.#page.margins.right) * 0.85) },
        spacing: { after: 480 },
      }),
    );
    if (titlePage) out.push(new Paragraph({ children: [new PageBreak()] }));
    return out;
  }

  /**
   * Builds the document. With `estimatePages`, docx lays out the pages to write the table of
   * contents' page numbers, so viewers that do not update fields still show them.
   */
  build(estimatePages = true): Document {
    const { meta } = this.#doc;
    const toc = this.#settings.toc ?? this.#theme.toc.enabled;
    const body: Block[] = [...this.#titleBlock()];
    if (toc) {
      body.push(new Paragraph({ style: STYLE.tocHeading, children: [new TextRun(this.#labels.contents)] }));
      body.push(new TableOfContents(this.#labels.contents, { hyperlink: true, headingStyleRange: `1-${this.#theme.toc.depth}` }));
      body.push(new Paragraph({ children: [new PageBreak()] }));
    }
    pushAll(body, this.#blocks(this.#doc.root.children, { quoteDepth: 0, listLevel: 0 }));
    const titlePage = Boolean(meta.title) && (this.#settings.titlePage ?? this.#theme.titlePage.enabled);
    const header = this.#running(this.#theme.header);
    const footer = this.#running(this.#theme.footer);
    const differentFirst = titlePage || !this.#theme.header.firstPage || !this.#theme.footer.firstPage;
    const headers: Record<string, Header> = {};
    const footers: Record<string, Footer> = {};
    if (header) headers.default = new Header({ children: [header] });
    if (footer) footers.default = new Footer({ children: [footer] });
    if (differentFirst) {
      // An empty first-page header still needs a paragraph (Word and docx's layout expect one).
      headers.first = new Header({ children: [header && this.#theme.header.firstPage && !titlePage ? header : new Paragraph({ children: [] })] });
      footers.first = new Footer({ children: [footer && this.#theme.footer.firstPage && !titlePage ? footer : new Paragraph({ children: [] })] });
    }
    const geo = this.#page;
    return new Document({
      creator: meta.author.join(', ') || 'Export IA',
      ...(meta.title ? { title: meta.title } : {}),
      ...(meta.subject ? { subject: meta.subject } : {}),
      ...(meta.keywords.length > 0 ? { keywords: meta.keywords.join(', ') } : {}),
      ...((meta.description ?? meta.subject) ? { description: meta.description ?? meta.subject } : {}),
      lastModifiedBy: 'Export IA',
      ...(this.#theme.text.hyphenate ? { hyphenation: { autoHyphenation: true } } : {}),
      ...(toc ? { features: { updateFields: true }, ...(estimatePages ? { pageNumbers: estimatePageNumbers } : {}) } : {}),
      styles: documentStyles(this.#theme, meta.lang),
      numbering: numberingConfig(this.#orderedStarts, this.#numberedHeadings),
      footnotes: this.#footnotes,
      sections: [
        {
          properties: {
            page: { size: { width: geo.width, height: geo.height }, margin: { ...geo.margins, header: 560, footer: 560 } },
            ...(differentFirst ? { titlePage: true } : {}),
          },
          headers,
          footers,
          children: body,
        },
      ],
    });
  }
}

/** docProps/core.xml with every core property, including dc:language (docx writes no language). */
export function coreXml(doc: DocumentModel, now: Date): string {
  const esc = (s: string) => xmlSafe(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const { meta } = doc;
  const iso = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const parts = [
    meta.title ? `<dc:title>${esc(meta.title)}</dc:title>` : '',
    meta.subject ? `<dc:subject>${esc(meta.subject)}</dc:subject>` : '',
    `<dc:creator>${esc(meta.author.join(', ') || 'Export IA')}</dc:creator>`,
    meta.keywords.length > 0 ? `<cp:keywords>${esc(meta.keywords.join(', '))}</cp:keywords>` : '',
    (meta.description ?? meta.subject) ? `<dc:description>${esc(meta.description ?? meta.subject ?? '')}</dc:description>` : '',
    meta.lang ? `<dc:language>${esc(meta.lang)}</dc:language>` : '',
    '<cp:lastModifiedBy>Export IA</cp:lastModifiedBy>',
    '<cp:revision>1</cp:revision>',
    `<dcterms:created xsi:type="dcterms:W3CDTF">${iso}</dcterms:created>`,
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${iso}</dcterms:modified>`,
  ];
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${parts.join('')}</cp:coreProperties>`;
}

/**
 * mdast → Typst markup. Inline formatting uses function calls (`#strong[...]`), never the
 * `*`/`_` shorthand, so nothing depends on word boundaries; text is escaped markup, code and
 * URLs are string literals, maths goes through tex2typst and a safety check.
 */
import type { Asset, Diagnostic, DocumentModel, Labels } from '@export-ia/core/plugin';
import { diagnostic, indexDocument, rawHtmlToText } from '@export-ia/core/plugin';
import type { Definition, FootnoteDefinition, PhrasingContent, RootContent, TableCell } from 'mdast';
import { tex2typst } from 'tex2typst';
import { isSafeMath, label, markup, str } from './escape.js';

/** An image or file the compile needs, at a path inside the compile root. */
export interface CompileFile {
  path: string;
  data: Uint8Array;
}

/** A formula, compiled on its own first when the whole document fails. */
export interface Formula {
  id: number;
  /** Definition line: `#let export-ia-eq-3 = $...$`. */
  definition: string;
  /** Replacement definition showing the TeX source. */
  fallback: string;
  tex: string;
  line?: number;
}

const CALLOUT_COLORS: Record<string, string> = { note: '#0969da', tip: '#1a7f37', important: '#8250df', warning: '#9a6700', caution: '#cf222e' };
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', 'ftp', 'tel']);

export interface MarkupResult {
  body: string;
  files: CompileFile[];
  formulas: Formula[];
}

export class TypstWriter {
  readonly #doc: DocumentModel;
  readonly #labels: Labels;
  readonly #report: (d: Diagnostic) => void;
  readonly #textWidthPt: number;
  readonly #definitions: Map<string, Definition>;
  readonly #footnoteDefs: Map<string, FootnoteDefinition>;
  readonly #footnotesSeen = new Set<string>();
  readonly #headingIds = new Set<string>();
  readonly #files: CompileFile[] = [];
  readonly #fileByUrl = new Map<string, string>();
  readonly #formulas: Formula[] = [];
  readonly #warned = new Set<string>();

  constructor(doc: DocumentModel, labels: Labels, report: (d: Diagnostic) => void, textWidthPt: number) {
    this.#doc = doc;
    this.#labels = labels;
    this.#report = report;
    this.#textWidthPt = textWidthPt;
    const index = indexDocument(doc.root);
    this.#definitions = index.definitions;
    this.#footnoteDefs = index.footnotes;
    for (const heading of index.headings) if (heading.data?.id) this.#headingIds.add(heading.data.id);
  }

  write(): MarkupResult {
    const body = this.#blocks(this.#doc.root.children);
    const defs = this.#formulas.map((f) => f.definition).join('\n');
    return { body: defs ? `${defs}\n${body}` : body, files: this.#files, formulas: this.#formulas };
  }

  /** Adds a file to the compile root once and returns its path there. */
  addFile(key: string, data: Uint8Array, extension: string): string {
    const known = this.#fileByUrl.get(key);
    if (known) return known;
    const path = `/assets/file-${this.#files.length + 1}.${extension}`;
    this.#files.push({ path, data });
    this.#fileByUrl.set(key, path);
    return path;
  }

  #warnOnce(key: string, d: Diagnostic): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#report(d);
  }

  // ── Inline ──────────────────────────────────────────────────────────────────────────

  #inlines(nodes: readonly PhrasingContent[]): string {
    let out = '';
    for (const node of nodes) out += this.#inline(node);
    return out;
  }

  #inline(node: PhrasingContent): string {
    switch (node.type) {
      case 'text':
        return markup(node.value);
      case 'emphasis':
        return `#emph[${this.#inlines(node.children)}]`;
      case 'strong':
        return `#strong[${this.#inlines(node.children)}]`;
      case 'delete':
        return `#strike[${this.#inlines(node.children)}]`;
      case 'inlineCode':
        return `#raw(${str(node.value)})`;
      case 'break':
        return '#linebreak()';
      case 'inlineMath': {
        const display = Boolean((node.data as { display?: boolean } | undefined)?.display);
        return this.#math(node.value, display, node.position?.start.line);
      }
      case 'link':
        return this.#link(node.url, this.#inlines(node.children));
      case 'linkReference': {
        const def = this.#definitions.get(node.identifier);
        const text = this.#inlines(node.children);
        return def ? this.#link(def.url, text) : text;
      }
      case 'image':
        return this.#image(node.url, node.alt ?? '', false);
      case 'imageReference': {
        const def = this.#definitions.get(node.identifier);
        return this.#image(def?.url ?? '', node.alt ?? '', false);
      }
      case 'footnoteReference': {
        const def = this.#footnoteDefs.get(node.identifier);
        if (!def) return '';
        const name = label('fn', node.identifier);
        if (this.#footnotesSeen.has(node.identifier)) return `#footnote(<${name}>)`;
        this.#footnotesSeen.add(node.identifier);
        return `#footnote[${this.#blocks(def.children as RootContent[]).trim()}] <${name}>`;
      }
      case 'html':
        if (/^<br\s*\/?>$/i.test(node.value.trim())) return '#linebreak()';
        this.#warnOnce('inline-html', diagnostic('EIA_RAW_HTML_DROPPED', { line: node.position?.start.line ?? '?', format: 'PDF' }));
        return '';
      default:
        return '';
    }
  }

  #link(url: string, text: string): string {
    if (url.startsWith('#')) {
      let id = url.slice(1);
      try {
        id = decodeURIComponent(id);
      } catch {
        // keep as written
      }
      return this.#headingIds.has(id) ? `#link(<${label('h', id)}>)[${text}]` : text;
    }
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
    if (!scheme) return text; // a relative link has no target inside a PDF
    if (!SAFE_SCHEMES.has(scheme)) {
      this.#report(diagnostic('EIA_LINK_UNSAFE', { url: url.slice(0, 80), scheme: `${scheme}:` }));
      return text;
    }
    return `#link(${str(url)})[${text}]`;
  }

  #image(url: string, alt: string, block: boolean): string {
    const asset: Asset | undefined = this.#doc.assets[url];
    if (asset?.status !== 'ok' || !asset.data || !asset.mediaType || !asset.width) {
      const text = alt ? `${alt} — ${this.#labels.imageMissing}` : this.#labels.imageMissing;
      // In a figure the image is a code argument: no `#` there.
      return `${block ? '' : '#'}export-ia-missing(${str(text)})`;
    }
    const ext = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'image/svg+xml': 'svg' }[asset.mediaType];
    const path = this.addFile(url, asset.data, ext);
    // Natural size at 96 dpi, never wider than the text.
    const naturalPt = asset.width * 0.75;
    const width = naturalPt >= this.#textWidthPt ? '100%' : `${naturalPt.toFixed(1)}pt`;
    const img = `image(${str(path)}, alt: ${str(alt)}, width: ${width})`;
    return block ? img : `#box(${img})`;
  }

  #math(tex: string, display: boolean, line?: number): string {
    const id = this.#formulas.length + 1;
    const name = `export-ia-eq-${id}`;
    let typst: string | undefined;
    try {
      typst = tex2typst(tex);
    } catch {
      typst = undefined;
    }
    const fallback = `#let ${name} = raw(${str(tex)})`;
    const formula: Formula = { id, tex, fallback, definition: fallback, ...(line !== undefined ? { line } : {}) };
    if (typst !== undefined && typst.trim() !== '' && isSafeMath(typst)) formula.definition = `#let ${name} = $${typst}$`;
    else
      this.#report(
        diagnostic('EIA_MATH_UNSUPPORTED', { tex: tex.slice(0, 60), format: 'PDF', detail: 'not convertible' }, line ? { position: { line, column: 1 } } : {}),
      );
    this.#formulas.push(formula);
    // The alt text (required by PDF/UA) is the TeX source.
    return `#export-ia-math(${name}, ${display}, ${str(tex)})`;
  }

  // ── Blocks ──────────────────────────────────────────────────────────────────────────

  #blocks(nodes: readonly RootContent[]): string {
    const parts: string[] = [];
    for (const node of nodes) {
      const s = this.#block(node);
      if (s) parts.push(s);
    }
    return parts.join('\n\n');
  }

  #block(node: RootContent): string {
    switch (node.type) {
      case 'paragraph':
        return this.#inlines(node.children);
      case 'heading': {
        const id = node.data?.id;
        const lbl = id ? ` <${label('h', id)}>` : '';
        return `#heading(level: ${node.depth})[${this.#inlines(node.children)}]${lbl}`;
      }
      case 'thematicBreak':
        return '#align(center, line(length: 30%, stroke: 0.6pt + theme-rule))';
      case 'pageBreak':
        return '#pagebreak(weak: true)';
      case 'code':
        return `#raw(${str(node.value)}, block: true${node.lang ? `, lang: ${str(node.lang)}` : ''})`;
      case 'math':
        return this.#math(node.value, true, node.position?.start.line);
      case 'blockquote':
        return `#quote(block: true)[${this.#blocks(node.children)}]`;
      case 'callout': {
        const title = node.title ?? this.#labels[node.kind];
        return `#export-ia-callout(rgb(${str(CALLOUT_COLORS[node.kind] ?? '#0969da')}), [${markup(title)}], [${this.#blocks(node.children)}])`;
      }
      case 'list':
        return this.#list(node);
      case 'table':
        return this.#table(node);
      case 'figure': {
        const image = node.children.find((c) => c.type === 'image');
        const caption = node.children.find((c) => c.type === 'figureCaption');
        const table = node.children.find((c) => c.type === 'table');
        const body = image ? this.#image(image.url, image.alt ?? '', true) : table ? this.#table(table).slice(1) : '[]';
        const cap = caption ? `, caption: [${this.#inlines(caption.children)}]` : '';
        return `#figure(${body}${cap})`;
      }
      case 'html': {
        const text = rawHtmlToText(node.value);
        this.#warnOnce('block-html', diagnostic('EIA_RAW_HTML_DROPPED', { line: node.position?.start.line ?? '?', format: 'PDF' }));
        return text ? markup(text) : '';
      }
      default:
        return '';
    }
  }

  #list(node: Extract<RootContent, { type: 'list' }>): string {
    const tight = !node.spread;
    const allTasks = node.children.length > 0 && node.children.every((i) => typeof i.checked === 'boolean');
    const items = node.children.map((item) => {
      let content = this.#blocks(item.children);
      if (typeof item.checked === 'boolean') content = `#export-ia-task(${item.checked}) ${content}`;
      return `[${content}]`;
    });
    if (node.ordered) return `#enum(tight: ${tight}, start: ${node.start ?? 1}, ${items.join(', ')})`;
    return `#list(tight: ${tight}${allTasks ? ', marker: []' : ''}, ${items.join(', ')})`;
  }

  #cell(cell: TableCell | undefined): string {
    return `[${cell ? this.#inlines(cell.children) : ''}]`;
  }

  #table(node: Extract<RootContent, { type: 'table' }>): string {
    let columns = Math.max(1, node.align?.length ?? 0);
    for (const row of node.children) columns = Math.max(columns, row.children.length);
    const align = Array.from({ length: columns }, (_, i) => {
      const a = node.align?.[i];
      return a === 'center' ? 'center' : a === 'right' ? 'right' : 'left';
    });
    const [head, ...rows] = node.children;
    const cells = (row: (typeof node.children)[number] | undefined) => Array.from({ length: columns }, (_, i) => this.#cell(row?.children[i])).join(', ');
    const body = rows.map((r) => cells(r)).join(',\n  ');
    return `#table(columns: ${columns}, align: (${align.join(', ')},),\n  table.header(repeat: true, ${cells(head)}),\n  ${body}${body ? ',' : ''}\n)`;
  }
}

/**
 * mdast → one standalone HTML file: theme CSS inlined, images embedded as data URIs, MathML,
 * highlighted code, footnotes, optional table of contents, landmarks and `lang`. The body is
 * sanitised (GitHub's schema plus MathML and our structure), and a Content-Security-Policy
 * forbids every script and remote load, so nothing in a document can ever run in the output.
 */
import type { Asset, DocumentModel, ExportSettings, Labels, ResolvedTheme } from '@export-ia/core/plugin';
import { type Diagnostic, diagnostic, labelsFor, toPlainText, walk } from '@export-ia/core/plugin';
import { highlight } from '@export-ia/highlight';
import type { Element, ElementContent, Root as HastRoot, Properties } from 'hast';
import { raw } from 'hast-util-raw';
import { defaultSchema, type Schema, sanitize } from 'hast-util-sanitize';
import { toHtml } from 'hast-util-to-html';
import type { Nodes as MdastNodes, Root, RootContent } from 'mdast';
import { defaultHandlers, type Handler, type State, toHast } from 'mdast-util-to-hast';
import { themeCss } from './css.js';
import { texToMathml } from './math.js';

export { themeCss } from './css.js';

const MATHML_TAGS = [
  'math',
  'semantics',
  'annotation',
  'mrow',
  'mi',
  'mo',
  'mn',
  'ms',
  'mtext',
  'mspace',
  'mfrac',
  'msqrt',
  'mroot',
  'msup',
  'msub',
  'msubsup',
  'munder',
  'mover',
  'munderover',
  'mmultiscripts',
  'mprescripts',
  'none',
  'mtable',
  'mtr',
  'mtd',
  'mlabeledtr',
  'mstyle',
  'mpadded',
  'mphantom',
  'menclose',
  'merror',
  'maction',
];
const MATHML_ATTRS = [
  'display',
  'mathvariant',
  'stretchy',
  'fence',
  'form',
  'lspace',
  'rspace',
  'separator',
  'accent',
  'accentunder',
  'columnalign',
  'rowalign',
  'rowspacing',
  'columnspacing',
  'columnlines',
  'rowlines',
  'frame',
  'width',
  'height',
  'depth',
  'voffset',
  'linethickness',
  'scriptlevel',
  'displaystyle',
  'minsize',
  'maxsize',
  'movablelimits',
  'symmetric',
  'largeop',
  'notation',
  'encoding',
  'className',
];

/** GitHub's schema restricts `class` on some tags to fixed values; ours need any class (harmless: no script can run). */
function withFreeClassNames(attributes: NonNullable<Schema['attributes']>): NonNullable<Schema['attributes']> {
  const out: NonNullable<Schema['attributes']> = {};
  for (const [tag, list] of Object.entries(attributes)) {
    out[tag] = list.map((a) => (Array.isArray(a) && a[0] === 'className' ? 'className' : a));
  }
  return out;
}

/** GitHub's schema, plus MathML, our structural elements and ids kept as written. */
const schema: Schema = {
  ...defaultSchema,
  clobberPrefix: '',
  clobber: [],
  tagNames: [...(defaultSchema.tagNames ?? []), 'figure', 'figcaption', 'aside', 'nav', 'section', ...MATHML_TAGS],
  attributes: {
    ...withFreeClassNames(defaultSchema.attributes ?? {}),
    '*': [...(defaultSchema.attributes?.['*'] ?? []), 'id', 'className', 'role', 'ariaLabel', 'ariaHidden', 'ariaDescribedBy', 'dir'],
    a: [...(withFreeClassNames({ a: defaultSchema.attributes?.a ?? [] }).a ?? []), 'dataFootnoteRef', 'dataFootnoteBackref', 'ariaDescribedBy', 'ariaLabel'],
    section: ['dataFootnotes', 'className'],
    img: [...(defaultSchema.attributes?.img ?? []), 'width', 'height', 'loading', 'decoding'],
    input: [...(defaultSchema.attributes?.input ?? []), 'ariaHidden'],
    ...Object.fromEntries(MATHML_TAGS.map((t) => [t, MATHML_ATTRS])),
  },
  protocols: { ...defaultSchema.protocols, src: ['http', 'https', 'data'] },
};

function el(tagName: string, properties: Properties, children: ElementContent[] = []): Element {
  return { type: 'element', tagName, properties, children };
}

function text(value: string): ElementContent {
  return { type: 'text', value };
}

function dataUri(asset: Asset): string | undefined {
  if (asset.status !== 'ok' || !asset.data || !asset.mediaType) return undefined;
  return `data:${asset.mediaType};base64,${Buffer.from(asset.data).toString('base64')}`;
}

export interface RenderContext {
  doc: DocumentModel;
  theme: ResolvedTheme;
  settings: Readonly<ExportSettings>;
  report: (d: Diagnostic) => void;
}

function imageElement(ctx: RenderContext, labels: Labels, url: string, alt: string, title: string | null | undefined): Element {
  const asset = ctx.doc.assets[url];
  const src = asset ? dataUri(asset) : undefined;
  if (!src) {
    const label = alt ? `${alt} — ${labels.imageMissing}` : labels.imageMissing;
    return el('span', { className: ['image-missing'], role: 'img', ariaLabel: label }, [text(label)]);
  }
  const props: Properties = { src, alt };
  if (title) props.title = title;
  if (asset?.width && asset.height) {
    props.width = asset.width;
    props.height = asset.height;
  }
  return el('img', props);
}

type MdastList = Extract<MdastNodes, { type: 'list' }>;
type MdastListItem = Extract<MdastNodes, { type: 'listItem' }>;

/**
 * mdast-util-to-hast decides whether a list is loose again for every item, scanning all its
 * siblings: quadratic (a 150k-item list took 410 s). The decision is made once per list here and
 * handed to the stock handler as a childless stand-in parent with the same answer.
 */
function listItemHandler(): Handler {
  const looseness = new WeakMap<object, boolean>();
  const itemLoose = (item: MdastListItem) => (item.spread === null || item.spread === undefined ? item.children.length > 1 : item.spread);
  return (state, node, parent) => {
    if (parent?.type !== 'list') return defaultHandlers.listItem(state, node as MdastListItem, parent);
    let loose = looseness.get(parent);
    if (loose === undefined) {
      loose = Boolean(parent.spread) || (parent as MdastList).children.some(itemLoose);
      looseness.set(parent, loose);
    }
    const standIn: MdastList = { type: 'list', spread: loose, children: [] };
    return defaultHandlers.listItem(state, node as MdastListItem, standIn);
  };
}

type MdastTable = Extract<MdastNodes, { type: 'table' }>;
type MdastTableRow = Extract<MdastNodes, { type: 'tableRow' }>;

/** The same for table rows: the stock handler finds a row's index with `indexOf` (quadratic). */
const tableRowHandler: Handler = (state, node, parent) => {
  if (parent?.type !== 'table') return defaultHandlers.tableRow(state, node as MdastTableRow, parent);
  const table = parent as MdastTable;
  const standIn: MdastTable = { type: 'table', align: table.align ?? null, children: table.children[0] === node ? [node as MdastTableRow] : [] };
  return defaultHandlers.tableRow(state, node as MdastTableRow, standIn);
};

/** Handlers that keep mdast-util-to-hast linear on hostile sizes. */
const linearHandlers = (): Record<string, Handler> => ({ listItem: listItemHandler(), tableRow: tableRowHandler });

function handlers(ctx: RenderContext, labels: Labels): Record<string, Handler> {
  const math = (node: { value: string; position?: unknown }, display: boolean): Element => {
    const out = texToMathml(node.value, display);
    if ('element' in out) return display ? el('div', { className: ['math-display'] }, [out.element]) : out.element;
    const line = (node.position as { start?: { line: number } } | undefined)?.start?.line;
    ctx.report(
      diagnostic('EIA_MATH_UNSUPPORTED', { tex: node.value.slice(0, 60), format: 'HTML', detail: out.error }, line ? { position: { line, column: 1 } } : {}),
    );
    const code = el('code', { className: ['math-error'] }, [text(node.value)]);
    return display ? el('pre', { className: ['math-display'] }, [code]) : code;
  };
  return {
    ...linearHandlers(),
    heading(state: State, node: Extract<MdastNodes, { type: 'heading' }>) {
      const props: Properties = {};
      const id = node.data?.id;
      if (id) props.id = id;
      const result = el(`h${node.depth}`, props, state.all(node));
      state.patch(node, result);
      return result;
    },
    code(state: State, node: Extract<MdastNodes, { type: 'code' }>) {
      const lang = node.lang?.toLowerCase();
      const props: Properties = { className: lang ? ['hljs', `language-${lang}`] : ['hljs'] };
      let children: ElementContent[] = [text(node.value ? `${node.value}\n` : '')];
      const highlighted = lang ? highlight(lang, node.value ? `${node.value}\n` : '') : undefined;
      if (highlighted) children = highlighted.children as ElementContent[];
      const result = el('pre', {}, [el('code', props, children)]);
      state.patch(node, result);
      return result;
    },
    image(state: State, node: Extract<MdastNodes, { type: 'image' }>) {
      const result = imageElement(ctx, labels, node.url, node.alt ?? '', node.title);
      state.patch(node, result);
      return result;
    },
    imageReference(state: State, node: Extract<MdastNodes, { type: 'imageReference' }>) {
      const def = state.definitionById.get(node.identifier.toUpperCase()) ?? state.definitionById.get(node.identifier);
      return imageElement(ctx, labels, def?.url ?? '', node.alt ?? '', def?.title);
    },
    figure(state: State, node: Extract<MdastNodes, { type: 'figure' }>) {
      const result = el('figure', {}, state.all(node));
      state.patch(node, result);
      return result;
    },
    figureCaption(state: State, node: Extract<MdastNodes, { type: 'figureCaption' }>) {
      return el('figcaption', {}, state.all(node));
    },
    callout(state: State, node: Extract<MdastNodes, { type: 'callout' }>) {
      const title = node.title ?? labels[node.kind];
      const result = el('aside', { className: ['callout', `callout-${node.kind}`], role: 'note', ariaLabel: title }, [
        el('p', { className: ['callout-title'] }, [text(title)]),
        ...state.all(node),
      ]);
      state.patch(node, result);
      return result;
    },
    math: (_state: State, node: Extract<MdastNodes, { type: 'math' }>) => math(node, true),
    inlineMath: (_state: State, node: Extract<MdastNodes, { type: 'inlineMath' }>) =>
      math(node, Boolean((node.data as { display?: boolean } | undefined)?.display)),
    pageBreak: () => el('div', { className: ['page-break'] }),
    yaml: () => undefined,
  } as unknown as Record<string, Handler>;
}

/** Makes task-list checkboxes decorative, with the state as text for screen readers. */
function fixTaskItems(node: HastRoot | Element): void {
  for (const child of node.children) {
    if (child.type !== 'element') continue;
    if (child.tagName === 'input' && child.properties.type === 'checkbox') {
      child.properties.ariaHidden = 'true';
    }
    fixTaskItems(child);
  }
}

const ALIGNMENTS = new Set(['left', 'center', 'right']);

/**
 * Table cells' `align` (GFM column alignment, or raw HTML) becomes a class: the attribute is
 * obsolete in HTML5 (validators flag it) and the theme's `th { text-align: left }` overrode it,
 * so right-aligned header cells showed left-aligned.
 */
function alignCells(root: HastRoot): void {
  const stack: Array<HastRoot | Element> = [root];
  while (stack.length > 0) {
    const node = stack.pop() as HastRoot | Element;
    for (const child of node.children) {
      if (child.type !== 'element') continue;
      if ((child.tagName === 'td' || child.tagName === 'th') && child.properties.align !== undefined) {
        const align = String(child.properties.align).toLowerCase();
        delete child.properties.align;
        if (ALIGNMENTS.has(align)) {
          const current = child.properties.className;
          child.properties.className = [...(Array.isArray(current) ? current.map(String) : []), `align-${align}`];
        }
      }
      stack.push(child);
    }
  }
}

interface TocEntry {
  depth: number;
  id: string;
  text: string;
}

function buildToc(root: Root, maxDepth: number, labels: Labels): Element | undefined {
  const entries: TocEntry[] = [];
  walk(root, (node) => {
    if (node.type === 'heading') {
      if (node.depth <= maxDepth && node.data?.id) entries.push({ depth: node.depth, id: node.data.id, text: toPlainText(node) });
      return false;
    }
    if (node.type === 'footnoteDefinition' || node.type === 'blockquote' || node.type === 'callout') return false;
  });
  if (entries.length === 0) return undefined;
  let top = 6;
  for (const e of entries) top = Math.min(top, e.depth);
  const rootList = el('ol', {});
  const stack: Array<{ depth: number; list: Element }> = [{ depth: top, list: rootList }];
  for (const entry of entries) {
    while (stack.length > 1 && entry.depth < (stack[stack.length - 1] as { depth: number }).depth) stack.pop();
    let current = stack[stack.length - 1] as { depth: number; list: Element };
    if (entry.depth > current.depth) {
      const parentItem = current.list.children[current.list.children.length - 1] as Element | undefined;
      const nested = el('ol', {});
      if (parentItem) parentItem.children.push(nested);
      else current.list.children.push(el('li', {}, [nested]));
      current = { depth: entry.depth, list: nested };
      stack.push(current);
    }
    current.list.children.push(el('li', {}, [el('a', { href: `#${entry.id}` }, [text(entry.text)])]));
  }
  return el('nav', { className: ['toc'], ariaLabel: labels.contents }, [el('h2', {}, [text(labels.contents)]), rootList]);
}

function hasRawHtml(root: Root): boolean {
  let found = false;
  walk(root, (node) => {
    if (node.type === 'html') found = true;
    return !found;
  });
  return found;
}

/** Renders the document body (sanitised hast). */
export function renderBody(ctx: RenderContext): HastRoot {
  const labels = labelsFor(ctx.doc.meta.lang);
  const allowRaw = hasRawHtml(ctx.doc.root);
  const tree = toHast(ctx.doc.root as Root, {
    allowDangerousHtml: allowRaw,
    clobberPrefix: '',
    footnoteLabel: labels.footnotes,
    footnoteLabelProperties: { className: ['sr-only'] },
    footnoteBackLabel: (index: number) => `↩ ${index + 1}`,
    handlers: handlers(ctx, labels),
  }) as HastRoot;
  const parsed = allowRaw ? (raw(tree) as HastRoot) : tree;
  const clean = sanitize(parsed, schema) as HastRoot;
  fixTaskItems(clean);
  alignCells(clean);
  return clean;
}

function headerBlock(ctx: RenderContext): Element | undefined {
  const { meta } = ctx.doc;
  if (!meta.title) return undefined;
  const children: ElementContent[] = [];
  const logo = ctx.theme.logo;
  if (logo) {
    children.push(el('img', { className: ['logo'], src: `data:${logo.mediaType};base64,${Buffer.from(logo.data).toString('base64')}`, alt: '' }));
  }
  children.push(el('h1', { className: ['title'] }, [text(meta.title)]));
  if (meta.subtitle) children.push(el('p', { className: ['subtitle'] }, [text(meta.subtitle)]));
  const byline = [meta.author.join(', '), meta.date].filter(Boolean).join(' · ');
  if (byline) children.push(el('p', { className: ['byline'] }, [text(byline)]));
  return el('header', { className: ['doc-header'] }, children);
}

function footerBlock(ctx: RenderContext): Element | undefined {
  const { footer } = ctx.theme;
  const parts = [footer.left, footer.center, footer.right]
    .filter((t): t is string => typeof t === 'string' && t !== '' && !/\{pages?\}/.test(t))
    .map((t) =>
      t.replace(/\{(title|subtitle|author|date)\}/g, (_m, k: string) => {
        const meta = ctx.doc.meta;
        return k === 'author' ? meta.author.join(', ') : String((meta as unknown as Record<string, unknown>)[k] ?? '');
      }),
    )
    .filter((t) => t.trim() !== '');
  if (parts.length === 0) return undefined;
  return el(
    'footer',
    { className: ['doc-footer'] },
    parts.map((p) => el('span', {}, [text(p)])),
  );
}

const CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'";

/** The complete standalone HTML file. */
export function renderHtmlDocument(ctx: RenderContext, generator: string): string {
  const { meta } = ctx.doc;
  const labels = labelsFor(meta.lang);
  const body = renderBody(ctx);
  const toc = (ctx.settings.toc ?? ctx.theme.toc.enabled) ? buildToc(ctx.doc.root as Root, ctx.theme.toc.depth, labels) : undefined;
  const headMeta: Element[] = [
    el('meta', { charSet: 'utf-8' }),
    el('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
    el('meta', { httpEquiv: ['Content-Security-Policy'], content: CSP }),
    el('meta', { name: 'generator', content: generator }),
  ];
  if (meta.author.length > 0) headMeta.push(el('meta', { name: 'author', content: meta.author.join(', ') }));
  const description = meta.description ?? meta.subject;
  if (description) headMeta.push(el('meta', { name: 'description', content: description }));
  if (meta.keywords.length > 0) headMeta.push(el('meta', { name: 'keywords', content: meta.keywords.join(', ') }));
  if (meta.date) headMeta.push(el('meta', { name: 'dcterms.date', content: meta.date }));
  if (meta.subject) headMeta.push(el('meta', { name: 'dcterms.subject', content: meta.subject }));
  const title = meta.title ?? firstHeading(ctx.doc.root as Root) ?? ctx.doc.source.name;
  const header = headerBlock(ctx);
  const footer = footerBlock(ctx);
  const page: ElementContent[] = [];
  if (header) page.push(header);
  if (toc) page.push(toc);
  page.push(el('main', { id: 'main' }, [el('article', {}, body.children as ElementContent[])]));
  if (footer) page.push(footer);
  const document: HastRoot = {
    type: 'root',
    children: [
      { type: 'doctype' },
      el('html', { lang: meta.lang ?? 'en' }, [
        el('head', {}, [
          ...headMeta,
          el('title', {}, [text(title)]),
          el('style', {}, [text(themeCss(ctx.theme, ctx.settings.numberSections === undefined ? {} : { numberSections: ctx.settings.numberSections }))]),
        ]),
        el('body', {}, [el('div', { className: ['page'] }, page)]),
      ]),
    ],
  };
  return `${toHtml(document)}\n`;
}

function firstHeading(root: Root): string | undefined {
  const h = root.children.find((n: RootContent) => n.type === 'heading');
  return h ? toPlainText(h) : undefined;
}

/**
 * CommonMark conformance rendering: the bare fragment, raw HTML passed through unsanitised.
 * Only for the spec test suite — never reachable from the CLI or configuration.
 */
export function renderCommonMarkHtml(root: Root): string {
  return toHtml(toHast(root, { allowDangerousHtml: true, handlers: linearHandlers() }) as HastRoot, { allowDangerousHtml: true });
}

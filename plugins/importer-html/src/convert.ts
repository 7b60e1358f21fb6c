/**
 * @export-ia/plugin-importer-html — HTML to the mdast document model. Parsed by parse5 (as a
 * browser would), converted by hast-util-to-mdast; scripts, styles and event handlers never
 * reach the model. <head> gives the metadata (title, author, description, keywords, lang).
 * Figures become figures, and common footnote markup (Word via mammoth, Pandoc, GitHub)
 * becomes real footnotes.
 */
import { assignHeadingIds, ExportIaError, pushAll, toPlainText, walk } from '@export-ia/core/plugin';
import type { Element, Nodes as HastNodes, Root as HastRoot } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { defaultHandlers, type State, toMdast } from 'hast-util-to-mdast';
import type { BlockContent, FootnoteDefinition, Heading, Nodes, PhrasingContent, Root, TableCell } from 'mdast';

function textOf(node: HastNodes): string {
  if (node.type === 'text') return node.value;
  if ('children' in node) return node.children.map((c) => textOf(c as HastNodes)).join('');
  return '';
}

function findElement(node: HastNodes, test: (el: Element) => boolean): Element | undefined {
  if (node.type === 'element' && test(node)) return node;
  if ('children' in node) {
    for (const child of node.children) {
      const found = findElement(child as HastNodes, test);
      if (found) return found;
    }
  }
  return undefined;
}

function metadata(tree: HastRoot): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const html = findElement(tree, (el) => el.tagName === 'html');
  const lang = html?.properties.lang;
  if (typeof lang === 'string' && lang) out.lang = lang;
  const head = findElement(tree, (el) => el.tagName === 'head');
  if (!head) return out;
  const title = findElement(head, (el) => el.tagName === 'title');
  if (title) {
    const t = textOf(title).trim();
    if (t) out.title = t;
  }
  walkHast(head, (el) => {
    if (el.tagName !== 'meta') return;
    const name = String(el.properties.name ?? '').toLowerCase();
    const content = typeof el.properties.content === 'string' ? el.properties.content.trim() : '';
    if (!content) return;
    if (name === 'author') out.author = content;
    else if (name === 'description') out.description = content;
    else if (name === 'keywords') out.keywords = content;
    else if (name === 'dcterms.date' || name === 'date') out.date = content;
    else if (name === 'dcterms.subject' || name === 'subject') out.subject = content;
  });
  return out;
}

function walkHast(node: HastNodes, fn: (el: Element) => void): void {
  if (node.type === 'element') fn(node);
  if ('children' in node) for (const c of node.children) walkHast(c as HastNodes, fn);
}

/**
 * Parsing and conversion recurse once per element level, so a hostile page of thousands of
 * nested elements would exhaust the stack. Element nesting is limited to 5 × `limits.maxNesting`
 * levels, never more than 500 (checked iteratively, before the conversion), and a parse that
 * still runs out of stack is reported the same way.
 */
function depthLimit(maxNesting: number): number {
  return Math.min(500, Math.max(1, maxNesting) * 5);
}

function tooDeep(file: string, limit: number, line: number | string = '?'): ExportIaError {
  return new ExportIaError('EIA_INPUT_TOO_DEEP', { file, depth: `more than ${limit}`, limit, line });
}

function parseHtml(text: string, maxNesting: number, file: string): HastRoot {
  try {
    return fromHtml(text, { verbose: false });
  } catch (err) {
    if (err instanceof RangeError) throw tooDeep(file, depthLimit(maxNesting));
    throw err;
  }
}

function checkElementDepth(tree: HastRoot, maxNesting: number, file: string): void {
  const limit = depthLimit(maxNesting);
  const stack: Array<[HastNodes, number]> = [[tree, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [HastNodes, number];
    if (depth > limit) {
      throw tooDeep(file, limit, node.position?.start.line);
    }
    if ('children' in node) for (const c of node.children) stack.push([c as HastNodes, depth + 1]);
  }
}

const FOOTNOTE_REF = /^#(?:user-content-)?(?:footnote-|fn-?)(\w[\w-]*)$/;
const FOOTNOTE_ITEM = /^(?:user-content-)?(?:footnote-|fn-?)(\w[\w-]*)$/;

/** A footnote definition list (Word/mammoth, Pandoc, GitHub markup). */
function isFootnoteList(el: Element): boolean {
  if (el.tagName !== 'ol') return false;
  const items = el.children.filter((c): c is Element => c.type === 'element' && c.tagName === 'li');
  return items.length > 0 && items.every((li) => FOOTNOTE_ITEM.test(String(li.properties.id ?? '')));
}

const PHRASING = new Set([
  'text',
  'emphasis',
  'strong',
  'delete',
  'inlineCode',
  'inlineMath',
  'break',
  'link',
  'linkReference',
  'image',
  'imageReference',
  'footnoteReference',
  'html',
]);

/**
 * Table cells hold phrasing content only, but HTML cells often hold paragraphs (Word via
 * mammoth: `<td><p>…</p></td>`): blocks are unwrapped, separated by line breaks.
 */
function toPhrasing(nodes: readonly Nodes[]): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  let afterBlock = false;
  for (const node of nodes) {
    if (PHRASING.has(node.type)) {
      if (afterBlock) {
        if (node.type === 'text' && !node.value.trim()) continue;
        if (out.at(-1)?.type !== 'break') out.push({ type: 'break' });
      }
      out.push(node as PhrasingContent);
      afterBlock = false;
      continue;
    }
    let inner: PhrasingContent[];
    if (node.type === 'code') inner = [{ type: 'inlineCode', value: node.value }];
    else if (node.type === 'math') inner = [{ type: 'inlineMath', value: node.value } as unknown as PhrasingContent];
    else if ('children' in node) inner = toPhrasing(node.children as Nodes[]);
    else inner = [];
    if (inner.length === 0) continue;
    if (out.length > 0 && out.at(-1)?.type !== 'break') out.push({ type: 'break' });
    pushAll(out, inner);
    afterBlock = true;
  }
  return out;
}

/** Ids that name a heading: its own, and those of anchors inside it (`<h1><a id="_Toc1"></a>…`). */
function headingAnchors(node: Element): string[] {
  const ids: string[] = [];
  walkHast(node, (el) => {
    for (const key of ['id', 'name'] as const) {
      const v = el.properties[key];
      if (typeof v === 'string' && v && (key === 'id' || el.tagName === 'a')) ids.push(v);
    }
  });
  return ids;
}

function createHandlers(anchors: Map<Heading, string[]>) {
  const heading = (state: State, node: Element) => {
    const result = defaultHandlers[node.tagName as 'h1'](state, node);
    const ids = headingAnchors(node);
    if (ids.length > 0) anchors.set(result, ids);
    return result;
  };
  return {
    h1: heading,
    h2: heading,
    h3: heading,
    h4: heading,
    h5: heading,
    h6: heading,
    td(state: State, node: Element) {
      const cell = defaultHandlers.td(state, node) as TableCell;
      cell.children = toPhrasing(cell.children as Nodes[]);
      return cell;
    },
    th(state: State, node: Element) {
      const cell = defaultHandlers.th(state, node) as TableCell;
      cell.children = toPhrasing(cell.children as Nodes[]);
      return cell;
    },
    ...handlers,
  };
}

/**
 * Internal links aim at anchors inside headings (Word bookmarks, `<h2 id>`); the model names
 * headings by the ids the core assigns after import (assignHeadingIds, the same function, run
 * here first), so links are pointed at those ids.
 */
function retargetInternalLinks(root: Root, anchors: Map<Heading, string[]>): void {
  if (anchors.size === 0) return;
  const targets = new Map<string, string>();
  for (const [id, heading] of assignHeadingIds(root)) {
    for (const anchor of anchors.get(heading) ?? []) if (!targets.has(anchor)) targets.set(anchor, id);
  }
  walk(root, (node) => {
    if (node.type !== 'link' || !node.url.startsWith('#')) return;
    let anchor = node.url.slice(1);
    try {
      anchor = decodeURIComponent(anchor);
    } catch {
      // not percent-encoded: keep as is
    }
    const target = targets.get(anchor);
    if (target) node.url = `#${target}`;
  });
}

const handlers = {
  figure(state: State, node: Element) {
    const img = findElement(node, (el) => el.tagName === 'img');
    const caption = findElement(node, (el) => el.tagName === 'figcaption');
    if (!img) return state.toFlow(state.all(node));
    const image = state.one(img, node) as unknown as PhrasingContent;
    const children: Array<Record<string, unknown>> = [image as unknown as Record<string, unknown>];
    if (caption) {
      const captionChildren = state.all(caption) as PhrasingContent[];
      children.push({ type: 'figureCaption', children: captionChildren.filter((c) => 'value' in c || 'children' in c) });
    }
    const result = { type: 'figure', children } as unknown as BlockContent;
    state.patch(node, result as unknown as Nodes);
    return result;
  },
  a(state: State, node: Element) {
    const href = String(node.properties.href ?? '');
    const m = FOOTNOTE_REF.exec(href);
    if (m && (node.properties.dataFootnoteRef !== undefined || /^\[?\d+\]?$/.test(textOf(node).trim()))) {
      const result = { type: 'footnoteReference', identifier: (m[1] as string).toLowerCase(), label: m[1] as string } as PhrasingContent;
      state.patch(node, result as unknown as Nodes);
      return result;
    }
    // An anchor without href (`<a id="…"></a>`, a Word bookmark) is a target, not a link.
    if (node.properties.href === undefined || node.properties.href === null) return state.all(node);
    return defaultHandlers.a(state, node);
  },
  ol(state: State, node: Element) {
    if (!isFootnoteList(node)) return defaultHandlers.ol(state, node);
    const defs: FootnoteDefinition[] = [];
    for (const li of node.children) {
      if (li.type !== 'element' || li.tagName !== 'li') continue;
      const id = (FOOTNOTE_ITEM.exec(String(li.properties.id)) as RegExpExecArray)[1] as string;
      const def = { type: 'footnoteDefinition', identifier: id.toLowerCase(), label: id, children: state.toFlow(state.all(li)) } as FootnoteDefinition;
      state.patch(li, def as unknown as Nodes);
      defs.push(def);
    }
    return defs;
  },
};

/** Fills positions missing on generated nodes from the nearest ancestor that has one. */
function inheritPositions(root: Root): void {
  const stack: Array<[Nodes, Nodes['position']]> = [[root, root.position]];
  while (stack.length > 0) {
    const [node, inherited] = stack.pop() as [Nodes, Nodes['position']];
    if (!node.position && inherited) node.position = { start: { ...inherited.start }, end: { ...inherited.end } };
    if ('children' in node) for (const c of node.children as Nodes[]) stack.push([c, node.position ?? inherited]);
  }
}

/** Drops mammoth/pandoc back-reference links (↑, ↩) left inside footnote definitions. */
function dropBackrefs(root: Root): void {
  walk(root, (node) => {
    if (!('children' in node)) return;
    const kids = node.children as Nodes[];
    for (let i = kids.length - 1; i >= 0; i--) {
      const k = kids[i] as Nodes;
      if (k.type === 'link' && /^#(?:user-content-)?(?:footnote-ref-|fnref)/.test(k.url)) kids.splice(i, 1);
      else if (k.type === 'link' && /^[↑↩]\uFE0E?$/.test(toPlainText(k).trim())) kids.splice(i, 1);
    }
  });
}

/** HTML text → mdast root and metadata (see the plugin's module comment). */
export function htmlToMdast(input: { text?: string; name: string }, maxNesting: number): { root: Root; frontMatter?: Record<string, unknown> } {
  const text = input.text ?? '';
  const tree = parseHtml(text, maxNesting, input.name);
  checkElementDepth(tree, maxNesting, input.name);
  const frontMatter = metadata(tree);
  const body = findElement(tree, (el) => el.tagName === 'body') ?? tree;
  const anchors = new Map<Heading, string[]>();
  // Comments are not content (and may hold markup such as a commented-out script).
  const root = toMdast(body, { handlers: createHandlers(anchors) as never, nodeHandlers: { comment: () => undefined } }) as Root;
  if (root.type !== 'root') throw new Error('HTML conversion produced no document');
  const lines = text.split('\n');
  root.position ??= {
    start: { line: 1, column: 1, offset: 0 },
    end: { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1, offset: text.length },
  };
  dropBackrefs(root);
  retargetInternalLinks(root, anchors);
  inheritPositions(root);
  return Object.keys(frontMatter).length > 0 ? { root, frontMatter } : { root };
}

/**
 * @export-ia/plugin-importer-html — HTML to the mdast document model. Parsed by parse5 (as a
 * browser would), converted by hast-util-to-mdast; scripts, styles and event handlers never
 * reach the model. <head> gives the metadata (title, author, description, keywords, lang).
 * Figures become figures, and common footnote markup (Word via mammoth, Pandoc, GitHub)
 * becomes real footnotes.
 */
import { definePlugin, toPlainText, walk } from '@export-ia/core/plugin';
import type { Element, Nodes as HastNodes, Root as HastRoot } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { defaultHandlers, type State, toMdast } from 'hast-util-to-mdast';
import type { BlockContent, FootnoteDefinition, Nodes, PhrasingContent, Root } from 'mdast';

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

const FOOTNOTE_REF = /^#(?:user-content-)?(?:footnote-|fn-?)(\w[\w-]*)$/;
const FOOTNOTE_ITEM = /^(?:user-content-)?(?:footnote-|fn-?)(\w[\w-]*)$/;

/** A footnote definition list (Word/mammoth, Pandoc, GitHub markup). */
function isFootnoteList(el: Element): boolean {
  if (el.tagName !== 'ol') return false;
  const items = el.children.filter((c): c is Element => c.type === 'element' && c.tagName === 'li');
  return items.length > 0 && items.every((li) => FOOTNOTE_ITEM.test(String(li.properties.id ?? '')));
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

export default definePlugin({
  setup(api) {
    api.importer('html', {
      import(input) {
        const text = input.text ?? '';
        const tree = fromHtml(text, { verbose: false });
        const frontMatter = metadata(tree);
        const body = findElement(tree, (el) => el.tagName === 'body') ?? tree;
        const root = toMdast(body, { handlers: handlers as never }) as Root;
        if (root.type !== 'root') throw new Error('HTML conversion produced no document');
        const lines = text.split('\n');
        root.position ??= {
          start: { line: 1, column: 1, offset: 0 },
          end: { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1, offset: text.length },
        };
        dropBackrefs(root);
        inheritPositions(root);
        return Object.keys(frontMatter).length > 0 ? { root, frontMatter } : { root };
      },
    });
  },
});

/**
 * From an element of the exported HTML back to the source line. The HTML exporter keeps no
 * positions, so elements are matched to mdast nodes by what identifies them: heading ids, footnote
 * ids, and, for images, links, tables, code blocks, lists, quotes and callouts, their order in the
 * document checked against their content (alt text, link text, row count…). Raw HTML `<img>`,
 * `<a>`, `<table>` and headings are matched to the raw HTML blocks that contain their tag, in
 * order; other raw HTML elements to their own start tag, by aligning the page with the source
 * (raw-html.ts). An element with no match takes the position of its nearest matched ancestor (a
 * table cell → its cell, an element inside a list item → the item). Anything else (the page's own
 * landmarks, the `<html>` element) has no position.
 */
import { type DocumentModel, type FindingPosition, toPlainText, walk } from '@export-ia/core/plugin';
import type { Nodes } from 'mdast';
import { rawElementPositions } from './raw-html.js';

type Kind = 'image' | 'link' | 'table' | 'code' | 'list' | 'blockquote' | 'callout';

const KIND_SELECTOR = 'img, span.image-missing, a, table, pre, ul, ol, blockquote, aside.callout';
const RAW_TAGS = ['img', 'a', 'table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
/** How far ahead to look for an element's match when a node produced no element (sanitised away). */
const LOOKAHEAD = 4;

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

function kindOf(el: Element): Kind | undefined {
  switch (el.localName) {
    case 'img':
      return 'image';
    case 'span':
      return 'image';
    case 'a':
      return el.hasAttribute('data-footnote-ref') || el.hasAttribute('data-footnote-backref') ? undefined : 'link';
    case 'table':
      return 'table';
    case 'pre':
      return el.classList.contains('math-display') ? undefined : 'code';
    case 'ul':
    case 'ol':
      return 'list';
    case 'blockquote':
      return 'blockquote';
    case 'aside':
      return 'callout';
    default:
      return undefined;
  }
}

function kindOfNode(node: Nodes): Kind | undefined {
  switch (node.type) {
    case 'image':
    case 'imageReference':
      return 'image';
    case 'link':
    case 'linkReference':
      return 'link';
    case 'table':
    case 'code':
    case 'list':
    case 'blockquote':
    case 'callout':
      return node.type;
    default:
      return undefined;
  }
}

const directChildren = (el: Element, tag: string) => Array.from(el.children).filter((c) => c.localName === tag);
const rowsOf = (table: Element) => Array.from(table.querySelectorAll('tr')).filter((tr) => tr.closest('table') === table);

/** Does this element render this node? Cheap checks that tell neighbours apart. */
function matches(el: Element, node: Nodes): boolean {
  switch (node.type) {
    case 'image':
    case 'imageReference': {
      const alt = node.alt ?? '';
      if (el.localName === 'img') return el.getAttribute('alt') === alt;
      return (el.getAttribute('aria-label') ?? '').startsWith(alt);
    }
    case 'link':
    case 'linkReference':
      return squash(el.textContent ?? '') === squash(toPlainText(node));
    case 'table':
      return rowsOf(el).length === node.children.length;
    case 'code':
      return (el.textContent ?? '').replace(/\n$/, '') === node.value.replace(/\n$/, '');
    case 'list':
      return (el.localName === 'ol') === Boolean(node.ordered) && directChildren(el, 'li').length === node.children.length;
    case 'callout':
      return el.classList.contains(`callout-${node.kind}`);
    default:
      return true;
  }
}

function toFindingPosition(node: Nodes | undefined): FindingPosition | undefined {
  const p = node?.position;
  if (!p) return undefined;
  const out: FindingPosition = { line: p.start.line, column: p.start.column, endLine: p.end.line, endColumn: p.end.column };
  if (p.start.offset !== undefined) out.offset = p.start.offset;
  if (p.end.offset !== undefined) out.endOffset = p.end.offset;
  return out;
}

/**
 * Builds the element → source mapping for one document and its rendered HTML. `text` is the
 * source the document was imported from (the part's, for a part), for exact offsets of raw tags.
 */
export function sourceLocator(doc: DocumentModel, document: Document, text?: string): (el: Element | undefined) => FindingPosition | undefined {
  const headings = new Map<string, Nodes>();
  const footnoteDefs = new Map<string, Nodes>();
  const footnoteRefs = new Map<string, Nodes>();
  const ordered = new Map<Kind, Nodes[]>();
  const raw = new Map<string, Nodes[]>();
  let frontMatter: Nodes | undefined;
  walk(doc.root, (node) => {
    if (node.type === 'yaml') frontMatter ??= node;
    if (node.type === 'footnoteDefinition') {
      footnoteDefs.set(node.identifier.toLowerCase(), node);
      // Footnotes render at the end of the article: matched through their ids, not by order.
      walk(node, (inner) => {
        if (inner.type === 'footnoteReference' && !footnoteRefs.has(inner.identifier.toLowerCase())) footnoteRefs.set(inner.identifier.toLowerCase(), inner);
        if (inner.type === 'heading' && inner.data?.id) headings.set(inner.data.id, inner);
      });
      return false;
    }
    if (node.type === 'footnoteReference' && !footnoteRefs.has(node.identifier.toLowerCase())) footnoteRefs.set(node.identifier.toLowerCase(), node);
    if (node.type === 'heading' && node.data?.id) headings.set(node.data.id, node);
    if (node.type === 'html') {
      for (const m of node.value.toLowerCase().matchAll(/<([a-z][a-z0-9]*)[\s/>]/g)) {
        const tag = m[1] as string;
        if (RAW_TAGS.includes(tag)) push(raw, tag, node);
      }
    }
    const kind = kindOfNode(node);
    if (kind) push(ordered, kind, node);
  });

  const map = new Map<Element, Nodes>();
  const body = document.querySelector('main > article') ?? document.body;
  const footnotes = body?.querySelector('section[data-footnotes]') ?? null;
  const outsideFootnotes = (el: Element) => !footnotes?.contains(el);

  for (const h of Array.from(document.querySelectorAll('h1[id], h2[id], h3[id], h4[id], h5[id], h6[id]'))) {
    const node = headings.get(h.id);
    if (node) map.set(h, node);
  }
  for (const a of Array.from(document.querySelectorAll('nav a[href^="#"]'))) {
    const node = headings.get(safeDecode((a.getAttribute('href') ?? '').slice(1)));
    if (node) map.set(a, node);
  }
  for (const li of Array.from(footnotes?.querySelectorAll('li[id^="fn-"]') ?? [])) {
    const node = footnoteDefs.get(safeDecode(li.id.slice(3)).toLowerCase());
    if (node) map.set(li, node);
  }
  for (const a of Array.from(document.querySelectorAll('a[data-footnote-ref][id^="fnref-"]'))) {
    // Repeated references get `-2`, `-3`…: try the id as written first (identifiers may end in digits).
    const id = safeDecode(a.id.slice(6)).toLowerCase();
    const node = footnoteRefs.get(id) ?? footnoteRefs.get(id.replace(/-\d+$/, ''));
    if (node) map.set(a, node);
  }
  const header = document.querySelector('header.doc-header');
  if (header && frontMatter) map.set(header, frontMatter);

  // Ordered kinds: walk the elements in document order, each matched to the next node of its kind.
  const next = new Map<Kind, number>();
  const unmatched: Element[] = [];
  for (const el of Array.from(body?.querySelectorAll(KIND_SELECTOR) ?? [])) {
    if (!outsideFootnotes(el)) continue;
    if (el.localName === 'span' && !el.classList.contains('image-missing')) continue;
    const kind = kindOf(el);
    if (!kind) continue;
    const nodes = ordered.get(kind) ?? [];
    const from = next.get(kind) ?? 0;
    let found = -1;
    for (let k = from; k < Math.min(nodes.length, from + LOOKAHEAD); k++) {
      if (matches(el, nodes[k] as Nodes)) {
        found = k;
        break;
      }
    }
    if (found < 0) {
      unmatched.push(el);
      continue;
    }
    const node = nodes[found] as Nodes;
    next.set(kind, found + 1);
    map.set(el, node);
    if (node.type === 'table') {
      // Cells by row and column.
      rowsOf(el).forEach((tr, r) => {
        const row = node.children[r];
        if (!row) return;
        map.set(tr, row);
        Array.from(tr.children).forEach((cell, c) => {
          const mdCell = row.children[c];
          if (mdCell) map.set(cell, mdCell);
        });
      });
    } else if (node.type === 'list') {
      directChildren(el, 'li').forEach((li, i) => {
        const item = node.children[i];
        if (item) map.set(li, item);
      });
    }
  }

  // Raw HTML elements: in order, to the raw blocks that contain their tag.
  const rawNext = new Map<string, number>();
  const headingsWithoutNode = Array.from(body?.querySelectorAll('h1, h2, h3, h4, h5, h6') ?? []).filter((h) => !map.has(h) && outsideFootnotes(h));
  for (const el of [...unmatched, ...headingsWithoutNode].sort(documentOrder)) {
    const list = raw.get(el.localName);
    const k = rawNext.get(el.localName) ?? 0;
    const node = list?.[k];
    if (!node) continue;
    rawNext.set(el.localName, k + 1);
    map.set(el, node);
  }

  // Other raw HTML elements by aligning the page with the source, once, when first needed.
  let rawPositions: Map<Element, FindingPosition> | undefined;
  const rawPosition = (e: Element) => {
    rawPositions ??= body ? rawElementPositions(doc, body, map, text) : new Map();
    return rawPositions.get(e);
  };
  return (el) => {
    for (let e: Element | null | undefined = el; e; e = e.parentElement) {
      const node = map.get(e);
      if (node) return toFindingPosition(node);
      const raw = rawPosition(e);
      if (raw) return raw;
    }
    return undefined;
  };
}

function documentOrder(a: Element, b: Element): number {
  if (a === b) return 0;
  // DOCUMENT_POSITION_FOLLOWING (4): b comes after a.
  return a.compareDocumentPosition(b) & 4 ? -1 : 1;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

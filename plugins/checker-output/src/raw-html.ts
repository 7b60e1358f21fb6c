/**
 * Elements written as raw HTML in the Markdown, back to the tag that wrote them. The exporter
 * parses raw HTML together with the Markdown's own elements (and the parser may move or add
 * elements), so a raw `<p>` cannot be told from a paragraph's by its tag alone. Instead the
 * elements the source predicts, in order (the Markdown constructs' tags and the start tags found
 * in raw HTML nodes), are aligned with the page's elements, in order, by tag name (longest common
 * subsequence), between the headings already matched by id. A page element aligned with a raw
 * start tag gets that tag's source position; everything the alignment leaves out gets nothing.
 */
import { type DocumentModel, type FindingPosition, walk } from '@export-ia/core/plugin';
import type { Html, List, ListItem, Nodes, Table } from 'mdast';

/** One element the source predicts: a Markdown construct's, or a raw start tag (with where it is). */
interface Expected {
  tag: string;
  node: Nodes;
  raw?: { index: number; end: number };
}

/** An alignment segment larger than this (cells of the table) is skipped: its raw elements get no position. */
const MAX_CELLS = 4_000_000;

/** An HTML start tag (attribute values may hold `>` inside quotes). */
const START_TAG = /<([a-zA-Z][a-zA-Z0-9-]*)(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*\/?>/g;
const COMMENT = /<!--[\s\S]*?(?:-->|$)/g;

/** The start tags of a raw HTML node, comments left out. */
function startTags(value: string): Array<{ tag: string; index: number; end: number }> {
  const text = value.replace(COMMENT, (c) => ' '.repeat(c.length));
  return [...text.matchAll(START_TAG)].map((m) => ({ tag: (m[1] as string).toLowerCase(), index: m.index, end: m.index + m[0].length }));
}

const itemLoose = (item: ListItem) => (item.spread === null || item.spread === undefined ? item.children.length > 1 : item.spread);

/**
 * The elements the exporter makes of the tree, in document order, as mdast-util-to-hast and the
 * HTML exporter's handlers make them. It need not be exact: what it gets wrong stays unaligned.
 */
function expected(doc: DocumentModel): Expected[] {
  const out: Expected[] = [];
  const tightItems = new WeakSet<ListItem>();
  const rowIndex = new WeakMap<Nodes, number>();
  walk(doc.root, (node, parent) => {
    const add = (...tags: string[]) => {
      for (const tag of tags) out.push({ tag, node });
    };
    switch (node.type) {
      case 'yaml':
      case 'definition':
      case 'footnoteDefinition':
        // Footnotes render at the end of the article, which the alignment leaves out.
        return false;
      case 'paragraph':
        if (!(parent?.type === 'listItem' && tightItems.has(parent))) add('p');
        break;
      case 'heading':
        add(`h${node.depth}`);
        break;
      case 'blockquote':
        add('blockquote');
        break;
      case 'list': {
        add(node.ordered ? 'ol' : 'ul');
        if (!(node as List).spread && !node.children.some(itemLoose)) for (const item of node.children) tightItems.add(item);
        break;
      }
      case 'listItem':
        add('li');
        if (typeof node.checked === 'boolean') add('input');
        break;
      case 'code':
        add('pre');
        return false;
      case 'table':
        add('table');
        (node as Table).children.forEach((row, i) => {
          rowIndex.set(row, i);
        });
        break;
      case 'tableRow': {
        const i = rowIndex.get(node) ?? 1;
        if (i === 0) add('thead');
        if (i === 1) add('tbody');
        add('tr');
        break;
      }
      case 'tableCell':
        add(parent && rowIndex.get(parent) === 0 ? 'th' : 'td');
        break;
      case 'thematicBreak':
        add('hr');
        break;
      case 'emphasis':
        add('em');
        break;
      case 'strong':
        add('strong');
        break;
      case 'delete':
        add('del');
        break;
      case 'inlineCode':
        add('code');
        break;
      case 'break':
        add('br');
        break;
      case 'link':
      case 'linkReference':
        add('a');
        break;
      case 'image':
        add(doc.assets[node.url]?.status === 'ok' ? 'img' : 'span');
        break;
      case 'imageReference':
        add('img');
        break;
      case 'footnoteReference':
        add('sup', 'a');
        break;
      case 'html':
        for (const t of startTags(node.value)) out.push({ tag: t.tag, node, raw: { index: t.index, end: t.end } });
        break;
      default:
        switch ((node as { type: string }).type) {
          case 'figure':
            add('figure');
            break;
          case 'figureCaption':
            add('figcaption');
            break;
          case 'callout':
            add('aside', 'p');
            break;
          case 'math':
            add('div', 'math');
            return false;
          case 'inlineMath':
            add('math');
            return false;
          case 'pageBreak':
            add('div');
            break;
        }
    }
    return undefined;
  });
  return out;
}

/** The page's elements in the article, in document order; footnotes left out, code and formulas as one element. */
function pageElements(article: Element): Element[] {
  const out: Element[] = [];
  const stack: Element[] = Array.from(article.children).reverse();
  while (stack.length > 0) {
    const el = stack.pop() as Element;
    if (el.localName === 'section' && el.hasAttribute('data-footnotes')) continue;
    out.push(el);
    if (el.localName === 'pre' || el.localName === 'math' || el.localName === 'svg') continue;
    for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i] as Element);
  }
  return out;
}

/** Longest common subsequence of two tag sequences: the matched index pairs, in order. */
function align(a: readonly string[], b: readonly string[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) {
    pairs.push([start, start]);
    start++;
  }
  let endA = a.length;
  let endB = b.length;
  const tail: Array<[number, number]> = [];
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
    tail.push([endA, endB]);
  }
  const n = endA - start;
  const m = endB - start;
  if (n > 0 && m > 0 && n * m <= MAX_CELLS) {
    // lengths[i][j]: LCS of a[start+i..endA) and b[start+j..endB), so the walk below runs forwards.
    const width = m + 1;
    const lengths = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lengths[i * width + j] =
          a[start + i] === b[start + j]
            ? (lengths[(i + 1) * width + j + 1] as number) + 1
            : Math.max(lengths[(i + 1) * width + j] as number, lengths[i * width + j + 1] as number);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (a[start + i] === b[start + j]) {
        pairs.push([start + i, start + j]);
        i++;
        j++;
      } else if ((lengths[(i + 1) * width + j] as number) >= (lengths[i * width + j + 1] as number)) i++;
      else j++;
    }
  }
  return pairs.concat(tail.reverse());
}

/** The source position of a raw start tag: its line and column, and offsets when the node is the source as written. */
function tagPosition(node: Html, raw: { index: number; end: number }, text: string | undefined): FindingPosition | undefined {
  const start = node.position?.start;
  const end = node.position?.end;
  if (!start) return undefined;
  const exact = text !== undefined && start.offset !== undefined && end?.offset !== undefined && text.slice(start.offset, end.offset) === node.value;
  const at = (index: number) => {
    const before = node.value.slice(0, index);
    const lines = before.split('\n').length - 1;
    const column = lines === 0 ? start.column + index : index - before.lastIndexOf('\n') + (exact ? 0 : start.column - 1);
    return { line: start.line + lines, column, firstLine: lines === 0 };
  };
  const from = at(raw.index);
  const to = at(raw.end);
  const position: FindingPosition = { line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
  // Inside a block quote or list item the node's text lacks the markers of its later lines.
  if (start.offset !== undefined && (exact || (from.firstLine && to.firstLine))) {
    position.offset = start.offset + raw.index;
    position.endOffset = start.offset + raw.end;
  }
  return position;
}

/**
 * Source positions of the page elements written as raw HTML, by alignment. `anchors` are the
 * page's headings already matched to their nodes (by id): they cut the alignment into segments.
 * `text` is the source the positions refer to, for exact offsets.
 */
export function rawElementPositions(
  doc: DocumentModel,
  article: Element,
  anchors: ReadonlyMap<Element, Nodes>,
  text: string | undefined,
): Map<Element, FindingPosition> {
  const want = expected(doc);
  if (!want.some((w) => w.raw)) return new Map();
  const have = pageElements(article);
  const headingAt = new Map<Nodes, number>();
  want.forEach((w, i) => {
    if (w.node.type === 'heading') headingAt.set(w.node, i);
  });
  // Segment bounds: headings matched on both sides, kept only while both sides move forwards.
  const cuts: Array<[number, number]> = [[-1, -1]];
  have.forEach((el, j) => {
    const node = anchors.get(el);
    const i = node ? headingAt.get(node) : undefined;
    const last = cuts[cuts.length - 1] as [number, number];
    if (i !== undefined && i > last[0]) cuts.push([i, j]);
  });
  cuts.push([want.length, have.length]);

  const positions = new Map<Element, FindingPosition>();
  for (let k = 0; k + 1 < cuts.length; k++) {
    const [a0, b0] = cuts[k] as [number, number];
    const [a1, b1] = cuts[k + 1] as [number, number];
    const wanted = want.slice(a0 + 1, a1);
    if (!wanted.some((w) => w.raw)) continue;
    const seen = have.slice(b0 + 1, b1);
    const pairs = align(
      wanted.map((w) => w.tag),
      seen.map((e) => e.localName),
    );
    for (const [i, j] of pairs) {
      const w = wanted[i] as Expected;
      if (!w.raw) continue;
      const position = tagPosition(w.node as Html, w.raw, text);
      if (position) positions.set(seen[j] as Element, position);
    }
  }
  return positions;
}

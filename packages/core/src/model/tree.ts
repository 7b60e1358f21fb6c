import type { Definition, FootnoteDefinition, Heading, Nodes, Parents, Root } from 'mdast';
import { ExportIaError } from '../errors/export-ia-error.js';
import './mdast.js';

type AnyNode = Nodes;

function childrenOf(node: AnyNode): AnyNode[] | undefined {
  return 'children' in node ? (node.children as AnyNode[]) : undefined;
}

/**
 * Visits every node depth-first, parents before children, without recursion (documents can be
 * hostile: deep nesting must not overflow the stack). Return `false` to skip a node's children.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: visitors that return nothing must type-check
export function walk(root: AnyNode, visitor: (node: AnyNode, parent: Parents | undefined, depth: number) => boolean | void): void {
  const stack: Array<[AnyNode, Parents | undefined, number]> = [[root, undefined, 0]];
  while (stack.length > 0) {
    const [node, parent, depth] = stack.pop() as [AnyNode, Parents | undefined, number];
    if (visitor(node, parent, depth) === false) continue;
    const kids = childrenOf(node);
    if (!kids) continue;
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i] as AnyNode, node as Parents, depth + 1]);
  }
}

/** Plain text of a node (like mdast-util-to-string): text, code and maths values, alt text of images. */
export function toPlainText(node: AnyNode | AnyNode[]): string {
  const parts: string[] = [];
  const roots = Array.isArray(node) ? node : [node];
  for (const r of roots) {
    walk(r, (n) => {
      if ('value' in n && typeof n.value === 'string' && n.type !== 'html' && n.type !== 'yaml') parts.push(n.value);
      else if (n.type === 'image') parts.push(n.alt ?? '');
      else if (n.type === 'break') parts.push(' ');
    });
  }
  return parts.join('');
}

/**
 * GitHub-style heading slug: lower case, punctuation removed, spaces to hyphens. Letters and
 * digits of every script are kept, so "Économie" → "économie".
 */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/**
 * Unique heading ids in document order, GitHub's scheme: the text's slug, repeats get -1, -2…
 * Each call of the returned function takes the next heading's text. One allocator for the whole
 * document: `assignHeadingIds`, and checkers that renumber headings of a document analysed in
 * parts, must agree on every id.
 */
export function headingIdAllocator(): (text: string) => string {
  const seen = new Map<string, number>();
  const taken = new Set<string>();
  return (text) => {
    const base = slugify(text) || 'section';
    let id = base;
    let n = seen.get(base) ?? 0;
    while (taken.has(id)) {
      n += 1;
      id = `${base}-${n}`;
    }
    seen.set(base, n);
    taken.add(id);
    return id;
  };
}

/** Gives every heading a unique `data.id` (GitHub's scheme: repeats get -1, -2…). */
export function assignHeadingIds(root: Root): Map<string, Heading> {
  const next = headingIdAllocator();
  const ids = new Map<string, Heading>();
  walk(root, (node) => {
    if (node.type !== 'heading') return;
    const id = next(toPlainText(node));
    node.data = { ...node.data, id };
    ids.set(id, node);
    return false;
  });
  return ids;
}

/** Throws EIA_INPUT_TOO_DEEP when the tree nests deeper than `limit`. Iterative. */
export function checkDepth(root: Root, limit: number, file: string): void {
  walk(root, (node, _parent, depth) => {
    if (depth > limit) {
      throw new ExportIaError('EIA_INPUT_TOO_DEEP', { file, depth: `more than ${limit}`, limit, line: node.position?.start.line ?? '?' });
    }
  });
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * The readable text of a raw HTML fragment, for formats that cannot carry HTML (DOCX, PDF):
 * comments, `<script>` and `<style>` contents and tags dropped, the common entities decoded once
 * (so `&amp;lt;` stays `&lt;`), whitespace collapsed. Text only: nothing here is ever markup.
 * A single forward scan: regular expressions like `<[^>]*>` go quadratic on hostile input
 * (thousands of `<` and no `>`).
 */
export function rawHtmlToText(html: string): string {
  const lower = html.toLowerCase();
  const n = html.length;
  let out = '';
  let i = 0;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      out += html.slice(i);
      break;
    }
    out += html.slice(i, lt);
    if (lower.startsWith('<!--', lt)) {
      const end = lower.indexOf('-->', lt + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    const raw = /^<(script|style)[\s/>]/.exec(lower.slice(lt, lt + 8))?.[1];
    if (raw) {
      const close = lower.indexOf(`</${raw}`, lt);
      const gt = close < 0 ? -1 : lower.indexOf('>', close);
      i = gt < 0 ? n : gt + 1;
      continue;
    }
    const gt = html.indexOf('>', lt);
    if (gt < 0) {
      // No tag can close any more: the rest is text.
      out += html.slice(lt);
      break;
    }
    out += ' ';
    i = gt + 1;
  }
  return out
    .replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]{1,10}));/gi, (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
      if (name) return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
      const code = dec ? Number.parseInt(dec, 10) : Number.parseInt(hex as string, 16);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\uFFFD';
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** What exporters look up while writing: link and footnote definitions, and the headings. */
export interface DocumentIndex {
  /** Link/image reference definitions by identifier (the first one wins, as in CommonMark). */
  definitions: Map<string, Definition>;
  /** Footnote definitions by identifier (the first one wins). */
  footnotes: Map<string, FootnoteDefinition>;
  /** Every heading, in document order (headings nested in quotes, lists, callouts included). */
  headings: Heading[];
}

/** One iterative pass over the tree (safe on hostile sizes and depths). */
export function indexDocument(root: Root): DocumentIndex {
  const index: DocumentIndex = { definitions: new Map(), footnotes: new Map(), headings: [] };
  walk(root, (node) => {
    if (node.type === 'definition') {
      if (!index.definitions.has(node.identifier)) index.definitions.set(node.identifier, node);
    } else if (node.type === 'footnoteDefinition') {
      if (!index.footnotes.has(node.identifier)) index.footnotes.set(node.identifier, node);
    } else if (node.type === 'heading') {
      index.headings.push(node);
      return false;
    }
  });
  return index;
}

/**
 * Appends `items` to `target` in place. `target.push(...items)` passes every item as an argument
 * and throws RangeError past ~100k of them: a hostile document easily has that many list items,
 * table rows or paragraphs.
 */
export function pushAll<T>(target: T[], items: readonly T[]): T[] {
  for (const item of items) target.push(item);
  return target;
}

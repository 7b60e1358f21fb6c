/**
 * One pass over the document tree that collects what both checkers look at (headings, links,
 * images, tables, anchors) and checks the model's shape on the way: every node an object with a
 * `type`, `children` an array, no node reached twice (a cycle or a shared subtree). Iterative, so
 * hostile nesting cannot overflow the stack; cached per tree, so the two checkers share it.
 */

import type { FindingPosition } from '@export-ia/core/plugin';
import type { Code, Definition, Heading, Html, Image, ImageReference, Link, LinkReference, Nodes, Root, Table } from 'mdast';

/** A heading as the outline rules see it: from a tree, or from a part's data in a sectioned analysis. */
export interface OutlineHeading {
  depth: number;
  text: string;
  /** Whether any content (not a heading, comment or definition) follows before the next heading. */
  hasContent: boolean;
  position: FindingPosition | undefined;
}

export interface HeadingInfo extends OutlineHeading {
  node: Heading;
  /** Anchor ids the heading answers to (`data.id`, `data.hProperties.id`). */
  ids: string[];
}

export interface LinkInfo {
  node: Link | LinkReference;
  /** Destination; for references, the definition's (undefined when there is none). */
  url: string | undefined;
  text: string;
  /** The link holds an image (its alt text is the link text). */
  hasImage: boolean;
}

export interface ImageInfo {
  node: Image | ImageReference;
  url: string | undefined;
  alt: string;
}

export interface Scan {
  headings: HeadingInfo[];
  links: LinkInfo[];
  images: ImageInfo[];
  tables: Table[];
  /** Code blocks (fenced and indented). */
  code: Code[];
  /** Raw HTML nodes (explicit anchors, `<img>` tags). */
  html: Html[];
  /** Footnote definition identifiers. */
  footnotes: string[];
  /** Problems with the model itself. */
  invalid: Array<{ message: string; position?: FindingPosition }>;
  /** Content before the first heading (in a part of a sectioned analysis, the previous part's last section goes on here). */
  lead: boolean;
}

/** Nodes that are content of the section they sit in (leaves and containers of prose, code, media). */
const CONTENT = new Set(['paragraph', 'code', 'math', 'table', 'list', 'blockquote', 'figure', 'callout', 'image', 'text', 'inlineCode']);

export function positionOf(node: { position?: Nodes['position'] } | undefined): FindingPosition | undefined {
  const p = node?.position;
  if (!p) return undefined;
  const out: FindingPosition = { line: p.start.line, column: p.start.column, endLine: p.end.line, endColumn: p.end.column };
  if (p.start.offset !== undefined) out.offset = p.start.offset;
  if (p.end.offset !== undefined) out.endOffset = p.end.offset;
  return out;
}

function isCommentOnly(value: string): boolean {
  return /^\s*(?:<!--[\s\S]*?-->\s*)+$/.test(value);
}

/**
 * Plain text of a node like `toPlainText`, but safe on a malformed tree: a node reached twice is
 * skipped, so a cycle cannot loop forever.
 */
export function textOf(node: Nodes): string {
  let out = '';
  const seen = new Set<object>();
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as Nodes;
    if (typeof n !== 'object' || n === null || seen.has(n)) continue;
    seen.add(n);
    if ('value' in n && typeof n.value === 'string' && n.type !== 'html' && n.type !== 'yaml') out += n.value;
    else if (n.type === 'image' || n.type === 'imageReference') out += n.alt ?? '';
    else if (n.type === 'break') out += ' ';
    const kids = (n as { children?: unknown }).children;
    if (Array.isArray(kids)) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return out;
}

const cache = new WeakMap<Root, Scan>();

interface Entry {
  value: unknown;
  parent: Nodes | undefined;
  /** Inside a footnote definition (rendered at the end, not in its section). */
  footnote: boolean;
  /** Inside a heading (its own text, not section content). */
  heading: boolean;
}

/** Scans a tree once; later calls with the same tree get the same result. */
export function scanDocument(root: Root): Scan {
  const cached = cache.get(root);
  if (cached) return cached;
  const scan: Scan = { headings: [], links: [], images: [], tables: [], code: [], html: [], footnotes: [], invalid: [], lead: false };
  const definitions = new Map<string, Definition>();
  const references = new Map<LinkReference | ImageReference, LinkInfo | ImageInfo>();
  const seen = new Set<object>();
  const problem = (message: string, node: Nodes | undefined) => {
    const where = positionOf(node);
    scan.invalid.push(where ? { message, position: where } : { message });
  };
  let current: HeadingInfo | undefined;
  const stack: Entry[] = [{ value: root, parent: undefined, footnote: false, heading: false }];
  while (stack.length > 0) {
    const { value, parent, footnote, heading } = stack.pop() as Entry;
    if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
      problem(`A child of the ${parent?.type ?? 'document'} node has no type (${value === null ? 'null' : typeof value})`, parent);
      continue;
    }
    const node = value as Nodes;
    if (seen.has(node)) {
      problem(`The ${node.type} node appears twice in the tree (a cycle or a shared subtree)`, node);
      continue;
    }
    seen.add(node);
    const children = (node as { children?: unknown }).children;
    if (children !== undefined && !Array.isArray(children)) {
      problem(`The ${node.type} node's children are not a list`, node);
      continue;
    }

    switch (node.type) {
      case 'heading': {
        const ids: string[] = [];
        const data = node.data as { id?: unknown; hProperties?: { id?: unknown } } | undefined;
        if (typeof data?.id === 'string') ids.push(data.id);
        if (typeof data?.hProperties?.id === 'string') ids.push(data.hProperties.id);
        current = { node, depth: node.depth, text: textOf(node).trim(), ids, hasContent: false, position: positionOf(node) };
        scan.headings.push(current);
        break;
      }
      case 'link':
      case 'linkReference': {
        const hasImage = node.children.some((c) => typeof c === 'object' && c !== null && (c.type === 'image' || c.type === 'imageReference'));
        const info: LinkInfo = { node, url: node.type === 'link' ? node.url : undefined, text: textOf(node).trim(), hasImage };
        scan.links.push(info);
        if (node.type === 'linkReference') references.set(node, info);
        break;
      }
      case 'image':
        scan.images.push({ node, url: node.url, alt: node.alt ?? '' });
        break;
      case 'imageReference': {
        const info: ImageInfo = { node, url: undefined, alt: node.alt ?? '' };
        scan.images.push(info);
        references.set(node, info);
        break;
      }
      case 'definition':
        if (!definitions.has(node.identifier)) definitions.set(node.identifier, node);
        break;
      case 'footnoteDefinition':
        scan.footnotes.push(node.identifier);
        break;
      case 'table':
        scan.tables.push(node);
        break;
      case 'html':
        scan.html.push(node);
        break;
      case 'code':
        scan.code.push(node);
        break;
    }
    if (!footnote && !heading && node.type !== 'heading' && (CONTENT.has(node.type) || (node.type === 'html' && !isCommentOnly(node.value)))) {
      if (current) current.hasContent = true;
      else scan.lead = true;
    }
    if (!children) continue;
    const kids = children as unknown[];
    const f = footnote || node.type === 'footnoteDefinition';
    const h = heading || node.type === 'heading';
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ value: kids[i], parent: node, footnote: f, heading: h });
  }
  for (const [ref, info] of references) info.url = definitions.get(ref.identifier)?.url;
  cache.set(root, scan);
  return scan;
}

/**
 * Shared helpers for the Markdown parser tests: tree walking, source spans and a position
 * checker that recomputes line/column from offsets independently of the parser.
 */
import { readFileSync } from 'node:fs';
import { type ParseOptions, type ParseResult, parseMarkdown } from '../src/parser/index.js';

export interface Point {
  line: number;
  column: number;
  offset?: number;
}

/** Any mdast node, loosely typed so tests can read extension fields (`kind`, `checked`…). */
export interface AnyNode {
  type: string;
  position?: { start: Point; end: Point };
  children?: AnyNode[];
  value?: string;
  [key: string]: unknown;
}

export function parse(text: string, options?: ParseOptions): AnyNode {
  return parseMarkdown(text, options).root as unknown as AnyNode;
}

export function parseFull(text: string, options?: ParseOptions): ParseResult {
  return parseMarkdown(text, options);
}

/** Every node in document order (the node itself first). */
export function all(node: AnyNode, type?: string): AnyNode[] {
  const out: AnyNode[] = [];
  const stack: AnyNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as AnyNode;
    if (type === undefined || n.type === type) out.push(n);
    const kids = n.children ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as AnyNode);
  }
  return out;
}

/** The first node of a type, failing loudly when there is none. */
export function first(node: AnyNode, type: string): AnyNode {
  const found = all(node, type)[0];
  if (!found) throw new Error(`no ${type} node in the tree`);
  return found;
}

/** The source text a node's offsets cover. */
export function span(text: string, node: AnyNode): string {
  const p = node.position;
  if (!p) throw new Error(`${node.type} has no position`);
  return text.slice(p.start.offset, p.end.offset);
}

/** Spans of every node of a type, in document order. */
export function spans(text: string, root: AnyNode, type: string): string[] {
  return all(root, type).map((n) => span(text, n));
}

/** 1-based line and column of a 0-based offset; `\n`, `\r\n` and `\r` end lines. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Everything wrong with the positions of a tree: missing positions, start after end, offsets
 * outside the text, line/column that disagree with the offset, children outside their parent.
 */
export function positionProblems(text: string, root: AnyNode): string[] {
  // Line starts once, so the check stays linear on big documents.
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  const locate = (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
  };
  const problems: string[] = [];
  const visit = (node: AnyNode, parent: AnyNode | undefined) => {
    const p = node.position;
    if (!p) {
      problems.push(`${node.type}: no position`);
    } else {
      const { start, end } = p;
      const where = `${node.type} ${JSON.stringify(text.slice(start.offset, end.offset)).slice(0, 60)}`;
      if (start.offset === undefined || end.offset === undefined) problems.push(`${where}: no offset`);
      else {
        if (start.offset > end.offset) problems.push(`${where}: start after end`);
        if (start.offset < 0 || end.offset > text.length) problems.push(`${where}: outside the text`);
        for (const [name, point] of [
          ['start', start],
          ['end', end],
        ] as const) {
          const expected = locate(point.offset as number);
          if (expected.line !== point.line || expected.column !== point.column) {
            problems.push(`${where}: ${name} ${point.line}:${point.column} but offset ${point.offset} is ${expected.line}:${expected.column}`);
          }
        }
        const pp = parent?.position;
        if (pp && ((pp.start.offset as number) > start.offset || (pp.end.offset as number) < end.offset)) {
          problems.push(`${where}: outside its parent ${parent?.type}`);
        }
      }
    }
    for (const child of node.children ?? []) visit(child, node);
  };
  visit(root, undefined);
  return problems;
}

/** A deep copy without positions, for comparing structure. */
export function strip(node: unknown): unknown {
  return JSON.parse(JSON.stringify(node, (key, value) => (key === 'position' ? undefined : value)));
}

/** Plain text of a subtree (text, inline code and maths values). */
export function textOf(node: AnyNode): string {
  if (node.type === 'text' || node.type === 'inlineCode' || node.type === 'inlineMath') return node.value ?? '';
  return (node.children ?? []).map(textOf).join('');
}

export function example(name: string): string {
  return readFileSync(new URL(`../../../examples/documents/${name}`, import.meta.url), 'utf8');
}

export function exampleBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../../examples/documents/${name}`, import.meta.url)));
}

/** Runs `fn` and returns the `code` of what it threw (undefined when it did not throw). */
export function thrownCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code ?? `not an ExportIaError: ${String(err)}`;
  }
  return undefined;
}

/**
 * export-ia-plugin-hello — an example plugin, written as an outside author would: it imports
 * only `@export-ia/core/plugin`, declares its contribution in package.json, and exports
 * `definePlugin(...)`. It adds a plain-text exporter: `export-ia export doc.md --to txt`.
 */
import { type DocumentModel, definePlugin, toPlainText } from '@export-ia/core/plugin';
import type { List, ListItem, RootContent, Table } from 'mdast';

/** Wraps text at `width` columns, keeping a prefix on every line. */
export function wrap(text: string, width: number, prefix = '', firstPrefix = prefix): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = firstPrefix;
  let empty = true;
  for (const word of words) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = prefix + word;
    } else {
      line = empty ? line + word : `${line} ${word}`;
    }
    empty = false;
  }
  if (!empty) lines.push(line);
  return lines.join('\n');
}

function table(node: Table): string {
  const rows = node.children.map((row) => row.children.map((cell) => toPlainText(cell)));
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join(' | ')
      .trimEnd();
  const [head, ...body] = rows;
  return [line(head ?? []), widths.map((w) => '-'.repeat(w)).join('-+-'), ...body.map(line)].join('\n');
}

function list(node: List, width: number, indent: string): string {
  return node.children
    .map((item: ListItem, i) => {
      const marker = node.ordered ? `${(node.start ?? 1) + i}. ` : item.checked === true ? '[x] ' : item.checked === false ? '[ ] ' : '- ';
      return item.children
        .map((child, k) =>
          child.type === 'list'
            ? list(child, width, `${indent}   `)
            : wrap(toPlainText(child), width, `${indent}   `, k === 0 ? `${indent}${marker}` : `${indent}   `),
        )
        .join('\n');
    })
    .join('\n');
}

function block(node: RootContent, width: number): string {
  switch (node.type) {
    case 'heading': {
      const text = toPlainText(node);
      return node.depth <= 2 ? `${text}\n${(node.depth === 1 ? '=' : '-').repeat(Math.min(text.length, width))}` : text;
    }
    case 'paragraph':
      return wrap(toPlainText(node), width);
    case 'blockquote':
    case 'callout':
      return node.children.map((c) => wrap(toPlainText(c), width, '> ')).join('\n>\n');
    case 'list':
      return list(node, width, '');
    case 'code':
    case 'math':
      return node.value
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n');
    case 'table':
      return table(node);
    case 'figure':
      return `[${toPlainText(node.children.find((c) => c.type === 'figureCaption') ?? node)}]`;
    case 'thematicBreak':
    case 'pageBreak':
      return '* * *';
    case 'footnoteDefinition':
      return wrap(toPlainText(node), width, '    ', `[^${node.label ?? node.identifier}] `);
    default:
      return '';
  }
}

/** The document as plain text. */
export function toText(doc: DocumentModel, width: number): string {
  const parts: string[] = [];
  if (doc.meta.title) parts.push(`${doc.meta.title.toUpperCase()}\n${[doc.meta.author.join(', '), doc.meta.date].filter(Boolean).join(' — ')}`.trim());
  for (const node of doc.root.children) {
    const text = block(node, width);
    if (text) parts.push(text);
  }
  return `${parts.join('\n\n')}\n`;
}

export default definePlugin({
  setup(api) {
    const width = (api.config as { width?: number }).width ?? 72;
    api.exporter('txt', {
      export(doc) {
        return new TextEncoder().encode(toText(doc, width));
      },
    });
  },
});

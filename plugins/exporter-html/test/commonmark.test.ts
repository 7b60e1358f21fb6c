/**
 * CommonMark conformance: every example of the official spec (npm `commonmark-spec`, 0.31.2)
 * through the Markdown importer (CommonMark-only mode) and the HTML exporter's conformance
 * rendering. HTML is compared after normalisation (parse, serialise, collapse whitespace the
 * way the spec's own test runner does). Target: ≥ 99%.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Element, Root as HastRoot, RootContent } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toHtml } from 'hast-util-to-html';
import { describe, expect, it } from 'vitest';
import { COMMONMARK_ONLY, parseMarkdown } from '../../importer-markdown/src/parser/index.js';
import { renderCommonMarkHtml } from '../src/render.js';

const require = createRequire(import.meta.url);
const specPath = require.resolve('commonmark-spec/spec.txt');

interface Example {
  number: number;
  section: string;
  markdown: string;
  html: string;
}

function examples(): Example[] {
  const text = readFileSync(specPath, 'utf8');
  const out: Example[] = [];
  let section = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heading = /^#{1,6} (.+)$/.exec(line);
    if (heading) section = heading[1] as string;
    if (line.startsWith('```````````````````````````````` example')) {
      const md: string[] = [];
      const html: string[] = [];
      let j = i + 1;
      while (lines[j] !== '.') md.push(lines[j++] as string);
      j++;
      while (!(lines[j] as string).startsWith('````````````````````````````````')) html.push(lines[j++] as string);
      out.push({ number: out.length + 1, section, markdown: `${md.join('\n')}\n`.replace(/→/g, '\t'), html: `${html.join('\n')}\n`.replace(/→/g, '\t') });
      i = j;
    }
  }
  return out;
}

const BLOCK = new Set([
  'p',
  'div',
  'pre',
  'ul',
  'ol',
  'li',
  'blockquote',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'table',
  'thead',
  'tbody',
  'tr',
  'td',
  'th',
]);

/** Normalises HTML like the spec's normalize.py: whitespace between block tags and runs of spaces. */
export function normalize(html: string): string {
  const tree = fromHtml(html.trimEnd(), { fragment: true }) as HastRoot;
  const walk = (node: HastRoot | Element, inPre: boolean) => {
    const kids = node.children as RootContent[];
    for (const c of kids) {
      if (c.type === 'text' && !inPre) c.value = c.value.replace(/\s+/g, ' ');
      if (c.type === 'element') walk(c, inPre || c.tagName === 'pre');
    }
    kids.forEach((c, i) => {
      if (c.type !== 'text' || inPre) return;
      const prev = kids[i - 1];
      const next = kids[i + 1];
      if (!prev || (prev.type === 'element' && BLOCK.has(prev.tagName))) c.value = c.value.replace(/^ /, '');
      if (!next || (next.type === 'element' && BLOCK.has(next.tagName))) c.value = c.value.replace(/ $/, '');
    });
    node.children = kids.filter((c) => !(c.type === 'text' && c.value === '')) as typeof node.children;
  };
  walk(tree, false);
  return toHtml(tree);
}

describe('CommonMark 0.31.2 conformance', () => {
  const all = examples();

  it('has the whole spec to test against', () => {
    expect(all.length).toBeGreaterThanOrEqual(650);
  });

  it('passes at least 99% of the spec examples', () => {
    const failures: Example[] = [];
    for (const ex of all) {
      const { root } = parseMarkdown(ex.markdown, COMMONMARK_ONLY);
      if (normalize(renderCommonMarkHtml(root)) !== normalize(ex.html)) failures.push(ex);
    }
    const passed = all.length - failures.length;
    const rate = passed / all.length;
    // The count is part of the test output so CI logs show it.
    console.info(`CommonMark conformance: ${passed}/${all.length} (${(rate * 100).toFixed(1)}%)`);
    if (failures.length > 0) console.info(`failing examples: ${failures.map((f) => `#${f.number} (${f.section})`).join(', ')}`);
    expect(rate).toBeGreaterThanOrEqual(0.99);
  });
});

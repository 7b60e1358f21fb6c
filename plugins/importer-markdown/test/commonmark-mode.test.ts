import { describe, expect, it } from 'vitest';
import { COMMONMARK_ONLY } from '../src/parser/index.js';
import { type AnyNode, all, parse, parseFull, textOf } from './helpers.js';

const types = (root: AnyNode) => root.children?.map((c) => c.type);
const cm = (text: string) => parse(text, COMMONMARK_ONLY);

describe('COMMONMARK_ONLY', () => {
  it('switches off every extension', () => {
    expect(COMMONMARK_ONLY).toMatchObject({ gfm: false, math: false, frontMatter: false, extensions: false });
  });

  it('reads a pipe table as a paragraph', () => {
    const text = '| a | b |\n|---|---|\n| 1 | 2 |\n';
    const root = cm(text);
    expect(types(root)).toEqual(['paragraph']);
    expect(all(root, 'table')).toHaveLength(0);
    expect(textOf(root)).toBe(text.trimEnd());
    // The same input is a table by default, so the option is what made the difference.
    expect(types(parse(text))).toEqual(['table']);
  });

  it('keeps tildes as text', () => {
    const root = cm('~~gone~~ and ~x~\n');
    expect(all(root, 'delete')).toHaveLength(0);
    expect(textOf(root)).toBe('~~gone~~ and ~x~');
  });

  it('does not link bare URLs, but keeps CommonMark autolinks', () => {
    const root = cm('www.example.com and https://example.com and me@example.com and <https://auto.example>\n');
    expect(all(root, 'link').map((l) => l.url)).toEqual(['https://auto.example']);
    expect(textOf(root)).toBe('www.example.com and https://example.com and me@example.com and https://auto.example');
  });

  it('keeps dollars as text', () => {
    const root = cm('$x$ and $$y$$\n\n$$\nz\n$$\n');
    expect(all(root, 'inlineMath')).toHaveLength(0);
    expect(all(root, 'math')).toHaveLength(0);
    expect(types(root)).toEqual(['paragraph', 'paragraph']);
  });

  it('keeps alerts as block quotes, and images and \\pagebreak as paragraphs', () => {
    const root = cm('> [!NOTE]\n> body\n\n![A cat](cat.png)\n\n\\pagebreak\n');
    expect(types(root)).toEqual(['blockquote', 'paragraph', 'paragraph']);
    expect(textOf(root.children?.[0] as AnyNode)).toBe('[!NOTE]\nbody');
  });

  it('does not read task markers or footnotes', () => {
    const root = cm('- [x] done\n\nNote[^1].\n\n[^1]: Text.\n');
    expect(all(root, 'listItem').map((i) => i.checked)).toEqual([null]);
    expect(textOf(all(root, 'listItem')[0] as AnyNode)).toBe('[x] done');
    expect(all(root, 'footnoteReference')).toHaveLength(0);
    expect(all(root, 'footnoteDefinition')).toHaveLength(0);
  });

  it('reads --- at the top as a thematic break, not front matter', () => {
    const result = parseFull('---\ntitle: x\n---\n', COMMONMARK_ONLY);
    expect(result.frontMatter).toBeUndefined();
    expect(types(result.root as unknown as AnyNode)).toEqual(['thematicBreak', 'heading']);
  });
});

import { describe, expect, it } from 'vitest';
import { type AnyNode, all, first, parse, parseFull, span, textOf } from './helpers.js';

const types = (root: AnyNode) => root.children?.map((c) => c.type);

describe('front matter', () => {
  it('reads a YAML mapping at the very top', () => {
    const text = '---\ntitle: Hello\ntags: [a, b]\nnested:\n  n: 1\n---\n\n# Body\n';
    const result = parseFull(text);
    expect(result.frontMatter).toEqual({ title: 'Hello', tags: ['a', 'b'], nested: { n: 1 } });
    expect(result.frontMatterError).toBeUndefined();
    const root = result.root as unknown as AnyNode;
    expect(types(root)).toEqual(['yaml', 'heading']);
    expect(root.children?.[0]?.value).toBe('title: Hello\ntags: [a, b]\nnested:\n  n: 1');
    expect(span(text, root.children?.[0] as AnyNode)).toBe('---\ntitle: Hello\ntags: [a, b]\nnested:\n  n: 1\n---');
  });

  it('accepts `...` as the closing fence, and an empty block', () => {
    expect(parseFull('---\ntitle: x\n...\nBody\n').frontMatter).toEqual({ title: 'x' });
    const empty = parseFull('---\n---\nBody\n');
    expect(empty.frontMatter).toEqual({});
    expect(types(empty.root as unknown as AnyNode)).toEqual(['yaml', 'paragraph']);
  });

  it('reports invalid YAML with its line in the file and keeps the body', () => {
    const result = parseFull('---\ntitle: ok\nbad: [unclosed\n---\nBody text\n');
    expect(result.frontMatter).toBeUndefined();
    expect(result.frontMatterError?.line).toBe(3);
    expect(result.frontMatterError?.message).toMatch(/\S/);
    expect(textOf(result.root as unknown as AnyNode)).toBe('Body text');
  });

  it('reports duplicate keys at the duplicate', () => {
    const result = parseFull('---\ntitle: a\ntitle: b\n---\n');
    expect(result.frontMatter).toBeUndefined();
    expect(result.frontMatterError?.line).toBe(3);
  });

  it('rejects YAML that is not a mapping', () => {
    for (const yaml of ['- a\n- b', '42', 'just text']) {
      const result = parseFull(`---\n${yaml}\n---\nBody\n`);
      expect(result.frontMatter, yaml).toBeUndefined();
      expect(result.frontMatterError?.message, yaml).toMatch(/mapping/);
    }
  });

  it('only counts at the very top of the file', () => {
    const result = parseFull('Intro\n\n---\ntitle: x\n---\n');
    expect(result.frontMatter).toBeUndefined();
    expect(result.frontMatterError).toBeUndefined();
    const root = result.root as unknown as AnyNode;
    expect(types(root)).toEqual(['paragraph', 'thematicBreak', 'heading']);
  });

  it('needs a closing fence', () => {
    const result = parseFull('---\ntitle: x\nno close\n');
    expect(result.frontMatter).toBeUndefined();
    expect(result.frontMatterError).toBeUndefined();
    const root = result.root as unknown as AnyNode;
    expect(types(root)).toEqual(['thematicBreak', 'paragraph']);
    expect(textOf(root)).toBe('title: x\nno close');
  });

  it('can be switched off', () => {
    const result = parseFull('---\ntitle: x\n---\n', { frontMatter: false });
    expect(result.frontMatter).toBeUndefined();
    expect(types(result.root as unknown as AnyNode)).toEqual(['thematicBreak', 'heading']);
  });

  it('refuses a YAML alias bomb ("billion laughs") quickly, with an error', { timeout: 10_000 }, () => {
    let yaml = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    let previous = 'a';
    for (const name of 'bcdefghi') {
      yaml += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]\n`;
      previous = name;
    }
    const result = parseFull(`---\n${yaml}---\n\nBody\n`);
    expect(result.frontMatter).toBeUndefined();
    expect(result.frontMatterError?.message).toMatch(/alias/i);
    expect(textOf(result.root as unknown as AnyNode)).toBe('Body');
  });
});

describe('figures', () => {
  it('makes a figure of an image with alt text alone in its paragraph', () => {
    const text = '![A cat on a mat](cat.png "Title")\n';
    const root = parse(text);
    expect(types(root)).toEqual(['figure']);
    const figure = first(root, 'figure');
    expect(figure.children?.map((c) => c.type)).toEqual(['image', 'figureCaption']);
    const image = first(figure, 'image');
    expect(image).toMatchObject({ url: 'cat.png', alt: 'A cat on a mat', title: 'Title' });
    expect(textOf(first(figure, 'figureCaption'))).toBe('A cat on a mat');
    expect(span(text, figure)).toBe('![A cat on a mat](cat.png "Title")');
  });

  it('takes the caption from formatted alt text as plain text', () => {
    const root = parse('![A *big* `cat`](cat.png)\n');
    expect(textOf(first(root, 'figureCaption'))).toBe('A big cat');
  });

  it('leaves an image without alt text in a paragraph', () => {
    const root = parse('![](dog.png)\n');
    expect(types(root)).toEqual(['paragraph']);
    expect(first(root, 'image').url).toBe('dog.png');
  });

  it('leaves an image with text around it in a paragraph', () => {
    for (const text of ['See ![A cat](cat.png) here\n', '![A](a.png) ![B](b.png)\n', '[![A](a.png)](http://x)\n']) {
      const root = parse(text);
      expect(types(root), text).toEqual(['paragraph']);
      expect(all(root, 'figure'), text).toHaveLength(0);
    }
  });

  it('is off without extensions', () => {
    expect(types(parse('![A cat](cat.png)\n', { extensions: false }))).toEqual(['paragraph']);
  });
});

describe('callouts', () => {
  it('reads all five GitHub alert kinds', () => {
    const kinds = ['NOTE', 'TIP', 'IMPORTANT', 'WARNING', 'CAUTION'];
    const root = parse(kinds.map((k) => `> [!${k}]\n> Body of ${k}.\n`).join('\n'));
    const callouts = all(root, 'callout');
    expect(callouts.map((c) => c.kind)).toEqual(['note', 'tip', 'important', 'warning', 'caution']);
    expect(callouts.map((c) => c.title)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(callouts.map(textOf)).toEqual(kinds.map((k) => `Body of ${k}.`));
    expect(all(root, 'blockquote')).toHaveLength(0);
  });

  it('reads a custom title', () => {
    const root = parse('> [!WARNING] Read this first\n> The body.\n');
    const callout = first(root, 'callout');
    expect(callout).toMatchObject({ kind: 'warning', title: 'Read this first' });
    expect(callout.children?.map((c) => c.type)).toEqual(['paragraph']);
    expect(textOf(callout)).toBe('The body.');
  });

  it('reads a formatted title as plain text, without moving it into the body', () => {
    const root = parse('> [!TIP] A **bold** idea\n> The body.\n');
    const callout = first(root, 'callout');
    expect(callout).toMatchObject({ kind: 'tip', title: 'A bold idea' });
    expect(textOf(callout)).toBe('The body.');
  });

  it('is case-insensitive', () => {
    const root = parse('> [!tip]\n> a\n\n> [!Note]\n> b\n');
    expect(all(root, 'callout').map((c) => c.kind)).toEqual(['tip', 'note']);
  });

  it('keeps several blocks in the body, and allows an empty body', () => {
    const root = parse('> [!NOTE]\n> Para one.\n>\n> - item\n\n> [!IMPORTANT]\n');
    const [full, empty] = all(root, 'callout');
    expect(full?.children?.map((c) => c.type)).toEqual(['paragraph', 'list']);
    expect(empty?.kind).toBe('important');
    expect(empty?.children).toEqual([]);
  });

  it('leaves plain quotes, unknown kinds and escaped markers as block quotes', () => {
    for (const text of ['> plain quote\n', '> [!OTHER]\n> z\n', '> \\[!NOTE]\n> z\n', '> Text [!NOTE]\n', '> [!NOTE](http://x.example)\n']) {
      const root = parse(text);
      expect(types(root), text).toEqual(['blockquote']);
    }
    expect(textOf(parse('> \\[!NOTE]\n> z\n'))).toBe('[!NOTE]\nz');
  });

  it('is off without extensions', () => {
    const root = parse('> [!NOTE]\n> a\n', { extensions: false });
    expect(types(root)).toEqual(['blockquote']);
    expect(textOf(root)).toBe('[!NOTE]\na');
  });
});

describe('page breaks', () => {
  it('reads \\pagebreak, \\newpage and <!-- pagebreak --> on their own', () => {
    const text = 'One\n\n\\pagebreak\n\nTwo\n\n\\newpage\n\nThree\n\n<!-- pagebreak -->\n\nFour\n';
    const root = parse(text);
    expect(types(root)).toEqual(['paragraph', 'pageBreak', 'paragraph', 'pageBreak', 'paragraph', 'pageBreak', 'paragraph']);
    expect(all(root, 'pageBreak').map((n) => span(text, n))).toEqual(['\\pagebreak', '\\newpage', '<!-- pagebreak -->']);
  });

  it('ignores the commands inside text and other comments', () => {
    const root = parse('text \\pagebreak\n\n<!-- a comment -->\n\n\\pagebreaks\n');
    expect(types(root)).toEqual(['paragraph', 'html', 'paragraph']);
  });

  it('is off without extensions', () => {
    const root = parse('\\pagebreak\n\n<!-- pagebreak -->\n', { extensions: false });
    expect(types(root)).toEqual(['paragraph', 'html']);
    expect(textOf(root)).toBe('\\pagebreak');
  });
});

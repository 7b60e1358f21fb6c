import { describe, expect, it } from 'vitest';
import { all, first, parse, span, textOf } from './helpers.js';

describe('inline maths', () => {
  it('reads $…$ as inline maths', () => {
    const text = 'Einstein wrote $E=mc^2$ and $x^2$.';
    const root = parse(text);
    const maths = all(root, 'inlineMath');
    expect(maths.map((m) => m.value)).toEqual(['E=mc^2', 'x^2']);
    expect(maths.map((m) => span(text, m))).toEqual(['$E=mc^2$', '$x^2$']);
    expect(maths[0]?.data).toBeUndefined();
    expect(textOf(root)).toBe('Einstein wrote E=mc^2 and x^2.');
  });

  it('leaves prices alone: $20 and $30 is not maths', () => {
    for (const text of ['It costs $20 and $30 today.', 'Between $5 and $10, or $7.', 'Pay $x$5 now']) {
      const root = parse(text);
      expect(all(root, 'inlineMath'), text).toHaveLength(0);
      expect(textOf(root)).toBe(text);
    }
  });

  it('follows the dollar rule: no space after the opener or before the closer', () => {
    expect(all(parse('$ x$ and $x $'), 'inlineMath')).toHaveLength(0);
    // A closer followed by a digit is skipped, the next valid one closes.
    expect(all(parse('$a$1 b$'), 'inlineMath').map((m) => m.value)).toEqual(['a$1 b']);
  });

  it('treats \\$ as a literal dollar', () => {
    const root = parse('Price \\$5 and \\$6$ here, and $a\\$b$.');
    expect(all(root, 'inlineMath').map((m) => m.value)).toEqual(['a\\$b']);
    expect(textOf(root)).toBe('Price $5 and $6$ here, and a\\$b.');
  });

  it('keeps markup inside maths literal, and code spans win over maths', () => {
    const root = parse('$a*b*c_d_$ and `$x$` and *$y$*');
    expect(all(root, 'inlineMath').map((m) => m.value)).toEqual(['a*b*c_d_', 'y']);
    expect(first(root, 'inlineCode').value).toBe('$x$');
    expect(first(first(root, 'emphasis'), 'inlineMath').value).toBe('y');
  });

  it('does not run across paragraphs', () => {
    const root = parse('$x\n\ny$');
    expect(all(root, 'inlineMath')).toHaveLength(0);
    expect(root.children?.map((c) => c.type)).toEqual(['paragraph', 'paragraph']);
  });

  it('reads $$…$$ inside text as display maths inline', () => {
    const text = 'text $$a+b$$ more';
    const root = parse(text);
    const m = first(root, 'inlineMath');
    expect(m.value).toBe('a+b');
    expect(m.data).toEqual({ display: true });
    expect(span(text, m)).toBe('$$a+b$$');
    expect(root.children?.map((c) => c.type)).toEqual(['paragraph']);
  });
});

describe('block maths', () => {
  it('turns a paragraph that is only $$…$$ into a math block', () => {
    const text = 'Before.\n\n$$\\int_0^1 x\\,dx$$\n\nAfter.\n';
    const root = parse(text);
    expect(root.children?.map((c) => c.type)).toEqual(['paragraph', 'math', 'paragraph']);
    const m = first(root, 'math');
    expect(m.value).toBe('\\int_0^1 x\\,dx');
    expect(span(text, m)).toBe('$$\\int_0^1 x\\,dx$$');
  });

  it('reads fenced $$ blocks verbatim', () => {
    const text = '$$\nx = 1 \\\\\n*y* = 2\n$$\n\nafter\n';
    const root = parse(text);
    expect(root.children?.map((c) => c.type)).toEqual(['math', 'paragraph']);
    const m = first(root, 'math');
    expect(m.value).toBe('x = 1 \\\\\n*y* = 2');
    expect(span(text, m)).toBe('$$\nx = 1 \\\\\n*y* = 2\n$$');
  });

  it('keeps blank lines inside a fenced block', () => {
    const root = parse('$$\na\n\nb\n$$\n');
    expect(root.children?.map((c) => c.type)).toEqual(['math']);
    expect(first(root, 'math').value).toBe('a\n\nb');
  });

  it('reads fenced blocks in quotes and list items', () => {
    const root = parse('> $$\n> a^2\n> $$\n\n- $$\n  b^2\n  $$\n');
    expect(all(root, 'math').map((m) => m.value)).toEqual(['a^2', 'b^2']);
    expect(first(root, 'blockquote').children?.[0]?.type).toBe('math');
  });
});

describe('maths disabled', () => {
  it('leaves every dollar as text', () => {
    const text = 'Inline $x^2$ and $$y$$.\n\n$$z$$\n\n$$\nw\n$$\n';
    const root = parse(text, { math: false });
    expect(all(root, 'inlineMath')).toHaveLength(0);
    expect(all(root, 'math')).toHaveLength(0);
    expect(root.children?.map((c) => c.type)).toEqual(['paragraph', 'paragraph', 'paragraph']);
    expect(textOf(root.children?.[0] as ReturnType<typeof parse>)).toBe('Inline $x^2$ and $$y$$.');
    expect(textOf(root.children?.[2] as ReturnType<typeof parse>)).toBe('$$\nw\n$$');
  });
});

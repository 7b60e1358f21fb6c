import { describe, expect, it } from 'vitest';
import { type AnyNode, all, first, parse, positionProblems, span, textOf } from './helpers.js';

/** Rows of a table as arrays of cell texts. */
function cells(table: AnyNode): string[][] {
  return (table.children ?? []).map((row) => (row.children ?? []).map(textOf));
}

describe('tables', () => {
  it('reads the alignment of every column', () => {
    const root = parse('| a | b | c | d |\n|---|:--|:-:|--:|\n| 1 | 2 | 3 | 4 |\n');
    const table = first(root, 'table');
    expect(table.align).toEqual([null, 'left', 'center', 'right']);
    expect(cells(table)).toEqual([
      ['a', 'b', 'c', 'd'],
      ['1', '2', '3', '4'],
    ]);
  });

  it('pads short rows and truncates long rows to the header width', () => {
    const root = parse('| a | b | c |\n|---|---|---|\n| 1 |\n| 1 | 2 | 3 | 4 | 5 |\n');
    const table = first(root, 'table');
    expect(cells(table)).toEqual([
      ['a', 'b', 'c'],
      ['1', '', ''],
      ['1', '2', '3'],
    ]);
    for (const row of table.children ?? []) {
      expect(row.children?.map((c) => c.type)).toEqual(['tableCell', 'tableCell', 'tableCell']);
    }
  });

  it('needs a delimiter row with as many cells as the header', () => {
    const root = parse('| a | b |\n|---|\n| 1 | 2 |\n');
    expect(all(root, 'table')).toHaveLength(0);
    expect(root.children?.[0]?.type).toBe('paragraph');
  });

  it('reads tables without outer pipes, and `a\\n---` stays a heading', () => {
    const root = parse('a | b\n--|--\n1 | 2\n\nx\n---\n');
    expect(cells(first(root, 'table'))).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(root.children?.map((c) => c.type)).toEqual(['table', 'heading']);
  });

  it('treats `\\|` as a literal pipe, also inside code spans', () => {
    const root = parse('| a \\| b | `c \\| d` |\n|---|---|\n| x | y |\n');
    const table = first(root, 'table');
    expect(cells(table)[0]).toEqual(['a | b', 'c | d']);
    expect(first(table, 'inlineCode').value).toBe('c | d');
  });

  it('parses inline formatting in cells', () => {
    const root = parse('| h |\n|---|\n| *em* **st** [l](http://u) `c` ~~d~~ |\n');
    const cell = (first(root, 'table').children?.[1]?.children?.[0] ?? {}) as AnyNode;
    expect(cell.children?.map((c) => c.type)).toEqual(['emphasis', 'text', 'strong', 'text', 'link', 'text', 'inlineCode', 'text', 'delete']);
    expect(first(cell, 'link').url).toBe('http://u');
  });

  it('ends at a blank line', () => {
    const root = parse('| a |\n|---|\n| x |\n\nafter\n');
    expect(root.children?.map((c) => c.type)).toEqual(['table', 'paragraph']);
    expect(cells(first(root, 'table'))).toEqual([['a'], ['x']]);
    expect(textOf(root.children?.[1] as AnyNode)).toBe('after');
  });

  it('ends at another block, and a plain line right after it is a row', () => {
    const root = parse('| a | b |\n|---|---|\n| 1 | 2 |\nlazy\n> quote\n');
    expect(root.children?.map((c) => c.type)).toEqual(['table', 'blockquote']);
    expect(cells(first(root, 'table'))).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['lazy', ''],
    ]);
  });

  it('interrupts a paragraph and keeps the paragraph before it', () => {
    const text = 'Intro line one\nintro line two\n| a | b |\n|---|---|\n| 1 | 2 |\n';
    const root = parse(text);
    expect(root.children?.map((c) => c.type)).toEqual(['paragraph', 'table']);
    expect(textOf(root.children?.[0] as AnyNode)).toBe('Intro line one\nintro line two');
    expect(cells(first(root, 'table'))).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(positionProblems(text, root)).toEqual([]);
  });

  it('works inside block quotes and list items', () => {
    const root = parse('> | a |\n> |---|\n> | b |\n\n- | c |\n  |---|\n  | d |\n');
    const tables = all(root, 'table');
    expect(tables.map(cells)).toEqual([
      [['a'], ['b']],
      [['c'], ['d']],
    ]);
  });
});

describe('task lists', () => {
  it('marks checked and unchecked items and drops the marker from the text', () => {
    const root = parse('- [ ] todo\n- [x] done\n- [X] Done too\n- plain\n- [ ]\n- [y] not a task\n');
    const items = all(root, 'listItem');
    expect(items.map((i) => i.checked)).toEqual([false, true, true, null, null, null]);
    expect(items.map(textOf)).toEqual(['todo', 'done', 'Done too', 'plain', '[ ]', '[y] not a task']);
  });

  it('works in ordered and nested lists', () => {
    const root = parse('1. [x] first\n   - [ ] sub\n');
    expect(all(root, 'listItem').map((i) => i.checked)).toEqual([true, false]);
  });

  it('is only a list item feature', () => {
    const root = parse('[x] not in a list\n');
    expect(textOf(root)).toBe('[x] not in a list');
    expect(all(root, 'listItem')).toHaveLength(0);
  });
});

describe('strikethrough', () => {
  it('accepts one and two tildes', () => {
    const root = parse('~one~ and ~~two~~ and ~~*nested*~~\n');
    const deletes = all(root, 'delete');
    expect(deletes.map(textOf)).toEqual(['one', 'two', 'nested']);
    expect(first(deletes[2] as AnyNode, 'emphasis')).toBeDefined();
  });

  it('does not strike three tildes or unbalanced runs', () => {
    const root = parse('a ~~~three~~~ b ~~mixed~ c ~~open\n');
    expect(all(root, 'delete')).toHaveLength(0);
    expect(textOf(root)).toBe('a ~~~three~~~ b ~~mixed~ c ~~open');
  });

  it('keeps `~~~` at the start of a line a code fence', () => {
    const root = parse('~~~\ncode\n~~~\n');
    expect(root.children?.map((c) => c.type)).toEqual(['code']);
    expect(first(root, 'code').value).toBe('code');
  });
});

describe('autolink literals', () => {
  function links(text: string): Array<{ url: unknown; text: string }> {
    return all(parse(text), 'link').map((l) => ({ url: l.url, text: textOf(l) }));
  }

  it('links www. with an http:// URL and drops trailing punctuation', () => {
    const text = 'Visit www.example.com. Or www.example.com/path?q=1, then stop!\n';
    expect(links(text)).toEqual([
      { url: 'http://www.example.com', text: 'www.example.com' },
      { url: 'http://www.example.com/path?q=1', text: 'www.example.com/path?q=1' },
    ]);
    expect(textOf(parse(text))).toBe('Visit www.example.com. Or www.example.com/path?q=1, then stop!');
  });

  it('links http(s) URLs', () => {
    expect(links('See https://example.org/a/b and http://example.com: done.')).toEqual([
      { url: 'https://example.org/a/b', text: 'https://example.org/a/b' },
      { url: 'http://example.com', text: 'http://example.com' },
    ]);
  });

  it('keeps balanced parentheses and drops an unbalanced closing one', () => {
    expect(links('https://en.wikipedia.org/wiki/Foo_(bar) and (see https://x.org/a) and www.a.com/b_(c))')).toEqual([
      { url: 'https://en.wikipedia.org/wiki/Foo_(bar)', text: 'https://en.wikipedia.org/wiki/Foo_(bar)' },
      { url: 'https://x.org/a', text: 'https://x.org/a' },
      { url: 'http://www.a.com/b_(c)', text: 'www.a.com/b_(c)' },
    ]);
  });

  it('links e-mail addresses with mailto:', () => {
    expect(links('Write to first.last+tag@example.co.uk. Not foo@bar or @handle.')).toEqual([
      { url: 'mailto:first.last+tag@example.co.uk', text: 'first.last+tag@example.co.uk' },
    ]);
  });

  it('needs a boundary before www.', () => {
    expect(links('xwww.example.com and (www.ok.com)')).toEqual([{ url: 'http://www.ok.com', text: 'www.ok.com' }]);
  });

  it('does not link inside links, code or autolinks', () => {
    expect(links('[www.example.com](http://y) and `www.x.com` and <http://auto.link/www.z.com>')).toEqual([
      { url: 'http://y', text: 'www.example.com' },
      { url: 'http://auto.link/www.z.com', text: 'http://auto.link/www.z.com' },
    ]);
  });

  it('links across emphasis boundaries at the right place', () => {
    const text = 'Go to *www.example.com* now';
    const root = parse(text);
    const link = first(root, 'link');
    expect(link.url).toBe('http://www.example.com');
    expect(span(text, link)).toBe('www.example.com');
    expect(first(root, 'emphasis').children?.[0]?.type).toBe('link');
  });
});

describe('footnotes', () => {
  it('makes a reference only when the footnote is defined', () => {
    const root = parse('A[^a] B[^b] C[^A].\n\n[^a]: Note A.\n');
    const refs = all(root, 'footnoteReference');
    expect(refs.map((r) => r.identifier)).toEqual(['a', 'a']);
    expect(refs.map((r) => r.label)).toEqual(['a', 'A']);
    expect(textOf(root.children?.[0] as AnyNode)).toBe('A B[^b] C.');
    const def = first(root, 'footnoteDefinition');
    expect(def.identifier).toBe('a');
    expect(textOf(def)).toBe('Note A.');
  });

  it('finds definitions that come before their references', () => {
    const root = parse('[^first]: Early note.\n\nText[^first].\n');
    expect(all(root, 'footnoteReference').map((r) => r.identifier)).toEqual(['first']);
  });

  it('reads multi-paragraph definitions indented by four spaces', () => {
    const root = parse('Ref[^long].\n\n[^long]: Para one.\n\n    Para two with `code`.\n\n    - a list\n\nOutside.\n');
    const def = first(root, 'footnoteDefinition');
    expect(def.children?.map((c) => c.type)).toEqual(['paragraph', 'paragraph', 'list']);
    expect(textOf(def.children?.[1] as AnyNode)).toBe('Para two with code.');
    expect(root.children?.map((c) => c.type)).toEqual(['paragraph', 'footnoteDefinition', 'paragraph']);
    expect(textOf(root.children?.[2] as AnyNode)).toBe('Outside.');
  });

  it('leaves undefined references as text', () => {
    const root = parse('See [^x] and [^y].\n');
    expect(all(root, 'footnoteReference')).toHaveLength(0);
    expect(all(root, 'link')).toHaveLength(0);
    expect(textOf(root)).toBe('See [^x] and [^y].');
  });
});

describe('review regressions', () => {
  it('keeps a table row that holds only a no-break space', () => {
    const table = first(parse('| a |\n| - |\n\u00a0\n'), 'table');
    expect(table.children).toHaveLength(2);
  });

  it('matches footnote labels case-folded like link labels (Straße = STRASSE)', () => {
    const root = parse('x[^Straße]\n\n[^STRASSE]: note\n');
    expect(all(root, 'footnoteReference')).toHaveLength(1);
    expect(all(root, 'footnoteDefinition')).toHaveLength(1);
    expect(first(root, 'footnoteReference').identifier).toBe(first(root, 'footnoteDefinition').identifier);
  });

  it('refuses a backtick fence whose info string hides a backtick after U+2028', () => {
    expect(all(parse('```a\u2028`\nx\n'), 'code')).toHaveLength(0);
  });

  it('gives each emphasis kind its own opener floor (`_a.__.a_` is emphasis, as in commonmark.js)', () => {
    expect(all(parse('_a.__.a_'), 'emphasis')).toHaveLength(1);
    expect(all(parse('*a.**.a*'), 'emphasis')).toHaveLength(1);
  });
});

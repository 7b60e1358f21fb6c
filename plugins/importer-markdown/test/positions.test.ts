import { describe, expect, it } from 'vitest';
import { type AnyNode, all, example, first, lineColumn, parse, parseFull, positionProblems, span, spans, strip } from './helpers.js';

/** Asserts a node covers `expected`, found at its `occurrence`-th place in the text. */
function expectAt(text: string, node: AnyNode, expected: string, occurrence = 0) {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = text.indexOf(expected, at + 1);
  expect(at, `${JSON.stringify(expected)} occurs in the text`).toBeGreaterThanOrEqual(0);
  expect(span(text, node)).toBe(expected);
  expect(node.position?.start.offset).toBe(at);
  expect(node.position?.start).toMatchObject(lineColumn(text, at));
  expect(node.position?.end).toMatchObject(lineColumn(text, at + expected.length));
}

describe('positions of leaf blocks and inlines', () => {
  it('covers headings and the inline nodes inside them', () => {
    const text = '# Hello *world*\n\nSetext `h`\n===\n';
    const root = parse(text);
    expect(spans(text, root, 'heading')).toEqual(['# Hello *world*', 'Setext `h`\n===']);
    expectAt(text, first(root, 'emphasis'), '*world*');
    expectAt(text, first(root, 'inlineCode'), '`h`');
    expect(spans(text, root, 'text')).toEqual(['Hello ', 'world', 'Setext ']);
    expect(positionProblems(text, root)).toEqual([]);
  });

  it('covers a paragraph and each inline construct exactly', () => {
    const text = 'Intro line\n\nSome **bold**, _em_, [link](http://x.com "t"), `code`, ![img](a.png) and $x^2$ end.\n';
    const root = parse(text);
    expectAt(text, all(root, 'paragraph')[1] as AnyNode, 'Some **bold**, _em_, [link](http://x.com "t"), `code`, ![img](a.png) and $x^2$ end.');
    expectAt(text, first(root, 'strong'), '**bold**');
    expectAt(text, first(root, 'emphasis'), '_em_');
    expectAt(text, first(root, 'link'), '[link](http://x.com "t")');
    expectAt(text, first(first(root, 'link'), 'text'), 'link');
    expectAt(text, first(root, 'inlineCode'), '`code`');
    expectAt(text, first(root, 'image'), '![img](a.png)');
    expectAt(text, first(root, 'inlineMath'), '$x^2$');
    expect(positionProblems(text, root)).toEqual([]);
  });

  it('covers reference links, definitions, hard breaks, raw HTML and entities', () => {
    const text = 'A [ref link][r] and <b>bold</b> &amp; \\* x  \nnext\\\nlast\n\n[r]: http://example.com "Title"\n';
    const root = parse(text);
    expectAt(text, first(root, 'link'), '[ref link][r]');
    expectAt(text, first(root, 'definition'), '[r]: http://example.com "Title"');
    expect(spans(text, root, 'html')).toEqual(['<b>', '</b>']);
    // Entities and escapes decode in the value, but the span is the source text.
    const decoded = all(root, 'text').find((t) => t.value?.includes('&'));
    expect(decoded?.value).toBe(' & * x');
    expect(span(text, decoded as AnyNode)).toBe(' &amp; \\* x');
    expect(all(root, 'break')).toHaveLength(2);
    expect(positionProblems(text, root)).toEqual([]);
  });

  it('covers table, rows and cells, including escaped pipes and padded cells', () => {
    const text = 'Intro\n\n| Name | Value |\n|:-----|------:|\n| *a*  | `b \\| c` |\n| d |\n';
    const root = parse(text);
    expect(spans(text, root, 'tableCell')).toEqual(['Name', 'Value', '*a*', '`b \\| c`', 'd', '']);
    expectAt(text, first(root, 'emphasis'), '*a*');
    expectAt(text, first(root, 'inlineCode'), '`b \\| c`');
    expect(first(root, 'inlineCode').value).toBe('b | c');
    // Rows and the table cover their whole source lines, pipes included.
    expect(spans(text, root, 'tableRow')).toEqual(['| Name | Value |', '| *a*  | `b \\| c` |', '| d |']);
    expectAt(text, first(root, 'table'), '| Name | Value |\n|:-----|------:|\n| *a*  | `b \\| c` |\n| d |');
    expect(positionProblems(text, root)).toEqual([]);
  });

  it('covers inline maths, footnote references and autolink literals', () => {
    const text = 'Energy $E=mc^2$ and a note[^n] at www.example.com now.\n\n[^n]: The *note*.\n';
    const root = parse(text);
    expectAt(text, first(root, 'inlineMath'), '$E=mc^2$');
    expectAt(text, first(root, 'footnoteReference'), '[^n]');
    expectAt(text, first(root, 'footnoteDefinition'), '[^n]: The *note*.');
    expectAt(text, first(first(root, 'footnoteDefinition'), 'emphasis'), '*note*');
    const link = first(root, 'link');
    expectAt(text, link, 'www.example.com');
    expectAt(text, first(link, 'text'), 'www.example.com');
    expect(positionProblems(text, root)).toEqual([]);
  });
});

describe('positions inside containers', () => {
  it('maps text inside block quotes back to the source, past the `>` markers', () => {
    const text = '> Quote *em* here\n> second `c` line\n>\n> > inner **s**\n';
    const root = parse(text);
    expect(spans(text, root, 'blockquote')).toEqual([text.trimEnd(), '> inner **s**']);
    expect(spans(text, root, 'paragraph')).toEqual(['Quote *em* here\n> second `c` line', 'inner **s**']);
    expectAt(text, first(root, 'emphasis'), '*em*');
    const code = first(root, 'inlineCode');
    expectAt(text, code, '`c`');
    expect(code.position?.start).toMatchObject({ line: 2, column: 10 });
    const strong = first(root, 'strong');
    expectAt(text, strong, '**s**');
    expect(strong.position?.start).toMatchObject({ line: 4, column: 11 });
    // The joined text drops the marker from its value but its span still points at the source.
    const joined = all(root, 'text').find((t) => t.value === ' here\nsecond ');
    expect(joined && span(text, joined)).toBe(' here\n> second ');
    expect(positionProblems(text, root)).toEqual([]);
  });

  it('covers list items and text in nested items, past the indentation', () => {
    const text = '- one *a*\n  - two `b`\n    more\n- three\n';
    const root = parse(text);
    expect(spans(text, root, 'listItem')).toEqual(['- one *a*\n  - two `b`\n    more', '- two `b`\n    more', '- three']);
    expect(spans(text, root, 'paragraph')).toEqual(['one *a*', 'two `b`\n    more', 'three']);
    const code = first(root, 'inlineCode');
    expectAt(text, code, '`b`');
    expect(code.position?.start).toMatchObject({ line: 2, column: 9 });
    const more = all(root, 'text').find((t) => t.value === '\nmore');
    expect(more && span(text, more)).toBe('\n    more');
    expect(more?.position?.end).toMatchObject({ line: 3, column: 9 });
    expect(positionProblems(text, root)).toEqual([]);
  });

  it('covers lists inside quotes inside lists', () => {
    const text = '> - item *one*\n>   - nested `two`\n>\n>     para three\n\n1. x\n\n   > quoted [l](u)\n';
    const root = parse(text);
    const para = all(root, 'paragraph').find((p) => span(text, p) === 'para three');
    expect(para?.position?.start).toMatchObject({ line: 4, column: 7 });
    expectAt(text, first(root, 'inlineCode'), '`two`');
    expectAt(text, first(root, 'link'), '[l](u)');
    expect(spans(text, root, 'blockquote')[1]).toBe('> quoted [l](u)');
    expect(positionProblems(text, root)).toEqual([]);
  });

  it('covers task item and callout bodies after their markers', () => {
    const text = '- [x] done *now*\n\n> [!NOTE] Title\n> Body *text*.\n';
    const root = parse(text);
    expect(spans(text, root, 'paragraph')).toEqual(['done *now*', 'Body *text*.']);
    const body = first(first(root, 'callout'), 'text');
    expect(body.value).toBe('Body ');
    expectAt(text, body, 'Body ');
    expect(positionProblems(text, root)).toEqual([]);
  });

  it('handles tabs in container prefixes', () => {
    const text = '>\tquote *x*\n-\titem `y`\n';
    const root = parse(text);
    expectAt(text, first(root, 'emphasis'), '*x*');
    expectAt(text, first(root, 'inlineCode'), '`y`');
    expect(positionProblems(text, root)).toEqual([]);
  });
});

describe('positions across whole documents', () => {
  for (const name of ['report.md', 'letter.md', 'articulo.md']) {
    it(`gives every node of ${name} a position inside the file and inside its parent`, () => {
      const text = example(name);
      const root = parse(text);
      const nodes = all(root);
      expect(nodes.length).toBeGreaterThan(20);
      expect(positionProblems(text, root)).toEqual([]);
    });
  }

  it('checks report.md has the features these guarantees are about', () => {
    const root = parse(example('report.md'));
    for (const type of ['heading', 'table', 'tableCell', 'list', 'listItem', 'blockquote', 'link', 'footnoteReference', 'footnoteDefinition', 'yaml']) {
      expect(all(root, type).length, type).toBeGreaterThan(0);
    }
  });
});

describe('line endings', () => {
  const features = [
    '---',
    'title: Line endings',
    '---',
    '',
    '# Heading',
    '',
    'Para *em*  ',
    'hard break and a note[^1] at www.example.com.',
    '',
    '> quote',
    '> continued',
    '',
    '- [x] task',
    '  - nested',
    '',
    '| a | b |',
    '|---|--:|',
    '| 1 | 2 |',
    '',
    '```js',
    'const x = 1;',
    '```',
    '',
    '$$',
    'x^2',
    '$$',
    '',
    '[^1]: The note.',
    '',
  ];

  it('gives CRLF input the same tree, lines and columns as LF input', () => {
    for (const lf of [features.join('\n'), example('report.md')]) {
      const crlf = lf.replace(/\n/g, '\r\n');
      const a = parseFull(lf);
      const b = parseFull(crlf);
      expect(strip(b.root)).toEqual(strip(a.root));
      expect(b.frontMatter).toEqual(a.frontMatter);
      expect(positionProblems(crlf, b.root as unknown as AnyNode)).toEqual([]);
      const na = all(a.root as unknown as AnyNode);
      const nb = all(b.root as unknown as AnyNode);
      expect(nb.map((n) => [n.position?.start.line, n.position?.start.column, n.position?.end.line, n.position?.end.column])).toEqual(
        na.map((n) => [n.position?.start.line, n.position?.start.column, n.position?.end.line, n.position?.end.column]),
      );
    }
  });

  it('keeps carriage returns out of values', () => {
    const crlf = features.join('\r\n');
    const root = parse(crlf);
    const withCr = all(root).filter((n) => typeof n.value === 'string' && n.value.includes('\r'));
    expect(withCr.map((n) => n.type)).toEqual([]);
    expect(first(root, 'code').value).toBe('const x = 1;');
    expect(first(root, 'math').value).toBe('x^2');
  });

  it('accepts old Mac line endings (CR only)', () => {
    const lf = features.join('\n');
    const cr = lf.replace(/\n/g, '\r');
    const root = parse(cr);
    expect(strip(root)).toEqual(strip(parse(lf)));
    expect(positionProblems(cr, root)).toEqual([]);
  });
});

/**
 * Hostile inputs: the parser must never crash (stack overflow) or hang (quadratic time). Deep
 * nesting is refused with EIA_INPUT_TOO_DEEP; everything else parses. No case asserts a time,
 * but each has a timeout far above what a linear parser needs (well under a second here), so
 * a quadratic path fails the test instead of passing slowly.
 */
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../src/parser/index.js';
import { type AnyNode, all, parse, textOf, thrownCode } from './helpers.js';

const SLOW = { timeout: 10_000 };

describe('deep nesting is refused with EIA_INPUT_TOO_DEEP', () => {
  const deep: Array<[string, () => string]> = [
    ['10,000 nested list markers on one line', () => `${'- '.repeat(10_000)}x`],
    ['lines indented deeper and deeper', () => Array.from({ length: 1_000 }, (_, i) => `${' '.repeat(2 * i)}- x`).join('\n')],
    ['10,000 nested ordered lists', () => `${'1. '.repeat(10_000)}x`],
    ['10,000 nested block quotes', () => `${'>'.repeat(10_000)} x`],
    ['10,000 nested block quotes with spaces', () => `${'> '.repeat(10_000)}x`],
    ['quotes and lists alternating', () => `${'> - '.repeat(5_000)}x`],
    ['10,000 nested footnote definitions', () => `${'[^a]: '.repeat(10_000)}x`],
    ['5,000 nested emphasis', () => `${'*a '.repeat(5_000)}b${' a*'.repeat(5_000)}`],
    ['5,000 nested underscores', () => `${'_a '.repeat(5_000)}b${' a_'.repeat(5_000)}`],
    ['3,000 nested strong', () => `${'**a '.repeat(3_000)}b${' a**'.repeat(3_000)}`],
    ['5,000 nested strikethrough', () => `${'~a '.repeat(5_000)}b${' a~'.repeat(5_000)}`],
    ['5,000 nested images', () => `${'!['.repeat(5_000)}a${'](u)'.repeat(5_000)}`],
  ];
  for (const [name, make] of deep) {
    it(name, SLOW, () => {
      expect(thrownCode(() => parseMarkdown(make()))).toBe('EIA_INPUT_TOO_DEEP');
    });
  }

  it('names the file and the limit in the error', () => {
    try {
      parseMarkdown('>'.repeat(500), { file: 'deep.md' });
      expect.unreachable('should have thrown');
    } catch (err) {
      expect((err as { code?: string }).code).toBe('EIA_INPUT_TOO_DEEP');
      expect((err as Error).message).toContain('deep.md');
      expect((err as Error).message).toContain('100');
    }
  });

  it('follows maxNesting', () => {
    expect(thrownCode(() => parseMarkdown('> > > > > > x', { maxNesting: 4 }))).toBe('EIA_INPUT_TOO_DEEP');
    expect(thrownCode(() => parseMarkdown('***a*** *b **c** d*', { maxNesting: 1 }))).toBe('EIA_INPUT_TOO_DEEP');
    expect(thrownCode(() => parseMarkdown('> > x', { maxNesting: 4 }))).toBeUndefined();
    expect(thrownCode(() => parseMarkdown(`${'> '.repeat(150)}x`, { maxNesting: 200 }))).toBeUndefined();
  });

  it('accepts ordinary depths', () => {
    const root = parse(`${'> '.repeat(50)}${'- '.repeat(40)}${'*a '.repeat(5)}b${' a*'.repeat(5)}`);
    expect(all(root, 'blockquote')).toHaveLength(50);
    expect(all(root, 'list')).toHaveLength(40);
    expect(all(root, 'emphasis')).toHaveLength(5);
  });
});

describe('hostile inputs parse without crashing or hanging', () => {
  /** Parses and checks the text survived: every non-space character of the input is accounted for. */
  function survives(text: string): AnyNode {
    const root = parse(text);
    expect(root.type).toBe('root');
    expect(root.position?.end.offset).toBeLessThanOrEqual(text.length);
    return root;
  }

  it('50,000 open brackets', SLOW, () => {
    const root = survives('['.repeat(50_000));
    expect(textOf(root) === '['.repeat(50_000)).toBe(true);
  });

  it('50,000 brackets closed, and many links after many open brackets', SLOW, () => {
    survives(`${'['.repeat(50_000)}a${']'.repeat(50_000)}`);
    const root = survives(`${'['.repeat(80_000)}${'[a](u)'.repeat(80_000)}`);
    expect(all(root, 'link')).toHaveLength(80_000);
  });

  it('link openers that never close', SLOW, () => {
    survives('[a]('.repeat(20_000));
    survives('[a](u "'.repeat(20_000));
    survives('[a](<'.repeat(20_000));
    survives(`[a](${'('.repeat(50_000)}${')'.repeat(50_000)})`);
    survives(`${'[a]'.repeat(30_000)}\n\n[a]: /u`);
  });

  it('50,000 backtick runs, and runs that never close', SLOW, () => {
    const runs = survives(Array.from({ length: 50_000 }, (_, i) => '`'.repeat(1 + (i % 7))).join('a'));
    expect(all(runs, 'inlineCode').length).toBeGreaterThan(0);
    const unclosed = Array.from({ length: 300 }, (_, i) => '`'.repeat(i + 1)).join('a');
    expect(all(survives(unclosed), 'inlineCode')).toHaveLength(0);
    // (At the start of a line the run would be a code fence.)
    expect(textOf(survives(`a${'`'.repeat(50_000)}`)) === `a${'`'.repeat(50_000)}`).toBe(true);
  });

  it('20,000 unclosed HTML comments, processing instructions, CDATA and declarations', SLOW, () => {
    expect(textOf(survives('a <!--'.repeat(20_000))) === 'a <!--'.repeat(20_000)).toBe(true);
    survives('<!--'.repeat(20_000));
    survives('a <?'.repeat(20_000));
    survives('a <![CDATA['.repeat(20_000));
    expect(all(survives('a <!A'.repeat(60_000)), 'html')).toHaveLength(0);
    survives('a <a b="'.repeat(20_000));
  });

  it('dollars that never close', SLOW, () => {
    const root = survives('$a '.repeat(40_000));
    expect(all(root, 'inlineMath')).toHaveLength(0);
    survives('$$a '.repeat(40_000));
    survives('$\\'.repeat(40_000));
  });

  it('URLs ending in 80,000 closing parentheses or 60,000 entities', SLOW, () => {
    const parens = survives(`http://a.example/${')'.repeat(80_000)}`);
    expect(all(parens, 'link').map((l) => l.url)).toEqual(['http://a.example/']);
    const entities = survives(`www.a.example/x${'&a;'.repeat(60_000)}`);
    expect(all(entities, 'link').map((l) => l.url)).toEqual(['http://www.a.example/x']);
    survives(`www.a.example/${'()'.repeat(25_000)}${')'.repeat(25_000)}`);
  });

  it('www. runs that are never valid domains', SLOW, () => {
    const root = survives('www.a_'.repeat(10_000));
    expect(all(root, 'link').length).toBeLessThanOrEqual(1);
  });

  it('200,000 e-mail addresses in one paragraph', SLOW, () => {
    expect(all(survives('a@b.example '.repeat(200_000)), 'link')).toHaveLength(200_000);
  });

  it('many autolinks between other inline nodes', SLOW, () => {
    expect(all(survives('www.a.example ! '.repeat(50_000)), 'link')).toHaveLength(50_000);
    expect(all(survives('x@y.example \\* '.repeat(40_000)), 'link')).toHaveLength(40_000);
  });

  it('30,000 link reference definitions in one block', SLOW, () => {
    const root = survives(`${Array.from({ length: 30_000 }, (_, i) => `[l${i}]: /u${i}`).join('\n')}\n\n[l29999]`);
    expect(all(root, 'definition')).toHaveLength(30_000);
    expect(all(root, 'link').map((l) => l.url)).toEqual(['/u29999']);
  });

  it('long runs of spaces before a line end or a closing #', SLOW, () => {
    const soft = survives(`a${' '.repeat(100_000)}b \nc`);
    expect(textOf(soft) === `a${' '.repeat(100_000)}b\nc`).toBe(true);
    const heading = survives(`# a${' '.repeat(100_000)}#x`);
    expect(all(heading, 'heading')).toHaveLength(1);
  });

  it('many setext headings', SLOW, () => {
    expect(all(survives('a\n=\n'.repeat(50_000)), 'heading')).toHaveLength(50_000);
  });

  it('many small tables', SLOW, () => {
    expect(all(survives('a|b\n-|-\n\n'.repeat(50_000)), 'table')).toHaveLength(50_000);
  });

  it('one table with many rows', SLOW, () => {
    expect(all(survives(`|a|b|\n|-|-|\n${'|x|y|\n'.repeat(50_000)}`), 'tableRow')).toHaveLength(50_001);
  });

  const longLines: Array<[string, string]> = [
    ['200,000 words', 'word '.repeat(200_000)],
    ['200,000 asterisks', `a${'*'.repeat(200_000)}`],
    ['100,000 intraword underscores', '_a'.repeat(100_000)],
    ['50,000 mixed delimiters', '*_'.repeat(50_000)],
    ['200,000 backslashes', '\\'.repeat(200_000)],
    ['50,000 entity-like runs', '&amp'.repeat(50_000)],
    ['100,000 angle brackets', '<'.repeat(100_000)],
    ['100,000 tildes', `a${'~'.repeat(100_000)}`],
    ['a heading of 100,000 #', `# ${'#'.repeat(100_000)}`],
    ['100,000 tabs', `${'\t'.repeat(100_000)}x`],
    ['100,000 NUL characters', '\0'.repeat(100_000)],
    // Each was quadratic in the table delimiter-row regex (20k spaces: 0.6 s; 200k: a minute).
    ['a delimiter-row candidate: "-" and 200,000 spaces', `a\n-${' '.repeat(200_000)}x`],
    ['a delimiter-row candidate: "|-" and 200,000 spaces', `a|b\n|-${' '.repeat(200_000)}x|`],
  ];
  for (const [name, text] of longLines) it(`a long line: ${name}`, SLOW, () => void survives(text));

  const manyLines: Array<[string, string]> = [
    ['50,000 list items', '- a\n'.repeat(50_000)],
    ['60,000 lists of one item', '- a\n* b\n+ c\n'.repeat(20_000)],
    ['50,000 quoted lines', '> a\n'.repeat(50_000)],
    ['50,000 lazy continuation lines', `> a\n${'b\n'.repeat(50_000)}`],
    ['20,000 code fences', '```\n'.repeat(20_000)],
    ['20,000 maths fences', '$$\n'.repeat(20_000)],
    ['20,000 HTML blocks', '<div>\n'.repeat(20_000)],
    ['100,000 CR line endings', 'a\r'.repeat(100_000)],
    ['unclosed front matter over 50,000 lines', `---\n${'x\n'.repeat(50_000)}`],
  ];
  for (const [name, text] of manyLines) it(`many lines: ${name}`, SLOW, () => void survives(text));
});

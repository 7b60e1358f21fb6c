import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Host } from '@export-ia/core';
import { assignHeadingIds } from '@export-ia/core/plugin';
import type { Heading, Root } from 'mdast';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintMarkdown } from '../src/markdownlint-run.js';
import { lintPartial } from '../src/markdownlint-sections.js';
import { headingIds } from '../src/sections.js';
import { analyze, fixtures, type Outcome, repo, structureHost, tempMarkdown, where } from './helpers.js';

let host: Host;
let lintHost: Host;
beforeAll(async () => {
  host = await structureHost();
  lintHost = await structureHost({ markdownlint: true });
});
afterAll(async () => {
  await host?.close();
  await lintHost?.close();
});

/** The same file analysed whole and in sections of `sectionBytes`. */
async function both(h: Host, file: string, sectionBytes: number): Promise<{ whole: Outcome; parts: Outcome }> {
  const whole = await analyze(h, file);
  const parts = await analyze(h, file, { settings: [{ limits: { sectionBytes } }] });
  expect(whole.sections).toBe(1);
  expect(whole.failed).toEqual([]);
  expect(parts.failed).toEqual([]);
  return { whole, parts };
}

/** Findings and both checkers' metrics are the same, to the last field. */
function expectSame({ whole, parts }: { whole: Outcome; parts: Outcome }): void {
  expect(parts.findings.filter((f) => f.rule === 'quality/not-merged')).toEqual([]);
  expect(parts.findings).toEqual(whole.findings);
  expect(parts.metrics.validation).toEqual(whole.metrics.validation);
  expect(parts.metrics.accessibility).toEqual(whole.metrics.accessibility);
}

describe('a document analysed in sections gives the whole analysis', () => {
  it('report.md in about 9 and about 24 parts', async () => {
    const file = join(repo, 'examples/documents/report.md');
    for (const bytes of [4_000, 1_000]) {
      const r = await both(host, file, bytes);
      expect(r.parts.sections).toBeGreaterThanOrEqual(bytes === 4_000 ? 5 : 20);
      expect(r.whole.findings.length).toBeGreaterThan(0);
      expectSame(r);
    }
  });

  it('articulo.md (Spanish, front matter language) in 5 parts', async () => {
    const r = await both(host, join(repo, 'examples/documents/articulo.md'), 800);
    expect(r.parts.sections).toBeGreaterThanOrEqual(5);
    expectSame(r);
  });

  it('report.md with markdownlint on, and a copy with markdownlint defects inside parts and at the very end', async () => {
    const report = join(repo, 'examples/documents/report.md');
    const r = await both(lintHost, report, 2_000);
    expect(r.parts.sections).toBeGreaterThanOrEqual(5);
    expectSame(r);
    // Every defect inside a part: markdownlint's per-part findings move to the document's lines.
    const messy = readFileSync(report, 'utf8')
      .replace('## Purpose and scope', '##  Purpose and scope')
      .replace('## Limitations', '## Limitations:')
      .replace('# Conclusion', '#  Conclusion\n\n\n')
      .replace(/\n*$/, '');
    const m = await both(lintHost, tempMarkdown(messy), 2_000);
    expect(where(m.whole.findings.filter((f) => f.rule.includes('markdownlint')))).toEqual([
      'structure/markdownlint/MD019@30',
      'structure/markdownlint/MD026@109',
      'structure/markdownlint/MD019@404',
      'structure/markdownlint/MD012@406',
      'structure/markdownlint/MD012@407',
      'structure/markdownlint/MD012@408',
      'structure/markdownlint/MD047@472',
    ]);
    expectSame(m);
  });

  it('markdownlint: report.md twice over (front matter, its ten footnotes defined again in a later part)', async () => {
    const report = readFileSync(join(repo, 'examples/documents/report.md'), 'utf8');
    const body = report.slice(report.indexOf('\n# ') + 1);
    const r = await both(lintHost, tempMarkdown(`${report}\n${body}`), 8_000);
    expect(r.parts.sections).toBeGreaterThanOrEqual(5);
    const duplicates = r.whole.findings.filter((f) => f.rule === 'structure/markdownlint/MD053' && f.message.includes('Duplicate'));
    expect(duplicates).toHaveLength(10);
    expectSame(r);
  });

  it('markdownlint: a "consistent" style is each part’s first (the documented approximation)', async () => {
    // One closed ATX heading in an ATX document: the whole analysis flags it; its part, which
    // starts with it, takes it as the style and flags the part's other headings instead.
    const text = readFileSync(join(repo, 'examples/documents/report.md'), 'utf8').replace('## Limitations', '## Limitations ##');
    const r = await both(lintHost, tempMarkdown(text), 2_000);
    const md003 = (o: Outcome) => where(o.findings.filter((f) => f.rule.includes('MD003')));
    expect(md003(r.whole)).toEqual(['structure/markdownlint/MD003@109']);
    const flagged = r.parts.findings.filter((f) => f.rule.includes('MD003'));
    expect(flagged.length).toBeGreaterThan(0);
    expect(md003(r.parts)).not.toContain('structure/markdownlint/MD003@109');
    expect(flagged.every((f) => f.message.includes('Expected: atx_closed; Actual: atx'))).toBe(true);
    const others = (o: Outcome) => o.findings.filter((f) => !f.rule.includes('MD003'));
    expect(others(r.parts)).toEqual(others(r.whole));
  });
});

describe('rules that need the whole document, over parts', () => {
  // sections.md cut at 250 bytes, 8 parts: part 1 ends at "## Notes" (line 15) and part 2
  // starts with "#### Deep detail"; part 2 ends with an empty heading (line 25); "## Results" is
  // in parts 1 and 4; "## Notes" (line 39) and its duplicate (line 45) are in parts 4 and 5;
  // part 5 ends with "> ## Quoted heading", whose content opens part 6 (a long part is cut before
  // a plain paragraph); the footnote, anchor and definition the first part links to are in parts
  // 6 and 7, which also defines again [later] (part 1) and [^late] (part 3).
  const file = join(fixtures, 'sections.md');

  it('finds the cross-part defects, and only them, as the whole analysis does', async () => {
    const r = await both(host, file, 250);
    expect(r.parts.sections).toBe(8);
    expect(where(r.parts.findings)).toEqual([
      'accessibility/document-language@1',
      'structure/broken-anchor@5',
      'structure/broken-anchor@6',
      'accessibility/heading-order@20',
      'structure/heading-skip@20',
      'structure/empty-section@25',
      'structure/multiple-h1@27',
      'structure/duplicate-heading@45',
      'structure/multiple-h1@79',
    ]);
    const broken = r.parts.findings.filter((f) => f.rule === 'structure/broken-anchor');
    // Ids from every part, numbered over the whole document: #results-1 exists, #results-2 does not.
    expect(broken.map((f) => f.suggestion)).toEqual(['Did you mean #chapter-two?', 'Did you mean #results-1?']);
    expect(r.parts.findings.find((f) => f.rule === 'structure/duplicate-heading')?.message).toContain('also on line 39');
    expect(r.parts.findings.filter((f) => f.rule === 'structure/multiple-h1').map((f) => f.data)).toEqual([{ first: 1 }, { first: 1 }]);
    expectSame(r);
  });

  it('keeps the document-wide counts at every section size', async () => {
    for (const bytes of [200, 300, 400, 600]) expectSame(await both(host, file, bytes));
  });

  it('markdownlint: definitions used or defined in other parts, and the final newline of the last line', async () => {
    const r = await both(lintHost, file, 250);
    // [later] and [^late] are used in the first part and defined again in the last (their part
    // cannot see the first definitions); [unused] is used nowhere.
    const md053 = r.parts.findings.filter((f) => f.rule.includes('markdownlint'));
    expect(where(md053)).toEqual(['structure/markdownlint/MD053@84', 'structure/markdownlint/MD053@86', 'structure/markdownlint/MD053@87']);
    expect(md053.map((f) => /\((\w+) .*"(.*)"\)$/.exec(f.message)?.slice(1))).toEqual([
      ['Duplicate', '^late'],
      ['Duplicate', 'later'],
      ['Unused', 'unused'],
    ]);
    expectSame(r);

    const text = readFileSync(file, 'utf8');
    const open = await both(lintHost, tempMarkdown(text.trimEnd()), 250);
    const md047 = open.parts.findings.filter((f) => f.rule === 'structure/markdownlint/MD047');
    expect(where(md047)).toEqual(['structure/markdownlint/MD047@87']);
    expect(md047[0]?.fix).toEqual({ start: text.trimEnd().length, end: text.trimEnd().length, text: '\n' });
    expectSame(open);

    const crlf = text.trimEnd().replace(/\n/g, '\r\n');
    const windows = await both(lintHost, tempMarkdown(crlf), 250);
    expect(windows.parts.findings.find((f) => f.rule === 'structure/markdownlint/MD047')?.fix?.text).toBe('\r\n');
    expectSame(windows);
  });

  it('markdownlint: one over-long line skips the whole document, once', async () => {
    const text = readFileSync(file, 'utf8').replace('## Anchors\n', `## Anchors\n\nLong ${'a '.repeat(10_010)}end.\n`);
    const r = await both(lintHost, tempMarkdown(text), 250);
    expect(r.parts.findings.filter((f) => f.rule.startsWith('structure/markdownlint'))).toEqual([
      expect.objectContaining({ rule: 'structure/markdownlint-skipped', severity: 'info' }),
    ]);
    expectSame(r);
  });
});

describe('markdownlint partials', () => {
  // 200 definitions in the first part, all used in the second; the second defines [late] (used
  // in the first) and [d3] again.
  const defined = Array.from({ length: 200 }, (_, i) => `[d${i}]: https://example.com/${i}`);
  const first = `# Links\n\nSee [late].\n\n${defined.join('\n')}\n\n`;
  // [late] on the line where the first part's copy of it would land, were copies taken for its own.
  const second = `# More\n\n[late]: https://example.com/late\n[d3]: https://example.com/again\n\nAlso ${defined.map((_, i) => `[d${i}]`).join(' ')}.\n`;
  // What the host gives a part: its own text, then a copy of each definition it refers to.
  const partText = (own: string, copies: readonly string[]) => `${own}\n\n${copies.join('\n\n')}\n`;
  const lines = (own: string) => own.split('\n').length - 1;
  const firstLines = lines(first);

  it('a part keeps only its own definitions, not the copies after its text', () => {
    const parts = [
      { own: first, copies: ['[late]: https://example.com/late'], line: 1, offset: 0 },
      { own: second, copies: defined, line: firstLines + 1, offset: first.length },
    ];
    const [one, two] = parts.map(({ own, copies, line, offset }, index) => {
      const outcome = lintMarkdown({ text: partText(own, copies), config: {}, references: true });
      // markdownlint saw the copies too
      expect(outcome.references?.definitions).toHaveLength((index === 0 ? 200 : 2) + copies.length);
      return lintPartial(outcome, false, { index, count: 2, line, offset, length: own.length, lines: lines(own) });
    });
    expect(one?.definitions).toEqual(defined.map((_, i) => [`d${i}`, 5 + i]));
    expect(two?.definitions).toEqual([
      ['late', firstLines + 3],
      ['d3', firstLines + 4],
    ]);
    expect(two?.used).toHaveLength(200);
  });

  it('the merge of those parts gives the whole analysis', async () => {
    const r = await both(lintHost, tempMarkdown(`${first}${second}`), 1_000);
    expect(r.parts.sections).toBe(2);
    // Every definition is used somewhere; [d3] is defined again in part two.
    expect(where(r.parts.findings.filter((f) => f.rule === 'structure/markdownlint/MD053'))).toEqual([`structure/markdownlint/MD053@${firstLines + 4}`]);
    expectSame(r);
  });
});

describe('heading ids over the whole document', () => {
  it('numbers repeated slugs as the core does, collisions with literal "-1" headings included', () => {
    const texts = ['Results', 'Results-1', 'Results', 'Results', 'Notes', '', 'Results-1', '¿Qué?', 'Que', 'results'];
    const root: Root = { type: 'root', children: texts.map((t): Heading => ({ type: 'heading', depth: 2, children: t ? [{ type: 'text', value: t }] : [] })) };
    assignHeadingIds(root);
    const core = root.children.map((h) => (h.data as { id?: string } | undefined)?.id);
    const slugs = ['results', 'results-1', 'results', 'results', 'notes', 'section', 'results-1', 'qué', 'que', 'results'];
    expect(headingIds(slugs)).toEqual(core);
  });
});

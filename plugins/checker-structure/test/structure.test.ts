import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createHost, type Host } from '@export-ia/core';
import { applyFixes } from '@export-ia/core/plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze, fixtures, plugins, repo, structureHost, tempMarkdown, where } from './helpers.js';

let host: Host;
beforeAll(async () => {
  host = await structureHost();
});
afterAll(async () => {
  await host?.close();
});

describe('structure and accessibility on a document with one of every defect', () => {
  it('finds every planted defect at its line', async () => {
    const r = await analyze(host, join(fixtures, 'defects.md'));
    expect(r.failed).toEqual([]);
    const found = where(r.findings);
    const planted = [
      'accessibility/document-language@1', // no front matter, no --lang
      'accessibility/image-alt@3', // ![](photo.png)
      'accessibility/image-alt@3', // ![IMG_1234.jpg](photo.png)
      'structure/heading-skip@7', // H2 → H4
      'accessibility/heading-order@7',
      'structure/empty-section@11', // "## Empty part" then "## Results"
      'structure/broken-anchor@15', // (#overveiw)
      'accessibility/link-text@15', // "click here"
      'structure/duplicate-heading@17', // second "## Results"
      'structure/long-sentence@19', // 46 words
      'structure/missing-image@21',
      'structure/missing-link-target@23', // appendix.md
      'structure/multiple-h1@25', // "# Second title"
      'accessibility/table-header@27', // empty header cells
    ];
    for (const p of planted) expect(found).toContain(p);
    // Nothing else: no false positives on the rest of the fixture.
    expect([...found].sort()).toEqual([...planted].sort());
    const alts = r.findings.filter((f) => f.rule === 'accessibility/image-alt');
    expect(alts.map((f) => f.position?.column)).toEqual([20, 56]);
    expect(alts[1]?.message).toContain('IMG_1234.jpg');
    expect(r.findings.find((f) => f.rule === 'structure/long-sentence')?.data).toMatchObject({ words: 46, max: 40 });
    expect(r.findings.find((f) => f.rule === 'structure/duplicate-heading')?.message).toContain('line 13');
  });

  it('reports validation and accessibility metrics that match the findings', async () => {
    const r = await analyze(host, join(fixtures, 'defects.md'));
    const count = (prefix: string, severity: string) => r.findings.filter((f) => f.rule.startsWith(prefix) && f.severity === severity).length;
    expect(r.metrics.validation).toEqual({
      errors: count('structure/', 'error'),
      warnings: count('structure/', 'warning'),
      suggestions: count('structure/', 'suggestion'),
    });
    expect(r.metrics.validation).toMatchObject({ errors: 3 }); // broken anchor, missing image, missing file
    expect(r.metrics.accessibility).toEqual({ critical: 0, serious: 5, moderate: 1, minor: 0 });
  });

  it('finds nothing in a clean document', async () => {
    const r = await analyze(host, join(fixtures, 'clean.md'));
    expect(r.findings).toEqual([]);
    expect(r.metrics.validation).toEqual({ errors: 0, warnings: 0, suggestions: 0 });
    expect(r.metrics.accessibility).toEqual({ critical: 0, serious: 0, moderate: 0, minor: 0 });
  });

  it('finds no errors in the sample report', async () => {
    const r = await analyze(host, join(repo, 'examples/documents/report.md'));
    expect(r.failed).toEqual([]);
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.metrics.validation).toMatchObject({ errors: 0 });
    // Its only structural warning: one fenced code block without a language (markdownlint MD040).
    expect(where(r.findings.filter((f) => f.severity === 'warning'))).toEqual(['structure/code-language@434']);
    for (const name of ['articulo.md', 'letter.md']) {
      const other = await analyze(host, join(repo, 'examples/documents', name));
      expect(other.findings.filter((f) => f.severity === 'error')).toEqual([]);
    }
  });
});

describe('structure rules', () => {
  it('wants a title: front matter or a level-1 heading', async () => {
    const none = await analyze(host, tempMarkdown('## Only a section\n\nText.\n'));
    expect(where(none.findings)).toContain('structure/missing-title@1');
    const front = await analyze(host, tempMarkdown('---\ntitle: Notes\n---\n\n## Only a section\n\nText.\n'));
    expect(where(front.findings)).not.toContain('structure/missing-title@1');
  });

  it('lets level-1 headings be chapters when the front matter has the title', async () => {
    const r = await analyze(host, tempMarkdown('---\ntitle: Book\nlang: en\n---\n\n# One\n\nText.\n\n# Two\n\nText.\n\n### Skipped\n\nText.\n'));
    expect(where(r.findings).sort()).toEqual(['accessibility/heading-order@14', 'structure/heading-skip@14']);
  });

  it('counts a final heading with nothing after it as empty, and a heading with subsections as not', async () => {
    const r = await analyze(host, tempMarkdown('# T\n\n## A\n\n### A1\n\nText.\n\n## B\n\n<!-- to do -->\n'));
    expect(where(r.findings.filter((f) => f.rule.startsWith('structure/')))).toEqual(['structure/empty-section@9']);
  });

  it('allows the same heading under different parents', async () => {
    const r = await analyze(host, tempMarkdown('# T\n\n## A\n\n### Notes\n\nx.\n\n## B\n\n### Notes\n\ny.\n\n### notes\n\nz.\n'));
    expect(where(r.findings.filter((f) => f.rule === 'structure/duplicate-heading'))).toEqual(['structure/duplicate-heading@15']);
  });

  it('resolves anchors to headings, footnotes, HTML ids and reference definitions, and suggests the closest id', async () => {
    const text = [
      '# Guide',
      '',
      'See [setup](#getting-started), [note](#fn-1), [mark](#here), [top](#top), [ref][r] and [bad][b].[^1]',
      '',
      '<a id="here"></a>',
      '',
      '## Getting started',
      '',
      'Text with [a typo](#getting-startd).',
      '',
      '[r]: #guide',
      '[b]: #nowhere',
      '',
      '[^1]: A note.',
      '',
    ].join('\n');
    const r = await analyze(host, tempMarkdown(text));
    const broken = r.findings.filter((f) => f.rule === 'structure/broken-anchor');
    expect(where(broken)).toEqual(['structure/broken-anchor@3', 'structure/broken-anchor@9']);
    expect(broken[0]?.data).toMatchObject({ target: 'nowhere' });
    expect(broken[1]?.suggestion).toBe('Did you mean #getting-started?');
  });

  it('checks local images and linked files relative to the document, never outside its folder', async () => {
    const text =
      '# T\n\n![A chart](chart.png) ![A map](map.png) [notes](notes.md) [gone](gone.pdf#page=2) [web](https://example.org/x.pdf) [far](../../../../etc/nothing-here)\n';
    const r = await analyze(host, tempMarkdown(text, { 'chart.png': 'x', 'notes.md': '# Notes' }));
    expect(where(r.findings.filter((f) => f.rule.startsWith('structure/')))).toEqual(['structure/missing-image@3', 'structure/missing-link-target@3']);
    expect(r.findings.find((f) => f.rule === 'structure/missing-image')?.excerpt).toBe('map.png');
    expect(r.findings.find((f) => f.rule === 'structure/missing-link-target')?.excerpt).toBe('gone.pdf#page=2');
  });

  it('flags links without text or destination', async () => {
    const r = await analyze(
      host,
      tempMarkdown('# T\n\nA [](https://example.org) and [text]() and [![Logo of the firm](logo.png)](https://example.org).\n', { 'logo.png': 'x' }),
    );
    expect(r.findings.filter((f) => f.rule === 'structure/empty-link').map((f) => f.message)).toEqual([
      'A link has no text',
      'The link "text" has no destination',
    ]);
  });

  it('flags long paragraphs and counts words the same way in every paragraph', async () => {
    const long = Array.from({ length: 16 }, (_, i) => `Sentence number ${i} has exactly ten short words in it.`).join(' ');
    const r = await analyze(host, tempMarkdown(`# T\n\n${long}\n\n> ${long}\n`));
    const found = r.findings.filter((f) => f.rule === 'structure/long-paragraph');
    // The quoted copy is someone else's text: not flagged.
    expect(found).toHaveLength(1);
    expect(found[0]?.data).toEqual({ words: 160, max: 150 });
    expect(found[0]?.position).toMatchObject({ line: 3, column: 1 });
  });
});

describe('HTML input', () => {
  it('resolves anchors to any id in the source, and flags a table without header cells; no markdownlint', async () => {
    const h = await createHost({ plugins: [join(repo, 'plugins/importer-html'), ...plugins], cwd: repo });
    try {
      const path = tempMarkdown('');
      const file = join(dirname(path), 'page.html');
      writeFileSync(
        file,
        '<!doctype html><html lang="en"><head><title>Page</title></head><body>\n<h1>Page</h1>\n<p id="intro">See <a href="#intro">the intro</a>, <a href="#details">the details</a> and <a href="#gone">a lost part</a>.</p>\n<h2 id="details">Details</h2>\n<table><tr><td>a</td><td>b</td></tr></table>\n</body></html>\n',
      );
      const r = await analyze(h, file);
      // <html lang="en"> declares the language; the importer adds an empty header row to a table without <th>.
      expect(where(r.findings)).toEqual(['structure/broken-anchor@3', 'accessibility/table-header@5']);
    } finally {
      await h.close();
    }
  });
});

describe('broken anchors at scale', () => {
  it('reports every broken anchor among 3,000 headings, with a "did you mean" for the first targets only', async () => {
    const headings = Array.from({ length: 3_000 }, (_, i) => `## Section ${i}\n\nText ${i}.\n`).join('\n');
    const links = Array.from({ length: 400 }, (_, i) => `[s${i}](#sectoin-${i})`).join(' ');
    const r = await analyze(host, tempMarkdown(`# Big\n\n${links}\n\n${headings}`), { ids: ['structure'] });
    const broken = r.findings.filter((f) => f.rule === 'structure/broken-anchor');
    expect(broken).toHaveLength(400);
    const suggested = broken.filter((f) => f.suggestion?.startsWith('Did you mean'));
    // 200,000 comparisons / 3,001 candidates = 66 targets get one.
    expect(suggested).toHaveLength(66);
    expect(suggested[0]?.suggestion).toBe('Did you mean #section-0?');
  });
});

describe('code-language', () => {
  it('flags fences without a language, not indented blocks or fences that name one', async () => {
    const text = '# Code\n\n```\nplain\n```\n\n~~~~\ntilde\n~~~~\n\n    indented\n\n```js\nok()\n```\n\n> ```\n> quoted\n> ```\n';
    const r = await analyze(host, tempMarkdown(text), { ids: ['structure'] });
    expect(where(r.findings)).toEqual(['structure/code-language@3', 'structure/code-language@7', 'structure/code-language@17']);
    expect(r.findings[0]?.position).toMatchObject({ line: 3, column: 1, endLine: 5 });
    expect(r.findings[1]?.suggestion).toContain('~~~~');
  });
});

describe('markdownlint (opt-in)', () => {
  let lintHost: Host;
  beforeAll(async () => {
    lintHost = await structureHost({ markdownlint: true });
  });
  afterAll(async () => {
    await lintHost?.close();
  });

  it('is off by default', async () => {
    const r = await analyze(host, tempMarkdown('#  Spaced\n\n\n\nText.'), { ids: ['structure'] });
    expect(r.findings.filter((f) => f.rule.includes('markdownlint'))).toEqual([]);
  });

  it('maps markdownlint results to findings with line, column and safe fixes only', async () => {
    const text = '---\ntitle: Lint\nlang: en\n---\n\n#  Lint\n\n\n\nText.\n\n```\ncode\n```\n\nEnd.';
    const path = tempMarkdown(text);
    const r = await analyze(lintHost, path, { ids: ['structure'] });
    const lint = r.findings.filter((f) => f.rule.startsWith('structure/markdownlint/'));
    // MD040 is ours (structure/code-language), so markdownlint's is off.
    expect(where(lint)).toEqual([
      'structure/markdownlint/MD019@6',
      'structure/markdownlint/MD012@8',
      'structure/markdownlint/MD012@9',
      'structure/markdownlint/MD047@16',
    ]);
    expect(where(r.findings.filter((f) => f.rule === 'structure/code-language'))).toEqual(['structure/code-language@12']);
    expect(lint.every((f) => f.severity === 'warning')).toBe(true);
    expect(lint[0]?.position).toMatchObject({ line: 6, column: 3, offset: text.indexOf('#  Lint') + 2 });
    const fixed = applyFixes(
      text,
      lint.flatMap((f) => (f.fix ? [f.fix] : [])),
    );
    expect(fixed.text).toBe('---\ntitle: Lint\nlang: en\n---\n\n# Lint\n\nText.\n\n```\ncode\n```\n\nEnd.\n');
  });

  it('does not run markdownlint on a source with a line over 20,000 characters, and says so', async () => {
    const long = `# Long\n\nText ${'a '.repeat(10_010)}end.\n\n#  Spaced\n`;
    const r = await analyze(lintHost, tempMarkdown(long), { ids: ['structure'] });
    expect(r.findings.filter((f) => f.rule.startsWith('structure/markdownlint'))).toEqual([
      expect.objectContaining({ rule: 'structure/markdownlint-skipped', severity: 'info' }),
    ]);
    // Just under the limit it runs (and finds the doubled space after the second heading's #).
    const short = long.replace('a '.repeat(10_010), 'a '.repeat(9_990));
    const s = await analyze(lintHost, tempMarkdown(short), { ids: ['structure'] });
    expect(where(s.findings.filter((f) => f.rule.startsWith('structure/markdownlint')))).toEqual(['structure/markdownlint/MD019@5']);
  });

  it('takes markdownlint options over the defaults, or can be turned off', async () => {
    const text = `# T\n\n${'word '.repeat(30).trim()}\n`;
    const custom = await structureHost({ markdownlint: { MD013: { line_length: 80 } }, rules: { markdownlint: 'suggestion' } });
    const off = await structureHost({ markdownlint: false });
    try {
      const a = await analyze(custom, tempMarkdown(text), { ids: ['structure'] });
      expect(a.findings.map((f) => [f.rule, f.severity])).toEqual([['structure/markdownlint/MD013', 'suggestion']]);
      const b = await analyze(off, tempMarkdown('#  T\n\nText.\n'), { ids: ['structure'] });
      expect(b.findings).toEqual([]);
    } finally {
      await custom.close();
      await off.close();
    }
  });
});

/**
 * The `output` checker through the real host: documents with planted defects are rendered by the
 * HTML and PDF exporters with a theme, and what axe-core, pdf.js and the contrast check find in
 * the outputs is mapped back to the source lines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Host } from '@export-ia/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze, examples, type Outcome, outputHost, tempDir, tinyPng, where } from './helpers.js';

let host: Host;
beforeAll(async () => {
  host = await outputHost();
});
afterAll(async () => {
  await host?.close();
});

const PLANTED = [
  '---', // 1
  'title: Planted defects',
  'lang: en',
  '---',
  '',
  '# Planted defects', // 6
  '',
  'Intro paragraph with an [](https://example.org/empty) empty link.', // 8
  '',
  '### Skipped a level', // 10
  '',
  'A linked image with no alt: [![](pic.png)](https://example.org/pic).', // 12
  '',
  '<img src="pic.png">', // 14
  '',
  '| | Value |', // 16
  '| --- | --- |',
  '| Nordic | 12 |',
  '',
  '## Fine heading',
  '',
  'Text.',
  '',
].join('\n');

const CLEAN =
  '---\ntitle: Clean notes\nlang: en\n---\n\n# Clean notes\n\nA short paragraph with a [descriptive link](https://example.org/notes).\n\n## Details\n\n| Region | Share |\n| --- | --- |\n| Nordic | 12 |\n';

const plantedFile = () => join(tempDir({ 'doc.md': PLANTED, 'pic.png': tinyPng() }), 'doc.md');
const cleanFile = () => join(tempDir({ 'doc.md': CLEAN }), 'doc.md');

describe('HTML output, axe-core in jsdom', () => {
  it('finds planted defects (empty link, skipped heading level, image without alt, empty table header) at their source lines', async () => {
    const { findings, metrics, failed } = await analyze(host, plantedFile());
    expect(failed).toEqual([]);
    const axe = findings.filter((f) => f.rule.startsWith('output/axe/'));
    expect(where(axe)).toEqual([
      'output/axe/link-name@8',
      'output/axe/heading-order@10',
      'output/axe/link-name@12',
      'output/axe/image-alt@14',
      'output/axe/empty-table-header@16',
    ]);
    const byRule = (rule: string) => axe.find((f) => f.rule === rule);
    // The empty link starts at column 25 of line 8; an image inside a link has no name either.
    expect(axe[0]?.position).toMatchObject({ line: 8, column: 25, endLine: 8 });
    expect(axe[2]?.excerpt).toContain('<img src="data:…" alt=""');
    // critical/serious → error, moderate → warning, minor → suggestion.
    expect(byRule('output/axe/image-alt')).toMatchObject({ severity: 'error', data: { impact: 'critical', helpUrl: expect.stringContaining('image-alt') } });
    expect(byRule('output/axe/link-name')).toMatchObject({ severity: 'error', data: { impact: 'serious' } });
    expect(byRule('output/axe/heading-order')).toMatchObject({ severity: 'warning', data: { impact: 'moderate' } });
    expect(byRule('output/axe/empty-table-header')).toMatchObject({ severity: 'suggestion', data: { impact: 'minor' } });
    expect(byRule('output/axe/image-alt')?.message).toMatch(/^Images must have alternative text: .*alt attribute/);
    expect(metrics.axe).toEqual({ critical: 1, serious: 2, moderate: 1, minor: 1, rules: 4 });
  });

  it('finds nothing in a clean document, and keeps documents apart when they run at the same time', async () => {
    const [planted, clean] = await Promise.all([analyze(host, plantedFile()), analyze(host, cleanFile())]);
    expect(planted.findings.filter((f) => f.rule.startsWith('output/axe/')).length).toBe(5);
    expect(clean.findings.filter((f) => f.rule.startsWith('output/axe/'))).toEqual([]);
    expect(clean.metrics.axe).toEqual({ critical: 0, serious: 0, moderate: 0, minor: 0, rules: 0 });
  });

  it('finds no violation in the 5.9k-word report (report theme, tagged PDF with title and language)', async () => {
    const { findings, metrics, failed } = await analyze(host, join(examples, 'report.md'), { settings: [{ theme: 'report' }] });
    expect(failed).toEqual([]);
    expect(findings.filter((f) => f.rule.startsWith('output/axe/') || f.rule === 'output/theme-contrast')).toEqual([]);
    expect(metrics.axe).toMatchObject({ critical: 0, serious: 0, moderate: 0, minor: 0 });
    expect(metrics.pdf).toEqual({
      tagged: true,
      title: 'State of Regional Renewable Energy Storage 2026',
      displayDocTitle: false,
      lang: 'en',
      pages: expect.any(Number),
    });
    expect((metrics.pdf as { pages: number }).pages).toBeGreaterThan(5);
  });
});

describe('PDF output', () => {
  it('passes a normal document: tagged, titled, with a language; notes that viewers are not asked to show the title', async () => {
    const { findings, metrics } = await analyze(host, cleanFile());
    expect(metrics.pdf).toEqual({ tagged: true, title: 'Clean notes', displayDocTitle: false, lang: 'en', pages: 1 });
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([['output/pdf-title-not-displayed', 'info']]);
  });

  it('with --pdf-standard ua-1 the title is displayed too, and nothing is reported', async () => {
    const { findings, metrics } = await analyze(host, cleanFile(), { settings: [{ pdfStandard: 'ua-1' }] });
    expect(metrics.pdf).toMatchObject({ tagged: true, displayDocTitle: true });
    expect(findings).toEqual([]);
  });

  it('without front matter or --lang, the exporters still write a title (first heading, else file name) and a language (en)', async () => {
    const headed = await analyze(host, join(tempDir({ 'doc.md': '# Quarterly figures\n\nThe numbers went up.\n' }), 'doc.md'));
    expect(headed.metrics.pdf).toMatchObject({ title: 'Quarterly figures', lang: 'en', tagged: true });
    const bare = await analyze(host, join(tempDir({ 'notes.md': 'The numbers went up.\n' }), 'notes.md'));
    expect(bare.metrics.pdf).toMatchObject({ title: expect.stringContaining('notes.md'), lang: 'en' });
    for (const r of [headed, bare]) expect(r.findings.filter((f) => /pdf-no-(title|language)|pdf-untagged/.test(f.rule))).toEqual([]);
    // With no heading at all, axe sees a page without a level-one heading.
    expect(where(bare.findings.filter((f) => f.rule.startsWith('output/axe/')))).toEqual(['output/axe/page-has-heading-one@-']);
  });

  it('reports an output that cannot be rendered as a finding and still checks the other', async () => {
    const file = join(tempDir({ 'doc.md': '---\ntitle: T\nlang: en\n---\n\n# T\n\n![](pic.png)\n', 'pic.png': tinyPng() }), 'doc.md');
    const { findings, metrics, failed } = await analyze(host, file, { settings: [{ pdfStandard: 'ua-1' }] });
    expect(failed).toEqual([]);
    expect(findings.find((f) => f.rule === 'output/export-failed')).toMatchObject({ severity: 'error', data: { format: 'pdf', code: 'EIA_PDF_STANDARD' } });
    expect(metrics.pdf).toBeUndefined();
    expect(metrics.axe).toBeDefined();
  });
});

describe('language of the outputs', () => {
  it('flags outputs that declare English for Spanish text with no declared language', async () => {
    const langHost = await outputHost({ extra: ['checker-language'] });
    try {
      const spanish = readFileSync(join(examples, 'articulo.md'), 'utf8').replace(/^---[\s\S]*?---\n/, '');
      const file = join(tempDir({ 'doc.md': spanish }), 'doc.md');
      const undeclared = await analyze(langHost, file, { ids: ['language', 'output'] });
      const mismatch = undeclared.findings.find((f) => f.rule === 'output/language-mismatch');
      expect(mismatch).toMatchObject({ severity: 'error', data: { detected: 'es' } });
      expect(mismatch?.message).toContain('HTML (en) and PDF (en)');
      const declared = await analyze(langHost, file, { ids: ['language', 'output'], settings: [{ lang: 'es' }] });
      expect(declared.findings.filter((f) => f.rule === 'output/language-mismatch')).toEqual([]);
      expect(declared.metrics.pdf).toMatchObject({ lang: 'es' });
    } finally {
      await langHost.close();
    }
  });
});

describe('theme colour contrast', () => {
  const themeFile = (yaml: string) => {
    const dir = tempDir({ 'theme.yaml': yaml });
    return join(dir, 'theme.yaml');
  };

  it('flags light grey body text with its ratio and the theme keys to change', async () => {
    const theme = themeFile('id: pale\nextends: default\ncolors:\n  text: "#aaaaaa"\n');
    const { findings, metrics } = await analyze(host, cleanFile(), { settings: [{ theme }] });
    const body = findings.find((f) => f.rule === 'output/theme-contrast' && f.data?.pair === 'body text');
    expect(body).toMatchObject({ severity: 'error', data: { foreground: '#aaaaaa', background: '#ffffff', ratio: 2.32, required: 4.5 } });
    expect(body?.message).toContain('2.32:1');
    expect(body?.suggestion).toContain('colors.text');
    expect(metrics.contrast).toContainEqual(expect.objectContaining({ pair: 'body text', ratio: 2.32, ok: false }));
  });

  it('holds large headings to 3:1 and smaller ones to 4.5:1', async () => {
    // #8a8a8a on white is 3.45:1.
    const theme = themeFile('id: grey-headings\nextends: default\ncolors:\n  heading: "#8a8a8a"\n');
    const { findings } = await analyze(host, cleanFile(), { settings: [{ theme }] });
    const pairs = findings.filter((f) => f.rule === 'output/theme-contrast').map((f) => f.data?.pair);
    expect(pairs).toContain('headings, levels 3–5');
    expect(pairs.some((p) => String(p).includes('large text'))).toBe(false);
  });

  it('passes the built-in themes', async () => {
    for (const theme of ['default', 'report', 'academic']) {
      const { findings, metrics } = await analyze(host, cleanFile(), { settings: [{ theme }] });
      expect(
        findings.filter((f) => f.rule.endsWith('-contrast')),
        theme,
      ).toEqual([]);
      const contrast = metrics.contrast as Array<{ ok: boolean }>;
      expect(contrast.length, theme).toBeGreaterThan(15);
      expect(
        contrast.every((p) => p.ok),
        theme,
      ).toBe(true);
    }
  });

  it("checks the exporter's own colours (syntax highlighting) only where the document uses them, and sees theme CSS overrides", async () => {
    const theme = themeFile('id: faint-comments\nextends: default\ncss: ".hljs-comment { color: #bbbbbb; }"\n');
    const code = '---\ntitle: Code\nlang: en\n---\n\n# Code\n\n```js\n// a comment\nconst x = 1;\n```\n';
    const withCode = await analyze(host, join(tempDir({ 'doc.md': code }), 'doc.md'), { settings: [{ theme }] });
    const finding = withCode.findings.find((f) => f.rule === 'output/exporter-contrast');
    expect(finding).toMatchObject({ severity: 'warning', data: { pair: 'code highlighting .hljs-comment', foreground: '#bbbbbb' } });
    const withoutCode = await analyze(host, cleanFile(), { settings: [{ theme }] });
    expect(withoutCode.findings.filter((f) => f.rule === 'output/exporter-contrast')).toEqual([]);
  });
});

describe('configuration', () => {
  it('turns the HTML or PDF checks off, and single axe rules', async () => {
    const noPdf = await outputHost({ config: { pdf: false, axeRules: { 'heading-order': 'off' } } });
    const noHtml = await outputHost({ config: { html: false, contrast: false } });
    try {
      const a = await analyze(noPdf, plantedFile());
      expect(a.metrics.pdf).toBeUndefined();
      expect(a.findings.some((f) => f.rule === 'output/axe/heading-order')).toBe(false);
      expect(a.findings.some((f) => f.rule === 'output/axe/image-alt')).toBe(true);
      const b = await analyze(noHtml, plantedFile());
      expect(b.metrics.axe).toBeUndefined();
      expect(b.metrics.contrast).toBeUndefined();
      expect(b.metrics.pdf).toMatchObject({ tagged: true });
    } finally {
      await noPdf.close();
      await noHtml.close();
    }
  });

  it('refuses an axe rule id that does not exist', async () => {
    const typo = await outputHost({ config: { axeRules: { 'image-alt-text': 'off' } } });
    try {
      const { failed } = await analyze(typo, cleanFile());
      expect(failed).toEqual([expect.stringContaining('EIA_PLUGIN_CONFIG_INVALID')]);
      expect(failed[0]).toContain('image-alt-text');
    } finally {
      await typo.close();
    }
  });

  it('refuses configuration keys it does not know', async () => {
    await expect(outputHost({ config: { htlm: false } })).rejects.toMatchObject({ code: 'EIA_PLUGIN_CONFIG_INVALID' });
  });
});

describe('a huge document analysed in sections', () => {
  const sectioned = (sectionBytes: number, settings: Array<Record<string, unknown>> = []) => [...settings, { limits: { sectionBytes } }];
  // axe's `target` and html-validate's `selector` name the element in the page it rendered: a part's page, in parts.
  const seen = (findings: Outcome['findings']) =>
    findings.map((f) => ({
      rule: f.rule,
      position: f.position,
      message: f.message,
      excerpt: f.excerpt,
      data: { ...f.data, target: undefined, selector: undefined },
    }));

  it('renders report.md in 9 parts and finds what the whole document gives; PDF pages add up', async () => {
    const settings = [{ theme: 'report' }];
    const whole = await analyze(host, join(examples, 'report.md'), { settings });
    const parted = await analyze(host, join(examples, 'report.md'), { settings: sectioned(4000, settings) });
    expect(parted.failed).toEqual([]);
    expect(parted.sections).toBeGreaterThanOrEqual(5);
    expect(seen(parted.findings)).toEqual(seen(whole.findings));
    expect(parted.metrics.axe).toEqual(whole.metrics.axe);
    expect(parted.metrics.htmlValidate).toEqual(whole.metrics.htmlValidate);
    expect(parted.metrics.contrast).toEqual(whole.metrics.contrast);
    const pdf = (m: Outcome['metrics']) => m.pdf as { pages: number };
    expect({ ...pdf(parted.metrics), pages: 0 }).toEqual({ ...pdf(whole.metrics), pages: 0 });
    // Each part starts a page: more pages, never fewer (documented).
    expect(pdf(parted.metrics).pages).toBeGreaterThanOrEqual(pdf(whole.metrics).pages);
  }, 60_000);

  it('reports theme contrast and the PDF checks once, element findings at document lines, and an exporter colour used in a later part only', async () => {
    const theme = join(
      tempDir({ 'theme.yaml': 'id: pale-code\nextends: default\ncolors:\n  text: "#aaaaaa"\ncss: ".hljs-comment { color: #bbbbbb; }"\n' }),
      'theme.yaml',
    );
    const filler = 'Plain words to make each section long enough to be a part of its own. '.repeat(3);
    const text = [
      PLANTED.trimEnd(),
      `## Second\n\n${filler}\n\nAnother [](https://example.org/empty) empty link.`,
      `## Third\n\n${filler}`,
      `## Fourth\n\n${filler}\n\n\`\`\`js\n// a comment\nconst x = 1;\n\`\`\``,
      '',
    ].join('\n\n');
    const file = join(tempDir({ 'doc.md': text, 'pic.png': tinyPng() }), 'doc.md');
    const whole = await analyze(host, file, { settings: [{ theme }] });
    const parted = await analyze(host, file, { settings: sectioned(200, [{ theme }]) });
    expect(parted.failed).toEqual([]);
    expect(parted.sections).toBeGreaterThanOrEqual(4);
    expect(seen(parted.findings)).toEqual(seen(whole.findings));
    expect(parted.metrics.axe).toEqual(whole.metrics.axe);
    expect(parted.metrics.contrast).toEqual(whole.metrics.contrast);
    const rules = parted.findings.map((f) => f.rule);
    expect(rules.filter((r) => r === 'output/exporter-contrast')).toHaveLength(1);
    expect(rules.filter((r) => r === 'output/pdf-title-not-displayed')).toHaveLength(1);
    expect(parted.findings.find((f) => f.rule === 'output/theme-contrast' && f.data?.pair === 'body text')).toBeDefined();
    expect(where(parted.findings.filter((f) => f.rule === 'output/axe/link-name'))).toEqual([
      'output/axe/link-name@8',
      'output/axe/link-name@12',
      'output/axe/link-name@28',
    ]);
  }, 60_000);

  it("judges heading order across parts as in the whole document: a part's first heading follows the previous part's last one, not the title", async () => {
    const filler = 'Filler words for the part to be long enough here. '.repeat(4);
    const body = (top: string) =>
      `${top}\n\n${filler}\n\n## B\n\n${filler}\n\n### C\n\n${filler}\n\n### D\n\n${filler}\n\n# E\n\n${filler}\n\n### F\n\n${filler}\n\n## G\n\nLast. ${filler}\n`;
    // With a title: the title's H1 precedes every part's first heading (### D would be flagged
    // alone on its page); without one, nothing precedes it (### F would not be).
    for (const text of [body('---\ntitle: T\nlang: en\n---\n\n# T'), body('# T')]) {
      const file = join(tempDir({ 'doc.md': text }), 'doc.md');
      const whole = await analyze(host, file);
      const parted = await analyze(host, file, { settings: sectioned(200) });
      expect(parted.sections).toBeGreaterThanOrEqual(6);
      expect(seen(parted.findings)).toEqual(seen(whole.findings));
      expect(parted.metrics.axe).toEqual(whole.metrics.axe);
      const lineOf = (heading: string) => text.split('\n').indexOf(heading) + 1;
      expect(where(parted.findings.filter((f) => f.rule === 'output/axe/heading-order'))).toEqual([`output/axe/heading-order@${lineOf('### F')}`]);
    }
  }, 60_000);
});

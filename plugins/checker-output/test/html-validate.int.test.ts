/**
 * html-validate (preset `html-validate:standard`) on the HTML the `output` checker renders,
 * through the real host: raw HTML defects planted in Markdown are found at their source lines,
 * the sample documents pass, and the configuration switches it and its rules.
 */
import { join } from 'node:path';
import type { Host } from '@export-ia/core';
import type { Finding } from '@export-ia/core/plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze, examples, outputHost, tempDir, where } from './helpers.js';

const RULES = 'output/html-validate/';
const validation = (findings: Finding[]) => findings.filter((f) => f.rule.startsWith(RULES));

let host: Host;
let noAxe: Host;
beforeAll(async () => {
  host = await outputHost({ config: { pdf: false } });
  // html-validate alone: the page is parsed only to find the elements it names.
  noAxe = await outputHost({ config: { pdf: false, html: false, contrast: false } });
});
afterAll(async () => {
  await host?.close();
  await noAxe?.close();
});

const PLANTED = [
  '---', // 1
  'title: Planted markup',
  'lang: en',
  '---',
  '',
  '# Planted markup', // 6
  '',
  'A paragraph written in Markdown.',
  '',
  '<div><span><div>Block inside a span.</div></span></div>', // 10: misnesting
  '',
  '<div id="totals">First.</div>', // 12
  '',
  'Another Markdown paragraph.',
  '',
  '<p id="totals">Second, same id.</p>', // 16: duplicate id
  '',
  '## Lists', // 18
  '',
  '<ul><p>A paragraph directly in a list.</p></ul>', // 20: not allowed in its context
  '',
  '- a tight item',
  '- <summary>A summary outside details.</summary>', // 23: not allowed in its context
  '',
  '> A quote with',
  '> <h3><p>a paragraph in a heading</p></h3>', // 26: not allowed in its context
  '',
  '<details>', // 28: required content missing
  '<p>No summary.</p>',
  '</details>',
  '',
].join('\n');

const plantedFile = () => join(tempDir({ 'doc.md': PLANTED }), 'doc.md');
const column = (line: number, snippet: string) => (PLANTED.split('\n')[line - 1] as string).indexOf(snippet) + 1;

describe('html-validate on the HTML output', () => {
  it('finds raw HTML misnesting, a duplicate id, elements out of context and missing content, at their source lines', async () => {
    const { findings, metrics, failed } = await analyze(host, plantedFile());
    expect(failed).toEqual([]);
    const found = validation(findings);
    expect(where(found)).toEqual([
      `${RULES}element-permitted-content@10`,
      `${RULES}no-dup-id@16`,
      `${RULES}element-permitted-content@20`,
      `${RULES}element-permitted-content@23`,
      `${RULES}element-permitted-content@26`,
      `${RULES}element-required-content@28`,
    ]);
    // The offending element's own start tag: the inner <div>, the second id, the <p> in the list…
    expect(found.map((f) => f.position?.column)).toEqual([column(10, '<div>Block'), 1, column(20, '<p>'), column(23, '<summary>'), column(26, '<p>'), 1]);
    const first = found[0] as Finding;
    expect(PLANTED.slice(first.position?.offset, first.position?.endOffset)).toBe('<div>');
    expect(found[1]).toMatchObject({
      severity: 'warning',
      message: 'Duplicate ID "totals"',
      excerpt: '<p id="totals">Second, same id.</p>',
      data: { ruleUrl: 'https://html-validate.org/rules/no-dup-id.html', selector: expect.stringContaining('p') },
    });
    expect(first.message).toBe('<div> element is not permitted as content under <span>');
    expect(metrics.htmlValidate).toEqual({ errors: 6, warnings: 0 });
    // axe shares the render and the page: its findings on raw elements get the same positions.
    expect(where(findings.filter((f) => f.rule === 'output/axe/list'))).toEqual(['output/axe/list@20']);
  });

  it('finds the same without axe (the page parsed only to place the findings)', async () => {
    const { findings, metrics } = await analyze(noAxe, plantedFile());
    expect(metrics.axe).toBeUndefined();
    expect(where(validation(findings))).toEqual(where(validation((await analyze(host, plantedFile())).findings)));
    expect(metrics.htmlValidate).toEqual({ errors: 6, warnings: 0 });
  });

  it('has nothing to flag where the exporter repairs or drops the markup: <p><div> is split, unknown elements are removed', async () => {
    // The exporter parses raw HTML as a browser does (<div> closes the open <p>) and its sanitiser
    // drops elements it does not know (keeping their text): the output is conformant.
    const text = '# Repaired\n\n<p><div>Split paragraph.</div></p>\n\n<blink>Kept text.</blink> <foo-bar>More text.</foo-bar>\n';
    const { findings, metrics } = await analyze(host, join(tempDir({ 'doc.md': text }), 'doc.md'));
    expect(validation(findings)).toEqual([]);
    expect(metrics.htmlValidate).toEqual({ errors: 0, warnings: 0 });
  });

  it.each(['report.md', 'letter.md', 'articulo.md'])('finds nothing in the sample %s', async (name) => {
    const { findings, failed } = await analyze(noAxe, join(examples, name));
    expect(failed).toEqual([]);
    // The exporter writes column alignment as classes (no obsolete align attribute): nothing to flag.
    expect(validation(findings)).toEqual([]);
  });
});

describe('html-validate configuration', () => {
  it('htmlValidate: false turns it off', async () => {
    const off = await outputHost({ config: { pdf: false, htmlValidate: false } });
    try {
      const { findings, metrics } = await analyze(off, plantedFile());
      expect(validation(findings)).toEqual([]);
      expect(metrics.htmlValidate).toBeUndefined();
      expect(metrics.axe).toBeDefined();
    } finally {
      await off.close();
    }
  });

  it('htmlValidateRules turns rules off, down to warnings (suggestions) or on', async () => {
    const tuned = await outputHost({
      config: { pdf: false, htmlValidateRules: { 'element-permitted-content': 'off', 'no-dup-id': 'warn', 'no-style-tag': 'error' } },
    });
    try {
      const { findings, metrics } = await analyze(tuned, plantedFile());
      const found = validation(findings);
      expect(found.map((f) => [f.rule, f.severity, f.position?.line ?? '-'])).toEqual([
        // The exporter's own <style> in <head>: a page-level finding, without a source position.
        [`${RULES}no-style-tag`, 'warning', '-'],
        [`${RULES}no-dup-id`, 'suggestion', 16],
        [`${RULES}element-required-content`, 'warning', 28],
      ]);
      expect(metrics.htmlValidate).toEqual({ errors: 2, warnings: 1 });
    } finally {
      await tuned.close();
    }
  });

  it('refuses a rule id html-validate does not have, naming it', async () => {
    const typo = await outputHost({ config: { pdf: false, htmlValidateRules: { 'no-dup-ids': 'off' } } });
    try {
      const { failed } = await analyze(typo, plantedFile());
      expect(failed).toEqual([expect.stringContaining('EIA_PLUGIN_CONFIG_INVALID')]);
      expect(failed[0]).toContain('htmlValidateRules.no-dup-ids');
      expect(failed[0]).toContain('html-validate has no rule "no-dup-ids"');
    } finally {
      await typo.close();
    }
  });

  it('refuses a level other than off, warn and error', async () => {
    await expect(outputHost({ config: { htmlValidateRules: { 'no-dup-id': 'on' } } })).rejects.toMatchObject({ code: 'EIA_PLUGIN_CONFIG_INVALID' });
  });
});

describe('html-validate on a huge document analysed in sections', () => {
  it('keeps element findings per part at document positions, page-level ones once, and counts as the whole document does', async () => {
    const config = { pdf: false, htmlValidateRules: { 'no-style-tag': 'warn' } };
    const sectioned = await outputHost({ config });
    try {
      const filler = 'Filler words for the part to be long enough here. '.repeat(4);
      const text = [
        '# Sections',
        filler,
        '<div><span><div>Misnested.</div></span></div>',
        `## Second\n\n${filler}`,
        '<ul><p>Out of context.</p></ul>',
        `## Third\n\n${filler}`,
        '<details>\n<p>No summary.</p>\n</details>',
        '',
      ].join('\n\n');
      const file = join(tempDir({ 'doc.md': text }), 'doc.md');
      const whole = await analyze(sectioned, file);
      const parted = await analyze(sectioned, file, { settings: [{ limits: { sectionBytes: 200 } }] });
      expect(parted.failed).toEqual([]);
      expect(parted.sections).toBeGreaterThanOrEqual(3);
      const lineOf = (snippet: string) => text.split('\n').findIndex((l) => l.startsWith(snippet)) + 1;
      const expected = [
        `${RULES}no-style-tag@-`,
        `${RULES}element-permitted-content@${lineOf('<div><span>')}`,
        `${RULES}element-permitted-content@${lineOf('<ul><p>')}`,
        `${RULES}element-required-content@${lineOf('<details>')}`,
      ];
      expect(where(validation(whole.findings))).toEqual(expected);
      // Every part's page has the <style>: reported once.
      expect(where(validation(parted.findings)).sort()).toEqual([...expected].sort());
      expect(parted.metrics.htmlValidate).toEqual(whole.metrics.htmlValidate);
      expect(parted.metrics.htmlValidate).toEqual({ errors: 3, warnings: 1 });
    } finally {
      await sectioned.close();
    }
  }, 60_000);
});

import type { Host } from '@export-ia/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze, structureHost, tempMarkdown, where } from './helpers.js';

let host: Host;
beforeAll(async () => {
  host = await structureHost();
});
afterAll(async () => {
  await host?.close();
});

const front = (lang = 'en') => `---\ntitle: Notes\nlang: ${lang}\n---\n\n`;
const a11y = async (text: string, files: Record<string, string> = {}, settings: Array<Record<string, unknown>> = []) =>
  (await analyze(host, tempMarkdown(text, files), { ids: ['accessibility'], settings })).findings;

describe('accessibility', () => {
  it('flags missing, file-name and generic alt text, also on raw HTML images, and marks the impact', async () => {
    const findings = await a11y(
      `${front()}![](a.png) ![DSC_0042](a.png) ![photo](a.png) ![Two engineers inspect a battery rack](a.png)\n\n<img src="a.png">\n\n<img src="a.png" alt="Site map">\n`,
      { 'a.png': 'x' },
    );
    expect(where(findings)).toEqual(['accessibility/image-alt@6', 'accessibility/image-alt@6', 'accessibility/image-alt@6', 'accessibility/image-alt@8']);
    expect(findings.map((f) => f.position?.column)).toEqual([1, 12, 31, 1]);
    expect(findings.every((f) => f.data?.impact === 'serious')).toBe(true);
    expect(findings[3]?.message).toContain('no alt attribute');
  });

  it('flags vague link text in the document language and in English, and bare URLs as link text', async () => {
    const findings = await a11y(
      `${front('es')}Consulte el informe [aquí](https://example.org/a), [Read more…](https://example.org/b), [el informe anual de 2025](https://example.org/c) y https://example.org/d.\n`,
    );
    expect(findings.map((f) => [f.rule, f.excerpt])).toEqual([
      ['accessibility/link-text', 'aquí'],
      ['accessibility/link-text', 'Read more…'],
      ['accessibility/link-url-text', 'https://example.org/d'],
    ]);
    expect(findings.map((f) => f.data?.impact)).toEqual(['serious', 'serious', 'minor']);
    // The same words in another language's list are not flagged in English text.
    expect(await a11y(`${front()}The word [aquí](https://example.org) means here.\n`)).toEqual([]);
  });

  it('flags tables whose header cells are empty', async () => {
    const findings = await a11y(`${front()}| Region | |\n| --- | --- |\n| Nordic | 12 |\n`);
    expect(where(findings)).toEqual(['accessibility/table-header@6']);
    expect(findings[0]?.data).toMatchObject({ emptyColumns: [2], impact: 'serious' });
  });

  it('wants the first heading at level 1 and no skipped levels', async () => {
    const findings = await a11y('---\nlang: en\n---\n\n## Start\n\n### Fine\n\n###### Jump\n');
    expect(findings.map((f) => [f.rule, f.position?.line, f.data?.to])).toEqual([
      ['accessibility/heading-order', 5, 2],
      ['accessibility/heading-order', 9, 6],
    ]);
  });

  it('wants a declared language: front matter or --lang', async () => {
    const text = '# Notes\n\nPlain text.\n';
    expect(where(await a11y(text))).toEqual(['accessibility/document-language@1']);
    expect(await a11y(text, {}, [{ lang: 'en' }])).toEqual([]);
    expect(await a11y(`---\nlang: fr\n---\n\n${text}`)).toEqual([]);
  });
});

/**
 * PDF fixture folders: fixtures/<name>/input.md + expect.json (settings; text that must appear
 * in this order; bookmark titles; PDF info; page count range; diagnostics). The PDF is read back
 * with pdfjs-dist.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exporterFixtures, type FixtureExpectation } from '@export-ia/core/testing';
import { afterAll, describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '../../..');
const plugins = ['importer-markdown', 'transform-assets', 'exporter-pdf-typst', 'theme-standard'].map((p) => join(repo, 'plugins', p));

interface Expectation extends FixtureExpectation {
  text?: string[];
  outline?: string[];
  metadata?: Record<string, string>;
  pages?: [number, number];
  diagnostics?: string[];
  firstPageText?: string[];
  firstPageNotText?: string[];
}

type Doc = {
  numPages: number;
  getPage(n: number): Promise<{ getTextContent(): Promise<{ items: Array<{ str?: string }> }> }>;
  getOutline(): Promise<Array<{ title: string }> | null>;
  getMetadata(): Promise<{ info: Record<string, unknown> }>;
  destroy(): Promise<void>;
};

async function open(data: Uint8Array): Promise<Doc> {
  const pdfjs = (await import('pdfjs-dist/legacy/build/pdf.mjs')) as unknown as { getDocument(o: object): { promise: Promise<Doc> } };
  return pdfjs.getDocument({ data: new Uint8Array(data), disableFontFace: true, isEvalSupported: false }).promise;
}

async function pageText(doc: Doc, n: number): Promise<string> {
  const content = await (await doc.getPage(n)).getTextContent();
  return content.items.map((i) => i.str ?? '').join(' ');
}

/** Whitespace removed: pdfjs splits text items at style changes, so spacing is not reliable. */
const flat = (s: string) => s.replace(/\s+/g, '');

const fixtures = exporterFixtures<Expectation>({ plugins, format: 'pdf', dir: join(here, 'fixtures'), cwd: repo });
afterAll(() => fixtures.close());

describe('PDF exporter fixtures', () => {
  for (const c of fixtures.cases(async ({ data, result, expectation }) => {
    const doc = await open(data);
    const pages: string[] = [];
    for (let i = 1; i <= doc.numPages; i++) pages.push(await pageText(doc, i));
    const all = flat(pages.join(' '));
    let at = 0;
    for (const t of expectation.text ?? []) {
      const found = all.indexOf(flat(t), at);
      expect(found, `"${t}" after position ${at}`).toBeGreaterThanOrEqual(0);
      at = found;
    }
    if (expectation.outline) expect(((await doc.getOutline()) ?? []).map((o) => o.title)).toEqual(expect.arrayContaining(expectation.outline));
    if (expectation.metadata) expect((await doc.getMetadata()).info).toMatchObject(expectation.metadata);
    if (expectation.pages) {
      expect(doc.numPages).toBeGreaterThanOrEqual(expectation.pages[0]);
      expect(doc.numPages).toBeLessThanOrEqual(expectation.pages[1]);
    }
    for (const t of expectation.firstPageText ?? []) expect(flat(pages[0] ?? '')).toContain(flat(t));
    for (const t of expectation.firstPageNotText ?? []) expect(flat(pages[0] ?? '')).not.toContain(flat(t));
    const codes = result.diagnostics.map((d) => d.code);
    for (const c of expectation.diagnostics ?? []) expect(codes).toContain(c);
    await doc.destroy();
  }))
    it(c.name, c.run);
});

/**
 * DOCX fixture folders: fixtures/<name>/input.md + expect.json (settings; text mammoth must read
 * back in this order; strings and regex counts per XML part; distinct list numbering instances;
 * diagnostics).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exporterFixtures, type FixtureExpectation } from '@export-ia/core/testing';
import JSZip from 'jszip';
import mammoth from 'mammoth';
import { afterAll, describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '../../..');
const plugins = ['importer-markdown', 'transform-assets', 'exporter-docx', 'theme-standard'].map((p) => join(repo, 'plugins', p));

interface PartExpectation {
  contains?: string[];
  notContains?: string[];
  regexCount?: Record<string, number>;
}
interface Expectation extends FixtureExpectation {
  text?: string[];
  xml?: Record<string, PartExpectation>;
  distinctNumIds?: number;
  diagnostics?: string[];
}

const fixtures = exporterFixtures<Expectation>({ plugins, format: 'docx', dir: join(here, 'fixtures'), cwd: repo });
afterAll(() => fixtures.close());

describe('DOCX exporter fixtures', () => {
  for (const c of fixtures.cases(async ({ data, result, expectation }) => {
    const text = (await mammoth.extractRawText({ buffer: Buffer.from(data) })).value;
    let at = 0;
    for (const t of expectation.text ?? []) {
      const found = text.indexOf(t, at);
      expect(found, `"${t}" after position ${at}`).toBeGreaterThanOrEqual(0);
      at = found;
    }
    const zip = await JSZip.loadAsync(data);
    for (const [part, rules] of Object.entries(expectation.xml ?? {})) {
      const xml = (await zip.file(part)?.async('string')) ?? '';
      expect(xml, part).not.toBe('');
      for (const s of rules.contains ?? []) expect(xml, part).toContain(s);
      for (const s of rules.notContains ?? []) expect(xml, part).not.toContain(s);
      for (const [re, n] of Object.entries(rules.regexCount ?? {})) expect(xml.match(new RegExp(re, 'g'))?.length ?? 0, `${part} ${re}`).toBe(n);
    }
    if (expectation.distinctNumIds !== undefined) {
      const doc = (await zip.file('word/document.xml')?.async('string')) ?? '';
      const ids = new Set([...doc.matchAll(/<w:numId w:val="(\d+)"\/>/g)].map((m) => m[1]));
      expect(ids.size).toBe(expectation.distinctNumIds);
    }
    const codes = result.diagnostics.map((d) => d.code);
    for (const code of expectation.diagnostics ?? []) expect(codes).toContain(code);
  }))
    it(c.name, c.run);
});

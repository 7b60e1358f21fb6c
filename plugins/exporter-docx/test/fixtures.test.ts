/**
 * DOCX fixture folders: fixtures/<name>/input.md + expect.json (settings; text mammoth must read
 * back in this order; strings and regex counts per XML part; distinct list numbering instances;
 * diagnostics).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost, type Host, sha256 } from '@export-ia/core';
import JSZip from 'jszip';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '../../..');
const plugins = ['importer-markdown', 'transform-assets', 'exporter-docx', 'theme-standard'].map((p) => join(repo, 'plugins', p));

interface PartExpectation {
  contains?: string[];
  notContains?: string[];
  regexCount?: Record<string, number>;
}
interface Expectation {
  settings?: Record<string, unknown>;
  text?: string[];
  xml?: Record<string, PartExpectation>;
  distinctNumIds?: number;
  diagnostics?: string[];
}

let host: Host;
beforeAll(async () => {
  host = await createHost({ plugins, cwd: repo });
});
afterAll(async () => {
  await host.close();
});

describe('DOCX exporter fixtures', () => {
  const root = join(here, 'fixtures');
  for (const name of readdirSync(root)) {
    it(name, async () => {
      const expectation = JSON.parse(readFileSync(join(root, name, 'expect.json'), 'utf8')) as Expectation;
      const path = join(root, name, 'input.md');
      const bytes = new Uint8Array(readFileSync(path));
      const result = await host
        .exportPipeline(['docx'])
        .run({ name: path, dir: join(root, name), bytes, hash: sha256(bytes) }, { settings: [{ to: ['docx'], ...expectation.settings }] });
      expect(result.failures).toEqual([]);
      const data = result.outputs[0]?.data as Uint8Array;
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
      for (const c of expectation.diagnostics ?? []) expect(codes).toContain(c);
    });
  }
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost } from '@export-ia/core';
import { definePlugin } from '@export-ia/core/plugin';
import { afterAll, describe, expect, it } from 'vitest';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const documents = here('../../../examples/documents');
type PluginSpec = Parameters<typeof createHost>[0]['plugins'][number];

const hosts: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const h of hosts) await h.close();
});

interface Options {
  config?: Record<string, unknown>;
  extra?: PluginSpec[];
  checkers?: string[];
}

async function analyze(file: string, options: Options, sectionBytes?: number) {
  const host = await createHost({
    plugins: [here('../../importer-markdown'), here('..'), ...(options.extra ?? [])],
    ...(options.config ? { pluginConfig: { 'checker-spelling': options.config } } : {}),
  });
  hosts.push(host);
  const settings = sectionBytes === undefined ? [] : [{ limits: { sectionBytes } }];
  const r = await host.analyzePipeline(options.checkers ?? ['spelling']).run(host.readInput(file), { settings });
  const analysis = r.analysis;
  if (!analysis) throw new Error('no analysis');
  expect(analysis.checkers.filter((c) => c.status !== 'ok')).toEqual([]);
  return { ...analysis, unknown: analysis.findings.filter((f) => f.rule === 'spelling/unknown-word') };
}

/** Whole-document and sectioned analyses of the same file: the same findings and metrics. */
async function same(file: string, sectionBytes: number, options: Options = {}) {
  const whole = await analyze(file, options);
  const parts = await analyze(file, options, sectionBytes);
  expect(parts.findings).toEqual(whole.findings);
  expect(parts.metrics).toEqual(whole.metrics);
  return { whole, parts };
}

function tempDoc(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'eia-spelling-parts-')), 'doc.md');
  writeFileSync(file, text);
  return file;
}

const filler = 'The team met on Monday and went through the plan line by line before lunch. '.repeat(5);
/** Five sections of about 450 characters: five parts at sectionBytes 400. */
const fiveParts = (extra: readonly string[]) => extra.map((e, i) => `# Part ${i + 1}\n\n${filler}\n\n${e}\n`).join('\n');

describe('documents analysed in sections', () => {
  it('gives the whole English report’s findings and metrics from 9 and from 24 parts', async () => {
    const file = join(documents, 'report.md');
    for (const bytes of [4000, 1000]) {
      const { whole, parts } = await same(file, bytes);
      expect(parts.sections).toBeGreaterThanOrEqual(bytes === 4000 ? 9 : 20);
      expect(whole.unknown.length).toBeGreaterThan(5);
    }
  });

  it('gives the whole Spanish article’s findings and metrics from 5 parts', async () => {
    const { whole, parts } = await same(join(documents, 'articulo.md'), 800);
    expect(parts.sections).toBeGreaterThanOrEqual(5);
    expect(whole.metrics.spelling).toMatchObject({ language: 'es', dictionary: 'es' });
  });

  it('lets a name used in part five excuse the same word starting a sentence in part one', async () => {
    const text = fiveParts(['Zorblax opened the meeting.', 'Nothing here.', 'Nothing here either.', 'Still nothing.', 'We thanked Zorblax for the plan.']);
    const { parts } = await same(tempDoc(text), 400);
    expect(parts.sections).toBe(5);
    expect(parts.unknown).toEqual([]);
  });

  it('drops a capitalised unknown word that starts sentences in two parts and never appears in lower case', async () => {
    const text = fiveParts(['Quuxly said so.', 'Nothing here.', 'Nothing here either.', 'Quuxly said it again.', 'We recieve it.']);
    const { parts } = await same(tempDoc(text), 400);
    expect(parts.unknown.map((f) => f.excerpt)).toEqual(['recieve']);
  });

  it('lists a word maxPerWord times in the document, with its document count, and suggests for the first distinct words only', async () => {
    const text = fiveParts(Array.from({ length: 5 }, (_, i) => `We recieve it, recieve it and recieve it${i === 3 ? ', definately' : ''}.`));
    const { parts } = await same(tempDoc(text), 400, { config: { maxPerWord: 4, maxSuggestions: 1 } });
    const recieve = parts.unknown.filter((f) => f.excerpt === 'recieve');
    // four listed (three in part one, one in part two), the last one counting the other eleven
    expect(recieve.map((f) => f.position?.line)).toEqual([5, 5, 5, 11]);
    expect(recieve.map((f) => f.data?.occurrences)).toEqual([15, 15, 15, 15]);
    expect(recieve[3]?.data?.more).toBe(11);
    expect(recieve[3]?.message).toMatch(/It occurs 11 more times, not listed\.$/);
    expect(recieve[0]?.data?.suggestions).toContain('receive');
    // the second distinct word is past maxSuggestions, though it is the first of its part
    const definately = parts.unknown.filter((f) => f.excerpt === 'definately');
    expect(definately).toHaveLength(1);
    expect(definately[0]?.data?.suggestions).toEqual([]);
    expect(parts.metrics.spelling).toMatchObject({ misspelled: 16, distinct: 2 });
  });

  it('checks a paragraph of a later part in the language the language checker gives for its document line', async () => {
    const text = fiveParts([
      'We recieve it.',
      'Nothing here.',
      'Nothing here either.',
      'La bicicleta es exelente y muy rápida por la ciudad.',
      'We met teh team.',
    ]);
    const spanish = text.split('\n').findIndex((l) => l.startsWith('La bicicleta')) + 1;
    const language = { document: 'en', paragraphs: [{ line: spanish, language: 'es', words: 10 }] };
    // A stand-in for the language checker, with a merge: its paragraphs are at document lines.
    const stub = {
      dir: mkdtempSync(join(tmpdir(), 'eia-spelling-lang-')),
      definition: definePlugin({
        manifest: {
          id: 'language-stub',
          version: '1.0.0',
          engines: { 'export-ia': '*' },
          apiVersion: 1,
          contributes: { checkers: [{ id: 'language-stub', stage: 10 }] },
        },
        setup(api) {
          api.checker('language-stub', { check: () => ({ findings: [], metrics: { language } }), merge: () => ({ findings: [], metrics: { language } }) });
        },
      }),
    };
    const { parts } = await same(tempDoc(text), 400, { extra: [stub], checkers: ['language-stub', 'spelling'] });
    expect(parts.unknown.map((f) => [f.excerpt, f.data?.language, f.position?.line])).toEqual([
      ['recieve', 'en', 5],
      ['exelente', 'es', spanish],
      ['teh', 'en', spanish + 6],
    ]);
    expect(parts.metrics.spelling).toMatchObject({ otherDictionaries: ['es'] });
  });

  it('says once that there is no dictionary', async () => {
    const text = `---\nlang: xx\n---\n\n${fiveParts(['One.', 'Two.', 'Three.', 'Four.', 'Five.'])}`;
    const { parts } = await same(tempDoc(text), 400);
    expect(parts.findings.map((f) => f.rule)).toEqual(['spelling/no-dictionary']);
  });
});

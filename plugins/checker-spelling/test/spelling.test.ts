import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost, type Finding } from '@export-ia/core';
import { definePlugin } from '@export-ia/core/plugin';
import { afterAll, describe, expect, it } from 'vitest';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const markdown = here('../../importer-markdown');
const spelling = here('..');
const documents = here('../../../examples/documents');

const hosts: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const h of hosts) await h.close();
});

type PluginSpec = Parameters<typeof createHost>[0]['plugins'][number];

async function analyze(file: string, options: { config?: Record<string, unknown>; cwd?: string; extra?: PluginSpec[]; checkers?: string[] } = {}) {
  const host = await createHost({
    plugins: [markdown, spelling, ...(options.extra ?? [])],
    ...(options.config ? { pluginConfig: { 'checker-spelling': options.config } } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  hosts.push(host);
  const r = await host.analyzePipeline(options.checkers ?? ['spelling']).run(host.readInput(file), { settings: [] });
  const analysis = r.analysis;
  if (!analysis) throw new Error('no analysis');
  return { ...analysis, unknown: analysis.findings.filter((f) => f.rule === 'spelling/unknown-word') };
}

function tempDoc(text: string, name = 'doc.md'): string {
  const dir = mkdtempSync(join(tmpdir(), 'eia-spelling-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const words = (findings: Finding[]) => findings.map((f) => f.excerpt);

describe('spelling: English', () => {
  it('finds misspellings at their exact source position, with Hunspell suggestions and no fix', async () => {
    const text = '# Notes\n\nWe recieve the data every week.\nThe team will definately review it.\n';
    const r = await analyze(tempDoc(text));
    expect(words(r.unknown)).toEqual(['recieve', 'definately']);
    const [first, second] = r.unknown as [Finding, Finding];
    expect(first.position).toMatchObject({ line: 3, column: 4, endLine: 3, endColumn: 11 });
    expect(text.slice(first.position?.offset, first.position?.endOffset)).toBe('recieve');
    expect(second.position).toMatchObject({ line: 4, column: 15 });
    expect(first.severity).toBe('warning');
    expect(first.suggestion).toMatch(/^Did you mean: receive\b.*\?$/);
    expect(first.data?.suggestions).toContain('receive');
    expect(second.data?.suggestions).toEqual(expect.arrayContaining(['definitely']));
    expect(r.findings.every((f) => f.fix === undefined)).toBe(true);
    expect(r.metrics.spelling).toEqual({ language: 'en', words: 13, misspelled: 2, distinct: 2, dictionary: 'en' });
  });

  it('does not flag correct words, contractions, possessives, hyphenated compounds or British spellings', async () => {
    const r = await analyze(
      tempDoc(
        "The organisation’s colour scheme doesn’t change. Our company's e-mail is state-of-the-art.\n\n" +
          'We analysed the centre’s licence and travelled on. The durations were repowering estimates.\n',
      ),
    );
    expect(r.unknown).toEqual([]);
    expect((r.metrics.spelling as { words: number }).words).toBeGreaterThan(15);
  });

  it('checks the parts of an unknown hyphenated compound and reports the wrong part', async () => {
    const text = 'A well-recieved report.\n';
    const r = await analyze(tempDoc(text));
    expect(words(r.unknown)).toEqual(['recieved']);
    expect(r.unknown[0]?.position).toMatchObject({ line: 1, column: 8, endColumn: 16 });
  });

  it('skips inline code, code blocks, URLs, e-mail addresses, paths, numbers, acronyms, identifiers and names', async () => {
    const r = await analyze(
      tempDoc(
        [
          'Run `recieve --teh` first. See https://exmaple.com/recieve or <https://teh.example.org/x>, write to recieve@exmaple.com,',
          'open docs/recieve/teh.md and C:\\recieve\\teh. The NASAX and IEEEE groups use recieveData, snake_recieve and 3tehs.',
          'We met Zorblax Quimby at Fnordcorp.',
          '',
          '```js',
          'const recieve = teh;',
          '```',
          '',
          '$$\\recieve$$',
          '',
        ].join('\n'),
      ),
    );
    expect(r.unknown).toEqual([]);
  });

  it('checks a capitalised word at the start of a sentence, but not a name the document uses elsewhere', async () => {
    const text = 'Recieve the parcel. Valdemora is sunny. Valdemora has wind.\n\nZorblax works here. Ask Zorblax.\n';
    const r = await analyze(tempDoc(text));
    expect(words(r.unknown)).toEqual(['Recieve']);
    expect(r.unknown[0]?.suggestion).toContain('Receive');
  });

  it('checks acronyms and capitalised words when configured to', async () => {
    const r = await analyze(tempDoc('The RECIEVE team met Zorblax.\n'), { config: { ignoreUppercase: false, ignoreCapitalized: false } });
    expect(words(r.unknown)).toEqual(['RECIEVE', 'Zorblax']);
  });

  it('accepts the personal dictionary, ignore patterns and the project word list', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eia-spelling-'));
    writeFileSync(join(dir, 'words.txt'), '# project words\nfrobnicate\n\nTeh\n');
    writeFileSync(join(dir, 'doc.md'), 'We frobnicate, quuxify and plughify. Teh end. Then recieve it.\n');
    const without = await analyze(join(dir, 'doc.md'));
    expect(words(without.unknown)).toEqual(['frobnicate', 'quuxify', 'plughify', 'Teh', 'recieve']);
    const r = await analyze(join(dir, 'doc.md'), { cwd: dir, config: { words: ['quuxify'], ignore: ['^plugh'], wordListFile: 'words.txt' } });
    expect(words(r.unknown)).toEqual(['recieve']);
  });

  it('fails with a configuration error when the word list cannot be read', async () => {
    const r = await analyze(tempDoc('Hello.\n'), { config: { wordListFile: 'no-such-words.txt' } });
    expect(r.checkers[0]).toMatchObject({ status: 'failed', error: { code: 'EIA_PLUGIN_CONFIG_INVALID' } });
  });

  it('lists the first occurrences of a repeated unknown word and counts the rest', async () => {
    const r = await analyze(tempDoc(`${Array.from({ length: 7 }, () => 'We recieve it.').join(' ')}\n`), { config: { maxPerWord: 3 } });
    expect(r.unknown).toHaveLength(3);
    expect(r.unknown[2]?.data?.more).toBe(4);
    expect(r.unknown[2]?.message).toContain('4 more times');
    expect(r.metrics.spelling).toMatchObject({ misspelled: 7, distinct: 1 });
  });

  it('computes suggestions only for the first maxSuggestions distinct words', async () => {
    const r = await analyze(tempDoc('We recieve teh data, definately.\n'), { config: { maxSuggestions: 1 } });
    expect(r.unknown.map((f) => f.suggestion !== undefined)).toEqual([true, false, false]);
  });

  it('finds few unknown words in the clean sample report, each at the right place in the source', async () => {
    const file = join(documents, 'report.md');
    const source = readFileSync(file, 'utf8');
    const r = await analyze(file);
    const m = r.metrics.spelling as { words: number; misspelled: number; distinct: number; dictionary: string };
    expect(m.dictionary).toBe('en');
    expect(m.words).toBeGreaterThan(4000);
    expect(m.misspelled).toBeLessThanOrEqual(15);
    for (const f of r.unknown) expect(source.slice(f.position?.offset, f.position?.endOffset)).toBe(f.excerpt);
    // Domain jargon the general dictionary lacks is what remains, not skipped material.
    expect(words(r.unknown)).toContain('switchgear');
    expect(words(r.unknown).some((w) => /^(?:https|entsoe|Dunkelflaute|USD|GWh|Valdemora|Virumaa)$/.test(w ?? ''))).toBe(false);
  });
});

describe('spelling: other languages', () => {
  it('checks the Spanish article with the Spanish dictionary', async () => {
    const r = await analyze(join(documents, 'articulo.md'));
    const m = r.metrics.spelling as { language: string; dictionary: string; words: number; misspelled: number };
    expect(m).toMatchObject({ language: 'es', dictionary: 'es' });
    expect(m.words).toBeGreaterThan(500);
    expect(m.misspelled).toBeLessThanOrEqual(3);
  });

  it('flags a Spanish misspelling with Spanish suggestions', async () => {
    const line = 'La bicicleta es muy rápida y la ciudad es tranquila. Es una bicicleta exelente.';
    const r = await analyze(tempDoc(`---\nlang: es\n---\n\n${line}\n`));
    expect(words(r.unknown)).toEqual(['exelente']);
    expect(r.unknown[0]?.data?.suggestions).toContain('excelente');
    expect(r.unknown[0]?.position).toMatchObject({ line: 5, column: line.indexOf('exelente') + 1 });
  });

  it('handles French elisions and checks German capitalised words (nouns are capitalised there)', async () => {
    const fr = await analyze(tempDoc("---\nlang: fr\n---\n\nL’école d'aujourd’hui est grande. Nous avons une bibliotèque.\n"));
    expect(words(fr.unknown)).toEqual(['bibliotèque']);
    const de = await analyze(tempDoc('---\nlang: de\n---\n\nDas Haus steht an der Strase. Die Kinder spielen im Garten.\n'));
    expect(words(de.unknown)).toEqual(['Strase']);
  });

  it('prefers a regional dictionary and falls back to the language one', async () => {
    const r = await analyze(tempDoc('---\nlang: en-GB\n---\n\nWe recieve it.\n'));
    expect(r.metrics.spelling).toMatchObject({ language: 'en', dictionary: 'en' });
    expect(words(r.unknown)).toEqual(['recieve']);
  });

  it('reports that a language without a dictionary was not checked, and gives no spelling metric', async () => {
    const r = await analyze(tempDoc('---\nlang: it\n---\n\nLa bicicletta è veloce e la città è tranquilla.\n'));
    expect(r.findings).toEqual([
      expect.objectContaining({
        rule: 'spelling/no-dictionary',
        severity: 'info',
        message: 'No dictionary for it; spelling was not checked. Install @export-ia/dictionary-it.',
      }),
    ]);
    expect(r.metrics.spelling).toBeUndefined();
  });

  it('checks a paragraph in another language with its own dictionary, or not at all without one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eia-spelling-lang-'));
    // A stand-in for the language checker: it says paragraph 3 is Spanish and paragraph 5 Italian.
    const languageStub = {
      dir,
      definition: definePlugin({
        manifest: {
          id: 'language-stub',
          version: '1.0.0',
          engines: { 'export-ia': '*' },
          apiVersion: 1,
          contributes: { checkers: [{ id: 'language-stub', stage: 10 }] },
        },
        setup(api) {
          api.checker('language-stub', {
            check: () => ({
              findings: [],
              metrics: {
                language: {
                  document: 'en',
                  paragraphs: [
                    { line: 1, language: 'en', words: 4 },
                    { line: 3, language: 'es', words: 8 },
                    { line: 5, language: 'it', words: 8 },
                    { line: 7, language: 'es', words: 3 },
                  ],
                },
              },
            }),
          });
        },
      }),
    };
    const text = 'We recieve the report.\n\nLa bicicleta es exelente y muy rápida.\n\nLa bicicletta è veloce e tranquilla.\n\nWe met teh team.\n';
    const r = await analyze(tempDoc(text), { extra: [languageStub], checkers: ['language-stub', 'spelling'] });
    expect(r.unknown.map((f) => [f.excerpt, f.data?.language])).toEqual([
      ['recieve', 'en'],
      ['exelente', 'es'],
      // Too short to trust its detected language: checked as English.
      ['teh', 'en'],
    ]);
    expect(r.metrics.spelling).toMatchObject({ dictionary: 'en', otherDictionaries: ['es'], uncheckedBlocks: 1 });
  });
});

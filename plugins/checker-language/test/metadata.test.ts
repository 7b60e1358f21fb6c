import { proseBlocks, sentences, words } from '@export-ia/core/plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDates } from '../src/dates.js';
import { extractKeywords } from '../src/keywords.js';
import { countSentences, type MetadataMetric } from '../src/metadata.js';
import { stopWords } from '../src/stop-words.js';
import { analyze, type Host, newHost, sample, tempDoc } from './helpers.js';

describe('metadata checker', () => {
  let host: Host;
  beforeAll(async () => {
    host = await newHost();
  });
  afterAll(async () => {
    await host.close();
  });

  async function metadataOf(file: string, h = host): Promise<MetadataMetric> {
    const a = await analyze(h, file, ['metadata']);
    // Facts, not problems: the checker never reports findings.
    expect(a.findings).toEqual([]);
    return a.metrics.metadata as MetadataMetric;
  }

  it('counts the sample report: words as the other checkers do, sentences close to Intl.Segmenter', async () => {
    const r = await host.analyzePipeline([]).run(host.readInput(sample('report.md')), { settings: [] });
    const blocks = proseBlocks(r.document.root);
    const segmenterWords = blocks.reduce((n, b) => n + words(b.text).length, 0);
    const segmenterSentences = blocks.filter((b) => b.kind === 'paragraph').reduce((n, b) => n + sentences(b.text).length, 0);
    const m = await metadataOf(sample('report.md'));
    expect(m.words).toBe(segmenterWords);
    // Our rules keep "e.g." and initials inside a sentence, which the segmenter splits on.
    expect(Math.abs(m.sentences - segmenterSentences) / segmenterSentences).toBeLessThan(0.05);
    expect(m.paragraphs).toBe(blocks.filter((b) => b.kind === 'paragraph').length);
    expect(m.characters).toBe(blocks.reduce((n, b) => n + b.text.length, 0));
    expect(m.charactersNoSpaces).toBe(blocks.reduce((n, b) => n + b.text.replace(/\s/g, '').length, 0));
    expect(m.readingMinutes).toBe(Math.round((m.words / 230) * 10) / 10);
    expect(m.speakingMinutes).toBe(Math.round((m.words / 130) * 10) / 10);
    expect(m).toMatchObject({ images: 2, tables: 4, footnotes: 10, codeBlocks: 5 });
  });

  it('lists the outline with depths, lines and anchors (a "#" inside a code block is not a heading)', async () => {
    const m = await metadataOf(sample('report.md'));
    expect(m.outline[0]).toEqual({ depth: 1, text: 'Executive summary', line: 11, id: 'executive-summary' });
    expect(m.outline).toContainEqual({ depth: 3, text: 'Efficiency and degradation', line: 181, id: 'efficiency-and-degradation' });
    expect(m.outline.some((h) => h.text.startsWith('100 MW'))).toBe(false);
    expect(m.headings).toBe(m.outline.length);
  });

  it('counts internal and external links, autolinks included', async () => {
    const m = await metadataOf(sample('report.md'));
    expect(m.links.internal).toBe(13);
    expect(m.links.external).toBe(9);
    expect(m.links.list).toContainEqual({ url: '#economics', text: 'see Economics', line: 26, external: false });
    expect(m.links.list).toContainEqual({ url: 'https://example.org/storage-data', text: 'https://example.org/storage-data', line: 58, external: true });
  });

  it('resolves reference links through their definitions', async () => {
    const m = await metadataOf(tempDoc('See [the guide][g] and [home](/index.html).\n\n[g]: https://example.com/guide\n'));
    expect(m.links).toEqual({
      internal: 1,
      external: 1,
      list: [
        { url: 'https://example.com/guide', text: 'the guide', line: 1, external: true },
        { url: '/index.html', text: 'home', line: 1, external: false },
      ],
    });
  });

  it('finds the dates mentioned in prose, not those in code', async () => {
    const report = await metadataOf(sample('report.md'));
    expect(report.dates.map((d) => d.iso)).toEqual(['2026-09', '2026-09', '2026-02', '2027-04', '2026-07', '2025-02']);
    expect(report.dates[0]).toEqual({ text: 'September 2026', iso: '2026-09', line: 52 });
    const letter = await metadataOf(sample('letter.md'));
    expect(letter.dates).toEqual([
      { text: '20 October 2026', iso: '2026-10-20', line: 20 },
      { text: '30 November 2026', iso: '2026-11-30', line: 28 },
    ]);
  });

  it('reads dates in English, Spanish, French and German, and ignores impossible ones', () => {
    const found = (t: string) => findDates(t).map((d) => [d.text, d.iso]);
    expect(found('Due 2026-11-22, not 2026-02-30; see 22 November 2026, November 22, 2026 or Nov. 3rd 2026.')).toEqual([
      ['2026-11-22', '2026-11-22'],
      ['22 November 2026', '2026-11-22'],
      ['November 22, 2026', '2026-11-22'],
      ['Nov. 3rd 2026', '2026-11-03'],
    ]);
    expect(found('El 22 de noviembre de 2026, o en mayo de 2026.')).toEqual([
      ['22 de noviembre de 2026', '2026-11-22'],
      ['mayo de 2026', '2026-05'],
    ]);
    expect(found('Le 1er novembre 2026 et le 3 février 2027, puis en mai 2027.')).toEqual([
      ['1er novembre 2026', '2026-11-01'],
      ['3 février 2027', '2027-02-03'],
      ['mai 2027', '2027-05'],
    ]);
    expect(found('Am 22. November 2026 und im März 2027.')).toEqual([
      ['22. November 2026', '2026-11-22'],
      ['März 2027', '2027-03'],
    ]);
    expect(found('31 April 2026 is no date; prices may 2026 rise; version 1.2026.')).toEqual([]);
  });

  it('counts sentences without splitting at abbreviations or initials', () => {
    expect(countSentences('Dr. Smith met J. Brown in Leeds. They agreed, e.g. on prices. Done')).toBe(3);
    expect(countSentences('Is it ready? Yes! It ships on 3 May… Then we rest.')).toBe(4);
    expect(countSentences('A list item without a full stop')).toBe(1);
    expect(countSentences('Version 2.5 costs 3.5 million.')).toBe(1);
  });

  it('picks the subject of each sample as keywords, never a stop word', async () => {
    const report = await metadataOf(sample('report.md'));
    expect(report.keywordLanguage).toBe('en');
    expect(report.keywords).toHaveLength(10);
    const top = report.keywords.map((k) => k.phrase);
    expect(top.slice(0, 4)).toEqual(expect.arrayContaining(['pumped hydro', 'storage', 'batteries', 'energy']));
    expect(report.keywords[0]).toEqual({ phrase: 'pumped hydro', score: 40, count: 20 });
    const es = await metadataOf(sample('articulo.md'));
    expect(es.keywordLanguage).toBe('es');
    expect(es.keywords[0]?.phrase).toBe('bicicleta');
    for (const [m, lang] of [
      [report, 'en'],
      [es, 'es'],
    ] as const) {
      const stop = stopWords(lang);
      for (const k of m.keywords) for (const w of k.phrase.toLowerCase().split(' ')) expect(stop?.has(w), `${k.phrase}`).toBe(false);
    }
  });

  it('keeps names as written, splits French elisions, leaves code out', () => {
    const fr = extractKeywords(
      ["L'énergie solaire et l'énergie éolienne : le stockage d'énergie progresse.", "Le stockage d'énergie reste cher, l'énergie solaire aussi."],
      { lang: 'fr', top: 3 },
    );
    // "énergie" (5 times, 3 of them outside "énergie solaire") stays next to the phrase.
    expect(fr.map((k) => [k.phrase, k.count])).toEqual([
      ['énergie', 5],
      ['énergie solaire', 2],
      ['stockage', 2],
    ]);
    const en = extractKeywords(['Northwind Analytics builds storage models.', 'Northwind Analytics sells storage models. Run npm.install.models now.'], {
      lang: 'en',
      top: 2,
    });
    expect(en.map((k) => k.phrase)).toEqual(['Northwind Analytics', 'storage models']);
    expect(extractKeywords(['Quello che conta è la batteria.'], { lang: 'it', top: 5 })).toEqual([]);
  });

  it('takes reading speed and the number of keywords from the configuration', async () => {
    const configured = await newHost({ metadata: { wordsPerMinute: 100, speakingWordsPerMinute: 50, keywords: 3 } });
    try {
      const m = await metadataOf(sample('letter.md'), configured);
      expect(m.readingMinutes).toBe(Math.round((m.words / 100) * 10) / 10);
      expect(m.speakingMinutes).toBe(Math.round((m.words / 50) * 10) / 10);
      expect(m.keywords).toHaveLength(3);
    } finally {
      await configured.close();
    }
  });
});

/**
 * Huge documents are analysed in parts (limits.sectionBytes) and each checker's `merge` combines
 * them: the result must be the one pass's, with sectionBytes forced small on the samples.
 */
import type { Finding } from '@export-ia/core/plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bestCandidates, collectCandidates } from '../src/keywords.js';
import type { LanguageMetric } from '../src/language.js';
import { type MetadataMetric, PART_CANDIDATES } from '../src/metadata.js';
import type { ToneMetric } from '../src/tone.js';
import { type Analysis, analyze, type Host, newHost, sample, tempDoc } from './helpers.js';

const CHECKERS = ['language', 'tone', 'metadata'];

const EN =
  'The storage project reached its first milestone this month. The team completed the grid connection study and submitted the planning application to the county council. Construction is expected to begin in the spring, subject to the approval of the environmental assessment.';
const FR =
  "Le projet de stockage a franchi sa première étape ce mois-ci. L'équipe a terminé l'étude de raccordement au réseau et a déposé la demande de permis auprès du conseil départemental. Les travaux devraient commencer au printemps, sous réserve de l'approbation de l'évaluation environnementale.";
const NEGATIVE =
  'The launch was a disaster. The software crashed repeatedly and customers were furious. Support staff were overwhelmed, angry and exhausted. The vendor ignored our complaints and the failures caused terrible losses. Nobody trusted the broken dashboard.';

const key = (f: Finding) => `${f.rule}@${f.position?.line}:${f.position?.column}`;

describe('documents analysed in sections', () => {
  let host: Host;
  beforeAll(async () => {
    host = await newHost();
  });
  afterAll(async () => {
    await host.close();
  });

  async function wholeAndParts(file: string, sectionBytes: number, settings: Array<Record<string, unknown>> = []): Promise<[Analysis, Analysis]> {
    const whole = await analyze(host, file, CHECKERS, settings);
    const parts = await analyze(host, file, CHECKERS, [...settings, { limits: { sectionBytes } }]);
    expect(whole.sections).toBeUndefined();
    return [whole, parts];
  }

  it.each([
    ['report.md', 4000],
    ['report.md', 1000],
    ['articulo.md', 500],
  ])('%s in parts of %i bytes: the findings and metrics of one pass, footnotes included', async (name, sectionBytes) => {
    const [whole, parts] = await wholeAndParts(sample(name), sectionBytes);
    expect(parts.sections).toBeGreaterThanOrEqual(5);
    expect(parts.findings).toEqual(whole.findings);
    for (const id of CHECKERS) expect(parts.metrics[id], id).toEqual(whole.metrics[id]);
    expect((parts.metrics.metadata as MetadataMetric).keywords).toHaveLength(10);
  });

  it('ranks keywords again over all parts: the top 10 of the report are those of one pass at 5 to 44 parts', async () => {
    const file = sample('report.md');
    const whole = (await analyze(host, file, ['metadata'])).metrics.metadata as MetadataMetric;
    for (const sectionBytes of [8000, 2000, 400]) {
      const a = await analyze(host, file, ['metadata'], [{ limits: { sectionBytes } }]);
      expect(a.sections).toBeGreaterThanOrEqual(5);
      expect((a.metrics.metadata as MetadataMetric).keywords, `${sectionBytes}`).toEqual(whole.keywords);
    }
  });

  it('judges every part against the document language: one declared-mismatch at the front matter, a French section in the last part', async () => {
    const english = (title: string) => `# ${title}\n\n${EN}\n\n${EN}\n\n`;
    const file = tempDoc(`---\ntitle: Informe\nlang: es\n---\n\n${english('One')}${english('Two')}${english('Three')}${english('Four')}# Note\n\n${FR}\n`);
    const [whole, parts] = await wholeAndParts(file, 200);
    expect(parts.sections).toBe(5);
    expect(parts.findings).toEqual(whole.findings);
    // Alone, the last part is all French; the document (all parts) is English.
    expect(parts.findings.map(key)).toEqual(['language/declared-mismatch@3:1', 'language/mixed-section@32:1']);
    expect(parts.findings[1]?.data).toMatchObject({ section: 'Note', sectionIndex: 5, language: 'fr', documentLanguage: 'en' });
    expect(parts.metrics.language).toEqual(whole.metrics.language);
    expect((parts.metrics.language as LanguageMetric).sections.map((s) => s.index)).toEqual([1, 2, 3, 4, 5]);
  });

  it('says once that no language is declared, whatever the number of parts', async () => {
    const file = tempDoc(`# One\n\n${EN}\n\n# Two\n\n${EN}\n\n# Three\n\n${EN}\n`);
    const [whole, parts] = await wholeAndParts(file, 200);
    expect(parts.sections).toBe(3);
    expect(parts.findings.map((f) => f.rule)).toEqual(['language/undeclared']);
    expect(parts.findings).toEqual(whole.findings);
  });

  it('joins a section cut between parts (no heading for 4 × sectionBytes): numbered, titled and judged as in one pass', async () => {
    const file = tempDoc(
      `# Intro\n\n${EN}\n\n${EN}\n\n# Bad news\n\n${`${NEGATIVE}\n\n`.repeat(8)}# Mixed\n\n${`${EN}\n\n`.repeat(4)}${`${FR}\n\n`.repeat(3)}`,
    );
    const [whole, parts] = await wholeAndParts(file, 300);
    // "Bad news" and "Mixed" are each cut in two.
    expect(parts.sections).toBe(5);
    expect(parts.findings).toEqual(whole.findings);
    // One negative section (each half alone would be one too), one mixed section.
    expect(parts.findings.map((f) => f.rule)).toEqual(['language/undeclared', 'tone/negative-section', 'language/mixed-section']);
    expect(parts.findings[1]?.data).toMatchObject({ section: 'Bad news', sectionIndex: 2, sentences: 40 });
    const tone = parts.metrics.tone as ToneMetric;
    expect(tone.sections.map((s) => [s.index, s.title])).toEqual([
      [1, 'Intro'],
      [2, 'Bad news'],
      [3, 'Mixed'],
    ]);
    expect(tone).toEqual(whole.metrics.tone);
    expect(parts.metrics.language).toEqual(whole.metrics.language);
  });

  it('numbers repeated headings across parts as one pass does, and resolves a reference defined in the first part in the last', async () => {
    const file = tempDoc(
      `# Notes\n\nSee [the guide][g] first. ${EN}\n\n[g]: https://example.com/guide\n\n# Plan\n\n${EN}\n\n# Notes\n\n${EN}\n\n# Notes\n\nAs [the guide][g] says. ${EN}\n`,
    );
    const [whole, parts] = await wholeAndParts(file, 200);
    expect(parts.sections).toBe(4);
    const metadata = parts.metrics.metadata as MetadataMetric;
    expect(metadata.outline.map((h) => h.id)).toEqual(['notes', 'plan', 'notes-1', 'notes-2']);
    expect(metadata.links.list.map((l) => [l.url, l.line])).toEqual([
      ['https://example.com/guide', 3],
      ['https://example.com/guide', 17],
    ]);
    expect(metadata).toEqual(whole.metrics.metadata);
  });

  it('hands merge a bounded keyword partial: the part’s most frequent candidates only', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `Storage unit${i} ${i % 2 ? 'battery' : 'hydro'} site${i}.`);
    const candidates = collectCandidates(text, 'en');
    expect(candidates?.size).toBeGreaterThan(PART_CANDIDATES);
    const best = bestCandidates(candidates ?? new Map(), PART_CANDIDATES);
    expect(best).toHaveLength(PART_CANDIDATES);
    expect(best.slice(0, 3)).toEqual([
      ['storage', 2000, 'Storage'],
      ['battery', 1000],
      ['hydro', 1000],
    ]);
  });
});

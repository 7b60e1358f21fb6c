/**
 * A corpus of one million words and a 5,000-word document: the check must stay interactive
 * (< 50 ms warm), whatever the corpus size, because only the document's k-grams are looked up.
 */
import type { CheckContext } from '@export-ia/core/plugin';
import { describe, expect, it } from 'vitest';
import type { SimilarityMetric } from '../src/checker.js';
import { MemoryCorpus } from '../src/corpus.js';
import { tokenize } from '../src/fingerprint.js';
import { createSimilarityChecker, defaultCorpusProvider } from '../src/index.js';
import { importDoc, tempDoc } from './helpers.js';
import { Prose } from './prose.js';

describe('performance', () => {
  it('indexes 1M corpus words and finds the ten copied passages of a 5k-word document (no change of complexity)', async () => {
    const prose = new Prose(2026);
    const texts: string[] = [];
    let words = 0;
    while (words < 1_000_000) {
      const text = prose.document(prose.int(500, 1500));
      words += tokenize(text).count;
      texts.push(text);
    }
    const corpus = new MemoryCorpus();
    const t0 = performance.now();
    texts.forEach((text, i) => {
      corpus.add(`doc-${i}`, `Document ${i}`, text);
    });
    const buildMs = performance.now() - t0;

    // 5k words of new prose with ten passages of 40 words from ten corpus documents.
    const parts: string[] = [];
    for (let i = 0; i < 10; i++) {
      parts.push(prose.document(460));
      const src = texts[i * 97] as string;
      const t = tokenize(src);
      parts.push(src.slice(t.start[100], t.end[139]));
    }
    const doc = await importDoc(tempDoc(parts.join('\n\n')));
    const checker = createSimilarityChecker(defaultCorpusProvider());
    const ctx = { config: {}, cwd: process.cwd(), file: 'doc.md', language: 'en', metrics: {}, corpus } as unknown as CheckContext;
    const times: number[] = [];
    let metric: SimilarityMetric | undefined;
    let copied = 0;
    for (let run = 0; run < 12; run++) {
      const t = performance.now();
      const r = await checker.check(doc, ctx);
      times.push(performance.now() - t);
      metric = r.metrics?.similarity as SimilarityMetric;
      copied = r.findings.filter((f) => f.rule === 'similarity/copied-passage').length;
    }
    const warm = times.slice(2).sort((a, b) => a - b)[5] as number;
    expect(words).toBeGreaterThanOrEqual(1_000_000);
    expect(metric?.words).toBeGreaterThan(5000);
    expect(copied).toBe(10);
    // Speed is measured in the benchmark, not here: these generous bounds only catch a change
    // of complexity (a quadratic lookup takes minutes at this size; the real figures are ~10 ms
    // and ~1 s per million words).
    expect(warm).toBeLessThan(2_000);
    expect(buildMs).toBeLessThan(60_000);
  }, 120_000);
});

describe('repetitive texts', () => {
  it('stay fast when document and corpus repeat the same phrases hundreds of times', async () => {
    const refrain = 'the same five words again and again in a loop';
    const corpus = new MemoryCorpus();
    corpus.add('loop', 'Loop', Array.from({ length: 450 }, () => refrain).join(' '));
    corpus.add('one', 'One', `Once: ${refrain} and then something else entirely different from the rest.`);
    const doc = await importDoc(tempDoc(`${Array.from({ length: 600 }, () => refrain).join(' ')}\n`));
    const checker = createSimilarityChecker(defaultCorpusProvider());
    const ctx = { config: {}, cwd: process.cwd(), file: 'doc.md', language: 'en', metrics: {}, corpus } as unknown as CheckContext;
    const t = performance.now();
    const r = await checker.check(doc, ctx);
    // A complexity guard, not a timing: quadratic matching takes minutes here, linear a few ms.
    expect(performance.now() - t).toBeLessThan(5_000);
    expect(r.metrics?.similarity).toMatchObject({ words: 6000 });
  });
});

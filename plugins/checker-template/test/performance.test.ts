import { fileURLToPath } from 'node:url';
import { createHost } from '@export-ia/core';
import { describe, expect, it } from 'vitest';
import { sample } from './helpers.js';

describe('speed', () => {
  it('classifies the 5.9k-word report at 500,000 words/s or more once warm', async () => {
    const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
    const host = await createHost({ plugins: [here('../../importer-markdown'), here('..')] });
    try {
      const times: number[] = [];
      let words = 0;
      for (let i = 0; i < 30; i++) {
        const r = await host.analyzePipeline(['template']).run(host.readInput(sample('report.md')), { settings: [] });
        times.push(r.analysis?.checkers.find((c) => c.id === 'template')?.ms ?? Number.POSITIVE_INFINITY);
        words = (r.analysis?.metrics.template as { features: { words: number } } | undefined)?.features.words ?? 0;
      }
      const warm = times.slice(10).sort((a, b) => a - b);
      const median = warm[Math.floor(warm.length / 2)] ?? Number.POSITIVE_INFINITY;
      expect(words).toBeGreaterThan(5000);
      expect((words / median) * 1000).toBeGreaterThanOrEqual(500_000);
    } finally {
      await host.close();
    }
  });
});

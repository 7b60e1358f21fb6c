import { describe, expect, it } from 'vitest';
import { closest, editDistance } from './closest.js';

/** The textbook full-matrix Levenshtein distance, to check the bounded one against. */
function reference(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      (d[i] as number[])[j] = Math.min(
        ((d[i - 1] as number[])[j] as number) + 1,
        ((d[i] as number[])[j - 1] as number) + 1,
        ((d[i - 1] as number[])[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
  return (d[a.length] as number[])[b.length] as number;
}

describe('editDistance', () => {
  it('matches the full-matrix distance, and with a bound gives max + 1 past it', () => {
    const words = ['', 'a', 'kitten', 'sitting', 'overview', 'overveiw', 'résumé', 'resume', 'flaw', 'lawn', 'intention', 'execution'];
    for (const a of words)
      for (const b of words) {
        const exact = reference(a, b);
        expect(editDistance(a, b)).toBe(exact);
        for (const max of [0, 1, 2, 3]) expect(editDistance(a, b, max)).toBe(exact <= max ? exact : max + 1);
      }
  });
});

describe('closest', () => {
  it('finds the nearest candidate within a third of the length, ignoring case', () => {
    expect(closest('overveiw', ['results', 'overview', 'methods'])).toBe('overview');
    expect(closest('Heading-Skp', ['heading-skip', 'heading-order'])).toBe('heading-skip');
    expect(closest('zzzz', ['overview'])).toBeUndefined();
  });

  it('stays fast on hostile sizes: 100 near targets × 5,000 near candidates, and 100k-character words', () => {
    const candidates = Array.from({ length: 5_000 }, (_, i) => `section-${i}-of-the-long-report`);
    const started = performance.now();
    let found = 0;
    for (let i = 0; i < 100; i++) if (closest(`sectoin-${i}-of-the-long-report`, candidates)) found++;
    expect(found).toBe(100);
    expect(closest('x'.repeat(100_000), ['x'.repeat(100_000)])).toBeUndefined();
    // A generous guard against losing the bound (≈ 0.25 s here).
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

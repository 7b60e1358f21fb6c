import { describe, expect, it } from 'vitest';
import type { ScoredCandidate } from '../types.js';
import { selectClips } from './select.js';

function c(start: number, end: number, score: number): ScoredCandidate {
  return { start, end, score, sentenceStart: 0, sentenceEnd: 0, text: `${start}-${end}`, reasons: [] };
}

describe('selectClips', () => {
  it('takes the best first, then the next best that keeps the gap, ordered by score', () => {
    const scored = [c(0, 20, 50), c(10, 30, 90), c(31, 50, 80), c(32, 60, 85), c(70, 90, 40), c(100, 120, 60)];
    // 90 [10,30] first; 85 [32,60] keeps 2 s; 80 [31,50] overlaps it; 60 [100,120]; 50 [0,20] overlaps the first.
    expect(selectClips(scored, { count: 4 }).map((x) => x.text)).toEqual(['10-30', '32-60', '100-120', '70-90']);
    expect(selectClips(scored, { count: 2 }).map((x) => x.score)).toEqual([90, 85]);
  });

  it('enforces the minimum gap between chosen clips', () => {
    const scored = [c(0, 10, 90), c(11, 20, 80), c(12, 20, 70)];
    expect(selectClips(scored, { count: 3 }).map((x) => x.text)).toEqual(['0-10', '12-20']);
    expect(selectClips(scored, { count: 3, minGap: 0.5 }).map((x) => x.text)).toEqual(['0-10', '11-20']);
    expect(selectClips(scored, { count: 3, minGap: 5 }).map((x) => x.text)).toEqual(['0-10']);
    // Whatever is chosen, no two clips come closer than the gap.
    const many = Array.from({ length: 40 }, (_, i) => c(i * 3, i * 3 + 10, (i * 37) % 100));
    const chosen = selectClips(many, { count: 10, minGap: 2 });
    for (const a of chosen) for (const b of chosen) if (a !== b) expect(a.start >= b.end + 2 || b.start >= a.end + 2).toBe(true);
    expect(chosen.map((x) => x.score)).toEqual([...chosen.map((x) => x.score)].sort((x, y) => y - x));
  });

  it('breaks ties by the earlier start', () => {
    const scored = [c(50, 60, 70), c(0, 10, 70), c(25, 35, 70)];
    expect(selectClips(scored, { count: 3 }).map((x) => x.start)).toEqual([0, 25, 50]);
  });

  it('returns nothing for count 0 and fewer clips when there are not enough', () => {
    expect(selectClips([c(0, 10, 1)], { count: 0 })).toEqual([]);
    expect(selectClips([c(0, 10, 1)], { count: 5 })).toHaveLength(1);
  });
});

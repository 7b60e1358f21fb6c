/**
 * Selection: the best candidates that do not overlap, greedily by score.
 */
import type { ScoredCandidate } from '../types.js';

export interface SelectOptions {
  /** How many clips at most. */
  count: number;
  /** Seconds that must separate two chosen clips. Default 2. */
  minGap?: number;
}

/**
 * The top `count` candidates by score such that any two are at least `minGap` seconds apart
 * (greedy: the best first, then each next best that keeps its distance). Ordered by score; equal
 * scores by earlier start, then shorter.
 */
export function selectClips(scored: readonly ScoredCandidate[], options: SelectOptions): ScoredCandidate[] {
  const count = Math.max(0, Math.floor(options.count));
  const gap = Math.max(0, options.minGap ?? 2);
  const ranked = [...scored].sort((a, b) => b.score - a.score || a.start - b.start || a.end - b.end);
  const chosen: ScoredCandidate[] = [];
  for (const c of ranked) {
    if (chosen.length >= count) break;
    if (chosen.every((s) => c.start >= s.end + gap - 1e-9 || s.start >= c.end + gap - 1e-9)) chosen.push(c);
  }
  return chosen;
}

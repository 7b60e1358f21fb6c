import { editDistance } from '@export-ia/core/plugin';

/**
 * The candidate nearest to `word` (case-insensitive): one that contains it ("passive" →
 * "style/passive-voice"), else the smallest edit distance; the first one on ties.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const w = word.toLowerCase();
  const bare = w.replace(/^style\//, '');
  if (bare.length >= 3) {
    const containing = candidates.filter((c) => c.toLowerCase().includes(bare)).sort((a, b) => a.length - b.length);
    if (containing[0] !== undefined) return containing[0];
  }
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

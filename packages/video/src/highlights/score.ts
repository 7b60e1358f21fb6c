/**
 * Highlight scoring: every candidate gets a 0…100 score and the reasons behind it.
 *
 * Formula. Each factor f gives a value v_f in 0…1 (see factors.ts) or does not apply to the
 * candidate (no words for the text factors, no loudness for energy, no decoded scenes for visual,
 * no `keywords` given). With the weights w_f of the factors that apply (set A):
 *
 *     score = 100 · Σ_{f∈A} w_f · v_f / Σ_{f∈A} w_f
 *
 * so a factor that cannot be measured neither helps nor hurts. The factors:
 *   hook         cues in the opening sentence, summed and capped at 1: question 0.4 (0.25 without a
 *                '?'), figure 0.3 (a bare number 0.2, a number word 0.15), pay-off phrase ("here's why") 0.45, strong claim/superlative 0.2,
 *                imperative opener 0.2, second person 0.1;
 *   emotion      1 − exp(−m / 0.12), m = Σ|valence| of feeling words (1.5× after an intensifier,
 *                +1 per "!") per word (at least 10 words);
 *   salience     mean of the 5 best (1 + ln tf) · idf of content stems that recur in the talk
 *                (windows of about a candidate's length are the documents; keyword stems ×2),
 *                divided by the best candidate's, so the most topical candidate gets 1;
 *   keywords     1 − exp(−mentions / 1.5) (1 mention 0.49, 2 → 0.74, 3 → 0.86);
 *   pace         exp(−((r − 1.1) / σ)²), r = words/s ÷ the talk's median, σ 0.3 below, 0.25 above;
 *   energy       1 / (1 + exp(−Δ / 2)), Δ = mean momentary loudness of the span − the talk's (LU);
 *   completeness 1, minus 0.45 for a connector start ("and", "so"), 0.4 for a back-reference phrase
 *                ("that's why"), 0.25 for a back-pointing first word ("this"), 0.3 for an end on a
 *                comma (0.2 on nothing), 0.3 for a last word that is a connector, 0.1 when the next
 *                sentence carries on; clamped to 0…1;
 *   visual       1 − exp(−cuts per minute / 4).
 */
import type { AudioAnalysis, Candidate, SceneAnalysis, ScoredCandidate, ScoreReason, Transcript } from '../types.js';
import { completeness, emotion, energy, type FactorResult, hook, keywordHits, pace, salienceRaw, talkContext, visual } from './factors.js';
import { median } from './text.js';

/** The weight of each factor in the score. */
export interface Weights {
  hook: number;
  emotion: number;
  salience: number;
  keywords: number;
  pace: number;
  energy: number;
  completeness: number;
  visual: number;
}

/** Default weights: the opening and a whole thought matter most (short-form viewers decide in the first seconds). */
export const DEFAULT_WEIGHTS: Readonly<Weights> = Object.freeze({
  hook: 0.3,
  emotion: 0.12,
  salience: 0.12,
  keywords: 0.15,
  pace: 0.06,
  energy: 0.08,
  completeness: 0.15,
  visual: 0.05,
});

export interface ScoreOptions {
  transcript: Transcript;
  audio: AudioAnalysis;
  scenes?: SceneAnalysis;
  /** BCP 47 language of the talk (`en`, `es`…); unknown ones use language-neutral cues. */
  language: string;
  /** Topics to boost (`--keywords`); a factor of its own when given. */
  keywords?: readonly string[];
  weights?: Partial<Weights>;
}

const FACTORS: (keyof Weights)[] = ['hook', 'emotion', 'salience', 'keywords', 'pace', 'energy', 'completeness', 'visual'];

/** Merged weights: the defaults with the given ones over them (negative or non-finite ones ignored). */
export function resolveWeights(weights?: Partial<Weights>): Weights {
  const out: Weights = { ...DEFAULT_WEIGHTS };
  for (const f of FACTORS) {
    const w = weights?.[f];
    if (typeof w === 'number' && Number.isFinite(w) && w >= 0) out[f] = w;
  }
  return out;
}

/** Scores every candidate (same order as given). See the formula at the top of this file. */
export function scoreCandidates(candidates: readonly Candidate[], options: ScoreOptions): ScoredCandidate[] {
  const weights = resolveWeights(options.weights);
  const lengths = candidates.map((c) => c.end - c.start).filter((l) => l > 0);
  const window = Math.min(120, Math.max(15, median(lengths) || 45));
  const ctx = talkContext(options.transcript, options.audio, options.scenes, options.language, options.keywords ?? [], window);

  const salience = candidates.map((c) => salienceRaw(ctx, c));
  const best = salience.reduce((m, s) => Math.max(m, s?.raw ?? 0), 0);

  return candidates.map((c, i) => {
    const s = salience[i];
    const values: Record<keyof Weights, FactorResult | null> = {
      hook: hook(ctx, c),
      emotion: emotion(ctx, c),
      salience: s
        ? best > 0 && s.raw > 0
          ? { value: s.raw / best, detail: `Key terms: ${s.terms.map((t) => `"${t}"`).join(', ')}` }
          : { value: 0, detail: 'No recurring topic of the talk' }
        : null,
      keywords: keywordHits(ctx, c),
      pace: pace(ctx, c),
      energy: energy(ctx, c),
      completeness: completeness(ctx, c),
      visual: visual(ctx, c),
    };
    const reasons: ScoreReason[] = [];
    let sum = 0;
    let total = 0;
    for (const f of FACTORS) {
      const r = values[f];
      if (!r) continue;
      reasons.push({ factor: f, value: round(r.value, 3), weight: weights[f], detail: r.detail });
      sum += weights[f] * r.value;
      total += weights[f];
    }
    return { ...c, score: total > 0 ? round((100 * sum) / total, 1) : 0, reasons };
  });
}

function round(x: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}

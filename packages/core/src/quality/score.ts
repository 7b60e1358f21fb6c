/**
 * The quality score: 0-100 from versioned, weighted, deterministic sub-scores, each with its
 * reason and weight. Only checks whose result is deterministic count (never an AI opinion).
 * A sub-score whose checker did not run is left out and the weights of the others renormalised,
 * so the score is about what was checked; the report lists what was not.
 *
 * Inputs are the checkers' metrics (documented keys):
 * - `validation`: `{ errors, warnings }`
 * - `spelling`: `{ words, misspelled }`
 * - `style`: `{ words, findings }`
 * - `readability`: `{ ease }` (0-100, higher = easier; the language's own formula)
 * - `accessibility`: `{ critical, serious, moderate, minor }` (source rules), plus `axe` in the same
 *   shape (axe-core on the HTML output) when that checker ran: both count
 * - `similarity`: `{ containment }` (0-1: share of the text found in the corpus, all sources
 *   together), else `{ maxContainment }` (the largest share from one source)
 */

export const SCORE_VERSION = 1;

export type Audience = 'children' | 'general' | 'technical' | 'academic';

/** The reading ease a text for this audience should reach (Flesch-like scale). */
export const AUDIENCE_EASE: Readonly<Record<Audience, number>> = { children: 70, general: 50, technical: 30, academic: 20 };

export interface SubScore {
  id: 'validation' | 'spelling' | 'style' | 'readability' | 'accessibility' | 'similarity';
  label: string;
  /** 0-100. */
  score: number;
  /** Weight before renormalisation. */
  weight: number;
  reason: string;
}

export interface QualityScore {
  version: number;
  /** 0-100, rounded. */
  score: number;
  subscores: SubScore[];
  /** Sub-scores that could not be computed (their checker did not run or failed). */
  missing: Array<SubScore['id']>;
}

export interface ScoreOptions {
  audience?: Audience;
  /** Override weights by sub-score id. */
  weights?: Partial<Record<SubScore['id'], number>>;
}

const DEFAULT_WEIGHTS: Record<SubScore['id'], number> = { validation: 15, spelling: 20, style: 20, readability: 15, accessibility: 20, similarity: 10 };

const clamp = (n: number) => Math.max(0, Math.min(100, n));
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
const plural = (n: number, one: string, many = `${one}s`) => `${fmt(n)} ${n === 1 ? one : many}`;

/** Scores an analysis from its metrics. Deterministic: same metrics, same score. */
export function scoreQuality(metrics: Readonly<Record<string, unknown>>, options: ScoreOptions = {}): QualityScore {
  const weights = { ...DEFAULT_WEIGHTS, ...options.weights };
  const audience = options.audience ?? 'general';
  const subs: SubScore[] = [];
  const missing: Array<SubScore['id']> = [];
  const m = (key: string) => metrics[key] as Record<string, unknown> | undefined;

  const validation = m('validation');
  if (validation && num(validation.errors) !== undefined) {
    const errors = num(validation.errors) ?? 0;
    const warnings = num(validation.warnings) ?? 0;
    subs.push({
      id: 'validation',
      label: 'Structure',
      score: clamp(100 - 15 * errors - 3 * warnings),
      weight: weights.validation,
      reason: errors + warnings === 0 ? 'no structural problems' : `${plural(errors, 'error')} (−15 each), ${plural(warnings, 'warning')} (−3 each)`,
    });
  } else missing.push('validation');

  const spelling = m('spelling');
  if (spelling && num(spelling.words)) {
    const words = num(spelling.words) ?? 1;
    const wrong = num(spelling.misspelled) ?? 0;
    const rate = wrong / words;
    subs.push({
      id: 'spelling',
      label: 'Spelling',
      score: clamp(100 - rate * 2000),
      weight: weights.spelling,
      reason: `${plural(wrong, 'unknown word')} in ${fmt(words)} (${fmt(rate * 100)}%; 5% scores 0)`,
    });
  } else missing.push('spelling');

  const style = m('style');
  if (style && num(style.words)) {
    const words = num(style.words) ?? 1;
    const findings = num(style.findings) ?? 0;
    const per1000 = (findings / words) * 1000;
    subs.push({
      id: 'style',
      label: 'Style',
      score: clamp(100 - per1000 * 4),
      weight: weights.style,
      reason: `${plural(findings, 'style finding')}: ${fmt(per1000)} per 1,000 words (25 scores 0)`,
    });
  } else missing.push('style');

  const readability = m('readability');
  const ease = num(readability?.ease);
  if (ease !== undefined) {
    const target = AUDIENCE_EASE[audience];
    const gap = Math.max(0, target - ease);
    subs.push({
      id: 'readability',
      label: 'Readability',
      score: clamp(100 - 2 * gap),
      weight: weights.readability,
      reason: `reading ease ${fmt(ease)}; a ${audience} audience needs ${target}${gap > 0 ? ` (−2 per point short)` : ''}`,
    });
  } else missing.push('readability');

  const a11y = m('accessibility');
  const axe = m('axe');
  if ((a11y && num(a11y.critical) !== undefined) || (axe && num(axe.critical) !== undefined)) {
    const count = (key: string) => (num(a11y?.[key]) ?? 0) + (num(axe?.[key]) ?? 0);
    const c = count('critical');
    const s = count('serious');
    const mo = count('moderate');
    const mi = count('minor');
    subs.push({
      id: 'accessibility',
      label: 'Accessibility',
      score: clamp(100 - 25 * c - 10 * s - 4 * mo - mi),
      weight: weights.accessibility,
      reason: c + s + mo + mi === 0 ? 'no violations' : `violations: ${c} critical (−25), ${s} serious (−10), ${mo} moderate (−4), ${mi} minor (−1)`,
    });
  } else missing.push('accessibility');

  const similarity = m('similarity');
  const containment = num(similarity?.containment) ?? num(similarity?.maxContainment);
  if (containment !== undefined) {
    subs.push({
      id: 'similarity',
      label: 'Originality',
      score: clamp(100 * (1 - containment)),
      weight: weights.similarity,
      reason: containment === 0 ? 'no passage matches the corpus' : `${fmt(containment * 100)}% of the text matches a corpus document`,
    });
  } else missing.push('similarity');

  const total = subs.reduce((sum, s) => sum + s.weight, 0);
  const score = total === 0 ? 100 : subs.reduce((sum, s) => sum + s.score * s.weight, 0) / total;
  for (const s of subs) s.score = Math.round(s.score * 10) / 10;
  return { version: SCORE_VERSION, score: Math.round(score), subscores: subs, missing };
}

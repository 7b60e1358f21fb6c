import { describe, expect, it } from 'vitest';
import type { Candidate, ScoredCandidate } from '../types.js';
import { findCandidates } from './candidates.js';
import { DEFAULT_WEIGHTS, resolveWeights, scoreCandidates } from './score.js';
import { selectClips } from './select.js';
import { BLAND, flatAudio, makeTranscript } from './talk.test-helpers.js';

const QUESTION = 'What if you could cut your costs by 40 percent?';
const HOOK = "Here's why most startups fail at pricing.";
const NUMBER = 'We cut costs by 73 percent in 6 weeks.';

/** A talk of bland sentences with the three planted highlights at sentences 4, 9 and 14. */
function plantedTalk() {
  const sentences = [...BLAND.slice(0, 4), QUESTION, ...BLAND.slice(4, 8), HOOK, ...BLAND.slice(8, 12), NUMBER, ...BLAND.slice(12, 20)];
  const transcript = makeTranscript(sentences);
  return { transcript, audio: flatAudio(transcript) };
}

function reason(c: ScoredCandidate | undefined, factor: string) {
  return c?.reasons.find((r) => r.factor === factor);
}

/** One candidate per sentence (the whole talk cut sentence by sentence). */
function perSentence(t: ReturnType<typeof makeTranscript>): Candidate[] {
  return t.sentences.map((s, i) => ({ start: s.start, end: s.end, sentenceStart: i, sentenceEnd: i + 1, text: s.text }));
}

describe('scoreCandidates', () => {
  it('ranks the planted question, hook and figure first, in that order, with their reasons', () => {
    const { transcript, audio } = plantedTalk();
    const cands = findCandidates(transcript, { min: 8, max: 14, duration: 200 });
    const scored = scoreCandidates(cands, { transcript, audio, language: 'en', keywords: [] });
    const top = selectClips(scored, { count: 3, minGap: 2 });
    expect(top.map((c) => c.sentenceStart)).toEqual([4, 9, 14]);
    expect(top[0]?.score).toBeGreaterThan(70);
    expect((top[2]?.score ?? 0) - Math.max(...scored.filter((c) => ![4, 9, 14].includes(c.sentenceStart)).map((c) => c.score))).toBeGreaterThan(2);

    expect(reason(top[0], 'hook')?.value).toBe(1);
    expect(reason(top[0], 'hook')?.detail).toContain('Opens with a question: "What if you could cut your costs by…"');
    expect(reason(top[0], 'hook')?.detail).toContain('Gives a figure: "40 percent"');
    expect(reason(top[1], 'hook')).toMatchObject({ value: 0.45, weight: DEFAULT_WEIGHTS.hook, detail: 'Promises a pay-off: "here\'s why"' });
    expect(reason(top[2], 'hook')).toMatchObject({ value: 0.3, detail: 'Gives a figure: "73 percent"' });
    // A bland opening has no hook at all.
    const bland = scored.find((c) => c.sentenceStart === 0);
    expect(reason(bland, 'hook')?.value).toBe(0);
    expect(bland?.reasons.map((r) => r.factor)).toEqual(['hook', 'emotion', 'salience', 'pace', 'energy', 'completeness']);
  });

  it('scores are 0…100 and follow the documented weighted mean of the reasons', () => {
    const { transcript, audio } = plantedTalk();
    const scored = scoreCandidates(findCandidates(transcript, { min: 8, max: 14, duration: 200 }), { transcript, audio, language: 'en' });
    for (const c of scored) {
      expect(c.score).toBeGreaterThanOrEqual(0);
      expect(c.score).toBeLessThanOrEqual(100);
      const w = c.reasons.reduce((a, r) => a + r.weight, 0);
      const mean = (100 * c.reasons.reduce((a, r) => a + r.weight * r.value, 0)) / w;
      expect(Math.abs(c.score - mean)).toBeLessThan(0.1);
    }
  });

  it('keywords change the order and count as their own factor', () => {
    const t = makeTranscript([
      'Our team tried a new approach to onboarding last spring.',
      'The new approach to onboarding changed how customers start.',
      'Our team tried a new approach to pricing last spring.',
      'The new approach to pricing changed how customers pay.',
    ]);
    const cands: Candidate[] = [
      { start: t.sentences[0]?.start ?? 0, end: t.sentences[1]?.end ?? 0, sentenceStart: 0, sentenceEnd: 2, text: '' },
      { start: t.sentences[2]?.start ?? 0, end: t.sentences[3]?.end ?? 0, sentenceStart: 2, sentenceEnd: 4, text: '' },
    ];
    const plain = scoreCandidates(cands, { transcript: t, audio: flatAudio(t), language: 'en' });
    const boosted = scoreCandidates(cands, { transcript: t, audio: flatAudio(t), language: 'en', keywords: ['Prices'] });
    expect(selectClips(plain, { count: 2, minGap: 0 }).map((c) => c.sentenceStart)).toEqual([0, 2]);
    expect(selectClips(boosted, { count: 2, minGap: 0 }).map((c) => c.sentenceStart)).toEqual([2, 0]);
    expect(reason(plain[1], 'keywords')).toBeUndefined();
    // "Prices" matches "pricing" twice (light stemming).
    expect(reason(boosted[1], 'keywords')).toMatchObject({ value: 0.736, weight: 0.15, detail: 'Mentions "Prices" twice' });
    expect(reason(boosted[0], 'keywords')).toMatchObject({ value: 0, detail: 'None of the keywords is mentioned ("Prices")' });
  });

  it('penalises a start that continues or points back, and an end mid-sentence', () => {
    const t = makeTranscript([
      'We shipped the new editor in March.',
      'And so we shipped the new editor in March.',
      "That's why we shipped the new editor in March.",
      'This shipped with the new editor in March.',
      'We shipped the new editor in March,',
      'We shipped the new editor in March and',
      'Our editor is fast.',
      'So it worked.',
    ]);
    const scored = scoreCandidates(perSentence(t), { transcript: t, audio: flatAudio(t), language: 'en' });
    const comp = scored.map((c) => reason(c, 'completeness'));
    expect(comp.map((r) => r?.value)).toEqual([0.9, 0.45, 0.6, 0.75, 0.7, 0.5, 0.9, 0.55]);
    expect(comp[0]?.detail).toBe('Ends on a full stop; The next sentence carries on the thought');
    expect(comp[1]?.detail).toBe('Starts mid-thought with "And"; Ends on a full stop; The next sentence carries on the thought');
    expect(comp[2]?.detail).toBe('Starts by referring back: "that\'s why"; Ends on a full stop');
    expect(comp[3]?.detail).toBe('Starts with "This", which refers back; Ends on a full stop');
    expect(comp[5]?.detail).toBe('Ends without punctuation; Ends on "and"');
    expect(comp[6]?.detail).toBe('Ends on a full stop; The next sentence carries on the thought');
    // Same words, dangling start → lower total score.
    expect(scored[1]?.score).toBeLessThan(scored[0]?.score ?? 0);
  });

  it('recognises hooks and dangling starts in Spanish, French and German', () => {
    const cases: [string, string, number, string][] = [
      ['es', '¿Por qué nadie te dice el secreto del 90 por ciento?', 1, 'Promises a pay-off: "el secreto"'],
      ['fr', 'Voici pourquoi la plupart des gens échouent.', 0.45, 'Promises a pay-off: "voici pourquoi"'],
      ['de', 'Stell dir vor, du sparst 500 Euro im Monat.', 0.6, 'Opens with an imperative: "stell"'],
    ];
    for (const [lang, text, value, detail] of cases) {
      const t = makeTranscript([text], lang);
      const [c] = scoreCandidates(perSentence(t), { transcript: t, audio: flatAudio(t), language: lang });
      expect(reason(c, 'hook')?.value, lang).toBe(value);
      expect(reason(c, 'hook')?.detail, lang).toContain(detail);
    }
    const starts: [string, string, string][] = [
      ['es', 'Y entonces lo lanzamos en marzo.', 'Starts mid-thought with "Y"'],
      ['fr', 'Mais nous avons lancé le produit en mars.', 'Starts mid-thought with "Mais"'],
      ['de', 'Aber wir haben es im März gestartet.', 'Starts mid-thought with "Aber"'],
    ];
    for (const [lang, text, detail] of starts) {
      const t = makeTranscript([text], lang);
      const [c] = scoreCandidates(perSentence(t), { transcript: t, audio: flatAudio(t), language: lang });
      expect(reason(c, 'completeness')?.value, lang).toBe(0.55);
      expect(reason(c, 'completeness')?.detail, lang).toContain(detail);
    }
  });

  it('an unknown language falls back to language-neutral cues: "?" and digits', () => {
    const t = makeTranscript(['Kuna njia 3 za kufanya hivi?', 'Hapa ndipo siri ilipo.'], 'sw');
    const scored = scoreCandidates(perSentence(t), { transcript: t, audio: flatAudio(t), language: 'sw' });
    expect(reason(scored[0], 'hook')?.value).toBe(0.6);
    expect(reason(scored[1], 'hook')?.value).toBe(0);
    expect(reason(scored[1], 'hook')?.detail).toContain('only "?" and numbers are recognised in "sw"');
  });

  it('emotion counts feeling words, intensifiers and exclamations; mild words do not count', () => {
    const t = makeTranscript(['The results were really amazing and the launch was a disaster!', 'The box is grey and the lid was cut.']);
    const scored = scoreCandidates(perSentence(t), { transcript: t, audio: flatAudio(t), language: 'en' });
    expect(reason(scored[0], 'emotion')?.value).toBeGreaterThan(0.9);
    expect(reason(scored[0], 'emotion')?.detail).toBe('Strong feeling (positive): "amazing", "disaster"; 1 exclamation');
    expect(reason(scored[1], 'emotion')).toMatchObject({ value: 0, detail: 'Neutral tone' });
  });

  it('energy follows the loudness of the span against the talk, pace the words per second', () => {
    const fast = makeTranscript(['One two three four five six seven eight nine ten.'], 'en', { word: 0.2, gap: 0.02 });
    const t = makeTranscript(BLAND.slice(0, 6));
    const audio = flatAudio(t, -25);
    // Seconds 0–3 (the first sentence) are 4 LU louder.
    audio.loudness.fill(-21, 0, 4);
    const scored = scoreCandidates(perSentence(t), { transcript: t, audio, language: 'en' });
    expect(reason(scored[0], 'energy')?.detail).toMatch(/^3\.\d LU louder than the talk$/);
    expect(reason(scored[0], 'energy')?.value).toBeGreaterThan(0.8);
    expect(reason(scored[3], 'energy')?.detail).toMatch(/LU quieter than the talk$/);
    // Every sentence is spoken at about the talk's median pace (r ≈ 1): exp(-(0.1 / 0.3)²) ≈ 0.89.
    expect(reason(scored[3], 'pace')?.value).toBeCloseTo(0.89, 1);
    // A sentence spoken far faster than the talk's median is "rushed": low pace value.
    const both = makeTranscript([...BLAND.slice(0, 5)]);
    both.words.push(...fast.words.map((w) => ({ ...w, start: w.start + 100, end: w.end + 100 })));
    const s = fast.sentences[0];
    if (s) both.sentences.push({ ...s, start: s.start + 100, end: s.end + 100, wordStart: both.words.length - 10, wordEnd: both.words.length });
    const last = scoreCandidates(perSentence(both), { transcript: both, audio: flatAudio(both), language: 'en' }).at(-1);
    expect(reason(last, 'pace')?.value).toBeLessThan(0.05);
  });

  it('visual dynamics count scene cuts per minute where scenes were decoded', () => {
    const t = makeTranscript(BLAND.slice(0, 4));
    const cands = perSentence(t);
    const scenes = { scanned: [{ start: 0, end: (t.sentences[1]?.end ?? 0) + 0.1 }], cuts: [1, 2] };
    const scored = scoreCandidates(cands, { transcript: t, audio: flatAudio(t), language: 'en', scenes });
    expect(reason(scored[0], 'visual')?.detail).toMatch(/^2 scene cuts \(\d+\.\d a minute\)$/);
    expect(reason(scored[1], 'visual')).toMatchObject({ value: 0, detail: 'No scene cut (one shot)' });
    // Not scanned: the factor does not apply.
    expect(reason(scored[3], 'visual')).toBeUndefined();
  });

  it('weights from config override the defaults; a zero weight removes a factor from the score', () => {
    expect(resolveWeights({ hook: 0.5, energy: -1 })).toEqual({ ...DEFAULT_WEIGHTS, hook: 0.5 });
    const { transcript, audio } = plantedTalk();
    const cands = perSentence(transcript);
    const noHook = scoreCandidates(cands, { transcript, audio, language: 'en', weights: { hook: 0 } });
    const q = noHook[4];
    const b = noHook[0];
    expect(reason(q, 'hook')?.weight).toBe(0);
    // Without the hook the question sentence is no longer far ahead of a bland one.
    const withHook = scoreCandidates(cands, { transcript, audio, language: 'en' });
    expect((withHook[4]?.score ?? 0) - (withHook[0]?.score ?? 0)).toBeGreaterThan((q?.score ?? 0) - (b?.score ?? 0) + 20);
  });

  it('candidates without words (the audio fallback) are scored on energy and scenes only', () => {
    const t = makeTranscript([]);
    const audio = { silences: [], loudness: [-30, -30, -20, -20, -30, -30], integrated: -25 };
    const cands: Candidate[] = [
      { start: 0, end: 2, sentenceStart: 0, sentenceEnd: 0, text: '' },
      { start: 2, end: 4, sentenceStart: 0, sentenceEnd: 0, text: '' },
    ];
    const scored = scoreCandidates(cands, { transcript: t, audio, language: 'en' });
    expect(scored.map((c) => c.reasons.map((r) => r.factor))).toEqual([['energy'], ['energy']]);
    expect(scored[1]?.score).toBeGreaterThan(scored[0]?.score ?? 100);
  });
});

import { describe, expect, it } from 'vitest';
import { fallbackCandidates, findCandidates } from './candidates.js';
import { BLAND, makeTranscript } from './talk.test-helpers.js';

describe('findCandidates', () => {
  const talk = makeTranscript([...BLAND, ...BLAND]);
  const duration = (talk.sentences.at(-1)?.end ?? 0) + 1;

  it('starts at a sentence start, ends at a sentence end, stays within the bounds and never cuts a word', () => {
    const cands = findCandidates(talk, { min: 10, max: 20, duration });
    expect(cands.length).toBeGreaterThan(10);
    for (const c of cands) {
      const first = talk.sentences[c.sentenceStart];
      const last = talk.sentences[c.sentenceEnd - 1];
      expect(c.start).toBe(first?.start);
      expect(c.end).toBe(last?.end);
      expect(c.end - c.start).toBeGreaterThanOrEqual(10);
      expect(c.end - c.start).toBeLessThanOrEqual(20);
      for (const w of talk.words) {
        const inside = w.start >= c.start && w.end <= c.end;
        const outside = w.end <= c.start || w.start >= c.end;
        expect(inside || outside).toBe(true);
      }
      expect(c.text.startsWith(first?.text ?? '?')).toBe(true);
      expect(c.text.endsWith(last?.text ?? '?')).toBe(true);
    }
  });

  it('lists every run within the bounds for a start (here 2 or 3 sentences of ≈ 3.9 s each + pauses)', () => {
    // Each bland sentence has 8–11 words: 0.35 s per word.
    const cands = findCandidates(talk, { min: 6, max: 9, duration, perStart: 10 });
    const fromZero = cands.filter((c) => c.sentenceStart === 0).map((c) => c.sentenceEnd);
    const len = (a: number, b: number) => (talk.sentences[b - 1]?.end ?? 0) - (talk.sentences[a]?.start ?? 0);
    const expected = [1, 2, 3, 4].filter((e) => len(0, e) >= 6 && len(0, e) <= 9);
    expect(expected.length).toBeGreaterThan(0);
    expect(fromZero).toEqual(expected);
  });

  it('keeps at most perStart ends per start, preferring a full stop over a comma over nothing', () => {
    const t = makeTranscript(['One two three four five six,', 'seven eight nine ten eleven twelve.', 'thirteen fourteen fifteen sixteen', 'A last one here.']);
    const all = findCandidates(t, { min: 0, max: 100, duration: 100, perStart: 10 });
    expect(all.filter((c) => c.sentenceStart === 0).map((c) => c.sentenceEnd)).toEqual([1, 2, 3, 4]);
    const one = findCandidates(t, { min: 0, max: 100, duration: 100, perStart: 1 });
    // From sentence 0 the strongest ends are the full stops (2 and 4); the longer pause after wins: the last.
    expect(one.filter((c) => c.sentenceStart === 0).map((c) => c.sentenceEnd)).toEqual([4]);
    const two = findCandidates(t, { min: 0, max: 100, duration: 100, perStart: 2 });
    expect(two.filter((c) => c.sentenceStart === 0).map((c) => c.sentenceEnd)).toEqual([2, 4]);
    // Bounded: at most perStart per start sentence.
    expect(two.length).toBeLessThanOrEqual(2 * t.sentences.length);
  });

  it('widens a sentence to its words when the sentence times are tighter than the word times', () => {
    const t = makeTranscript(['Alpha beta gamma delta.', 'Epsilon zeta eta theta.']);
    const s0 = t.sentences[0];
    if (s0) s0.start += 0.1; // the sentence claims to start inside its first word
    const cands = findCandidates(t, { min: 0, max: 10, duration: 10 });
    expect(cands[0]?.start).toBe(0);
  });

  it('gives nothing for no sentences, sentences without words, or bounds nothing fits', () => {
    expect(findCandidates({ language: 'en', source: 't', words: [], sentences: [] }, { min: 1, max: 60, duration: 60 })).toEqual([]);
    const empty = { language: 'en', source: 't', words: [], sentences: [{ text: '', start: 0, end: 5, wordStart: 0, wordEnd: 0 }] };
    expect(findCandidates(empty, { min: 1, max: 60, duration: 60 })).toEqual([]);
    expect(findCandidates(talk, { min: 500, max: 600, duration })).toEqual([]);
    expect(findCandidates(talk, { min: 20, max: 10, duration })).toEqual([]);
  });

  it('never starts or ends on a sentence without words', () => {
    const t = makeTranscript(['First one here.', '', 'Third one here.']);
    const cands = findCandidates(t, { min: 0, max: 100, duration: 100, perStart: 10 });
    expect(cands.map((c) => [c.sentenceStart, c.sentenceEnd])).toEqual([
      [0, 1],
      [0, 3],
      [2, 3],
    ]);
  });
});

describe('fallbackCandidates', () => {
  it('cuts at pauses: starts where a pause ends, ends where one starts', () => {
    const audio = {
      silences: [
        { start: 10, end: 11 },
        { start: 25, end: 26.5 },
        { start: 40, end: 41 },
      ],
      loudness: [],
      integrated: -23,
    };
    const cands = fallbackCandidates(audio, { min: 12, max: 30, duration: 60 });
    expect(cands.map((c) => [c.start, c.end])).toEqual([
      [0, 25],
      [11, 25],
      [11, 40],
      [26.5, 40],
      [41, 60],
    ]);
    expect(cands.every((c) => c.text === '' && c.sentenceStart === 0 && c.sentenceEnd === 0)).toBe(true);
  });

  it('falls back to half-overlapping windows when there are no pauses', () => {
    const cands = fallbackCandidates({ silences: [], loudness: [], integrated: -23 }, { min: 10, max: 30, duration: 60 });
    // One run of 60 s is longer than max: windows of 20 s every 10 s.
    expect(cands.map((c) => c.start)).toEqual([0, 10, 20, 30, 40]);
    expect(cands.every((c) => c.end - c.start === 20)).toBe(true);
    expect(fallbackCandidates({ silences: [], loudness: [], integrated: -23 }, { min: 10, max: 30, duration: 5 })).toEqual([]);
  });
});

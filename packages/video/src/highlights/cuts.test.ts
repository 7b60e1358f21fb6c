import { describe, expect, it } from 'vitest';
import type { Span } from '../types.js';
import { cutList, fillerSpans, keptDuration } from './cuts.js';
import { makeTranscript } from './talk.test-helpers.js';

/** The texts of the words each filler span covers. */
function fillerTexts(sentences: string[], language: string): string[] {
  const t = makeTranscript(sentences, language);
  return fillerSpans(t, { start: 0, end: 1e6 }, language).map((s) =>
    t.words
      .filter((w) => w.start >= s.start && w.end <= s.end)
      .map((w) => w.text)
      .join(' '),
  );
}

describe('fillerSpans', () => {
  it('finds English hesitations and set-off "you know", "I mean", "like"', () => {
    expect(fillerTexts(['So, um, we tried it.', 'Uh, it was, like, huge.', "It's hard, you know.", 'I mean, it works.'], 'en')).toEqual([
      'um,',
      'Uh,',
      'like,',
      'you know.',
      'I mean,',
    ]);
  });

  it('is conservative with "like", "you know" and "I mean" used as real words', () => {
    expect(
      fillerTexts(
        [
          'I like pizza.',
          "It's like a dream.",
          'Do you know the answer?',
          'That is what I mean.',
          'And, like I said, it worked.',
          'You know what?',
          'Things I like, and things I hate.',
        ],
        'en',
      ),
    ).toEqual([]);
    expect(fillerTexts(['Like, I do not know.'], 'en')).toEqual(['Like,']);
  });

  it('finds Spanish, French and German fillers, and leaves their real-word uses', () => {
    expect(fillerTexts(['Y, este, no sé.', 'Este libro es bueno.', 'Eh, o sea, funciona.'], 'es')).toEqual(['este,', 'Eh,', 'o sea,']);
    expect(fillerTexts(['Euh, du coup, on part.', 'Ben, je sais pas.', 'Du coup on est partis.'], 'fr')).toEqual(['Euh,', 'du coup,', 'Ben,']);
    expect(fillerTexts(['Ähm, das ist halt so.', 'Halt! Stopp.', 'Äh ja.'], 'de')).toEqual(['Ähm,', 'halt', 'Äh']);
  });

  it('keeps to the span', () => {
    const t = makeTranscript(['Um, first.', 'Um, second.']);
    const second = t.sentences[1];
    expect(fillerSpans(t, { start: second?.start ?? 0, end: second?.end ?? 0 }, 'en')).toEqual([{ start: t.words[2]?.start, end: t.words[2]?.end }]);
  });
});

describe('cutList', () => {
  it('shortens long pauses to `keep` on each side, skips short ones, and removes fillers', () => {
    const span = { start: 0, end: 20 };
    const cuts = cutList(span, {
      silences: [
        { start: 2, end: 3 }, // 1 s: cut 2.15–2.85
        { start: 5, end: 5.5 }, // 0.5 s: too short
        { start: 9, end: 12 }, // cut 9.15–11.85
      ],
      fillers: [{ start: 14, end: 14.3 }],
    });
    expect(cuts.map((c) => [round(c.start), round(c.end)])).toEqual([
      [2.15, 2.85],
      [9.15, 11.85],
      [14, 14.3],
    ]);
    expect(round(keptDuration(span, cuts))).toBe(round(20 - 0.7 - 2.7 - 0.3));
  });

  it('merges overlaps, sorts, clips to the span, and trims pauses at the span edges on their speech side only', () => {
    const cuts = cutList(
      { start: 10, end: 30 },
      {
        silences: [
          { start: 25, end: 40 },
          { start: 5, end: 12 },
          { start: 15, end: 17 },
        ],
        fillers: [{ start: 16.5, end: 17.2 }],
      },
    );
    expect(cuts.map((c) => [round(c.start), round(c.end)])).toEqual([
      [10, 11.85],
      [15.15, 17.2],
      [25.15, 30],
    ]);
  });

  it('never cuts into a spoken word (silences from the audio overlap the word timings)', () => {
    const t = makeTranscript(['One two three.', 'Um, four five six.', 'Seven eight nine ten.'], 'en', { pause: 1.2 });
    const span = { start: 0, end: t.sentences[2]?.end ?? 0 };
    const fillers = fillerSpans(t, span, 'en');
    // Pseudo-random silences, many of them overlapping words.
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 200; round++) {
      const silences: Span[] = [];
      for (let i = 0; i < 5; i++) {
        const start = rand() * span.end;
        silences.push({ start, end: start + 0.3 + rand() * 2 });
      }
      const cuts = cutList(span, { silences, fillers, words: t.words });
      for (const w of t.words) {
        const filler = fillers.some((f) => w.start >= f.start && w.end <= f.end);
        for (const c of cuts) {
          const overlap = Math.min(c.end, w.end) - Math.max(c.start, w.start);
          if (!filler) expect(overlap, `${w.text} ${JSON.stringify(c)}`).toBeLessThanOrEqual(1e-9);
        }
      }
      for (let i = 1; i < cuts.length; i++) expect(cuts[i]?.start ?? 0).toBeGreaterThan(cuts[i - 1]?.end ?? 0);
      for (const c of cuts) expect(c.start >= span.start && c.end <= span.end && c.end > c.start).toBe(true);
    }
    // The filler itself ("Um,") is removed.
    const um = t.words.find((w) => w.text === 'Um,');
    const cuts = cutList(span, { silences: [], fillers, words: t.words });
    expect(cuts).toEqual([{ start: um?.start, end: um?.end }]);
  });

  it('keptDuration counts overlapping cuts once and ignores cuts outside the span', () => {
    expect(
      keptDuration({ start: 0, end: 10 }, [
        { start: 1, end: 3 },
        { start: 2, end: 4 },
        { start: 9, end: 15 },
        { start: 20, end: 30 },
      ]),
    ).toBe(6);
  });
});

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

import { describe, expect, it } from 'vitest';
import type { Word } from '../types.js';
import { buildTranscript, countSyllables, cuesToWords, distributeWords, endsSentence, toSentences } from './words.js';

const w = (text: string, start: number, end = start + 0.3): Word => ({ text, start, end });

describe('countSyllables', () => {
  it('counts vowel groups per language', () => {
    expect(countSyllables('cat')).toBe(1);
    expect(countSyllables('pricing')).toBe(2);
    expect(countSyllables('startups')).toBe(2);
    expect(countSyllables('make')).toBe(1);
    expect(countSyllables('another')).toBe(3);
    expect(countSyllables('report?')).toBe(2);
    expect(countSyllables('73')).toBeGreaterThanOrEqual(3);
    expect(countSyllables('canción', 'es')).toBe(2);
    expect(countSyllables('Bürgermeister', 'de')).toBe(4);
    expect(countSyllables('日本語', 'ja')).toBe(3);
    expect(countSyllables('—')).toBe(1);
  });
});

describe('distributeWords / cuesToWords', () => {
  it('gives longer words more time, and a comma a small pause', () => {
    const words = distributeWords('Hi, extraordinary cat', 10, 18);
    expect(words.map((x) => x.text)).toEqual(['Hi,', 'extraordinary', 'cat']);
    const [hi, extra, cat] = words as [Word, Word, Word];
    expect(hi.start).toBe(10);
    expect(cat.end).toBe(18);
    expect(extra.end - extra.start).toBeGreaterThan(4 * (cat.end - cat.start));
    expect(extra.start - hi.end).toBeGreaterThan(0.3);
    expect(cat.start).toBeCloseTo(extra.end, 3);
  });

  it('uses karaoke timestamps exactly and keeps overlapping cues in order', () => {
    const words = cuesToWords([
      {
        start: 1,
        end: 3,
        text: 'We cut costs',
        line: 1,
        timed: [
          { text: 'We', start: 1 },
          { text: 'cut', start: 1.4 },
          { text: 'costs', start: 1.9 },
        ],
      },
      { start: 2.5, end: 4, text: 'by half', line: 5 },
    ]);
    expect(words.map((x) => [x.text, x.start, x.end])).toEqual([
      ['We', 1, 1.4],
      ['cut', 1.4, 1.9],
      ['costs', 1.9, 3],
      ['by', 3, 3.5],
      ['half', 3.5, 4],
    ]);
  });
});

describe('toSentences', () => {
  it('ends at . ? ! … but not after abbreviations, initials or inside decimals', () => {
    const words = 'Dr. Smith met J. Doe in the U.S. today. Prices rose 3.5 percent, e.g. rent. Why? Because! Well…'.split(' ').map((t, i) => w(t, i * 0.4));
    expect(toSentences(words).map((s) => s.text)).toEqual([
      'Dr. Smith met J. Doe in the U.S. today.',
      'Prices rose 3.5 percent, e.g. rent.',
      'Why?',
      'Because!',
      'Well…',
    ]);
  });

  it('ends at a pause longer than one second, and records word ranges', () => {
    const words = [w('so', 0), w('anyway', 0.4), w('next', 2.0), w('part', 2.4)];
    const sentences = toSentences(words);
    expect(sentences.map((s) => [s.text, s.start, Math.round(s.end * 1000) / 1000, s.wordStart, s.wordEnd])).toEqual([
      ['so anyway', 0, 0.7, 0, 2],
      ['next part', 2.0, 2.7, 2, 4],
    ]);
  });

  it('keeps "etc." inside a sentence unless a capital follows', () => {
    expect(endsSentence('etc.', 'and')).toBe(false);
    expect(endsSentence('etc.', 'Then')).toBe(true);
    expect(endsSentence('done."', 'Then')).toBe(true);
  });

  it('builds a transcript with sorted words', () => {
    const t = buildTranscript([w('b.', 1), w('A', 0)], { language: 'en', source: 'test' });
    expect(t.words.map((x) => x.text)).toEqual(['A', 'b.']);
    expect(t.sentences).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import type { Word } from '../types.js';
import { captionLines, clipTimeMapper, wordsInClipTime } from './lines.js';

/** Words spoken evenly: each `step` seconds, lasting `step - gap`. */
function speak(text: string, start = 0, step = 0.3, gap = 0.05): Word[] {
  return text.split(' ').map((t, i) => ({ text: t, start: start + i * step, end: start + i * step + step - gap }));
}

const texts = (lines: ReturnType<typeof captionLines>): string[] => lines.map((l) => l.words.map((w) => w.text).join(' '));

describe('captionLines', () => {
  it('groups at most maxWords words per line', () => {
    const words = speak('one two three four five six seven eight nine');
    expect(texts(captionLines(words, { maxWords: 3 }))).toEqual(['one two three', 'four five six', 'seven eight nine']);
    expect(texts(captionLines(words, { maxWords: 1 }))).toHaveLength(9);
    for (const line of captionLines(words, { maxWords: 4 })) expect(line.words.length).toBeLessThanOrEqual(4);
  });

  it('never leaves a one-word orphan when it can split evenly', () => {
    expect(texts(captionLines(speak('we built this in a week'), { maxWords: 4 }))).toEqual(['we built this', 'in a week']);
    expect(texts(captionLines(speak('one two three four'), { maxWords: 3 }))).toEqual(['one two', 'three four']);
    const seven = texts(captionLines(speak('a b c d e f g'), { maxWords: 3 }));
    expect(seven.every((t) => t.split(' ').length >= 2)).toBe(true);
  });

  it('breaks at sentence ends first, even mid-group', () => {
    const words = speak('It works. Then we shipped it to everyone');
    const lines = texts(captionLines(words, { maxWords: 3 }));
    expect(lines[0]).toBe('It works.');
    expect(lines.join(' | ')).not.toMatch(/works\. Then/);
  });

  it('breaks at a long pause', () => {
    const words = [...speak('so here is', 0), ...speak('the plan for today', 2)];
    expect(texts(captionLines(words, { maxWords: 4 }))).toEqual(['so here is', 'the plan for today']);
  });

  it('does not let a pause leave a single word alone', () => {
    const words = [...speak('So,', 0), ...speak('what we did', 1.2)];
    const lines = texts(captionLines(words, { maxWords: 4 }));
    expect(lines).toEqual(['So, what we did']);
  });

  it('prefers a comma or a short pause as the break point', () => {
    expect(texts(captionLines(speak('we tried, and it was great'), { maxWords: 4 }))).toEqual(['we tried,', 'and it was great']);
    const paused = [...speak('we went out', 0), ...speak('and it rained', 0.95)];
    expect(texts(captionLines(paused, { maxWords: 4 }))).toEqual(['we went out', 'and it rained']);
    // …unless that leaves an orphan: with three words per line the comma goes inside.
    const lines = texts(captionLines(speak('well, I think we can'), { maxWords: 3 }));
    expect(lines.every((t) => t.split(' ').length >= 2)).toBe(true);
  });

  it('respects maxChars, keeping an over-long word on its own line', () => {
    const lines = texts(captionLines(speak('internationalization matters a lot'), { maxWords: 4, maxChars: 12 }));
    expect(lines[0]).toBe('internationalization');
    for (const line of lines.slice(1)) expect(line.length).toBeLessThanOrEqual(12);
  });

  it('shifts times to clip time and keeps each line until the next starts, at most 0.3 s after its last word', () => {
    const words = [...speak('first line here', 10), ...speak('second line now', 12)];
    const lines = captionLines(words, { clipStart: 10, maxWords: 3 });
    expect(lines[0]?.start).toBeCloseTo(0, 6);
    expect(lines[0]?.words[0]).toEqual({ text: 'first', start: 0, end: 0.25 });
    // Last word ends at 0.85; the next line starts at 2: shown until 0.85 + 0.3.
    expect(lines[0]?.end).toBeCloseTo(1.15, 6);
    expect(lines[1]?.start).toBeCloseTo(2, 6);
    const close = captionLines(speak('a b c d e f'), { maxWords: 3 });
    expect(close[0]?.end).toBeCloseTo(close[1]?.start ?? Number.NaN, 6);
  });

  it('drops words in removed spans and closes the gap they leave', () => {
    // "um" at 10.6–10.85 is cut, and 0.5 s of silence at 11.2–11.7.
    const words: Word[] = [
      { text: 'this', start: 10, end: 10.25 },
      { text: 'is', start: 10.3, end: 10.55 },
      { text: 'um', start: 10.6, end: 10.85 },
      { text: 'really', start: 10.9, end: 11.15 },
      { text: 'good', start: 11.7, end: 12 },
    ];
    const removed = [
      { start: 10.58, end: 10.88 },
      { start: 11.2, end: 11.7 },
    ];
    const lines = captionLines(words, { clipStart: 10, removed, maxWords: 4 });
    const shown = lines.flatMap((l) => l.words);
    expect(shown.map((w) => w.text)).toEqual(['this', 'is', 'really', 'good']);
    expect(shown[2]?.start).toBeCloseTo(0.9 - 0.3, 6);
    expect(shown[3]?.start).toBeCloseTo(1.7 - 0.3 - 0.5, 6);
  });

  it('ignores removed spans before the clip and drops words outside it', () => {
    const words = [...speak('before', 4), ...speak('inside the clip', 10), ...speak('after', 20)];
    const lines = captionLines(words, { clipStart: 10, clipEnd: 15, removed: [{ start: 2, end: 3 }] });
    expect(texts(lines)).toEqual(['inside the clip']);
    expect(lines[0]?.start).toBeCloseTo(0, 6);
  });

  it('clamps maxWords to 1…4 and skips empty words', () => {
    const words = [...speak('a b c d e f g h i j'), { text: '  ', start: 5, end: 5.2 }];
    expect(captionLines(words, { maxWords: 9 }).every((l) => l.words.length <= 4)).toBe(true);
    expect(captionLines(words, { maxWords: 0 }).every((l) => l.words.length === 1)).toBe(true);
    expect(captionLines([], {})).toEqual([]);
  });

  it('lines never overlap and are in order', () => {
    const words = speak('one two three. four five six seven eight, nine ten eleven twelve thirteen', 3, 0.22, 0.02);
    const lines = captionLines(words, { clipStart: 3, maxWords: 2 });
    for (let i = 1; i < lines.length; i++) {
      expect(lines[i]?.start).toBeGreaterThanOrEqual(lines[i - 1]?.end ?? Number.POSITIVE_INFINITY);
    }
  });
});

describe('clipTimeMapper', () => {
  it('subtracts merged removed time before a moment', () => {
    const { toClip } = clipTimeMapper(100, [
      { start: 103, end: 104 },
      { start: 103.5, end: 105 },
      { start: 90, end: 101 },
    ]);
    // [100,101] and [103,105] removed.
    expect(toClip(100.5)).toBeCloseTo(0, 6);
    expect(toClip(102)).toBeCloseTo(1, 6);
    expect(toClip(106)).toBeCloseTo(3, 6);
  });

  it('keeps a word half cut by a removed span, shortened', () => {
    const words = wordsInClipTime([{ text: 'long', start: 1, end: 2 }], { removed: [{ start: 1.7, end: 3 }] });
    expect(words).toEqual([{ text: 'long', start: 1, end: 1.7 }]);
  });
});

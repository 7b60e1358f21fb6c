/**
 * Synthetic transcripts for the highlight tests: each word lasts `word` seconds with `gap`
 * between words and `pause` between sentences, so every time is known exactly.
 */
import type { AudioAnalysis, Sentence, Transcript, Word } from '../types.js';

export interface TalkTiming {
  word?: number;
  gap?: number;
  pause?: number;
  start?: number;
}

export function makeTranscript(sentences: readonly string[], language = 'en', timing: TalkTiming = {}): Transcript {
  const word = timing.word ?? 0.3;
  const gap = timing.gap ?? 0.05;
  const pause = timing.pause ?? 0.5;
  let t = timing.start ?? 0;
  const words: Word[] = [];
  const out: Sentence[] = [];
  for (const text of sentences) {
    const parts = text.split(/\s+/).filter(Boolean);
    const wordStart = words.length;
    const start = t;
    for (const p of parts) {
      words.push({ text: p, start: t, end: t + word });
      t += word + gap;
    }
    const end = parts.length > 0 ? (words[words.length - 1]?.end ?? t) : t;
    out.push({ text, start, end, wordStart, wordEnd: words.length });
    t = end + pause;
  }
  return { language, source: 'test', words, sentences: out };
}

/** Constant loudness over the talk (every second at `lufs`), no silences. */
export function flatAudio(transcript: Transcript, lufs = -23): AudioAnalysis {
  const seconds = Math.ceil(transcript.sentences.at(-1)?.end ?? 0) + 1;
  return { silences: [], loudness: new Array(seconds).fill(lufs), integrated: lufs };
}

/** Bland sentences that carry no hook, no feeling and no shared topic. */
export const BLAND = [
  'The meeting room is on the second floor of the building.',
  'We usually order lunch from the place across the street.',
  'The printer in the hallway was replaced last autumn.',
  'Most of the chairs in the office are grey.',
  'The parking lot gets full around nine in the morning.',
  'A new plant was placed near the window.',
  'The coffee machine makes a loud noise in the morning.',
  'The calendar on the wall shows the holidays.',
  'Our desks are arranged in three long rows.',
  'The heating comes on at the start of October.',
  'There is a small kitchen next to the stairs.',
  'The cleaners come in on Tuesday evenings.',
  'A bus stops in front of the entrance every hour.',
  'The lift was painted blue a few years ago.',
  'Someone brought a cake for the team on Friday.',
  'The windows face a quiet garden with two benches.',
  'Visitors sign their names in a book at the desk.',
  'The lights turn off by themselves after eight.',
  'Our mail arrives just before noon on weekdays.',
  'A map of the town hangs next to the door.',
];

/**
 * Words → caption lines in clip time. The renderer cuts the clip out of the source and removes
 * silences and fillers inside it, so a caption's time is its source time minus the clip's start
 * minus the removed time before it; words inside removed parts are not shown.
 */

import { pushAll } from '@export-ia/core';
import type { CaptionLine, CaptionWord } from '@export-ia/core/plugin';
import type { Span, Word } from '../types.js';

export type { CaptionLine, CaptionWord };

export interface CaptionLineOptions {
  /** Words per line, 1…4. Default 3. */
  maxWords?: number;
  /** Characters per line (spaces included); a longer single word stays alone. Default 20. */
  maxChars?: number;
  /** Source time of the clip's first frame. Default 0. */
  clipStart?: number;
  /** Source time of the clip's end: later words are dropped, lines end there at the latest. */
  clipEnd?: number;
  /** Parts of the source removed from the clip (silences, fillers), source time. */
  removed?: readonly Span[];
  /** A gap between words at least this long (s) always ends a line. Default 0.7. */
  pauseBreak?: number;
  /** A gap at least this long (s) is a good place for a line break. Default 0.3. */
  pauseHint?: number;
  /** How long a line stays after its last word when the next line is later. Default 0.3 s. */
  linger?: number;
}

const SENTENCE_END = /[.?!…。？！]["'”’»)\]]*$/;
const CLAUSE_END = /[,;:—–]["'”’»)\]]*$/;

/**
 * Maps source times into clip time, skipping removed spans. Spans are merged, clipped to the
 * clip and sorted first, so overlapping or unordered input is fine.
 */
export function clipTimeMapper(
  clipStart = 0,
  removed: readonly Span[] = [],
): {
  toClip(t: number): number;
  /** Seconds of [start, end] that are removed. */
  removedWithin(start: number, end: number): number;
} {
  const spans = removed
    .map((s) => ({ start: Math.max(s.start, clipStart), end: s.end }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  const removedWithin = (start: number, end: number): number => {
    let total = 0;
    for (const span of merged) {
      if (span.start >= end) break;
      total += Math.max(0, Math.min(span.end, end) - Math.max(span.start, start));
    }
    return total;
  };
  return { toClip: (t) => t - clipStart - removedWithin(clipStart, t), removedWithin };
}

/** Words in clip time: removed or out-of-clip words dropped, text cleaned, sorted. */
export function wordsInClipTime(words: readonly Word[], options: Pick<CaptionLineOptions, 'clipStart' | 'clipEnd' | 'removed'> = {}): CaptionWord[] {
  const clipStart = options.clipStart ?? 0;
  const clipEnd = options.clipEnd ?? Number.POSITIVE_INFINITY;
  const { toClip, removedWithin } = clipTimeMapper(clipStart, options.removed);
  const out: CaptionWord[] = [];
  const sorted = [...words].sort((a, b) => a.start - b.start);
  for (const word of sorted) {
    const text = word.text.replace(/\s+/g, ' ').trim();
    if (!text) continue;
    const start = Math.max(word.start, clipStart);
    const end = Math.min(Math.max(word.end, word.start), clipEnd);
    // A word is kept when at least half of it (or its midpoint, for a zero-length word) is in
    // the clip and not removed.
    const length = word.end - word.start;
    const mid = (word.start + word.end) / 2;
    if (mid < clipStart || mid >= clipEnd) continue;
    const kept = end - start - removedWithin(start, end);
    if (length > 0 ? kept < length / 2 : removedWithin(mid - 1e-6, mid + 1e-6) > 0) continue;
    const clipWordStart = toClip(start);
    out.push({ text, start: clipWordStart, end: Math.max(clipWordStart, toClip(end)) });
  }
  return out;
}

function lineText(words: readonly CaptionWord[]): string {
  return words.map((w) => w.text).join(' ');
}

/**
 * Splits one phrase (no forced break inside) into lines of at most `maxWords` words and
 * `maxChars` characters, with as few lines as possible, then: no 1-word line when the phrase has
 * more, breaks at pauses and commas rather than inside them, lines of even length.
 */
function splitPhrase(words: readonly CaptionWord[], maxWords: number, maxChars: number, pauseHint: number): CaptionWord[][] {
  const n = words.length;
  if (n === 0) return [];
  // Cost of breaking after word i (before i+1): cheap at a pause or a clause end.
  const breakCost = (i: number): number => {
    const word = words[i];
    const next = words[i + 1];
    if (!word || !next) return 0;
    if (next.start - word.end >= pauseHint) return 0;
    return CLAUSE_END.test(word.text) ? 0.5 : 2;
  };
  const best: number[] = new Array<number>(n + 1).fill(Number.POSITIVE_INFINITY);
  const from: number[] = new Array<number>(n + 1).fill(0);
  best[0] = 0;
  for (let j = 1; j <= n; j++) {
    for (let i = j - 1; i >= 0 && j - i <= maxWords; i--) {
      const count = j - i;
      const chars = lineText(words.slice(i, j)).length;
      if (count > 1 && chars > maxChars) break;
      let cost = (best[i] ?? Number.POSITIVE_INFINITY) + 100;
      if (count === 1 && n > 1) cost += 40;
      // Unused hints inside the line (a pause or a comma not broken at).
      for (let k = i; k < j - 1; k++) cost += 2 - breakCost(k);
      if (j < n) cost += breakCost(j - 1);
      // Prefer even lines: a small cost for each word short of the phrase's average.
      cost += Math.abs(count - n / Math.ceil(n / maxWords)) * 0.6;
      if (cost < (best[j] ?? Number.POSITIVE_INFINITY)) {
        best[j] = cost;
        from[j] = i;
      }
    }
  }
  const lines: CaptionWord[][] = [];
  for (let j = n; j > 0; j = from[j] ?? 0) lines.unshift(words.slice(from[j] ?? 0, j));
  return lines;
}

/**
 * Groups timed words into caption lines in clip time.
 *
 * Lines break first at sentence ends and at pauses (≥ `pauseBreak`), then every `maxWords`
 * words / `maxChars` characters, choosing break points so that no line is a lone word when the
 * phrase has more (a pause that would leave one word alone does not force a break). A line is
 * shown from its first word's start until the next line starts, and at most `linger` seconds
 * after its last word ends.
 */
export function captionLines(words: readonly Word[], options: CaptionLineOptions = {}): CaptionLine[] {
  const maxWords = Math.min(4, Math.max(1, Math.round(options.maxWords ?? 3)));
  const maxChars = Math.max(1, options.maxChars ?? 20);
  const pauseBreak = options.pauseBreak ?? 0.7;
  const pauseHint = Math.min(options.pauseHint ?? 0.3, pauseBreak);
  const linger = options.linger ?? 0.3;
  const clipWords = wordsInClipTime(words, options);
  const clipLength = options.clipEnd !== undefined ? clipTimeMapper(options.clipStart ?? 0, options.removed).toClip(options.clipEnd) : Number.POSITIVE_INFINITY;

  // Forced breaks: after a sentence end (always), after a long pause (unless it leaves a lone
  // word that the neighbouring phrase can take).
  const sentenceEnd = (i: number): boolean => SENTENCE_END.test(clipWords[i]?.text ?? '');
  const gapAfter = (i: number): number => {
    const a = clipWords[i];
    const b = clipWords[i + 1];
    return a && b ? b.start - a.end : Number.POSITIVE_INFINITY;
  };
  const forced = new Set<number>();
  for (let i = 0; i < clipWords.length - 1; i++) {
    if (sentenceEnd(i) || gapAfter(i) >= pauseBreak) forced.add(i);
  }
  // A lone word between two forced breaks: drop the pause break on its shorter-gap side (never a
  // sentence end), so it joins a neighbour.
  for (let i = 0; i < clipWords.length; i++) {
    const before = i === 0 || forced.has(i - 1);
    const after = i === clipWords.length - 1 || forced.has(i);
    if (!before || !after || clipWords.length < 2) continue;
    const leftFree = i > 0 && !sentenceEnd(i - 1);
    const rightFree = i < clipWords.length - 1 && !sentenceEnd(i);
    if (leftFree && (!rightFree || gapAfter(i - 1) <= gapAfter(i))) forced.delete(i - 1);
    else if (rightFree) forced.delete(i);
  }

  const groups: CaptionWord[][] = [];
  let phrase: CaptionWord[] = [];
  clipWords.forEach((word, i) => {
    phrase.push(word);
    if (forced.has(i) || i === clipWords.length - 1) {
      pushAll(groups, splitPhrase(phrase, maxWords, maxChars, pauseHint));
      phrase = [];
    }
  });

  const lines: CaptionLine[] = [];
  groups.forEach((group, index) => {
    const first = group[0];
    const last = group[group.length - 1];
    if (!first || !last) return;
    const next = groups[index + 1]?.[0];
    let end = Math.max(last.end, first.start) + linger;
    if (next) end = Math.min(end, next.start);
    end = Math.min(end, clipLength);
    const start = Math.max(0, first.start);
    if (end <= start) end = start + 0.05;
    lines.push({ start, end, words: group.map((w) => ({ ...w })) });
  });
  return lines;
}

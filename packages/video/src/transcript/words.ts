/**
 * From cues (or recogniser utterances) to timed words and sentences. A cue only says when its
 * text is on screen; spreading that time over its words by syllable count (plus a small weight
 * for the pause a comma or full stop makes) puts each word within a fraction of a second of when
 * it is said, which is what clip boundaries and karaoke captions need.
 */

import { pushAll } from '@export-ia/core';
import type { Sentence, Transcript, Word } from '../types.js';
import type { Cue } from './subtitles.js';

const VOWELS: Record<string, RegExp> = {
  en: /[aeiouy]+/g,
  es: /[aeiouáéíóúü]+/g,
  fr: /[aeiouyàâéèêëîïôûùüÿœæ]+/g,
  de: /[aeiouyäöü]+/g,
  it: /[aeiouàèéìíòóùú]+/g,
  pt: /[aeiouáâãàéêíóôõú]+/g,
  nl: /[aeiouy]+/g,
};
const LATIN_VOWELS = /[aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüÿœ]+/g;
/** Scripts where each character is about one syllable. */
const SYLLABIC = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/gu;

/**
 * Syllables in a word, by counting vowel groups (per language; English drops a silent final e).
 * Numbers count roughly as spoken ("73" ≈ 4). Always at least 1.
 */
export function countSyllables(word: string, language = 'en'): number {
  const lower = word.toLowerCase().normalize('NFC');
  const cjk = lower.match(SYLLABIC)?.length ?? 0;
  if (cjk > 0) return cjk;
  const digits = lower.replace(/[^0-9]/g, '');
  if (digits.length > 0 && /^[\d.,:%$€£-]+$/.test(lower)) return Math.max(1, Math.round(digits.length * 1.6));
  const letters = lower.replace(/[^\p{L}']/gu, '');
  if (!letters) return 1;
  const vowels = VOWELS[language.slice(0, 2)] ?? LATIN_VOWELS;
  vowels.lastIndex = 0;
  let count = letters.match(vowels)?.length ?? 0;
  if (count === 0 && /[^\p{Script=Latin}']/u.test(letters)) return Math.max(1, Math.round(letters.length / 3));
  if (language.startsWith('en') && count > 1 && /[^aeiouyl]e$/.test(letters)) count--;
  if (language.startsWith('en') && count > 1 && /[^aeiouy]es$|[^aeioutdy]ed$/.test(letters)) count--;
  return Math.max(1, count);
}

/** The pause a word's trailing punctuation adds, in syllables. */
function pauseWeight(word: string): number {
  if (/[.?!…。？！]["'”’)\]]*$/.test(word)) return 1;
  if (/[,;:，、；：—–]["'”’)\]]*$/.test(word)) return 0.5;
  return 0;
}

/** Spreads [start, end] over the words of `text` by syllable weight. */
export function distributeWords(text: string, start: number, end: number, language = 'en'): Word[] {
  const tokens = text.split(/\s+/).filter((t) => /[\p{L}\p{N}]/u.test(t));
  if (tokens.length === 0) return [];
  const weights = tokens.map((t) => countSyllables(t, language));
  const pauses = tokens.map((t, i) => (i < tokens.length - 1 ? pauseWeight(t) : 0));
  const total = weights.reduce((a, b) => a + b, 0) + pauses.reduce((a, b) => a + b, 0);
  const span = Math.max(0, end - start);
  const words: Word[] = [];
  let cursor = 0;
  tokens.forEach((token, i) => {
    const w = weights[i] as number;
    const wordStart = start + (span * cursor) / total;
    cursor += w;
    const wordEnd = start + (span * cursor) / total;
    cursor += pauses[i] as number;
    words.push({ text: token, start: round(wordStart), end: round(wordEnd) });
  });
  return words;
}

function round(t: number): number {
  return Math.round(t * 1000) / 1000;
}

/**
 * Words from cues: each cue's time spread over its words by syllables (or, with karaoke
 * timestamps, each timed run over its own span). Overlapping cues are made sequential so word
 * times never go backwards.
 */
export function cuesToWords(cues: readonly Cue[], language = 'en'): Word[] {
  const words: Word[] = [];
  let floor = 0;
  for (const cue of cues) {
    const start = Math.max(cue.start, Math.min(floor, cue.end));
    const end = Math.max(start, cue.end);
    if (cue.timed) {
      cue.timed.forEach((run, i) => {
        const runStart = Math.max(start, Math.min(run.start, end));
        const next = cue.timed?.[i + 1];
        const runEnd = Math.max(runStart, Math.min(next ? next.start : end, end));
        pushAll(words, distributeWords(run.text, runStart, runEnd, language));
      });
    } else {
      pushAll(words, distributeWords(cue.text.replace(/\n/g, ' '), start, end, language));
    }
    floor = Math.max(floor, end);
  }
  return words;
}

/** Abbreviations whose full stop does not end a sentence (lower case, with their dots). */
const ABBREVIATIONS = new Set([
  'mr.',
  'mrs.',
  'ms.',
  'dr.',
  'prof.',
  'st.',
  'sr.',
  'jr.',
  'vs.',
  'v.',
  'e.g.',
  'i.e.',
  'cf.',
  'approx.',
  'ca.',
  'inc.',
  'ltd.',
  'co.',
  'corp.',
  'no.',
  'nos.',
  'fig.',
  'vol.',
  'dept.',
  'mt.',
  'ave.',
  'gen.',
  'gov.',
  'sra.',
  'dra.',
  'p.ej.',
  'z.b.',
  'usw.',
  'bzw.',
  'mme.',
  'mlle.',
]);

/** Does this word end a sentence (given the word after it)? */
export function endsSentence(word: string, next: string | undefined): boolean {
  const bare = word.replace(/["'”’)\]»]+$/, '');
  if (!/[.?!…。？！]$/.test(bare)) return false;
  if (/[?!…。？！]$/.test(bare) || bare.endsWith('...')) return true;
  const lower = bare.toLowerCase().replace(/^["'“‘([«]+/, '');
  if (ABBREVIATIONS.has(lower)) return false;
  // Initials and dotted abbreviations (J., U.S.) do not end a sentence; "etc." does when a
  // capitalised word follows.
  if (/^(\p{L}\.)+$/u.test(lower)) return false;
  if (lower === 'etc.') return next !== undefined && /^\p{Lu}/u.test(next);
  return true;
}

export interface SentenceOptions {
  /** A pause longer than this (seconds) ends a sentence even without punctuation. Default 1. */
  maxPause?: number;
}

/**
 * Groups words into sentences: a sentence ends at . ? ! … (not after "Dr.", "e.g.", "U.S." or
 * inside "3.5"), or at a pause longer than `maxPause`.
 */
export function toSentences(words: readonly Word[], options: SentenceOptions = {}): Sentence[] {
  const maxPause = options.maxPause ?? 1;
  const sentences: Sentence[] = [];
  let first = 0;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as Word;
    const next = words[i + 1];
    const pause = next ? next.start - word.end : Number.POSITIVE_INFINITY;
    if (!next || pause > maxPause || endsSentence(word.text, next.text)) {
      const run = words.slice(first, i + 1);
      sentences.push({
        text: run.map((w) => w.text).join(' '),
        start: (words[first] as Word).start,
        end: word.end,
        wordStart: first,
        wordEnd: i + 1,
      });
      first = i + 1;
    }
  }
  return sentences;
}

/** A transcript from timed words: sentences added, words sorted. */
export function buildTranscript(words: readonly Word[], options: { language: string; source: string } & SentenceOptions): Transcript {
  const sorted = [...words].filter((w) => Number.isFinite(w.start) && Number.isFinite(w.end)).sort((a, b) => a.start - b.start);
  return { language: options.language, source: options.source, words: sorted, sentences: toSentences(sorted, options) };
}

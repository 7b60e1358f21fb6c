/**
 * Small text helpers shared by the highlight steps: tokens of spoken words, a light stemmer for
 * matching keywords and counting terms, and how strongly a sentence ends.
 */
import type { Sentence, Transcript, Word } from '../types.js';

const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** Lower-case tokens of a text (letters and digits; inner apostrophes kept, typographic ones made plain). */
export function tokens(text: string): string[] {
  const out: string[] = [];
  for (const m of text.normalize('NFC').toLowerCase().matchAll(TOKEN)) out.push(m[0].replace(/’/g, "'"));
  return out;
}

/** Accents removed (for matching only: "précis" = "precis"). */
export function fold(token: string): string {
  return token.normalize('NFD').replace(/\p{M}+/gu, '');
}

/**
 * A light stem: plural and a few inflection endings cut, accents folded. Enough for "price" to
 * match "prices" and "pricing", "Preis" to match "Preise"; not a linguistic stemmer.
 */
export function stem(token: string, language: string): string {
  let t = fold(token.toLowerCase()).replace(/'s$/, '');
  if (t.length <= 3) return t;
  switch (language) {
    case 'en':
      if (t.endsWith('ies') && t.length > 4) return `${t.slice(0, -3)}y`;
      if (t.endsWith('sses')) return t.slice(0, -2);
      if (/(?:x|z|ch|sh)es$/.test(t)) return t.slice(0, -2);
      if (t.endsWith('ing') && t.length > 5) {
        t = t.slice(0, -3);
        return /([b-df-hj-np-tv-z])\1$/.test(t) ? t.slice(0, -1) : t;
      }
      if (t.endsWith('ed') && t.length > 4) {
        t = t.slice(0, -2);
        return /([b-df-hj-np-tv-z])\1$/.test(t) ? t.slice(0, -1) : t;
      }
      if (t.endsWith('s') && !t.endsWith('ss') && !t.endsWith('us') && !t.endsWith('is')) t = t.slice(0, -1);
      // "price"/"pricing"/"priced" → "pric": the silent e goes too.
      return t.length > 3 ? t.replace(/e$/, '') : t;
    case 'es':
    case 'fr':
    case 'it':
    case 'pt':
      if (t.endsWith('es') && t.length > 5) t = t.slice(0, -2);
      else if (t.endsWith('s') || t.endsWith('x')) t = t.slice(0, -1);
      return t.length > 3 ? t.replace(/[aeo]$/, '') : t;
    case 'de':
      for (const end of ['ern', 'en', 'er', 'es', 'e', 'n', 's']) {
        if (t.endsWith(end) && t.length - end.length >= 4) return t.slice(0, -end.length);
      }
      return t;
    default:
      return t.endsWith('s') && t.length > 4 ? t.slice(0, -1) : t;
  }
}

/**
 * How strongly a sentence ends, from its last characters: 3 for . ! ? … (and their CJK forms),
 * 1 for a comma, semicolon, colon or dash, 0 for nothing (an ASR sentence cut at a pause).
 */
export function endStrength(text: string): number {
  const t = text.trimEnd().replace(/["'”’»)\]]+$/u, '');
  if (/[.!?…。！？]$/u.test(t)) return 3;
  if (/[,;:—–-]$/u.test(t)) return 1;
  return 0;
}

/** The words of a run of sentences `[first, end)` (empty sentences contribute nothing). */
export function wordsOf(transcript: Transcript, first: number, end: number): Word[] {
  const a = transcript.sentences[first];
  const b = transcript.sentences[end - 1];
  if (!a || !b) return [];
  return transcript.words.slice(a.wordStart, Math.max(a.wordStart, b.wordEnd));
}

/** True when a sentence has at least one word. */
export function hasWords(s: Sentence): boolean {
  return s.wordEnd > s.wordStart;
}

/** Median of numbers (0 for none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** A quoted excerpt of at most `max` words: `"What if you could…"`. */
export function excerpt(text: string, max = 8): string {
  const words = text.trim().split(/\s+/);
  return words.length <= max ? `"${words.join(' ')}"` : `"${words.slice(0, max).join(' ')}…"`;
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : Number.isFinite(x) ? x : 0;
}

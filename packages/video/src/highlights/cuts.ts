/**
 * What `--remove-fillers` and `--remove-silence` take out of a clip: filler words found in the
 * transcript (conservatively: a word that is also a real word counts only where punctuation or
 * position shows it is a filler), and the list of spans to cut, never inside a spoken word.
 */
import type { Span, Transcript, Word } from '../types.js';
import { primary } from './cues.js';
import { tokens } from './text.js';

interface FillerRules {
  /** Always fillers (hesitation sounds). */
  sounds: string[];
  /** Fillers only when set off by punctuation (a comma/stop before or after, or the sentence's first word followed by a comma). */
  marked: string[];
  /** Fillers unless they open the sentence or are followed by '!' (German "halt" the particle, not "Halt!"). */
  particles: string[];
}

const RULES: Record<string, FillerRules> = {
  en: { sounds: ['um', 'umm', 'uh', 'uhh', 'uhm', 'er', 'erm', 'hmm', 'mm', 'mhm'], marked: ['you know', 'i mean', 'like'], particles: [] },
  es: { sounds: ['eh', 'ehm', 'em', 'mmm', 'mm'], marked: ['este', 'o sea', 'pues'], particles: [] },
  fr: { sounds: ['euh', 'heu', 'euhm', 'bah', 'hum'], marked: ['ben', 'du coup', 'genre'], particles: [] },
  de: { sounds: ['äh', 'ähm', 'öh', 'öhm', 'hm', 'hmm'], marked: [], particles: ['halt'] },
};

const NONE: FillerRules = { sounds: ['um', 'uh', 'hmm', 'mm'], marked: [], particles: [] };

/** Punctuation that sets a word off: before it (at the end of the previous word) or after it. */
const SET_OFF = /[,;:.!?…—–]["'”’»)]*$/u;

/**
 * Filler words in `span` (whole words, their own timings; a two-word filler is one span).
 * English: um, uh, er, erm…; "you know", "I mean", "like" only between commas or as a
 * sentence's first words before a comma ("It was, like, huge" yes; "I like it" no). Spanish:
 * eh, em; "este", "o sea", "pues" set off by commas. French: euh, bah; "ben", "du coup", "genre"
 * set off. German: äh, ähm; "halt" as a particle (not first, not "Halt!").
 */
export function fillerSpans(transcript: Transcript, span: Span, language: string): Span[] {
  const rules = RULES[primary(language)] ?? NONE;
  const words = transcript.words;
  const sentenceStarts = new Set(transcript.sentences.map((s) => s.wordStart));
  const phrases = rules.marked.map((m) => tokens(m));
  const out: Span[] = [];
  const norm = (w: Word | undefined) => (w ? tokens(w.text).join(' ') : '');

  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (!w || w.start < span.start - 1e-9 || w.end > span.end + 1e-9) continue;
    const t = norm(w);
    if (rules.sounds.includes(t)) {
      out.push({ start: w.start, end: w.end });
      continue;
    }
    if (rules.particles.includes(t) && !sentenceStarts.has(i) && !w.text.includes('!')) {
      out.push({ start: w.start, end: w.end });
      continue;
    }
    for (const p of phrases) {
      const run = words.slice(i, i + p.length);
      if (run.length !== p.length || !run.every((x, k) => norm(x) === p[k])) continue;
      const last = run[run.length - 1];
      if (!last || last.end > span.end + 1e-9) continue;
      const before = i > 0 && SET_OFF.test(words[i - 1]?.text ?? '');
      const after = /[,;:—–…]["'”’»)]*$/u.test(last.text) || /[.!?]$/u.test(last.text);
      const opens = sentenceStarts.has(i) || i === 0;
      // Between commas, or opening a sentence with a comma after it ("Like, I don't know"), or
      // closing a clause after a comma ("It's hard, you know.").
      if ((before && after) || (opens && /,["'”’»)]*$/u.test(last.text)) || (before && /[.!?]$/u.test(last.text) && p.join(' ') !== 'like')) {
        out.push({ start: w.start, end: last.end });
        i += p.length - 1;
        break;
      }
    }
  }
  return out;
}

export interface CutOptions {
  /** Pauses found by the audio pass. */
  silences: readonly Span[];
  /** Filler words to remove (from `fillerSpans`). */
  fillers?: readonly Span[];
  /** Only pauses at least this long are shortened. Default 0.6 s. */
  minSilence?: number;
  /** Seconds of each pause kept on both sides of speech. Default 0.15 s. */
  keep?: number;
  /** The spoken words: no removal ever cuts into one (fillers excepted). */
  words?: readonly Word[];
  /** Removals shorter than this are dropped (a jump cut that saves nothing). Default 0.05 s. */
  minCut?: number;
}

/**
 * The parts of `span` to remove: long pauses shortened to `keep` on each side, filler words
 * removed, then everything merged, sorted, clipped to the span, and trimmed away from every
 * spoken word that is not a filler.
 */
export function cutList(span: Span, options: CutOptions): Span[] {
  const minSilence = options.minSilence ?? 0.6;
  const keep = Math.max(0, options.keep ?? 0.15);
  const minCut = options.minCut ?? 0.05;
  const raw: Span[] = [];
  for (const s of options.silences) {
    if (s.end - s.start < minSilence) continue;
    // A pause at the clip's edge keeps `keep` only on its speech side.
    const start = s.start <= span.start ? span.start : s.start + keep;
    const end = s.end >= span.end ? span.end : s.end - keep;
    if (end > start) raw.push({ start, end });
  }
  const fillers = options.fillers ?? [];
  for (const f of fillers) if (f.end > f.start) raw.push({ start: f.start, end: f.end });

  const isFiller = (w: Word) => fillers.some((f) => w.start >= f.start - 1e-6 && w.end <= f.end + 1e-6);
  const protectedWords = (options.words ?? []).filter((w) => w.end > span.start && w.start < span.end && !isFiller(w));

  let cuts = merge(raw.map((r) => ({ start: Math.max(r.start, span.start), end: Math.min(r.end, span.end) })).filter((r) => r.end > r.start));
  for (const w of protectedWords) cuts = cuts.flatMap((c) => subtract(c, w));
  return merge(cuts).filter((c) => c.end - c.start >= minCut);
}

/** Seconds left of `span` once `cuts` are removed. */
export function keptDuration(span: Span, cuts: readonly Span[]): number {
  let removed = 0;
  for (const c of merge(cuts.map((c) => ({ start: Math.max(c.start, span.start), end: Math.min(c.end, span.end) })))) removed += Math.max(0, c.end - c.start);
  return Math.max(0, span.end - span.start - removed);
}

function merge(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end + 1e-9) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

function subtract(c: Span, w: Span): Span[] {
  if (w.end <= c.start || w.start >= c.end) return [c];
  const out: Span[] = [];
  if (w.start > c.start) out.push({ start: c.start, end: w.start });
  if (w.end < c.end) out.push({ start: w.end, end: c.end });
  return out;
}

/**
 * The scoring factors, each a value 0…1 with a plain-words detail, or `null` when it does not
 * apply (no words, no loudness, no scenes, no keywords). `score.ts` combines them.
 */
import type { AudioAnalysis, Candidate, SceneAnalysis, Transcript } from '../types.js';
import { cuesFor, findPhrases, hasCues, type LanguageCues } from './cues.js';
import { type EmotionLexicon, emotionLexicon, stopWords } from './lexicon.js';
import { clamp01, endStrength, excerpt, median, stem, tokens } from './text.js';

export interface FactorResult {
  value: number;
  detail: string;
}

/** What the factors need to know about the whole talk, computed once per scoring run. */
export interface TalkContext {
  transcript: Transcript;
  language: string;
  cues: LanguageCues;
  lexicon: EmotionLexicon;
  stop: Set<string>;
  /** Median words per second over the talk's sentences. */
  medianWps: number;
  /** Mean momentary loudness of the talk's sounding seconds (LUFS), or undefined. */
  talkLoudness: number | undefined;
  loudness: readonly number[];
  /** Inverse document frequency of each content stem over the talk's windows. */
  idf: Map<string, number>;
  /** How often each content stem occurs in the whole talk. */
  talkCounts: Map<string, number>;
  /** Keywords as stem sequences, with their original spelling. */
  keywords: { text: string; stems: string[] }[];
  scenes: SceneAnalysis | undefined;
  /** Tokens of each word of the transcript (same index), computed once: candidates overlap a lot. */
  wordTokens: string[][];
  /** Hook analyses by opening text. */
  hooks: Map<string, FactorResult>;
  /** The stem of a token (memoised). */
  stemOf: (token: string) => string;
}

/** Below this momentary loudness a second counts as silence (not part of the energy means). */
const SILENT_LUFS = -60;

export function talkContext(
  transcript: Transcript,
  audio: AudioAnalysis,
  scenes: SceneAnalysis | undefined,
  language: string,
  keywords: readonly string[],
  windowSeconds: number,
): TalkContext {
  const stop = stopWords(language);
  const stems = new Map<string, string>();
  const stemOf = (t: string) => {
    let s = stems.get(t);
    if (s === undefined) {
      s = stem(t, language);
      stems.set(t, s);
    }
    return s;
  };
  const wordTokens = transcript.words.map((w) => tokens(w.text));
  const wps: number[] = [];
  for (const s of transcript.sentences) {
    const n = s.wordEnd - s.wordStart;
    if (n >= 3 && s.end - s.start > 0.3) wps.push(n / (s.end - s.start));
  }
  const sounding = audio.loudness.filter((l) => Number.isFinite(l) && l > SILENT_LUFS);

  // TF-IDF "documents": the talk cut into windows of about a candidate's length.
  const windows = new Map<number, Set<string>>();
  const talkCounts = new Map<string, number>();
  for (const s of transcript.sentences) {
    const w = Math.floor(s.start / windowSeconds);
    let set = windows.get(w);
    if (!set) {
      set = new Set();
      windows.set(w, set);
    }
    for (const t of contentStems(wordTokens.slice(s.wordStart, s.wordEnd), stop, stemOf)) {
      set.add(t);
      talkCounts.set(t, (talkCounts.get(t) ?? 0) + 1);
    }
  }
  const df = new Map<string, number>();
  for (const set of windows.values()) for (const t of set) df.set(t, (df.get(t) ?? 0) + 1);
  const idf = new Map<string, number>();
  for (const [t, d] of df) idf.set(t, Math.log((windows.size + 1) / (d + 1)) + 1);

  return {
    transcript,
    language,
    cues: cuesFor(language),
    lexicon: emotionLexicon(language),
    stop,
    medianWps: median(wps),
    talkLoudness: sounding.length > 0 ? sounding.reduce((a, b) => a + b, 0) / sounding.length : undefined,
    loudness: audio.loudness,
    idf,
    talkCounts,
    keywords: keywords
      .map((k) => k.trim())
      .filter(Boolean)
      .map((text) => ({ text, stems: tokens(text).map((t) => stem(t, language)) }))
      .filter((k) => k.stems.length > 0),
    scenes,
    wordTokens,
    stemOf,
    hooks: new Map(),
  };
}

function contentStems(words: readonly string[][], stop: Set<string>, stemOf: (t: string) => string): string[] {
  const out: string[] = [];
  for (const toks of words) {
    for (const t of toks) {
      if (t.length < 3 || stop.has(t) || /^\d+$/.test(t)) continue;
      out.push(stemOf(t));
    }
  }
  return out;
}

/** Tokens of the candidate's words. */
function candidateTokens(ctx: TalkContext, c: Candidate): string[] {
  const [a, b] = wordRange(ctx, c);
  return ctx.wordTokens.slice(a, b).flat();
}

/** Index of the candidate's first word and one past its last. */
function wordRange(ctx: TalkContext, c: Candidate): [number, number] {
  const first = ctx.transcript.sentences[c.sentenceStart];
  const last = ctx.transcript.sentences[c.sentenceEnd - 1];
  if (!first || !last || c.sentenceEnd <= c.sentenceStart) return [0, 0];
  return [first.wordStart, Math.max(first.wordStart, last.wordEnd)];
}

function hasText(ctx: TalkContext, c: Candidate): boolean {
  const [a, b] = wordRange(ctx, c);
  return b > a;
}

const FIGURE =
  /[$€£¥]\s?\d[\d,.]*(?:\s?(?:k|m|bn|million|billion|thousand)\b)?|\d[\d,.]*\s?(?:%|x\b|k\b|percent|per cent|por ciento|pour cent|prozent|million|millions|millones|millionen|billion|billions|milliards?|milliarden|thousand|mil\b|mille|tausend|dollars?|euros?|pounds?|dólares)/iu;

/** Hook strength of the opening sentence (and the next when the first has under 3 words). */
export function hook(ctx: TalkContext, c: Candidate): FactorResult | null {
  if (!hasText(ctx, c)) return null;
  const ss = ctx.transcript.sentences;
  const first = ss[c.sentenceStart];
  if (!first) return null;
  let text = first.text;
  let n = first.wordEnd - first.wordStart;
  for (let i = c.sentenceStart + 1; n < 3 && i < c.sentenceEnd; i++) {
    const s = ss[i];
    if (!s) break;
    text = `${text} ${s.text}`;
    n += s.wordEnd - s.wordStart;
  }
  // Candidates from one start sentence share their opening: analyse it once.
  const memo = ctx.hooks.get(text);
  if (memo) return memo;
  const toks = tokens(text);
  const cues = ctx.cues;
  const found: string[] = [];
  let v = 0;
  const quote = excerpt(text);

  if (/[?？¿]/u.test(text)) {
    v += 0.4;
    found.push(`Opens with a question: ${quote}`);
  } else if (findPhrases(toks, cues.questionOpeners, true).length > 0) {
    v += 0.25;
    found.push(`Opens like a question: ${quote}`);
  }
  // A figure (73 %, $5, 3 million) is a concrete claim; a bare number less so; a number word least.
  const figure = text.match(FIGURE)?.[0];
  const digits = text.match(/\d[\d,.]*/u)?.[0];
  const numberWord = findPhrases(toks, cues.numberWords)[0];
  if (figure || digits || numberWord) {
    v += figure ? 0.3 : digits ? 0.2 : 0.15;
    found.push(`Gives ${figure ? 'a figure' : 'a number'}: "${(figure ?? digits ?? numberWord ?? '').trim()}"`);
  }
  const pattern = findPhrases(toks, cues.hookPhrases)[0];
  if (pattern) {
    v += 0.45;
    found.push(`Promises a pay-off: "${pattern}"`);
  }
  const claim = findPhrases(toks, cues.superlatives)[0];
  if (claim) {
    v += 0.2;
    found.push(`Makes a strong claim: "${claim}"`);
  }
  const imperative = findPhrases(toks, cues.imperatives, true)[0];
  if (imperative) {
    v += 0.2;
    found.push(`Opens with an imperative: "${imperative}"`);
  }
  const you = findPhrases(toks, cues.secondPerson)[0];
  if (you) {
    v += 0.1;
    found.push(`Speaks to the viewer ("${you}")`);
  }
  const detail =
    found.length > 0
      ? found.join('; ')
      : `No hook in the opening ${quote}${hasCues(ctx.language) ? '' : ` (only "?" and numbers are recognised in "${ctx.language}")`}`;
  const result = { value: clamp01(v), detail };
  ctx.hooks.set(text, result);
  return result;
}

/** Emotional intensity: the magnitude of feeling words per word (intensifiers 1.5×, each "!" counts 1). */
export function emotion(ctx: TalkContext, c: Candidate): FactorResult | null {
  if (!hasText(ctx, c)) return null;
  const toks = candidateTokens(ctx, c);
  let sum = 0;
  const hits: { word: string; v: number }[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] ?? '';
    if (ctx.stop.has(t)) continue;
    const v = ctx.lexicon.valence(t);
    if (v === undefined || v === 0) continue;
    const boost = i > 0 && ctx.lexicon.intensifier(toks[i - 1] ?? '') ? 1.5 : 1;
    // Mild words (|valence| 1: "grey", "cut") are not feeling: magnitude counts from 2 up.
    if (Math.abs(v) * boost < 2) continue;
    sum += (Math.abs(v) - 1) * boost;
    hits.push({ word: t, v: v * boost });
  }
  const bangs = (c.text.match(/!/g) ?? []).length;
  sum += bangs;
  const rate = sum / Math.max(10, toks.length);
  const value = 1 - Math.exp(-rate / 0.12);
  if (hits.length === 0 && bangs === 0) return { value: 0, detail: 'Neutral tone' };
  const top = [...hits].sort((a, b) => Math.abs(b.v) - Math.abs(a.v)).filter((h, i, all) => all.findIndex((x) => x.word === h.word) === i);
  const pos = hits.reduce((a, h) => a + Math.max(0, h.v), 0);
  const neg = hits.reduce((a, h) => a - Math.min(0, h.v), 0);
  const words = top
    .slice(0, 3)
    .map((h) => `"${h.word}"`)
    .join(', ');
  const tone = pos > 2 * neg ? 'positive' : neg > 2 * pos ? 'negative' : 'mixed';
  const parts = [words ? `Strong feeling (${tone}): ${words}` : '', bangs > 0 ? `${bangs} exclamation${bangs > 1 ? 's' : ''}` : ''].filter(Boolean);
  return { value: clamp01(value), detail: parts.join('; ') };
}

/**
 * Raw topic salience: the mean of the 5 best (1 + ln count) · idf over the segment's content
 * stems that recur in the talk (a one-off word is not a topic); keyword stems count double.
 */
export function salienceRaw(ctx: TalkContext, c: Candidate): { raw: number; terms: string[] } | null {
  if (!hasText(ctx, c)) return null;
  const counts = new Map<string, { n: number; word: string }>();
  const [a, b] = wordRange(ctx, c);
  for (let i = a; i < b; i++) {
    for (const t of ctx.wordTokens[i] ?? []) {
      if (t.length < 3 || ctx.stop.has(t) || /^\d+$/.test(t)) continue;
      const s = ctx.stemOf(t);
      const e = counts.get(s);
      if (e) e.n++;
      else counts.set(s, { n: 1, word: t });
    }
  }
  const keyStems = new Set(ctx.keywords.flatMap((k) => k.stems));
  const scored: { word: string; s: number }[] = [];
  for (const [s, { n, word }] of counts) {
    if ((ctx.talkCounts.get(s) ?? 0) < 2) continue;
    scored.push({ word, s: (1 + Math.log(n)) * (ctx.idf.get(s) ?? 1) * (keyStems.has(s) ? 2 : 1) });
  }
  scored.sort((a, b) => b.s - a.s || a.word.localeCompare(b.word));
  const top = scored.slice(0, 5);
  return { raw: top.reduce((a, t) => a + t.s, 0) / 5, terms: top.slice(0, 3).map((t) => t.word) };
}

/** Keyword mentions (stem sequences, so "prices" and "pricing" count for "price"). */
export function keywordHits(ctx: TalkContext, c: Candidate): FactorResult | null {
  if (ctx.keywords.length === 0 || !hasText(ctx, c)) return null;
  const stems = candidateTokens(ctx, c).map(ctx.stemOf);
  const parts: string[] = [];
  let total = 0;
  for (const k of ctx.keywords) {
    let n = 0;
    for (let i = 0; i + k.stems.length <= stems.length; i++) if (k.stems.every((s, j) => stems[i + j] === s)) n++;
    if (n > 0) parts.push(`Mentions "${k.text}" ${n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`}`);
    total += n;
  }
  if (total === 0) return { value: 0, detail: `None of the keywords is mentioned (${ctx.keywords.map((k) => `"${k.text}"`).join(', ')})` };
  return { value: clamp01(1 - Math.exp(-total / 1.5)), detail: parts.join('; ') };
}

/** Speech pace against the talk's median: best a little livelier than usual (×1.1), worse when dragging or rushed. */
export function pace(ctx: TalkContext, c: Candidate): FactorResult | null {
  if (!hasText(ctx, c) || !(ctx.medianWps > 0)) return null;
  let words = 0;
  let speaking = 0;
  for (let i = c.sentenceStart; i < c.sentenceEnd; i++) {
    const s = ctx.transcript.sentences[i];
    if (!s) continue;
    words += s.wordEnd - s.wordStart;
    speaking += Math.max(0, s.end - s.start);
  }
  if (!(speaking > 0)) return null;
  const wps = words / speaking;
  const r = wps / ctx.medianWps;
  const sigma = r < 1.1 ? 0.3 : 0.25;
  const value = Math.exp(-(((r - 1.1) / sigma) ** 2));
  const rel = Math.round((r - 1) * 100);
  const how = rel === 0 ? 'the talk’s usual pace' : `${Math.abs(rel)}% ${rel > 0 ? 'faster' : 'slower'} than the talk (${ctx.medianWps.toFixed(1)})`;
  return { value: clamp01(value), detail: `${wps.toFixed(1)} words/s, ${how}` };
}

/** Energy: mean momentary loudness over the span against the talk's, as a logistic of the difference (±2 LU ≈ 0.73/0.27). */
export function energy(ctx: TalkContext, c: Candidate): FactorResult | null {
  if (ctx.talkLoudness === undefined) return null;
  const values: number[] = [];
  for (let s = Math.max(0, Math.floor(c.start)); s < Math.ceil(c.end) && s < ctx.loudness.length; s++) {
    const l = ctx.loudness[s];
    if (l !== undefined && Number.isFinite(l) && l > SILENT_LUFS) values.push(l);
  }
  if (values.length === 0) return { value: 0, detail: 'Silent' };
  const diff = values.reduce((a, b) => a + b, 0) / values.length - ctx.talkLoudness;
  const value = 1 / (1 + Math.exp(-diff / 2));
  const d = Math.abs(diff).toFixed(1);
  return { value: clamp01(value), detail: Math.abs(diff) < 0.05 ? 'As loud as the talk' : `${d} LU ${diff > 0 ? 'louder' : 'quieter'} than the talk` };
}

/** A self-contained thought: no start that continues or points back, an end on a full stop or question. */
export function completeness(ctx: TalkContext, c: Candidate): FactorResult | null {
  if (!hasText(ctx, c)) return null;
  const ss = ctx.transcript.sentences;
  const first = ss[c.sentenceStart];
  const last = ss[c.sentenceEnd - 1];
  if (!first || !last) return null;
  const cues = ctx.cues;
  const firstToks = tokens(first.text);
  const firstWord =
    first.text
      .trim()
      .split(/\s+/)[0]
      ?.replace(/[^\p{L}\p{N}'’-]+/gu, '') ?? '';
  let v = 1;
  const notes: string[] = [];

  const backPhrase = findPhrases(firstToks, cues.backPhrases, true)[0];
  if (findPhrases(firstToks, cues.connectors, true).length > 0) {
    v -= 0.45;
    notes.push(`Starts mid-thought with "${firstWord}"`);
  } else if (backPhrase) {
    v -= 0.4;
    notes.push(`Starts by referring back: "${backPhrase}"`);
  } else if (findPhrases(firstToks, cues.backReferences, true).length > 0) {
    v -= 0.25;
    notes.push(`Starts with "${firstWord}", which refers back`);
  }

  const strength = endStrength(last.text);
  const lastToks = tokens(last.text);
  const lastWord = lastToks[lastToks.length - 1] ?? '';
  if (strength === 3) notes.push(/[?？]["'”’»)\]]*\s*$/u.test(last.text) ? 'Ends on a question' : 'Ends on a full stop');
  else if (strength === 1) {
    v -= 0.3;
    notes.push('Ends on a comma, mid-sentence');
  } else {
    v -= 0.2;
    notes.push('Ends without punctuation');
  }
  if (cues.connectors.includes(lastWord)) {
    v -= 0.3;
    notes.push(`Ends on "${lastWord}"`);
  }
  const next = ss[c.sentenceEnd];
  if (next && (findPhrases(tokens(next.text), cues.connectors, true).length > 0 || findPhrases(tokens(next.text), cues.backPhrases, true).length > 0)) {
    v -= 0.1;
    notes.push('The next sentence carries on the thought');
  }
  return { value: clamp01(v), detail: notes.join('; ') };
}

/** Visual dynamics: scene cuts per minute inside the span (only where the scenes pass decoded it). */
export function visual(ctx: TalkContext, c: Candidate): FactorResult | null {
  const scenes = ctx.scenes;
  const length = c.end - c.start;
  if (!scenes || !(length > 0)) return null;
  let covered = 0;
  for (const r of scenes.scanned) covered += Math.max(0, Math.min(r.end, c.end) - Math.max(r.start, c.start));
  if (covered < length * 0.5) return null;
  const cuts = scenes.cuts.filter((t) => t > c.start && t < c.end).length;
  const perMinute = cuts / (length / 60);
  const value = 1 - Math.exp(-perMinute / 4);
  return {
    value: clamp01(value),
    detail: cuts === 0 ? 'No scene cut (one shot)' : `${cuts} scene cut${cuts > 1 ? 's' : ''} (${perMinute.toFixed(1)} a minute)`,
  };
}

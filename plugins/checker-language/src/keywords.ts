/**
 * Keywords by phrase frequency. As in RAKE (Rose et al., 2010), stop words, units and
 * punctuation cut the text into runs of content words; every phrase of 1 to `maxWords` words
 * inside a run is a candidate, scored `occurrences × words` (a two-word term met 20 times
 * outranks a word met 30 times). A phrase that mostly occurs inside a better one ("hydro" in
 * "pumped hydro") is left out. Phrases met once are kept only when nothing else is left.
 * No lemmatisation: "battery" and "batteries" are different words.
 *
 * (Plain RAKE, degree / frequency, was tried first: on whole documents it ranks one-off
 * three-word runs such as "reached financial close" above the subject of the text.)
 */
import { stopWords } from './stop-words.js';

export interface Keyword {
  /** As written: lower case unless it only ever appears capitalised (names, acronyms). */
  phrase: string;
  /** occurrences × words. */
  score: number;
  count: number;
}

export interface KeywordOptions {
  lang: string;
  /** How many to return. */
  top: number;
  /** Longest phrase, in words. */
  maxWords?: number;
}

const TOKEN = /[\p{L}\p{M}\p{N}]+(?:['’-][\p{L}\p{M}\p{N}]+)*/gu;
const HAS_LETTER = /\p{L}/u;
const ELISION = /^(?:l|d|qu|n|s|c|j|m|t|jusqu|lorsqu|puisqu)'(.+)$/iu;
const POSSESSIVE = /'s$/iu;
// Units and currencies: frequent in reports, never what a document is about.
const UNITS = new Set(
  'mw gw kw tw mwh gwh kwh twh wh kv mva hz khz mhz ghz km cm mm kg mg lb lbs ft kb mb gb tb usd eur gbp jpy chf cny pct percent per cent'.split(' '),
);

/** True when text[from, to) is only white space. */
function blank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 9 && c !== 13 && c !== 160) return false;
  }
  return true;
}

export interface Candidate {
  count: number;
  words: number;
  form: string;
  lowerSeen: boolean;
}

/** Phrase counts of a text, before ranking: what `extractKeywords` ranks. */
export type Candidates = Map<string, Candidate>;

/**
 * Every candidate phrase of texts (one per paragraph or heading) with its count, keyed by its
 * lower-case form. Undefined for a language without a stop-word list.
 */
export function collectCandidates(texts: Iterable<string>, lang: string, maxWords = 3): Candidates | undefined {
  const stop = stopWords(lang);
  if (!stop) return undefined;
  const candidates: Candidates = new Map();
  const run: string[] = [];
  const forms: string[] = [];

  const flush = () => {
    for (let i = 0; i < run.length; i++) {
      let key = '';
      let form = '';
      for (let n = 1; n <= maxWords && i + n <= run.length; n++) {
        key = n === 1 ? (run[i] as string) : `${key} ${run[i + n - 1]}`;
        form = n === 1 ? (forms[i] as string) : `${form} ${forms[i + n - 1]}`;
        const lower = form === key;
        const c = candidates.get(key);
        if (c) {
          c.count++;
          if (lower && !c.lowerSeen) {
            c.form = form;
            c.lowerSeen = true;
          }
        } else candidates.set(key, { count: 1, words: n, form, lowerSeen: lower });
      }
    }
    run.length = 0;
    forms.length = 0;
  };

  for (const text of texts) {
    let last = 0;
    TOKEN.lastIndex = 0;
    for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
      // Anything but spaces between two words (punctuation, a code span) ends the run.
      if (!blank(text, last, m.index)) flush();
      last = m.index + m[0].length;
      let surface = m[0];
      if (surface.includes('’')) surface = surface.replace(/’/g, "'");
      if (surface.includes("'")) {
        if (lang === 'fr') {
          const e = ELISION.exec(surface);
          if (e?.[1]) {
            flush();
            surface = e[1];
          }
        } else if (lang === 'en') surface = surface.replace(POSSESSIVE, '');
      }
      const word = surface.toLowerCase();
      if (word.length < 2 || !HAS_LETTER.test(word) || stop.has(word) || UNITS.has(word)) {
        flush();
        continue;
      }
      run.push(word);
      forms.push(surface);
    }
    flush();
  }
  return candidates;
}

const byScore = (a: Candidate, b: Candidate) => b.count * b.words - a.count * a.words || b.words - a.words || (a.form < b.form ? -1 : a.form > b.form ? 1 : 0);

/** The `top` keywords among candidates. */
export function rankKeywords(candidates: Candidates, top: number): Keyword[] {
  const out: Keyword[] = [];
  const pick = (once: boolean) => {
    // Only phrases met more than once are ranked, unless they are not enough.
    const ranked = [...candidates.values()].filter((c) => (c.count === 1) === once).sort(byScore);
    for (const c of ranked) {
      if (out.length >= top) return;
      const key = ` ${c.form.toLowerCase()} `;
      // Mostly seen inside a phrase already chosen: that phrase says it.
      if (out.some((o) => o.count * 2 > c.count && ` ${o.phrase.toLowerCase()} `.includes(key))) continue;
      out.push({ phrase: c.form, score: c.count * c.words, count: c.count });
    }
  };
  pick(false);
  if (out.length < top) pick(true);
  return out;
}

/**
 * Extracts keywords from texts (one per paragraph or heading). Returns [] for a language
 * without a stop-word list.
 */
export function extractKeywords(texts: Iterable<string>, options: KeywordOptions): Keyword[] {
  if (!stopWords(options.lang) || options.top <= 0) return [];
  const candidates = collectCandidates(texts, options.lang, options.maxWords);
  return candidates ? rankKeywords(candidates, options.top) : [];
}

/**
 * A part's candidates as plain data for merging: the `limit` best by score, each as
 * [key, count, form] (form left out when it is the key, i.e. the phrase was seen in lower case).
 */
export type CandidateEntries = Array<[string, number] | [string, number, string]>;

export function bestCandidates(candidates: Candidates, limit: number): CandidateEntries {
  // By count, not score: what the part hands on are counts to add up, and a three-word phrase met
  // once (score 3) says less about the document than a word met twice.
  const entries = [...candidates].sort((a, b) => b[1].count - a[1].count || byScore(a[1], b[1]));
  return entries.slice(0, limit).map(([key, c]) => (c.lowerSeen ? [key, c.count] : [key, c.count, c.form]));
}

/**
 * Adds a part's entries to merged candidates, in document order: counts add up, and a phrase keeps
 * its capitals only when no part saw it in lower case (the first part's capitals, as in one pass).
 */
export function addCandidates(into: Candidates, entries: CandidateEntries): void {
  for (const [key, count, form] of entries) {
    const c = into.get(key);
    if (c) {
      c.count += count;
      if (form === undefined && !c.lowerSeen) {
        c.form = key;
        c.lowerSeen = true;
      }
    } else into.set(key, { count, words: key.split(' ').length, form: form ?? key, lowerSeen: form === undefined });
  }
}

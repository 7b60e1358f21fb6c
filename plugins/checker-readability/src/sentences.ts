/**
 * From prose blocks to counted sentences: Intl.Segmenter sentences (re-joined after common
 * abbreviations, which ICU takes for sentence ends), Intl.Segmenter words, and for each word its
 * syllables, letters and the rest the formulas need.
 */
import { type ProseBlock, sentences, words } from '@export-ia/core/plugin';
import { type Counts, emptyCounts } from './formulas.js';
import { englishSuffixSyllable, type SyllableCounter, syllableCounter } from './syllables.js';

/** One sentence of a block, with its counts; `start`/`end` index the block's text (trimmed). */
export interface CountedSentence {
  block: ProseBlock;
  start: number;
  end: number;
  counts: Counts;
}

// Abbreviations after which ICU ends a sentence but a reader does not (lower case, no final dot).
const ABBREVIATIONS: Readonly<Record<string, ReadonlySet<string>>> = {
  en: new Set([
    'mr',
    'mrs',
    'ms',
    'dr',
    'prof',
    'st',
    'jr',
    'sr',
    'fig',
    'figs',
    'no',
    'nos',
    'vol',
    'p',
    'pp',
    'cf',
    'vs',
    'ca',
    'approx',
    'dept',
    'eq',
    'ch',
    'sec',
  ]),
  es: new Set([
    'sr',
    'sra',
    'srta',
    'dr',
    'dra',
    'd',
    'dña',
    'ud',
    'uds',
    'vd',
    'vds',
    'prof',
    'núm',
    'pág',
    'págs',
    'fig',
    'cap',
    'aprox',
    'p',
    'pp',
    'av',
    'avda',
    'cf',
    'vol',
  ]),
  fr: new Set(['m', 'mm', 'mme', 'mmes', 'mlle', 'mlles', 'dr', 'pr', 'me', 'st', 'ste', 'n', 'no', 'p', 'pp', 'fig', 'cf', 'vol', 'env', 'chap']),
  de: new Set(['hr', 'hrn', 'fr', 'dr', 'prof', 'nr', 's', 'vgl', 'bzw', 'ca', 'abb', 'tab', 'bd', 'ggf', 'evtl', 'inkl', 'zzgl', 'str', 'kap']),
};
const NO_ABBREVIATIONS: ReadonlySet<string> = new Set();

const OPENERS = new Set(['(', '[', '{', '«', '"', '“', '‘', "'", '¿', '¡']);

/** Whether a sentence ends with an abbreviation ("Dr.", "e.g.", "U.S.", an initial "J.") rather than a full stop. */
function joinsNext(sentence: string, abbreviations: ReadonlySet<string>): boolean {
  const n = sentence.length;
  if (n < 2 || sentence.charCodeAt(n - 1) !== 46 /* . */) return false;
  let i = n - 2;
  let dots = false;
  for (; i >= 0; i--) {
    const ch = sentence[i] as string;
    if (ch === ' ' || OPENERS.has(ch) || /\s/.test(ch)) break;
    if (ch === '.') dots = true;
    else if (ch.toLowerCase() === ch.toUpperCase()) return false; // not a letter: "3.", "x)."
  }
  const token = sentence.slice(i + 1, n - 1);
  if (token === '') return false;
  if (dots) return true; // e.g., i.e., U.S., z.B.
  const lower = token.toLowerCase();
  if (token.length === 1 && token !== lower) return true; // an initial: J. Smith
  return abbreviations.has(lower);
}

// ICU ends a sentence at any line separator. A soft line break (inside a text run) is not an end;
// a hard break (between runs: address lines, verse) is.
const SEPARATOR = /[\n\r\v\f\u0085\u2028\u2029]/;
const SEPARATORS = new RegExp(SEPARATOR.source, 'g');

function withoutSoftBreaks(block: ProseBlock): string {
  const text = block.text;
  if (!SEPARATOR.test(text)) return text;
  let out = '';
  let at = 0;
  for (const p of block.pieces) {
    out += text.slice(at, p.from) + text.slice(p.from, p.to).replace(SEPARATORS, ' ');
    at = p.to;
  }
  return out + text.slice(at);
}

// A web or mail address reads as one unit, not as the words ICU finds in it.
const ADDRESS_HINT = /:\/\/|www\.|@/;
// Starts only where a run starts, with bounded parts: linear on long runs such as 'a.a.a…' (was quadratic).
const ADDRESS =
  /(?<![a-z0-9+.-])(?:[a-z][a-z0-9+.-]{0,30}:\/\/|www\.)[^\s<>()"'«»]*[^\s<>()"'«».,;:!?]|(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}/gi;

function addressRanges(text: string): number[] {
  if (!ADDRESS_HINT.test(text)) return [];
  const out: number[] = [];
  for (const m of text.matchAll(ADDRESS)) out.push(m.index, m.index + m[0].length);
  return out;
}
const PLAIN_LETTERS = /^[a-z]+$/;
const LETTER = /\p{L}/u;

/** Per-word facts that do not depend on where the word is; cached per language. */
interface WordFacts {
  syllables: number;
  letters: number;
  characters: number;
  /** Syllables Gunning fog counts (without -es/-ed/-ing ones). */
  fogSyllables: number;
  capitalised: boolean;
}

const CACHE_LIMIT = 50_000;
const factCaches = new Map<string, Map<string, WordFacts>>();

function factsFor(lang: string, count: SyllableCounter | undefined): (word: string) => WordFacts {
  let cache = factCaches.get(lang);
  if (!cache) {
    cache = new Map();
    factCaches.set(lang, cache);
  }
  const c = cache;
  return (word) => {
    let facts = c.get(word);
    if (facts) return facts;
    let letters = 0;
    let digits = 0;
    for (let i = 0; i < word.length; i++) {
      const code = word.charCodeAt(i);
      if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) letters++;
      else if (code >= 48 && code <= 57) digits++;
      else if (code > 127 && LETTER.test(word[i] as string)) letters++;
    }
    const lower = word.toLowerCase();
    const compound = lower.includes('-');
    // A number reads as one unit here (spelling numbers out is beyond a heuristic); a compound
    // (long-duration, 15-minute) has the syllables of its parts.
    let syllables = 0;
    if (!count || letters === 0) syllables = 1;
    else if (!compound) syllables = count(lower);
    else for (const part of lower.split('-')) syllables += part === '' ? 0 : /\p{L}/u.test(part) ? count(part) : 1;
    const first = word.charCodeAt(0);
    facts = {
      syllables,
      letters,
      characters: letters + digits,
      // Gunning fog leaves out compounds and the -es/-ed/-ing syllables.
      fogSyllables: compound ? 0 : lang === 'en' && PLAIN_LETTERS.test(lower) ? syllables - englishSuffixSyllable(lower) : syllables,
      capitalised: letters > 0 && word[0] !== lower[0] && !(first >= 48 && first <= 57),
    };
    if (c.size >= CACHE_LIMIT) c.clear();
    c.set(word, facts);
    return facts;
  };
}

/** Every sentence of the blocks, counted. Headings are included (the caller decides what they count for). */
export function countSentences(blocks: readonly ProseBlock[], lang: string): CountedSentence[] {
  const count = syllableCounter(lang);
  const facts = factsFor(lang, count);
  const abbreviations = ABBREVIATIONS[lang] ?? NO_ABBREVIATIONS;
  const out: CountedSentence[] = [];
  for (const block of blocks) {
    const text = withoutSoftBreaks(block);
    const segments = sentences(text, lang);
    const tokens = words(text, lang);
    const addresses = addressRanges(text);
    let a = 0;
    let t = 0;
    for (let s = 0; s < segments.length; s++) {
      const seg = segments[s] as { sentence: string; index: number };
      let start = seg.index;
      let end = seg.index + seg.sentence.length;
      // Re-join what ICU split after an abbreviation.
      while (s + 1 < segments.length && joinsNext(text.slice(start, end).trimEnd(), abbreviations)) {
        const next = segments[++s] as { sentence: string; index: number };
        end = next.index + next.sentence.length;
      }
      while (start < end && /\s/.test(text[start] as string)) start++;
      while (end > start && /\s/.test(text[end - 1] as string)) end--;
      const counts = emptyCounts();
      let first = true;
      for (; t < tokens.length && (tokens[t] as { index: number }).index < end; t++) {
        const { word, index } = tokens[t] as { word: string; index: number };
        if (index < start) continue;
        while (a < addresses.length && (addresses[a + 1] as number) <= index) a += 2;
        if (a < addresses.length && (addresses[a] as number) <= index) {
          // the address's first word stands for all of it: one word, one syllable, like a number
          if (index === addresses[a] || (t > 0 && (tokens[t - 1] as { index: number }).index < (addresses[a] as number))) {
            counts.words++;
            counts.syllables++;
            counts.monosyllables++;
            first = false;
          }
          continue;
        }
        const f = facts(word);
        counts.words++;
        counts.syllables += f.syllables;
        counts.letters += f.letters;
        counts.characters += f.characters;
        if (f.syllables >= 3) counts.polysyllables++;
        else if (f.syllables === 1) counts.monosyllables++;
        if (f.letters > 6) counts.long++;
        if (f.fogSyllables >= 3 && !(f.capitalised && !first) && text[index - 1] !== '-' && text[index + word.length] !== '-') counts.complex++;
        first = false;
      }
      if (counts.words === 0) continue;
      counts.sentences = 1;
      out.push({ block, start, end, counts });
    }
  }
  return out;
}

/**
 * The spelling check: every prose word that is not code, a URL, a number, an acronym, an
 * identifier or (by default) a proper noun is looked up in the document language's Hunspell
 * dictionary; unknown words become findings with their exact position.
 */
import { type CheckContext, type CheckResult, type DocumentModel, type Finding, locate, type ProseBlock, proseBlocks } from '@export-ia/core/plugin';
import { dictionaryPackages, type Speller, spellerFor } from './dictionaries.js';
import { readWordList, type SpellingOptions, spellingOptions } from './options.js';
import { partialOf } from './parts.js';
import { americanForms, atSentenceStart, baseForms, hyphenParts, isCapitalized, nonProseSpans, skipReason, tokenize } from './tokens.js';
import { isReported, type Lookup, type Occurrence, type Seen, see, spellingMetrics, unknownWord } from './unknown-words.js';

const APOSTROPHES = /['’]/;
const MIN_PARAGRAPH_WORDS = 8;
const POSSESSIVE = /['’]s$/;
const NAME_PARTICLES = new Set([
  'af',
  'al',
  'av',
  'bin',
  'da',
  'das',
  'de',
  'del',
  'della',
  'der',
  'des',
  'di',
  'do',
  'dos',
  'du',
  'ibn',
  'la',
  'le',
  'ten',
  'ter',
  'van',
  'von',
  'zu',
]);

export async function checkSpelling(doc: DocumentModel, ctx: CheckContext): Promise<CheckResult> {
  const options = spellingOptions(ctx.config, ctx.plugin.id);
  const personal = options.wordListFile ? union(options.words, readWordList(options.wordListFile, ctx.configDir ?? ctx.cwd, ctx.plugin.id)) : options.words;

  // The declared tag can name a region (en-GB) whose dictionary is preferred when installed.
  const declared = ctx.settings.lang ?? doc.meta.lang;
  const tag = declared && declared.toLowerCase().split(/[-_]/)[0] === ctx.language ? declared : ctx.language;
  const main = await spellerFor(tag);
  if (!main) {
    return {
      findings: [
        {
          rule: 'spelling/no-dictionary',
          severity: 'info',
          message: `No dictionary for ${ctx.language}; spelling was not checked. Install @export-ia/dictionary-${ctx.language}.`,
          data: { language: ctx.language, packages: dictionaryPackages(tag) },
        },
      ],
    };
  }

  const lookups = new Map<string, Lookup | undefined>([[ctx.language, lookupFor(main, ctx.language, options)]]);
  const blockLanguages = options.paragraphLanguages ? paragraphLanguages(ctx.metrics) : new Map<number, string>();
  const known = (word: string, l: Lookup) => isKnown(word, l, personal, options);

  let checked = 0;
  let unchecked = 0;
  const occurrences: Occurrence[] = [];
  // Capitalised words seen inside sentences: names, which stay names at the start of a sentence.
  const names = new Set<string>();

  // The language checker's paragraphs are at document lines; a part's blocks at the part's own.
  const lineShift = ctx.part ? ctx.part.line - 1 : 0;
  for (const block of proseBlocks(doc.root)) {
    const lang = blockLanguages.get(block.line + lineShift) ?? ctx.language;
    let lookup = lookups.get(lang);
    if (!lookups.has(lang)) {
      const speller = await spellerFor(lang);
      lookup = speller && lookupFor(speller, lang, options);
      lookups.set(lang, lookup);
    }
    if (!lookup) {
      // A passage in a language we have no dictionary for: checking it in another would only flag every word.
      unchecked++;
      continue;
    }
    const text = block.text;
    const skipped = skippedSpans(block);
    let s = 0;
    const check = (word: string, index: number) => {
      if (skipReason(word, options.ignoreUppercase)) return;
      const capital = isCapitalized(word);
      const start = capital && atSentenceStart(text, index);
      if (capital && lookup.ignoreCapitalized && !start) {
        names.add(word);
        return;
      }
      checked++;
      if (known(word, lookup)) return;
      // Électricité de France, Ludwig van Beethoven: a particle inside a name.
      if (lookup.ignoreCapitalized && NAME_PARTICLES.has(word) && nextIsCapitalized(text, index + word.length)) return;
      occurrences.push({ block, index, word, speller: lookup.speller, sentenceStart: start && lookup.ignoreCapitalized });
    };
    for (const { word, index } of tokenize(text)) {
      const end = index + word.length;
      while (s < skipped.length && (skipped[s] as [number, number])[1] <= index) s++;
      const span = skipped[s];
      if (span && span[0] < end) continue;
      if (!word.includes('-') && !word.includes('‐')) {
        check(word, index);
        continue;
      }
      // A hyphenated compound: known as a whole (e-mail, behind-the-meter), else checked part by part.
      if (skipReason(word, options.ignoreUppercase)) continue;
      if (known(word, lookup)) {
        checked++;
        continue;
      }
      for (const part of hyphenParts(word)) check(part.word, index + part.index);
    }
  }

  if (ctx.part) {
    // Names, repeated capitals and the caps per word are the document's: the merge decides.
    return { findings: [], partial: partialOf(ctx.part, main, checked, unchecked, lookups, names, occurrences, options) };
  }
  const reported = withoutNames(occurrences, names);
  const distinct = new Set(reported.map((o) => `${o.speller.packageName}\u0000${o.word.toLowerCase()}`)).size;
  const others = [...lookups.values()].flatMap((l) => (l && l.speller !== main ? [l.speller.lang] : []));
  return {
    findings: findingsFor(reported, options, ctx.signal),
    metrics: spellingMetrics(main.lang, ctx.language, checked, reported.length, distinct, others, unchecked),
  };
}

/**
 * Drops unknown capitalised words at the start of a sentence that are names: ones the document
 * also capitalises inside a sentence, and ones that occur more than once and never in lower case
 * (a typo is rarely repeated letter for letter, always capitalised).
 */
function withoutNames(occurrences: readonly Occurrence[], names: ReadonlySet<string>): Occurrence[] {
  const seen: Seen = new Map();
  for (const o of occurrences) see(seen, o.word, o.sentenceStart, 1);
  return occurrences.filter((o) => isReported(o.word, o.sentenceStart, names, seen));
}

function nextIsCapitalized(text: string, from: number): boolean {
  let i = from;
  while (text.charAt(i) === ' ' || text.charAt(i) === '\u00a0') i++;
  return i > from && isCapitalized(text.slice(i, i + 2));
}

function lookupFor(speller: Speller, lang: string, options: SpellingOptions): Lookup {
  return { speller, ignoreCapitalized: options.ignoreCapitalized ?? lang !== 'de', english: lang === 'en' };
}

function isKnown(word: string, l: Lookup, personal: ReadonlySet<string>, options: SpellingOptions): boolean {
  if (l.speller.spell(word)) return true;
  // Only unknown words get here (a few per thousand), so the fallbacks cost nothing on clean text.
  if (accepted(word, l, personal, options)) return true;
  const stem = word.replace(POSSESSIVE, '');
  return stem !== word && stem.length > 1 && (l.speller.spell(stem) || accepted(stem, l, personal, options));
}

/** The rules besides the dictionary: the other apostrophe, personal words, English variants and formations, ignore patterns. */
function accepted(word: string, l: Lookup, personal: ReadonlySet<string>, options: SpellingOptions): boolean {
  const { speller } = l;
  if (personal.has(word) || personal.has(word.toLowerCase())) return true;
  if (APOSTROPHES.test(word)) {
    const straight = word.replace(/’/g, "'");
    if (straight !== word && speller.spell(straight)) return true;
    const curly = word.replace(/'/g, '’');
    if (curly !== word && speller.spell(curly)) return true;
  }
  if (l.english) {
    const british = (w: string) => options.britishSpellings && americanForms(w).some((a) => speller.spell(a));
    if (british(word)) return true;
    if (options.wordFormation && baseForms(word).some((b) => speller.spell(b) || british(b))) return true;
  }
  return options.ignore.some((re) => re.test(word));
}

/** Inline code and URLs, e-mail addresses and paths, as sorted [start, end) spans of the block's text. */
function skippedSpans(block: ProseBlock): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const p of block.pieces) if (p.code) spans.push([p.from, p.to]);
  const urls = nonProseSpans(block.text);
  if (urls.length === 0) return spans;
  return [...spans, ...urls].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/**
 * Languages of single paragraphs by source line, from the language checker's metrics
 * (`language.paragraphs: [{ line, language, words }]`); paragraphs under 8 words are left to the document's language.
 */
function paragraphLanguages(metrics: Readonly<Record<string, unknown>>): Map<number, string> {
  const out = new Map<number, string>();
  const language = metrics.language as { document?: unknown; paragraphs?: unknown } | undefined;
  if (!Array.isArray(language?.paragraphs)) return out;
  for (const p of language.paragraphs as unknown[]) {
    if (typeof p !== 'object' || p === null) continue;
    const { line, words, language: lang = (p as { lang?: unknown }).lang } = p as { line?: unknown; words?: unknown; language?: unknown };
    if (typeof line !== 'number' || typeof lang !== 'string') continue;
    // A short paragraph's detected language is a guess; checking it with another dictionary would cost more than it finds.
    if (typeof words === 'number' && words < MIN_PARAGRAPH_WORDS) continue;
    const primary = lang.toLowerCase().split(/[-_]/)[0] ?? '';
    if (/^[a-z]{2,3}$/.test(primary)) out.set(line, primary);
  }
  return out;
}

function findingsFor(occurrences: readonly Occurrence[], options: SpellingOptions, signal: AbortSignal): Finding[] {
  const groups = new Map<string, Occurrence[]>();
  for (const o of occurrences) {
    const key = `${o.speller.packageName}\u0000${o.word.toLowerCase()}`;
    const list = groups.get(key);
    if (list) list.push(o);
    else groups.set(key, [o]);
  }
  const findings: Finding[] = [];
  let suggested = 0;
  for (const list of groups.values()) {
    const first = list[0] as Occurrence;
    let suggestions: string[] = [];
    // Hunspell's suggest takes 10-80 ms a word: only the first few distinct words get suggestions.
    if (suggested < options.maxSuggestions && options.suggestionsPerWord > 0) {
      signal.throwIfAborted();
      suggestions = first.speller.suggest(first.word, options.suggestionsPerWord);
      suggested++;
    }
    const shown = list.slice(0, Math.max(1, options.maxPerWord));
    const more = list.length - shown.length;
    for (const [i, o] of shown.entries()) {
      const position = locate(o.block, o.index, o.index + o.word.length);
      findings.push(unknownWord(o.word, o.speller.lang, suggestions, list.length, position, more > 0 && i === shown.length - 1 ? more : 0));
    }
  }
  return findings;
}

function union(a: ReadonlySet<string>, b: ReadonlySet<string>): ReadonlySet<string> {
  if (a.size === 0) return b;
  if (b.size === 0) return a;
  return new Set([...a, ...b]);
}

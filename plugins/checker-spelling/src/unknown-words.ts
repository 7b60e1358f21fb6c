/**
 * Unknown words as the document sees them: which are reported (names and repeated capitals at a
 * sentence start are not), their findings and the `spelling` metrics. Shared by the whole-document
 * check and the merge of a document analysed in sections.
 */
import type { Finding, FindingPosition, ProseBlock } from '@export-ia/core/plugin';
import type { Speller } from './dictionaries.js';

const POSSESSIVE = /['’]s$/;

/** One unknown word in the text. */
export interface Occurrence {
  block: ProseBlock;
  index: number;
  word: string;
  speller: Speller;
  /** Capitalised at the start of a sentence: dropped if the document also uses it as a name. */
  sentenceStart: boolean;
}

/** What one language's words are checked with. */
export interface Lookup {
  speller: Speller;
  ignoreCapitalized: boolean;
  /** English-only acceptance rules (British spellings, word formation) apply. */
  english: boolean;
}

/** Unknown words by stem in lower case: how often, and whether always capitalised at a sentence start. */
export type Seen = Map<string, { count: number; capitalized: boolean }>;

const stem = (w: string) => w.replace(POSSESSIVE, '');

/** Counts `count` occurrences of an unknown word in `seen`. */
export function see(seen: Seen, word: string, sentenceStart: boolean, count: number): void {
  const key = stem(word).toLowerCase();
  const s = seen.get(key) ?? { count: 0, capitalized: true };
  s.count += count;
  s.capitalized &&= sentenceStart;
  seen.set(key, s);
}

/** Whether an unknown word is reported, knowing the document's names and unknown words. */
export function isReported(word: string, sentenceStart: boolean, names: ReadonlySet<string>, seen: Seen): boolean {
  if (!sentenceStart) return true;
  const w = stem(word);
  if (names.has(w)) return false;
  const s = seen.get(w.toLowerCase());
  return !(s && s.count > 1 && s.capitalized);
}

/** The finding for one listed occurrence of an unknown word; `more` on the last one listed. */
export function unknownWord(
  word: string,
  language: string,
  suggestions: string[],
  occurrences: number,
  position: FindingPosition | undefined,
  more: number,
): Finding {
  const f: Finding = {
    rule: 'spelling/unknown-word',
    severity: 'warning',
    message: `Unknown word “${word}”: it is not in the ${language} dictionary.`,
    excerpt: word,
    data: { word, language, suggestions, occurrences },
  };
  if (position) f.position = position;
  if (suggestions.length > 0) f.suggestion = `Did you mean: ${suggestions.join(', ')}?`;
  if (more > 0) {
    f.message += ` It occurs ${more} more time${more === 1 ? '' : 's'}, not listed.`;
    (f.data as Record<string, unknown>).more = more;
  }
  return f;
}

/** `spelling` metrics: words looked up, unknown occurrences and distinct words, the dictionaries used. */
export function spellingMetrics(
  dictionary: string,
  language: string,
  words: number,
  misspelled: number,
  distinct: number,
  otherDictionaries: string[],
  unchecked: number,
): Record<string, unknown> {
  const spelling: Record<string, unknown> = { language, words, misspelled, distinct, dictionary };
  if (otherDictionaries.length > 0) spelling.otherDictionaries = otherDictionaries;
  if (unchecked > 0) spelling.uncheckedBlocks = unchecked;
  return { spelling };
}

/**
 * Documents analysed in sections (the host's `limits.sectionBytes`). Which unknown words are
 * reported depends on the whole document — a capitalised word used as a name anywhere, a
 * capitalised unknown word repeated — and so do the caps: `maxPerWord` findings per word with
 * the document's count, suggestions for the first `maxSuggestions` distinct words. So a part
 * reports nothing itself: it keeps its unknown words by distinct form, with their counts and
 * their first `maxPerWord` positions, and the names it saw; the merge decides as the whole
 * document would.
 */
import { type CheckContext, type CheckResult, type Finding, type FindingPosition, locate as locateInBlock, toDocumentPosition } from '@export-ia/core/plugin';
import { type Speller, spellerNamed } from './dictionaries.js';
import type { SpellingOptions } from './options.js';
import { isReported, type Lookup, type Occurrence, type Seen, see, spellingMetrics, unknownWord } from './unknown-words.js';

type SectionPart = NonNullable<CheckContext['part']>;

/** One spelling of an unknown word in a part: how often, and its first occurrences. */
interface Form {
  word: string;
  /** Capitalised at a sentence start (where capitalised words are names). */
  start: boolean;
  count: number;
  /** The first `maxPerWord` (at least 1), in the part's order, at document positions. */
  first: Array<{ seq: number; position?: FindingPosition }>;
}

/** A distinct unknown word of a part (by dictionary and lower case), in order of first occurrence. */
interface PartWord {
  key: string;
  packageName: string;
  /** The dictionary's language, for messages. */
  language: string;
  forms: Form[];
}

interface SpellingPartial {
  dictionary: { packageName: string; language: string };
  checked: number;
  unchecked: number;
  /** Languages looked up, in order of first use: the dictionary found, or null. */
  lookups: Array<{ language: string; packageName: string | null; dictionary: string | null }>;
  /** Capitalised words seen inside sentences. */
  names: string[];
  words: PartWord[];
}

/** What a part keeps for `mergeSpelling`: O(distinct unknown words + distinct names). */
export function partialOf(
  part: SectionPart,
  main: Speller,
  checked: number,
  unchecked: number,
  lookups: ReadonlyMap<string, Lookup | undefined>,
  names: ReadonlySet<string>,
  occurrences: readonly Occurrence[],
  options: SpellingOptions,
): SpellingPartial {
  const keep = Math.max(1, options.maxPerWord);
  const words = new Map<string, PartWord>();
  for (const [seq, o] of occurrences.entries()) {
    const key = `${o.speller.packageName}\u0000${o.word.toLowerCase()}`;
    let w = words.get(key);
    if (!w) {
      w = { key, packageName: o.speller.packageName, language: o.speller.lang, forms: [] };
      words.set(key, w);
    }
    let form = w.forms.find((f) => f.word === o.word && f.start === o.sentenceStart);
    if (!form) {
      form = { word: o.word, start: o.sentenceStart, count: 0, first: [] };
      w.forms.push(form);
    }
    form.count++;
    if (form.first.length < keep) {
      const position = locate(o, part);
      form.first.push(position ? { seq, position } : { seq });
    }
  }
  return {
    dictionary: { packageName: main.packageName, language: main.lang },
    checked,
    unchecked,
    lookups: [...lookups].map(([language, l]) => ({ language, packageName: l?.speller.packageName ?? null, dictionary: l?.speller.lang ?? null })),
    names: [...names],
    words: [...words.values()],
  };
}

/** The document's findings and metrics from its parts, as the whole-document check gives them. */
export async function mergeSpelling(parts: readonly CheckResult[], language: string, options: SpellingOptions, signal: AbortSignal): Promise<CheckResult> {
  const partials: SpellingPartial[] = [];
  for (const r of parts) if (r.partial) partials.push(r.partial as SpellingPartial);
  const head = partials[0];
  // No dictionary for the language: every part said so; once is enough.
  if (!head) return { findings: parts[0]?.findings ?? [] };

  const names = new Set<string>();
  const seen: Seen = new Map();
  for (const p of partials) {
    for (const n of p.names) names.add(n);
    for (const w of p.words) for (const f of w.forms) see(seen, f.word, f.start, f.count);
  }

  interface Group {
    packageName: string;
    language: string;
    count: number;
    items: Array<{ part: number; seq: number; word: string; position?: FindingPosition }>;
  }
  const groups = new Map<string, Group>();
  for (const [part, p] of partials.entries()) {
    for (const w of p.words) {
      for (const f of w.forms) {
        if (!isReported(f.word, f.start, names, seen)) continue;
        let g = groups.get(w.key);
        if (!g) {
          g = { packageName: w.packageName, language: w.language, count: 0, items: [] };
          groups.set(w.key, g);
        }
        g.count += f.count;
        for (const o of f.first) g.items.push({ part, seq: o.seq, word: f.word, ...(o.position ? { position: o.position } : {}) });
      }
    }
  }
  const before = (a: { part: number; seq: number }, b: { part: number; seq: number }) => a.part - b.part || a.seq - b.seq;
  for (const g of groups.values()) g.items.sort(before);
  // Words in the order of their first reported occurrence, as the whole document lists them.
  const ordered = [...groups.values()].sort((a, b) => before(a.items[0] as Group['items'][number], b.items[0] as Group['items'][number]));

  const findings: Finding[] = [];
  let suggested = 0;
  let misspelled = 0;
  for (const g of ordered) {
    misspelled += g.count;
    const first = g.items[0] as Group['items'][number];
    let suggestions: string[] = [];
    if (suggested < options.maxSuggestions && options.suggestionsPerWord > 0) {
      signal.throwIfAborted();
      const speller = await spellerNamed(g.packageName);
      suggestions = speller?.suggest(first.word, options.suggestionsPerWord) ?? [];
      suggested++;
    }
    const shown = g.items.slice(0, Math.max(1, options.maxPerWord));
    const more = g.count - shown.length;
    for (const [i, o] of shown.entries()) {
      findings.push(unknownWord(o.word, g.language, suggestions, g.count, o.position, more > 0 && i === shown.length - 1 ? more : 0));
    }
  }

  const used = new Map<string, SpellingPartial['lookups'][number]>();
  let checked = 0;
  let unchecked = 0;
  for (const p of partials) {
    checked += p.checked;
    unchecked += p.unchecked;
    for (const l of p.lookups) if (!used.has(l.language)) used.set(l.language, l);
  }
  const others = [...used.values()].flatMap((l) =>
    l.packageName !== null && l.packageName !== head.dictionary.packageName && l.dictionary ? [l.dictionary] : [],
  );
  return { findings, metrics: spellingMetrics(head.dictionary.language, language, checked, misspelled, groups.size, others, unchecked) };
}

/** An occurrence's position in the document. */
function locate(o: Occurrence, part: SectionPart): FindingPosition | undefined {
  const p = locateInBlock(o.block, o.index, o.index + o.word.length);
  if (!p) return undefined;
  return toDocumentPosition(p, part);
}

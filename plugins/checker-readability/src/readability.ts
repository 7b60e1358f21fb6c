/**
 * The readability check: counts the document's sentences, scores the document, each section and
 * each sentence with the language's formulas, and reports the hardest and the longest sentences.
 */
import { type CheckResult, type Finding, locate, type ProseBlock, toDocumentPosition } from '@export-ia/core/plugin';
import {
  addCounts,
  type Counts,
  clampEase,
  emptyCounts,
  FORMULA_IDS,
  FORMULAS,
  type FormulaId,
  infleszBand,
  type LanguageProfile,
  lixBand,
  profileFor,
  rawEase,
  round,
} from './formulas.js';
import { type CountedSentence, countSentences } from './sentences.js';

export interface ReadabilityConfig {
  /** Formulas to report in `formulas` (default: all of the language's). */
  enabled?: readonly FormulaId[];
  /** How many of the hardest sentences to report (0: none). */
  hardestSentences: number;
  /** Sentences with more words are reported (0: never). */
  maxSentenceWords: number;
  /** Sections with fewer words get no score of their own. */
  minWords: number;
}

export const DEFAULT_CONFIG: Readonly<ReadabilityConfig> = { hardestSentences: 5, maxSentenceWords: 40, minWords: 30 };

/** Shorter sentences are never "hardest": one long word would rank them first. */
export const HARD_MIN_WORDS = 8;
/** Sentences at or above this ease (plain-language level) are never reported as hard. */
export const HARD_MAX_EASE = 60;

const int = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : fallback);

/** The configuration from `pluginConfig.checker-readability` (validated by the host), with defaults. */
export function readConfig(raw: Readonly<Record<string, unknown>> | undefined): ReadabilityConfig {
  const config: ReadabilityConfig = {
    hardestSentences: int(raw?.hardestSentences, DEFAULT_CONFIG.hardestSentences),
    maxSentenceWords: int(raw?.maxSentenceWords, DEFAULT_CONFIG.maxSentenceWords),
    minWords: int(raw?.minWords, DEFAULT_CONFIG.minWords),
  };
  if (Array.isArray(raw?.enabled)) config.enabled = raw.enabled.filter((id): id is FormulaId => FORMULA_IDS.includes(id as FormulaId));
  return config;
}

interface Scored {
  sentence: CountedSentence;
  raw: number;
  grade: number | undefined;
}

interface Section {
  title: string;
  index: number;
  level?: number;
  line?: number;
  counts: Counts;
}

const grade = (profile: LanguageProfile, c: Counts) => (profile.grade ? FORMULAS[profile.grade].compute(c) : undefined);

function describe(lang: string, profile: LanguageProfile, c: Counts, raw: number, g: number | undefined): string {
  // The formula's own value, even past 0 or 100: it tells how far past.
  const ease = round(raw, 0);
  switch (lang) {
    case 'en':
      return `Flesch reading ease ${ease}, Flesch-Kincaid grade ${round(g ?? 0)}`;
    case 'es':
      return `Fernández-Huerta ${ease}, INFLESZ «${infleszBand(FORMULAS.szigrisztPazos.compute(c))}»`;
    case 'de':
      return `Amstad ${ease}, Wiener Sachtextformel ${round(g ?? 0)}`;
    default: {
      if (profile.ease !== 'lix') return `${FORMULAS[profile.ease].name} ${ease}`;
      const lix = FORMULAS.lix.compute(c);
      return `LIX ${round(lix, 0)} (${lixBand(lix)})`;
    }
  }
}

function excerptOf(block: ProseBlock, start: number, end: number): string {
  const text = block.text.slice(start, end).replace(/\s+/g, ' ');
  if (text.length <= 200) return text;
  const cut = text.lastIndexOf(' ', 199);
  return `${text.slice(0, cut > 100 ? cut : 199)}…`;
}

/** Where a part of a document analysed in sections starts, and how many headings it holds. */
export interface PartPlace {
  line: number;
  offset: number;
  headings: number;
}

/** A hard-sentence candidate: its finding and `hardest` entry (document positions, part's section index). */
interface Hard {
  raw: number;
  finding: Finding;
  entry: Record<string, unknown>;
}

/** What `merge` needs from a part: bounded by its sections and `hardestSentences`. */
interface ReadabilityPartial {
  total: Counts;
  headings: number;
  /** The part's sections, by the part's own section index. */
  sections: Section[];
  /** The part's hardest sentences, at most `hardestSentences`, easiest last. */
  hardest: Hard[];
  /**
   * The part's per-sentence scores (document lines; sections by the part's own index). One small
   * entry per sentence: the document's metric lists them all anyway. In `partial` because the
   * host does not keep a merging checker's part metrics.
   */
  sentenceScores: Array<Record<string, unknown>>;
}

/**
 * Runs the check on a document's prose blocks in the given language (primary subtag). With
 * `part`, the blocks are one part of a document analysed in sections: the hardest sentences go
 * to `partial` as candidates for `mergeReadability`, with what it needs to score the document.
 */
export function checkReadability(blocks: readonly ProseBlock[], lang: string, config: ReadabilityConfig, part?: PartPlace): CheckResult {
  const profile = profileFor(lang);
  const counted = countSentences(blocks, lang);

  const sections = new Map<number, Section>();
  for (const block of blocks) {
    if (block.kind !== 'heading' || sections.has(block.sectionIndex)) continue;
    sections.set(block.sectionIndex, { title: block.section, index: block.sectionIndex, level: block.depth ?? 1, line: block.line, counts: emptyCounts() });
  }

  const total = emptyCounts();
  const scored: Scored[] = [];
  for (const sentence of counted) {
    const { block, counts } = sentence;
    if (block.kind === 'heading') continue; // a title is not a sentence
    addCounts(total, counts);
    let section = sections.get(block.sectionIndex);
    if (!section) {
      section = { title: block.section, index: block.sectionIndex, counts: emptyCounts() };
      sections.set(block.sectionIndex, section);
    }
    addCounts(section.counts, counts);
    scored.push({ sentence, raw: rawEase(profile, counts), grade: grade(profile, counts) });
  }

  const findings: Finding[] = [];

  const hardest = config.hardestSentences > 0 ? scored.filter((s) => s.sentence.counts.words >= HARD_MIN_WORDS && s.raw < HARD_MAX_EASE) : [];
  hardest.sort((a, b) => a.raw - b.raw); // stable: document order among equals
  hardest.length = Math.min(hardest.length, config.hardestSentences);
  const hard: Hard[] = [];
  for (const s of hardest) {
    const { block, start, end, counts } = s.sentence;
    const finding: Finding = {
      rule: 'readability/hard-sentence',
      severity: 'suggestion',
      message: `Hard sentence: ${describe(lang, profile, counts, s.raw, s.grade)}.`,
      suggestion: 'Split it, or use shorter and more common words.',
      excerpt: excerptOf(block, start, end),
      data: {
        ease: round(clampEase(s.raw)),
        raw: round(s.raw),
        ...(s.grade === undefined ? {} : { grade: round(s.grade) }),
        formula: profile.ease,
        words: counts.words,
        ...(profile.syllables ? { syllables: counts.syllables } : {}),
      },
    };
    const located = locate(block, start, end);
    // A part's candidates carry document positions: merge ranks them with the other parts'.
    const where = located && part ? toDocumentPosition(located, part) : located;
    if (where) finding.position = where;
    const entry: Record<string, unknown> = { excerpt: finding.excerpt };
    if (where) {
      entry.line = where.line;
      entry.column = where.column;
    }
    entry.section = block.sectionIndex;
    entry.words = counts.words;
    entry.ease = round(clampEase(s.raw));
    entry.raw = round(s.raw);
    if (s.grade !== undefined) entry.grade = round(s.grade);
    hard.push({ raw: s.raw, finding, entry });
  }
  if (!part) for (const h of hard) findings.push(h.finding);

  if (config.maxSentenceWords > 0) {
    for (const s of scored) {
      const { block, start, end, counts } = s.sentence;
      if (counts.words <= config.maxSentenceWords) continue;
      const finding: Finding = {
        rule: 'readability/long-sentence',
        severity: 'suggestion',
        message: `Sentence of ${counts.words} words, more than ${config.maxSentenceWords}.`,
        suggestion: 'Split it into shorter sentences, one idea each.',
        excerpt: excerptOf(block, start, end),
        data: { words: counts.words, limit: config.maxSentenceWords },
      };
      const where = locate(block, start, end);
      if (where) finding.position = where;
      findings.push(finding);
    }
  }

  // One compact entry per sentence (reports draw the difficulty along the document from these).
  const sentenceScores: Array<Record<string, unknown>> = new Array(scored.length);
  const lines = part ? part.line - 1 : 0;
  for (let i = 0; i < scored.length; i++) {
    const s = scored[i] as Scored;
    const where = locate(s.sentence.block, s.sentence.start);
    const entry: Record<string, unknown> = where ? { line: where.line + lines, column: where.column } : {};
    entry.section = s.sentence.block.sectionIndex;
    entry.words = s.sentence.counts.words;
    entry.ease = round(clampEase(s.raw));
    if (s.grade !== undefined) entry.grade = round(s.grade);
    sentenceScores[i] = entry;
  }
  if (part) {
    const moved = [...sections.values()].map((s) => (s.line === undefined ? s : { ...s, line: s.line + lines }));
    const partial: ReadabilityPartial = { total, headings: part.headings, sections: moved, hardest: hard, sentenceScores };
    return { findings, partial };
  }
  const readability = documentMetrics(
    lang,
    config,
    total,
    [...sections.values()],
    hard.map((h) => h.entry),
    sentenceScores,
  );
  return { findings, metrics: { readability } };
}

/** The document's `readability` metric from its summed counts, sections, hardest sentences and sentence scores. */
function documentMetrics(
  lang: string,
  config: ReadabilityConfig,
  total: Counts,
  sections: readonly Section[],
  hardest: Array<Record<string, unknown>>,
  sentenceScores: Array<Record<string, unknown>>,
): Record<string, unknown> {
  const profile = profileFor(lang);
  const metrics: Record<string, unknown> = { language: lang, easeFormula: profile.ease };
  if (total.words > 0) {
    const raw = rawEase(profile, total);
    metrics.ease = round(clampEase(raw));
    const g = grade(profile, total);
    if (g !== undefined) metrics.grade = round(g);
    const formulas: Record<string, number> = {};
    for (const id of profile.formulas) if (!config.enabled || config.enabled.includes(id)) formulas[id] = round(FORMULAS[id].compute(total), 2);
    metrics.formulas = formulas;
    if (lang === 'es') metrics.inflesz = infleszBand(FORMULAS.szigrisztPazos.compute(total));
  } else metrics.formulas = {};
  metrics.words = total.words;
  metrics.sentences = total.sentences;
  if (profile.syllables) metrics.syllables = total.syllables;
  metrics.sections = sections
    .filter((s) => s.counts.words >= config.minWords && s.counts.words > 0)
    .sort((a, b) => a.index - b.index)
    .map((s) => {
      const g = grade(profile, s.counts);
      return {
        title: s.title,
        index: s.index,
        ...(s.level === undefined ? {} : { level: s.level }),
        ...(s.line === undefined ? {} : { line: s.line }),
        words: s.counts.words,
        sentences: s.counts.sentences,
        ease: round(clampEase(rawEase(profile, s.counts))),
        ...(g === undefined ? {} : { grade: round(g) }),
      };
    });
  metrics.hardest = hardest;
  metrics.sentenceScores = sentenceScores;
  return metrics;
}

/**
 * Combines the parts of a document analysed in sections: counts summed (so every formula is the
 * whole document's), sections joined by their document index, the hardest sentences ranked
 * again across parts, sentence scores in document order. Equal to the whole-document result.
 */
export function mergeReadability(parts: readonly CheckResult[], lang: string, config: ReadabilityConfig): CheckResult {
  const findings: Finding[] = [];
  const total = emptyCounts();
  const sections = new Map<number, Section>();
  const hard: Hard[] = [];
  const sentenceScores: Array<Record<string, unknown>> = [];
  // Sections are numbered per part: a part's index 0 continues the section open at its start.
  let before = 0;
  for (const result of parts) {
    const partial = result.partial as ReadabilityPartial | undefined;
    for (const f of result.findings) findings.push(f);
    if (!partial) continue;
    addCounts(total, partial.total);
    for (const s of partial.sections) {
      const index = s.index + before;
      const known = sections.get(index);
      if (!known) sections.set(index, { ...s, index, counts: { ...s.counts } });
      else addCounts(known.counts, s.counts);
    }
    for (const h of partial.hardest) hard.push({ ...h, entry: { ...h.entry, section: (h.entry.section as number) + before } });
    for (const entry of partial.sentenceScores) sentenceScores.push(before === 0 ? entry : { ...entry, section: (entry.section as number) + before });
    before += partial.headings;
  }
  hard.sort((a, b) => a.raw - b.raw); // stable: parts and their candidates come in document order
  hard.length = Math.min(hard.length, config.hardestSentences);
  for (const h of hard) findings.push(h.finding);
  const readability = documentMetrics(
    lang,
    config,
    total,
    [...sections.values()],
    hard.map((h) => h.entry),
    sentenceScores,
  );
  return { findings, metrics: { readability } };
}

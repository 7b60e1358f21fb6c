/**
 * The `metadata` checker: facts about the document for reports and indexes — counts, reading
 * and speaking time, outline, links, images, dates mentioned and keywords. Metrics only: there
 * is nothing to correct here, so it never reports findings.
 */
import { type CheckContext, type CheckResult, type DocumentModel, headingIdAllocator, locate, proseBlocks, toPlainText, walk } from '@export-ia/core/plugin';
import { findDates } from './dates.js';
import {
  addCandidates,
  bestCandidates,
  type CandidateEntries,
  type Candidates,
  collectCandidates,
  extractKeywords,
  type Keyword,
  rankKeywords,
} from './keywords.js';
import { documentLine, type MergeContext, partials, type SectionPart } from './parts.js';
import { KEYWORD_LANGUAGES } from './stop-words.js';
import { configNumber, countWords, proseOnly, round } from './text.js';

export interface MetadataMetric {
  /** Words of the prose (paragraphs, list items, headings, table cells; not code blocks). */
  words: number;
  /** Characters of the prose, with and without white space. */
  characters: number;
  charactersNoSpaces: number;
  /** Sentences of paragraphs and list items (headings and table cells are not sentences). */
  sentences: number;
  paragraphs: number;
  headings: number;
  lists: number;
  tables: number;
  codeBlocks: number;
  footnotes: number;
  images: number;
  /** Minutes, at `wordsPerMinute` and `speakingWordsPerMinute`. */
  readingMinutes: number;
  speakingMinutes: number;
  wordsPerMinute: number;
  speakingWordsPerMinute: number;
  outline: Array<{ depth: number; text: string; line: number; id?: string }>;
  links: { internal: number; external: number; list: Array<{ url: string; text: string; line: number; external: boolean }> };
  dates: Array<{ text: string; iso: string; line: number }>;
  /** Language of the keyword stop words; null when keywords are not supported for the document's language. */
  keywordLanguage: string | null;
  keywords: Keyword[];
}

// A sentence ends at . ! ? … (and closing quotes or brackets) followed by space and a capital,
// a digit or an opening mark, or by the end of the block; abbreviations and initials do not end one.
const SENTENCE_END = /[.!?…]+[”"'’»)\]]*(?=\s+[“"'‘«(¿¡]?[\p{Lu}\p{N}]|\s*$)/gu;
const ABBREVIATIONS = new Set(
  'mr mrs ms dr prof sr jr st vs etc e.g eg i.e ie cf fig figs no nos p pp vol ed eds approx dept inc ltd co corp al ca sra srta dra núm pág mme mlle bzw usw z.b d.h ggf'.split(
    ' ',
  ),
);

/** Number of sentences in a paragraph's text (fast rules; Intl.Segmenter is five times slower). */
export function countSentences(text: string): number {
  let n = 0;
  let last = 0;
  SENTENCE_END.lastIndex = 0;
  for (let m = SENTENCE_END.exec(text); m !== null; m = SENTENCE_END.exec(text)) {
    if (m[0][0] === '.') {
      const before = /([\p{L}.]+)$/u.exec(text.slice(Math.max(0, m.index - 12), m.index))?.[1] ?? '';
      const atEnd = text.slice(m.index + m[0].length).trim() === '';
      if (!atEnd && (ABBREVIATIONS.has(before.toLowerCase()) || /^\p{Lu}$/u.test(before))) continue;
    }
    if (/[\p{L}\p{N}]/u.test(text.slice(last, m.index))) n++;
    last = m.index + m[0].length;
  }
  if (/[\p{L}\p{N}]/u.test(text.slice(last))) n++;
  return n;
}

const SPACE = /\s/g;
const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;
const MAX_LIST = 500;

type Link = MetadataMetric['links']['list'][number];

/** Counts and lists of a document or a part (lines in the document), before the keywords. */
interface Facts {
  words: number;
  characters: number;
  spaces: number;
  sentences: number;
  paragraphs: number;
  lists: number;
  tables: number;
  codeBlocks: number;
  footnotes: number;
  images: number;
  outline: MetadataMetric['outline'];
  internal: number;
  external: number;
  /** Inline links and autolinks, in order (the first MAX_LIST). */
  inline: Link[];
  /** Reference links resolved through their definitions, in order (the first MAX_LIST). */
  references: Link[];
  dates: MetadataMetric['dates'];
}

function noFacts(): Facts {
  return {
    words: 0,
    characters: 0,
    spaces: 0,
    sentences: 0,
    paragraphs: 0,
    lists: 0,
    tables: 0,
    codeBlocks: 0,
    footnotes: 0,
    images: 0,
    outline: [],
    internal: 0,
    external: 0,
    inline: [],
    references: [],
    dates: [],
  };
}

function gather(doc: DocumentModel, lang: string, part: SectionPart | undefined, keywordTexts: string[]): Facts {
  const facts = noFacts();
  for (const block of proseBlocks(doc.root)) {
    const text = block.text;
    facts.words += countWords(text, lang);
    facts.characters += text.length;
    facts.spaces += text.match(SPACE)?.length ?? 0;
    if (block.kind === 'paragraph') {
      facts.paragraphs++;
      facts.sentences += countSentences(text);
    }
    const prose = proseOnly(block);
    for (const d of findDates(prose)) {
      if (facts.dates.length >= MAX_LIST) break;
      facts.dates.push({ text: d.text, iso: d.iso, line: documentLine(locate(block, d.index)?.line ?? block.line, part) });
    }
    // Table cells are data and labels; code never makes a keyword (a period ends the phrase there).
    if (block.kind !== 'tableCell') keywordTexts.push(proseOnly(block, '.'));
  }

  const definitions = new Map<string, string>();
  const references: Array<{ id: string; text: string; line: number }> = [];
  const addLink = (list: Link[], url: string, text: string, line: number) => {
    const external = EXTERNAL.test(url);
    if (external) facts.external++;
    else facts.internal++;
    if (list.length < MAX_LIST) list.push({ url, text, line: documentLine(line, part), external });
  };
  walk(doc.root, (node) => {
    const line = node.position?.start.line ?? 0;
    switch (node.type) {
      case 'heading': {
        const id = (node.data as { id?: unknown } | undefined)?.id;
        facts.outline.push({ depth: node.depth, text: toPlainText(node).trim(), line: documentLine(line, part), ...(typeof id === 'string' ? { id } : {}) });
        return;
      }
      case 'link':
        addLink(facts.inline, node.url, toPlainText(node).trim(), line);
        return;
      case 'linkReference':
        references.push({ id: node.identifier, text: toPlainText(node).trim(), line });
        return;
      case 'definition':
        definitions.set(node.identifier, node.url);
        return false;
      case 'image':
      case 'imageReference':
        facts.images++;
        return false;
      case 'list':
        facts.lists++;
        return;
      case 'table':
        facts.tables++;
        return;
      case 'code':
        facts.codeBlocks++;
        return false;
      case 'footnoteDefinition':
        facts.footnotes++;
        return;
      default:
        return;
    }
  });
  for (const r of references) {
    const url = definitions.get(r.id);
    if (url !== undefined) addLink(facts.references, url, r.text, r.line);
  }
  return facts;
}

function conclude(facts: Facts, keywords: Keyword[], lang: string, wpm: number, spm: number): MetadataMetric {
  // The first MAX_LIST links, inline ones first, then in line order.
  const list = [...facts.inline, ...facts.references].slice(0, MAX_LIST).sort((a, b) => a.line - b.line);
  return {
    words: facts.words,
    characters: facts.characters,
    charactersNoSpaces: facts.characters - facts.spaces,
    sentences: facts.sentences,
    paragraphs: facts.paragraphs,
    headings: facts.outline.length,
    lists: facts.lists,
    tables: facts.tables,
    codeBlocks: facts.codeBlocks,
    footnotes: facts.footnotes,
    images: facts.images,
    readingMinutes: round(facts.words / wpm, 1),
    speakingMinutes: round(facts.words / spm, 1),
    wordsPerMinute: wpm,
    speakingWordsPerMinute: spm,
    outline: facts.outline,
    links: { internal: facts.internal, external: facts.external, list },
    dates: facts.dates,
    keywordLanguage: KEYWORD_LANGUAGES.includes(lang) ? lang : null,
    keywords,
  };
}

/**
 * Keyword candidates a part hands to `merge`: its best ones by score, not all of them, so the
 * partial stays bounded on huge documents. A phrase that is frequent over the document but never
 * among a part's best is undercounted (README, "Huge documents").
 */
export const PART_CANDIDATES = 500;

/** What a part hands to `merge`: counts, capped lists (lines in the document) and its best keyword candidates. */
interface MetadataPartial {
  kind: 'metadata';
  facts: Facts;
  candidates: CandidateEntries;
}

function settingsOf(ctx: { config: Readonly<Record<string, unknown>> }) {
  return {
    wpm: configNumber(ctx.config, 'metadata', 'wordsPerMinute', 230),
    spm: configNumber(ctx.config, 'metadata', 'speakingWordsPerMinute', 130),
    topN: configNumber(ctx.config, 'metadata', 'keywords', 10),
  };
}

export function checkMetadata(doc: DocumentModel, ctx: CheckContext): CheckResult {
  const { wpm, spm, topN } = settingsOf(ctx);
  const lang = ctx.language;
  const keywordTexts: string[] = [];
  const facts = gather(doc, lang, ctx.part, keywordTexts);
  if (ctx.part) {
    const candidates = topN > 0 ? collectCandidates(keywordTexts, lang) : undefined;
    const partial: MetadataPartial = { kind: 'metadata', facts, candidates: candidates ? bestCandidates(candidates, PART_CANDIDATES) : [] };
    return { findings: [], partial };
  }
  const keywords = extractKeywords(keywordTexts, { lang, top: topN });
  return { findings: [], metrics: { metadata: conclude(facts, keywords, lang, wpm, spm) } };
}

/** Heading ids as the core gives them to the whole document (its allocator): parts number repeats on their own. */
function renumberIds(outline: MetadataMetric['outline']): void {
  const next = headingIdAllocator();
  for (const h of outline) if (h.id !== undefined) h.id = next(h.text);
}

/** The document's metadata from its parts: counts add up, lists join in order, keywords are ranked again over all parts' candidates. */
export function mergeMetadata(parts: readonly CheckResult[], ctx: MergeContext): CheckResult {
  const { wpm, spm, topN } = settingsOf(ctx);
  const lang = ctx.language;
  const data = partials<MetadataPartial>(parts, 'metadata');
  const facts = noFacts();
  const candidates: Candidates = new Map();
  const append = <T>(into: T[], from: readonly T[]) => {
    for (const x of from) {
      if (into.length >= MAX_LIST) return;
      into.push(x);
    }
  };
  for (const { facts: f, candidates: c } of data) {
    for (const key of [
      'words',
      'characters',
      'spaces',
      'sentences',
      'paragraphs',
      'lists',
      'tables',
      'codeBlocks',
      'footnotes',
      'images',
      'internal',
      'external',
    ] as const) {
      facts[key] += f[key];
    }
    for (const h of f.outline) facts.outline.push({ ...h });
    append(facts.inline, f.inline);
    append(facts.references, f.references);
    append(facts.dates, f.dates);
    addCandidates(candidates, c);
  }
  renumberIds(facts.outline);
  // Parts of a language without stop words handed no candidates: no keywords, as in one pass.
  const keywords = rankKeywords(candidates, topN);
  return { findings: [], metrics: { metadata: conclude(facts, keywords, lang, wpm, spm) } };
}

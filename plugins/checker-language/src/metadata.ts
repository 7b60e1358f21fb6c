/**
 * The `metadata` checker: facts about the document for reports and indexes — counts, reading
 * and speaking time, outline, links, images, dates mentioned and keywords. Metrics only: there
 * is nothing to correct here, so it never reports findings.
 */
import { type CheckContext, type CheckResult, type DocumentModel, locate, proseBlocks, toPlainText, walk } from '@export-ia/core/plugin';
import { findDates } from './dates.js';
import { extractKeywords, type Keyword } from './keywords.js';
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

export function checkMetadata(doc: DocumentModel, ctx: CheckContext): CheckResult {
  const wpm = configNumber(ctx.config, 'metadata', 'wordsPerMinute', 230);
  const spm = configNumber(ctx.config, 'metadata', 'speakingWordsPerMinute', 130);
  const topN = configNumber(ctx.config, 'metadata', 'keywords', 10);
  const lang = ctx.language;

  let words = 0;
  let characters = 0;
  let spaces = 0;
  let sentences = 0;
  let paragraphs = 0;
  const dates: MetadataMetric['dates'] = [];
  const keywordTexts: string[] = [];
  for (const block of proseBlocks(doc.root)) {
    const text = block.text;
    words += countWords(text, lang);
    characters += text.length;
    spaces += text.match(SPACE)?.length ?? 0;
    if (block.kind === 'paragraph') {
      paragraphs++;
      sentences += countSentences(text);
    }
    const prose = proseOnly(block);
    for (const d of findDates(prose)) {
      if (dates.length >= MAX_LIST) break;
      dates.push({ text: d.text, iso: d.iso, line: locate(block, d.index)?.line ?? block.line });
    }
    // Table cells are data and labels; code never makes a keyword (a period ends the phrase there).
    if (block.kind !== 'tableCell') keywordTexts.push(proseOnly(block, '.'));
  }

  const outline: MetadataMetric['outline'] = [];
  const links: MetadataMetric['links'] = { internal: 0, external: 0, list: [] };
  const definitions = new Map<string, string>();
  const references: Array<{ id: string; text: string; line: number }> = [];
  let lists = 0;
  let tables = 0;
  let codeBlocks = 0;
  let footnotes = 0;
  let images = 0;
  const addLink = (url: string, text: string, line: number) => {
    const external = EXTERNAL.test(url);
    if (external) links.external++;
    else links.internal++;
    if (links.list.length < MAX_LIST) links.list.push({ url, text, line, external });
  };
  walk(doc.root, (node) => {
    const line = node.position?.start.line ?? 0;
    switch (node.type) {
      case 'heading': {
        const id = (node.data as { id?: unknown } | undefined)?.id;
        outline.push({ depth: node.depth, text: toPlainText(node).trim(), line, ...(typeof id === 'string' ? { id } : {}) });
        return;
      }
      case 'link':
        addLink(node.url, toPlainText(node).trim(), line);
        return;
      case 'linkReference':
        references.push({ id: node.identifier, text: toPlainText(node).trim(), line });
        return;
      case 'definition':
        definitions.set(node.identifier, node.url);
        return false;
      case 'image':
      case 'imageReference':
        images++;
        return false;
      case 'list':
        lists++;
        return;
      case 'table':
        tables++;
        return;
      case 'code':
        codeBlocks++;
        return false;
      case 'footnoteDefinition':
        footnotes++;
        return;
      default:
        return;
    }
  });
  for (const r of references) {
    const url = definitions.get(r.id);
    if (url !== undefined) addLink(url, r.text, r.line);
  }
  links.list.sort((a, b) => a.line - b.line);

  const keywords = extractKeywords(keywordTexts, { lang, top: topN });
  const metric: MetadataMetric = {
    words,
    characters,
    charactersNoSpaces: characters - spaces,
    sentences,
    paragraphs,
    headings: outline.length,
    lists,
    tables,
    codeBlocks,
    footnotes,
    images,
    readingMinutes: round(words / wpm, 1),
    speakingMinutes: round(words / spm, 1),
    wordsPerMinute: wpm,
    speakingWordsPerMinute: spm,
    outline,
    links,
    dates,
    keywordLanguage: KEYWORD_LANGUAGES.includes(lang) ? lang : null,
    keywords,
  };
  return { findings: [], metrics: { metadata: metric } };
}

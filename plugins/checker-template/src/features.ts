/**
 * One pass over the document collecting what its type shows in: structure (headings, lists,
 * tables, code, maths, quotes), letter and memo furniture (salutation, closing, dates, addresses,
 * `Label:` fields), named sections, title words, front-matter keys and vocabulary counts.
 * Plain counts and strings only: the model (model.ts) turns them into points.
 */
import type { DocumentModel } from '@export-ia/core/plugin';
import {
  CLOSING,
  DATE_LINE,
  DATE_RANGE,
  type DocumentType,
  FIELDS,
  FIRST_PERSON,
  FRONT_MATTER,
  IMPERATIVES,
  isAddressLine,
  normalise,
  SALUTATION,
  SECOND_PERSON,
  SECTIONS,
  SHELL_LANGS,
  SHELL_START,
  TITLE_WORDS,
  TYPE_KEYS,
  TYPE_SYNONYMS,
  VOCABULARY,
  type Weights,
} from './vocabulary.js';

/** A phrase the document matched, as written, with the weights the tables give it. */
export interface Match {
  text: string;
  weights: Weights;
}

export interface Features {
  words: number;
  headings: number;
  /** Headings not counting a single leading H1 that only titles the document. */
  sectionHeadings: number;
  maxDepth: number;
  paragraphs: number;
  meanParagraphWords: number;
  /** Share of the words that sit in list items (0-1). */
  listShare: number;
  lists: number;
  listItems: number;
  orderedItems: number;
  tasks: number;
  tables: number;
  codeBlocks: number;
  shellBlocks: number;
  inlineCode: number;
  math: number;
  footnotes: number;
  links: number;
  images: number;
  badges: number;
  blockquotes: number;
  callouts: string[];
  citations: number;
  citationExample?: string;
  captions: number;
  quotations: number;
  quotationExample?: string;
  questions: number;
  salutation?: string;
  closing?: string;
  dates: number;
  addresses: number;
  dateRanges: number;
  dateRangeExample?: string;
  emails: number;
  phones: number;
  times: number;
  timeExample?: string;
  instructions: number;
  instructionVerbs: string[];
  orderedInstructions: number;
  steps: number;
  /** Numbers in running text (not tables), for figure-heavy reports. */
  numbers: number;
  firstPerson: number;
  secondPerson: number;
  sections: Match[];
  fields: Match[];
  title: Match[];
  fileName: Match[];
  frontMatter: Match[];
  declared?: { key: string; value: string; type: DocumentType };
  /** Body vocabulary hits by type, and the words that hit most. */
  vocabulary: Partial<Record<DocumentType, { hits: number; top: string[] }>>;
}

interface Block {
  kind: 'heading' | 'paragraph' | 'cell';
  depth: number;
  text: string;
  /** Only strong text, like a heading written in bold. */
  boldOnly: boolean;
  top: boolean;
  inList: boolean;
  firstInItem: boolean;
  ordered: boolean;
  words: number;
}

// biome-ignore lint/suspicious/noExplicitAny: mdast nodes are walked generically
type AnyNode = any;

const TOKEN = /[\p{L}\p{M}]+|\p{N}+/gu;
const LABEL = /^\s*(\p{L}[\p{L}\p{M} .’'/-]{0,30}?)\s*:(?:\s|$)/u;
const NUMBERING = /^\s*(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.)\s+/;
const STEP = /^(?:step|paso|étape|etape|schritt)\s*\d+/iu;
const NUMERIC_CITATION = /\[\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\]/g;
const AUTHOR_YEAR =
  /\((?:see |cf\. |e\.g\. )?\p{Lu}[\p{L}'’-]+(?:\s+(?:et al\.|and|&|y|et|und)(?:\s+\p{Lu}[\p{L}'’-]+)?)?,?\s+(?:19|20)\d{2}[a-z]?(?:[;,][^)]{0,80})?\)/gu;
const ET_AL = /\bet al\./g;
const CAPTION = /(?:^|[\s(])(?:figure|fig\.|table|tabla|figura|tableau|abbildung|abb\.|tabelle)\s+\d+(?:\.\d+)?\b/giu;
const QUOTE_CURLY = /[“«„]([^”»“«]{8,300})[”»“]/gu;
const QUOTE_STRAIGHT = /(?:^|[\s(])"([^"\n]{8,300})"/gu;
const QUESTION = /[?？](?=\s|$|["”»)])/g;
const TIME = /\b(?:[01]?\d|2[0-3])(?::[0-5]\d|h[0-5]\d)\b|\b(?:1[0-2]|0?[1-9])(?::[0-5]\d)?\s?(?:am|pm|a\.m\.|p\.m\.)(?![\p{L}])/giu;
const EMAIL = /(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}/g;
const PHONE = /(?:\+\d{1,3}|\(0\d{1,4}\)|\b0\d{2,4})[\s.-]?\d{2,4}(?:[\s.-]?\d{2,4}){1,4}\b/g;
const BADGE_URL = /shields\.io|badge|\/workflows\/|travis-ci|circleci|codecov|coveralls|badgen|readthedocs\.org\/projects/i;

const wordCount = (s: string) => s.match(TOKEN)?.length ?? 0;
const clip = (s: string, n = 40) => (s.length > n ? `${s.slice(0, n - 1).trimEnd()}…` : s);

/** Collects the text of an inline subtree (breaks become newlines) and counts inline things on the way. */
function inlineText(node: AnyNode, f: Features): string {
  let out = '';
  const stack: AnyNode[] = [node];
  let inLink = 0;
  while (stack.length > 0) {
    const n = stack.pop();
    if (n === null) {
      inLink--;
      continue;
    }
    switch (n.type) {
      case 'text':
        out += n.value;
        break;
      case 'inlineCode':
        f.inlineCode++;
        out += n.value;
        break;
      case 'inlineMath':
        f.math++;
        out += n.value;
        break;
      case 'break':
        out += '\n';
        break;
      case 'footnoteReference':
        break;
      case 'image':
      case 'imageReference':
        f.images++;
        if (inLink > 0 || BADGE_URL.test(n.url ?? '')) f.badges++;
        break;
      case 'html':
        break;
      default:
        if (n.type === 'link' || n.type === 'linkReference') {
          f.links++;
          inLink++;
          stack.push(null);
        }
        if (n.children) for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
    }
  }
  return out;
}

/** Looks a normalised phrase up: the whole of it, or a leading phrase followed by little else. */
function matchPhrase(norm: string, map: Map<string, Weights>): { key: string; weights: Weights } | undefined {
  const exact = map.get(norm);
  if (exact) return { key: norm, weights: exact };
  const words = norm.split(' ');
  for (let k = Math.min(4, words.length - 1); k >= 1; k--) {
    const key = words.slice(0, k).join(' ');
    const hit = map.get(key);
    if (!hit) continue;
    const tail = words.slice(k);
    const next = tail[0] ?? '';
    if (tail.length <= 2 || ['and', 'y', 'et', 'und', 'e'].includes(next)) return { key, weights: hit };
  }
  return undefined;
}

/** Whole-word search of table phrases inside a text (titles, file names). */
function phrasesIn(text: string, map: Map<string, Weights>): Match[] {
  const padded = ` ${normalise(text)} `;
  const out: Match[] = [];
  for (const [phrase, weights] of map) if (padded.includes(` ${phrase} `)) out.push({ text: phrase, weights });
  return out;
}

function emptyFeatures(): Features {
  return {
    words: 0,
    headings: 0,
    sectionHeadings: 0,
    maxDepth: 0,
    paragraphs: 0,
    meanParagraphWords: 0,
    listShare: 0,
    lists: 0,
    listItems: 0,
    orderedItems: 0,
    tasks: 0,
    tables: 0,
    codeBlocks: 0,
    shellBlocks: 0,
    inlineCode: 0,
    math: 0,
    footnotes: 0,
    links: 0,
    images: 0,
    badges: 0,
    blockquotes: 0,
    callouts: [],
    citations: 0,
    captions: 0,
    quotations: 0,
    questions: 0,
    dates: 0,
    addresses: 0,
    dateRanges: 0,
    emails: 0,
    phones: 0,
    times: 0,
    instructions: 0,
    instructionVerbs: [],
    orderedInstructions: 0,
    steps: 0,
    numbers: 0,
    firstPerson: 0,
    secondPerson: 0,
    sections: [],
    fields: [],
    title: [],
    fileName: [],
    frontMatter: [],
    vocabulary: {},
  };
}

interface Frame {
  node: AnyNode;
  top: boolean;
  inList: boolean;
  ordered: boolean;
  firstInItem: boolean;
}

/** Walks the tree once into prose blocks and structural counts. */
function collect(doc: DocumentModel, f: Features): Block[] {
  const blocks: Block[] = [];
  const stack: Frame[] = [{ node: doc.root, top: false, inList: false, ordered: false, firstInItem: false }];
  while (stack.length > 0) {
    const { node, top, inList, ordered, firstInItem } = stack.pop() as Frame;
    const push = (children: AnyNode[] | undefined, frame: Omit<Frame, 'node'>, firstFlag = false) => {
      if (!children) return;
      for (let i = children.length - 1; i >= 0; i--) stack.push({ ...frame, node: children[i], firstInItem: firstFlag && i === 0 });
    };
    switch (node.type) {
      case 'root':
        push(node.children, { top: true, inList: false, ordered: false, firstInItem: false });
        break;
      case 'heading':
      case 'paragraph':
      case 'tableCell':
      case 'figureCaption': {
        const text = inlineText(node, f);
        const boldOnly = node.type === 'paragraph' && node.children?.length === 1 && node.children[0]?.type === 'strong';
        const kind = node.type === 'heading' ? 'heading' : node.type === 'tableCell' ? 'cell' : 'paragraph';
        blocks.push({ kind, depth: node.depth ?? 0, text, boldOnly, top, inList, ordered, firstInItem, words: 0 });
        break;
      }
      case 'list':
        f.lists++;
        push(node.children, { top: false, inList: true, ordered: node.ordered === true, firstInItem: false });
        break;
      case 'listItem':
        f.listItems++;
        if (ordered) f.orderedItems++;
        if (typeof node.checked === 'boolean') f.tasks++;
        push(node.children, { top: false, inList: true, ordered, firstInItem: false }, true);
        break;
      case 'table':
        f.tables++;
        push(node.children, { top: false, inList, ordered, firstInItem: false });
        break;
      case 'code': {
        f.codeBlocks++;
        const lang = String(node.lang ?? '').toLowerCase();
        if (SHELL_LANGS.has(lang) || SHELL_START.test(node.value ?? '')) f.shellBlocks++;
        break;
      }
      case 'math':
        f.math++;
        break;
      case 'footnoteDefinition':
        f.footnotes++;
        push(node.children, { top: false, inList, ordered, firstInItem: false });
        break;
      case 'blockquote':
        f.blockquotes++;
        push(node.children, { top: false, inList, ordered, firstInItem: false });
        break;
      case 'callout':
        if (!f.callouts.includes(node.kind)) f.callouts.push(node.kind);
        push(node.children, { top: false, inList, ordered, firstInItem: false });
        break;
      case 'html':
      case 'yaml':
      case 'definition':
      case 'thematicBreak':
      case 'pageBreak':
        break;
      default:
        push(node.children, { top: false, inList, ordered, firstInItem });
    }
  }
  return blocks;
}

/** Extracts every feature the model reads. */
export function extractFeatures(doc: DocumentModel, fileName: string): Features {
  return finishFeatures([scanFeatures(doc, fileName, true)]);
}

/** The examples quoted in the reason: the first one met wins (key order is first-met order too). */
const EXAMPLES = ['citationExample', 'quotationExample', 'dateRangeExample', 'timeExample'] as const;

/** A run of consecutive one-line top paragraphs (a possible address block): lines, labelled lines, address-like line. */
type Run = [lines: number, labelled: number, addressLine: boolean];

/** Letter furniture of one tree, with indexes into its top paragraphs (the model needs document-wide ones). */
export interface LetterScan {
  paragraphs: number;
  /** The first paragraph that reads like a salutation, wherever it is. */
  salutation?: [index: number, text: string];
  /** Every paragraph that reads like a closing (the first one far enough into the document counts). */
  closings: Array<[index: number, text: string]>;
  dates: number;
  /** Address blocks wholly inside this tree. */
  addresses: number;
  /** The run of one-line paragraphs the tree starts with (it may continue the previous part's). */
  head: Run;
  /** The run it ends with, when something broke the head run (else the head is the whole tree). */
  tail?: Run;
}

/**
 * What one pass over a tree collects: counts to add up, first-met lists and the raw material of
 * the document-level features (title, letter furniture). A whole document is one scan; a huge
 * one analysed in sections is one per part, combined by `finishFeatures`. Plain data, bounded by
 * the distinct section names, fields, vocabulary words and closing-like paragraphs.
 */
export interface FeatureScan {
  /** Counts, the part's callouts and examples (sections, fields, title… are left empty here). */
  f: Features;
  listWords: number;
  paragraphWords: number;
  h1: number;
  /** Named sections met, first per table phrase, the opening heading left out. */
  sections: Array<Match & { key: string }>;
  fields: Array<Match & { key: string }>;
  verbs: string[];
  vocabulary: Array<[DocumentType, Array<[string, number]>]>;
  /** Whether the tree has any block (a part may hold only the front matter). */
  blocks: boolean;
  /**
   * The tree's first block when it is an H1, left out of `sections` and `sectionHeadings`: the
   * document's title if it is the document's first block and its only H1.
   */
  opening?: { text: string; section?: Match & { key: string } };
  letter: LetterScan;
  /** Title, file-name and front-matter features (only in a scan that starts the document). */
  head?: { titles: string[]; fileName: Match[]; frontMatter: Match[]; declared?: Features['declared'] };
}

/** Scans one tree; `opens`: the tree starts the document (its title and front matter are read). */
export function scanFeatures(doc: DocumentModel, fileName: string, opens: boolean): FeatureScan {
  const f = emptyFeatures();
  const blocks = collect(doc, f);

  // A single H1 that opens the document titles it (several H1s are chapters): whether it opens
  // the document and is single is known once every part is scanned, so an opening H1 is kept aside.
  const first = blocks[0];
  const openingBlock = first?.kind === 'heading' && first.depth === 1 ? first : undefined;
  let h1 = 0;

  const vocabHits = new Map<DocumentType, Map<string, number>>();
  let listWords = 0;
  let paragraphWords = 0;
  const seenSections = new Set<string>();
  const sections: FeatureScan['sections'] = [];
  const seenFields = new Set<string>();
  const fields: FeatureScan['fields'] = [];
  const verbs = new Set<string>();
  const topParagraphs: Block[] = [];
  let opening: FeatureScan['opening'];

  for (const b of blocks) {
    // Vocabulary, pronouns and the word count in one tokenising pass.
    const lower = b.text.toLowerCase();
    let n = 0;
    TOKEN.lastIndex = 0;
    for (let m = TOKEN.exec(lower); m; m = TOKEN.exec(lower)) {
      n++;
      const w = m[0];
      if (w.charCodeAt(0) <= 57) {
        if (b.kind === 'paragraph') f.numbers++;
        continue;
      }
      const hit = VOCABULARY.get(w);
      if (hit) {
        for (const type of Object.keys(hit) as DocumentType[]) {
          let counts = vocabHits.get(type);
          if (!counts) {
            counts = new Map();
            vocabHits.set(type, counts);
          }
          counts.set(w, (counts.get(w) ?? 0) + 1);
        }
      }
      if (FIRST_PERSON.has(w)) f.firstPerson++;
      else if (SECOND_PERSON.has(w)) f.secondPerson++;
    }
    b.words = n;
    f.words += n;
    if (b.inList) listWords += n;

    if (b.kind === 'heading') {
      f.headings++;
      if (b.depth === 1) h1++;
      f.maxDepth = Math.max(f.maxDepth, b.depth);
      if (b !== openingBlock) f.sectionHeadings++;
    }
    if (b.kind === 'paragraph' && !b.inList) {
      f.paragraphs++;
      paragraphWords += n;
      if (b.top) topParagraphs.push(b);
    }

    const text = b.text.trim();
    const firstLine = text.split('\n', 1)[0] ?? '';

    // Named sections: headings (not the title) and bold-only paragraphs standing in for headings.
    if (b === openingBlock) {
      const hit = matchPhrase(normalise(text), SECTIONS);
      opening = hit ? { text: b.text, section: { key: hit.key, text: clip(text.replace(NUMBERING, '')), weights: hit.weights } } : { text: b.text };
    } else if (b.kind === 'heading' || (b.boldOnly && n <= 6)) {
      const norm = normalise(text);
      const hit = matchPhrase(norm, SECTIONS);
      if (hit && !seenSections.has(hit.key)) {
        seenSections.add(hit.key);
        sections.push({ key: hit.key, text: clip(text.replace(NUMBERING, '')), weights: hit.weights });
      }
    }
    if ((b.kind === 'heading' || b.firstInItem || b.kind === 'paragraph') && STEP.test(firstLine)) f.steps++;

    if (b.kind !== 'heading') {
      // `Label:` fields at the start of each line.
      for (const line of text.split('\n')) {
        const m = LABEL.exec(line);
        if (!m?.[1]) continue;
        const norm = normalise(m[1]);
        const weights = FIELDS.get(norm);
        if (weights && !seenFields.has(norm)) {
          seenFields.add(norm);
          fields.push({ key: norm, text: `${m[1].trim()}:`, weights });
        }
      }
    }

    // Instructions: list items that start with an imperative verb.
    if (b.firstInItem) {
      const first = /^[\p{L}\p{M}]+/u.exec(firstLine)?.[0] ?? '';
      if (first && first[0] === first[0]?.toUpperCase() && IMPERATIVES.has(first.toLowerCase())) {
        f.instructions++;
        if (b.ordered) f.orderedInstructions++;
        if (verbs.size < 3) verbs.add(first);
      }
    }

    // CV date ranges live in short lines: entries, headings, cells.
    if (n <= 25) {
      DATE_RANGE.lastIndex = 0;
      for (let m = DATE_RANGE.exec(text); m; m = DATE_RANGE.exec(text)) {
        f.dateRanges++;
        f.dateRangeExample ??= m[0];
      }
    }
    if (text.includes('@')) f.emails += text.match(EMAIL)?.length ?? 0;
    if (n <= 30) f.phones += text.match(PHONE)?.length ?? 0;
    if (/\d[:h.]\d|\d\s?[ap]\.?m/i.test(text)) {
      TIME.lastIndex = 0;
      for (let m = TIME.exec(text); m; m = TIME.exec(text)) {
        f.times++;
        f.timeExample ??= m[0];
      }
    }

    if (b.kind === 'paragraph') {
      // Academic apparatus and journalistic quotes, in running text.
      if (text.includes('[')) f.citations += text.match(NUMERIC_CITATION)?.length ?? 0;
      if (text.includes('(')) {
        const ay = text.match(AUTHOR_YEAR);
        if (ay) {
          f.citations += ay.length;
          f.citationExample ??= ay[0];
        }
      }
      if (text.includes('et al.')) f.citations += text.match(ET_AL)?.length ?? 0;
      if (f.citationExample === undefined && f.citations > 0) f.citationExample = text.match(NUMERIC_CITATION)?.[0];
      CAPTION.lastIndex = 0;
      f.captions += text.match(CAPTION)?.length ?? 0;
      for (const re of [QUOTE_CURLY, QUOTE_STRAIGHT]) {
        re.lastIndex = 0;
        for (let m = re.exec(text); m; m = re.exec(text)) {
          if (wordCount(m[1] ?? '') < 3) continue;
          f.quotations++;
          f.quotationExample ??= clip((m[0] ?? '').trim(), 30);
        }
      }
      if (!b.inList) f.questions += text.match(QUESTION)?.length ?? 0;
    }
  }

  const scan: FeatureScan = {
    f,
    listWords,
    paragraphWords,
    h1,
    blocks: blocks.length > 0,
    sections,
    fields,
    verbs: [...verbs],
    vocabulary: [...vocabHits].map(([type, counts]) => [type, [...counts]]),
    letter: letterScan(topParagraphs),
  };
  if (opening) scan.opening = opening;
  if (opens) {
    // Title words: front-matter title and subject (the title heading joins them in finishFeatures).
    const titles = [doc.meta.title, doc.meta.subtitle, doc.meta.subject].filter((t): t is string => typeof t === 'string' && t.length > 0);
    const stem = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
    const fm = emptyFeatures();
    frontMatter(doc.frontMatter, fm);
    scan.head = { titles, fileName: stem ? phrasesIn(stem.replace(/[_.-]+/g, ' '), TITLE_WORDS) : [], frontMatter: fm.frontMatter };
    if (fm.declared) scan.head.declared = fm.declared;
  }
  return scan;
}

/**
 * The document's features from the scans of its parts, in document order (one scan for a whole
 * document): counts added up, first-met lists joined, the title and the letter furniture
 * decided with document-wide indexes. Gives what a single scan of the whole tree gives.
 */
export function finishFeatures(scans: readonly FeatureScan[]): Features {
  const f = emptyFeatures();
  const head = scans[0]?.head;
  const h1 = scans.reduce((n, s) => n + s.h1, 0);
  // The document's first block is the first block of the first part that has any.
  const titleScan = scans.find((s) => s.blocks);
  const titleText = titleScan?.opening && h1 === 1 ? titleScan.opening.text : undefined;
  const seenSections = new Set<string>();
  const addSection = (m: Match & { key: string }) => {
    if (seenSections.has(m.key)) return;
    seenSections.add(m.key);
    f.sections.push({ text: m.text, weights: m.weights });
  };
  const seenFields = new Set<string>();
  const verbs = new Set<string>();
  const vocabHits = new Map<DocumentType, Map<string, number>>();
  let listWords = 0;
  let paragraphWords = 0;
  for (const scan of scans) {
    if (scan.opening && !(scan === titleScan && titleText !== undefined)) {
      // Not the title: an ordinary heading, the part's first.
      f.sectionHeadings++;
      if (scan.opening.section) addSection(scan.opening.section);
    }
    const p = scan.f;
    for (const key of SUMS) f[key] += p[key];
    f.maxDepth = Math.max(f.maxDepth, p.maxDepth);
    for (const kind of p.callouts) if (!f.callouts.includes(kind)) f.callouts.push(kind);
    for (const key of Object.keys(p))
      if ((EXAMPLES as readonly string[]).includes(key)) f[key as (typeof EXAMPLES)[number]] ??= p[key as (typeof EXAMPLES)[number]];
    listWords += scan.listWords;
    paragraphWords += scan.paragraphWords;
    for (const m of scan.sections) addSection(m);
    for (const m of scan.fields) {
      if (seenFields.has(m.key)) continue;
      seenFields.add(m.key);
      f.fields.push({ text: m.text, weights: m.weights });
    }
    for (const v of scan.verbs) if (verbs.size < 3) verbs.add(v);
    for (const [type, words] of scan.vocabulary) {
      let counts = vocabHits.get(type);
      if (!counts) {
        counts = new Map();
        vocabHits.set(type, counts);
      }
      for (const [w, c] of words) counts.set(w, (counts.get(w) ?? 0) + c);
    }
  }

  f.listShare = f.words > 0 ? listWords / f.words : 0;
  f.meanParagraphWords = f.paragraphs > 0 ? paragraphWords / f.paragraphs : 0;
  f.instructionVerbs = [...verbs];
  letterFurniture(
    scans.map((s) => s.letter),
    f,
  );

  for (const [type, counts] of vocabHits) {
    let hits = 0;
    for (const c of counts.values()) hits += c;
    const top = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 3)
      .map(([w]) => w);
    f.vocabulary[type] = { hits, top };
  }

  // Title words: front-matter title and subject, the title heading.
  const titles = [...(head?.titles ?? []), titleText].filter((t): t is string => typeof t === 'string' && t.length > 0);
  const seenTitle = new Set<string>();
  for (const t of titles) {
    for (const m of phrasesIn(t, TITLE_WORDS)) {
      if (seenTitle.has(m.text)) continue;
      seenTitle.add(m.text);
      f.title.push(m);
    }
  }
  if (head) {
    f.fileName = head.fileName;
    f.frontMatter = head.frontMatter;
    if (head.declared) f.declared = head.declared;
  }
  return f;
}

/** Counts that add up across parts. */
const SUMS = [
  'words',
  'headings',
  'sectionHeadings',
  'paragraphs',
  'lists',
  'listItems',
  'orderedItems',
  'tasks',
  'tables',
  'codeBlocks',
  'shellBlocks',
  'inlineCode',
  'math',
  'footnotes',
  'links',
  'images',
  'badges',
  'blockquotes',
  'citations',
  'captions',
  'quotations',
  'questions',
  'dateRanges',
  'emails',
  'phones',
  'times',
  'instructions',
  'orderedInstructions',
  'steps',
  'numbers',
  'firstPerson',
  'secondPerson',
] as const satisfies ReadonlyArray<keyof Features>;

/** Salutation, closing, date lines and address blocks of one tree's top paragraphs. */
function letterScan(paragraphs: Block[]): LetterScan {
  const scan: LetterScan = { paragraphs: paragraphs.length, closings: [], dates: 0, addresses: 0, head: [0, 0, false] };
  let run: Run = [0, 0, false];
  let broken = false;
  paragraphs.forEach((b, i) => {
    const lines = b.text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
    const first = lines[0] ?? '';
    const firstWords = wordCount(first);
    if (scan.salutation === undefined && firstWords <= 8 && SALUTATION.test(first) && /[,:!]$|^[^.?]*$/.test(first)) {
      scan.salutation = [i, clip(first, 30)];
    }
    if (firstWords <= 6 && CLOSING.test(first)) {
      const short = /^(?:thank|thanks|cheers)/i.test(first) ? firstWords <= 3 : true;
      if (short && (!first.endsWith('.') || firstWords <= 3)) scan.closings.push([i, clip(first.replace(/[,.]$/, ''), 30)]);
    }
    for (const line of lines) if (wordCount(line) <= 8 && DATE_LINE.test(line)) scan.dates++;
    // Address lines: one paragraph with hard breaks, or (DOCX, HTML) consecutive one-line paragraphs.
    if (lines.length === 1 && firstWords <= 7 && !/[.!?;]$/.test(first)) run = joinRuns(run, [1, LABEL.test(first) ? 1 : 0, isAddressLine(first)]);
    else {
      if (broken) scan.addresses += isAddressRun(run) ? 1 : 0;
      else scan.head = run;
      broken = true;
      run = [0, 0, false];
      if (lines.length >= 3 && lines.every((l) => wordCount(l) <= 8 && !/[.!?;]$/.test(l)) && isAddress(lines)) scan.addresses++;
    }
  });
  if (broken) scan.tail = run;
  else scan.head = run;
  return scan;
}

const joinRuns = (a: Run, b: Run): Run => [a[0] + b[0], a[1] + b[1], a[2] || b[2]];
const isAddressRun = ([lines, labelled, addressLine]: Run) => lines >= 3 && labelled * 2 < lines && addressLine;

/**
 * Salutation, closing, date lines and address blocks: where letters show themselves. A
 * salutation counts in the first half (or first 7 paragraphs), a closing from 40% of the top
 * paragraphs on; a run of one-line paragraphs may go on from one part into the next.
 */
function letterFurniture(scans: readonly LetterScan[], f: Features): void {
  const count = scans.reduce((n, s) => n + s.paragraphs, 0);
  let before = 0;
  let run: Run = [0, 0, false];
  let salutation: [number, string] | undefined;
  let closing: [number, string] | undefined;
  let salutationMet = false;
  for (const s of scans) {
    // Only the document's first salutation-like paragraph may count.
    if (!salutationMet && s.salutation) {
      salutationMet = true;
      const at = before + s.salutation[0];
      if (at <= Math.max(6, count * 0.5)) salutation = [at, s.salutation[1]];
    }
    if (closing === undefined) {
      const found = s.closings.find(([i]) => before + i >= count * 0.4);
      if (found) closing = [before + found[0], found[1]];
    }
    f.dates += s.dates;
    f.addresses += s.addresses;
    run = joinRuns(run, s.head);
    if (s.tail) {
      if (isAddressRun(run)) f.addresses++;
      run = s.tail;
    }
    before += s.paragraphs;
  }
  if (isAddressRun(run)) f.addresses++;
  // In the order a reader meets them (the metric's keys follow it).
  if (closing && (!salutation || closing[0] < salutation[0])) {
    f.closing = closing[1];
    if (salutation) f.salutation = salutation[1];
  } else {
    if (salutation) f.salutation = salutation[1];
    if (closing) f.closing = closing[1];
  }
}

function isAddress(lines: string[]): boolean {
  const labelled = lines.filter((l) => LABEL.test(l)).length;
  return labelled * 2 < lines.length && lines.some(isAddressLine);
}

function frontMatter(fm: Record<string, unknown>, f: Features): void {
  for (const [rawKey, value] of Object.entries(fm ?? {})) {
    const key = rawKey.toLowerCase();
    if (TYPE_KEYS.has(key) && typeof value === 'string') {
      const type = TYPE_SYNONYMS[value.trim().toLowerCase().replace(/\s+/g, '-')];
      if (type) {
        f.declared = { key: rawKey, value, type };
        continue;
      }
    }
    // `layout: post` is a blog; other layouts say nothing.
    if (key === 'layout' && !(typeof value === 'string' && /post|article|blog/i.test(value))) continue;
    const weights = FRONT_MATTER.get(key);
    if (weights) f.frontMatter.push({ text: rawKey, weights });
  }
}

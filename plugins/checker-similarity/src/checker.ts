/**
 * The similarity checker: the document's prose against a corpus. Copied passages (shared runs of
 * words, found through winnowed k-gram fingerprints and extended word by word), near-duplicate
 * documents (MinHash estimate of the Jaccard similarity of the k-gram sets), and the metric the
 * quality score reads (`similarity.maxContainment`).
 */
import {
  type CheckContext,
  type Checker,
  type CheckResult,
  type DocumentModel,
  type Finding,
  type FindingPosition,
  locate,
  type ProseBlock,
  proseBlocks,
} from '@export-ia/core/plugin';
import type { CorpusDocument, CorpusIndex } from './corpus.js';
import { countWords, jaccard, kgramHashes, minhash, TokenStream, tokenize } from './fingerprint.js';
import { matchCorpus, type Passage, type SourceMatch } from './match.js';

export interface SimilarityConfig {
  /** Words per k-gram for a corpus built from `sources` (a host corpus brings its own). */
  k: number;
  /** Winnowing window for a corpus built from `sources`. */
  window: number;
  foldDiacritics: boolean;
  /** Passages with fewer identical words are not reported. */
  minPassageWords: number;
  /** A passage this long (in words) is an error rather than a warning. */
  errorWords: number;
  /** Files or folders (relative to the working directory) making up the corpus when the host gives none. */
  sources: string[];
  /** Passages in block quotes or between quotation marks are attributed, not copied. */
  ignoreQuoted: boolean;
  /** Estimated Jaccard similarity from which a corpus document is a near-duplicate. */
  nearDuplicate: number;
}

export const DEFAULT_CONFIG: Readonly<SimilarityConfig> = {
  k: 5,
  window: 4,
  foldDiacritics: true,
  minPassageWords: 8,
  errorWords: 50,
  sources: [],
  ignoreQuoted: true,
  nearDuplicate: 0.8,
};

const int = (v: unknown, min: number, fallback: number) => (typeof v === 'number' && Number.isInteger(v) && v >= min ? v : fallback);

/** The plugin configuration with defaults filled in (the host validated it against the schema). */
export function readConfig(raw: Readonly<Record<string, unknown>> = {}): SimilarityConfig {
  const d = DEFAULT_CONFIG;
  return {
    k: int(raw.k, 2, d.k),
    window: int(raw.window, 1, d.window),
    foldDiacritics: typeof raw.foldDiacritics === 'boolean' ? raw.foldDiacritics : d.foldDiacritics,
    minPassageWords: int(raw.minPassageWords, 1, d.minPassageWords),
    errorWords: int(raw.errorWords, 1, d.errorWords),
    sources: Array.isArray(raw.sources) ? raw.sources.filter((s): s is string => typeof s === 'string') : [],
    ignoreQuoted: typeof raw.ignoreQuoted === 'boolean' ? raw.ignoreQuoted : d.ignoreQuoted,
    nearDuplicate: typeof raw.nearDuplicate === 'number' && raw.nearDuplicate >= 0 && raw.nearDuplicate <= 1 ? raw.nearDuplicate : d.nearDuplicate,
  };
}

/**
 * Finds the corpus for one check: the host's index, or one built from the configuration.
 * `warn` attaches findings about the corpus itself (a source that could not be read).
 */
export type CorpusProvider = (
  ctx: CheckContext,
  config: SimilarityConfig,
  warn: (finding: Finding) => void,
) => CorpusIndex | undefined | Promise<CorpusIndex | undefined>;

/** One corpus document in the metric. */
export interface SourceMetric {
  doc: string;
  name: string;
  /** Share of the checked document's words found in this document's passages (0-1). */
  containment: number;
  /** Estimated Jaccard similarity of the two documents' k-gram sets (0-1). */
  jaccard: number;
  passages: number;
}

/** `metrics.similarity`. */
export interface SimilarityMetric {
  /** Largest share of the document matching any one corpus document (0-1): the quality score's input. */
  maxContainment: number;
  /** Share of the document matching some corpus document (0-1), passages of all sources together. */
  containment: number;
  /** Prose words checked (quoted words included, code left out). */
  words: number;
  /** Words in block quotes or quotation marks (not compared when `ignoreQuoted`). */
  quotedWords: number;
  /** Corpus size and the fingerprint scheme used. */
  corpus: { documents: number; scheme: string };
  /** Corpus documents with a passage or a near-duplicate finding, most contained first (at most 20). */
  sources: SourceMetric[];
}

const MAX_SOURCES_IN_METRIC = 20;
/** Candidates (by shared k-grams) whose signatures are compared. */
const MAX_JACCARD_CANDIDATES = 50;

/** Creates the checker; `getCorpus` finds the corpus for each check. */
export function createSimilarityChecker(getCorpus: CorpusProvider): Checker {
  return {
    async check(doc, ctx) {
      const config = readConfig(ctx.config);
      const findings: Finding[] = [];
      const corpus = await getCorpus(ctx, config, (f) => findings.push(f));
      // No corpus at all (none added, no sources): nothing to say; the score lists originality as not checked.
      if (!corpus && config.sources.length === 0) return { findings };
      if (!corpus || corpus.count() === 0) {
        findings.push({
          rule: 'similarity/no-corpus',
          severity: 'info',
          message: 'There is no corpus to compare the document with, so its originality was not checked.',
          suggestion: 'Add documents to the corpus (`export-ia corpus add`), or list files and folders under `sources` in the plugin configuration.',
        });
        return { findings };
      }
      if (ctx.part) return checkPart(doc, ctx, ctx.part, corpus, config, findings);
      return checkAgainst(doc, ctx, corpus, config, findings);
    },
    merge(parts, ctx) {
      return mergeSimilarity(parts, readConfig(ctx.config));
    },
  };
}

/**
 * The checked document's words: prose blocks, quoted text left out (and counted) when
 * `ignoreQuoted`. `cutBefore` / `cutAfter`: quoted text was left out before the first word /
 * after the last one (for a part of a document: no k-gram joins it to its neighbours there).
 */
export function documentWords(
  blocks: readonly ProseBlock[],
  fold: boolean,
  ignoreQuoted: boolean,
): { stream: TokenStream; quotedWords: number; cutBefore: boolean; cutAfter: boolean } {
  const stream = new TokenStream();
  let quotedWords = 0;
  let cutBefore = false;
  let lastCut = -1;
  const cut = () => {
    if (stream.count === 0) cutBefore = true;
    lastCut = stream.count;
    stream.barrier();
  };
  for (let b = 0; b < blocks.length; b++) {
    const block = blocks[b] as ProseBlock;
    if (ignoreQuoted && block.quoted) {
      quotedWords += countWords(block.text);
      cut();
      continue;
    }
    let at = 0;
    if (ignoreQuoted) {
      for (const m of block.text.matchAll(INLINE_QUOTE)) {
        stream.append(block.text, fold, b, at, m.index);
        quotedWords += countWords(block.text, m.index, m.index + m[0].length);
        cut();
        at = m.index + m[0].length;
      }
    }
    stream.append(block.text, fold, b, at);
  }
  return { stream, quotedWords, cutBefore, cutAfter: stream.count > 0 && lastCut === stream.count };
}

// Text between quotation marks on one line or paragraph: “…”, "…", «…», „…“.
const INLINE_QUOTE = /“[^“”]*”|"[^"\n]*"|«[^«»]*»|„[^„“”]*[“”]/g;

/** What the checked text shares with the corpus: its words and k-grams, the matches per source. */
interface Comparison {
  blocks: readonly ProseBlock[];
  stream: TokenStream;
  quotedWords: number;
  cutBefore: boolean;
  cutAfter: boolean;
  /** Prose words (quoted ones included). */
  words: number;
  grams: Float64Array;
  matches: SourceMatch[];
  /** Words matching some source. */
  matchedAny: number;
  nameOf: (id: string) => string;
  sourceWords: (id: string) => Source | undefined;
}

function compare(doc: DocumentModel, corpus: CorpusIndex, config: SimilarityConfig): Comparison {
  const options = corpus.options;
  const blocks = proseBlocks(doc.root);
  const { stream, quotedWords, cutBefore, cutAfter } = documentWords(blocks, options.foldDiacritics, config.ignoreQuoted);
  const words = stream.count + quotedWords;
  const grams = kgramHashes(stream, options.k);
  const listed = new Map<string, CorpusDocument | undefined>();
  const listing = (id: string) => {
    if (!listed.has(id)) listed.set(id, corpus.document(id));
    return listed.get(id);
  };
  const nameOf = (id: string) => listing(id)?.name ?? id;
  const self = doc.source.path;
  const exclude = (id: string) => self !== undefined && listing(id)?.path === self;
  const sourceWords = sourceWordsOf(corpus);
  const { sources: matches, matched: matchedAny } = matchCorpus(
    stream,
    grams,
    corpus,
    { ...options, minPassageWords: config.minPassageWords, exclude },
    (id) => sourceWords(id)?.words,
  );
  return { blocks, stream, quotedWords, cutBefore, cutAfter, words, grams, matches, matchedAny, nameOf, sourceWords };
}

/** Copied passages: the longest first; a stretch matching several sources is reported once. In document order. */
function reportedPassages(matches: readonly SourceMatch[]): Array<{ passage: Passage; also: string[] }> {
  const all = matches.flatMap((m) => m.passages).sort((a, b) => b.matched - a.matched || a.docStart - b.docStart);
  const reported: Array<{ passage: Passage; also: string[] }> = [];
  for (const p of all) {
    const overlapping = reported.find((r) => 2 * (Math.min(r.passage.docEnd, p.docEnd) - Math.max(r.passage.docStart, p.docStart)) > p.docEnd - p.docStart);
    if (overlapping) overlapping.also.push(p.source);
    else reported.push({ passage: p, also: [] });
  }
  return reported.sort((a, b) => a.passage.docStart - b.passage.docStart);
}

function nearDuplicate(id: string, name: string, j: number, containment: number, k: number): Finding {
  return {
    rule: 'similarity/near-duplicate',
    severity: 'warning',
    message: `The document is a near-duplicate of ${quote(name)}: about ${pct(j)} of their ${k}-word phrases are shared.`,
    suggestion: 'If this is a new version of that document, remove the old one from the corpus; otherwise rewrite the document in your own words.',
    data: { source: id, sourceName: name, jaccard: round(j), containment: round(containment) },
  };
}

/** The metric's list of sources: those with a passage or a near-duplicate finding, most contained first. */
function sourceList(
  matches: ReadonlyArray<{ doc: string; matched: number; passages: number }>,
  words: number,
  similarity: ReadonlyMap<string, number>,
  nameOf: (id: string) => string,
  config: SimilarityConfig,
): SourceMetric[] {
  return matches
    .filter((m) => m.passages > 0 || (similarity.get(m.doc) ?? 0) >= config.nearDuplicate)
    .map((m) => ({
      doc: m.doc,
      name: nameOf(m.doc),
      containment: round(words > 0 ? m.matched / words : 0),
      jaccard: round(similarity.get(m.doc) ?? 0),
      passages: m.passages,
    }))
    .sort((a, b) => b.containment - a.containment || b.jaccard - a.jaccard || cmp(a.doc, b.doc))
    .slice(0, MAX_SOURCES_IN_METRIC);
}

function checkAgainst(doc: DocumentModel, ctx: CheckContext, corpus: CorpusIndex, config: SimilarityConfig, findings: Finding[]): CheckResult {
  const options = corpus.options;
  const { blocks, stream, quotedWords, words, grams, matches, matchedAny, nameOf, sourceWords } = compare(doc, corpus, config);

  // Near-duplicates: signatures of the documents sharing the most k-grams.
  // (Computed only when some document shares a k-gram: most checks of original text skip it.)
  const similarity = new Map<string, number>();
  let signature: Uint32Array | undefined;
  for (const m of [...matches].sort((a, b) => b.hits - a.hits).slice(0, MAX_JACCARD_CANDIDATES)) {
    const other = corpus.signature(m.doc);
    signature ??= minhash(grams);
    if (other) similarity.set(m.doc, jaccard(signature, other));
  }
  for (const [id, j] of similarity) {
    if (j < config.nearDuplicate) continue;
    const m = matches.find((x) => x.doc === id);
    findings.push(nearDuplicate(id, nameOf(id), j, m && words > 0 ? m.matched / words : 0, options.k));
  }

  const containmentOf = new Map(matches.map((m) => [m.doc, words > 0 ? m.matched / words : 0]));
  for (const { passage, also } of reportedPassages(matches)) {
    findings.push(passageFinding(passage, also, stream, blocks, ctx.text, nameOf(passage.source), containmentOf.get(passage.source) ?? 0, config, sourceWords));
  }

  const metric: SimilarityMetric = {
    maxContainment: round(Math.max(0, ...[...containmentOf.values()])),
    containment: round(words > 0 ? matchedAny / words : 0),
    words,
    quotedWords,
    corpus: { documents: corpus.count(), scheme: schemeName(options) },
    sources: sourceList(
      matches.map((m) => ({ doc: m.doc, matched: m.matched, passages: m.passages.length })),
      words,
      similarity,
      nameOf,
      config,
    ),
  };
  return { findings, metrics: { similarity: metric } };
}

/** A word at a part's edge, for the k-grams that join two parts: its two hashes and its segment in the part. */
type EdgeWord = [h1: number, h2: number, segment: number];

/**
 * What one part of a huge document hands to `merge` (plain data, bounded by the sources it
 * shares k-grams with): word counts, matches per source, its MinHash signature and the words at
 * its edges, so that the document's signature is the one a whole check computes.
 */
export interface SimilarityPartial {
  /** Words of the part's stream (quoted words left out): passages' word indexes move by this. */
  streamWords: number;
  words: number;
  quotedWords: number;
  matchedAny: number;
  corpus: { documents: number; scheme: string };
  k: number;
  signature: number[];
  /** Up to k − 1 words at each end (all of them in a short part); `gap`: where the end words start, when not all are here. */
  edge: { words: EdgeWord[]; gap?: number; cutBefore: boolean; cutAfter: boolean };
  sources: Array<{ doc: string; name: string; hits: number; matched: number; passages: number; signature?: number[] }>;
}

/**
 * One part of a huge document: its passages (local: a passage can cross parts only where a
 * heading starts one), and what merge needs for the document's metric and near-duplicates.
 */
function checkPart(
  doc: DocumentModel,
  ctx: CheckContext,
  part: { offset: number },
  corpus: CorpusIndex,
  config: SimilarityConfig,
  findings: Finding[],
): CheckResult {
  const options = corpus.options;
  const c = compare(doc, corpus, config);
  for (const { passage, also } of reportedPassages(c.matches)) {
    // Containment is the document's, set by merge; offsets move to the document's now.
    const f = passageFinding(passage, also, c.stream, c.blocks, ctx.text, c.nameOf(passage.source), 0, config, c.sourceWords);
    const at = (f.data as { passage: { start?: number; end?: number } }).passage;
    if (at.start !== undefined) at.start += part.offset;
    if (at.end !== undefined) at.end += part.offset;
    findings.push(f);
  }
  // The part's own candidates for near-duplicates carry their signatures (merge has no corpus).
  const candidates = new Set(
    [...c.matches]
      .sort((a, b) => b.hits - a.hits)
      .slice(0, MAX_JACCARD_CANDIDATES)
      .map((m) => m.doc),
  );
  const sources: SimilarityPartial['sources'] = c.matches.map((m) => {
    const entry: SimilarityPartial['sources'][number] = { doc: m.doc, name: c.nameOf(m.doc), hits: m.hits, matched: m.matched, passages: m.passages.length };
    const signature = candidates.has(m.doc) || m.passages.length > 0 ? corpus.signature(m.doc) : undefined;
    if (signature) entry.signature = Array.from(signature);
    return entry;
  });
  const n = c.stream.count;
  const keep = options.k - 1;
  const edgeAt =
    n <= 2 * keep
      ? Array.from({ length: n }, (_, i) => i)
      : [...Array.from({ length: keep }, (_, i) => i), ...Array.from({ length: keep }, (_, i) => n - keep + i)];
  const edge: SimilarityPartial['edge'] = {
    words: edgeAt.map((i) => [c.stream.h1[i] as number, c.stream.h2[i] as number, c.stream.segment[i] as number]),
    cutBefore: c.cutBefore,
    cutAfter: c.cutAfter,
  };
  if (n > 2 * keep) edge.gap = keep;
  const partial: SimilarityPartial = {
    streamWords: n,
    words: c.words,
    quotedWords: c.quotedWords,
    matchedAny: c.matchedAny,
    corpus: { documents: corpus.count(), scheme: schemeName(options) },
    k: options.k,
    signature: Array.from(minhash(c.grams)),
    edge,
    sources,
  };
  return { findings, partial };
}

/**
 * The document's result from its parts': passages kept where they are (their word indexes and
 * containment made the document's), the corpus findings once, near-duplicates and the metric
 * from the summed counts and the parts' signatures (the k-grams that join two parts included).
 */
export function mergeSimilarity(parts: readonly CheckResult[], config: SimilarityConfig): CheckResult {
  const partials = parts.map((p) => p.partial as SimilarityPartial | undefined);
  const findings: Finding[] = [];
  // Corpus findings (unreadable source, no corpus) are the same in every part: once.
  const seen = new Set<string>();
  for (const p of parts) {
    for (const f of p.findings) {
      if (f.rule === 'similarity/copied-passage') continue;
      const key = `${f.rule}\n${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(f);
    }
  }
  const first = partials.find((p) => p !== undefined);
  if (!first || partials.some((p) => p === undefined)) return { findings };

  let words = 0;
  let quotedWords = 0;
  let matchedAny = 0;
  const bySource = new Map<string, { doc: string; name: string; hits: number; matched: number; passages: number; signature?: number[] }>();
  for (const p of partials as SimilarityPartial[]) {
    words += p.words;
    quotedWords += p.quotedWords;
    matchedAny += p.matchedAny;
    for (const s of p.sources) {
      const known = bySource.get(s.doc);
      if (!known) bySource.set(s.doc, { ...s });
      else {
        known.hits += s.hits;
        known.matched += s.matched;
        known.passages += s.passages;
        if (!known.signature && s.signature) known.signature = s.signature;
      }
    }
  }
  const matches = [...bySource.values()];
  const nameOf = (id: string) => bySource.get(id)?.name ?? id;

  const similarity = new Map<string, number>();
  let signature: Uint32Array | undefined;
  for (const m of [...matches].sort((a, b) => b.hits - a.hits).slice(0, MAX_JACCARD_CANDIDATES)) {
    signature ??= documentSignature(partials as SimilarityPartial[]);
    if (m.signature) similarity.set(m.doc, jaccard(signature, Uint32Array.from(m.signature)));
  }
  for (const [id, j] of similarity) {
    if (j < config.nearDuplicate) continue;
    const m = bySource.get(id);
    findings.push(nearDuplicate(id, nameOf(id), j, m && words > 0 ? m.matched / words : 0, first.k));
  }

  let before = 0;
  parts.forEach((p, i) => {
    for (const f of p.findings) {
      if (f.rule !== 'similarity/copied-passage') continue;
      const data = f.data as { source: string; passage: { startWord: number; endWord: number } };
      const m = bySource.get(data.source);
      findings.push({
        ...f,
        data: {
          ...f.data,
          passage: { ...data.passage, startWord: data.passage.startWord + before, endWord: data.passage.endWord + before },
          containment: round(m && words > 0 ? m.matched / words : 0),
        },
      });
    }
    before += partials[i]?.streamWords ?? 0;
  });

  const metric: SimilarityMetric = {
    maxContainment: round(Math.max(0, ...matches.map((m) => (words > 0 ? m.matched / words : 0)))),
    containment: round(words > 0 ? matchedAny / words : 0),
    words,
    quotedWords,
    corpus: first.corpus,
    sources: sourceList(matches, words, similarity, nameOf, config),
  };
  return { findings, metrics: { similarity: metric } };
}

/**
 * The document's MinHash signature: the smallest value per slot over the parts' signatures and
 * the k-grams that join each part to the next (built from the words at the parts' edges, in
 * document order, with the segment breaks a whole check would have).
 */
function documentSignature(parts: readonly SimilarityPartial[]): Uint32Array {
  const k = parts[0]?.k ?? 5;
  const h1: number[] = [];
  const h2: number[] = [];
  const segment: number[] = [];
  let seg = 0;
  let cut = false;
  let any = false;
  for (const p of parts) {
    const { words, gap, cutBefore, cutAfter } = p.edge;
    if (words.length === 0) {
      cut ||= cutBefore;
      continue;
    }
    if (any && (cut || cutBefore)) seg++;
    words.forEach(([a, b, s], i) => {
      if (i > 0 && (s !== (words[i - 1] as EdgeWord)[2] || i === gap)) seg++;
      h1.push(a);
      h2.push(b);
      segment.push(seg);
    });
    any = true;
    cut = cutAfter;
  }
  const edges = new TokenStream();
  edges.count = h1.length;
  edges.h1 = Int32Array.from(h1);
  edges.h2 = Int32Array.from(h2);
  edges.segment = Int32Array.from(segment);
  const joins = minhash(kgramHashes(edges, k));
  for (const p of parts) for (let i = 0; i < joins.length; i++) joins[i] = Math.min(joins[i] as number, p.signature[i] as number);
  return joins;
}

function schemeName(o: CorpusIndex['options']): string {
  return `k${o.k}/w${o.window}/${o.foldDiacritics ? 'fold' : 'exact'}`;
}

function passageFinding(
  p: Passage,
  also: readonly string[],
  stream: TokenStream,
  blocks: readonly ProseBlock[],
  text: string | undefined,
  name: string,
  containment: number,
  config: SimilarityConfig,
  sourceWords: (id: string) => Source | undefined,
): Finding {
  const first = p.docStart;
  const last = p.docEnd - 1;
  const position = spanPosition(blocks, stream, first, last);
  const span = p.docEnd - p.docStart;
  const docText =
    text !== undefined && position?.offset !== undefined && position.endOffset !== undefined
      ? text.slice(position.offset, position.endOffset)
      : wordsText(blocks, stream, first, last);
  const passage: Record<string, number> = { startWord: p.docStart, endWord: p.docEnd };
  if (position?.offset !== undefined && position.endOffset !== undefined) Object.assign(passage, { start: position.offset, end: position.endOffset });
  const sourcePassage: Record<string, number | string> = { startWord: p.srcStart, endWord: p.srcEnd };
  const src = sourceWords(p.source);
  if (src && p.srcEnd <= src.words.count) {
    const start = src.words.start[p.srcStart] as number;
    const end = src.words.end[p.srcEnd - 1] as number;
    Object.assign(sourcePassage, { start, end, excerpt: shorten(src.text.slice(start, end)) });
  }
  const identical = p.matched < span ? ` (${p.matched} identical)` : '';
  const finding: Finding = {
    rule: 'similarity/copied-passage',
    severity: span >= config.errorWords ? 'error' : 'warning',
    message: `This passage of ${span} words${identical} matches ${quote(name)} in the corpus${also.length > 0 ? ` (and ${also.length} other ${also.length === 1 ? 'document' : 'documents'})` : ''}.`,
    suggestion: 'Quote it and cite the source, or rewrite it in your own words.',
    excerpt: shorten(docText),
    data: {
      source: p.source,
      sourceName: name,
      sourcePassage,
      passage,
      words: span,
      matchedWords: p.matched,
      containment: round(containment),
      ...(also.length > 0 ? { alsoIn: also } : {}),
    },
  };
  if (position) finding.position = position;
  return finding;
}

/** Source position of words first … last of the stream (they may lie in different blocks). */
function spanPosition(blocks: readonly ProseBlock[], stream: TokenStream, first: number, last: number): FindingPosition | undefined {
  const a = blocks[stream.part[first] as number];
  const b = blocks[stream.part[last] as number];
  if (!a || !b) return undefined;
  if (a === b) return locate(a, stream.start[first] as number, stream.end[last] as number);
  const start = locate(a, stream.start[first] as number);
  const end = locate(b, stream.start[last] as number, stream.end[last] as number);
  if (!start) return undefined;
  if (!end?.endLine) return start;
  const pos: FindingPosition = { ...start, endLine: end.endLine };
  if (end.endColumn !== undefined) pos.endColumn = end.endColumn;
  if (end.endOffset !== undefined) pos.endOffset = end.endOffset;
  return pos;
}

function wordsText(blocks: readonly ProseBlock[], stream: TokenStream, first: number, last: number): string {
  const parts: string[] = [];
  let i = first;
  while (i <= last) {
    const part = stream.part[i] as number;
    let j = i;
    while (j < last && stream.part[j + 1] === part) j++;
    parts.push((blocks[part]?.text ?? '').slice(stream.start[i], stream.end[j]));
    i = j + 1;
  }
  return parts.join(' ');
}

/** A corpus document's text and its words. */
interface Source {
  text: string;
  words: TokenStream;
}

// Source words, tokenised once per corpus text (the most recently used kept).
const sourceCache = new WeakMap<CorpusIndex, Map<string, Source>>();
const SOURCE_CACHE_SIZE = 64;

function sourceWordsOf(corpus: CorpusIndex): (id: string) => Source | undefined {
  let cache = sourceCache.get(corpus);
  if (!cache) {
    cache = new Map();
    sourceCache.set(corpus, cache);
  }
  const lru = cache;
  const local = new Map<string, Source | undefined>();
  return (id) => {
    if (local.has(id)) return local.get(id);
    const text = corpus.text?.(id);
    let source: Source | undefined;
    if (text !== undefined) {
      const hit = lru.get(id);
      source = hit && hit.text === text ? hit : { text, words: tokenize(text, corpus.options.foldDiacritics) };
      lru.delete(id);
      lru.set(id, source);
      if (lru.size > SOURCE_CACHE_SIZE) lru.delete(lru.keys().next().value as string);
    }
    local.set(id, source);
    return source;
  };
}

/** Whitespace collapsed; long texts keep their beginning and end. */
function shorten(text: string, max = 240): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const head = Math.floor(max * 0.6);
  return `${t.slice(0, head).trimEnd()} … ${t.slice(t.length - (max - head - 3)).trimStart()}`;
}

const quote = (s: string) => `“${s}”`;
const round = (n: number) => Math.round(n * 10000) / 10000;
const pct = (n: number) => `${Math.round(n * 100)}%`;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Which passages go to the model: the hardest sentences the readability checker found (its
 * `metrics.readability.hardest`, located again in the prose blocks from their excerpt and
 * position), else the longest sentences of the document.
 */
import { type FindingPosition, locate, type ProseBlock, sentences, words } from '@export-ia/core/plugin';

/** One sentence to send: its block and its [start, end) in the block's text. */
interface Passage {
  block: ProseBlock;
  start: number;
  end: number;
  /** The sentence as plain text, whitespace collapsed (what is sent). */
  text: string;
}

/** An entry of `metrics.readability.hardest`, as the readability checker documents it. */
interface HardestEntry {
  excerpt: string;
  line?: number;
  column?: number;
  words?: number;
}

/** Sentences shorter than this are never "long" enough to be worth a request. */
export const MIN_LONG_WORDS = 15;
/** Longer passages are cut before sending (a "sentence" this long is a list or a table gone wrong). */
export const MAX_PASSAGE_CHARS = 4000;

const SPACE = /\s/;
const SEPARATORS = /[\n\r\v\f\u0085\u2028\u2029]/g;

const plain = (text: string) => {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= MAX_PASSAGE_CHARS ? t : t.slice(0, MAX_PASSAGE_CHARS);
};

function passage(block: ProseBlock, start: number, end: number): Passage {
  return { block, start, end, text: plain(block.text.slice(start, end)) };
}

/** The block's text with whitespace runs collapsed, and for each of its indexes the source index. */
function normalise(text: string): { text: string; map: number[] } {
  let out = '';
  const map: number[] = [];
  let space = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (SPACE.test(ch)) {
      if (space) continue;
      space = true;
      out += ' ';
    } else {
      space = false;
      out += ch;
    }
    map.push(i);
  }
  return { text: out, map };
}

/** Sentence boundaries of a block (soft line breaks are not ends), trimmed, in text order. */
function sentenceSpans(block: ProseBlock, lang: string): Array<{ start: number; end: number }> {
  const text = block.text.replace(SEPARATORS, ' ');
  const out: Array<{ start: number; end: number }> = [];
  for (const s of sentences(text, lang)) {
    const lead = s.sentence.length - s.sentence.trimStart().length;
    const start = s.index + lead;
    const end = s.index + s.sentence.trimEnd().length;
    if (end > start) out.push({ start, end });
  }
  return out;
}

/**
 * The end of a sentence whose excerpt was cut: the sentence boundary at or after the excerpt's
 * end, joining the next ones (split after an abbreviation) until it has the words the
 * readability checker counted.
 */
function extend(block: ProseBlock, start: number, atLeast: number, wordCount: number | undefined, lang: string): number {
  const spans = sentenceSpans(block, lang);
  let end = atLeast;
  for (const s of spans) {
    if (s.end < atLeast) continue;
    end = s.end;
    if (wordCount === undefined || words(block.text.slice(start, end), lang).length >= wordCount) break;
  }
  return end;
}

/** Where a part of a document analysed in sections starts in the document. */
export interface Shift {
  line: number;
  offset: number;
}

/** A passage chosen to be sent: its text and where it is in the document. Plain data. */
export interface Chosen {
  text: string;
  position?: FindingPosition;
}

/** `locate` in document positions: a part's are moved by where the part starts. */
function documentPosition(block: ProseBlock, start: number, end: number, shift: Shift | undefined): FindingPosition | undefined {
  const at = locate(block, start, end);
  if (!at || !shift) return at;
  const lines = shift.line - 1;
  const out: FindingPosition = { ...at, line: at.line + lines };
  if (at.endLine !== undefined) out.endLine = at.endLine + lines;
  if (at.offset !== undefined) out.offset = at.offset + shift.offset;
  if (at.endOffset !== undefined) out.endOffset = at.endOffset + shift.offset;
  return out;
}

/**
 * Where one of the readability checker's hardest sentences was found in a tree: how well it
 * matches (2: its line and column, 1: its line or no line given, 0: elsewhere), which sentence
 * (block index and start, to drop repeats) and the passage. Plain data.
 */
export interface HardestMatch {
  rank: number;
  block: number;
  start: number;
  passage: Chosen;
}

/**
 * Looks each of the hardest sentences up in a tree (a document, or a part of one whose start
 * `shift` gives: the entries' document lines are compared with its own). One best match or null
 * per entry, in the entries' order; `pickHardest` chooses among the parts' matches.
 */
export function matchHardest(blocks: readonly ProseBlock[], hardest: readonly unknown[], lang: string, shift?: Shift): Array<HardestMatch | null> {
  const prose = blocks.filter((b) => b.kind !== 'heading');
  const normalised = new Map<ProseBlock, { text: string; map: number[] }>();
  const norm = (b: ProseBlock) => {
    let n = normalised.get(b);
    if (!n) {
      n = normalise(b.text);
      normalised.set(b, n);
    }
    return n;
  };
  const lines = shift ? shift.line - 1 : 0;
  return hardest.map((raw) => {
    const entry = raw as HardestEntry;
    if (typeof entry?.excerpt !== 'string' || entry.excerpt.trim() === '') return null;
    const excerpt = entry.excerpt.trim();
    const cut = excerpt.endsWith('…');
    const prefix = cut ? excerpt.slice(0, -1).trimEnd() : excerpt;
    if (prefix === '') return null;
    const line = entry.line === undefined ? undefined : entry.line - lines;

    // The first word, looked up in the raw text first: most blocks need no normalising then.
    const space = prefix.indexOf(' ');
    const head = space > 0 ? prefix.slice(0, space) : prefix;
    let best: { block: number; k: number; rank: number } | undefined;
    for (let i = 0; i < prose.length; i++) {
      const block = prose[i] as ProseBlock;
      if ((line !== undefined && block.line > line) || !block.text.includes(head)) continue;
      const n = norm(block);
      for (let k = n.text.indexOf(prefix); k >= 0; k = n.text.indexOf(prefix, k + 1)) {
        const at = locate(block, n.map[k] as number);
        const rank = line === undefined ? 1 : at?.line !== line ? 0 : at.column === entry.column ? 2 : 1;
        if (!best || rank > best.rank) best = { block: i, k, rank };
        if (rank === 2) break;
      }
      if (best?.rank === 2) break;
    }
    if (!best) return null;
    const block = prose[best.block] as ProseBlock;
    const { k } = best;
    const n = norm(block);
    const start = n.map[k] as number;
    const whole = n.text.startsWith(excerpt, k);
    const last = n.map[k + (whole ? excerpt.length : prefix.length) - 1] as number;
    const end = whole ? last + 1 : extend(block, start, last + 1, entry.words, lang);
    return { rank: best.rank, block: best.block, start, passage: chosen(block, start, end, shift) };
  });
}

/**
 * The hardest sentences to send, from the matches of each part of the document (one list for a
 * whole document), hardest first: for each entry the best match, the earliest in the document
 * among equals; a sentence already chosen is not chosen again; at most `max`.
 */
export function pickHardest(parts: ReadonlyArray<ReadonlyArray<HardestMatch | null>>, max: number): Chosen[] {
  const entries = Math.max(0, ...parts.map((p) => p.length));
  const out: Chosen[] = [];
  const taken = new Set<string>();
  for (let e = 0; e < entries && out.length < max; e++) {
    let best: { part: number; match: HardestMatch } | undefined;
    for (let part = 0; part < parts.length; part++) {
      const match = parts[part]?.[e];
      if (match && (!best || match.rank > best.match.rank)) best = { part, match };
      if (best?.match.rank === 2) break;
    }
    if (!best) continue;
    const key = `${best.part}:${best.match.block}:${best.match.start}`;
    if (taken.has(key)) continue;
    taken.add(key);
    out.push(best.match.passage);
  }
  return out;
}

function chosen(block: ProseBlock, start: number, end: number, shift: Shift | undefined): Chosen {
  const position = documentPosition(block, start, end, shift);
  return position ? { text: passage(block, start, end).text, position } : { text: passage(block, start, end).text };
}

/** One of the longest sentences of a tree: its length, its rank in the tree's order, the passage. */
export interface LongSentence {
  words: number;
  order: number;
  passage: Chosen;
}

/** The `max` longest sentences of a tree (at least MIN_LONG_WORDS words), longest first; `shift`: see matchHardest. */
export function longestSentences(blocks: readonly ProseBlock[], lang: string, max: number, shift?: Shift): LongSentence[] {
  if (max <= 0) return [];
  const found: Array<{ block: ProseBlock; order: number; start: number; end: number; words: number }> = [];
  let order = 0;
  for (const block of blocks) {
    if (block.kind === 'heading') continue;
    for (const s of sentenceSpans(block, lang)) {
      const count = words(block.text.slice(s.start, s.end), lang).length;
      if (count >= MIN_LONG_WORDS) found.push({ block, order: order++, start: s.start, end: s.end, words: count });
    }
  }
  found.sort((a, b) => b.words - a.words || a.order - b.order);
  found.length = Math.min(found.length, max);
  return found.map((f) => ({ words: f.words, order: f.order, passage: chosen(f.block, f.start, f.end, shift) }));
}

/** The longest sentences of the document, from each part's longest (document order kept), at most `max`. */
export function pickLongest(parts: ReadonlyArray<readonly LongSentence[]>, max: number): Chosen[] {
  if (max <= 0) return [];
  const all = parts.flatMap((list, part) => list.map((s) => ({ ...s, part })));
  const before = (a: { part: number; order: number }, b: { part: number; order: number }) => a.part - b.part || a.order - b.order;
  all.sort((a, b) => b.words - a.words || before(a, b));
  all.length = Math.min(all.length, max);
  all.sort(before);
  return all.map((s) => s.passage);
}

/**
 * Which passages go to the model: the hardest sentences the readability checker found (its
 * `metrics.readability.hardest`, located again in the prose blocks from their excerpt and
 * position), else the longest sentences of the document.
 */
import { locate, type ProseBlock, sentences, words } from '@export-ia/core/plugin';

/** One sentence to send: its block and its [start, end) in the block's text. */
export interface Passage {
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

/** Finds the readability checker's hardest sentences in the blocks (document order kept by rank). */
export function hardestPassages(blocks: readonly ProseBlock[], hardest: readonly unknown[], lang: string, max: number): Passage[] {
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
  const out: Passage[] = [];
  for (const raw of hardest) {
    if (out.length >= max) break;
    const entry = raw as HardestEntry;
    if (typeof entry?.excerpt !== 'string' || entry.excerpt.trim() === '') continue;
    const excerpt = entry.excerpt.trim();
    const cut = excerpt.endsWith('…');
    const prefix = cut ? excerpt.slice(0, -1).trimEnd() : excerpt;
    if (prefix === '') continue;

    // The first word, looked up in the raw text first: most blocks need no normalising then.
    const space = prefix.indexOf(' ');
    const head = space > 0 ? prefix.slice(0, space) : prefix;
    let best: { block: ProseBlock; k: number; rank: number } | undefined;
    for (const block of prose) {
      if ((entry.line !== undefined && block.line > entry.line) || !block.text.includes(head)) continue;
      const n = norm(block);
      for (let k = n.text.indexOf(prefix); k >= 0; k = n.text.indexOf(prefix, k + 1)) {
        const at = locate(block, n.map[k] as number);
        const rank = entry.line === undefined ? 1 : at?.line !== entry.line ? 0 : at.column === entry.column ? 2 : 1;
        if (!best || rank > best.rank) best = { block, k, rank };
        if (rank === 2) break;
      }
      if (best?.rank === 2) break;
    }
    if (!best) continue;
    const { block, k } = best;
    const n = norm(block);
    const start = n.map[k] as number;
    const whole = n.text.startsWith(excerpt, k);
    const last = n.map[k + (whole ? excerpt.length : prefix.length) - 1] as number;
    const end = whole ? last + 1 : extend(block, start, last + 1, entry.words, lang);
    if (out.some((p) => p.block === block && p.start === start)) continue;
    out.push(passage(block, start, end));
  }
  return out;
}

/** The longest sentences of the document (at least MIN_LONG_WORDS words), in document order. */
export function longestPassages(blocks: readonly ProseBlock[], lang: string, max: number): Passage[] {
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
  found.sort((a, b) => a.order - b.order);
  return found.map((f) => passage(f.block, f.start, f.end));
}

/**
 * From shared fingerprints to passages: every k-gram of the checked document is looked up in the
 * corpus; the hits of each corpus document are chained along their diagonal (document position
 * minus source position, allowing small drifts for inserted or deleted words) when they lie
 * within `gap` words of each other; each chain becomes a passage, verified and extended word by
 * word against the source text when the corpus has it.
 */
import type { CorpusIndex } from './corpus.js';
import { NO_HASH, type TokenStream } from './fingerprint.js';

export interface MatchOptions {
  k: number;
  window: number;
  /** Passages with fewer matching words are dropped. */
  minPassageWords: number;
  /** Largest run of unmatched words inside one passage (default 2·(k + window)). */
  gap?: number;
  /** Largest shift of the diagonal between two hits of one passage (inserted or deleted words). */
  drift?: number;
  /** K-grams found in more places than this are too common to say anything (boilerplate); ignored. */
  maxPostings?: number;
  /** Corpus documents never to match (the checked file's own copy). */
  exclude?: (id: string) => boolean;
}

/** A passage of the checked document that matches a corpus document. */
export interface Passage {
  source: string;
  /** Word range in the checked document's stream, end exclusive. */
  docStart: number;
  docEnd: number;
  /** Word range in the source document, end exclusive. */
  srcStart: number;
  srcEnd: number;
  /** Words of the range identical to the source (after normalisation). */
  matched: number;
  /** True when checked word by word against the source text. */
  verified: boolean;
}

export interface SourceMatch {
  doc: string;
  /** Document k-grams with at least one posting in this source. */
  hits: number;
  passages: Passage[];
  /** Words of the checked document inside this source's passages that match it. */
  matched: number;
}

/** A k-gram repeated more often than this in the checked document is left out. */
const MAX_REPEATS = 16;
/** Chains followed at once for one source; past this the oldest is closed (bounds the work on repetitive texts). */
const MAX_OPEN_CHAINS = 64;

interface Chain {
  hits: number[]; // flat d, s pairs
  lastD: number;
  lastS: number;
}

/**
 * Matches a document (its words and k-gram hashes) against a corpus. `sourceWords` returns a
 * source's words (tokenised from `corpus.text`) or undefined when the text is not available.
 * Returns the passages per source and the number of document words matching any source.
 */
export function matchCorpus(
  doc: TokenStream,
  grams: Float64Array,
  corpus: CorpusIndex,
  options: MatchOptions,
  sourceWords: (id: string) => TokenStream | undefined,
): { sources: SourceMatch[]; matched: number } {
  const { k } = options;
  const gap = options.gap ?? 2 * (k + options.window);
  const drift = options.drift ?? 3;
  const maxPostings = options.maxPostings ?? 500;
  // How often each k-gram occurs in the document: one repeated more than MAX_REPEATS times is
  // a refrain (or an attack on the chaining's cost), not evidence of copying.
  const repeats = new Map<number, number>();
  for (const h of grams) if (h !== NO_HASH) repeats.set(h, (repeats.get(h) ?? 0) + 1);
  const query: number[] = [];
  for (const [h, n] of repeats) if (n <= MAX_REPEATS) query.push(h);
  if (query.length === 0) return { sources: [], matched: 0 };
  const postings = corpus.lookup(query);
  if (postings.size === 0) return { sources: [], matched: 0 };

  const verdicts = new Map<string, boolean>();
  const excluded = (id: string) => {
    let v = verdicts.get(id);
    if (v === undefined) {
      v = options.exclude?.(id) ?? false;
      verdicts.set(id, v);
    }
    return v;
  };
  // Hits per source, in document order.
  const bySource = new Map<string, { pairs: number[]; hits: number }>();
  for (let d = 0; d < grams.length; d++) {
    const list = postings.get(grams[d] as number);
    if (!list || list.length > maxPostings || (repeats.get(grams[d] as number) ?? 0) > MAX_REPEATS) continue;
    let lastDoc = '';
    for (const p of list) {
      if (excluded(p.doc)) continue;
      let entry = bySource.get(p.doc);
      if (!entry) {
        entry = { pairs: [], hits: 0 };
        bySource.set(p.doc, entry);
      }
      if (p.doc !== lastDoc) entry.hits++;
      lastDoc = p.doc;
      entry.pairs.push(d, p.position);
    }
  }

  const stamp = new Int32Array(doc.count).fill(-1);
  const accepted = new Uint8Array(doc.count);
  const any = new Uint8Array(doc.count);
  let anyMatched = 0;
  const out: SourceMatch[] = [];
  let chainId = 0;
  for (const [source, { pairs, hits }] of bySource) {
    const chains = chainHits(pairs, gap, drift);
    const words = sourceWords(source);
    const candidates: Candidate[] = [];
    for (const chain of chains) {
      const passage = words ? extend(chain, doc, words, k, stamp, chainId) : spans(chain, k, stamp, chainId);
      chainId++;
      if (passage && passage.matched >= options.minPassageWords) candidates.push({ ...passage, source });
    }
    // One passage per stretch of the document: a source that repeats itself matches once.
    candidates.sort((a, b) => b.matched - a.matched || a.docStart - b.docStart);
    const passages: Candidate[] = [];
    for (const c of candidates) {
      const overlap = passages.reduce((sum, p) => sum + Math.max(0, Math.min(p.docEnd, c.docEnd) - Math.max(p.docStart, c.docStart)), 0);
      if (overlap * 2 > c.docEnd - c.docStart) continue;
      passages.push(c);
    }
    passages.sort((a, b) => a.docStart - b.docStart);
    let matched = 0;
    for (const p of passages) {
      // Recount on the stamps: matched words of this source, each once.
      const id = p.stamp;
      for (let i = p.docStart; i < p.docEnd; i++) {
        if (stamp[i] === id && accepted[i] === 0) {
          accepted[i] = 1;
          matched++;
          if (any[i] === 0) {
            any[i] = 1;
            anyMatched++;
          }
        }
      }
    }
    for (const p of passages) accepted.fill(0, p.docStart, p.docEnd);
    out.push({ doc: source, hits, passages: passages.map(({ stamp: _, ...p }) => p), matched });
  }
  return { sources: out, matched: anyMatched };
}

/** A passage with the id of the chain whose stamps mark its matched words. */
type Candidate = Passage & { stamp: number };

/** Groups (document position, source position) pairs, sorted by document position, into diagonal chains. */
function chainHits(pairs: number[], gap: number, drift: number): Chain[] {
  const done: Chain[] = [];
  let open: Chain[] = [];
  for (let i = 0; i < pairs.length; i += 2) {
    const d = pairs[i] as number;
    const s = pairs[i + 1] as number;
    if (open.length > 0 && open.some((c) => d - c.lastD > gap)) {
      const still: Chain[] = [];
      for (const c of open) (d - c.lastD > gap ? done : still).push(c);
      open = still;
    }
    let best: Chain | undefined;
    let bestShift = drift + 1;
    for (const c of open) {
      if (d <= c.lastD || s <= c.lastS || s - c.lastS > gap + drift) continue;
      const shift = Math.abs(s - d - (c.lastS - c.lastD));
      if (shift < bestShift) {
        best = c;
        bestShift = shift;
      }
    }
    if (best) {
      best.hits.push(d, s);
      best.lastD = d;
      best.lastS = s;
    } else {
      if (open.length >= MAX_OPEN_CHAINS) done.push(open.shift() as Chain);
      open.push({ hits: [d, s], lastD: d, lastS: s });
    }
  }
  return done.concat(open);
}

/** Without the source text: the passage is the span of the hits; matched words are those under a hit. */
function spans(chain: Chain, k: number, stamp: Int32Array, id: number): Candidate {
  const h = chain.hits;
  let matched = 0;
  for (let i = 0; i < h.length; i += 2) {
    const d = h[i] as number;
    for (let j = d; j < d + k && j < stamp.length; j++) {
      if (stamp[j] !== id) {
        stamp[j] = id;
        matched++;
      }
    }
  }
  const last = h.length - 2;
  return {
    source: '',
    docStart: h[0] as number,
    docEnd: Math.min(stamp.length, (h[last] as number) + k),
    srcStart: h[1] as number,
    srcEnd: (h[last + 1] as number) + k,
    matched,
    verified: false,
    stamp: id,
  };
}

/**
 * With the source's words: keep the hits whose k words really are the source's (a stale index
 * or a hash collision drops out), extend each identical run both ways as far as the words agree,
 * and stamp every identical word.
 */
function extend(chain: Chain, doc: TokenStream, src: TokenStream, k: number, stamp: Int32Array, id: number): Candidate | undefined {
  const h = chain.hits;
  let docStart = -1;
  let docEnd = -1;
  let srcStart = -1;
  let srcEnd = -1;
  let matched = 0;
  let runEnd = -1; // end (document) of the last extended run
  let runDiag = Number.NaN;
  for (let i = 0; i < h.length; i += 2) {
    const d = h[i] as number;
    const s = h[i + 1] as number;
    if (d + k <= runEnd && s - d === runDiag) continue; // inside the run already extended
    if (s + k > src.count || d + k > doc.count) continue;
    let ok = true;
    for (let j = 0; j < k && ok; j++) ok = doc.same(d + j, src, s + j);
    if (!ok) continue;
    const seg = doc.segment[d];
    let b = d;
    let t = s;
    while (b > 0 && t > 0 && b > runEnd && doc.segment[b - 1] === seg && doc.same(b - 1, src, t - 1)) {
      b--;
      t--;
    }
    let e = d + k;
    let f = s + k;
    while (e < doc.count && f < src.count && doc.segment[e] === seg && doc.same(e, src, f)) {
      e++;
      f++;
    }
    for (let j = b; j < e; j++) {
      if (stamp[j] !== id) {
        stamp[j] = id;
        matched++;
      }
    }
    if (docStart < 0 || b < docStart) {
      docStart = b;
      srcStart = t;
    }
    if (e > docEnd) {
      docEnd = e;
      srcEnd = f;
    }
    runEnd = e;
    runDiag = s - d;
  }
  if (docStart < 0) return undefined;
  const passage: Candidate = { source: '', docStart, docEnd, srcStart, srcEnd, matched, verified: true, stamp: id };
  bridge(passage, doc, src, stamp, 1);
  bridge(passage, doc, src, stamp, -1);
  return passage;
}

// Ways past an edit at a passage's end: words skipped in the document and in the source
// (substitution, insertion, deletion; one or two words), simplest first.
const SKIPS: ReadonlyArray<readonly [number, number]> = [
  [1, 1],
  [1, 0],
  [0, 1],
  [2, 2],
  [2, 1],
  [1, 2],
  [2, 0],
  [0, 2],
];
/** Identical words needed after a skipped edit to carry a passage on. */
const CONFIRM = 3;
/** Edits bridged at each end of a passage, at most. */
const MAX_BRIDGES = 8;

/**
 * Carries a passage on past small edits at one end (`dir` 1: after its end, −1: before its
 * start), while at least CONFIRM identical words follow each edit: the short runs between edits
 * near a passage's ends hold no shared fingerprint of their own (a run of fewer than k + w − 1
 * words may hold none). Never crosses a segment boundary (a left-out quotation).
 */
function bridge(p: Candidate, doc: TokenStream, src: TokenStream, stamp: Int32Array, dir: 1 | -1): void {
  const seg = doc.segment[dir === 1 ? p.docEnd - 1 : p.docStart];
  // Edge positions: the first word outside the passage on that side (in both texts).
  let e = dir === 1 ? p.docEnd : p.docStart - 1;
  let f = dir === 1 ? p.srcEnd : p.srcStart - 1;
  const inDoc = (i: number) => i >= 0 && i < doc.count && doc.segment[i] === seg;
  const inSrc = (i: number) => i >= 0 && i < src.count;
  for (let bridges = 0; bridges < MAX_BRIDGES; bridges++) {
    let found = false;
    for (const [sd, ss] of SKIPS) {
      const e2 = e + dir * sd;
      const f2 = f + dir * ss;
      let ok = true;
      for (let j = 0; j < CONFIRM && ok; j++) ok = inDoc(e2 + dir * j) && inSrc(f2 + dir * j) && doc.same(e2 + dir * j, src, f2 + dir * j);
      if (!ok) continue;
      e = e2;
      f = f2;
      found = true;
      break;
    }
    if (!found) return;
    while (inDoc(e) && inSrc(f) && doc.same(e, src, f)) {
      if (stamp[e] !== p.stamp) {
        stamp[e] = p.stamp;
        p.matched++;
      }
      e += dir;
      f += dir;
    }
    if (dir === 1) {
      p.docEnd = e;
      p.srcEnd = f;
    } else {
      p.docStart = e + 1;
      p.srcStart = f + 1;
    }
  }
}

/**
 * Text fingerprints for copy detection: normalised words with their offsets in the source text,
 * hashed word k-grams (52-bit safe integers, so they fit a JavaScript number and an SQLite
 * INTEGER exactly), winnowing (Schleimer, Wilkerson & Aiken, 2003: any shared run of at least
 * k + w − 1 words leaves a shared fingerprint) and MinHash signatures (Broder, 1997) whose
 * agreement estimates the Jaccard similarity of two documents' k-gram sets.
 *
 * Everything here is pure and deterministic: a corpus indexed today matches a document checked
 * tomorrow as long as `FINGERPRINT_VERSION` and the options are the same.
 */

/**
 * Bumped whenever normalisation, hashing or winnowing changes: a stored index with another
 * version must be rebuilt from its texts.
 */
export const FINGERPRINT_VERSION = 1;

/** How texts are cut into fingerprints. A corpus and the documents checked against it must agree. */
export interface FingerprintOptions {
  /** Words per k-gram (default 5). */
  k: number;
  /** Winnowing window in k-grams (default 4): shared runs of k + window − 1 words are always found. */
  window: number;
  /** Match words regardless of accents (résumé = resume); default true. */
  foldDiacritics: boolean;
}

export const DEFAULT_FINGERPRINT_OPTIONS: Readonly<FingerprintOptions> = { k: 5, window: 4, foldDiacritics: true };

/** A stable name for a set of options, e.g. `v1/k5/w4/fold`: an index built under another scheme cannot be queried. */
export function fingerprintScheme(options: Readonly<FingerprintOptions>): string {
  return `v${FINGERPRINT_VERSION}/k${options.k}/w${options.window}/${options.foldDiacritics ? 'fold' : 'exact'}`;
}

/** Number of MinHash permutations (signature length). */
export const SIGNATURE_SIZE = 128;

const TWO_32 = 2 ** 32;
/** Marks a k-gram that crosses a barrier (a quotation left out, a block boundary that must not be bridged). */
export const NO_HASH = -1;

/**
 * The words of one or more texts, in order: where each starts and ends in its text (UTF-16
 * offsets), two independent 32-bit hashes of its normalised form, the piece of text it came
 * from, and a segment number (k-grams never span two segments).
 */
export class TokenStream {
  count = 0;
  start = new Int32Array(256);
  end = new Int32Array(256);
  h1 = new Int32Array(256);
  h2 = new Int32Array(256);
  /** Which appended text (block) each word came from. */
  part = new Int32Array(256);
  segment = new Int32Array(256);
  #segment = 0;

  /** Starts a new segment: k-grams will not join words before and after this point. */
  barrier(): void {
    if (this.count > 0 && this.segment[this.count - 1] === this.#segment) this.#segment++;
  }

  /**
   * Appends the words of `text` (of `text.slice(from, to)`, offsets still counted from the start
   * of `text`); `part` tags them (a block index) so their place can be found again.
   */
  append(text: string, foldDiacritics: boolean, part = 0, from = 0, to = text.length): void {
    // ASCII words are cut and hashed in place (most words of most texts); anything else goes
    // through the regular expression, which defines what a word is.
    let i = from;
    while (i < to) {
      const c = text.charCodeAt(i);
      if (c < 128 && !isAsciiAlnum(c)) {
        i++;
        continue;
      }
      let j = i;
      if (c < 128) {
        j = i + 1;
        while (j < text.length && isAsciiAlnum(text.charCodeAt(j))) j++;
        const next = j < text.length ? text.charCodeAt(j) : 32;
        if (next < 128 && next !== 39) {
          hashAscii(text, i, j);
          this.#push(i, j, part);
          i = j;
          continue;
        }
      }
      WORD.lastIndex = i;
      const m = WORD.exec(text);
      if (m === null || m.index >= to) return;
      const end = m.index + m[0].length;
      hashWord(m[0], foldDiacritics);
      this.#push(m.index, end, part);
      i = end;
    }
  }

  /** Appends a word whose hashes `hashAscii` or `hashWord` just computed. */
  #push(start: number, end: number, part: number): void {
    if (this.count === this.start.length) this.#grow();
    const i = this.count++;
    this.start[i] = start;
    this.end[i] = end;
    this.part[i] = part;
    this.segment[i] = this.#segment;
    this.h1[i] = fmix32(hashA);
    this.h2[i] = fmix32(hashB ^ 0x2545f491);
  }

  /** True when words `a` of this stream and `b` of `other` have the same normalised form. */
  same(a: number, other: TokenStream, b: number): boolean {
    return this.h1[a] === other.h1[b] && this.h2[a] === other.h2[b];
  }

  #grow(): void {
    const grow = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.start = grow(this.start);
    this.end = grow(this.end);
    this.h1 = grow(this.h1);
    this.h2 = grow(this.h2);
    this.part = grow(this.part);
    this.segment = grow(this.segment);
  }
}

/** The words of a text (one part, one segment). */
export function tokenize(text: string, foldDiacritics = true): TokenStream {
  const tokens = new TokenStream();
  tokens.append(text, foldDiacritics);
  return tokens;
}

// Han, kana: one character is one word (those scripts put no spaces between words). Other
// letters and digits form words, with inner apostrophes (don't, l'homme) kept inside; hyphens,
// dots and all other punctuation separate words.
const CJK = '\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}';
const FIRST = `(?:[^\\P{L}${CJK}]|\\p{N})`;
const NEXT = `(?:[^\\P{L}${CJK}]|[\\p{M}\\p{N}])`;
const WORD = new RegExp(`[${CJK}]|${FIRST}${NEXT}*(?:['’]${FIRST}${NEXT}*)*`, 'gu');
const MARKS = /\p{Mn}/gu;
const APOSTROPHES = /['’]/g;

/** Number of words in `text.slice(from, to)`. */
export function countWords(text: string, from = 0, to = text.length): number {
  let n = 0;
  WORD.lastIndex = from;
  for (let m = WORD.exec(text); m !== null && m.index < to; m = WORD.exec(text)) n++;
  return n;
}

/** Normalised form of a word: NFKC, lower case, no apostrophes, optionally no diacritics. */
export function normalizeWord(word: string, foldDiacritics = true): string {
  let w = word.normalize('NFKC').toLowerCase().replace(APOSTROPHES, '');
  if (foldDiacritics) w = w.normalize('NFD').replace(MARKS, '').normalize('NFC');
  return w;
}

const isAsciiAlnum = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);

// The two running hashes of the last word hashed (module scratch: no allocation per word).
let hashA = 0;
let hashB = 0;

/** FNV-1a and a Murmur-style multiply-xorshift over the normalised characters of text[from, to). */
function hashChars(text: string, from: number, to: number, lower: boolean): void {
  let a = 0x811c9dc5 | 0;
  let b = 0x9747b28c | 0;
  for (let j = from; j < to; j++) {
    let c = text.charCodeAt(j);
    if (lower && c >= 65 && c <= 90) c += 32;
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  hashA = a;
  hashB = b;
}

/** An ASCII letters-and-digits word: lower-cased on the fly (NFKC and folding change nothing). */
function hashAscii(text: string, from: number, to: number): void {
  hashChars(text, from, to, true);
}

/** Any other word: normalised first. */
function hashWord(word: string, fold: boolean): void {
  const w = normalizeWord(word, fold);
  hashChars(w, 0, w.length, false);
}

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/**
 * The hash of every k-gram (words i … i+k−1) as a 52-bit non-negative integer, or `NO_HASH`
 * where the k-gram would cross a segment boundary. Length: max(0, count − k + 1).
 */
export function kgramHashes(tokens: TokenStream, k: number): Float64Array {
  const n = Math.max(0, tokens.count - k + 1);
  const out = new Float64Array(n);
  const { h1, h2, segment } = tokens;
  for (let i = 0; i < n; i++) {
    if (segment[i] !== segment[i + k - 1]) {
      out[i] = NO_HASH;
      continue;
    }
    let a = 0x3c6ef372 ^ k;
    let b = 0x1b873593 ^ k;
    for (let j = i; j < i + k; j++) {
      a = Math.imul(((a << 5) | (a >>> 27)) ^ (h1[j] as number), 0x27d4eb2d);
      b = Math.imul(((b << 7) | (b >>> 25)) ^ (h2[j] as number), 0x165667b1);
    }
    out[i] = (fmix32(b) & 0xfffff) * TWO_32 + (fmix32(a) >>> 0);
  }
  return out;
}

/** Fingerprints chosen by winnowing: their hashes and the word positions of their k-grams. */
export interface Fingerprints {
  hashes: Float64Array;
  positions: Uint32Array;
}

/**
 * Winnowing: in every window of `w` consecutive k-gram hashes, the smallest (the rightmost on a
 * tie) is a fingerprint; each chosen position is kept once. Windows holding no valid k-gram
 * choose nothing. Density ≈ 2 / (w + 1) of the k-grams.
 */
export function winnow(hashes: Float64Array, w: number): Fingerprints {
  const n = hashes.length;
  let positions = new Uint32Array(Math.max(16, Math.ceil((2 * n) / (w + 1)) + 16));
  let count = 0;
  // Monotone deque of positions with increasing hashes (invalid k-grams never enter it).
  const deque = new Int32Array(Math.max(1, n));
  let head = 0;
  let tail = 0;
  let last = -1;
  const width = Math.max(1, Math.min(w, n));
  for (let i = 0; i < n; i++) {
    const h = hashes[i] as number;
    if (h !== NO_HASH) {
      while (tail > head && (hashes[deque[tail - 1] as number] as number) >= h) tail--;
      deque[tail++] = i;
    }
    const windowStart = i - width + 1;
    while (tail > head && (deque[head] as number) < windowStart) head++;
    if (windowStart < 0 || tail === head) continue;
    const min = deque[head] as number;
    if (min === last) continue;
    if (count === positions.length) {
      const grown = new Uint32Array(positions.length * 2);
      grown.set(positions);
      positions = grown;
    }
    positions[count++] = min;
    last = min;
  }
  const out = { hashes: new Float64Array(count), positions: positions.slice(0, count) };
  for (let i = 0; i < count; i++) out.hashes[i] = hashes[out.positions[i] as number] as number;
  return out;
}

let seeds: Uint32Array | undefined;
function minhashSeeds(): Uint32Array {
  if (seeds) return seeds;
  seeds = new Uint32Array(SIGNATURE_SIZE);
  let x = 0x2f6b_1d3a;
  for (let i = 0; i < SIGNATURE_SIZE; i++) {
    x = (x + 0x6d2b79f5) | 0;
    seeds[i] = fmix32(x) >>> 0;
  }
  return seeds;
}

/**
 * MinHash signature of a set of k-gram hashes (`NO_HASH` entries ignored, duplicates harmless):
 * for each of 128 hash functions, the smallest value over the set. Two signatures agree in a
 * slot with probability equal to the Jaccard similarity of the sets. An empty set gives all
 * slots 0xffffffff.
 */
export function minhash(hashes: Float64Array): Uint32Array {
  const s = minhashSeeds();
  const sig = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff);
  const mins = new Float64Array(SIGNATURE_SIZE).fill(0xffffffff);
  for (let j = 0; j < hashes.length; j++) {
    const h = hashes[j] as number;
    if (h === NO_HASH) continue;
    const base = fmix32((h >>> 0) ^ Math.imul(Math.floor(h / TWO_32), 0x9e3779b1));
    for (let i = 0; i < SIGNATURE_SIZE; i++) {
      let x = base ^ (s[i] as number);
      x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
      x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
      x = (x ^ (x >>> 16)) >>> 0;
      if (x < (mins[i] as number)) mins[i] = x;
    }
  }
  sig.set(mins);
  return sig;
}

/** Estimated Jaccard similarity of two MinHash signatures (0 when either set was empty). */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  const n = Math.min(a.length, b.length);
  if (n === 0) return 0;
  let same = 0;
  let emptyA = true;
  let emptyB = true;
  for (let i = 0; i < n; i++) {
    if (a[i] !== 0xffffffff) emptyA = false;
    if (b[i] !== 0xffffffff) emptyB = false;
    if (a[i] === b[i]) same++;
  }
  return emptyA || emptyB ? 0 : same / n;
}

/** Everything a corpus keeps for one text: words, winnowed fingerprints, MinHash signature. */
export interface TextFingerprint {
  words: number;
  fingerprints: Fingerprints;
  signature: Uint32Array;
}

/** Fingerprints a whole text (a corpus document) under the given options. */
export function fingerprintText(text: string, options: Readonly<FingerprintOptions> = DEFAULT_FINGERPRINT_OPTIONS): TextFingerprint {
  const tokens = tokenize(text, options.foldDiacritics);
  const grams = kgramHashes(tokens, options.k);
  return { words: tokens.count, fingerprints: winnow(grams, options.window), signature: minhash(grams) };
}

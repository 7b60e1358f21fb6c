/**
 * The corpus a document is compared with, as the checker sees it (`CorpusIndex`), and an
 * in-memory implementation (`MemoryCorpus`) used for `sources` in the plugin configuration and
 * in tests. A persistent index (the host's SQLite database behind `export-ia corpus add`) only has
 * to implement `CorpusIndex`; it stores, for every document, what `indexCorpusText` returns.
 */
import { DEFAULT_FINGERPRINT_OPTIONS, type FingerprintOptions, fingerprintScheme, fingerprintText, type TextFingerprint } from './fingerprint.js';

/** A document of the corpus, as listed to the checker (and by `export-ia corpus list`). */
export interface CorpusDocument {
  /** Stable, unique id (a path relative to the project, a database key…). */
  id: string;
  /** What reports show (a title, a file name). */
  name: string;
  /** Number of words indexed. */
  words: number;
  /** Absolute path of the file it came from: a checked file never matches its own corpus copy. */
  path?: string;
}

/** Where a fingerprint occurs: a corpus document and the word index of its k-gram's first word. */
export interface Posting {
  doc: string;
  position: number;
}

/**
 * What the similarity checker needs from a corpus. Implementations: `MemoryCorpus` (here), and
 * the host's persistent index. All methods are synchronous (better-sqlite3 is); a check calls
 * `count`, `lookup` once, then `document`, `signature` and `text` for the documents that share
 * k-grams with the checked one only.
 */
export interface CorpusIndex {
  /**
   * The fingerprint options the index was built with (`fingerprintScheme` names them). The
   * checker fingerprints documents the same way, whatever its own `k`/`window` configuration.
   */
  readonly options: Readonly<FingerprintOptions>;
  /** Number of documents (0: the checker reports that there is no corpus). */
  count(): number;
  /** One document's listing: names the source of a passage, and tells the checked file's own copy by its path. */
  document(id: string): CorpusDocument | undefined;
  /** Every document of the corpus (for listings; a check never calls it, so its cost does not grow with the corpus). */
  documents(): readonly CorpusDocument[];
  /**
   * The postings of every given hash that occurs in the corpus (hashes with none are absent
   * from the map). Called once per check with the hashes of all of the document's k-grams
   * (≈ one per word; SQL: `SELECT hash, doc, position FROM fingerprints WHERE hash IN (…)` in
   * batches, or a temporary table joined on `hash`).
   */
  lookup(hashes: readonly number[]): ReadonlyMap<number, readonly Posting[]>;
  /** The document's MinHash signature (`SIGNATURE_SIZE` values), for near-duplicate detection. */
  signature(doc: string): Uint32Array | undefined;
  /**
   * The exact text that was fingerprinted. Optional but recommended: with it, passages are
   * verified and extended word by word and findings quote the source; without it, passages are
   * the spans of the shared fingerprints (they can miss up to k + window − 2 words at each end).
   */
  text?(doc: string): string | undefined;
}

/**
 * What a persistent index stores for one document: `words`, the winnowed fingerprints (hash,
 * position rows), the MinHash `signature` (a 512-byte blob) and the `scheme` they were made under.
 */
export interface CorpusEntry extends TextFingerprint {
  scheme: string;
}

/** Fingerprints a corpus text for storage (the work behind `export-ia corpus add`). */
export function indexCorpusText(text: string, options: Readonly<FingerprintOptions> = DEFAULT_FINGERPRINT_OPTIONS): CorpusEntry {
  return { ...fingerprintText(text, options), scheme: fingerprintScheme(options) };
}

const TWO_32 = 2 ** 32;
const EMPTY = 0;

interface StoredDocument extends CorpusDocument {
  number: number;
  signature: Uint32Array;
  text: string;
  fingerprints: number;
}

/**
 * An in-memory corpus: an open-addressing hash table from fingerprint to a chain of postings,
 * all in typed arrays (≈ 20 bytes per fingerprint, 2/(w+1) fingerprints per word), plus each
 * document's text and signature. Removing a document leaves its postings dead until they make
 * up half of the table, then the table is rebuilt.
 */
export class MemoryCorpus implements CorpusIndex {
  readonly options: Readonly<FingerprintOptions>;
  readonly #docs = new Map<string, StoredDocument>();
  readonly #byNumber: Array<StoredDocument | undefined> = [];
  // Hash table: key split into high (20 bits, stored + 1 so 0 means empty) and low 32 bits.
  #keyHi = new Uint32Array(1024);
  #keyLo = new Uint32Array(1024);
  #head = new Int32Array(1024);
  #keys = 0;
  // Postings, chained from the table's head through `next`.
  #postDoc = new Uint32Array(1024);
  #postPos = new Uint32Array(1024);
  #postNext = new Int32Array(1024);
  #postings = 0;
  #dead = 0;

  constructor(options: Partial<FingerprintOptions> = {}) {
    this.options = Object.freeze({ ...DEFAULT_FINGERPRINT_OPTIONS, ...options });
  }

  /** Adds (or replaces) a document; returns it as listed. */
  add(id: string, name: string, text: string, extra: { path?: string } = {}): CorpusDocument {
    if (this.#docs.has(id)) this.remove(id);
    const fp = fingerprintText(text, this.options);
    return this.addIndexed(id, name, text, { ...fp, scheme: fingerprintScheme(this.options) }, extra);
  }

  /** Adds a document already fingerprinted (by `indexCorpusText` under the same options). */
  addIndexed(id: string, name: string, text: string, entry: CorpusEntry, extra: { path?: string } = {}): CorpusDocument {
    if (entry.scheme !== fingerprintScheme(this.options))
      throw new Error(`fingerprint scheme ${entry.scheme} does not match the corpus's ${fingerprintScheme(this.options)}`);
    if (this.#docs.has(id)) this.remove(id);
    const number = this.#byNumber.length;
    const { hashes, positions } = entry.fingerprints;
    const doc: StoredDocument = { id, name, words: entry.words, number, signature: entry.signature, text, fingerprints: hashes.length };
    if (extra.path !== undefined) doc.path = extra.path;
    this.#docs.set(id, doc);
    this.#byNumber.push(doc);
    this.#reservePostings(this.#postings + hashes.length);
    if ((this.#keys + hashes.length) * 2 > this.#keyHi.length) this.#rehash(this.#keys + hashes.length);
    for (let i = 0; i < hashes.length; i++) {
      const slot = this.#slot(hashes[i] as number, true);
      const p = this.#postings++;
      this.#postDoc[p] = number;
      this.#postPos[p] = positions[i] as number;
      this.#postNext[p] = this.#head[slot] as number;
      this.#head[slot] = p;
    }
    return this.#public(doc);
  }

  /** Removes a document; false when there was none with that id. */
  remove(id: string): boolean {
    const doc = this.#docs.get(id);
    if (!doc) return false;
    this.#docs.delete(id);
    this.#byNumber[doc.number] = undefined;
    this.#dead += doc.fingerprints;
    if (this.#dead * 2 > this.#postings) this.#compact();
    return true;
  }

  count(): number {
    return this.#docs.size;
  }

  document(id: string): CorpusDocument | undefined {
    const d = this.#docs.get(id);
    return d && this.#public(d);
  }

  documents(): CorpusDocument[] {
    return [...this.#docs.values()].map((d) => this.#public(d));
  }

  lookup(hashes: readonly number[]): Map<number, Posting[]> {
    const out = new Map<number, Posting[]>();
    for (const h of hashes) {
      if (out.has(h) || h < 0) continue;
      const slot = this.#slot(h, false);
      if (slot < 0) continue;
      const list: Posting[] = [];
      for (let p = this.#head[slot] as number; p >= 0; p = this.#postNext[p] as number) {
        const doc = this.#byNumber[this.#postDoc[p] as number];
        if (doc) list.push({ doc: doc.id, position: this.#postPos[p] as number });
      }
      if (list.length > 0) out.set(h, list.reverse());
    }
    return out;
  }

  signature(doc: string): Uint32Array | undefined {
    return this.#docs.get(doc)?.signature;
  }

  text(doc: string): string | undefined {
    return this.#docs.get(doc)?.text;
  }

  /** Approximate bytes held by the index's typed arrays (texts and signatures not included). */
  get indexBytes(): number {
    return (
      this.#keyHi.byteLength + this.#keyLo.byteLength + this.#head.byteLength + this.#postDoc.byteLength + this.#postPos.byteLength + this.#postNext.byteLength
    );
  }

  #public(d: StoredDocument): CorpusDocument {
    return d.path === undefined ? { id: d.id, name: d.name, words: d.words } : { id: d.id, name: d.name, words: d.words, path: d.path };
  }

  /** The table slot of a hash: found, or (with `insert`) claimed; −1 when absent. */
  #slot(h: number, insert: boolean): number {
    const hi = Math.floor(h / TWO_32) + 1;
    const lo = h >>> 0;
    const mask = this.#keyHi.length - 1;
    let i = (Math.imul(lo ^ hi, 0x9e3779b1) >>> 0) & mask;
    for (;;) {
      const k = this.#keyHi[i] as number;
      if (k === EMPTY) {
        if (!insert) return -1;
        this.#keyHi[i] = hi;
        this.#keyLo[i] = lo;
        this.#head[i] = -1;
        this.#keys++;
        return i;
      }
      if (k === hi && this.#keyLo[i] === lo) return i;
      i = (i + 1) & mask;
    }
  }

  #rehash(keys: number): void {
    let size = this.#keyHi.length;
    while (keys * 2 > size) size *= 2;
    const oldHi = this.#keyHi;
    const oldLo = this.#keyLo;
    const oldHead = this.#head;
    this.#keyHi = new Uint32Array(size);
    this.#keyLo = new Uint32Array(size);
    this.#head = new Int32Array(size);
    this.#keys = 0;
    for (let i = 0; i < oldHi.length; i++) {
      const hi = oldHi[i] as number;
      if (hi === EMPTY) continue;
      const slot = this.#slot((hi - 1) * TWO_32 + (oldLo[i] as number), true);
      this.#head[slot] = oldHead[i] as number;
    }
  }

  #reservePostings(n: number): void {
    if (n <= this.#postDoc.length) return;
    let size = this.#postDoc.length;
    while (size < n) size *= 2;
    const grow = <T extends Uint32Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.#postDoc = grow(this.#postDoc, (s) => new Uint32Array(s));
    this.#postPos = grow(this.#postPos, (s) => new Uint32Array(s));
    this.#postNext = grow(this.#postNext, (s) => new Int32Array(s));
  }

  /** Rebuilds table and postings without the removed documents. */
  #compact(): void {
    const oldHi = this.#keyHi;
    const oldLo = this.#keyLo;
    const oldHead = this.#head;
    const oldDoc = this.#postDoc;
    const oldPos = this.#postPos;
    const oldNext = this.#postNext;
    const live = this.#postings - this.#dead;
    let size = 1024;
    while (live * 2 > size) size *= 2;
    this.#keyHi = new Uint32Array(size);
    this.#keyLo = new Uint32Array(size);
    this.#head = new Int32Array(size);
    this.#keys = 0;
    const cap = Math.max(1024, live);
    this.#postDoc = new Uint32Array(cap);
    this.#postPos = new Uint32Array(cap);
    this.#postNext = new Int32Array(cap);
    this.#postings = 0;
    this.#dead = 0;
    const chain: number[] = [];
    for (let i = 0; i < oldHi.length; i++) {
      const hi = oldHi[i] as number;
      if (hi === EMPTY) continue;
      chain.length = 0;
      for (let p = oldHead[i] as number; p >= 0; p = oldNext[p] as number) if (this.#byNumber[oldDoc[p] as number]) chain.push(p);
      if (chain.length === 0) continue;
      const slot = this.#slot((hi - 1) * TWO_32 + (oldLo[i] as number), true);
      // Chains run newest first; re-link oldest first so the order is kept.
      for (let j = chain.length - 1; j >= 0; j--) {
        const p = chain[j] as number;
        const q = this.#postings++;
        this.#postDoc[q] = oldDoc[p] as number;
        this.#postPos[q] = oldPos[p] as number;
        this.#postNext[q] = this.#head[slot] as number;
        this.#head[slot] = q;
      }
    }
  }
}

/**
 * The corpus a similarity checker compares documents with. The host keeps it in the embedded
 * database ({@link SqliteCorpus}); what to store for a text (fingerprints, a MinHash signature)
 * is decided by the checker (`Checker.indexCorpus`), so fingerprinting lives in one place.
 */
import type { Database } from '../events/sqlite-database.js';

export interface CorpusDocument {
  id: string;
  name: string;
  /** Words fingerprinted. */
  words: number;
  path?: string;
}

export interface CorpusPosting {
  doc: string;
  /** Word position of the k-gram in the document. */
  position: number;
}

/** What a checker's `indexCorpus` returns for a text; the host stores it as is. */
export interface CorpusEntry {
  words: number;
  fingerprints: { hashes: ArrayLike<number>; positions: ArrayLike<number> };
  signature: Uint32Array;
  /** Fingerprinting scheme (version and options); documents of another scheme are not compared. */
  scheme: string;
  options: Readonly<{ k: number; window: number; foldDiacritics: boolean }>;
}

/** Read access a checker gets to the corpus (`CheckContext.corpus`). */
export interface CorpusIndex {
  readonly options: Readonly<{ k: number; window: number; foldDiacritics: boolean }>;
  count(): number;
  document(id: string): CorpusDocument | undefined;
  documents(): readonly CorpusDocument[];
  /** For each hash, the documents and word positions where it is a fingerprint. */
  lookup(hashes: readonly number[]): ReadonlyMap<number, readonly CorpusPosting[]>;
  signature(id: string): Uint32Array | undefined;
  /** Exactly the text that was fingerprinted. */
  text?(id: string): string | undefined;
}

interface DocRow {
  id: number;
  key: string;
  name: string;
  path: string | null;
  words: number;
  scheme: string;
  options: string;
}

/** The corpus in the embedded database (tables `corpus_documents`, `corpus_fingerprints`). */
export class SqliteCorpus implements CorpusIndex {
  readonly #db: Database;
  #options: CorpusEntry['options'] | undefined;

  constructor(database: Database) {
    this.#db = database;
  }

  /** The options of the stored documents (all share one scheme); defaults when empty. */
  get options(): CorpusEntry['options'] {
    if (!this.#options) {
      const row = this.#db.read((db) => db.prepare('SELECT options FROM corpus_documents LIMIT 1').get() as { options: string } | undefined);
      this.#options = row ? (JSON.parse(row.options) as CorpusEntry['options']) : { k: 5, window: 4, foldDiacritics: true };
    }
    return this.#options;
  }

  count(): number {
    return (this.#db.read((db) => db.prepare('SELECT count(*) AS n FROM corpus_documents').get()) as { n: number }).n;
  }

  #toDoc(r: DocRow): CorpusDocument {
    return { id: String(r.id), name: r.name, words: r.words, ...(r.path ? { path: r.path } : {}) };
  }

  document(id: string): CorpusDocument | undefined {
    const r = this.#db.read((db) => db.prepare('SELECT * FROM corpus_documents WHERE id = ?').get(Number(id)) as DocRow | undefined);
    return r ? this.#toDoc(r) : undefined;
  }

  documents(): CorpusDocument[] {
    return (this.#db.read((db) => db.prepare('SELECT * FROM corpus_documents ORDER BY id').all()) as DocRow[]).map((r) => this.#toDoc(r));
  }

  /** Documents with their key, hash and time added, for listings. */
  listing(): Array<CorpusDocument & { key: string; sha256: string; addedAt: number; scheme: string }> {
    return (this.#db.read((db) => db.prepare('SELECT * FROM corpus_documents ORDER BY id').all()) as Array<DocRow & { sha256: string; added_at: number }>).map(
      (r) => ({ ...this.#toDoc(r), key: r.key, sha256: r.sha256, addedAt: r.added_at, scheme: r.scheme }),
    );
  }

  lookup(hashes: readonly number[]): Map<number, CorpusPosting[]> {
    const out = new Map<number, CorpusPosting[]>();
    if (hashes.length === 0) return out;
    const rows = this.#db.read((db) =>
      db
        .prepare('SELECT f.hash AS hash, f.doc AS doc, f.position AS position FROM corpus_fingerprints f JOIN json_each(?) j ON f.hash = j.value')
        .all(JSON.stringify([...new Set(hashes)])),
    ) as Array<{ hash: number; doc: number; position: number }>;
    for (const r of rows) {
      const list = out.get(r.hash) ?? [];
      list.push({ doc: String(r.doc), position: r.position });
      out.set(r.hash, list);
    }
    return out;
  }

  signature(id: string): Uint32Array | undefined {
    const r = this.#db.read((db) => db.prepare('SELECT signature FROM corpus_documents WHERE id = ?').get(Number(id)) as { signature: Buffer } | undefined);
    if (!r) return undefined;
    const b = r.signature;
    return new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  }

  text(id: string): string | undefined {
    return this.#db.read((db) => db.prepare('SELECT text FROM corpus_documents WHERE id = ?').get(Number(id)) as { text: string } | undefined)?.text;
  }

  /**
   * Adds (or replaces, by key) a document. Refuses a second fingerprinting scheme: the corpus
   * must be rebuilt to change k or the window.
   */
  async add(doc: { key: string; name: string; path?: string; sha256: string; text: string }, entry: CorpusEntry): Promise<{ id: string; replaced: boolean }> {
    const result = await this.#db.write((db) => {
      const other = db.prepare('SELECT scheme FROM corpus_documents WHERE scheme != ? AND key != ? LIMIT 1').get(entry.scheme, doc.key) as
        | { scheme: string }
        | undefined;
      if (other)
        throw new Error(`the corpus uses fingerprint scheme ${other.scheme}, this checker ${entry.scheme}: remove the corpus documents and add them again`);
      const prior = db.prepare('SELECT id FROM corpus_documents WHERE key = ?').get(doc.key) as { id: number } | undefined;
      if (prior) {
        db.prepare('DELETE FROM corpus_fingerprints WHERE doc = ?').run(prior.id);
        db.prepare('DELETE FROM corpus_documents WHERE id = ?').run(prior.id);
      }
      const sig = Buffer.from(entry.signature.buffer, entry.signature.byteOffset, entry.signature.byteLength);
      const info = db
        .prepare(
          'INSERT INTO corpus_documents (key, name, path, sha256, words, text, scheme, options, signature, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(doc.key, doc.name, doc.path ?? null, doc.sha256, entry.words, doc.text, entry.scheme, JSON.stringify(entry.options), sig, Date.now());
      const id = Number(info.lastInsertRowid);
      const insert = db.prepare('INSERT INTO corpus_fingerprints (hash, doc, position) VALUES (?, ?, ?)');
      const { hashes, positions } = entry.fingerprints;
      for (let i = 0; i < hashes.length; i++) insert.run(hashes[i], id, positions[i]);
      return { id: String(id), replaced: prior !== undefined };
    });
    this.#options = undefined;
    return result;
  }

  /** Removes documents by id, key or name; returns how many went. */
  async remove(what: string): Promise<number> {
    return this.#db.write((db) => {
      const rows = db.prepare('SELECT id FROM corpus_documents WHERE id = ? OR key = ? OR name = ?').all(Number(what) || -1, what, what) as Array<{
        id: number;
      }>;
      for (const r of rows) {
        db.prepare('DELETE FROM corpus_fingerprints WHERE doc = ?').run(r.id);
        db.prepare('DELETE FROM corpus_documents WHERE id = ?').run(r.id);
      }
      return rows.length;
    });
  }
}

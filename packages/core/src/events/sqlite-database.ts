/**
 * The embedded database: one SQLite file (better-sqlite3) holding the event store, the job queue
 * and the read models, so that a step's events and the queueing of the next step commit in one
 * transaction. Durable by default (WAL, synchronous=FULL: an acknowledged write survives power
 * loss); writes arriving together are group-committed into one transaction (one fsync), which
 * is what makes durable appends fast (design.md §6: ≈270 single commits/s on this disk).
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { ExportIaError, isExportIaError } from '../errors/export-ia-error.js';

export type Db = BetterSqlite3.Database;

export interface OpenDatabaseOptions {
  /** How long to wait for another process's write lock before failing (ms). Default 5000. */
  busyTimeoutMs?: number;
  /** `full` (default): every acknowledged commit is on disk. `normal`: faster, may lose the last commits on power loss. */
  synchronous?: 'full' | 'normal';
  /** Most writes per group transaction (default 1000); more wait for the next one. */
  maxGroupSize?: number;
}

/** A migration: applied once, in order, inside one transaction; its index + 1 is the schema version. */
export type Migration = (db: Db) => void;

const require = createRequire(import.meta.url);
let driver: typeof BetterSqlite3 | undefined;

function loadDriver(): typeof BetterSqlite3 {
  driver ??= require('better-sqlite3') as typeof BetterSqlite3;
  return driver;
}

/** Maps a SQLite or file-system error to a coded error that names the file and the fix. */
export function storeError(err: unknown, file: string, timeoutMs = 0): ExportIaError {
  if (isExportIaError(err)) return err;
  const code = String((err as { code?: unknown })?.code ?? '');
  const detail = (err as Error)?.message ?? String(err);
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED')
    return new ExportIaError('EIA_STORE_LOCKED', { file, timeoutMs }, { cause: err });
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || (code === 'SQLITE_IOERR_WRITE' && /space/i.test(detail)))
    return new ExportIaError('EIA_STORE_FULL', { file }, { cause: err });
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_'))
    return new ExportIaError('EIA_STORE_CORRUPT', { file, detail }, { cause: err });
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM' || code === 'EACCES')
    return new ExportIaError('EIA_STORE_UNWRITABLE', { file, detail }, { cause: err });
  return new ExportIaError('EIA_STORE_IO', { file, detail }, { cause: err });
}

interface PendingWrite {
  op: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * An open database file. `read` runs a query now (reads never wait for writes in WAL mode);
 * `write` queues an operation for the next group transaction and resolves once it is durable.
 */
export class Database {
  readonly db: Db;
  readonly file: string;
  readonly #busyTimeoutMs: number;
  readonly #maxGroup: number;
  #pending: PendingWrite[] = [];
  #scheduled = false;
  #closed = false;
  readonly #commitListeners = new Set<() => void>();
  readonly #statements = new Map<string, BetterSqlite3.Statement>();

  constructor(db: Db, file: string, options: OpenDatabaseOptions) {
    this.db = db;
    this.file = file;
    this.#busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    this.#maxGroup = options.maxGroupSize ?? 1000;
  }

  /** A cached prepared statement. */
  statement(sql: string): BetterSqlite3.Statement {
    let s = this.#statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }

  /** Runs a read now, mapping SQLite errors to coded ones. */
  read<T>(fn: (db: Db) => T): T {
    if (this.#closed) throw new ExportIaError('EIA_STORE_IO', { file: this.file, detail: 'the database is closed' });
    try {
      return fn(this.db);
    } catch (err) {
      throw storeError(err, this.file, this.#busyTimeoutMs);
    }
  }

  /**
   * Queues `op` for the next group transaction. Each op runs in its own savepoint: one that throws
   * is undone alone and rejects with its error; the others commit. Resolves after the commit.
   */
  write<T>(op: (db: Db) => T): Promise<T> {
    if (this.#closed) return Promise.reject(new ExportIaError('EIA_STORE_IO', { file: this.file, detail: 'the database is closed' }));
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ op: () => op(this.db), resolve: resolve as (v: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // setImmediate, not a microtask: writers that are ready in this turn of the loop join the group.
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Runs a write transaction now, outside the group (migrations, bulk rebuilds). */
  writeNow<T>(fn: (db: Db) => T): T {
    try {
      return this.db.transaction(fn).immediate(this.db);
    } catch (err) {
      throw storeError(err, this.file, this.#busyTimeoutMs);
    }
  }

  /** Called after every commit (in-process subscribers wake up). */
  onCommit(listener: () => void): () => void {
    this.#commitListeners.add(listener);
    return () => this.#commitListeners.delete(listener);
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#pending.splice(0, this.#maxGroup);
    if (this.#pending.length > 0) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
    if (batch.length === 0) return;
    const db = this.db;
    const fail = (err: unknown) => {
      const e = storeError(err, this.file, this.#busyTimeoutMs);
      for (const w of batch) w.reject(e);
    };
    try {
      db.exec('BEGIN IMMEDIATE');
    } catch (err) {
      fail(err);
      return;
    }
    const results: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    for (const w of batch) {
      try {
        db.exec('SAVEPOINT w');
        const value = w.op();
        db.exec('RELEASE w');
        results.push({ ok: true, value });
      } catch (err) {
        if (!db.inTransaction) {
          // SQLite rolled the whole transaction back (disk full, I/O error): nothing of this group
          // was written, so every write in it fails, atomically.
          fail(err);
          return;
        }
        try {
          db.exec('ROLLBACK TO w');
          db.exec('RELEASE w');
        } catch (rollbackError) {
          try {
            db.exec('ROLLBACK');
          } catch {
            // Already rolled back.
          }
          fail(rollbackError);
          return;
        }
        results.push({
          ok: false,
          error: isExportIaError(err) || !(err as { code?: string })?.code?.startsWith?.('SQLITE') ? err : storeError(err, this.file),
        });
      }
    }
    try {
      db.exec('COMMIT');
    } catch (err) {
      try {
        if (db.inTransaction) db.exec('ROLLBACK');
      } catch {
        // Nothing more to undo.
      }
      fail(err);
      return;
    }
    batch.forEach((w, i) => {
      const r = results[i] as (typeof results)[number];
      if (r.ok) w.resolve(r.value);
      else w.reject(r.error);
    });
    for (const l of this.#commitListeners) l();
  }

  /** Waits for queued writes, then closes the file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    while (this.#pending.length > 0 || this.#scheduled) await new Promise((r) => setImmediate(r));
    this.#closed = true;
    this.#statements.clear();
    this.db.close();
  }
}

/**
 * Opens (creating if needed) a database file and brings its schema up to date. Never deletes or
 * rewrites a file it cannot read: a corrupt or foreign file fails with EIA_STORE_CORRUPT.
 */
export function openDatabase(file: string, migrations: readonly Migration[], options: OpenDatabaseOptions = {}): Database {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (err) {
    throw new ExportIaError('EIA_DATA_DIR', { dir: dirname(file), detail: (err as Error).message });
  }
  const Driver = loadDriver();
  let db: Db | undefined;
  try {
    db = new Driver(file, { timeout: busyTimeoutMs });
    // Reading the header first: a file that is not a database fails here, before any write.
    db.pragma('schema_version', { simple: true });
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = OFF');
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > migrations.length) throw new ExportIaError('EIA_STORE_TOO_NEW', { file, found: current, known: migrations.length });
    if (current < migrations.length) {
      const open = db;
      open
        .transaction(() => {
          // Re-read inside the write lock: another process may have migrated meanwhile.
          const now = open.pragma('user_version', { simple: true }) as number;
          for (let v = now; v < migrations.length; v++) (migrations[v] as Migration)(open);
          open.pragma(`user_version = ${migrations.length}`);
        })
        .immediate();
    }
  } catch (err) {
    try {
      db?.close();
    } catch {
      // The handle may not have opened.
    }
    throw storeError(err, file, busyTimeoutMs);
  }
  return new Database(db, file, options);
}

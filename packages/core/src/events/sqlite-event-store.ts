/**
 * The embedded event store: one append-only `events` table in the SQLite database, unique
 * (stream_id, version) for optimistic concurrency, unique event id for idempotent retries.
 * The same file holds the job queue and the read models (see migrations below).
 */
import { ExportIaError } from '../errors/export-ia-error.js';
import {
  type AppendResult,
  describeExpected,
  type EventMetadata,
  type EventStore,
  type ExpectedVersion,
  indexUpcasters,
  type NewEvent,
  newEventId,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
  type Upcaster,
  upcastEvent,
  versionMismatch,
} from './event-store.js';
import { type Database, type Migration, type OpenDatabaseOptions, openDatabase } from './sqlite-database.js';
import { catchUpSubscription } from './subscription.js';

/** Schema versions of the embedded database, applied in order at open. Never edit one that shipped: add another. */
export const MIGRATIONS: readonly Migration[] = [
  (db) =>
    db.exec(`
      CREATE TABLE events (
        position INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        stream_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        type TEXT NOT NULL,
        schema_version INTEGER NOT NULL DEFAULT 1,
        data TEXT NOT NULL,
        metadata TEXT NOT NULL,
        time INTEGER NOT NULL,
        UNIQUE (stream_id, version)
      );
      CREATE INDEX events_by_type ON events (type, position);
      CREATE TABLE job_queue (
        job_id TEXT PRIMARY KEY,
        step TEXT NOT NULL,
        request_key TEXT,
        attempt INTEGER NOT NULL DEFAULT 1,
        available_at INTEGER NOT NULL,
        owner TEXT,
        lease_until INTEGER,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX job_queue_by_time ON job_queue (available_at, created_at);
      CREATE INDEX job_queue_by_key ON job_queue (request_key);
      CREATE TABLE projection_checkpoints (
        name TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        position INTEGER NOT NULL,
        error TEXT,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `),
  // 2: the similarity corpus (SqliteCorpus).
  (db) =>
    db.exec(`
      CREATE TABLE corpus_documents (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        path TEXT,
        sha256 TEXT NOT NULL,
        words INTEGER NOT NULL,
        text TEXT NOT NULL,
        scheme TEXT NOT NULL,
        options TEXT NOT NULL,
        signature BLOB NOT NULL,
        added_at INTEGER NOT NULL
      );
      CREATE TABLE corpus_fingerprints (hash INTEGER NOT NULL, doc INTEGER NOT NULL, position INTEGER NOT NULL);
      CREATE INDEX corpus_fingerprints_by_hash ON corpus_fingerprints (hash);
      CREATE INDEX corpus_fingerprints_by_doc ON corpus_fingerprints (doc);
    `),
];

const MAX_STREAM_ID = 500;
const MAX_TYPE = 200;

interface EventRow {
  position: number;
  id: string;
  stream_id: string;
  version: number;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  time: number;
}

export interface SqliteEventStoreOptions extends OpenDatabaseOptions {
  upcasters?: readonly Upcaster[];
  /** How often to look for commits made by other processes while a subscription waits (ms). Default 100. */
  pollMs?: number;
}

function checkStreamId(streamId: string): void {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > MAX_STREAM_ID)
    throw new ExportIaError('EIA_EVENT_INVALID', { detail: `stream id must be 1-${MAX_STREAM_ID} characters` });
}

function serialise(value: unknown, what: string): string {
  try {
    const text = JSON.stringify(value);
    if (text === undefined) throw new Error('not a JSON value');
    return text;
  } catch (err) {
    throw new ExportIaError('EIA_EVENT_INVALID', { detail: `${what} cannot be stored as JSON (${(err as Error).message})` });
  }
}

/** The embedded event store. Also exposes the database, for the job queue and projections that share it. */
export class SqliteEventStore implements EventStore {
  readonly database: Database;
  readonly #upcasters: Map<string, Map<number, Upcaster>>;
  readonly #pollMs: number;

  constructor(database: Database, options: SqliteEventStoreOptions = {}) {
    this.database = database;
    this.#upcasters = indexUpcasters(options.upcasters ?? []);
    this.#pollMs = options.pollMs ?? 100;
  }

  get file(): string {
    return this.database.file;
  }

  /**
   * Appends within a write already in progress: call it only from inside `database.write(…)`,
   * to commit the events together with other changes (the job queue does).
   */
  appendInWrite(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion = 'any'): AppendResult {
    checkStreamId(streamId);
    const s = (sql: string) => this.database.statement(sql);
    const first = events[0];
    if (first?.id !== undefined) {
      const prior = s('SELECT stream_id, version, position FROM events WHERE id = ?').get(first.id) as
        | { stream_id: string; version: number; position: number }
        | undefined;
      if (prior) return this.#duplicate(streamId, events, prior);
    }
    const current = (s('SELECT max(version) AS v FROM events WHERE stream_id = ?').get(streamId) as { v: number | null }).v ?? 0;
    const mismatch = versionMismatch(expected, current);
    if (mismatch) throw new ExportIaError('EIA_STORE_CONFLICT', { stream: streamId, expected: describeExpected(expected), detail: mismatch });
    const insert = s('INSERT INTO events (id, stream_id, version, type, schema_version, data, metadata, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const now = Date.now();
    let version = current;
    let lastPosition = 0;
    for (const e of events) {
      if (typeof e.type !== 'string' || e.type.length === 0 || e.type.length > MAX_TYPE)
        throw new ExportIaError('EIA_EVENT_INVALID', { detail: `event type must be 1-${MAX_TYPE} characters` });
      const schemaVersion = e.schemaVersion ?? 1;
      if (!Number.isInteger(schemaVersion) || schemaVersion < 1)
        throw new ExportIaError('EIA_EVENT_INVALID', { detail: 'schemaVersion must be a positive integer' });
      version++;
      try {
        const info = insert.run(
          e.id ?? newEventId(),
          streamId,
          version,
          e.type,
          schemaVersion,
          serialise(e.data, `data of ${e.type}`),
          serialise(e.metadata ?? {}, `metadata of ${e.type}`),
          now,
        );
        lastPosition = Number(info.lastInsertRowid);
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && /events\.id/.test((err as Error).message))
          throw new ExportIaError('EIA_EVENT_INVALID', { detail: `event id ${e.id} is already stored (ids must be unique across the store)` });
        throw err;
      }
    }
    return { nextVersion: version, lastPosition, duplicate: false };
  }

  /** A retried append: every id must already be in this stream, in order; then nothing is written. */
  #duplicate(streamId: string, events: readonly NewEvent[], prior: { stream_id: string; version: number; position: number }): AppendResult {
    const get = this.database.statement('SELECT stream_id, version, position FROM events WHERE id = ?');
    let last = prior;
    for (const [i, e] of events.entries()) {
      const row = (i === 0 ? prior : e.id === undefined ? undefined : get.get(e.id)) as typeof prior | undefined;
      if (!row || row.stream_id !== streamId || row.version !== prior.version + i)
        throw new ExportIaError('EIA_EVENT_INVALID', {
          detail: `append to ${streamId} repeats some event ids of an earlier append but not all (a retry must send the same events)`,
        });
      last = row;
    }
    const head = (this.database.statement('SELECT max(version) AS v FROM events WHERE stream_id = ?').get(streamId) as { v: number }).v;
    return { nextVersion: head, lastPosition: last.position, duplicate: true };
  }

  append(streamId: string, events: readonly NewEvent[], options: { expectedVersion?: ExpectedVersion } = {}): Promise<AppendResult> {
    try {
      checkStreamId(streamId);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.database.write(() => this.appendInWrite(streamId, events, options.expectedVersion ?? 'any'));
  }

  #toEvent = (row: EventRow): StoredEvent => {
    const event: StoredEvent = {
      position: row.position,
      id: row.id,
      streamId: row.stream_id,
      version: row.version,
      type: row.type,
      data: JSON.parse(row.data),
      metadata: JSON.parse(row.metadata) as EventMetadata,
      schemaVersion: row.schema_version,
      time: row.time,
    };
    return this.#upcasters.size === 0 ? event : upcastEvent(event, this.#upcasters);
  };

  readStreamSync(streamId: string, options: ReadStreamOptions = {}): StoredEvent[] {
    const limit = options.maxCount ?? -1;
    const rows = this.database.read(() =>
      options.direction === 'backward'
        ? this.database
            .statement('SELECT * FROM events WHERE stream_id = ? AND version <= ? ORDER BY version DESC LIMIT ?')
            .all(streamId, options.fromVersion ?? Number.MAX_SAFE_INTEGER, limit)
        : this.database
            .statement('SELECT * FROM events WHERE stream_id = ? AND version >= ? ORDER BY version LIMIT ?')
            .all(streamId, options.fromVersion ?? 1, limit),
    ) as EventRow[];
    return rows.map(this.#toEvent);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    return this.readStreamSync(streamId, options);
  }

  streamVersionSync(streamId: string): number {
    return (
      (this.database.read(() => this.database.statement('SELECT max(version) AS v FROM events WHERE stream_id = ?').get(streamId)) as { v: number | null }).v ??
      0
    );
  }

  async streamVersion(streamId: string): Promise<number> {
    return this.streamVersionSync(streamId);
  }

  readAllSync(options: ReadAllOptions = {}): StoredEvent[] {
    const where = ['position > ?'];
    const params: unknown[] = [options.after ?? 0];
    if (options.types && options.types.length > 0) {
      where.push(`type IN (${options.types.map(() => '?').join(', ')})`);
      params.push(...options.types);
    }
    if (options.streamPrefix) {
      where.push('substr(stream_id, 1, ?) = ?');
      params.push(options.streamPrefix.length, options.streamPrefix);
    }
    params.push(options.maxCount ?? -1);
    const sql = `SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY position LIMIT ?`;
    const rows = this.database.read(() => this.database.statement(sql).all(...params)) as EventRow[];
    return rows.map(this.#toEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    return this.readAllSync(options);
  }

  headPositionSync(): number {
    return (this.database.read(() => this.database.statement('SELECT max(position) AS p FROM events').get()) as { p: number | null }).p ?? 0;
  }

  async headPosition(): Promise<number> {
    return this.headPositionSync();
  }

  subscribe(options: SubscribeOptions): Subscription {
    return catchUpSubscription(this, options, (signal, head) => this.#waitForCommit(signal, head));
  }

  /** Resolves when the head passes `head`: at once, on a commit from this process, or when polling sees one from another. */
  #waitForCommit(signal: AbortSignal, head: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        off();
        clearInterval(timer);
        signal.removeEventListener('abort', finish);
        resolve();
      };
      const off = this.database.onCommit(finish);
      const timer = setInterval(() => {
        try {
          if (this.headPositionSync() > head) finish();
        } catch {
          finish();
        }
      }, this.#pollMs);
      timer.unref?.();
      if (signal.aborted || this.headPositionSync() > head) finish();
      else signal.addEventListener('abort', finish, { once: true });
    });
  }

  async close(): Promise<void> {
    await this.database.close();
  }
}

/** Opens the embedded store in `file` (created with its folder if needed), migrating the schema. */
export function openSqliteEventStore(file: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
  return new SqliteEventStore(openDatabase(file, MIGRATIONS, options), options);
}

/**
 * Projections (CQRS read models) in the embedded database. Each projection owns its tables and
 * a checkpoint (the last event position it applied); its changes and its checkpoint commit in
 * one transaction, so a crash never applies an event twice. A projection that throws keeps its
 * checkpoint (it retries from there next time) and the others go on. `rebuild` drops the
 * tables and replays every event: read models can always be rebuilt from the events.
 */
import type { StoredEvent, Subscription } from '../events/event-store.js';
import type { Db } from '../events/sqlite-database.js';
import type { SqliteEventStore } from '../events/sqlite-event-store.js';

export interface Projection {
  /** Stable name (its checkpoint row). */
  name: string;
  /** Bump when the tables or the logic change: the projection is rebuilt at the next catch-up. */
  version: number;
  /** Creates the tables (idempotent). */
  setup(db: Db): void;
  /** Drops the tables. */
  drop(db: Db): void;
  /** Event type → how it changes the tables. Types not listed are skipped. */
  handlers: Readonly<Record<string, (db: Db, event: StoredEvent) => void>>;
}

export interface ProjectionStatus {
  name: string;
  version: number;
  position: number;
  error?: string;
}

export interface ProjectorOptions {
  /** Events per transaction. Default 2000. */
  batchSize?: number;
  /** Reports projection errors. */
  log?: (message: string) => void;
  /** Reports event types no projection handles (once each; they are skipped). Default: `log`. */
  debug?: (message: string) => void;
}

export class Projector {
  readonly #store: SqliteEventStore;
  readonly #projections: readonly Projection[];
  readonly #batch: number;
  readonly #log: (message: string) => void;
  readonly #debug: (message: string) => void;
  readonly #unknownTypes = new Set<string>();
  readonly #known: Set<string>;
  #subscription: Subscription | undefined;
  #ready = false;

  constructor(store: SqliteEventStore, projections: readonly Projection[], options: ProjectorOptions = {}) {
    this.#store = store;
    this.#projections = projections;
    this.#batch = options.batchSize ?? 2000;
    this.#log = options.log ?? (() => {});
    this.#debug = options.debug ?? this.#log;
    this.#known = new Set(projections.flatMap((p) => Object.keys(p.handlers)));
  }

  get #db() {
    return this.#store.database;
  }

  /** Creates tables; a projection whose version changed is dropped and replayed. */
  #setup(): void {
    if (this.#ready) return;
    this.#db.writeNow((db) => {
      for (const p of this.#projections) {
        const row = db.prepare('SELECT version FROM projection_checkpoints WHERE name = ?').get(p.name) as { version: number } | undefined;
        if (row && row.version !== p.version) {
          p.drop(db);
          db.prepare('DELETE FROM projection_checkpoints WHERE name = ?').run(p.name);
        }
        p.setup(db);
        db.prepare('INSERT OR IGNORE INTO projection_checkpoints (name, version, position, updated_at) VALUES (?, ?, 0, ?)').run(p.name, p.version, Date.now());
      }
    });
    this.#ready = true;
  }

  status(): ProjectionStatus[] {
    this.#setup();
    return this.#db
      .read(
        (db) =>
          db
            .prepare(`SELECT name, version, position, error FROM projection_checkpoints WHERE name IN (${this.#projections.map(() => '?').join(',')})`)
            .all(...this.#projections.map((p) => p.name)) as Array<{ name: string; version: number; position: number; error: string | null }>,
      )
      .map((r) =>
        r.error ? { name: r.name, version: r.version, position: r.position, error: r.error } : { name: r.name, version: r.version, position: r.position },
      );
  }

  #checkpoint(db: Db, name: string): number {
    return (db.prepare('SELECT position FROM projection_checkpoints WHERE name = ?').get(name) as { position: number } | undefined)?.position ?? 0;
  }

  /**
   * Applies one batch (the events after `after`) to one projection, in one transaction.
   * `stale`: its checkpoint is now behind the batch (another process rebuilt it meanwhile), so
   * nothing was applied and the caller must read again from the checkpoint.
   */
  #applyBatch(p: Projection, after: number, events: readonly StoredEvent[]): 'ok' | 'failed' | 'stale' {
    let stale = false;
    try {
      this.#db.writeNow((db) => {
        // Read inside the write lock: another process may have moved this projection meanwhile.
        const from = this.#checkpoint(db, p.name);
        if (from < after) {
          stale = true;
          return;
        }
        let last = from;
        for (const e of events) {
          if (e.position <= from) continue;
          p.handlers[e.type]?.(db, e);
          last = e.position;
        }
        if (last > from)
          db.prepare('UPDATE projection_checkpoints SET position = ?, error = NULL, updated_at = ? WHERE name = ?').run(last, Date.now(), p.name);
      });
      return stale ? 'stale' : 'ok';
    } catch (err) {
      const message = (err as Error)?.message ?? String(err);
      this.#log(`projection ${p.name} failed (its checkpoint stays; the others continue): ${message}`);
      try {
        this.#db.writeNow((db) => db.prepare('UPDATE projection_checkpoints SET error = ?, updated_at = ? WHERE name = ?').run(message, Date.now(), p.name));
      } catch {
        // The error is logged; the checkpoint row is informative only.
      }
      return 'failed';
    }
  }

  /** Event types seen that no projection handles. */
  get skippedTypes(): string[] {
    return [...this.#unknownTypes];
  }

  #noteUnknown(events: readonly StoredEvent[]): void {
    for (const e of events) {
      if (this.#known.has(e.type) || this.#unknownTypes.has(e.type)) continue;
      this.#unknownTypes.add(e.type);
      this.#debug(`no projection handles events of type ${e.type}; they are skipped`);
    }
  }

  /** Applies everything stored after each projection's checkpoint. Returns the number of events read. */
  catchUp(): number {
    this.#setup();
    const lowest = () => Math.min(...this.#db.read((db) => this.#projections.map((p) => this.#checkpoint(db, p.name))));
    const failed = new Set<string>();
    let from = lowest();
    let read = 0;
    for (let restarts = 0; ; ) {
      const events = this.#store.readAllSync({ after: from, maxCount: this.#batch });
      if (events.length === 0) break;
      read += events.length;
      this.#noteUnknown(events);
      let stale = false;
      for (const p of this.#projections) {
        if (failed.has(p.name)) continue;
        const r = this.#applyBatch(p, from, events);
        if (r === 'failed') failed.add(p.name);
        else if (r === 'stale') stale = true;
      }
      if (stale && ++restarts < 100) {
        from = lowest();
        continue;
      }
      from = (events.at(-1) as StoredEvent).position;
      if (failed.size === this.#projections.length) break;
    }
    return read;
  }

  /** Drops every read model and replays all events. */
  rebuild(): number {
    this.#setup();
    this.#db.writeNow((db) => {
      for (const p of this.#projections) {
        p.drop(db);
        p.setup(db);
        db.prepare('UPDATE projection_checkpoints SET position = 0, error = NULL, version = ?, updated_at = ? WHERE name = ?').run(
          p.version,
          Date.now(),
          p.name,
        );
      }
    });
    return this.catchUp();
  }

  /** Keeps the read models current: catches up, then applies new events as they commit. */
  start(): void {
    if (this.#subscription) return;
    this.catchUp();
    const head = this.#store.headPositionSync();
    let pending = false;
    this.#subscription = this.#store.subscribe({
      after: head,
      handler: () => {
        if (pending) return;
        pending = true;
        // Coalesce: one catch-up per turn of the event loop, however many events arrived.
        setImmediate(() => {
          pending = false;
          this.catchUp();
        });
      },
    });
  }

  async stop(): Promise<void> {
    await this.#subscription?.stop();
    this.#subscription = undefined;
    this.catchUp();
  }
}

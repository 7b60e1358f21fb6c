import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExportIaError } from '../errors/export-ia-error.js';
import { eventStoreContract } from '../testing.js';
import { newEventId } from './event-store.js';
import { MIGRATIONS, openSqliteEventStore } from './sqlite-event-store.js';

describe('SQLite event store: the event-store contract', () => {
  const factory = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eia-store-'));
    return { store: openSqliteEventStore(join(dir, 'events.db')), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  };
  for (const c of eventStoreContract(factory)) it(c.name, c.run);
});

describe('SQLite event store: the embedded file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'eia-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens durable: WAL and synchronous=FULL, schema at the newest version', async () => {
    const store = openSqliteEventStore(join(dir, 'e.db'));
    const db = store.database.db;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    await store.close();
  });

  it('refuses a file that is not a database, naming it, and leaves it untouched', () => {
    const file = join(dir, 'e.db');
    const garbage = Buffer.from('this is not sqlite '.repeat(300));
    writeFileSync(file, garbage);
    const err = catchError(() => openSqliteEventStore(file));
    expect(err).toMatchObject({ code: 'EIA_STORE_CORRUPT' });
    expect(err.message).toContain(file);
    expect(err.hint).toContain('mv');
    expect(readFileSync(file).equals(garbage)).toBe(true);
  });

  it('refuses a database written by a newer export-ia', async () => {
    const file = join(dir, 'e.db');
    (await openSqliteEventStore(file)).database.db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    expect(catchError(() => openSqliteEventStore(file))).toMatchObject({ code: 'EIA_STORE_TOO_NEW' });
  });

  it('fails an append with EIA_STORE_LOCKED when another process holds the write lock past the busy timeout', async () => {
    const file = join(dir, 'e.db');
    const store = openSqliteEventStore(file, { busyTimeoutMs: 200 });
    const holder = new Database(file);
    holder.exec('BEGIN IMMEDIATE');
    await expect(store.append('s', [{ type: 'A', data: {} }])).rejects.toMatchObject({ code: 'EIA_STORE_LOCKED' });
    holder.exec('ROLLBACK');
    holder.close();
    await store.append('s', [{ type: 'A', data: {} }]);
    expect(await store.streamVersion('s')).toBe(1);
    await store.close();
  });

  it('fails appends atomically when the disk is full, and works again once space returns', async () => {
    const store = openSqliteEventStore(join(dir, 'e.db'));
    const db = store.database.db;
    await store.append('s', [{ type: 'A', data: { n: 0 } }]);
    // A size cap is how SQLite reports a full disk (SQLITE_FULL), without filling a real one.
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 2}`);
    const big = 'x'.repeat(20_000);
    const batch = Array.from({ length: 10 }, (_, i) => ({ type: 'Big', data: { i, big } }));
    await expect(store.append('s', batch)).rejects.toMatchObject({ code: 'EIA_STORE_FULL' });
    expect(await store.streamVersion('s')).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM events WHERE type = 'Big'").get()).toEqual({ n: 0 });
    db.pragma('max_page_count = 1073741823');
    await store.append('s', batch);
    expect(await store.streamVersion('s')).toBe(11);
    await store.close();
  });

  it('upcasts old event shapes when reading', async () => {
    const file = join(dir, 'e.db');
    const old = openSqliteEventStore(file);
    await old.append('s', [{ type: 'Named', data: { name: 'Ada Lovelace' } }]);
    await old.close();
    const store = openSqliteEventStore(file, {
      upcasters: [
        {
          type: 'Named',
          fromVersion: 1,
          upcast: (data) => {
            const [first, last] = (data as { name: string }).name.split(' ');
            return { first, last };
          },
        },
      ],
    });
    const [e] = await store.readStream('s');
    expect(e).toMatchObject({ schemaVersion: 2, data: { first: 'Ada', last: 'Lovelace' } });
    await store.close();
  });

  it('sees appends made by another process (another connection) in a live subscription', async () => {
    const file = join(dir, 'e.db');
    const a = openSqliteEventStore(file, { pollMs: 20 });
    const b = openSqliteEventStore(file);
    const seen: string[] = [];
    const sub = a.subscribe({ after: 0, handler: (e) => void seen.push(e.type) });
    await sub.caughtUp();
    await b.append('s', [{ type: 'FromB', data: {} }]);
    await vi.waitFor(() => expect(seen).toEqual(['FromB']), { timeout: 2000 });
    await sub.stop();
    await a.close();
    await b.close();
  });

  it('group-commits concurrent appends: 32 writers share transactions', async () => {
    const store = openSqliteEventStore(join(dir, 'e.db'));
    let commits = 0;
    store.database.onCommit(() => commits++);
    await Promise.all(Array.from({ length: 32 }, (_, w) => store.append(`w-${w}`, [{ type: 'A', data: {} }])));
    expect(commits).toBe(1);
    await store.close();
  });
});

function catchError(fn: () => unknown): ExportIaError {
  try {
    fn();
  } catch (err) {
    return err as ExportIaError;
  }
  throw new Error('expected an error');
}

describe('event ids', () => {
  it('are time-ordered UUIDv7 (inserts stay local in the unique index)', async () => {
    const ids = Array.from({ length: 50 }, () => newEventId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = (id: string) => Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(Math.abs(ms(ids[0] as string) - Date.now())).toBeLessThan(5000);
    expect(ids.map(ms)).toEqual([...ids.map(ms)].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(50);
  });
});

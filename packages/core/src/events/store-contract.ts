/**
 * The contract every event store passes (embedded SQLite now, Postgres later): concurrency
 * conflicts, atomic batches, idempotent retries, ordering, reads and catch-up subscriptions
 * while appends continue. Exposed through `@export-ia/core/testing`.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { isExportIaError } from '../errors/export-ia-error.js';
import type { EventStore, NewEvent, StoredEvent } from './event-store.js';

/** One case of a contract suite (same shape as the other suites in `@export-ia/core/testing`). */
interface ContractCase {
  name: string;
  run: () => Promise<void>;
}

/** Makes a fresh, empty store for one case, and cleans it up afterwards. */
export type StoreFactory = () => Promise<{ store: EventStore; cleanup?: () => Promise<void> }>;

const ev = (type: string, n: number, extra: Partial<NewEvent> = {}): NewEvent => ({ type, data: { n }, ...extra });

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  try {
    await promise;
  } catch (err) {
    assert.ok(isExportIaError(err), `expected ${code}, got ${String(err)}`);
    assert.equal(err.code, code);
    return;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

function withStore(factory: StoreFactory, fn: (store: EventStore) => Promise<void>): () => Promise<void> {
  return async () => {
    const { store, cleanup } = await factory();
    try {
      await fn(store);
    } finally {
      await store.close();
      await cleanup?.();
    }
  };
}

/** The event-store contract suite. Register each case with your test runner: `for (const c of eventStoreContract(f)) it(c.name, c.run)`. */
export function eventStoreContract(factory: StoreFactory): ContractCase[] {
  const cases: Array<[string, (store: EventStore) => Promise<void>]> = [
    [
      'numbers a new stream from version 1 and positions grow with every commit',
      async (store) => {
        const r1 = await store.append('job-a', [ev('A', 1), ev('A', 2)], { expectedVersion: 'no_stream' });
        assert.equal(r1.nextVersion, 2);
        const r2 = await store.append('job-b', [ev('B', 1)], { expectedVersion: 'no_stream' });
        assert.ok(r2.lastPosition > r1.lastPosition);
        const events = await store.readStream('job-a');
        assert.deepEqual(
          events.map((e) => [e.version, e.type, (e.data as { n: number }).n]),
          [
            [1, 'A', 1],
            [2, 'A', 2],
          ],
        );
        assert.ok(events.every((e) => e.streamId === 'job-a' && typeof e.id === 'string' && e.time > 0));
        assert.equal(await store.streamVersion('job-a'), 2);
        assert.equal(await store.streamVersion('missing'), 0);
        assert.equal(await store.headPosition(), r2.lastPosition);
      },
    ],
    [
      'refuses an append whose expected version does not match, with EIA_STORE_CONFLICT',
      async (store) => {
        await store.append('s', [ev('A', 1)], { expectedVersion: 'no_stream' });
        await rejectsWith(store.append('s', [ev('A', 2)], { expectedVersion: 'no_stream' }), 'EIA_STORE_CONFLICT');
        await rejectsWith(store.append('s', [ev('A', 2)], { expectedVersion: 0 }), 'EIA_STORE_CONFLICT');
        await rejectsWith(store.append('s', [ev('A', 2)], { expectedVersion: 2 }), 'EIA_STORE_CONFLICT');
        await rejectsWith(store.append('t', [ev('A', 1)], { expectedVersion: 'stream_exists' }), 'EIA_STORE_CONFLICT');
        await store.append('s', [ev('A', 2)], { expectedVersion: 1 });
        await store.append('s', [ev('A', 3)], { expectedVersion: 'stream_exists' });
        await store.append('s', [ev('A', 4)], { expectedVersion: 'any' });
        assert.equal(await store.streamVersion('s'), 4);
        assert.equal(await store.streamVersion('t'), 0);
      },
    ],
    [
      'lets exactly one of many concurrent writers with the same expected version win',
      async (store) => {
        await store.append('race', [ev('A', 0)]);
        const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.append('race', [ev('B', i)], { expectedVersion: 1 })));
        const won = results.filter((r) => r.status === 'fulfilled');
        assert.equal(won.length, 1);
        for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as { code?: string }).code, 'EIA_STORE_CONFLICT');
        assert.equal(await store.streamVersion('race'), 2);
      },
    ],
    [
      'appends a batch atomically: one bad event and none of the batch is stored',
      async (store) => {
        await store.append('atomic', [ev('A', 1)]);
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        await rejectsWith(store.append('atomic', [ev('A', 2), { type: 'B', data: cyclic }, ev('A', 3)]), 'EIA_EVENT_INVALID');
        await rejectsWith(store.append('atomic', [ev('A', 2), { type: '', data: {} }]), 'EIA_EVENT_INVALID');
        assert.equal(await store.streamVersion('atomic'), 1);
        assert.equal((await store.readAll()).length, 1);
      },
    ],
    [
      'treats a retried append (same event ids) as done, without duplicating it',
      async (store) => {
        const batch = [ev('A', 1, { id: randomUUID() }), ev('A', 2, { id: randomUUID() })];
        const first = await store.append('idem', batch, { expectedVersion: 'no_stream' });
        const again = await store.append('idem', batch, { expectedVersion: 'no_stream' });
        assert.equal(first.duplicate, false);
        assert.equal(again.duplicate, true);
        assert.equal(again.nextVersion, 2);
        assert.equal(again.lastPosition, first.lastPosition);
        assert.equal((await store.readStream('idem')).length, 2);
        await rejectsWith(store.append('idem', [batch[0] as NewEvent, ev('A', 3, { id: randomUUID() })]), 'EIA_EVENT_INVALID');
        await rejectsWith(store.append('other', [batch[0] as NewEvent]), 'EIA_EVENT_INVALID');
        assert.equal((await store.readAll()).length, 2);
      },
    ],
    [
      'reads a stream forward, backward, from a version, and a page at a time',
      async (store) => {
        await store.append(
          'r',
          Array.from({ length: 10 }, (_, i) => ev('A', i + 1)),
        );
        const versions = (events: StoredEvent[]) => events.map((e) => e.version);
        assert.deepEqual(versions(await store.readStream('r', { fromVersion: 8 })), [8, 9, 10]);
        assert.deepEqual(versions(await store.readStream('r', { direction: 'backward', maxCount: 3 })), [10, 9, 8]);
        assert.deepEqual(versions(await store.readStream('r', { direction: 'backward', fromVersion: 2 })), [2, 1]);
        assert.deepEqual(versions(await store.readStream('r', { fromVersion: 3, maxCount: 2 })), [3, 4]);
        assert.deepEqual(await store.readStream('nothing'), []);
      },
    ],
    [
      'reads everything in commit order, after a position, by type and by stream prefix',
      async (store) => {
        await store.append('job-1', [ev('Started', 1), ev('Done', 1)]);
        await store.append('doc-1', [ev('Started', 2)]);
        await store.append('job-2', [ev('Started', 3)]);
        const all = await store.readAll();
        assert.deepEqual(
          all.map((e) => e.streamId),
          ['job-1', 'job-1', 'doc-1', 'job-2'],
        );
        assert.ok(all.every((e, i) => i === 0 || e.position > (all[i - 1] as StoredEvent).position));
        assert.deepEqual(
          (await store.readAll({ after: (all[1] as StoredEvent).position })).map((e) => e.streamId),
          ['doc-1', 'job-2'],
        );
        assert.deepEqual(
          (await store.readAll({ types: ['Started'], streamPrefix: 'job-' })).map((e) => e.streamId),
          ['job-1', 'job-2'],
        );
        assert.equal((await store.readAll({ maxCount: 2 })).length, 2);
      },
    ],
    [
      'keeps every stream gap-free and every position unique under 32 concurrent writers',
      async (store) => {
        await Promise.all(
          Array.from({ length: 32 }, async (_, w) => {
            for (let i = 0; i < 10; i++) await store.append(`w-${w}`, [ev('A', i)], { expectedVersion: i });
          }),
        );
        const all = await store.readAll();
        assert.equal(all.length, 320);
        assert.equal(new Set(all.map((e) => e.position)).size, 320);
        for (let w = 0; w < 32; w++) {
          const s = all.filter((e) => e.streamId === `w-${w}`);
          assert.deepEqual(
            s.map((e) => e.version),
            Array.from({ length: 10 }, (_, i) => i + 1),
          );
          assert.deepEqual(
            s.map((e) => (e.data as { n: number }).n),
            Array.from({ length: 10 }, (_, i) => i),
          );
        }
      },
    ],
    [
      'delivers stored and new events to a subscription in order, once each, while appends continue',
      async (store) => {
        for (let i = 0; i < 300; i++) await store.append(`pre-${i % 7}`, [ev('A', i)]);
        const seen: StoredEvent[] = [];
        const sub = store.subscribe({
          after: 0,
          batchSize: 64,
          handler: async (e) => {
            seen.push(e);
            if (seen.length % 50 === 0) await new Promise((r) => setTimeout(r, 1));
          },
        });
        await Promise.all(
          Array.from({ length: 5 }, async (_, w) => {
            for (let i = 0; i < 60; i++) await store.append(`live-${w}`, [ev('B', i)]);
          }),
        );
        const head = await store.headPosition();
        const deadline = Date.now() + 10_000;
        while (sub.position < head && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        await sub.stop();
        assert.equal(seen.length, 600);
        assert.equal(new Set(seen.map((e) => e.id)).size, 600);
        assert.ok(seen.every((e, i) => i === 0 || e.position > (seen[i - 1] as StoredEvent).position));
      },
    ],
    [
      'delivers only new events to a subscription from the end, filtered by type',
      async (store) => {
        await store.append('old', [ev('A', 1), ev('B', 1)]);
        const seen: string[] = [];
        const sub = store.subscribe({ after: 'end', types: ['B'], handler: (e) => void seen.push(`${e.streamId}:${e.type}`) });
        await sub.caughtUp();
        await store.append('new', [ev('A', 2), ev('B', 2)]);
        const deadline = Date.now() + 5000;
        while (seen.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        await sub.stop();
        assert.deepEqual(seen, ['new:B']);
      },
    ],
    [
      'stops a subscription whose handler throws and reports the error, without skipping the event',
      async (store) => {
        await store.append('x', [ev('A', 1), ev('A', 2), ev('A', 3)]);
        const sub = store.subscribe({
          after: 0,
          handler: (e) => {
            if (e.version === 2) throw new Error('projection bug');
          },
        });
        await assert.rejects(sub.done, /projection bug/);
        assert.equal(sub.position, (await store.readStream('x'))[0]?.position);
      },
    ],
  ];
  return cases.map(([name, fn]) => ({ name, run: withStore(factory, fn) }));
}

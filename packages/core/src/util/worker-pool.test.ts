import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerPool } from './worker-pool.js';

type Task = { kind: 'spin' | 'sleep' | 'jam' | 'echo'; ms?: number; value?: string };
type Reply = { value: string | null; thread: number };

const filename = fileURLToPath(new URL('../../test/pool-worker.mjs', import.meta.url));
let pool: WorkerPool<Task, Reply> | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('WorkerPool', () => {
  it('aborting a task that spins terminates its worker; the task waiting behind it runs on a new one', async () => {
    pool = new WorkerPool<Task, Reply>({ filename, size: 1, prefetch: 2 });
    const stop = new AbortController();
    const spinning = pool.run({ kind: 'spin' }, { signal: stop.signal });
    const behind = pool.run({ kind: 'echo', value: 'behind' });
    const first = pool.run({ kind: 'echo', value: 'warm' });
    await later(300);
    stop.abort(new Error('deadline'));
    await expect(spinning).rejects.toThrow('deadline');
    expect((await behind).value).toBe('behind');
    expect((await first).value).toBe('warm');
  });

  it('aborting a task that waits inside a worker does not stop the one running; the cancelled one never runs', async () => {
    pool = new WorkerPool<Task, Reply>({ filename, size: 1, prefetch: 2 });
    const running = pool.run({ kind: 'sleep', ms: 300, value: 'running' });
    const stop = new AbortController();
    const waiting = pool.run({ kind: 'echo', value: 'cancelled' }, { signal: stop.signal });
    await later(50);
    stop.abort(new Error('cancelled by the user'));
    await expect(waiting).rejects.toThrow('cancelled by the user');
    const r = await running;
    expect(r.value).toBe('running');
    // Same worker still serving: the next task runs on the thread that ran the first.
    expect((await pool.run({ kind: 'echo', value: 'next' })).thread).toBe(r.thread);
  });

  it('replaces a worker whose event loop a task left jammed; the next task runs elsewhere', async () => {
    pool = new WorkerPool<Task, Reply>({ filename, size: 1, startTimeoutMs: 500 });
    const jammer = await pool.run({ kind: 'jam', value: 'returned' });
    expect(jammer.value).toBe('returned');
    await later(150); // the thread is spinning by now
    const next = await pool.run({ kind: 'echo', value: 'after' });
    expect(next.value).toBe('after');
    expect(next.thread).not.toBe(jammer.thread);
  });

  it('takes a size that is not a number as 1 (a `--jobs abc` must not hang)', async () => {
    pool = new WorkerPool<Task, Reply>({ filename, size: Number.NaN });
    expect(pool.size).toBe(1);
    expect((await pool.run({ kind: 'echo', value: 'ok' })).value).toBe('ok');
  });
});

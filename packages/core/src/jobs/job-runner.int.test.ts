import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Root } from 'mdast';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExportIaError } from '../errors/export-ia-error.js';
import { newEventId, type StoredEvent } from '../events/event-store.js';
import { createHost, type Host } from '../host/host.js';
import { sha256 } from '../io/input.js';
import { definePlugin } from '../plugins/contracts.js';
import type { Projection } from '../projections/projector.js';
import { Projector } from '../projections/projector.js';
import { findJob, jobSteps, listJobs } from '../projections/queries.js';
import { READ_MODELS } from '../projections/read-models.js';
import { type JobStore, openJobStore } from './data-dir.js';
import { foldJob, jobStream } from './job.js';
import { cancelJob, JobRunner, retryJob } from './job-runner.js';
import { pruneStoredContent } from './retention.js';

interface Behaviour {
  /** Exporter id → how many times it fails with a retryable error before succeeding. */
  flaky?: Record<string, number>;
  /** Exporter id that always fails (not retryable). */
  broken?: string;
  /** Exporter id that waits until aborted. */
  hang?: string;
  /** Called when an exporter starts. */
  onExport?: (id: string) => void;
  /** Exporters take this long. */
  delayMs?: number;
  running?: number;
  peak?: number;
  calls: Record<string, number>;
}

function plugins(dir: string, b: Behaviour) {
  writeFileSync(join(dir, 'plain.yaml'), 'id: plain\nname: Plain\n');
  const at = { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 } };
  return [
    {
      dir,
      definition: definePlugin({
        manifest: {
          id: 'test-io',
          version: '1.2.3',
          engines: { 'export-ia': '*' },
          apiVersion: 1,
          contributes: {
            importers: [{ id: 'text', extensions: ['.txt'], mediaTypes: ['text/plain'] }],
            exporters: ['a', 'b'].map((id) => ({ id, extension: `.${id}`, mediaType: 'text/plain' })),
            themes: [{ id: 'plain', file: 'plain.yaml' }],
            checkers: [{ id: 'count' }],
          },
        },
        setup(api) {
          api.importer('text', {
            import(input) {
              b.calls.import = (b.calls.import ?? 0) + 1;
              const root: Root = {
                type: 'root',
                position: at,
                children: [{ type: 'paragraph', position: at, children: [{ type: 'text', value: input.text ?? '', position: at }] }],
              };
              return { root };
            },
          });
          api.checker('count', {
            check: () => ({
              findings: [{ rule: 'count/short', severity: 'warning', message: 'Too short.', position: { line: 1, column: 1 } }],
              metrics: { style: { words: 100, findings: 1 } },
            }),
          });
          for (const id of ['a', 'b']) {
            api.exporter(id, {
              async export(doc, ctx) {
                b.calls[id] = (b.calls[id] ?? 0) + 1;
                b.onExport?.(id);
                if ((b.flaky?.[id] ?? 0) > 0) {
                  (b.flaky as Record<string, number>)[id] = (b.flaky?.[id] ?? 1) - 1;
                  throw new ExportIaError('EIA_WORKER_CRASHED', { file: ctx.file, detail: 'simulated crash' });
                }
                if (b.broken === id) throw new ExportIaError('EIA_EXPORT_FAILED', { file: ctx.file, format: id, detail: 'always broken' });
                if (b.delayMs) {
                  b.running = (b.running ?? 0) + 1;
                  b.peak = Math.max(b.peak ?? 0, b.running);
                  await new Promise((r) => setTimeout(r, b.delayMs));
                  b.running = (b.running ?? 1) - 1;
                }
                if (b.hang === id) await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
                const text = (doc.root.children[0] as { children: Array<{ value: string }> }).children[0]?.value ?? '';
                return new TextEncoder().encode(`${id}:${text}`);
              },
            });
          }
        },
      }),
    },
  ];
}

let dir: string;
let store: JobStore;
let host: Host;
let b: Behaviour;

const source = (text: string, name = 'doc.txt') => {
  const bytes = new TextEncoder().encode(text);
  return { name, path: join(dir, name), dir, bytes, hash: sha256(bytes) };
};
const targets = (name: string) => ({ a: join(dir, 'out', `${name}.a`), b: join(dir, 'out', `${name}.b`) });
const types = (events: readonly StoredEvent[]) => events.map((e) => e.type);
const events = (jobId: string) => store.store.readStreamSync(jobStream(jobId));
const runner = (extra: Partial<ConstructorParameters<typeof JobRunner>[0]> = {}) =>
  new JobRunner({ store: store.store, blobs: store.blobs, host, retryDelayMs: 5, maxRetryDelayMs: 20, ...extra });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eia-jobs-'));
  store = openJobStore(join(dir, 'data'));
  b = { calls: {} };
  host = await createHost({ plugins: plugins(dir, b), cwd: dir });
});

afterEach(async () => {
  await host.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('job runner', () => {
  it('runs an export as an event stream: every step with its plugin version and timing, outputs stored and delivered', async () => {
    const r = runner();
    const { jobId } = await r.submitExport({ source: source('hello'), targets: targets('doc'), settings: [{ theme: 'plain' }] });
    const [outcome] = await r.runAll([jobId]);
    await r.close();
    expect(outcome).toMatchObject({ status: 'ok', jobId });
    expect(readFileSync(join(dir, 'out', 'doc.a'), 'utf8')).toBe('a:hello');
    const stream = events(jobId);
    expect(types(stream)[0]).toBe('JobRequested');
    expect(types(stream).at(-1)).toBe('JobCompleted');
    expect(types(stream).filter((t) => t === 'ArtifactProduced')).toHaveLength(2);
    const exportA = stream.find((e) => e.type === 'StepCompleted' && (e.data as { step: string }).step === 'exporter:a');
    expect(exportA?.data).toMatchObject({ plugin: { id: 'test-io', version: '1.2.3' }, attempt: 1 });
    expect(exportA?.data).toMatchObject({ ms: expect.any(Number) });
    // Metadata: actor, correlation, causation (the request), trace id, plugin versions on the request.
    expect(stream[0]?.metadata).toMatchObject({ tenant: 'local', pluginVersions: { 'test-io': '1.2.3' } });
    expect(stream[0]?.metadata.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(stream.at(-1)?.metadata).toMatchObject({ causationId: stream[0]?.id, traceId: stream[0]?.metadata.traceId });
    // The input is stored content-addressed, so the job can be re-run later.
    const state = foldJob(stream);
    expect(Buffer.from(await store.blobs.get(state.request?.input.sha256 as string)).toString()).toBe('hello');
  });

  it('retries a retryable failure with backoff and does not run the format that succeeded again', async () => {
    b.flaky = { b: 2 };
    const r = runner();
    const { jobId } = await r.submitExport({ source: source('x'), targets: targets('doc'), settings: [{ theme: 'plain' }] });
    const [outcome] = await r.runAll([jobId]);
    await r.close();
    expect(outcome?.status).toBe('ok');
    expect(b.calls).toMatchObject({ a: 1, b: 3 });
    const stream = events(jobId);
    const failed = stream.filter((e) => e.type === 'StepFailed').map((e) => e.data as { willRetry: boolean; error: { code: string } });
    expect(failed).toHaveLength(2);
    expect(failed.every((f) => f.willRetry && f.error.code === 'EIA_WORKER_CRASHED')).toBe(true);
    expect(stream.filter((e) => e.type === 'StepRetried').map((e) => (e.data as { attempt: number }).attempt)).toEqual([2, 3]);
  });

  it('gives up after the last attempt and keeps the job partial: the failed format named, the other delivered', async () => {
    b.flaky = { b: 10 };
    const r = runner({ maxAttempts: 2 });
    const { jobId } = await r.submitExport({ source: source('x'), targets: targets('doc'), settings: [{ theme: 'plain' }] });
    const [outcome] = await r.runAll([jobId]);
    await r.close();
    expect(outcome?.status).toBe('partial');
    expect(outcome?.failures.map((f) => f.format)).toEqual(['b']);
    expect(b.calls.b).toBe(2);
    expect(existsSync(join(dir, 'out', 'doc.a'))).toBe(true);
    expect(events(jobId).at(-1)?.data).toMatchObject({ status: 'partial' });
  });

  it('fails a job whose every format fails for good, keeping its input and every event; `retry` redoes it', async () => {
    b.broken = 'a';
    const r = runner();
    const { jobId } = await r.submitExport({ source: source('x'), targets: { a: join(dir, 'out', 'doc.a') }, settings: [{ theme: 'plain' }] });
    const [outcome] = await r.runAll([jobId]);
    expect(outcome?.status).toBe('failed');
    expect(types(events(jobId)).at(-1)).toBe('JobFailed');
    expect(b.calls.a).toBe(1); // not retryable: tried once
    b.broken = undefined;
    expect(await retryJob(store.store, jobId)).toEqual(['a']);
    const [again] = await r.runAll(await r.adopt([jobId]));
    await r.close();
    expect(again?.status).toBe('ok');
    expect(types(events(jobId))).toContain('JobRetried');
    expect(readFileSync(join(dir, 'out', 'doc.a'), 'utf8')).toBe('a:x');
  });

  it('cancels a running job from another connection (another process): the step is aborted and nothing more runs', async () => {
    b.hang = 'a';
    const other = openJobStore(join(dir, 'data'), { pollMs: 10 });
    const r = runner();
    const { jobId } = await r.submitExport({ source: source('x'), targets: targets('doc'), settings: [{ theme: 'plain' }] });
    b.onExport = (id) => {
      if (id === 'a') setTimeout(() => void cancelJob(other.store, jobId, 'user asked'), 20);
    };
    const [outcome] = await r.runAll([jobId]);
    await r.close();
    await other.close();
    expect(outcome?.status).toBe('failed');
    expect(outcome?.error?.code).toBe('EIA_CANCELLED');
    const stream = events(jobId);
    expect(types(stream)).toContain('JobCancelled');
    expect(types(stream)).not.toContain('JobCompleted');
    expect(types(stream)).not.toContain('JobFailed');
    expect(existsSync(join(dir, 'out', 'doc.b'))).toBe(false);
    await expect(cancelJob(store.store, jobId, 'again')).rejects.toMatchObject({ code: 'EIA_JOB_STATE' });
  });

  it('marks a job failed once the disk has room again, with no torn events, when the disk fills mid-job', async () => {
    const db = store.store.database.db;
    b.onExport = (id) => {
      // The disk "fills up" while the exporters run (SQLite's page cap reports SQLITE_FULL).
      if (id === 'a') db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`);
    };
    const r = runner();
    const { jobId } = await r.submitExport({ source: source('y'.repeat(50_000)), targets: targets('doc'), settings: [{ theme: 'plain' }] });
    setTimeout(() => db.pragma('max_page_count = 1073741823'), 300);
    const [outcome] = await r.runAll([jobId]);
    await r.close();
    expect(outcome?.status).toBe('failed');
    expect(outcome?.error?.code).toBe('EIA_STORE_FULL');
    const stream = events(jobId);
    expect(types(stream).at(-1)).toBe('JobFailed');
    // Every stored event is whole and the versions have no gap.
    expect(stream.map((e) => e.version)).toEqual(stream.map((_, i) => i + 1));
    const artifacts = stream.filter((e) => e.type === 'ArtifactProduced');
    for (const a of artifacts) expect(await store.blobs.has((a.data as { sha256: string }).sha256)).toBe(true);
  });

  it('adopts the unfinished job of a runner that died when the same request comes again, and skips what it produced', async () => {
    const dead = runner();
    const { jobId } = await dead.submitExport({ source: source('z'), targets: targets('doc'), settings: [{ theme: 'plain' }] });
    // The dead runner produced `a` (and recorded it) before it stopped.
    const out = new TextEncoder().encode('a:z');
    const sha = await store.blobs.put(out);
    await store.store.append(jobStream(jobId), [
      { type: 'ArtifactProduced', data: { format: 'a', sha256: sha, bytes: out.byteLength, mediaType: 'text/plain', extension: '.a' } },
    ]);
    // Its lease ran out (a runner on another machine, or a stale lock).
    store.store.database.db.prepare('UPDATE job_queue SET lease_until = 0').run();
    const r = runner();
    const again = await r.submitExport({ source: source('z'), targets: targets('doc'), settings: [{ theme: 'plain' }] });
    expect(again).toEqual({ jobId, adopted: true });
    const [outcome] = await r.runAll([jobId]);
    await r.close();
    expect(outcome?.status).toBe('ok');
    expect(b.calls).toMatchObject({ b: 1 });
    expect(b.calls.a).toBeUndefined();
    expect(readFileSync(join(dir, 'out', 'doc.a'), 'utf8')).toBe('a:z');
  });

  it('fails the step, without crashing, when an output cannot be stored while another exporter still runs', async () => {
    b.delayMs = 0;
    const r = runner({ maxAttempts: 1 });
    const put = store.blobs.put.bind(store.blobs);
    let outputs = 0;
    store.blobs.put = async (bytes, hash) => {
      // The input goes through; the first output hits a full disk.
      if (hash === undefined && ++outputs === 1) throw new ExportIaError('EIA_STORE_FULL', { file: 'blobs' });
      return put(bytes, hash);
    };
    b.onExport = (id) => {
      if (id === 'b') b.delayMs = 50;
    };
    const { jobId } = await r.submitExport({ source: source('x'), targets: targets('doc'), settings: [{ theme: 'plain' }] });
    const [outcome] = await r.runAll([jobId]);
    await r.close();
    expect(outcome?.status).toBe('failed');
    expect(outcome?.error?.code).toBe('EIA_STORE_FULL');
    expect(types(events(jobId)).at(-1)).toBe('JobFailed');
  });

  it('records nothing more once another process has appended to the job (no event lands after a cancel)', async () => {
    const r = runner();
    const { jobId } = await r.submitExport({ source: source('x'), targets: targets('doc'), settings: [{ theme: 'plain' }] });
    const other = new Database(join(dir, 'data', 'export-ia.db'));
    b.onExport = (id) => {
      if (id !== 'a') return;
      // Synchronously, between this runner's records and their commit: a cancel from elsewhere.
      const v = (other.prepare('SELECT max(version) AS v FROM events WHERE stream_id = ?').get(jobStream(jobId)) as { v: number }).v;
      other
        .prepare('INSERT INTO events (id, stream_id, version, type, data, metadata, time) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(newEventId(), jobStream(jobId), v + 1, 'JobCancelled', '{"reason":"elsewhere"}', '{}', Date.now());
      other.prepare('DELETE FROM job_queue WHERE job_id = ?').run(jobId);
    };
    const [outcome] = await r.runAll([jobId]);
    await r.close();
    other.close();
    const stream = events(jobId);
    const cancelAt = stream.findIndex((e) => e.type === 'JobCancelled');
    expect(cancelAt).toBeGreaterThan(0);
    expect(types(stream.slice(cancelAt + 1))).toEqual([]);
    expect(foldJob(stream).status).toBe('cancelled');
    expect(outcome?.error?.code).toBe('EIA_CANCELLED');
  });

  it('stops working on a job another runner took over after its lease ran out, and records no failure for it', async () => {
    b.hang = 'a';
    const r = runner({ leaseMs: 1500 });
    const { jobId } = await r.submitExport({ source: source('x'), targets: targets('doc'), settings: [{ theme: 'plain' }] });
    b.onExport = (id) => {
      // This process "sleeps" past its lease; a runner elsewhere takes the job.
      if (id === 'a') store.store.database.db.prepare("UPDATE job_queue SET owner = 'elsewhere:1:x', lease_until = ?").run(Date.now() + 60_000);
    };
    const [outcome] = await r.runAll([jobId]);
    await r.close();
    expect(outcome?.error?.code).toBe('EIA_JOB_LEASE_LOST');
    expect(types(events(jobId))).not.toContain('JobFailed');
    expect(store.store.database.db.prepare('SELECT owner FROM job_queue').get()).toEqual({ owner: 'elsewhere:1:x' });
  });

  it('runs many jobs under a concurrency limit, each to completion', async () => {
    b.delayMs = 10;
    const r = runner({ concurrency: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++)
      ids.push((await r.submitExport({ source: source(`doc ${i}`, `d${i}.txt`), targets: targets(`d${i}`), settings: [{ theme: 'plain' }] })).jobId);
    const outcomes = await r.runAll(ids);
    await r.close();
    expect(outcomes.every((o) => o.status === 'ok')).toBe(true);
    expect(new Set(ids).size).toBe(12);
    // Three jobs at a time, each running its two exporters side by side.
    expect(b.peak).toBeGreaterThan(2);
    expect(b.peak).toBeLessThanOrEqual(6);
  });
});

describe('quality jobs', () => {
  it('scores a document in the same job as its export: report stored and delivered, QualityScored recorded, score in the read models', async () => {
    const r = runner();
    const quality = join(dir, 'out', 'doc.quality.json');
    const { jobId } = await r.submitExport({
      source: source('words here'),
      targets: { ...targets('doc'), quality },
      settings: [{ theme: 'plain' }],
      quality: {},
    });
    const [outcome] = await r.runAll([jobId]);
    await r.close();
    expect(outcome?.status).toBe('ok');
    expect(outcome?.analysis?.score.score).toBe(60); // 10 findings per 1,000 words → style 60, the only sub-score
    expect(outcome?.analysis?.findings).toEqual([expect.objectContaining({ rule: 'count/short', file: 'doc.txt', checker: 'count' })]);
    expect(JSON.parse(readFileSync(quality, 'utf8')).score.score).toBe(60);
    const scored = events(jobId).find((e) => e.type === 'QualityScored');
    expect(scored?.data).toMatchObject({ score: 60, version: 1, subscores: [expect.objectContaining({ id: 'style' })] });
    new Projector(store.store, READ_MODELS).catchUp();
    expect(findJob(store.store.database, jobId).score).toBe(60);
  });

  it('runs an analysis alone as an `analyze` job (nothing written) and resumes it without re-running the checks', async () => {
    const r = runner();
    const { jobId } = await r.submitExport({
      source: source('x'),
      targets: {},
      settings: [{ theme: 'plain' }],
      quality: { checkers: ['count'] },
      kind: 'analyze',
    });
    const [outcome] = await r.runAll([jobId]);
    await r.close();
    expect(outcome?.status).toBe('ok');
    expect(outcome?.analysis?.score.score).toBe(60);
    expect(foldJob(events(jobId)).request?.kind).toBe('analyze');
    expect(types(events(jobId)).at(-1)).toBe('JobCompleted');
  });
});

describe('isolation', () => {
  /** A packaged plugin (loadable in a worker thread) whose checker spins forever without yielding. */
  function spinningPlugin(): string {
    const pluginDir = join(dir, 'spin');
    mkdirSync(pluginDir);
    writeFileSync(
      join(pluginDir, 'package.json'),
      JSON.stringify({
        name: 'spin',
        version: '1.0.0',
        type: 'module',
        engines: { 'export-ia': '*' },
        exportIa: {
          id: 'spin',
          apiVersion: 1,
          main: 'index.js',
          contributes: { importers: [{ id: 'spintext', extensions: ['.spin'] }], checkers: [{ id: 'spin' }] },
        },
      }),
    );
    writeFileSync(
      join(pluginDir, 'index.js'),
      `export default {
        [Symbol.for('export-ia.plugin')]: true,
        setup(api) {
          api.importer('spintext', { import: (input) => ({ root: { type: 'root', children: [{ type: 'paragraph', children: [{ type: 'text', value: input.text }] }] } }) });
          api.checker('spin', { check(doc) { if (JSON.stringify(doc.root).includes('spin')) for (;;) {} return { findings: [] }; } });
        },
      };`,
    );
    return pluginDir;
  }

  it('stops a step that never yields at its deadline (isolate: the worker is terminated), and the runner goes on', async () => {
    const isolated = await createHost({ plugins: [spinningPlugin()], cwd: dir });
    const r = new JobRunner({ store: store.store, blobs: store.blobs, host: isolated, isolate: true });
    try {
      const analyse = (text: string) =>
        r.submitExport({
          source: source(text, `${text}.spin`),
          targets: {},
          settings: [{ limits: { stepTimeoutMs: 300 } }],
          quality: { checkers: ['spin'] },
          kind: 'analyze',
        });
      const started = performance.now();
      const stuck = await analyse('spin');
      const [outcome] = await r.runAll([stuck.jobId]);
      expect(outcome?.status).toBe('failed');
      expect(outcome?.error).toMatchObject({ code: 'EIA_TIMEOUT', params: { step: 'checker:spin', timeoutMs: 300 } });
      // Deadline plus the watchdog's 2 s grace, not forever.
      expect(performance.now() - started).toBeLessThan(60_000);
      expect(types(events(stuck.jobId)).at(-1)).toBe('JobFailed');
      // A fresh worker takes the next job.
      const fine = await analyse('calm');
      const [next] = await r.runAll([fine.jobId]);
      expect(next?.status).toBe('ok');
    } finally {
      await r.close();
      await isolated.close();
    }
  });
});

describe('retention', () => {
  it('prunes stored content of finished jobs past the retention period, keeps the events and unfinished jobs', async () => {
    const r = runner();
    const done = await r.submitExport({ source: source('old'), targets: targets('old'), settings: [{ theme: 'plain' }] });
    await r.runAll([done.jobId]);
    const waiting = await r.submitExport({ source: source('queued'), targets: targets('queued'), settings: [{ theme: 'plain' }] });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const kept = await pruneStoredContent(store, 30, { graceMs: 0 });
    expect(kept.removed).toBe(0);
    const pruned = await pruneStoredContent(store, 0, { graceMs: 0 });
    expect(pruned.removed).toBe(3); // the finished job's input and its two outputs
    const state = foldJob(events(waiting.jobId));
    expect(await store.blobs.has(state.request?.input.sha256 as string)).toBe(true);
    expect(types(events(done.jobId)).at(-1)).toBe('JobCompleted');
    expect(store.store.readAllSync({ types: ['ArtifactsPruned'] })).toHaveLength(1);
    await r.close();
  });

  it('re-runs a pruned job from its source file while that file is unchanged, and refuses when it changed', async () => {
    writeFileSync(join(dir, 'src.txt'), 'kept');
    const r = runner();
    const { jobId } = await r.submitExport({ source: source('kept', 'src.txt'), targets: { a: join(dir, 'out', 'src.a') }, settings: [{ theme: 'plain' }] });
    await r.runAll([jobId]);
    await store.store.append(jobStream(jobId), [{ type: 'JobFailed', data: { error: { code: 'EIA_INTERNAL' } } }]); // make it retryable
    await new Promise((resolve) => setTimeout(resolve, 5));
    await pruneStoredContent(store, 0, { graceMs: 0 });
    await retryJob(store.store, jobId);
    const [again] = await r.runAll(await r.adopt([jobId]));
    expect(again?.status).toBe('ok');
    writeFileSync(join(dir, 'src.txt'), 'changed');
    await store.store.append(jobStream(jobId), [{ type: 'JobFailed', data: { error: { code: 'EIA_INTERNAL' } } }]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await pruneStoredContent(store, 0, { graceMs: 0 });
    await retryJob(store.store, jobId);
    const [refused] = await r.runAll(await r.adopt([jobId]));
    await r.close();
    expect(refused?.error?.code).toBe('EIA_BLOB_MISSING');
  });
});

describe('read models', () => {
  async function someJobs(): Promise<string[]> {
    b.flaky = { b: 1 };
    const r = runner();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      ids.push((await r.submitExport({ source: source(`doc ${i}`, `d${i}.txt`), targets: targets(`d${i}`), settings: [{ theme: 'plain' }] })).jobId);
    b.broken = undefined;
    await r.runAll(ids);
    await r.close();
    return ids;
  }

  const snapshot = () =>
    Object.fromEntries(
      ['rm_jobs', 'rm_job_steps', 'rm_document_history', 'rm_daily', 'rm_step_samples', 'rm_scores'].map((t) => [
        t,
        store.store.database.db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all(),
      ]),
    );

  it('projects jobs, steps, history and analytics, and a rebuild from scratch gives exactly the same tables', async () => {
    const ids = await someJobs();
    const projector = new Projector(store.store, READ_MODELS);
    projector.catchUp();
    const jobs = listJobs(store.store.database);
    expect(jobs).toHaveLength(4);
    expect(jobs.every((j) => j.status === 'completed' && j.progress === 1 && j.outputs.length === 2)).toBe(true);
    const first = findJob(store.store.database, (ids[0] as string).slice(0, 6));
    expect(first.retries).toBe(1);
    expect(jobSteps(store.store.database, first.jobId).some((s) => s.event === 'StepFailed' && s.errorCode === 'EIA_WORKER_CRASHED')).toBe(true);
    const before = snapshot();
    expect(projector.rebuild()).toBe(store.store.headPositionSync());
    expect(snapshot()).toEqual(before);
  });

  it('skips event types no projection knows (reported once) and keeps a throwing projection at its checkpoint while the others go on', async () => {
    await someJobs();
    await store.store.append('other', [
      { type: 'SomethingNew', data: {} },
      { type: 'SomethingNew', data: {} },
    ]);
    const broken: Projection = {
      name: 'broken',
      version: 1,
      setup: () => {},
      drop: () => {},
      handlers: {
        JobCompleted: () => {
          throw new Error('projection bug');
        },
      },
    };
    const logs: string[] = [];
    const projector = new Projector(store.store, [...READ_MODELS, broken], { log: (m) => logs.push(m) });
    projector.catchUp();
    projector.catchUp();
    const status = Object.fromEntries(projector.status().map((s) => [s.name, s]));
    expect(status.broken?.position).toBe(0);
    expect(status.broken?.error).toContain('projection bug');
    expect(status.jobs?.position).toBe(store.store.headPositionSync());
    expect(logs.filter((l) => l.includes('SomethingNew'))).toHaveLength(1);
    expect(projector.skippedTypes).toEqual(['SomethingNew']);
  });

  it('keeps the read models current from a live subscription', async () => {
    const projector = new Projector(store.store, READ_MODELS);
    projector.start();
    await someJobs();
    const deadline = Date.now() + 5000;
    while (listJobs(store.store.database).filter((j) => j.status === 'completed').length < 4 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    await projector.stop();
    expect(listJobs(store.store.database).filter((j) => j.status === 'completed')).toHaveLength(4);
  });
});

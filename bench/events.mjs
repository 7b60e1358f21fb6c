#!/usr/bin/env node
/**
 * npm run bench:events — the embedded event store, its projections and the job runner.
 *
 * 1. Durable appends/s from one writer (each append awaited: one commit, one fsync each).
 * 2. Durable appends/s from 32 concurrent writers (group commit: one fsync per group).
 * 3. Batched appends: events/s with 100 and 1000 events per append (1 writer), and 8 writers × 100.
 * 4. Reading everything back (readAllSync, pages of 5000) over ~200k job events.
 * 5. Projection lag while 32 writers append job-shaped events: head − slowest checkpoint sampled
 *    every 50 ms, and the time from an append's acknowledgement to its projection.
 * 6. Rebuilding the read models from BENCH_REBUILD_EVENTS generated job events.
 * 7. Job runner overhead per pipeline step: 1 importer + 20 no-op transforms + 1 exporter,
 *    through the runner (events, queue, blobs) and directly (pipeline.run + the file write),
 *    one job at a time and 8 at a time.
 *
 * Everything runs on the repository's disk (.bench-out/events-<pid>, removed at the end), not
 * /tmp, so fsync costs what it costs for users. Durable = synchronous=FULL (the default).
 * Each figure is the median of BENCH_RUNS runs. Writes .bench-out/events.json and events.md.
 * Environment: BENCH_RUNS (default 3), BENCH_REBUILD_EVENTS (default 1000000), BENCH_JOBS
 * (jobs per runner measurement, default 50).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, fdatasyncSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost, JobRunner, newEventId, openJobStore, openSqliteEventStore, Projector, READ_MODELS, sha256, writeFileAtomic } from '@export-ia/core';
import { definePlugin } from '@export-ia/core/plugin';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const REBUILD_EVENTS = Math.max(1, Number(process.env.BENCH_REBUILD_EVENTS ?? 1_000_000));
const JOBS = Math.max(1, Number(process.env.BENCH_JOBS ?? 50));
const READ_EVENTS = 200_000;
const work = join(repo, '.bench-out', `events-${process.pid}`);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
/** Nearest-rank percentile of unsorted samples. */
const pct = (xs, p) => {
  if (xs.length === 0) return 0;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
};
const seconds = (t) => (performance.now() - t) / 1000;
const log = (msg) => process.stderr.write(`  · ${msg}\n`);

/** The file system the bench writes to (longest mount point that prefixes it). */
function fileSystemOf(path) {
  try {
    let best = { mount: '', type: '?', device: '?' };
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [device, mount, type] = line.split(' ');
      if (mount && (path === mount || path.startsWith(mount.endsWith('/') ? mount : `${mount}/`)) && mount.length >= best.mount.length)
        best = { mount, type, device };
    }
    return `${best.type} on ${best.device} (${best.mount})`;
  } catch {
    return 'unknown';
  }
}

// ── Realistic job events ────────────────────────────────────────────────────────────────
const HASHES = Array.from({ length: 4096 }, () => randomBytes(32).toString('hex'));
const hash = (i) => HASHES[i % HASHES.length];
const PLUGINS = {
  md: { id: '@export-ia/plugin-importer-markdown', version: '0.1.0' },
  assets: { id: '@export-ia/plugin-transform-assets', version: '0.1.0' },
  pdf: { id: '@export-ia/plugin-exporter-pdf-typst', version: '0.1.0' },
  docx: { id: '@export-ia/plugin-exporter-docx', version: '0.1.0' },
  html: { id: '@export-ia/plugin-exporter-html', version: '0.1.0' },
};
const PLUGIN_VERSIONS = Object.fromEntries(Object.values(PLUGINS).map((p) => [p.id, p.version]));
const MEDIA = { pdf: 'application/pdf', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', html: 'text/html' };
const FORMATS = ['pdf', 'docx', 'html'];

/**
 * The events the runner records for one export job (17 of them; 1 job in 20 has its PDF fail
 * and ends partial): JobRequested, importer and transform steps, three exporters with their
 * artifacts, the process and deliver steps, JobCompleted.
 */
function jobEvents(jobId, n) {
  const doc = `docs/chapter-${n % 500}.md`;
  const meta = { actor: 'bench@export-ia', tenant: 'local', correlationId: jobId, traceId: hash(n * 7 + 3).slice(0, 32) };
  const findings = { errors: 0, warnings: n % 3, infos: 1, codes: n % 3 ? { EIA_LINK_BROKEN: n % 3, EIA_IMAGE_ALT: 1 } : { EIA_IMAGE_ALT: 1 } };
  const fails = n % 20 === 19;
  const ok = fails ? FORMATS.filter((f) => f !== 'pdf') : FORMATS;
  const written = ok.map((f) => ({ format: f, path: `/home/user/project/out/chapter-${n % 500}.${f}`, bytes: 20_000 + ((n * 131) % 90_000) }));
  const pdfError = { code: 'EIA_EXPORT_FAILED', message: 'typst: unknown font family "Brand Sans"', kind: 'plugin', retryable: false };
  const ev = (type, data) => ({ type, data, metadata: meta });
  const events = [
    {
      type: 'JobRequested',
      data: {
        kind: 'export',
        input: { name: doc, path: `/home/user/project/${doc}`, dir: '/home/user/project/docs', sha256: hash(n), bytes: 8000 + ((n * 37) % 40_000) },
        formats: FORMATS,
        targets: Object.fromEntries(FORMATS.map((f) => [f, `/home/user/project/out/chapter-${n % 500}.${f}`])),
        settings: [{ theme: 'default', toc: true }, { lang: 'en' }],
        maxAttempts: 3,
        requestKey: hash(n + 1),
        cwd: '/home/user/project',
      },
      metadata: { ...meta, pluginVersions: PLUGIN_VERSIONS },
    },
    ev('StepStarted', { step: 'importer:markdown', plugin: PLUGINS.md, attempt: 1 }),
    ev('StepCompleted', { step: 'importer:markdown', plugin: PLUGINS.md, attempt: 1, ms: 3.2 + (n % 17) }),
    ev('StepStarted', { step: 'transform:assets', plugin: PLUGINS.assets, attempt: 1 }),
    ev('StepCompleted', { step: 'transform:assets', plugin: PLUGINS.assets, attempt: 1, ms: 0.4 + (n % 5) }),
    ...FORMATS.map((f) => ev('StepStarted', { step: `exporter:${f}`, plugin: PLUGINS[f], attempt: 1 })),
  ];
  for (const f of ['html', 'docx', 'pdf']) {
    if (f === 'pdf' && fails) {
      events.push(ev('StepFailed', { step: 'exporter:pdf', plugin: PLUGINS.pdf, attempt: 1, ms: 410, error: pdfError, willRetry: false }));
      continue;
    }
    events.push(
      ev('ArtifactProduced', { format: f, sha256: hash(n * 3 + f.length), bytes: 20_000 + ((n * 131) % 90_000), mediaType: MEDIA[f], extension: `.${f}` }),
    );
    events.push(ev('StepCompleted', { step: `exporter:${f}`, plugin: PLUGINS[f], attempt: 1, ms: f === 'pdf' ? 380 + (n % 200) : 15 + (n % 40) }));
  }
  events.push(ev('StepCompleted', { step: 'process', attempt: 1, ms: 420 + (n % 300), findings }));
  events.push(ev('StepCompleted', { step: 'deliver', attempt: 1, ms: 1.5, written }));
  events.push(
    ev('JobCompleted', {
      status: fails ? 'partial' : 'ok',
      outputs: written,
      failures: fails ? [{ format: 'pdf', error: pdfError }] : [],
      findings,
      ms: 450 + (n % 400),
    }),
  );
  return events;
}

/** Inserts `total` job events straight into the events table, 10k per transaction (for reads and rebuilds). */
function bulkInsert(store, total) {
  const insert = store.database.db.prepare(
    'INSERT INTO events (id, stream_id, version, type, schema_version, data, metadata, time) VALUES (?, ?, ?, ?, 1, ?, ?, ?)',
  );
  const span = 90 * 24 * 3600 * 1000; // spread over 90 days, so the daily analytics have rows
  const jobs = Math.ceil(total / 17);
  const start = Date.now() - span;
  let n = 0;
  let job = [];
  let stream = '';
  let version = 0;
  let t0 = 0;
  let done = 0;
  while (done < total) {
    const count = Math.min(10_000, total - done);
    store.database.writeNow(() => {
      for (let i = 0; i < count; i++) {
        if (version === job.length) {
          const id = randomUUID();
          stream = `job-${id}`;
          job = jobEvents(id, n);
          t0 = start + Math.floor((n * span) / jobs);
          n++;
          version = 0;
        }
        const e = job[version];
        version++;
        insert.run(newEventId(), stream, version, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), t0 + version * 40);
      }
    });
    done += count;
  }
  return { events: total, jobs: n };
}

// ── Appends ─────────────────────────────────────────────────────────────────────────────
const STEP_EVENT = {
  type: 'StepCompleted',
  data: { step: 'transform:assets', plugin: PLUGINS.assets, attempt: 1, ms: 1.25 },
  metadata: { actor: 'bench@export-ia', tenant: 'local', correlationId: randomUUID() },
};

/** `writers` loops, each awaiting appends of `batch` events to its own stream, for `ms`. Returns events/s. */
async function appendRate(store, { writers, batch, ms }) {
  const events = Array.from({ length: batch }, () => STEP_EVENT);
  let total = 0;
  const t = performance.now();
  const stop = t + ms;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      const stream = `bench-${randomUUID()}`;
      while (performance.now() < stop) {
        await store.append(stream, events);
        total += batch;
      }
    }),
  );
  return total / seconds(t);
}

async function appendBench(label, options) {
  const store = openSqliteEventStore(join(work, `append-${label}.db`));
  try {
    // Warm-up long enough to pass the first WAL checkpoints: the runs then see the steady state.
    await appendRate(store, { ...options, ms: 1000 });
    const rates = [];
    for (let r = 0; r < RUNS; r++) rates.push(await appendRate(store, options));
    return { eventsPerSecond: median(rates), runs: rates };
  } finally {
    await store.close();
  }
}

const results = {
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    disk: fileSystemOf(work),
    loadAverageAtStart: loadavg()[0],
  },
  settings: { runs: RUNS, rebuildEvents: REBUILD_EVENTS, jobs: JOBS, readEvents: READ_EVENTS },
};
{
  const probe = openSqliteEventStore(join(work, 'probe.db'));
  results.machine.sqlite = probe.database.db.prepare('SELECT sqlite_version() AS v').get().v;
  results.machine.betterSqlite3 = createRequire(join(repo, 'packages/core/package.json'))('better-sqlite3/package.json').version;
  results.machine.synchronous = ['off', 'normal', 'full', 'extra'][probe.database.db.pragma('synchronous', { simple: true })];
  await probe.close();
  // What one flush costs on this disk: durable single commits cannot go faster than this.
  const fd = openSync(join(work, 'fsync-probe'), 'w');
  const page = Buffer.alloc(4096, 1);
  let n = 0;
  const t = performance.now();
  while (performance.now() - t < 1000) {
    writeSync(fd, page, 0, page.length, 0);
    fdatasyncSync(fd);
    n++;
  }
  closeSync(fd);
  results.machine.fdatasyncPerSecond = n / seconds(t);
}

try {
  // ── 1–3. Append throughput ──────────────────────────────────────────────────────────
  log('appends: 1 writer');
  results.single = await appendBench('single', { writers: 1, batch: 1, ms: 2000 });
  log('appends: 32 writers');
  results.concurrent = await appendBench('concurrent', { writers: 32, batch: 1, ms: 2000 });
  log('appends: batches');
  results.batched = {
    '1 writer × 100': await appendBench('b100', { writers: 1, batch: 100, ms: 1500 }),
    '1 writer × 1000': await appendBench('b1000', { writers: 1, batch: 1000, ms: 1500 }),
    '8 writers × 100': await appendBench('w8b100', { writers: 8, batch: 100, ms: 1500 }),
  };

  // ── 4. Read everything ──────────────────────────────────────────────────────────────
  {
    log(`read-all: generating ${READ_EVENTS} events`);
    const file = join(work, 'read.db');
    const gen = openSqliteEventStore(file, { synchronous: 'normal' });
    bulkInsert(gen, READ_EVENTS);
    await gen.close();
    const store = openSqliteEventStore(file);
    const rates = [];
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      let after = 0;
      let read = 0;
      for (;;) {
        const page = store.readAllSync({ after, maxCount: 5000 });
        if (page.length === 0) break;
        read += page.length;
        after = page[page.length - 1].position;
      }
      if (read !== READ_EVENTS) throw new Error(`read ${read} events, expected ${READ_EVENTS}`);
      rates.push(read / seconds(t));
    }
    await store.close();
    results.readAll = { events: READ_EVENTS, eventsPerSecond: median(rates), runs: rates };
  }

  // ── 5. Projection lag under load ────────────────────────────────────────────────────
  {
    const runs = [];
    for (let r = 0; r < RUNS; r++) {
      log(`projection lag: run ${r + 1}/${RUNS}`);
      runs.push(await projectionLag(join(work, `lag-${r}.db`), 5000));
    }
    const m = (k) => median(runs.map((x) => x[k]));
    results.projectionLag = {
      writers: 32,
      seconds: 5,
      eventsPerSecond: m('eventsPerSecond'),
      lagEvents: { p50: m('lagEventsP50'), p95: m('lagEventsP95'), max: m('lagEventsMax') },
      lagMs: { p50: m('lagMsP50'), p95: m('lagMsP95'), max: m('lagMsMax') },
      drainMs: m('drainMs'),
      runs,
    };
  }

  // ── 6. Rebuild ──────────────────────────────────────────────────────────────────────
  {
    log(`rebuild: generating ${REBUILD_EVENTS} events`);
    const file = join(work, 'rebuild.db');
    const gen = openSqliteEventStore(file, { synchronous: 'normal' });
    const t = performance.now();
    const { jobs } = bulkInsert(gen, REBUILD_EVENTS);
    const generateSeconds = seconds(t);
    await gen.close();
    const times = [];
    for (let r = 0; r < RUNS; r++) {
      log(`rebuild: run ${r + 1}/${RUNS}`);
      const store = openSqliteEventStore(file);
      const projector = new Projector(store, READ_MODELS);
      const t1 = performance.now();
      const read = projector.rebuild();
      times.push(seconds(t1));
      if (read !== REBUILD_EVENTS) throw new Error(`rebuild read ${read} events, expected ${REBUILD_EVENTS}`);
      const rows = store.database.db.prepare('SELECT count(*) AS n FROM rm_jobs').get().n;
      if (rows !== jobs) throw new Error(`rebuild made ${rows} job rows, expected ${jobs}`);
      await store.close();
    }
    const s = median(times);
    results.rebuild = { events: REBUILD_EVENTS, jobs, generateSeconds, seconds: s, eventsPerSecond: REBUILD_EVENTS / s, runs: times };
  }

  // ── 7. Runner overhead per step ─────────────────────────────────────────────────────
  results.runner = await runnerOverhead();
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** 32 writers append whole jobs (one event per append) for `ms` while a Projector keeps the read models current. */
async function projectionLag(file, ms) {
  const store = openSqliteEventStore(file);
  const database = store.database;
  const minCheckpoint = database.db.prepare(`SELECT min(position) AS p FROM projection_checkpoints WHERE name IN (${READ_MODELS.map(() => '?').join(', ')})`);
  const checkpoint = () => minCheckpoint.get(...READ_MODELS.map((p) => p.name)).p ?? 0;
  // Acknowledged appends, in commit order (positions only grow), waiting for their projection.
  const ackPos = [];
  const ackAt = [];
  let next = 0;
  const latencies = [];
  // The projector commits each batch with writeNow: after each, settle the acks it covered.
  const writeNow = database.writeNow;
  database.writeNow = function (fn) {
    const value = writeNow.call(this, fn);
    if (next < ackPos.length) {
      const cp = checkpoint();
      const now = performance.now();
      while (next < ackPos.length && ackPos[next] <= cp) {
        latencies.push(now - ackAt[next]);
        next++;
      }
    }
    return value;
  };
  const projector = new Projector(store, READ_MODELS);
  projector.start();
  const lagEvents = [];
  const sampler = setInterval(() => lagEvents.push(store.headPositionSync() - checkpoint()), 50);
  let appended = 0;
  let jobNo = 0;
  const t = performance.now();
  const stop = t + ms;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (performance.now() < stop) {
        const id = randomUUID();
        const stream = `job-${id}`;
        for (const e of jobEvents(id, jobNo++)) {
          const { lastPosition } = await store.append(stream, [e]);
          ackPos.push(lastPosition);
          ackAt.push(performance.now());
          appended++;
        }
      }
    }),
  );
  const elapsed = seconds(t);
  clearInterval(sampler);
  // Let the projector finish what was appended.
  const drainStart = performance.now();
  const head = store.headPositionSync();
  while (checkpoint() < head && performance.now() - drainStart < 60_000) await new Promise((r) => setTimeout(r, 5));
  const drainMs = performance.now() - drainStart;
  await projector.stop();
  database.writeNow = writeNow;
  if (next < ackPos.length) {
    const now = performance.now();
    for (; next < ackPos.length; next++) latencies.push(now - ackAt[next]);
  }
  await store.close();
  return {
    events: appended,
    eventsPerSecond: appended / elapsed,
    samples: lagEvents.length,
    lagEventsP50: pct(lagEvents, 0.5),
    lagEventsP95: pct(lagEvents, 0.95),
    lagEventsMax: pct(lagEvents, 1),
    lagMsP50: pct(latencies, 0.5),
    lagMsP95: pct(latencies, 0.95),
    lagMsMax: pct(latencies, 1),
    drainMs,
  };
}

/** A pipeline of 1 importer, 20 no-op transforms and 1 exporter, through the job runner and directly. */
async function runnerOverhead() {
  const TRANSFORMS = 20;
  const pluginDir = join(work, 'plugin');
  mkdirSync(pluginDir, { recursive: true });
  writeFileSync(join(pluginDir, 'bench.yaml'), 'id: bench\nname: Bench\n');
  const at = (n) => ({ start: { line: n, column: 1, offset: 0 }, end: { line: n, column: 2, offset: 1 } });
  const plugin = {
    definition: definePlugin({
      manifest: {
        id: 'bench-noop',
        version: '1.0.0',
        engines: { 'export-ia': '*' },
        apiVersion: 1,
        contributes: {
          importers: [{ id: 'lines', extensions: ['.bench'], mediaTypes: ['text/x-bench'] }],
          transforms: Array.from({ length: TRANSFORMS }, (_, i) => ({ id: `noop-${i + 1}`, default: true })),
          exporters: [{ id: 'noop', extension: '.out', mediaType: 'text/plain' }],
          themes: [{ id: 'bench', file: 'bench.yaml' }],
        },
      },
      setup(api) {
        api.importer('lines', {
          import(input) {
            const lines = (input.text ?? '').split('\n').filter(Boolean);
            return {
              root: {
                type: 'root',
                position: at(1),
                children: lines.map((value, i) => ({ type: 'paragraph', position: at(i + 1), children: [{ type: 'text', value, position: at(i + 1) }] })),
              },
              frontMatter: { title: 'Bench' },
            };
          },
        });
        for (let i = 1; i <= TRANSFORMS; i++) api.transform(`noop-${i}`, { transform: (doc) => doc });
        api.exporter('noop', { export: (doc) => new TextEncoder().encode(`${doc.meta.title}:${doc.root.children.length}\n`) });
      },
    }),
    dir: pluginDir,
  };
  const host = await createHost({ plugins: [plugin], cwd: work, importCacheEntries: 0 });
  const settings = [{ theme: 'bench' }];
  const outDir = join(work, 'runner-out');
  mkdirSync(outDir, { recursive: true });
  let seq = 0;
  // Every input is new (no cache, no blob dedup can help).
  const inputs = (n) =>
    Array.from({ length: n }, () => {
      seq++;
      const bytes = new TextEncoder().encode(Array.from({ length: 20 }, (_, l) => `input ${seq} line ${l} ${randomUUID()}`).join('\n'));
      return { source: { name: `doc-${seq}.bench`, dir: work, bytes, hash: sha256(bytes) }, target: join(outDir, `doc-${seq}.out`) };
    });
  let steps = 0;

  const direct = async (items, concurrency) => {
    const pipeline = host.exportPipeline(['noop']);
    const t = performance.now();
    let k = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (k < items.length) {
          const item = items[k++];
          const res = await pipeline.run(item.source, { settings });
          if (res.failures.length > 0 || res.outputs.length !== 1) throw new Error(`direct run failed: ${JSON.stringify(res.failures)}`);
          steps = res.steps.length;
          writeFileAtomic(item.target, res.outputs[0].data);
        }
      }),
    );
    return performance.now() - t;
  };

  let storeNo = 0;
  const viaRunner = async (items, concurrency) => {
    const jobStore = openJobStore(join(work, `jobs-${storeNo++}`));
    const runner = new JobRunner({ store: jobStore.store, blobs: jobStore.blobs, host, concurrency });
    try {
      const t = performance.now();
      const ids = [];
      for (const item of items) ids.push((await runner.submitExport({ source: item.source, targets: { noop: item.target }, settings })).jobId);
      const submitted = performance.now();
      const outcomes = await runner.runAll(ids);
      const end = performance.now();
      const bad = outcomes.find((o) => o.status !== 'ok');
      if (bad) throw new Error(`runner job failed: ${JSON.stringify(bad.error ?? bad.failures)}`);
      const events = jobStore.store.headPositionSync();
      return { ms: end - t, submitMs: submitted - t, events };
    } finally {
      await runner.close();
      await jobStore.close();
    }
  };

  const out = { jobs: JOBS, transforms: TRANSFORMS };
  try {
    for (const concurrency of [1, 8]) {
      log(`runner overhead: concurrency ${concurrency}`);
      await direct(inputs(5), concurrency); // warm-up
      await viaRunner(inputs(5), concurrency);
      const rows = [];
      for (let r = 0; r < RUNS; r++) {
        const d = await direct(inputs(JOBS), concurrency);
        const v = await viaRunner(inputs(JOBS), concurrency);
        rows.push({ directMs: d, runnerMs: v.ms, submitMs: v.submitMs, eventsPerJob: v.events / JOBS, overheadPerStepMs: (v.ms - d) / (JOBS * steps) });
      }
      const m = (k) => median(rows.map((x) => x[k]));
      out[`concurrency ${concurrency}`] = {
        steps,
        directMs: m('directMs'),
        runnerMs: m('runnerMs'),
        submitMs: m('submitMs'),
        eventsPerJob: m('eventsPerJob'),
        overheadPerJobMs: (m('runnerMs') - m('directMs')) / JOBS,
        overheadPerStepMs: m('overheadPerStepMs'),
        runs: rows,
      };
    }
  } finally {
    await host.close();
  }
  return out;
}

// ── Report ──────────────────────────────────────────────────────────────────────────────
const int = (v) => Math.round(v).toLocaleString('en-US');
const ms1 = (v) => `${v.toFixed(1)} ms`;
const rows = [];
const row = (measure, value, target, pass) => rows.push({ measure, value, target, status: pass === undefined ? 'info' : pass ? 'PASS' : 'FAIL' });
row('1. durable appends, 1 writer × 1 event', `${int(results.single.eventsPerSecond)} /s`, '≈270 /s on design.md disk');
row('2. durable appends, 32 writers × 1 event', `${int(results.concurrent.eventsPerSecond)} /s`, '≥ 5,000 /s', results.concurrent.eventsPerSecond >= 5000);
for (const [label, r] of Object.entries(results.batched))
  row(`3. batched appends, ${label} events`, `${int(r.eventsPerSecond)} events/s`, '≥ 30,000 /s', r.eventsPerSecond >= 30_000);
row(`4. readAllSync, ${int(READ_EVENTS)} events, pages of 5000`, `${int(results.readAll.eventsPerSecond)} events/s`, '—');
{
  const p = results.projectionLag;
  row(
    `5. projection lag, 32 writers (${int(p.eventsPerSecond)} events/s)`,
    `p50 ${int(p.lagEvents.p50)} / p95 ${int(p.lagEvents.p95)} / max ${int(p.lagEvents.max)} events`,
    '—',
  );
  row('   ack → projected', `p50 ${ms1(p.lagMs.p50)} / p95 ${ms1(p.lagMs.p95)} / max ${ms1(p.lagMs.max)}`, '—');
}
{
  const b = results.rebuild;
  const limit = (60 * REBUILD_EVENTS) / 1_000_000;
  row(
    `6. rebuild read models, ${int(b.events)} events`,
    `${b.seconds.toFixed(1)} s (${int(b.eventsPerSecond)} events/s)`,
    `< ${limit.toFixed(limit < 10 ? 1 : 0)} s`,
    b.seconds < limit,
  );
}
for (const c of [1, 8]) {
  const r = results.runner[`concurrency ${c}`];
  row(
    `7. runner overhead per step, concurrency ${c}`,
    `${r.overheadPerStepMs.toFixed(3)} ms (${r.overheadPerJobMs.toFixed(1)} ms/job)`,
    '≤ 1 ms',
    r.overheadPerStepMs <= 1,
  );
}

results.machine.loadAverageAtEnd = loadavg()[0];
const m = results.machine;
const lines = [];
lines.push(`Machine: ${m.cpus} cores, ${m.model}, ${m.memoryGiB} GiB, Node ${m.node}, SQLite ${m.sqlite} (better-sqlite3 ${m.betterSqlite3})`);
lines.push(
  `Disk: ${m.disk}, ${int(m.fdatasyncPerSecond)} fdatasync/s (4 KiB); store: WAL, synchronous=${m.synchronous.toUpperCase()}; median of ${RUNS} run(s); load average ${m.loadAverageAtStart.toFixed(2)} at start, ${m.loadAverageAtEnd.toFixed(2)} at end`,
);
lines.push('');
const w = [0, 0, 0];
for (const r of rows) {
  w[0] = Math.max(w[0], r.measure.length);
  w[1] = Math.max(w[1], r.value.length);
  w[2] = Math.max(w[2], r.target.length);
}
lines.push(`| ${'measure'.padEnd(w[0])} | ${'result'.padEnd(w[1])} | ${'target'.padEnd(w[2])} | status |`);
lines.push(`|${'-'.repeat(w[0] + 2)}|${'-'.repeat(w[1] + 2)}|${'-'.repeat(w[2] + 2)}|--------|`);
for (const r of rows) lines.push(`| ${r.measure.padEnd(w[0])} | ${r.value.padEnd(w[1])} | ${r.target.padEnd(w[2])} | ${r.status.padEnd(6)} |`);
lines.push('');
const p = results.projectionLag;
lines.push(`Projection: read models caught up ${ms1(p.drainMs)} after the writers stopped.`);
lines.push(
  `Rebuild input generated in ${results.rebuild.generateSeconds.toFixed(1)} s (${int(results.rebuild.jobs)} jobs, synchronous=normal, 10k per transaction).`,
);
for (const c of [1, 8]) {
  const r = results.runner[`concurrency ${c}`];
  lines.push(
    `Runner, concurrency ${c}: ${JOBS} jobs × ${r.steps} steps — direct ${ms1(r.directMs)}, runner ${ms1(r.runnerMs)} (submit ${ms1(r.submitMs)}), ${r.eventsPerJob.toFixed(0)} events/job`,
  );
}
results.table = rows;
const text = lines.join('\n');
console.log(text);
mkdirSync(join(repo, '.bench-out'), { recursive: true });
writeFileSync(join(repo, '.bench-out/events.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(repo, '.bench-out/events.md'), `${text}\n`);

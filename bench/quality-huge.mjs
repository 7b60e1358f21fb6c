#!/usr/bin/env node
/**
 * npm run bench:quality:huge — memory and time of the analysis of huge Markdown documents, in
 * sections (the default above limits.sectionBytes) and whole, side by side.
 *
 * Documents of about 2, 10 and 19 MB are made from examples/documents/report.md (its body
 * repeated, headings numbered so they stay distinct). Each analysis runs in a fresh process
 * that samples its resident memory and V8 heap every 10 ms; the models are loaded first with a
 * small document, so "added" is what the document itself costs (peaks include garbage V8 has not
 * collected yet: with memory to spare it lets the heap grow). The live set is what a cap shows:
 * both analyses of the largest document run again with the V8 heap capped
 * (--max-old-space-size, BENCH_HEAP_MB, default 320).
 *
 * Installs nothing. Writes .bench-out/quality-huge.json. BENCH_SIZES=2,10 to choose sizes (MB).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

if (process.argv[2] === '--child') {
  const [, , , file, sectionBytes] = process.argv;
  const { builtinPluginDirs } = await import('../packages/cli/dist/main.js');
  const { createHost, sha256 } = await import('../packages/core/dist/index.js');
  const host = await createHost({ plugins: builtinPluginDirs(), cwd: repo });
  const settings = sectionBytes === 'whole' ? [{ limits: { sectionBytes: 1_000_000_000 } }] : [];
  const small = new TextEncoder().encode(readFileSync(join(repo, 'examples/documents/report.md'), 'utf8'));
  const dir = join(repo, 'examples/documents');
  await host.analyzePipeline().run({ name: 'report.md', dir, bytes: small, hash: sha256(small) }, { settings: [] });
  globalThis.gc?.();
  const base = { rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed };
  const peak = { ...base };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heap = Math.max(peak.heap, m.heapUsed);
  };
  const timer = setInterval(sample, 10);
  const bytes = readFileSync(file);
  const t = performance.now();
  const r = await host.analyzePipeline().run({ name: 'huge.md', path: file, dir, bytes, hash: sha256(bytes) }, { settings });
  const ms = performance.now() - t;
  sample();
  clearInterval(timer);
  const mb = (n) => Math.round(n / 2 ** 20);
  process.stdout.write(
    JSON.stringify({
      ms: Math.round(ms),
      sections: r.analysis.sections ?? 1,
      findings: r.analysis.findings.length,
      words: r.analysis.metrics.metadata?.words ?? null,
      failed: r.analysis.checkers.filter((c) => c.status !== 'ok').map((c) => c.id),
      baseRssMb: mb(base.rss),
      addedRssMb: mb(peak.rss - base.rss),
      addedHeapMb: mb(peak.heap - base.heap),
    }),
  );
  await host.close();
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'eia-huge-'));
const report = readFileSync(join(repo, 'examples/documents/report.md'), 'utf8');
const end = report.indexOf('\n---\n', 3);
const front = report.slice(0, end + 5);
const body = report.slice(end + 5);
const sizes = (process.env.BENCH_SIZES ?? '2,10,19').split(',').map(Number);
const heapCap = Number(process.env.BENCH_HEAP_MB ?? 320);

function make(mb) {
  const copies = Math.max(1, Math.round((mb * 2 ** 20) / body.length));
  const parts = [front];
  for (let i = 0; i < copies; i++) parts.push(body.replace(/^(#{1,6}) /gm, `$1 ${i}. `));
  const file = join(work, `huge-${mb}mb.md`);
  writeFileSync(file, parts.join('\n'));
  return file;
}

function child(file, mode, flags = []) {
  const r = spawnSync(process.execPath, ['--expose-gc', ...flags, fileURLToPath(import.meta.url), '--child', file, mode], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  try {
    return JSON.parse(r.stdout);
  } catch {
    return { error: (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ').slice(0, 200) || `exit ${r.status}` };
  }
}

const rows = [];
console.log(`${cpus()[0]?.model}, ${cpus().length} cores, Node ${process.version}; limits.sectionBytes default (512 KiB)`);
console.log('size     mode       time      sections  findings  +RSS      +heap     ');
for (const mb of sizes) {
  const file = make(mb);
  const actual = readFileSync(file).length / 2 ** 20;
  for (const mode of ['sections', 'whole']) {
    const r = child(file, mode);
    rows.push({ mb: Math.round(actual * 10) / 10, mode, ...r });
    console.log(
      r.error
        ? `${actual.toFixed(1).padStart(4)} MB  ${mode.padEnd(9)}  ${r.error}`
        : `${actual.toFixed(1).padStart(4)} MB  ${mode.padEnd(9)}  ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${String(r.sections).padStart(8)}  ${String(r.findings).padStart(8)}  ${String(r.addedRssMb).padStart(5)} MB  ${String(r.addedHeapMb).padStart(5)} MB${r.failed.length ? `  failed: ${r.failed}` : ''}`,
    );
  }
}
const largest = make(Math.max(...sizes));
const capped = {};
for (const mode of ['sections', 'whole']) {
  const r = child(largest, mode, [`--max-old-space-size=${heapCap}`]);
  capped[mode] = r;
  console.log(
    r.error
      ? `${mode} with the V8 heap capped at ${heapCap} MB: FAILED (${/heap out of memory|Allocation failed/i.test(r.error) ? 'heap out of memory' : r.error})`
      : `${mode} with the V8 heap capped at ${heapCap} MB: ok in ${(r.ms / 1000).toFixed(1)} s (${r.sections} parts)`,
  );
}
mkdirSync(join(repo, '.bench-out'), { recursive: true });
writeFileSync(join(repo, '.bench-out/quality-huge.json'), JSON.stringify({ rows, capped: { heapMb: heapCap, ...capped } }, null, 2));

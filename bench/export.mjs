#!/usr/bin/env node
/**
 * npm run bench:export — export speed, side by side with pandoc in the same run.
 *
 * 1. Warm, in-process CPU time per document (median of N runs, parse cache off so every run
 *    parses): md→HTML, md→DOCX, md→PDF, and all three from one parse. CPU time is the whole
 *    process (process.cpuUsage), so PDF compiles in worker threads are counted.
 * 2. The Markdown parse alone, and remark (the usual choice) for comparison, when installed.
 * 3. Batch throughput (documents/second) with 1 and 2 worker threads, all three formats.
 * 4. pandoc (Debian package; skipped if missing) producing HTML, DOCX and PDF (WeasyPrint), each a
 *    new process; our CLI timed the same way (cold process) for a like-for-like comparison.
 *
 * Installs nothing. Writes a JSON copy of the results to .bench-out/export.json.
 * Environment: BENCH_RUNS (default 15), BENCH_BATCH (documents per batch, default 12).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinPluginDirs } from '../packages/cli/dist/main.js';
import { createHost, runBatch, sha256 } from '../packages/core/dist/index.js';
import { parseMarkdown } from '../plugins/importer-markdown/dist/parser/index.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const BATCH = Number(process.env.BENCH_BATCH ?? 12);
const out = mkdtempSync(join(tmpdir(), 'eia-bench-'));

const report = readFileSync(join(repo, 'examples/documents/report.md'), 'utf8');
const body = report.replace(/^---\n[\s\S]*?\n---\n/, '');
const tenfold = `${report}\n${Array.from({ length: 9 }, () => body).join('\n')}`;
const words = (s) => s.split(/\s+/).filter(Boolean).length;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const cpuMs = (start) => {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
};

/**
 * Every run gets a different variant of the document (each paragraph changes), so neither our
 * parse cache nor Typst's memoised layout can reuse earlier work: the cost of a new document.
 */
let variant = 0;
const vary = (text) => {
  variant += 1;
  return text.replace(/([a-z])\.\n/g, `$1 (${variant}).\n`);
};

async function measure(fn, runs = RUNS) {
  for (let i = 0; i < 3; i++) await fn(); // warm-up: JIT, compilers, font loading
  const cpu = [];
  const wall = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    await fn();
    wall.push(performance.now() - t);
    cpu.push(cpuMs(c));
  }
  return { cpu: median(cpu), wall: median(wall) };
}

const results = { machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version }, documents: {}, parse: {}, batch: {}, pandoc: {}, cli: {} };

// ── 1. In-process, warm ─────────────────────────────────────────────────────────────────
const host = await createHost({ plugins: builtinPluginDirs(), cwd: repo, importCacheEntries: 0 });
const docs = { '5k words': report, '10× (59k words)': tenfold };
for (const [label, text] of Object.entries(docs)) {
  const row = { words: words(text) };
  for (const formats of [['html'], ['docx'], ['pdf'], ['pdf', 'docx', 'html']]) {
    const pipeline = host.exportPipeline(formats);
    const r = await measure(
      async () => {
        const bytes = new TextEncoder().encode(vary(text));
        const input = { name: 'report.md', dir: join(repo, 'examples/documents'), bytes, hash: sha256(bytes) };
        const res = await pipeline.run(input, { settings: [{ to: formats, theme: 'default' }] });
        if (res.failures.length > 0) throw new Error(JSON.stringify(res.failures));
      },
      label.startsWith('10') ? Math.max(5, Math.floor(RUNS / 3)) : RUNS,
    );
    row[formats.join('+')] = r;
  }
  results.documents[label] = row;
}
await host.close();

// ── 2. Parse alone ──────────────────────────────────────────────────────────────────────
for (const [label, text] of Object.entries(docs)) {
  const variants = Array.from({ length: RUNS + 3 }, () => vary(text));
  let k = 0;
  results.parse[label] = { ours: await measure(() => parseMarkdown(variants[k++ % variants.length]), label.startsWith('10') ? 5 : RUNS) };
}
try {
  const { unified } = await import('unified');
  const { default: remarkParse } = await import('remark-parse');
  const { default: remarkGfm } = await import('remark-gfm');
  const { default: remarkMath } = await import('remark-math');
  const { default: remarkFrontmatter } = await import('remark-frontmatter');
  const remark = unified().use(remarkParse).use(remarkGfm).use(remarkMath).use(remarkFrontmatter);
  results.parse['5k words'].remark = await measure(() => remark.parse(report), 10);
} catch {
  results.parse['5k words'].remark = 'not installed (npm i --no-save remark-parse remark-gfm remark-math remark-frontmatter unified to compare)';
}

// ── 3. Batch throughput, 1 vs 2 worker threads ──────────────────────────────────────────
{
  const dir = join(out, 'batch-in');
  mkdirSync(dir, { recursive: true });
  const items = [];
  for (let i = 0; i < BATCH; i++) {
    // Different content each, so no cache can help.
    writeFileSync(join(dir, `doc-${i}.md`), vary(report));
    writeFileSync(join(dir, `warm-${i}.md`), vary(report));
  }
  const bhost = await createHost({ plugins: builtinPluginDirs(), cwd: repo });
  for (const jobs of [1, 2]) {
    items.length = 0;
    for (let i = 0; i < BATCH; i++) {
      const target = join(out, `batch-${jobs}`, `doc-${i}`);
      items.push({ input: join(dir, `doc-${i}.md`), targets: { pdf: `${target}.pdf`, docx: `${target}.docx`, html: `${target}.html` } });
    }
    // Warm-up rounds (on other documents) start the threads, load their plugins and compilers,
    // and warm the JIT; the measured documents are new to every thread.
    const warm = items.map((item, i) => ({ ...item, input: join(dir, `warm-${i}.md`) }));
    for (let w = 0; w < 2; w++) await runBatch(bhost, warm, { settings: [{ theme: 'default' }], jobs, forceWorkers: true });
    const t = performance.now();
    const outcomes = await runBatch(bhost, items, { settings: [{ theme: 'default' }], jobs, forceWorkers: true });
    const seconds = (performance.now() - t) / 1000;
    if (outcomes.some((o) => o.status !== 'ok')) throw new Error('batch failed');
    results.batch[`${jobs} thread${jobs > 1 ? 's' : ''}`] = { documents: BATCH, seconds, docsPerSecond: BATCH / seconds };
  }
  await bhost.close();
  results.batch.speedup = results.batch['2 threads'].docsPerSecond / results.batch['1 thread'].docsPerSecond;
}

// ── 4. pandoc and our CLI as processes ──────────────────────────────────────────────────
function timed(cmd, args, cwd = repo) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) return { error: (r.stderr || '').split('\n').filter(Boolean).slice(-3).join(' | ') };
  const last = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { wall: last[0] * 1000, cpu: (last[1] + last[2]) * 1000 };
}
function processMedian(cmd, args, runs = 5) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const r = timed(cmd, args);
    if (r.error) return r;
    samples.push(r);
  }
  return { wall: median(samples.map((s) => s.wall)), cpu: median(samples.map((s) => s.cpu)) };
}
const reportPath = join(repo, 'examples/documents/report.md');
let hasPandoc = true;
try {
  execFileSync('pandoc', ['--version'], { stdio: 'ignore' });
} catch {
  hasPandoc = false;
}
if (hasPandoc) {
  const res = join(repo, 'examples/documents');
  results.pandoc.html = processMedian('pandoc', [reportPath, '--standalone', '--mathml', '--resource-path', res, '-o', join(out, 'p.html')]);
  results.pandoc.docx = processMedian('pandoc', [reportPath, '--resource-path', res, '-o', join(out, 'p.docx')]);
  let hasWeasy = true;
  try {
    execFileSync('weasyprint', ['--version'], { stdio: 'ignore' });
  } catch {
    hasWeasy = false;
  }
  results.pandoc.pdf = hasWeasy
    ? processMedian('pandoc', [reportPath, '--mathml', '--resource-path', res, '--pdf-engine=weasyprint', '-o', join(out, 'p.pdf')], 3)
    : 'skipped: weasyprint not installed (apt install weasyprint)';
} else {
  results.pandoc = 'skipped: pandoc not installed (apt install pandoc weasyprint)';
}
const cli = join(repo, 'packages/cli/bin/export-ia.js');
for (const f of ['html', 'docx', 'pdf']) {
  results.cli[f] = processMedian(process.execPath, [cli, 'export', reportPath, '--to', f, '-o', join(out, `cli.${f}`), '--no-config', '-q']);
}

// ── Report ──────────────────────────────────────────────────────────────────────────────
const fmt = (v) => (typeof v === 'number' ? `${v.toFixed(1)}` : String(v));
const lines = [];
lines.push(`Machine: ${results.machine.cpus} cores, ${results.machine.model}, Node ${results.machine.node}`);
lines.push('');
lines.push('Warm, in-process, CPU ms per document (median) — wall ms in brackets');
lines.push('| document | words | md→HTML | md→DOCX | md→PDF | all three, one parse |');
lines.push('|---|---:|---:|---:|---:|---:|');
for (const [label, row] of Object.entries(results.documents)) {
  const cell = (k) => `${fmt(row[k].cpu)} (${fmt(row[k].wall)})`;
  lines.push(`| ${label} | ${row.words} | ${cell('html')} | ${cell('docx')} | ${cell('pdf')} | ${cell('pdf+docx+html')} |`);
}
lines.push('');
lines.push(
  `Markdown parse, CPU ms: ours ${fmt(results.parse['5k words'].ours.cpu)} (5k words), ${fmt(results.parse['10× (59k words)'].ours.cpu)} (10×); remark+gfm+math+frontmatter ${typeof results.parse['5k words'].remark === 'object' ? fmt(results.parse['5k words'].remark.cpu) : results.parse['5k words'].remark}`,
);
lines.push('');
lines.push(
  `Batch, ${BATCH} × 5k-word documents to PDF+DOCX+HTML: 1 thread ${fmt(results.batch['1 thread'].docsPerSecond)} docs/s, 2 threads ${fmt(results.batch['2 threads'].docsPerSecond)} docs/s → ${results.batch.speedup.toFixed(2)}×`,
);
lines.push('');
lines.push('One process per export (cold start included), CPU ms (wall ms):');
lines.push('| tool | HTML | DOCX | PDF |');
lines.push('|---|---:|---:|---:|');
const pc = (r) =>
  typeof r === 'object' && r && 'cpu' in r ? `${fmt(r.cpu)} (${fmt(r.wall)})` : typeof r === 'object' && r?.error ? `error: ${r.error}` : String(r);
lines.push(`| export-ia CLI | ${pc(results.cli.html)} | ${pc(results.cli.docx)} | ${pc(results.cli.pdf)} |`);
if (typeof results.pandoc === 'object')
  lines.push(`| pandoc 2.17 (+WeasyPrint for PDF) | ${pc(results.pandoc.html)} | ${pc(results.pandoc.docx)} | ${pc(results.pandoc.pdf)} |`);
else lines.push(`| pandoc | ${results.pandoc} | | |`);
const text = lines.join('\n');
console.log(text);
mkdirSync(join(repo, '.bench-out'), { recursive: true });
writeFileSync(join(repo, '.bench-out/export.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(repo, '.bench-out/export.md'), `${text}\n`);
rmSync(out, { recursive: true, force: true });

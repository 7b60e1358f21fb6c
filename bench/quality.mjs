#!/usr/bin/env node
/**
 * npm run bench:quality — analysis speed of the 5,900-word sample, side by side with GNU diction
 * and proselint (Debian packages: `apt-get install diction python3-proselint`; skipped if missing).
 *
 * 1. Warm, in process: the whole analysis (every default checker) per document, median of N runs
 *    on fresh variants of the text (so no cache helps), as words/s; the bare parse (importer and
 *    default transforms only); each checker alone, as a multiple of the bare parse.
 * 2. Memory per loaded language: resident memory before and after the first analysis of a
 *    document in each language (spelling dictionaries, language models), in a fresh process each.
 * 3. Peers on the same text (plain text for diction, Markdown for proselint), one process each.
 *
 * Installs nothing. Writes .bench-out/quality.json. Environment: BENCH_RUNS (default 15),
 * BENCH_MARKDOWNLINT=1 (structure checker with its opt-in markdownlint rules).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinPluginDirs } from '../packages/cli/dist/main.js';
import { createHost, proseBlocks, sha256 } from '../packages/core/dist/index.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const work = mkdtempSync(join(tmpdir(), 'eia-qbench-'));
const report = readFileSync(join(repo, 'examples/documents/report.md'), 'utf8');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
let variant = 0;
const vary = (text) => {
  variant += 1;
  return text.replace(/([a-z])\.\n/g, `$1 (${variant}).\n`);
};
const input = (text, name = 'report.md') => {
  const bytes = new TextEncoder().encode(text);
  return { name, path: join(repo, 'examples/documents', name), dir: join(repo, 'examples/documents'), bytes, hash: sha256(bytes) };
};

if (process.argv[2] === '--memory') {
  // Child mode: RSS before/after the first analysis of one document.
  const file = process.argv[3];
  const host = await createHost({ plugins: builtinPluginDirs(), cwd: repo });
  const text = readFileSync(file, 'utf8');
  const before = process.memoryUsage().rss;
  await host.analyzePipeline().run(input(text, file.split('/').pop()), { settings: [] });
  const after = process.memoryUsage().rss;
  await host.close();
  process.stdout.write(JSON.stringify({ before, after }));
  process.exit(0);
}

// BENCH_MARKDOWNLINT=1 measures the structure checker with markdownlint on (opt-in; its costliest part).
const pluginConfig = process.env.BENCH_MARKDOWNLINT ? { 'checker-structure': { markdownlint: true } } : {};
const host = await createHost({ plugins: builtinPluginDirs(), cwd: repo, pluginConfig });
const checkers = host.analyzePipeline().spec.steps.flatMap((s) => ('checkers' in s ? s.checkers : []));
const first = await host.analyzePipeline().run(input(report), { settings: [] });
const words = first.analysis.metrics.metadata?.words ?? proseBlocks(first.document.root).reduce((n, b) => n + b.text.split(/\s+/).filter(Boolean).length, 0);

// Warm means the JIT has settled: the first ~20 runs of a pipeline are up to 2× slower.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
async function time(pipeline, cpu) {
  for (let i = 0; i < WARMUP; i++) await pipeline.run(input(vary(report)), { settings: [] });
  const ms = [];
  const cpuMs = [];
  for (let i = 0; i < RUNS; i++) {
    const doc = input(vary(report));
    const c = process.cpuUsage();
    const t = performance.now();
    await pipeline.run(doc, { settings: [] });
    ms.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpuMs.push((used.user + used.system) / 1000);
  }
  if (cpu) cpu.ms = median(cpuMs);
  return median(ms);
}

const fullCpu = {};
const full = await time(host.analyzePipeline(), fullCpu);
const bare = await time(host.analyzePipeline([]));
const per = {};
for (const id of checkers) per[id] = Math.max(0, (await time(host.analyzePipeline([id]))) - bare);
await host.close();

// Memory per language, each in a fresh process.
const memory = {};
for (const [lang, file] of [
  ['en', 'examples/documents/report.md'],
  ['es', 'examples/documents/articulo.md'],
]) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--memory', join(repo, file)], { encoding: 'utf8' });
  try {
    const { before, after } = JSON.parse(r.stdout);
    memory[lang] = Math.round((after - before) / 1024 / 1024);
  } catch {
    memory[lang] = null;
  }
}

// Peers.
const plain = join(work, 'report.txt');
writeFileSync(
  plain,
  first.analysis
    ? proseBlocks(first.document.root)
        .map((b) => b.text)
        .join('\n\n')
    : report,
);
const md = join(work, 'report.md');
writeFileSync(md, report);
function peer(cmd, args) {
  const probe = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  if (probe.error) return null;
  const ms = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    ms.push(performance.now() - t);
  }
  return median(ms);
}
const diction = peer('diction', ['-s', plain]);
const proselint = peer('proselint', [md]);

const wps = (ms) => (ms ? Math.round((words / ms) * 1000) : null);
const result = {
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version },
  words,
  runs: RUNS,
  fullMs: full,
  fullWordsPerSecond: wps(full),
  // CPU time of the whole process (every thread, garbage collector included) per analysis.
  fullCpuMs: fullCpu.ms,
  bareParseMs: bare,
  perCheckerMs: per,
  perCheckerMultipleOfParse: Object.fromEntries(Object.entries(per).map(([k, v]) => [k, Math.round((v / bare) * 100) / 100])),
  memoryMbPerLanguage: memory,
  peers: { diction: diction && { ms: diction, wordsPerSecond: wps(diction) }, proselint: proselint && { ms: proselint, wordsPerSecond: wps(proselint) } },
};
mkdirSync(join(repo, '.bench-out'), { recursive: true });
writeFileSync(join(repo, '.bench-out/quality.json'), JSON.stringify(result, null, 2));

const line = (a, b, c = '') => console.log(`${a.padEnd(40)} ${String(b).padStart(12)}  ${c}`);
console.log(`${result.machine.cpu}, ${result.machine.cores} cores, Node ${result.machine.node}; ${words} words; median of ${RUNS}`);
line(
  `full analysis (default checkers${process.env.BENCH_MARKDOWNLINT ? ' + markdownlint' : ''})`,
  `${full.toFixed(1)} ms`,
  `${wps(full)?.toLocaleString('en-US')} words/s (target ≥ 100,000)`,
);
line('  CPU time (all threads, GC)', `${fullCpu.ms.toFixed(1)} ms`, `${wps(fullCpu.ms)?.toLocaleString('en-US')} words per CPU-second`);
line('bare parse (import + transforms)', `${bare.toFixed(1)} ms`);
for (const [id, ms] of Object.entries(per)) line(`  checker ${id}`, `${ms.toFixed(1)} ms`, `${result.perCheckerMultipleOfParse[id]}× the parse`);
for (const [lang, mb] of Object.entries(memory)) line(`memory after first ${lang} document`, mb === null ? 'n/a' : `+${mb} MB`);
line('GNU diction -s (process)', diction ? `${diction.toFixed(1)} ms` : 'not installed', diction ? `${wps(diction)?.toLocaleString('en-US')} words/s` : '');
line('proselint (process)', proselint ? `${proselint.toFixed(1)} ms` : 'not installed', proselint ? `${wps(proselint)?.toLocaleString('en-US')} words/s` : '');

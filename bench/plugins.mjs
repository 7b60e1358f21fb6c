#!/usr/bin/env node
/**
 * npm run bench:plugins — what isolation costs: a call to a plugin component in-process vs in
 * its sandbox process (empty payload and 10 KB, round trip, median of 2,000 after 200 warm-up),
 * the sandbox's cold start (spawn → ready, median of 15), loading and ordering 200 plugins with a
 * dependency graph, loading one packaged plugin, hot swap time (idle and under load), and what
 * this host can isolate.
 * Targets (issue 5): sandboxed call ≤ 100 µs at 10 KB, cold start ≤ 100 ms, load ≤ 50 ms per
 * plugin, resolution of 200 plugins ≤ 20 ms.
 * Writes .bench-out/plugins.json.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadPlugins } from '../packages/core/dist/index.js';
import { definePlugin } from '../packages/core/dist/plugin.js';
import { isolation, SandboxedPlugin } from '../packages/core/dist/sandbox/sandbox.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(repo, 'bench/fixtures/echo-plugin');
const scratch = mkdtempSync(join(tmpdir(), 'eia-bench-plugins-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const N = Number(process.env.BENCH_CALLS ?? 2000);
const payloads = { empty: null, '10 KB': { text: 'x'.repeat(10 * 1024) } };

// In-process: the same component called directly, as built-ins and trusted plugins are.
const components = new Map();
const mod = await import(pathToFileURL(join(dir, 'index.js')).href);
mod.default.setup({ checker: (id, impl) => components.set(`checker:${id}`, impl), config: {} });
const echo = components.get('checker:echo');
async function timeCalls(call) {
  for (let i = 0; i < 200; i++) await call();
  const us = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await call();
    us.push((performance.now() - t) * 1000);
  }
  return median(us);
}

// The floor on this machine, in the same run: a bare pipe round trip to a child process that
// echoes a byte (no framing, no JSON), and the same with a 10 KB payload.
async function rawPipe(bytes) {
  const { spawn } = await import('node:child_process');
  // The child answers one byte once a whole payload has arrived (a 10 KB write may come in pieces).
  const script = `const s=new (require('net').Socket)({fd:3,readable:true,writable:true});let n=0;s.on('data',d=>{n+=d.length;while(n>=${bytes}){n-=${bytes};s.write('k')}})`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
  const pipe = child.stdio[3];
  let done;
  pipe.on('data', () => done());
  const payload = Buffer.alloc(bytes, 120);
  const us = await timeCalls(
    () =>
      new Promise((resolve) => {
        done = resolve;
        pipe.write(payload);
      }),
  );
  child.kill('SIGKILL');
  return us;
}

const result = { machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version }, isolation: isolation(), calls: {}, coldStartMs: null };
for (const [name, payload] of Object.entries(payloads)) {
  // JSON round trip in-process too: what a trusted plugin's call costs with the same data.
  result.calls[name] = { inProcessUs: await timeCalls(async () => echo.echo(JSON.parse(JSON.stringify(payload)))) };
}
result.rawPipeUs = { empty: await rawPipe(1), '10 KB': await rawPipe(10 * 1024) };
const can = result.isolation;
if (can.permission) {
  const sandbox = new SandboxedPlugin({ id: 'echo', dir, main: 'index.js', scratchDir: scratch, requireNetworkIsolation: false });
  for (const [name, payload] of Object.entries(payloads))
    result.calls[name].sandboxedUs = await timeCalls(() => sandbox.call('checker:echo', 'echo', [payload]));
  await sandbox.close();
  const starts = [];
  for (let i = 0; i < 15; i++) {
    const s = new SandboxedPlugin({ id: 'echo', dir, main: 'index.js', scratchDir: scratch, requireNetworkIsolation: false });
    const t = performance.now();
    await s.start();
    starts.push(performance.now() - t);
    await s.close();
  }
  result.coldStartMs = median(starts);
}

// Loading: 200 plugins defined in code with a dependency graph (each depends on up to 3 earlier
// ones, by semver range): checks, ordering and setup, median of 15.
function graph(n) {
  return Array.from({ length: n }, (_, i) => {
    const dependencies = {};
    for (const d of [i - 1, i - 7, i - 31]) if (d >= 0) dependencies[`p${d}`] = '^1.0.0';
    return {
      definition: definePlugin({
        manifest: { id: `p${i}`, version: '1.2.3', engines: { 'export-ia': '*' }, apiVersion: 1, dependencies, contributes: { checkers: [{ id: `c${i}` }] } },
        setup(api) {
          api.checker(`c${i}`, { check: () => ({ findings: [] }) });
        },
      }),
    };
  });
}
const specs = graph(200).reverse();
const loads = [];
for (let i = 0; i < 15; i++) {
  const t = performance.now();
  const set = await loadPlugins(specs);
  loads.push(performance.now() - t);
  await set.close();
}
result.resolve200Ms = median(loads);
// A packaged plugin from its folder (manifest read, checks, import, setup), in-process: the first
// load (module imported) and again (module cached).
const folderLoads = [];
for (let i = 0; i < 15; i++) {
  const t = performance.now();
  const set = await loadPlugins([dir]);
  folderLoads.push(performance.now() - t);
  await set.close();
}
result.loadFolderMs = { first: folderLoads[0], warm: median(folderLoads.slice(1)) };

// Hot swap: the echo plugin loaded sandboxed, swapped between two versions (median of 9), idle
// and with 20 calls always in flight (each waiting 20 ms in the plugin).
if (can.permission) {
  const versions = ['1.0.0', '1.0.1'].map((version) => {
    const d = join(scratch, `echo-${version}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(
      join(d, 'package.json'),
      JSON.stringify({
        name: 'echo',
        version,
        type: 'module',
        engines: { 'export-ia': '*' },
        exportIa: { id: 'echo', apiVersion: 1, main: 'index.js', contributes: { checkers: [{ id: 'echo' }] } },
      }),
    );
    writeFileSync(
      join(d, 'index.js'),
      `export default { [Symbol.for('export-ia.plugin')]: true, setup(api) { api.checker('echo', { check: () => ({ findings: [] }), echo: async (v) => { await new Promise((r) => setTimeout(r, 20)); return v; } }); } };\n`,
    );
    return d;
  });
  const set = await loadPlugins([versions[0]], { sandbox: { isolate: () => true, requireNetworkIsolation: false } });
  const slot = set.plugins[0].sandbox;
  const swapOnce = async (i) => {
    const t = performance.now();
    const r = await set.swap('echo', versions[(i + 1) % 2]);
    return { total: performance.now() - t, start: r.startMs, drain: r.drainMs, drained: r.drainedCalls };
  };
  const idle = [];
  for (let i = 0; i < 9; i++) idle.push(await swapOnce(i));
  let running = true;
  let calls = 0;
  let failed = 0;
  const loop = async () => {
    while (running) {
      try {
        await slot.call('checker:echo', 'echo', [{ n: 1 }]);
        calls++;
      } catch {
        failed++;
      }
    }
  };
  const loops = Array.from({ length: 20 }, loop);
  const loaded = [];
  for (let i = 0; i < 9; i++) loaded.push(await swapOnce(i + 1));
  running = false;
  await Promise.all(loops);
  await set.close();
  const med = (xs, k) => median(xs.map((x) => x[k]));
  result.swap = {
    idle: { totalMs: med(idle, 'total'), startMs: med(idle, 'start') },
    underLoad: {
      totalMs: med(loaded, 'total'),
      startMs: med(loaded, 'start'),
      drainMs: med(loaded, 'drain'),
      drainedCalls: med(loaded, 'drained'),
      calls,
      failed,
    },
  };
}

console.log(
  `${result.machine.cpu}, ${result.machine.cores} cores, Node ${result.machine.node}; isolation: permission ${can.permission}, namespaces ${can.namespaces}`,
);
for (const [name, r] of Object.entries(result.calls))
  console.log(
    `call, ${name.padEnd(6)}  in-process ${r.inProcessUs.toFixed(1).padStart(6)} µs   sandboxed ${r.sandboxedUs?.toFixed(1).padStart(6) ?? '  n/a'} µs${name === '10 KB' ? '   (target ≤ 100 µs)' : ''}`,
  );
console.log(
  `floor: raw pipe round trip to a child, same run: ${result.rawPipeUs.empty.toFixed(1)} µs (1 byte), ${result.rawPipeUs['10 KB'].toFixed(1)} µs (10 KB)`,
);
console.log(`load and order 200 plugins with a dependency graph: ${result.resolve200Ms.toFixed(1)} ms (target ≤ 20 ms for resolution)`);
console.log(
  `load one packaged plugin from its folder: ${result.loadFolderMs.first.toFixed(1)} ms first, ${result.loadFolderMs.warm.toFixed(2)} ms again (target ≤ 50 ms)`,
);
console.log(`sandbox cold start (spawn → ready): ${result.coldStartMs?.toFixed(1) ?? 'n/a'} ms (target ≤ 100 ms)`);
if (result.swap) {
  const { idle, underLoad } = result.swap;
  console.log(`hot swap, idle: ${idle.totalMs.toFixed(1)} ms (new version started and health-checked in ${idle.startMs.toFixed(1)} ms)`);
  console.log(
    `hot swap, 20 calls in flight: ${underLoad.totalMs.toFixed(1)} ms (start ${underLoad.startMs.toFixed(1)} ms, drain ${underLoad.drainMs.toFixed(1)} ms for ${underLoad.drainedCalls} calls); ${underLoad.calls} calls during the swaps, ${underLoad.failed} failed`,
  );
}
mkdirSync(join(repo, '.bench-out'), { recursive: true });
writeFileSync(join(repo, '.bench-out/plugins.json'), JSON.stringify(result, null, 2));

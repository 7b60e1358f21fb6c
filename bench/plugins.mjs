#!/usr/bin/env node
/**
 * npm run bench:plugins — what isolation costs: a call to a plugin component in-process vs in
 * its sandbox process (empty payload and 10 KB, round trip, median of 2,000 after 200 warm-up),
 * the sandbox's cold start (spawn → ready, median of 15), and what this host can isolate.
 * Targets (issue 5): sandboxed call ≤ 100 µs at 10 KB, cold start ≤ 100 ms.
 * Writes .bench-out/plugins.json.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
console.log(`sandbox cold start (spawn → ready): ${result.coldStartMs?.toFixed(1) ?? 'n/a'} ms (target ≤ 100 ms)`);
mkdirSync(join(repo, '.bench-out'), { recursive: true });
writeFileSync(join(repo, '.bench-out/plugins.json'), JSON.stringify(result, null, 2));

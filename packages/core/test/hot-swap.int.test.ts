/**
 * Hot swap of a sandboxed plugin while jobs run: 50 export jobs always in flight, three swaps
 * (1.0.0 → 1.1.0 → 1.2.0 → 1.3.0). No call may fail or be lost, each output must come from the
 * version its step record names, and every version must have served. The same load with a naive
 * swap (the old version stopped at once, no drain) loses calls: the test has teeth.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../src/host/host.js';
import { sha256 } from '../src/io/input.js';
import { isolation } from '../src/sandbox/sandbox.js';
import { pluginFiles, writeFiles } from './plugin-archives.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const can = isolation();

let root: string;
const versions = ['1.0.0', '1.1.0', '1.2.0', '1.3.0'];
const dirs = new Map<string, string>();
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'eia-swap-'));
  // The plugins resolve the plugin API as installed plugins do: a node_modules link above them.
  mkdirSync(join(root, 'node_modules', '@export-ia'), { recursive: true });
  symlinkSync(join(repo, 'packages/core'), join(root, 'node_modules', '@export-ia', 'core'), 'junction');
  for (const version of versions) {
    // Each call takes 5-25 ms in the plugin, so many are always running in its processes.
    const setup = `api.exporter('swappy-txt', { async export(doc) { await new Promise((r) => setTimeout(r, 5 + Math.random() * 20)); return new TextEncoder().encode('${version}'); } });`;
    const files = pluginFiles({ id: 'swappy', version, setup, extra: { resources: { memoryMb: 96, timeoutMs: 10_000, concurrency: 2 } } });
    dirs.set(version, writeFiles(join(root, version), files));
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const input = (text: string) => {
  const bytes = new TextEncoder().encode(text);
  return { name: 'doc.md', path: join(root, 'doc.md'), dir: root, bytes, hash: sha256(bytes) };
};

async function newHost(): Promise<Host> {
  return createHost({
    plugins: [join(repo, 'plugins/importer-markdown'), join(repo, 'plugins/theme-standard'), dirs.get('1.0.0') as string],
    cwd: root,
    sandbox: { isolate: ({ id }) => id === 'swappy' },
  });
}

interface Tally {
  ok: number;
  failed: string[];
  mismatched: number;
  served: Set<string>;
}

/** Keeps `inFlight` export jobs running until `stop()`; counts what came back. */
function load(host: Host, inFlight: number) {
  const tally: Tally = { ok: 0, failed: [], mismatched: 0, served: new Set() };
  let running = true;
  const pipeline = host.exportPipeline(['swappy-txt']);
  const worker = async () => {
    while (running) {
      const r = await pipeline.run(input('# Swap\n\nText.\n'), { settings: [{ to: ['swappy-txt'] }] });
      if (r.failures.length > 0 || r.outputs.length !== 1) {
        tally.failed.push(r.failures.map((f) => f.error.code).join(',') || 'no output');
        continue;
      }
      const served = new TextDecoder().decode(r.outputs[0]?.data);
      const recorded = r.steps.find((s) => s.step === 'exporter:swappy-txt')?.plugin.version;
      tally.served.add(served);
      if (served !== recorded) tally.mismatched++;
      else tally.ok++;
    }
  };
  const workers = Array.from({ length: inFlight }, worker);
  return {
    tally,
    stop: async () => {
      running = false;
      await Promise.all(workers);
      return tally;
    },
  };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!can.permission || !can.namespaces)('hot swap of a sandboxed plugin under load', () => {
  it('50 calls always in flight, 3 swaps: none fails or is lost, each step records the version that ran it', async () => {
    const host = await newHost();
    try {
      const running = load(host, 50);
      const swaps = [];
      for (const version of versions.slice(1)) {
        await pause(300);
        swaps.push(await host.swapPlugin('swappy', dirs.get(version) as string));
        expect(host.plugins.find((p) => p.manifest.id === 'swappy')?.manifest.version).toBe(version);
      }
      await pause(300);
      // The pool grew to resources.concurrency (2) under load, and no further.
      expect(host.plugins.find((p) => p.manifest.id === 'swappy')?.sandbox?.processes).toBe(2);
      const tally = await running.stop();
      expect(tally.failed).toEqual([]);
      expect(tally.mismatched).toBe(0);
      expect([...tally.served].sort()).toEqual(versions);
      expect(tally.ok).toBeGreaterThan(100);
      expect(swaps.map((s) => `${s.from}→${s.to}`)).toEqual(['1.0.0→1.1.0', '1.1.0→1.2.0', '1.2.0→1.3.0']);
      // The swaps happened under load: calls were still running on the old version at the switch.
      expect(swaps.some((s) => s.drainedCalls > 0)).toBe(true);
    } finally {
      await host.close();
    }
  });

  it('the naive swap (old version stopped at once) loses calls under the same load', async () => {
    const host = await newHost();
    try {
      const running = load(host, 50);
      for (const version of versions.slice(1)) {
        await pause(300);
        await host.swapPlugin('swappy', dirs.get(version) as string, { drainTimeoutMs: 0 });
      }
      await pause(300);
      const tally = await running.stop();
      expect(tally.failed.length).toBeGreaterThan(0);
      expect(tally.failed.join(',')).toContain('EIA_PLUGIN_CRASHED');
    } finally {
      await host.close();
    }
  });

  it('a new version that fails its start-up is rolled back: the running one keeps serving', async () => {
    const host = await newHost();
    try {
      const broken = writeFiles(join(root, 'broken'), pluginFiles({ id: 'swappy', version: '2.0.0', setup: `throw new Error('boom at setup');` }));
      const running = load(host, 10);
      await pause(100);
      await expect(host.swapPlugin('swappy', broken)).rejects.toMatchObject({ code: 'EIA_PLUGIN_SWAP_FAILED' });
      await pause(100);
      const tally = await running.stop();
      expect(tally.failed).toEqual([]);
      expect([...tally.served]).toEqual(['1.0.0']);
      expect(host.plugins.find((p) => p.manifest.id === 'swappy')?.manifest.version).toBe('1.0.0');
    } finally {
      await host.close();
    }
  });

  it('refuses a swap that changes the contributions, another id, or an in-process plugin', async () => {
    const host = await newHost();
    try {
      const other = writeFiles(
        join(root, 'other'),
        pluginFiles({
          id: 'swappy',
          version: '3.0.0',
          extra: { contributes: { exporters: [{ id: 'other-txt', extension: '.txt', mediaType: 'text/plain' }] } },
          setup: `api.exporter('other-txt', { export() { return new Uint8Array(); } });`,
        }),
      );
      await expect(host.swapPlugin('swappy', other)).rejects.toMatchObject({
        code: 'EIA_PLUGIN_SWAP_FAILED',
        message: expect.stringContaining('other components'),
      });
      await expect(host.swapPlugin('swappy', join(repo, 'plugins/theme-standard'))).rejects.toMatchObject({ code: 'EIA_PLUGIN_SWAP_FAILED' });
      await expect(host.swapPlugin('importer-markdown', join(repo, 'plugins/importer-markdown'))).rejects.toMatchObject({
        code: 'EIA_PLUGIN_SWAP_FAILED',
        message: expect.stringContaining('in-process'),
      });
    } finally {
      await host.close();
    }
  });
});

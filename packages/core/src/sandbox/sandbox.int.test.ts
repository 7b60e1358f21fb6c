import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolation, SandboxedPlugin } from './sandbox.js';

const fixture = fileURLToPath(new URL('../../test/fixtures/hostile-plugin', import.meta.url));
const can = isolation();

let root: string;
let sandbox: SandboxedPlugin;
let server: Server;
let hostPort = 0;
let connections = 0;
const args: Record<string, unknown> = {};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eia-sandbox-'));
  const pluginDir = join(root, 'plugins', 'hostile');
  mkdirSync(join(root, 'plugins'), { recursive: true });
  cpSync(fixture, pluginDir, { recursive: true });
  mkdirSync(join(root, 'scratch'));
  mkdirSync(join(root, 'outside'));
  writeFileSync(join(root, 'outside', 'canary.txt'), 'host secret');
  process.env.EIA_HOST_CANARY = 'canary-value';
  server = createServer((s) => {
    connections++;
    s.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hostPort = (server.address() as { port: number }).port;
  Object.assign(args, {
    pluginDir,
    scratchDir: join(root, 'scratch'),
    canaryFile: join(root, 'outside', 'canary.txt'),
    canaryRel: relative(root, join(root, 'outside', 'canary.txt')),
    outsideFile: join(root, 'outside', 'written.txt'),
    canaryEnv: 'EIA_HOST_CANARY',
    hostPid: process.pid,
    hostPort,
  });
  sandbox = new SandboxedPlugin({ id: 'hostile', dir: pluginDir, main: 'index.js', scratchDir: join(root, 'scratch'), memoryMb: 64, timeoutMs: 5_000 });
});

afterAll(async () => {
  await sandbox?.close();
  server?.close();
  delete process.env.EIA_HOST_CANARY;
  rmSync(root, { recursive: true, force: true });
});

const probe = (name: string) => sandbox.call('checker:probe', 'check', [name, args]) as Promise<{ outcome: string; code?: string; value?: string }>;

describe.skipIf(!can.permission || !can.namespaces)('sandboxed plugin: escapes (each against a host canary)', () => {
  it('starts and lists what the plugin registered', async () => {
    expect(await sandbox.start()).toEqual(['checker:probe', 'checker:misbehave']);
  });

  it.each(['readOutside', 'readTraversal', 'writeOutside', 'realpathNative', 'watchFile', 'futimes', 'fchmod', 'fileHandleChmod', 'fileHandleChown'])(
    'file system: %s is denied',
    async (name) => {
      const before = statSync(args.canaryFile as string);
      const r = await probe(name);
      expect(r, JSON.stringify(r)).toMatchObject({ outcome: 'denied' });
      const after = statSync(args.canaryFile as string);
      expect([after.mode, after.mtimeMs]).toEqual([before.mode, before.mtimeMs]);
      expect(existsSync(args.outsideFile as string)).toBe(false);
    },
  );

  it('writes inside its scratch folder', async () => {
    expect(await probe('writeScratch')).toEqual({ outcome: 'allowed', value: 'written' });
    expect(readFileSync(join(args.scratchDir as string, 'ok.txt'), 'utf8')).toBe('fine');
  });

  it.each(['childProcess', 'worker', 'dlopen', 'wasi', 'inspector', 'bindingFs', 'bindingTcp'])('process: %s is denied', async (name) => {
    const r = await probe(name);
    expect(r, JSON.stringify(r)).toMatchObject({ outcome: 'denied' });
  });

  it('sees an empty environment (the host canary is invisible) and cannot signal the host', async () => {
    expect(await probe('env')).toEqual({ outcome: 'allowed', value: 'empty' });
    expect(await probe('signalHost')).toMatchObject({ outcome: 'denied', code: 'ESRCH' });
  });

  it.each(['netConnect', 'fetch', 'httpGet', 'udp', 'dnsLookup', 'dnsResolver'])('network: %s fails', async (name) => {
    const r = await probe(name);
    expect(r, JSON.stringify(r)).toMatchObject({ outcome: 'denied' });
    expect(connections).toBe(0);
  });

  it('network: listen binds only inside its own namespace (nothing of the host is reachable)', async () => {
    const r = await probe('listen');
    // A listener in an empty network namespace: no route in or out. Either refused or harmless.
    expect(['denied', 'allowed']).toContain(r.outcome);
    expect(connections).toBe(0);
  });
});

describe.skipIf(!can.permission || !can.namespaces)('sandboxed plugin: resources and protocol', () => {
  it('kills a synchronous infinite loop at the deadline; the host event loop stays responsive', async () => {
    let ticks = 0;
    let worstLag = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      worstLag = Math.max(worstLag, now - last - 10);
      last = now;
      ticks++;
    }, 10);
    try {
      await expect(sandbox.call('checker:misbehave', 'spin', [], { timeoutMs: 500 })).rejects.toMatchObject({ code: 'EIA_PLUGIN_TIMEOUT' });
      // An endless microtask chain allocates a promise per turn: the deadline or the memory limit ends it.
      const chained = await sandbox.call('checker:misbehave', 'microtasks', [], { timeoutMs: 500 }).catch((e: { code: string }) => e.code);
      expect(['EIA_PLUGIN_TIMEOUT', 'EIA_PLUGIN_CRASHED']).toContain(chained);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(20);
    // Blocked by the spinning plugin, the host's loop would lag the whole 500 ms deadline; the
    // margin is for a busy machine (tests run two files at once).
    expect(worstLag).toBeLessThan(450);
    // A fresh process takes the next call.
    expect(await sandbox.call('checker:misbehave', 'echo', ['still here'])).toBe('still here');
    expect(sandbox.metrics.kills).toBeGreaterThanOrEqual(1);
  });

  it.each(['map', 'keys', 'array', 'nested', 'strings', 'buffer'])(
    'a %s allocation bomb kills the plugin, not the host',
    async (shape) => {
      const err = await sandbox.call('checker:misbehave', 'allocate', [shape], { timeoutMs: 20_000 }).then(
        () => undefined,
        (e: { code?: string; params?: { detail?: string } }) => e,
      );
      expect(err?.code).toMatch(/EIA_PLUGIN_(CRASHED|CALL_FAILED)/);
      expect(await sandbox.call('checker:misbehave', 'echo', [shape])).toBe(shape);
    },
    60_000,
  );

  it.each([16, 128])(
    'holds at a %i MB limit too',
    async (memoryMb) => {
      const small = new SandboxedPlugin({ id: 'hostile', dir: args.pluginDir as string, main: 'index.js', scratchDir: args.scratchDir as string, memoryMb });
      try {
        await expect(small.call('checker:misbehave', 'allocate', ['array'], { timeoutMs: 30_000 })).rejects.toMatchObject({ code: 'EIA_PLUGIN_CRASHED' });
        expect(await small.call('checker:misbehave', 'echo', ['ok'])).toBe('ok');
      } finally {
        await small.close();
      }
    },
    60_000,
  );

  it('refuses an oversized frame, a __proto__ payload (no pollution) and a reply that does not fit the protocol', async () => {
    for (const kind of ['oversized', 'proto', 'shape']) {
      await expect(sandbox.call('checker:misbehave', 'rawFrame', [kind], { timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'EIA_PLUGIN_IPC_INVALID' });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // A reply over the frame limit is refused on the plugin's side already (the host would too).
    const roomy = new SandboxedPlugin({ id: 'hostile', dir: args.pluginDir as string, main: 'index.js', scratchDir: args.scratchDir as string, memoryMb: 512 });
    try {
      await expect(roomy.call('checker:misbehave', 'huge', [])).rejects.toMatchObject({
        code: 'EIA_PLUGIN_CALL_FAILED',
        params: { detail: expect.stringContaining('over the') },
      });
    } finally {
      await roomy.close();
    }
    expect(await sandbox.call('checker:misbehave', 'echo', [{ nested: [1, 'two'] }])).toEqual({ nested: [1, 'two'] });
  });

  it('counts calls, failures and kills', () => {
    expect(sandbox.metrics.calls).toBeGreaterThan(10);
    expect(sandbox.metrics.failures).toBeGreaterThan(5);
    expect(sandbox.metrics.kills).toBeGreaterThan(2);
  });
});

describe('isolation is a process, not node:vm', () => {
  it('no runtime source imports node:vm (a lint rule refuses it too: biome noRestrictedImports)', () => {
    const roots = ['packages/core/src', 'packages/cli/src'].map((r) => fileURLToPath(new URL(`../../../../${r}`, import.meta.url)));
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const entry of readdirSync(d, { withFileTypes: true })) {
        const path = join(d, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (
          /\.ts$/.test(entry.name) &&
          !entry.name.endsWith('.test.ts') &&
          /from ['"](node:)?vm['"]|require\(['"](node:)?vm['"]\)/.test(readFileSync(path, 'utf8'))
        )
          offenders.push(path);
      }
    };
    for (const r of roots) walk(r);
    expect(offenders).toEqual([]);
    const biome = JSON.parse(readFileSync(fileURLToPath(new URL('../../../../biome.json', import.meta.url)), 'utf8'));
    expect(Object.keys(biome.linter.rules.style.noRestrictedImports.options.paths)).toEqual(['node:vm', 'vm']);
  });
});

describe('sandbox availability', () => {
  it('says what this host can give, and refuses no-network plugins where namespaces are missing', async () => {
    expect(typeof can.permission).toBe('boolean');
    if (can.namespaces) return;
    const s = new SandboxedPlugin({ id: 'x', dir: fixture, main: 'index.js', scratchDir: tmpdir() });
    await expect(s.start()).rejects.toMatchObject({ code: 'EIA_SANDBOX_UNAVAILABLE' });
  });
});

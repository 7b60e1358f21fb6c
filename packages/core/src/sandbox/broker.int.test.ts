import { lookup } from 'node:dns/promises';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isolation, SandboxedPlugin, type SandboxOptions } from './sandbox.js';

const fixture = fileURLToPath(new URL('../../test/fixtures/net-plugin', import.meta.url));
const can = isolation();

type Outcome = { outcome: 'allowed' | 'denied'; value?: unknown; code?: string; message?: string };

let root: string;
let server: Server;
let port = 0;
let base = '';
const hits: string[] = [];
// Requests to /flood wait here until the test lets them go; /hold never answers.
const held: ServerResponse[] = [];
let holding = true;
let floodNow = 0;
let floodMost = 0;
const sandboxes: SandboxedPlugin[] = [];

/** A name other than `localhost` that resolves to this machine's loopback only (none: that case skips). */
async function findLoopbackName(): Promise<string | undefined> {
  for (const name of ['localhost.', hostname(), 'localhost.localdomain']) {
    const addresses = await lookup(name, { all: true, verbatim: true }).catch(() => []);
    if (name !== 'localhost' && addresses[0]?.address === '127.0.0.1' && addresses.every((a) => /^127\.|^::1$/.test(a.address))) return name;
  }
  return undefined;
}
const loopbackName = await findLoopbackName();

function route(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').replace(/\?.*$/, '');
  hits.push(path);
  if (path === '/hello') res.writeHead(200, { 'content-type': 'text/plain' }).end('hello from the host');
  else if (path === '/echo') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })),
    );
  } else if (path === '/redirect-in') res.writeHead(302, { location: '/hello' }).end();
  else if (path === '/redirect-out') res.writeHead(302, { location: `http://localhost:${port}/hello` }).end();
  else if (path === '/big') res.writeHead(200, { 'content-length': String(2 * 2 ** 20) }).end(Buffer.alloc(2 * 2 ** 20, 120));
  else if (path === '/big-stream') {
    // No content-length: the limit must hold while streaming.
    res.writeHead(200);
    for (let i = 0; i < 32; i++) res.write(Buffer.alloc(64 * 1024, 120));
    res.end();
  } else if (path === '/flood') {
    floodNow++;
    floodMost = Math.max(floodMost, floodNow);
    res.on('close', () => floodNow--);
    if (holding) held.push(res);
    else res.end('late');
  } else if (path !== '/hold') res.writeHead(404).end();
}

async function plugin(name: string, options: Partial<SandboxOptions> = {}): Promise<SandboxedPlugin> {
  const scratchDir = join(root, `scratch-${name}`);
  mkdirSync(scratchDir);
  const sandbox = new SandboxedPlugin({ id: name, dir: join(root, 'net-plugin'), main: 'index.js', scratchDir, memoryMb: 96, timeoutMs: 10_000, ...options });
  sandboxes.push(sandbox);
  await sandbox.start();
  return sandbox;
}

const probe = (sandbox: SandboxedPlugin, name: string, args: Record<string, unknown> = {}) =>
  sandbox.call('checker:net', 'check', [name, args], { timeoutMs: 20_000 }) as Promise<Outcome>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eia-broker-'));
  cpSync(fixture, join(root, 'net-plugin'), { recursive: true });
  server = createServer(route);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
  server?.closeAllConnections();
  server?.close();
  rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!can.permission || !can.namespaces)('network broker: a sandboxed plugin reaches only its listed hosts', () => {
  let allowed: SandboxedPlugin;

  beforeAll(async () => {
    allowed = await plugin('allowed', {
      net: { hosts: [`127.0.0.1:${port}`], maxResponseBytes: 2 ** 20 },
      config: { setupUrl: `${base}/hello` },
    });
  });

  it('gives a listed host to plain fetch: status, headers and body', async () => {
    expect(await probe(allowed, 'get', { url: `${base}/hello` })).toEqual({
      outcome: 'allowed',
      value: { status: 200, body: 'hello from the host', type: 'text/plain', url: `${base}/hello`, redirected: false },
    });
  });

  it('serves a request made during setup, and ctx.fetch in a call', async () => {
    expect(await probe(allowed, 'setup')).toMatchObject({ outcome: 'allowed', value: { status: 200, body: 'hello from the host' } });
    const answer = (await allowed.call('checker:net', 'check', ['ctxFetch', { url: `${base}/hello` }, { $context: {} }])) as { value: Outcome };
    expect(answer.value).toMatchObject({ outcome: 'allowed', value: { body: 'hello from the host' } });
  });

  it('sends the method, headers and body; the Host header is the URL host, not the plugin’s', async () => {
    const r = await probe(allowed, 'post', { url: `${base}/echo`, payload: { n: 1, s: 'é' } });
    const echo = JSON.parse((r.value as { body: string }).body) as { method: string; headers: Record<string, string>; body: string };
    expect(echo.method).toBe('POST');
    expect(JSON.parse(echo.body)).toEqual({ n: 1, s: 'é' });
    expect(echo.headers['x-probe']).toBe('yes');
    expect(echo.headers.host).toBe(`127.0.0.1:${port}`);
  });

  it('refuses a host not on the list, and another port of a listed host, with EIA_PLUGIN_NET_DENIED', async () => {
    const before = hits.length;
    const deniedBefore = allowed.metrics.netDenied;
    const byName = await probe(allowed, 'get', { url: `http://localhost:${port}/hello` });
    expect(byName).toMatchObject({ outcome: 'denied', code: 'EIA_PLUGIN_NET_DENIED', message: expect.stringContaining('not listed') });
    const otherPort = await probe(allowed, 'get', { url: `http://127.0.0.1:${port + 1}/hello` });
    expect(otherPort).toMatchObject({ outcome: 'denied', code: 'EIA_PLUGIN_NET_DENIED', message: expect.stringContaining(`port ${port + 1}`) });
    expect(hits.length).toBe(before);
    expect(allowed.metrics.netDenied).toBe(deniedBefore + 2);
  });

  it('follows a redirect to a listed host, and refuses one to a host not on the list', async () => {
    expect(await probe(allowed, 'get', { url: `${base}/redirect-in` })).toMatchObject({
      outcome: 'allowed',
      value: { status: 200, body: 'hello from the host', url: `${base}/hello`, redirected: true },
    });
    const before = hits.length;
    const out = await probe(allowed, 'get', { url: `${base}/redirect-out` });
    expect(out).toMatchObject({ outcome: 'denied', code: 'EIA_PLUGIN_NET_DENIED', message: expect.stringContaining('redirected to http://localhost') });
    // The redirect itself was served; the unlisted target never was.
    expect(hits.slice(before)).toEqual(['/redirect-out']);
  });

  it('refuses a response over the size limit (declared or streamed)', async () => {
    for (const path of ['/big', '/big-stream']) {
      const r = await probe(allowed, 'get', { url: `${base}${path}` });
      expect(r).toMatchObject({ outcome: 'denied', code: 'EIA_PLUGIN_NET_FAILED', message: expect.stringContaining('over the limit') });
    }
  });

  it('refuses a __proto__ header: in fetch before it leaves the plugin, and in a raw frame (the process is stopped, nothing polluted)', async () => {
    const before = hits.length;
    const r = await probe(allowed, 'protoHeader', { url: `${base}/hello` });
    expect(r).toMatchObject({ outcome: 'denied', code: 'TypeError', message: expect.stringContaining('__proto__') });
    await expect(allowed.call('checker:net', 'check', ['rawFetchFrame', { url: `${base}/hello` }])).rejects.toMatchObject({ code: 'EIA_PLUGIN_IPC_INVALID' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(hits.length).toBe(before);
    // A fresh process serves the next call.
    expect(await probe(allowed, 'get', { url: `${base}/hello` })).toMatchObject({ outcome: 'allowed' });
  });

  it('counts the requests in the metrics', () => {
    expect(allowed.metrics.netRequests).toBeGreaterThanOrEqual(10);
    expect(allowed.metrics.netDenied).toBeGreaterThanOrEqual(3);
  });
});

describe.skipIf(!can.permission || !can.namespaces)('network broker: private addresses and limits', () => {
  it.skipIf(loopbackName === undefined)('refuses a listed name that resolves to loopback; "localhost" listed as such is allowed', async () => {
    const sandbox = await plugin('by-name', { net: { hosts: [`${loopbackName}:${port}`, `localhost:${port}`] } });
    const before = hits.length;
    expect(await probe(sandbox, 'get', { url: `http://${loopbackName}:${port}/hello` })).toMatchObject({
      outcome: 'denied',
      code: 'EIA_PLUGIN_NET_DENIED',
      message: expect.stringContaining('private or loopback address (127.0.0.1)'),
    });
    expect(hits.length).toBe(before);
    expect(await probe(sandbox, 'get', { url: `http://localhost:${port}/hello` })).toMatchObject({
      outcome: 'allowed',
      value: { body: 'hello from the host' },
    });
  });

  it('without permissions.net: fetch fails saying so, and the network is still out of reach', async () => {
    const sandbox = await plugin('no-net');
    const before = hits.length;
    expect(await probe(sandbox, 'get', { url: `${base}/hello` })).toMatchObject({
      outcome: 'denied',
      code: 'EIA_PLUGIN_NET_DENIED',
      message: expect.stringContaining('no net permission'),
    });
    for (const name of ['netConnect', 'httpGet']) expect(await probe(sandbox, name, { port })).toMatchObject({ outcome: 'denied' });
    expect(hits.length).toBe(before);
    expect(sandbox.metrics.netRequests).toBe(0);
  });

  it('ends a request at the plugin’s deadline', async () => {
    const sandbox = await plugin('slow', { net: { hosts: [`127.0.0.1:${port}`] }, timeoutMs: 1_000 });
    expect(await probe(sandbox, 'get', { url: `${base}/hold` })).toMatchObject({
      outcome: 'denied',
      code: 'EIA_PLUGIN_NET_FAILED',
      message: expect.stringContaining('timed out'),
    });
  });

  it('caps a flood: 8 requests at once, 64 waiting, the rest refused', async () => {
    const sandbox = await plugin('flood', { net: { hosts: [`127.0.0.1:${port}`] }, timeoutMs: 30_000 });
    const result = probe(sandbox, 'flood', { url: `${base}/flood`, n: 100 });
    // Every request has reached the broker, and the server holds what it let through.
    await vi.waitFor(
      () => {
        expect(sandbox.metrics.netRequests).toBe(100);
        expect(held.length).toBe(8);
      },
      { timeout: 15_000 },
    );
    holding = false;
    for (const res of held.splice(0)) res.end('late');
    expect(await result).toEqual({ outcome: 'allowed', value: { ok: 72, EIA_PLUGIN_NET_FAILED: 28 } });
    expect(floodMost).toBe(8);
  });
});

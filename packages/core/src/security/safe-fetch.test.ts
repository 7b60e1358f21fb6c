import { getEventListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FetchRefused, isPrivateAddress, safeFetch } from './safe-fetch.js';

describe('isPrivateAddress', () => {
  const privateOrReserved = [
    '127.0.0.1',
    '127.255.255.254',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254', // cloud metadata endpoint
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::FFFF:7F00:1',
    '0:0:0:0:0:ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe', // ::ffff:169.254.169.254
    '64:ff9b::7f00:1',
    '2001:db8::1',
    '::7f00:1', // deprecated IPv4-compatible form of 127.0.0.1
    '::127.0.0.1',
    '0000:0000:0000:0000:0000:ffff:7f00:0001',
    '2002:7f00:1::1', // 6to4 wrapping 127.0.0.1
    '2002:a9fe:a9fe::', // 6to4 wrapping the metadata endpoint
    '64:ff9b:1::a00:1', // local-use NAT64
  ];
  it.each(privateOrReserved)('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  const publicAddresses = ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '93.184.216.34', '::ffff:8.8.8.8', '172.32.0.1', '100.128.0.1'];
  it.each(publicAddresses)('allows %s', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  const garbage = ['', 'localhost', 'example.com', '127.0.0.1.', '2130706433', '0x7f.0.0.1', '[::1]', '999.1.1.1', 'not an ip', '::ffff:zzzz:1'];
  it.each(garbage)('treats garbage %j as private (fails closed)', (value) => {
    expect(isPrivateAddress(value)).toBe(true);
  });
});

/** A loopback HTTP server that records what reached it. */
interface TestServer {
  server: http.Server;
  port: number;
  hits: string[];
  /** Resolves when a server-side connection serving `path` closes. */
  closed: Map<string, Promise<void>>;
}

async function startServer(handler: (req: http.IncomingMessage, res: http.ServerResponse, s: TestServer) => void): Promise<TestServer> {
  const server = http.createServer();
  const s: TestServer = { server, port: 0, hits: [], closed: new Map() };
  // One close promise per connection (kept-alive connections serve many requests).
  const closedBySocket = new WeakMap<Socket, Promise<void>>();
  server.on('connection', (socket: Socket) => closedBySocket.set(socket, new Promise<void>((resolve) => socket.once('close', () => resolve()))));
  server.on('request', (req, res) => {
    const path = req.url ?? '/';
    s.hits.push(path);
    const closed = closedBySocket.get(req.socket as Socket);
    if (closed) s.closed.set(path, closed);
    handler(req, res, s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  s.port = (server.address() as AddressInfo).port;
  return s;
}

async function stopServer(s: TestServer | undefined): Promise<void> {
  if (!s) return;
  s.server.closeAllConnections();
  await new Promise<void>((resolve) => s.server.close(() => resolve()));
}

/** The rejection of a fetch, checked to be a FetchRefused. */
async function refusal(promise: Promise<unknown>): Promise<FetchRefused> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the fetch should have been refused').toBeInstanceOf(FetchRefused);
  return err as FetchRefused;
}

const PAYLOAD = new Uint8Array(Array.from({ length: 300 }, (_, i) => i % 256));
const BASE = { timeoutMs: 5000, maxBytes: 1_000_000 };
const ALLOW = { ...BASE, allowHosts: ['127.0.0.1'] };

describe('safeFetch', () => {
  let main: TestServer;
  let other: TestServer;
  const timers = new Set<NodeJS.Timeout>();

  beforeAll(async () => {
    other = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.from('secret from the other server'));
    });
    main = await startServer((req, res) => {
      const url = req.url ?? '/';
      if (url === '/ok') {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': PAYLOAD.length });
        res.end(PAYLOAD);
      } else if (url === '/redirect-same') {
        res.writeHead(302, { location: '/ok' });
        res.end();
      } else if (url === '/redirect-localhost') {
        res.writeHead(302, { location: `http://localhost:${other.port}/ok` });
        res.end();
      } else if (url === '/redirect-metadata') {
        res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' });
        res.end();
      } else if (url === '/redirect-file') {
        res.writeHead(302, { location: 'file:///etc/passwd' });
        res.end();
      } else if (url.startsWith('/loop')) {
        res.writeHead(302, { location: '/loop' });
        res.end();
      } else if (url === '/big-declared') {
        // Declares 10 MB and trickles it: the client must hang up on the header.
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': 10 * 1024 * 1024 });
        res.write(Buffer.alloc(1024));
      } else if (url === '/big-chunked') {
        // No content-length: an endless stream, stopped only by the client's byte limit.
        res.writeHead(200, { 'content-type': 'image/png' });
        const timer = setInterval(() => {
          if (res.destroyed || res.writableEnded) clearInterval(timer);
          else res.write(Buffer.alloc(4096, 1));
        }, 5);
        timers.add(timer);
        res.on('close', () => clearInterval(timer));
      } else if (url === '/slow-headers') {
        // Never answers.
      } else if (url === '/slow-body') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.write(Buffer.alloc(10));
        // …and never ends.
      } else if (url === '/missing') {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
      } else if (url === '/error') {
        res.writeHead(500);
        res.end('boom');
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });

  afterEach(() => {
    for (const t of timers) clearInterval(t);
    timers.clear();
    main.hits.length = 0;
    other.hits.length = 0;
    main.closed.clear();
  });

  afterAll(async () => {
    await stopServer(main);
    await stopServer(other);
  });

  it('fetches from an allow-listed loopback host, bytes intact', async () => {
    const res = await safeFetch(`http://127.0.0.1:${main.port}/ok`, ALLOW);
    expect(Buffer.from(res.data).equals(Buffer.from(PAYLOAD))).toBe(true);
    expect(res.contentType).toBe('image/png');
    expect(res.url).toBe(`http://127.0.0.1:${main.port}/ok`);
  });

  it('follows a redirect within the allowed host', async () => {
    const res = await safeFetch(`http://127.0.0.1:${main.port}/redirect-same`, ALLOW);
    expect(Buffer.from(res.data).equals(Buffer.from(PAYLOAD))).toBe(true);
    expect(res.url).toBe(`http://127.0.0.1:${main.port}/ok`);
  });

  describe('refuses loopback in every spelling without an allow-list', () => {
    const spellings: Array<[string, (port: number) => string]> = [
      ['127.0.0.1', (p) => `http://127.0.0.1:${p}/ok`],
      ['localhost', (p) => `http://localhost:${p}/ok`],
      ['LOCALHOST (upper case)', (p) => `http://LOCALHOST:${p}/ok`],
      ['decimal 2130706433', (p) => `http://2130706433:${p}/ok`],
      ['hex 0x7f.0.0.1', (p) => `http://0x7f.0.0.1:${p}/ok`],
      ['octal 0177.0.0.1', (p) => `http://0177.0.0.1:${p}/ok`],
      ['short 127.1', (p) => `http://127.1:${p}/ok`],
      ['IPv4-mapped [::ffff:127.0.0.1]', (p) => `http://[::ffff:127.0.0.1]:${p}/ok`],
      ['IPv4-mapped hex [::ffff:7f00:1]', (p) => `http://[::ffff:7f00:1]:${p}/ok`],
      ['IPv6 loopback [::1]', (p) => `http://[::1]:${p}/ok`],
      ['0.0.0.0', (p) => `http://0.0.0.0:${p}/ok`],
    ];
    it.each(spellings)('%s', async (_label, make) => {
      const err = await refusal(safeFetch(make(main.port), BASE));
      expect(err.blocked).toBe(true);
      expect(main.hits).toEqual([]);
    });

    it('even when another host is allow-listed', async () => {
      const err = await refusal(safeFetch(`http://localhost:${main.port}/ok`, ALLOW));
      expect(err.blocked).toBe(true);
      expect(main.hits).toEqual([]);
    });
  });

  it('refuses the cloud metadata address without connecting', async () => {
    const err = await refusal(safeFetch('http://169.254.169.254/latest/meta-data/', { ...BASE, timeoutMs: 2000 }));
    expect(err.blocked).toBe(true);
  });

  it('re-checks redirects: allowed server → localhost (not allowed) is blocked', async () => {
    const err = await refusal(safeFetch(`http://127.0.0.1:${main.port}/redirect-localhost`, ALLOW));
    expect(err.blocked).toBe(true);
    expect(main.hits).toEqual(['/redirect-localhost']);
    expect(other.hits).toEqual([]);
  });

  it('re-checks redirects: → cloud metadata is blocked', async () => {
    const err = await refusal(safeFetch(`http://127.0.0.1:${main.port}/redirect-metadata`, ALLOW));
    expect(err.blocked).toBe(true);
  });

  it('re-checks redirects: → file: is blocked', async () => {
    const err = await refusal(safeFetch(`http://127.0.0.1:${main.port}/redirect-file`, ALLOW));
    expect(err.blocked).toBe(true);
    expect(err.message).toMatch(/scheme/);
  });

  it('gives up on a redirect loop after maxRedirects', async () => {
    const err = await refusal(safeFetch(`http://127.0.0.1:${main.port}/loop`, { ...ALLOW, maxRedirects: 3 }));
    expect(err.message).toMatch(/redirect/);
    expect(main.hits.length).toBe(4);
  });

  it('refuses a body whose declared length is over maxBytes, and hangs up', async () => {
    const err = await refusal(safeFetch(`http://127.0.0.1:${main.port}/big-declared`, { ...ALLOW, maxBytes: 1000 }));
    expect(err.blocked).toBe(false);
    expect(err.message).toMatch(/limit/);
    const closed = main.closed.get('/big-declared');
    expect(closed).toBeDefined();
    await expect(
      Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('connection left open')), 5000))]),
    ).resolves.toBeUndefined();
  });

  it('refuses a streamed body (no content-length) once it passes maxBytes, and hangs up', async () => {
    const err = await refusal(safeFetch(`http://127.0.0.1:${main.port}/big-chunked`, { ...ALLOW, maxBytes: 50_000 }));
    expect(err.blocked).toBe(false);
    expect(err.message).toMatch(/limit/);
    const closed = main.closed.get('/big-chunked');
    expect(closed).toBeDefined();
    await expect(
      Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('connection left open')), 5000))]),
    ).resolves.toBeUndefined();
  });

  it('times out a server that never answers', async () => {
    const started = Date.now();
    const err = await refusal(safeFetch(`http://127.0.0.1:${main.port}/slow-headers`, { ...ALLOW, timeoutMs: 300 }));
    expect(err.blocked).toBe(false);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('times out a server that sends headers and then stalls the body', async () => {
    const started = Date.now();
    const err = await refusal(safeFetch(`http://127.0.0.1:${main.port}/slow-body`, { ...ALLOW, timeoutMs: 300 }));
    expect(err.blocked).toBe(false);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await refusal(safeFetch(`http://127.0.0.1:${main.port}/slow-headers`, { ...ALLOW, timeoutMs: 30_000, signal: controller.signal }));
    expect(err.blocked).toBe(false);
  });

  it('does not fetch at all with an already-aborted signal', async () => {
    await refusal(safeFetch(`http://127.0.0.1:${main.port}/ok`, { ...ALLOW, signal: AbortSignal.abort() }));
    expect(main.hits).toEqual([]);
  });

  it('leaves no abort listener behind on a long-lived signal', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 3; i++) await safeFetch(`http://127.0.0.1:${main.port}/ok`, { ...ALLOW, signal: controller.signal });
    await refusal(safeFetch(`http://127.0.0.1:${main.port}/missing`, { ...ALLOW, signal: controller.signal }));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  const forbidden = [
    'ftp://127.0.0.1/x.png',
    'ftp://example.com/x.png',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:image/png;base64,iVBORw0KGgo=',
    'gopher://127.0.0.1:6379/_INFO',
    'http://user:pass@127.0.0.1/',
    'http://user@127.0.0.1/',
    'not a url',
  ];
  it.each(forbidden)('blocks %s by policy', async (url) => {
    const err = await refusal(safeFetch(url, ALLOW));
    expect(err.blocked).toBe(true);
  });

  it('blocks credentials even for an allow-listed host and never connects', async () => {
    const err = await refusal(safeFetch(`http://user:pass@127.0.0.1:${main.port}/ok`, ALLOW));
    expect(err.blocked).toBe(true);
    expect(main.hits).toEqual([]);
  });

  it('reports HTTP 404 as a failure, not a policy refusal', async () => {
    const err = await refusal(safeFetch(`http://127.0.0.1:${main.port}/missing`, ALLOW));
    expect(err.blocked).toBe(false);
    expect(err.message).toMatch(/404/);
  });

  it('reports HTTP 500 as a failure, not a policy refusal', async () => {
    const err = await refusal(safeFetch(`http://127.0.0.1:${main.port}/error`, ALLOW));
    expect(err.blocked).toBe(false);
    expect(err.message).toMatch(/500/);
  });

  it('reports a closed port as a failure, not a policy refusal', async () => {
    const spare = await startServer(() => {});
    const port = spare.port;
    await stopServer(spare);
    const err = await refusal(safeFetch(`http://127.0.0.1:${port}/ok`, ALLOW));
    expect(err.blocked).toBe(false);
  });
});

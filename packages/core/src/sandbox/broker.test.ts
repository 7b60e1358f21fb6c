import { describe, expect, it } from 'vitest';
import { checkUrl, type HostLookup, NetBroker, parseHostRule } from './broker.js';
import type { FetchMessage } from './protocol.js';

const allows = (hosts: string[], url: string) => checkUrl(new URL(url), hosts.map(parseHostRule)).allowed;

describe('broker policy: which URLs an allow-list lets through', () => {
  it('matches a listed host exactly, in any case, and nothing around it', () => {
    const hosts = ['api.example.com'];
    expect(allows(hosts, 'https://api.example.com/v1')).toBe(true);
    expect(allows(hosts, 'http://API.Example.COM/')).toBe(true);
    expect(allows(['API.EXAMPLE.COM'], 'https://api.example.com/')).toBe(true);
    for (const url of [
      'https://example.com/',
      'https://x.api.example.com/',
      'https://api.example.com.evil.net/',
      'https://evilapi.example.com/',
      'https://api.example.co/',
    ])
      expect(allows(hosts, url), url).toBe(false);
  });

  it('a wildcard matches subdomains at any depth, not the apex nor look-alikes', () => {
    const hosts = ['*.example.com'];
    expect(allows(hosts, 'https://a.example.com/')).toBe(true);
    expect(allows(hosts, 'https://a.b.example.com/')).toBe(true);
    for (const url of ['https://example.com/', 'https://badexample.com/', 'https://example.com.evil.net/', 'https://a.example.org/'])
      expect(allows(hosts, url), url).toBe(false);
  });

  it('without a port only the scheme’s default port; with one only that port', () => {
    expect(allows(['api.example.com'], 'https://api.example.com:443/')).toBe(true);
    expect(allows(['api.example.com'], 'http://api.example.com:80/')).toBe(true);
    expect(allows(['api.example.com'], 'https://api.example.com:8443/')).toBe(false);
    expect(allows(['api.example.com'], 'http://api.example.com:443/')).toBe(false);
    expect(allows(['api.example.com:8443'], 'https://api.example.com:8443/')).toBe(true);
    expect(allows(['api.example.com:8443'], 'https://api.example.com/')).toBe(false);
    expect(allows(['*.example.com:8080'], 'http://a.example.com:8080/')).toBe(true);
    const verdict = checkUrl(new URL('https://api.example.com:8443/'), [parseHostRule('api.example.com')]);
    expect(verdict).toEqual({ allowed: false, reason: 'port 8443 of api.example.com is not listed (list "api.example.com:8443" to allow it)' });
  });

  it('http and https only, and no credentials in the URL', () => {
    for (const url of ['ftp://api.example.com/', 'file:///etc/passwd', 'ws://api.example.com/', 'https://user:secret@api.example.com/'])
      expect(allows(['api.example.com'], url), url).toBe(false);
  });

  it('IP literals match in their canonical form; only they and localhost may be private', () => {
    expect(allows(['127.0.0.1:8080'], 'http://127.1:8080/')).toBe(true);
    expect(allows(['[::1]:8080'], 'http://[::1]:8080/')).toBe(true);
    expect(allows(['::1'], 'http://[0:0::1]/')).toBe(true);
    expect(allows(['127.0.0.1'], 'http://localhost/')).toBe(false);
    expect(parseHostRule('10.0.0.5').private).toBe(true);
    expect(parseHostRule('localhost:3000').private).toBe(true);
    expect(parseHostRule('localhost.').private).toBe(false);
    expect(parseHostRule('intranet.example.com').private).toBe(false);
    expect(parseHostRule('*.example.com')).toEqual({ host: 'example.com', wildcard: true, private: false });
  });

  it.each([
    'https://api.example.com',
    'api.example.com/v1',
    'user@api.example.com',
    '*',
    '*.com',
    '*.127.0.0.1',
    'a*b.example.com',
    'api.example.com:0',
    'api.example.com:70000',
    'api.example.com:',
    '',
  ])('refuses the entry %j', (entry) => {
    expect(() => parseHostRule(entry)).toThrow();
  });
});

describe('broker: refusals answered without a connection', () => {
  const request = (url: string): FetchMessage => ({ type: 'fetch', id: 7, url, method: 'GET', headers: {} });
  const never = new AbortController().signal;
  // A name that resolves to a private or a mixed set of addresses, without real DNS.
  const fakeDns =
    (table: Record<string, string[]>): HostLookup =>
    async (name) =>
      (table[name] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('refuses a listed name that resolves to a private address, even one of several', async () => {
    const lookup = fakeDns({
      'intranet.example.com': ['10.1.2.3'],
      'mixed.example.com': ['93.184.216.34', '127.0.0.1'],
      'v6.example.com': ['::ffff:127.0.0.1'],
    });
    const broker = new NetBroker('p', { hosts: ['intranet.example.com', 'mixed.example.com', 'v6.example.com'] }, { timeoutMs: 5_000, lookup });
    for (const host of ['intranet.example.com', 'mixed.example.com', 'v6.example.com']) {
      const answer = await broker.serve(request(`https://${host}/`), never);
      expect(answer, host).toMatchObject({ type: 'fetch-error', id: 7, code: 'EIA_PLUGIN_NET_DENIED' });
      expect((answer as { message: string }).message).toContain('private or loopback address');
    }
  });

  it('names the plugin and the allow-list in the refusal', async () => {
    const broker = new NetBroker('acme@1.0.0', { hosts: ['api.example.com'] }, { timeoutMs: 5_000, lookup: fakeDns({}) });
    expect(await broker.serve(request('https://other.example.com/x'), never)).toEqual({
      type: 'fetch-error',
      id: 7,
      code: 'EIA_PLUGIN_NET_DENIED',
      message: 'Plugin acme@1.0.0 may not reach https://other.example.com/x: other.example.com is not listed in permissions.net.hosts.',
    });
    expect(broker.granted).toBe(true);
    expect(new NetBroker('q', undefined, { timeoutMs: 1 }).granted).toBe(false);
  });

  it('a host that does not resolve fails without being a refusal', async () => {
    const broker = new NetBroker('p', { hosts: ['nowhere.example.com'] }, { timeoutMs: 5_000, lookup: fakeDns({}) });
    expect(await broker.serve(request('https://nowhere.example.com/'), never)).toMatchObject({ code: 'EIA_PLUGIN_NET_FAILED' });
  });

  it('holds at most 32 MB of request bodies at once; the rest is refused before it waits', async () => {
    // A lookup that never answers keeps each request running, its body held.
    const broker = new NetBroker('p', { hosts: ['api.example.com'] }, { timeoutMs: 60_000, lookup: () => new Promise(() => {}) });
    const big = (id: number): FetchMessage => ({ ...request('https://api.example.com/upload'), id, method: 'PUT', body: new Uint8Array(8 * 2 ** 20) });
    for (let id = 1; id <= 4; id++) void broker.serve(big(id), never);
    expect(await broker.serve(big(5), never)).toMatchObject({
      id: 5,
      code: 'EIA_PLUGIN_NET_FAILED',
      message: expect.stringContaining('too much request data'),
    });
  });

  it('an entry that is not a host is a manifest error', () => {
    expect(() => new NetBroker('p', { hosts: ['https://api.example.com/'] }, { timeoutMs: 1 })).toThrow(
      expect.objectContaining({ code: 'EIA_PLUGIN_MANIFEST_INVALID', message: expect.stringContaining('permissions.net.hosts') }),
    );
  });
});

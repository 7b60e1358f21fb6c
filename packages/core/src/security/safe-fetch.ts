/**
 * Fetching a URL named by a hostile document. Only http(s); only public addresses (no loopback,
 * private, link-local, CGNAT, multicast or reserved ranges, IPv4-mapped forms included) unless
 * the host is allow-listed; the address checked is the address connected to (the lookup is
 * pinned, so DNS rebinding cannot swap it); every redirect is checked again; size and time are
 * bounded while streaming.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  // ::/96 holds ::, ::1 and the deprecated IPv4-compatible addresses (::7f00:1).
  ['::', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  // 6to4 embeds an IPv4 address (2002:7f00:1::/48 is 127.0.0.1); it is deprecated, refuse it all.
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

const mappedV6 = new BlockList();
mappedV6.addSubnet('::ffff:0:0', 96, 'ipv6');

/** True when an IP address must not be reached from a document (private, loopback, reserved…). */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const lower = address.toLowerCase();
    // IPv4-mapped and -compatible forms (::ffff:127.0.0.1, ::ffff:7f00:1) hide an IPv4 address.
    const mapped = /^(?:0*:)*:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)?.[1];
    if (mapped) return blocked.check(mapped, 'ipv4');
    const hexMapped = /^(?:0*:)*:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
    if (hexMapped) {
      const hi = Number.parseInt(hexMapped[1] as string, 16);
      const lo = Number.parseInt(hexMapped[2] as string, 16);
      return blocked.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, 'ipv4');
    }
    // IPv4-mapped forms the textual checks above do not recognise are refused outright. (This
    // list is separate because BlockList also matches IPv4 addresses against mapped IPv6 rules.)
    return blocked.check(address, 'ipv6') || mappedV6.check(address, 'ipv6');
  }
  return true;
}

export interface SafeFetchOptions {
  timeoutMs: number;
  maxBytes: number;
  /** Host names (as in the URL) allowed even when they resolve to private addresses. */
  allowHosts?: readonly string[];
  maxRedirects?: number;
  signal?: AbortSignal;
}

export interface SafeFetchResult {
  data: Uint8Array;
  contentType?: string;
  url: string;
}

/** Why a URL was refused or failed, in words fit for a warning. */
export class FetchRefused extends Error {
  constructor(
    message: string,
    readonly blocked: boolean,
  ) {
    super(message);
    this.name = 'FetchRefused';
  }
}

async function resolvePublic(hostname: string, allow: boolean): Promise<{ address: string; family: number }> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(bare);
  const addresses = literal ? [{ address: bare, family: literal }] : await dnsLookup(bare, { all: true, verbatim: true }).catch(() => []);
  if (addresses.length === 0) throw new FetchRefused(`cannot resolve host ${hostname}`, false);
  if (!allow) {
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) throw new FetchRefused(`${hostname} resolves to a private or reserved address (${bad.address})`, true);
  }
  return addresses[0] as { address: string; family: number };
}

/** Fetches a public http(s) URL with the protections described above. */
export async function safeFetch(rawUrl: string, options: SafeFetchOptions): Promise<SafeFetchResult> {
  const deadline = Date.now() + options.timeoutMs;
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new FetchRefused('not a valid URL', true);
  }
  for (let hop = 0; hop <= (options.maxRedirects ?? 5); hop++) {
    // An already-aborted signal never fires 'abort' again: check it before every hop.
    if (options.signal?.aborted) throw new FetchRefused('cancelled', false);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchRefused(`scheme ${url.protocol} is not allowed (http and https only)`, true);
    if (url.username || url.password) throw new FetchRefused('URLs with credentials are not fetched', true);
    const allow = (options.allowHosts ?? []).includes(url.hostname);
    const pinned = await resolvePublic(url.hostname, allow);
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new FetchRefused(`timed out after ${options.timeoutMs} ms`, false);
    const response = await requestOnce(url, pinned, remaining, options);
    if (response.redirect) {
      url = new URL(response.redirect, url);
      continue;
    }
    return response.result as SafeFetchResult;
  }
  throw new FetchRefused('too many redirects', false);
}

function requestOnce(
  url: URL,
  pinned: { address: string; family: number },
  timeoutMs: number,
  options: SafeFetchOptions,
): Promise<{ redirect?: string; result?: SafeFetchResult }> {
  return new Promise((resolveOuter, rejectOuter) => {
    // Settle once and drop the timer and abort listener at once, not when the socket closes.
    let settled = false;
    const cleanup = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const resolve = (value: { redirect?: string; result?: SafeFetchResult }) => {
      if (settled) return;
      settled = true;
      cleanup();
      resolveOuter(value);
    };
    const reject = (err: unknown) => {
      if (settled) return;
      settled = true;
      cleanup();
      rejectOuter(err);
    };
    const lookup: LookupFunction = (_host, opts, cb) => {
      if ((opts as { all?: boolean }).all) (cb as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [pinned]);
      else cb(null, pinned.address, pinned.family);
    };
    const client = url.protocol === 'https:' ? https : http;
    // agent: false — no pooled socket may be reused across checks; each hop connects afresh.
    const req = client.get(
      url,
      { agent: false, lookup, timeout: timeoutMs, headers: { 'user-agent': 'export-ia (image fetch)', accept: 'image/*' } },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          resolve({ redirect: res.headers.location });
          return;
        }
        if (status !== 200) {
          res.resume();
          reject(new FetchRefused(`HTTP ${status}`, false));
          return;
        }
        const declared = Number(res.headers['content-length'] ?? 0);
        if (declared > options.maxBytes) {
          res.destroy();
          reject(new FetchRefused(`it is ${declared} bytes, over the limit of ${options.maxBytes}`, false));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) {
            res.destroy();
            reject(new FetchRefused(`it is over the limit of ${options.maxBytes} bytes`, false));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          const result: SafeFetchResult = { data: new Uint8Array(Buffer.concat(chunks)), url: url.href };
          const type = res.headers['content-type'];
          if (type) result.contentType = type;
          resolve({ result });
        });
        res.on('error', (err) => reject(new FetchRefused(err.message, false)));
      },
    );
    const timer = setTimeout(() => req.destroy(new FetchRefused(`timed out after ${options.timeoutMs} ms`, false)), timeoutMs);
    timer.unref();
    const onAbort = () => req.destroy(new FetchRefused('cancelled', false));
    req.on('close', cleanup);
    req.on('timeout', () => req.destroy(new FetchRefused(`timed out after ${options.timeoutMs} ms`, false)));
    req.on('error', (err) => reject(err instanceof FetchRefused ? err : new FetchRefused(err.message, false)));
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

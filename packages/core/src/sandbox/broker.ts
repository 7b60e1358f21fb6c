/**
 * The network broker. A sandboxed plugin has no network of its own (its own network namespace);
 * its `fetch` is a message to the host, and the host makes the request only when the manifest's
 * `permissions.net.hosts` lists the URL's host and port. A listed host name must resolve to
 * public addresses: private, loopback and link-local ones are reached only when the entry is an
 * IP literal or `localhost`. As in safeFetch, the address checked is the address connected to
 * (DNS rebinding cannot swap it), every redirect is checked again, and size and time are bounded
 * while streaming. A plugin has a few requests running at once; more wait, and past a queue of
 * them the rest are refused.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { ErrorCode } from '../errors/catalog.js';
import { ExportIaError } from '../errors/export-ia-error.js';
import { FetchRefused, isPrivateAddress } from '../security/safe-fetch.js';
import { type FetchedMessage, type FetchMessage, MAX_FRAME_BYTES } from './protocol.js';

/** Largest response body that fits one frame as base64, with room for its headers and URL. */
export const MAX_RESPONSE_BYTES = Math.floor((MAX_FRAME_BYTES - 256 * 1024) / 4) * 3;
const MAX_REDIRECTS = 5;
const MAX_QUEUED = 64;
// Request bodies the broker holds for one plugin (running and waiting requests together).
const MAX_HELD_BODY_BYTES = 32 * 1024 * 1024;

/** What a plugin may reach: `permissions.net` of its manifest. */
export interface NetPermission {
  /** `api.example.com`, `api.example.com:8443`, `*.example.com`, `203.0.113.7`, `[::1]:8080`, `localhost`. */
  hosts: readonly string[];
  /** Largest response body, bytes. Default and ceiling: {@link MAX_RESPONSE_BYTES}. */
  maxResponseBytes?: number;
  /** Requests running at once; up to 64 more wait, the rest are refused. Default 8. */
  maxConcurrent?: number;
}

/** One entry of `permissions.net.hosts`, parsed. */
export interface HostRule {
  /** As `URL.hostname` spells it (lower case, IPv6 in brackets); for a wildcard, the part after `*.`. */
  host: string;
  /** `*.example.com`: any subdomain, not the apex. */
  wildcard: boolean;
  /** The listed port; without one, only the scheme's default port matches. */
  port?: number;
  /** An IP literal or `localhost`: it may be a private or loopback address. */
  private: boolean;
}

export type UrlVerdict = { allowed: true; private: boolean } | { allowed: false; reason: string };

/** Resolves a host name to every address it has (the broker checks them all). */
export type HostLookup = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

/** Parses one allow-list entry; throws an Error saying what is wrong with it. */
export function parseHostRule(entry: string): HostRule {
  const bad = (why: string) => new Error(`"${entry}" ${why}`);
  const lower = entry.toLowerCase();
  if (lower === '' || /[\s/?#@\\]/.test(lower)) throw bad('is not a host: write "api.example.com" or "api.example.com:8443", without a scheme or a path');
  const wildcard = lower.startsWith('*.');
  const rest = wildcard ? lower.slice(2) : lower;
  let hostPart = rest;
  let portPart: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (v6) {
    hostPart = `[${v6[1]}]`;
    portPart = v6[2];
  } else if ((rest.match(/:/g) ?? []).length >= 2) {
    hostPart = `[${rest}]`;
  } else if (rest.includes(':')) {
    hostPart = rest.slice(0, rest.lastIndexOf(':'));
    portPart = rest.slice(rest.lastIndexOf(':') + 1);
  }
  let host: string;
  try {
    const url = new URL(`http://${hostPart}/`);
    if (url.port !== '' || url.pathname !== '/') throw new Error('not a bare host');
    host = url.hostname;
  } catch {
    throw bad('is not a valid host name');
  }
  if (host === '' || host.includes('*')) throw bad('is not a valid host name (a wildcard is written "*.example.com")');
  const literal = isIP(host.replace(/^\[|\]$/g, '')) !== 0;
  if (wildcard && (literal || !host.includes('.'))) throw bad('is too broad: a wildcard needs a domain of two labels or more ("*.example.com")');
  const rule: HostRule = { host, wildcard, private: !wildcard && (literal || host === 'localhost') };
  if (portPart !== undefined) {
    const port = /^\d{1,5}$/.test(portPart) ? Number(portPart) : 0;
    if (port < 1 || port > 65535) throw bad('has an invalid port (1 to 65535)');
    rule.port = port;
  }
  return rule;
}

const defaultPort = (protocol: string) => (protocol === 'https:' ? 443 : 80);

/** Whether the allow-list lets a plugin reach `url` (before DNS: see {@link NetBroker}). */
export function checkUrl(url: URL, rules: readonly HostRule[]): UrlVerdict {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { allowed: false, reason: `the scheme ${url.protocol} is not allowed (http and https only)` };
  if (url.username || url.password) return { allowed: false, reason: 'URLs with credentials are not fetched' };
  const host = url.hostname;
  const port = url.port === '' ? undefined : Number(url.port);
  let otherPort = false;
  for (const rule of rules) {
    if (!(rule.wildcard ? host.endsWith(`.${rule.host}`) : host === rule.host)) continue;
    if (rule.port === undefined ? port === undefined : rule.port === (port ?? defaultPort(url.protocol))) return { allowed: true, private: rule.private };
    otherPort = true;
  }
  const shown = port ?? defaultPort(url.protocol);
  return {
    allowed: false,
    reason: otherPort ? `port ${shown} of ${host} is not listed (list "${host}:${shown}" to allow it)` : `${host} is not listed in permissions.net.hosts`,
  };
}

interface Answer {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  location?: string;
  body: Uint8Array;
}

// Set by the broker, or meaningless across it.
const DROPPED_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
  'expect',
  'accept-encoding',
]);
const BODY_HEADERS = ['content-type', 'content-encoding', 'content-language', 'content-location'];
const CREDENTIAL_HEADERS = ['authorization', 'cookie'];

/** One plugin's broker: its allow-list, its limits and its requests in flight. */
export class NetBroker {
  readonly #plugin: string;
  readonly #rules: HostRule[];
  readonly #maxResponseBytes: number;
  readonly #maxConcurrent: number;
  readonly #timeoutMs: number;
  readonly #lookup: HostLookup;
  #active = 0;
  readonly #waiting: Array<() => void> = [];
  #heldBodyBytes = 0;

  /**
   * `timeoutMs` bounds each request (redirects and waiting for a slot included): the plugin's
   * call deadline. Throws EIA_PLUGIN_MANIFEST_INVALID for an entry that is not a host.
   */
  constructor(plugin: string, permission: NetPermission | undefined, options: { timeoutMs: number; lookup?: HostLookup }) {
    this.#plugin = plugin;
    try {
      this.#rules = (permission?.hosts ?? []).map(parseHostRule);
    } catch (err) {
      throw new ExportIaError('EIA_PLUGIN_MANIFEST_INVALID', { plugin, detail: `permissions.net.hosts: ${(err as Error).message}` });
    }
    this.#maxResponseBytes = Math.min(permission?.maxResponseBytes ?? MAX_RESPONSE_BYTES, MAX_RESPONSE_BYTES);
    this.#maxConcurrent = Math.max(1, permission?.maxConcurrent ?? 8);
    this.#timeoutMs = options.timeoutMs;
    this.#lookup = options.lookup ?? ((hostname) => dnsLookup(hostname, { all: true, verbatim: true }));
  }

  /** True when the manifest lists at least one host. */
  get granted(): boolean {
    return this.#rules.length > 0;
  }

  /**
   * Serves one request of the plugin. Never throws: a refusal (EIA_PLUGIN_NET_DENIED) or a
   * failure (EIA_PLUGIN_NET_FAILED) is an answer too. `signal` ends it with the process.
   */
  async serve(request: FetchMessage, signal: AbortSignal): Promise<FetchedMessage | { type: 'fetch-error'; id: number; code: ErrorCode; message: string }> {
    const started = Date.now();
    const fail = (code: ErrorCode, detail: string) => ({
      type: 'fetch-error' as const,
      id: request.id,
      code,
      message: new ExportIaError(code, { plugin: this.#plugin, url: request.url.slice(0, 200), detail }).message,
    });
    // Decided at once (no await before it), so a flood is sorted in the turn it arrives.
    const bodyBytes = request.body?.length ?? 0;
    if (this.#heldBodyBytes + bodyBytes > MAX_HELD_BODY_BYTES)
      return fail('EIA_PLUGIN_NET_FAILED', `too much request data at once (over ${MAX_HELD_BODY_BYTES} bytes of bodies)`);
    if (this.#active >= this.#maxConcurrent && this.#waiting.length >= MAX_QUEUED)
      return fail('EIA_PLUGIN_NET_FAILED', `too many requests at once (${this.#maxConcurrent} running, ${MAX_QUEUED} waiting)`);
    this.#heldBodyBytes += bodyBytes;
    if (this.#active >= this.#maxConcurrent) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active++;
    try {
      const remaining = this.#timeoutMs - (Date.now() - started);
      if (signal.aborted) return fail('EIA_PLUGIN_NET_FAILED', 'the plugin process ended');
      if (remaining <= 0) return fail('EIA_PLUGIN_NET_FAILED', `timed out after ${this.#timeoutMs} ms`);
      return { type: 'fetched', id: request.id, ...(await this.#fetch(request, remaining, signal)) };
    } catch (err) {
      if (err instanceof FetchRefused) return fail(err.blocked ? 'EIA_PLUGIN_NET_DENIED' : 'EIA_PLUGIN_NET_FAILED', err.message);
      return fail('EIA_PLUGIN_NET_FAILED', (err as Error)?.message ?? String(err));
    } finally {
      this.#heldBodyBytes -= bodyBytes;
      // The slot passes straight to the next request waiting, or frees.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }

  async #fetch(request: FetchMessage, timeoutMs: number, signal: AbortSignal): Promise<Omit<FetchedMessage, 'type' | 'id'>> {
    const deadline = Date.now() + timeoutMs;
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new FetchRefused('not a valid URL', true);
    }
    let method = request.method;
    let body = request.body;
    const headers: Record<string, string> = { 'user-agent': `export-ia (plugin ${this.#plugin})` };
    for (const [name, value] of Object.entries(request.headers)) {
      const lower = name.toLowerCase();
      if (!DROPPED_HEADERS.has(lower) && !lower.startsWith('proxy-')) headers[lower] = value;
    }
    // Compressed bodies would reach the plugin undecoded: ask for none.
    headers['accept-encoding'] = 'identity';
    for (let hop = 0; ; hop++) {
      if (signal.aborted) throw new FetchRefused('the plugin process ended', false);
      const verdict = checkUrl(url, this.#rules);
      if (!verdict.allowed) throw new FetchRefused(hop === 0 ? verdict.reason : `redirected to ${url.href.slice(0, 200)}: ${verdict.reason}`, true);
      const pinned = await this.#resolve(url.hostname, verdict.private);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new FetchRefused(`timed out after ${timeoutMs} ms`, false);
      const follow = request.redirect !== 'manual';
      const answer = await this.#requestOnce(url, pinned, method, headers, body, remaining, follow, signal);
      if (answer.location === undefined || !follow) {
        return { status: answer.status, statusText: answer.statusText, headers: answer.headers, body: answer.body, url: url.href, redirected: hop > 0 };
      }
      if (request.redirect === 'error') throw new FetchRefused(`redirected (status ${answer.status}), and the request said redirect: "error"`, false);
      if (hop >= MAX_REDIRECTS) throw new FetchRefused(`more than ${MAX_REDIRECTS} redirects`, false);
      let next: URL;
      try {
        next = new URL(answer.location, url);
      } catch {
        throw new FetchRefused('redirected to an invalid URL', false);
      }
      // As fetch does: 303 (and 301/302 after a POST) become a GET without a body; credentials
      // do not follow a redirect to another origin.
      if ((answer.status === 303 && method !== 'HEAD') || ((answer.status === 301 || answer.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        for (const name of BODY_HEADERS) delete headers[name];
      }
      if (next.origin !== url.origin) for (const name of CREDENTIAL_HEADERS) delete headers[name];
      url = next;
    }
  }

  async #resolve(hostname: string, mayBePrivate: boolean): Promise<{ address: string; family: number }> {
    const bare = hostname.replace(/^\[|\]$/g, '');
    const family = isIP(bare);
    let addresses: Array<{ address: string; family: number }>;
    if (family !== 0) addresses = [{ address: bare, family }];
    else addresses = await this.#lookup(bare).catch(() => []);
    const first = addresses[0];
    if (!first) throw new FetchRefused(`cannot resolve ${hostname}`, false);
    if (!mayBePrivate) {
      const inside = addresses.find((a) => isPrivateAddress(a.address));
      if (inside)
        throw new FetchRefused(
          `${hostname} resolves to a private or loopback address (${inside.address}); only an IP address or "localhost" listed as such may be one`,
          true,
        );
    }
    return first;
  }

  #requestOnce(
    url: URL,
    pinned: { address: string; family: number },
    method: string,
    headers: Record<string, string>,
    body: Uint8Array | undefined,
    timeoutMs: number,
    follow: boolean,
    signal: AbortSignal,
  ): Promise<Answer> {
    const max = this.#maxResponseBytes;
    return new Promise((resolveOuter, rejectOuter) => {
      let settled = false;
      let req: http.ClientRequest | undefined;
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => req?.destroy(new FetchRefused('the plugin process ended', false));
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        fn();
      };
      // The checked address is the one connected to.
      const lookup: LookupFunction = (_host, opts, cb) => {
        if ((opts as { all?: boolean }).all) (cb as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [pinned]);
        else cb(null, pinned.address, pinned.family);
      };
      const client = url.protocol === 'https:' ? https : http;
      const sent = body && body.length > 0 ? { ...headers, 'content-length': String(body.length) } : headers;
      try {
        // agent: false: no pooled socket is reused across checks; each hop connects afresh.
        req = client.request(url, { method, headers: sent, agent: false, lookup, timeout: timeoutMs }, (res) => {
          const status = res.statusCode ?? 0;
          const answer: Answer = { status, statusText: (res.statusMessage ?? '').slice(0, 200), headers: [], body: new Uint8Array(0) };
          for (let i = 0; i + 1 < res.rawHeaders.length && i < 400; i += 2) answer.headers.push([res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string]);
          if (status < 200 || status > 599) {
            res.destroy();
            settle(() => rejectOuter(new FetchRefused(`the server answered status ${status}`, false)));
            return;
          }
          const location = res.headers.location;
          if ([301, 302, 303, 307, 308].includes(status) && location !== undefined) {
            answer.location = location;
            if (follow) {
              res.destroy();
              settle(() => resolveOuter(answer));
              return;
            }
          }
          const declared = Number(res.headers['content-length'] ?? 0);
          if (declared > max) {
            res.destroy();
            settle(() => rejectOuter(new FetchRefused(`the response is ${declared} bytes, over the limit of ${max}`, false)));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > max) {
              res.destroy();
              settle(() => rejectOuter(new FetchRefused(`the response is over the limit of ${max} bytes`, false)));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => {
            answer.body = new Uint8Array(Buffer.concat(chunks));
            settle(() => resolveOuter(answer));
          });
          res.on('error', (err) => settle(() => rejectOuter(new FetchRefused(err.message, false))));
        });
      } catch (err) {
        // A header value Node refuses (non-Latin-1 characters).
        settle(() => rejectOuter(new FetchRefused((err as Error).message, false)));
        return;
      }
      const timedOut = () => req?.destroy(new FetchRefused(`timed out after ${this.#timeoutMs} ms`, false));
      timer = setTimeout(timedOut, timeoutMs);
      timer.unref();
      req.on('timeout', timedOut);
      req.on('error', (err) => settle(() => rejectOuter(err instanceof FetchRefused ? err : new FetchRefused(err.message, false))));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      req.end(body && body.length > 0 ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : undefined);
    });
  }
}

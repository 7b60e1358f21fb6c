/**
 * The wire between the host and a sandboxed plugin process: length-prefixed JSON frames over a
 * pipe (fd 3). Both sides treat the other as hostile: a frame over the size limit is refused
 * before it is buffered, keys that could reach a prototype (`__proto__`, `constructor`,
 * `prototype`) are refused at parse time, and every message is checked against its shape.
 */

/** Largest frame either side accepts (bytes of JSON). */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * Limits of a plugin's network request (the broker, broker.ts). Its body travels as base64 in one
 * frame, so it must stay well under the frame limit.
 */
export const FETCH_LIMITS = {
  urlLength: 8 * 1024,
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  headers: 64,
  headerNameLength: 256,
  headerValueLength: 8 * 1024,
  bodyBytes: 8 * 1024 * 1024,
} as const;

/** A plugin's network request; its `id` is the plugin's own (a space apart from the host's call ids). */
export interface FetchMessage {
  type: 'fetch';
  id: number;
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  redirect?: 'follow' | 'manual' | 'error';
}

/** The broker's answer to a FetchMessage with the same id. */
export interface FetchedMessage {
  type: 'fetched';
  id: number;
  status: number;
  statusText: string;
  /** Pairs, so repeated headers (set-cookie) survive. */
  headers: Array<[string, string]>;
  body: Uint8Array;
  /** The URL answered (after redirects). */
  url: string;
  redirected: boolean;
}

/** Host → plugin. */
export type HostMessage =
  | { type: 'call'; id: number; component: string; method: string; payload: unknown }
  | { type: 'ping'; id: number }
  | FetchedMessage
  | { type: 'fetch-error'; id: number; code: string; message: string };

/** Plugin → host. */
export type PluginMessage =
  | { type: 'ready'; components: string[] }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; code: string; message: string }
  | { type: 'pong'; id: number; memory: number }
  | FetchMessage;

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
// A JSON key is written literally unless it uses a \u escape, so a text without these strings
// quoted and without `\u` cannot hold a forbidden key or a `$bytes` object.
const NEEDS_REVIVER = /"(?:__proto__|constructor|prototype|\$bytes)"|\\u/;

/** Why a frame was refused (the host turns it into EIA_PLUGIN_IPC_INVALID). */
export class ProtocolError extends Error {}

/**
 * JSON.parse that refuses prototype-reaching keys anywhere in the value, and turns `{ $bytes }`
 * objects back into Uint8Arrays (bytes travel as base64).
 */
export function parseFrame(json: string): unknown {
  // Fast path: a text with none of those keys quoted and no \u escape (which could spell one)
  // parses without a reviver, which V8 calls for every value (measured: a third of a 10 KB call).
  if (!NEEDS_REVIVER.test(json)) return JSON.parse(json);
  return JSON.parse(json, (key, value) => {
    if (FORBIDDEN.has(key)) throw new ProtocolError(`key "${key}" is not allowed`);
    if (typeof value === 'object' && value !== null && typeof value.$bytes === 'string' && Object.keys(value).length === 1) {
      return new Uint8Array(Buffer.from(value.$bytes, 'base64'));
    }
    return value;
  });
}

/** JSON.stringify replacer: Uint8Arrays (document assets, exporter output) as base64. */
function bytesReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  return value;
}

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** Checks a plugin's message against the protocol; throws ProtocolError when it does not fit. */
export function checkPluginMessage(value: unknown): PluginMessage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProtocolError('a message must be an object');
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      if (!Array.isArray(m.components) || !m.components.every((c) => typeof c === 'string' && c.length <= 200))
        throw new ProtocolError('ready: components must be a list of names');
      return { type: 'ready', components: m.components as string[] };
    case 'result':
      if (!isId(m.id) || !('value' in m)) throw new ProtocolError('result: needs an id and a value');
      return { type: 'result', id: m.id, value: m.value };
    case 'error':
      if (!isId(m.id) || typeof m.code !== 'string' || typeof m.message !== 'string') throw new ProtocolError('error: needs an id, a code and a message');
      return { type: 'error', id: m.id, code: m.code.slice(0, 100), message: m.message.slice(0, 2000) };
    case 'pong':
      if (!isId(m.id) || typeof m.memory !== 'number') throw new ProtocolError('pong: needs an id and memory');
      return { type: 'pong', id: m.id, memory: m.memory };
    case 'fetch':
      return checkFetch(m);
    default:
      throw new ProtocolError(`unknown message type ${JSON.stringify(String(m.type)).slice(0, 40)}`);
  }
}

// An HTTP token (RFC 9110 §5.6.2): no spaces, colons or line breaks in a header name.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_HEADER_VALUE = /[\r\n\0]/;
const REDIRECTS = new Set(['follow', 'manual', 'error']);

function checkFetch(m: Record<string, unknown>): FetchMessage {
  if (!isId(m.id)) throw new ProtocolError('fetch: needs an id');
  if (typeof m.url !== 'string' || m.url.length > FETCH_LIMITS.urlLength)
    throw new ProtocolError(`fetch: url must be a string of at most ${FETCH_LIMITS.urlLength} characters`);
  if (typeof m.method !== 'string' || !(FETCH_LIMITS.methods as readonly string[]).includes(m.method))
    throw new ProtocolError(`fetch: method must be one of ${FETCH_LIMITS.methods.join(', ')}`);
  const headers = m.headers;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers) || headers instanceof Uint8Array)
    throw new ProtocolError('fetch: headers must be an object of strings');
  const entries = Object.entries(headers);
  if (entries.length > FETCH_LIMITS.headers) throw new ProtocolError(`fetch: at most ${FETCH_LIMITS.headers} headers`);
  for (const [name, value] of entries) {
    if (name.length > FETCH_LIMITS.headerNameLength || !HEADER_NAME.test(name) || FORBIDDEN.has(name))
      throw new ProtocolError(`fetch: header name ${JSON.stringify(name.slice(0, 40))} is not allowed`);
    if (typeof value !== 'string' || value.length > FETCH_LIMITS.headerValueLength || BAD_HEADER_VALUE.test(value))
      throw new ProtocolError(`fetch: header ${name} must be a string of at most ${FETCH_LIMITS.headerValueLength} characters, without line breaks`);
  }
  if (m.body !== undefined && m.body !== null && !(m.body instanceof Uint8Array)) throw new ProtocolError('fetch: body must be bytes');
  if (m.body instanceof Uint8Array && m.body.length > FETCH_LIMITS.bodyBytes) throw new ProtocolError(`fetch: body over ${FETCH_LIMITS.bodyBytes} bytes`);
  if (m.redirect !== undefined && !REDIRECTS.has(m.redirect as string)) throw new ProtocolError('fetch: redirect must be follow, manual or error');
  const out: FetchMessage = { type: 'fetch', id: m.id, url: m.url, method: m.method, headers: Object.fromEntries(entries) as Record<string, string> };
  if (m.body instanceof Uint8Array) out.body = m.body;
  if (m.redirect !== undefined) out.redirect = m.redirect as 'follow' | 'manual' | 'error';
  return out;
}

/** Whether a Uint8Array is anywhere in the value (deeper than 256 levels: assume so). */
function hasBytes(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (value instanceof Uint8Array || depth > 256) return true;
  if (Array.isArray(value)) {
    for (const v of value) if (typeof v === 'object' && v !== null && hasBytes(v, depth + 1)) return true;
    return false;
  }
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'object' && v !== null && hasBytes(v, depth + 1)) return true;
  }
  return false;
}

/** One frame: 4-byte big-endian length, then UTF-8 JSON. */
export function encodeFrame(message: unknown): Buffer {
  // The replacer (called for every value) only when there are bytes to turn into base64.
  const json = hasBytes(message, 0) ? JSON.stringify(message, bytesReplacer) : JSON.stringify(message);
  const length = Buffer.byteLength(json, 'utf8');
  if (length > MAX_FRAME_BYTES) throw new ProtocolError(`message of ${length} bytes is over the ${MAX_FRAME_BYTES}-byte limit`);
  // One allocation: the length, then the text written in place.
  const frame = Buffer.allocUnsafe(4 + length);
  frame.writeUInt32BE(length, 0);
  frame.write(json, 4, 'utf8');
  return frame;
}

/**
 * Splits a byte stream into frames. `push` returns the complete frames' JSON texts; a declared
 * length over `max` throws before anything of it is kept.
 */
export class FrameReader {
  #chunks: Buffer[] = [];
  #size = 0;
  readonly #max: number;

  constructor(max = MAX_FRAME_BYTES) {
    this.#max = max;
  }

  push(chunk: Buffer): string[] {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    const out: string[] = [];
    for (;;) {
      if (this.#size < 4) return out;
      const buf = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks);
      this.#chunks = [buf];
      const length = buf.readUInt32BE(0);
      if (length > this.#max) throw new ProtocolError(`frame of ${length} bytes is over the ${this.#max}-byte limit`);
      if (buf.length < 4 + length) return out;
      out.push(buf.subarray(4, 4 + length).toString('utf8'));
      const rest = buf.subarray(4 + length);
      this.#chunks = rest.length > 0 ? [rest] : [];
      this.#size = rest.length;
    }
  }
}

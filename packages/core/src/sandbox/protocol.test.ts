import { describe, expect, it } from 'vitest';
import { checkPluginMessage, encodeFrame, FETCH_LIMITS, FrameReader, ProtocolError, parseFrame } from './protocol.js';

describe('sandbox protocol', () => {
  it('frames survive any chunking', () => {
    const bytes = Buffer.concat([encodeFrame({ type: 'pong', id: 1, memory: 5 }), encodeFrame({ type: 'result', id: 2, value: 'é'.repeat(1000) })]);
    for (const size of [1, 3, 7, 100, bytes.length]) {
      const reader = new FrameReader();
      const out: unknown[] = [];
      for (let i = 0; i < bytes.length; i += size) for (const f of reader.push(bytes.subarray(i, i + size))) out.push(checkPluginMessage(parseFrame(f)));
      expect(out).toEqual([
        { type: 'pong', id: 1, memory: 5 },
        { type: 'result', id: 2, value: 'é'.repeat(1000) },
      ]);
    }
  });

  it('refuses a declared length over the limit before buffering it', () => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(1_000_000, 0);
    expect(() => new FrameReader(1000).push(head)).toThrow(ProtocolError);
  });

  it('refuses keys that reach a prototype, at any depth', () => {
    for (const json of ['{"__proto__":{"x":1}}', '{"a":[{"constructor":{"prototype":{}}}]}', '{"value":{"prototype":1}}']) {
      expect(() => parseFrame(json)).toThrow(ProtocolError);
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('the fast path (no reviver) cannot be fooled by a key spelled with \\u escapes, and bytes still round-trip', () => {
    for (const json of ['{"\\u005f_proto__":{"x":1}}', '{"a":{"constr\\u0075ctor":1}}', '{"\\u0070rototype":1}']) {
      expect(() => parseFrame(json)).toThrow(ProtocolError);
    }
    // A value that merely mentions a forbidden word passes (quoted whole it takes the slow path).
    expect(parseFrame('{"text":"constructor"}')).toEqual({ text: 'constructor' });
    expect(parseFrame('{"text":"the constructor"}')).toEqual({ text: 'the constructor' });
    const frame = encodeFrame({ type: 'result', id: 1, value: { deep: [{ data: new Uint8Array([0, 255, 7]) }], text: 'é ✓' } });
    const json = frame.subarray(4).toString('utf8');
    expect(frame.readUInt32BE(0)).toBe(Buffer.byteLength(json));
    expect(parseFrame(json)).toEqual({ type: 'result', id: 1, value: { deep: [{ data: new Uint8Array([0, 255, 7]) }], text: 'é ✓' } });
  });

  it('refuses messages that do not fit the protocol', () => {
    for (const bad of [
      null,
      [],
      'x',
      { type: 'result' },
      { type: 'result', id: -1, value: 1 },
      { type: 'error', id: 1, code: 5, message: 'm' },
      { type: 'nope' },
      { type: 'ready', components: [1] },
    ]) {
      expect(() => checkPluginMessage(bad)).toThrow(ProtocolError);
    }
  });

  it("checks a plugin's network request: url, method, headers and body within limits", () => {
    const ok = { type: 'fetch', id: 3, url: 'https://api.example.com/', method: 'POST', headers: { 'content-type': 'text/plain' }, body: new Uint8Array([1]) };
    expect(checkPluginMessage(ok)).toEqual(ok);
    for (const [i, bad] of [
      { ...ok, id: 0 },
      { ...ok, url: 5 },
      { ...ok, url: `https://a.example/${'x'.repeat(FETCH_LIMITS.urlLength)}` },
      { ...ok, method: 'CONNECT' },
      { ...ok, method: 'get' },
      { ...ok, headers: [['a', 'b']] },
      { ...ok, headers: { a: 1 } },
      { ...ok, headers: { 'bad name': 'x' } },
      { ...ok, headers: { a: 'x\r\nInjected: 1' } },
      { ...ok, headers: Object.fromEntries(Array.from({ length: FETCH_LIMITS.headers + 1 }, (_, i) => [`h${i}`, 'v'])) },
      { ...ok, body: 'text' },
      { ...ok, body: new Uint8Array(FETCH_LIMITS.bodyBytes + 1) },
      { ...ok, redirect: 'sometimes' },
    ].entries()) {
      expect(() => checkPluginMessage(bad), `case ${i}`).toThrow(ProtocolError);
    }
  });

  it("refuses __proto__ among a network request's headers, parsed or not", () => {
    expect(() => parseFrame('{"type":"fetch","id":1,"url":"https://a.example/","method":"GET","headers":{"__proto__":{"polluted":"yes"}}}')).toThrow(
      ProtocolError,
    );
    const headers = Object.create(null) as Record<string, string>;
    Object.defineProperty(headers, '__proto__', { value: 'x', enumerable: true });
    expect(() => checkPluginMessage({ type: 'fetch', id: 1, url: 'https://a.example/', method: 'GET', headers })).toThrow(ProtocolError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

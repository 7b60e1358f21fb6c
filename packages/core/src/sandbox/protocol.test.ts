import { describe, expect, it } from 'vitest';
import { checkPluginMessage, encodeFrame, FrameReader, ProtocolError, parseFrame } from './protocol.js';

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
});

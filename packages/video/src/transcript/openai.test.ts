import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isExportIaError } from '@export-ia/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavFile } from './asr.js';
import { chunkBounds, openAiEngine } from './openai.js';

interface Seen {
  auth: string | undefined;
  fields: Record<string, string[]>;
  fileBytes: number;
}

async function readMultipart(req: IncomingMessage): Promise<Seen> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const boundary = /boundary=(.+)$/.exec(req.headers['content-type'] ?? '')?.[1] ?? '';
  const fields: Record<string, string[]> = {};
  let fileBytes = 0;
  for (const part of body.toString('latin1').split(`--${boundary}`)) {
    const name = /name="([^"]+)"/.exec(part)?.[1];
    if (!name) continue;
    const value = part.slice(part.indexOf('\r\n\r\n') + 4, part.lastIndexOf('\r\n'));
    if (/filename=/.test(part)) fileBytes = Buffer.byteLength(value, 'latin1');
    else fields[name] = [...(fields[name] ?? []), value];
  }
  return { auth: req.headers.authorization, fields, fileBytes };
}

describe('openAiEngine against a fake server on 127.0.0.1', () => {
  let server: Server;
  let url = '';
  let dir = '';
  const seen: Seen[] = [];
  let failNext = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eia-openai-'));
    server = createServer(async (req, res) => {
      const got = await readMultipart(req);
      seen.push(got);
      if (req.url !== '/v1/audio/transcriptions' || req.method !== 'POST') {
        res.writeHead(404).end('not found');
        return;
      }
      if (got.auth !== 'Bearer test-key') {
        res.writeHead(401).end('{"error":"bad key"}');
        return;
      }
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end('busy');
        return;
      }
      // Each chunk says the same two words, 0.5 s and 1.0 s into it.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          text: 'Hello, world.',
          words: [
            { word: 'Hello', start: 0.5, end: 0.9 },
            { word: 'world', start: 1.0, end: 1.4 },
          ],
        }),
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });

  afterAll(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function wav(seconds: number): Promise<string> {
    const samples = new Int16Array(16000 * seconds);
    for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin(i / 10));
    const path = join(dir, `a-${seconds}.wav`);
    await writeFile(path, wavFile(samples, 16000));
    return path;
  }

  it('uploads the WAV in chunks with verbose_json and word granularity, and offsets the words', async () => {
    process.env.EIA_TEST_KEY = 'test-key';
    seen.length = 0;
    const engine = openAiEngine({ url, apiKeyEnv: 'EIA_TEST_KEY', model: 'fake-1', chunkSeconds: 10 });
    expect(await engine.available({} as never)).toEqual({ ok: true });
    const progress: number[] = [];
    const words = await engine.transcribe({ audioPath: await wav(25), language: 'en', onProgress: (f) => progress.push(f) });
    expect(seen).toHaveLength(3);
    expect(seen[0]?.fields).toMatchObject({ model: ['fake-1'], response_format: ['verbose_json'], language: ['en'] });
    expect(seen[0]?.fields['timestamp_granularities[]']).toContain('word');
    expect(seen[0]?.fileBytes).toBeGreaterThan(8.5 * 32000);
    expect(words.map((w) => w.text)).toEqual(['Hello,', 'world.', 'Hello,', 'world.', 'Hello,', 'world.']);
    // The second chunk starts where the first was cut (between 8.5 s and 10 s).
    const second = words[2]?.start ?? 0;
    expect(second).toBeGreaterThan(9);
    expect(second).toBeLessThan(10.6);
    expect(progress.at(-1)).toBe(1);
  });

  it('retries a busy server, and reports a refused key as unavailable', async () => {
    process.env.EIA_TEST_KEY = 'test-key';
    failNext = 1;
    const engine = openAiEngine({ url, apiKeyEnv: 'EIA_TEST_KEY' });
    expect(await engine.transcribe({ audioPath: await wav(2), language: 'en' })).toHaveLength(2);
    process.env.EIA_TEST_KEY = 'wrong';
    const error = await engine.transcribe({ audioPath: await wav(2), language: 'en' }).catch((e: unknown) => e);
    expect(isExportIaError(error) && error.code).toBe('EIA_VIDEO_ASR_UNAVAILABLE');
  });

  it('is unavailable on the public API without a key', async () => {
    delete process.env.EIA_MISSING_KEY;
    const status = await openAiEngine({ apiKeyEnv: 'EIA_MISSING_KEY' }).available({} as never);
    expect(status.ok).toBe(false);
  });

  it('cuts chunks in the quietest moment near their end', () => {
    const samples = new Int16Array(16000 * 25).fill(5000);
    samples.fill(0, 16000 * 9.2, 16000 * 9.4);
    const bounds = chunkBounds(samples, 16000, 10);
    expect((bounds[1] ?? 0) / 16000).toBeGreaterThan(9.2);
    expect((bounds[1] ?? 0) / 16000).toBeLessThan(9.4);
  });
});

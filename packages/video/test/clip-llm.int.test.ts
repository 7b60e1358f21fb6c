/**
 * The optional language-model score: asked for the chosen clips only, shown apart from the score
 * (in clips.json and the report), and a failing endpoint is a warning, never a failed job.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipVideo } from '../src/clip.js';
import { makeTalk, type Talk } from './fixtures/talk.js';

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      text += c;
    });
    req.on('end', () => resolve(text));
  });
}

describe('clip with a language-model score', () => {
  let talk: Talk;
  let server: Server;
  let url: string;
  let failing = false;
  const prompts: string[] = [];

  beforeAll(async () => {
    talk = await makeTalk({ sentences: 25 });
    server = createServer(async (req, res) => {
      const request = JSON.parse(await body(req)) as { messages: { content: string }[] };
      prompts.push(req.headers.authorization ?? '');
      if (failing) {
        res.writeHead(500).end('{"error":"overloaded"}');
        return;
      }
      const user = request.messages.at(-1)?.content ?? '';
      const excerpts = Number(/exactly (\d+) integers/.exec(user)?.[1] ?? 0);
      const scores = Array.from({ length: excerpts }, (_, i) => 90 - i * 10);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { content: JSON.stringify({ scores }) } }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('adds llmScore to the chosen clips, apart from score, with the key from the named variable', async () => {
    const out = mkdtempSync(join(tmpdir(), 'eia-clip-llm-'));
    const result = await clipVideo({
      input: talk.video,
      outDir: out,
      transcript: talk.srt,
      count: 2,
      min: 8,
      max: 20,
      resolution: 720,
      captions: 'none',
      llm: { url, model: 'test-model', apiKeyEnv: 'TEST_LLM_KEY' },
      env: { ...process.env, TEST_LLM_KEY: 'sk-test' },
    });
    expect(result.warnings.map((w) => w.code)).not.toContain('EIA_VIDEO_LLM_FAILED');
    const manifest = JSON.parse(readFileSync(result.manifestPath, 'utf8')) as { clips: { score: number; llmScore?: number }[] };
    expect(manifest.clips.map((c) => c.llmScore)).toEqual([90, 80]);
    // The clip's own score is untouched (ordered by it, not by the model's).
    expect(manifest.clips[0]?.score).toBeGreaterThanOrEqual(manifest.clips[1]?.score ?? 0);
    expect(prompts.at(-1)).toBe('Bearer sk-test');
    expect(readFileSync(result.reportPath, 'utf8')).toContain('Language-model score (not part of the score): <b>90</b>');
  }, 120_000);

  it('a failing endpoint is a warning; the clips are made with their own scores', async () => {
    failing = true;
    const out = mkdtempSync(join(tmpdir(), 'eia-clip-llm-fail-'));
    const result = await clipVideo({
      input: talk.video,
      outDir: out,
      transcript: talk.srt,
      count: 1,
      min: 8,
      max: 20,
      resolution: 720,
      captions: 'none',
      llm: { url, model: 'test-model' },
    });
    expect(result.warnings.map((w) => w.code)).toContain('EIA_VIDEO_LLM_FAILED');
    expect(result.manifest.clips).toHaveLength(1);
    expect(result.manifest.clips[0]?.llmScore).toBeUndefined();
  }, 120_000);
});

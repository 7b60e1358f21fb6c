import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoredCandidate } from '../types.js';
import { addLlmScores, OpenAiChatScorer, parseScores } from './llm-scorer.js';

interface Seen {
  url: string;
  auth: string | undefined;
  body: { model: string; messages: { role: string; content: string }[]; response_format: unknown };
}

/** A loopback stand-in for an OpenAI-compatible server: the next answer is set per test. */
let server: Server;
let base = '';
let answer: (seen: Seen) => { status: number; body: string; delayMs?: number } = () => ({ status: 500, body: '' });
const seen: Seen[] = [];

async function read(req: IncomingMessage): Promise<string> {
  let s = '';
  for await (const chunk of req) s += chunk;
  return s;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const s: Seen = { url: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(await read(req)) };
    seen.push(s);
    const { status, body, delayMs } = answer(s);
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function chat(content: string): string {
  return JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] });
}

function clip(start: number, score: number, text: string): ScoredCandidate {
  return { start, end: start + 20, sentenceStart: 0, sentenceEnd: 1, text, score, reasons: [] };
}

const clips = [clip(0, 80, 'What if you never had to write another report?'), clip(40, 60, 'We cut costs by 73 percent.')];

describe('OpenAiChatScorer', () => {
  it('asks the chat endpoint in JSON mode and sets llmScore apart from score', async () => {
    seen.length = 0;
    answer = () => ({ status: 200, body: chat('{"scores":[35, 91]}') });
    const scorer = new OpenAiChatScorer({ url: base, model: 'test-model', apiKeyEnv: 'TEST_LLM_KEY', env: { TEST_LLM_KEY: 'sk-test' } });
    const { clips: out, warnings } = await addLlmScores(clips, scorer, { language: 'en', keywords: ['pricing'] });
    expect(warnings).toEqual([]);
    expect(out.map((c) => [c.score, c.llmScore])).toEqual([
      [80, 35],
      [60, 91],
    ]);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe('/v1/chat/completions');
    expect(seen[0]?.auth).toBe('Bearer sk-test');
    expect(seen[0]?.body.model).toBe('test-model');
    expect(seen[0]?.body.response_format).toEqual({ type: 'json_object' });
    const user = seen[0]?.body.messages.find((m) => m.role === 'user')?.content ?? '';
    expect(user).toContain('[0] (20 s) What if you never had to write another report?');
    expect(user).toContain('[1] (20 s) We cut costs by 73 percent.');
    expect(user).toContain('pricing');
  });

  it('sends candidates in batches and joins the answers in order', async () => {
    seen.length = 0;
    answer = (s) => {
      const n = (s.body.messages.at(-1)?.content.match(/^\[\d+\]/gm) ?? []).length;
      return { status: 200, body: chat(JSON.stringify({ scores: Array.from({ length: n }, (_, i) => seen.length * 10 + i) })) };
    };
    const scorer = new OpenAiChatScorer({ url: `${base}/chat/completions`, model: 'm', batchSize: 2 });
    const many = [0, 1, 2, 3, 4].map((i) => ({ start: i, end: i + 1, sentenceStart: 0, sentenceEnd: 1, text: `t${i}` }));
    expect(await scorer.score(many, { language: 'en' })).toEqual([10, 11, 20, 21, 30]);
    expect(seen.map((s) => s.auth)).toEqual([undefined, undefined, undefined]);
  });

  it('turns every failure into a warning and leaves the clips as they were', async () => {
    const cases: [() => { status: number; body: string }, string][] = [
      [() => ({ status: 500, body: '{"error":"boom"}' }), 'HTTP 500'],
      [() => ({ status: 200, body: 'not json' }), 'the response is not JSON'],
      [() => ({ status: 200, body: chat('Sure! Here are the scores: 1, 2') }), "the model's answer is not JSON"],
      [() => ({ status: 200, body: chat('{"scores":[50]}') }), 'the model gave 1 scores for 2 candidates'],
      [() => ({ status: 200, body: chat('{"scores":[50, 120]}') }), 'score 1 is not a number from 0 to 100: 120'],
      [() => ({ status: 200, body: chat('{"scores":[50, 60], "note":"x"}') }), 'not of the shape'],
      [() => ({ status: 200, body: chat('{"scores":[50, "60"]}') }), 'score 1 is not a number'],
    ];
    const scorer = new OpenAiChatScorer({ url: base, model: 'm' });
    for (const [reply, message] of cases) {
      answer = reply;
      const { clips: out, warnings } = await addLlmScores(clips, scorer, { language: 'en' });
      expect(out.map((c) => c.llmScore)).toEqual([undefined, undefined]);
      expect(out.map((c) => c.score)).toEqual([80, 60]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.message).toContain(message);
    }
  });

  it('warns when the API key variable is not set, before any request', async () => {
    seen.length = 0;
    const scorer = new OpenAiChatScorer({ url: base, model: 'm', apiKeyEnv: 'NOT_SET_KEY', env: {} });
    const { warnings } = await addLlmScores(clips, scorer, { language: 'en' });
    expect(warnings[0]?.message).toContain('the environment variable NOT_SET_KEY (the API key) is not set');
    expect(seen).toHaveLength(0);
  });

  it('warns when the server cannot be reached or takes too long', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await addLlmScores(clips, new OpenAiChatScorer({ url: `http://127.0.0.1:${port}/v1`, model: 'm' }), { language: 'en' });
    expect(unreachable.warnings).toHaveLength(1);
    expect(unreachable.warnings[0]?.message).toContain(`cannot reach http://127.0.0.1:${port}/v1/chat/completions: ECONNREFUSED`);

    answer = () => ({ status: 200, body: chat('{"scores":[1,2]}'), delayMs: 400 });
    const slow = await addLlmScores(clips, new OpenAiChatScorer({ url: base, model: 'm', timeoutMs: 50 }), { language: 'en' });
    expect(slow.warnings[0]?.message).toContain(`no answer from ${base}/chat/completions within 50 ms`);
    expect(slow.clips.map((c) => c.llmScore)).toEqual([undefined, undefined]);
  });
});

describe('parseScores', () => {
  it('accepts the strict shape, also inside a ```json fence', () => {
    expect(parseScores(chat('{"scores":[0, 55.5, 100]}'), 3)).toEqual([0, 55.5, 100]);
    expect(parseScores(chat('```json\n{"scores":[7]}\n```'), 1)).toEqual([7]);
  });

  it('refuses anything else', () => {
    expect(() => parseScores(chat('[1,2]'), 2)).toThrow('shape');
    expect(() => parseScores(chat('{"score":[1,2]}'), 2)).toThrow('shape');
    expect(() => parseScores(JSON.stringify({ choices: [] }), 1)).toThrow('no choices[0].message.content');
    expect(() => parseScores(chat('{"scores":[-1]}'), 1)).toThrow('0 to 100');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scoreQuality } from '@export-ia/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyze, byRule, completion, documents, fakeEndpoint, tempDoc, until } from './helpers.js';

// Two hard sentences (the second over three source lines, with emphasis) and easy ones.
const HARD_1 =
  "The committee's comprehensive reconsideration of organisational prioritisation methodologies necessitated substantial administrative restructuring, notwithstanding considerable institutional resistance.";
const HARD_2_SOURCE =
  'Intergovernmental **harmonisation** of telecommunications\ninfrastructure regulations presupposes unprecedented multilateral\ncoordination between sovereign administrations and regulatory authorities.';
const HARD_2 = HARD_2_SOURCE.replace(/\*\*/g, '').replace(/\n/g, ' ');
const DOC = `# Budget\n\nWe met on Monday. The plan is short. ${HARD_1}\n\nIt went well.\n\n${HARD_2_SOURCE}\n\nThanks to all.\n`;

const KEY_ENV = 'EXPORT_IA_TEST_AI_KEY';
const KEY = 'sk-test-0123456789abcdef';

let endpoint: Awaited<ReturnType<typeof fakeEndpoint>> | undefined;
beforeEach(() => {
  delete process.env[KEY_ENV];
  delete process.env.EXPORT_IA_AI_KEY;
});
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
  delete process.env[KEY_ENV];
});

describe('ai checker: configuration', () => {
  it('without a url reports ai/not-configured and nothing else', async () => {
    const analysis = await analyze(tempDoc(DOC), ['readability', 'ai']);
    const ai = byRule(analysis.findings, 'ai/');
    expect(ai).toHaveLength(1);
    expect(ai[0]).toMatchObject({ rule: 'ai/not-configured', severity: 'info' });
    expect(ai[0]?.message).toContain('`url` is not set');
    expect(ai[0]?.suggestion).toContain('pluginConfig.ai-enhancer.url');
    expect(analysis.checkers.find((c) => c.id === 'ai')?.status).toBe('ok');
  });

  it('without a model reports ai/not-configured and sends nothing', async () => {
    endpoint = await fakeEndpoint(() => ({ body: completion('x') }));
    const analysis = await analyze(tempDoc(DOC), ['ai'], { url: endpoint.url });
    expect(byRule(analysis.findings, 'ai/').map((f) => f.rule)).toEqual(['ai/not-configured']);
    expect(analysis.findings[0]?.message).toContain('`model` is not set');
    expect(endpoint.received).toHaveLength(0);
  });

  it('refuses an API key in the config file (keys live in the environment)', async () => {
    await expect(analyze(tempDoc(DOC), ['ai'], { url: 'http://127.0.0.1:9/v1', model: 'm', apiKey: 'sk-oops' })).rejects.toMatchObject({
      code: 'EIA_PLUGIN_CONFIG_INVALID',
    });
  });
});

describe('ai checker: where the key may go', () => {
  it('refuses a key variable not named like an API key (a hostile project config must not send AWS or GitHub secrets)', async () => {
    endpoint = await fakeEndpoint(() => ({ body: completion('x') }));
    process.env.AWS_SECRET_ACCESS_KEY = 'aws-canary';
    try {
      for (const name of ['AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN', 'HOME', 'openai_api_key']) {
        const analysis = await analyze(tempDoc(DOC), ['readability', 'ai'], { url: endpoint.url, model: 'm', apiKeyEnv: name });
        expect(byRule(analysis.findings, 'ai/').map((f) => f.rule)).toEqual(['ai/not-configured']);
        expect(analysis.findings.find((f) => f.rule === 'ai/not-configured')?.message).toContain('apiKeyEnv');
      }
      expect(endpoint.received).toHaveLength(0);
    } finally {
      delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });

  it('sends a key over plain http only to this machine', async () => {
    process.env[KEY_ENV] = 'sk-canary';
    try {
      const analysis = await analyze(tempDoc(DOC), ['readability', 'ai'], { url: 'http://example.com/v1', model: 'm', apiKeyEnv: KEY_ENV });
      expect(analysis.findings.find((f) => f.rule === 'ai/not-configured')?.message).toContain('only over https');
      endpoint = await fakeEndpoint(() => ({ body: completion('Plainer.') }));
      await analyze(tempDoc(DOC), ['readability', 'ai'], { url: endpoint.url, model: 'm', apiKeyEnv: KEY_ENV });
      expect(endpoint.received.length).toBeGreaterThan(0);
    } finally {
      delete process.env[KEY_ENV];
    }
  });
});

describe('ai checker: requests', () => {
  it('sends one chat-completions request per hard sentence, with the model, messages and the key from the environment', async () => {
    endpoint = await fakeEndpoint(() => ({ body: completion('Plainer.') }));
    process.env[KEY_ENV] = KEY;
    await analyze(tempDoc(DOC), ['readability', 'ai'], { url: endpoint.url, model: 'test-model', apiKeyEnv: KEY_ENV, maxTokens: 200 });
    expect(endpoint.received).toHaveLength(2);
    for (const r of endpoint.received) {
      expect(r.method).toBe('POST');
      expect(r.url).toBe('/v1/chat/completions');
      expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(r.headers['content-type']).toContain('application/json');
      expect(r.body.model).toBe('test-model');
      expect(r.body.temperature).toBe(0.2);
      expect(r.body.max_tokens).toBe(200);
      expect(r.body.messages?.map((m) => m.role)).toEqual(['system', 'user']);
      expect(r.body.messages?.[0]?.content).toMatch(/Rewrite the passage in plain English/);
    }
    // The passages are the sentences as plain text (no Markdown, soft breaks as spaces).
    expect(endpoint.received.map((r) => r.body.messages?.[1]?.content).sort()).toEqual([HARD_1, HARD_2].sort());
  });

  it('sends no Authorization header when the key variable is unset', async () => {
    endpoint = await fakeEndpoint(() => ({ body: completion('Plainer.') }));
    await analyze(tempDoc(DOC), ['readability', 'ai'], { url: endpoint.url, model: 'test-model', maxPassages: 1 });
    expect(endpoint.received).toHaveLength(1);
    expect(endpoint.received[0]?.headers.authorization).toBeUndefined();
    expect(endpoint.received[0]?.body.max_tokens).toBeUndefined();
  });

  it("asks for the answer in the document's language, or the configured one", async () => {
    endpoint = await fakeEndpoint(() => ({ body: completion('Más claro.') }));
    const es = tempDoc(
      '---\nlang: es\n---\n\nLa reconsideración exhaustiva de las metodologías organizativas de priorización administrativa requirió una reestructuración institucional considerable y prolongada.\n',
    );
    await analyze(es, ['readability', 'ai'], { url: endpoint.url, model: 'm' });
    expect(endpoint.received[0]?.body.messages?.[0]?.content).toContain('plain Spanish');
    await analyze(es, ['readability', 'ai'], { url: endpoint.url, model: 'm', language: 'fr', mode: 'explain' });
    expect(endpoint.received[1]?.body.messages?.[0]?.content).toContain('explain what makes the passage hard');
    expect(endpoint.received[1]?.body.messages?.[0]?.content).toContain('French');
  });

  it('keeps at most two requests in flight and stops at maxPassages', async () => {
    endpoint = await fakeEndpoint(() => ({ body: completion('Plainer.'), delayMs: 40 }));
    const analysis = await analyze(join(documents, 'report.md'), ['ai'], { url: endpoint.url, model: 'm', maxPassages: 4 });
    expect(endpoint.received).toHaveLength(4);
    expect(endpoint.maxInFlight()).toBe(2);
    expect(byRule(analysis.findings, 'ai/rewrite')).toHaveLength(4);
  });
});

describe('ai checker: findings', () => {
  it('puts each rewrite on its sentence, exactly where the readability checker put it, with no fix', async () => {
    endpoint = await fakeEndpoint((r) => ({ body: completion(`  Plain: ${r.body.messages?.[1]?.content?.slice(0, 20)}  \n`) }));
    const file = tempDoc(DOC);
    const analysis = await analyze(file, ['readability', 'ai'], { url: endpoint.url, model: 'test-model' });
    const rewrites = byRule(analysis.findings, 'ai/rewrite');
    const hard = byRule(analysis.findings, 'readability/hard-sentence');
    expect(rewrites).toHaveLength(2);
    expect(rewrites.map((f) => f.position)).toEqual(hard.map((f) => f.position));

    const source = readFileSync(file, 'utf8');
    const slices = rewrites.map((f) => source.slice(f.position?.offset, f.position?.endOffset));
    expect(slices).toEqual([HARD_1, HARD_2_SOURCE]);
    expect(rewrites[1]?.position).toMatchObject({ line: 7, column: 1, endLine: 9 });

    for (const f of rewrites) {
      expect(f.severity).toBe('info');
      expect(f.fix).toBeUndefined();
      expect(f.data).toMatchObject({ model: 'test-model' });
    }
    expect(rewrites[0]?.data?.original).toBe(HARD_1);
    expect(rewrites[0]?.suggestion).toBe(`Plain: ${HARD_1.slice(0, 20)}`);
    expect(rewrites[1]?.data?.original).toBe(HARD_2);
    expect(analysis.metrics.ai).toMatchObject({ source: 'readability', passages: 2, answered: 2, failed: 0 });
  });

  it('without the readability checker sends the longest sentences', async () => {
    endpoint = await fakeEndpoint(() => ({ body: completion('Shorter.') }));
    const file = tempDoc(DOC);
    const analysis = await analyze(file, ['ai'], { url: endpoint.url, model: 'm', maxPassages: 1 });
    const [rewrite] = byRule(analysis.findings, 'ai/rewrite');
    expect(endpoint.received.map((r) => r.body.messages?.[1]?.content)).toEqual([HARD_1]);
    expect(readFileSync(file, 'utf8').slice(rewrite?.position?.offset, rewrite?.position?.endOffset)).toBe(HARD_1);
    expect(analysis.metrics.ai).toMatchObject({ source: 'longest', passages: 1 });
  });

  it('explain mode reports ai/explain', async () => {
    endpoint = await fakeEndpoint(() => ({ body: completion('Too many abstract nouns.') }));
    const analysis = await analyze(tempDoc(DOC), ['readability', 'ai'], { url: endpoint.url, model: 'm', mode: 'explain', maxPassages: 1 });
    expect(byRule(analysis.findings, 'ai/').map((f) => [f.rule, f.suggestion])).toEqual([['ai/explain', 'Too many abstract nouns.']]);
  });

  it('keeps a hostile answer as plain text: no escape sequences, control or bidi characters, markup left literal, length capped', async () => {
    const hostile = `\u001b[31mRED\u001b[0m\u001b]8;;http://evil\u0007link <script>alert(1)</script> <img src=x onerror=alert(1)> \u202eevil\u202c\u0000\u0008 ${'long '.repeat(1000)}`;
    endpoint = await fakeEndpoint(() => ({ body: completion(hostile) }));
    const analysis = await analyze(tempDoc(DOC), ['readability', 'ai'], { url: endpoint.url, model: 'm', maxPassages: 1 });
    const [f] = byRule(analysis.findings, 'ai/rewrite');
    const s = f?.suggestion ?? '';
    expect(s.startsWith('RED')).toBe(true);
    expect(s).toContain('<script>alert(1)</script> <img src=x onerror=alert(1)>');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: what must not be there
    expect(s).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(s.length).toBeLessThanOrEqual(1501);
    expect(s.endsWith('…')).toBe(true);
  });
});

describe('ai checker: failures never fail the analysis', () => {
  it('turns a request that gets no answer into ai/request-failed within timeoutMs', async () => {
    endpoint = await fakeEndpoint(() => 'hang');
    const started = performance.now();
    const analysis = await analyze(tempDoc(DOC), ['readability', 'ai'], { url: endpoint.url, model: 'm', timeoutMs: 300, maxPassages: 1 });
    const elapsed = performance.now() - started;
    const failed = byRule(analysis.findings, 'ai/');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ rule: 'ai/request-failed', severity: 'info', data: { reason: 'timeout' } });
    expect(failed[0]?.message).toContain('No answer within 300 ms');
    expect(failed[0]?.position?.line).toBe(7); // the hardest sentence: the readability checker ranks it first
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(2500);
    expect(analysis.checkers.find((c) => c.id === 'ai')?.status).toBe('ok');
    const server = endpoint;
    await until(() => server.closedEarly.length > 0);
    expect(endpoint.closedEarly).toEqual([0]);
  });

  it('reports HTTP 500 with its status and message, once per passage, never with the key', async () => {
    process.env[KEY_ENV] = KEY;
    endpoint = await fakeEndpoint((r) => ({
      status: 500,
      body: JSON.stringify({ error: { message: `model overloaded (you sent ${r.headers.authorization})` } }),
    }));
    const analysis = await analyze(tempDoc(DOC), ['readability', 'ai'], { url: endpoint.url, model: 'm', apiKeyEnv: KEY_ENV });
    const failed = byRule(analysis.findings, 'ai/');
    expect(failed.map((f) => f.rule)).toEqual(['ai/request-failed', 'ai/request-failed']);
    for (const f of failed) {
      expect(f.data).toMatchObject({ status: 500, reason: 'http' });
      expect(f.message).toContain('HTTP 500');
      expect(f.message).toContain('model overloaded');
      expect(JSON.stringify(f)).not.toContain(KEY);
    }
    expect(analysis.metrics.ai).toMatchObject({ answered: 0, failed: 2 });
  });

  it('reports an answer that is not JSON, or JSON without choices, as malformed', async () => {
    endpoint = await fakeEndpoint((_, n) => ({ body: n === 0 ? '<html>not json{' : JSON.stringify({ choices: [] }) }));
    const analysis = await analyze(tempDoc(DOC), ['readability', 'ai'], { url: endpoint.url, model: 'm' });
    const failed = byRule(analysis.findings, 'ai/');
    expect(failed).toHaveLength(2);
    expect(failed.every((f) => f.rule === 'ai/request-failed' && f.data?.reason === 'malformed')).toBe(true);
    expect(failed.map((f) => f.message).sort()).toEqual([
      'The AI request for this passage failed: The answer has no choices[0].message.content.',
      'The AI request for this passage failed: The answer is not JSON.',
    ]);
  });

  it('does not keep sending to an endpoint that cannot be reached', async () => {
    const down = await fakeEndpoint(() => ({ body: '' }));
    const url = down.url;
    await down.close();
    const analysis = await analyze(join(documents, 'report.md'), ['readability', 'ai'], { url, model: 'm' });
    const failed = byRule(analysis.findings, 'ai/');
    expect(failed.length).toBeGreaterThan(1);
    expect(failed.every((f) => f.rule === 'ai/request-failed' && f.data?.reason === 'network')).toBe(true);
    expect(failed.some((f) => f.message.includes('Not sent after an earlier failure'))).toBe(true);
    expect(failed[0]?.message).toMatch(/Could not reach http:\/\/127\.0\.0\.1:\d+/);
  });

  it('cancelling the analysis aborts the request in flight', async () => {
    endpoint = await fakeEndpoint(() => 'hang');
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 150);
    await analyze(tempDoc(DOC), ['ai'], { url: endpoint.url, model: 'm', maxPassages: 1 }, controller.signal).catch(() => undefined);
    expect(performance.now() - started).toBeLessThan(2000);
    const server = endpoint;
    await until(() => server.closedEarly.length > 0);
    expect(endpoint.closedEarly).toEqual([0]);
  });
});

describe('ai checker: the score', () => {
  it('is the same with and without the AI checker', async () => {
    endpoint = await fakeEndpoint(() => ({ body: completion('A much plainer sentence.') }));
    const report = join(documents, 'report.md');
    const without = await analyze(report, ['readability'], { url: endpoint.url, model: 'm' });
    const withAi = await analyze(report, ['readability', 'ai'], { url: endpoint.url, model: 'm' });

    const rewrites = byRule(withAi.findings, 'ai/rewrite');
    const hard = byRule(withAi.findings, 'readability/hard-sentence');
    expect(rewrites.length).toBeGreaterThan(0);
    // On the readability checker's sentences (it ends one of them a run early, before a "." that follows a link).
    expect(rewrites.map((f) => [f.position?.line, f.position?.column])).toEqual(hard.map((f) => [f.position?.line, f.position?.column]));
    const source = readFileSync(report, 'utf8');
    for (const f of rewrites) {
      const original = String(f.data?.original);
      const slice = source.slice(f.position?.offset, f.position?.endOffset);
      expect(slice.startsWith(original.slice(0, 12))).toBe(true);
      expect(slice.endsWith(original.slice(-1))).toBe(true);
    }
    expect(byRule(withAi.findings, 'ai/').every((f) => f.severity === 'info')).toBe(true);

    expect(Object.keys(withAi.metrics).sort()).toEqual([...Object.keys(without.metrics), 'ai'].sort());
    expect(scoreQuality(withAi.metrics)).toEqual(scoreQuality(without.metrics));
    expect(scoreQuality(withAi.metrics).missing).not.toContain('readability');
  });
});

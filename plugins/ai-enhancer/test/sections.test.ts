import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyze, completion, documents, fakeEndpoint } from './helpers.js';

let endpoint: Awaited<ReturnType<typeof fakeEndpoint>> | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

const seen = (findings: ReadonlyArray<{ rule: string; position?: unknown; suggestion?: string; data?: unknown }>) =>
  findings.filter((f) => f.rule.startsWith('ai/')).map((f) => ({ rule: f.rule, position: f.position, suggestion: f.suggestion, data: f.data }));

describe('a huge document analysed in sections', () => {
  for (const [name, sectionBytes, checkers] of [
    ['report.md', 4000, ['ai']],
    ['report.md', 4000, ['readability', 'ai']],
    ['articulo.md', 600, ['ai']],
    ['articulo.md', 600, ['readability', 'ai']],
  ] as const) {
    it(`sends the same passages and reports the same findings as whole (${name}, ${checkers.join(' + ')})`, async () => {
      endpoint = await fakeEndpoint((r) => ({ body: completion(`Plain: ${r.body.messages?.[1]?.content?.slice(0, 30)}`) }));
      const config = { url: endpoint.url, model: 'm', maxPassages: 3 };
      const file = join(documents, name);
      const whole = await analyze(file, [...checkers], config);
      const sent = endpoint.received.map((r) => r.body.messages?.[1]?.content);
      endpoint.received.length = 0;
      const parted = await analyze(file, [...checkers], config, undefined, sectionBytes);
      expect(parted.sections).toBeGreaterThanOrEqual(5);
      // The document's three passages, once: not three per part.
      expect(sent).toHaveLength(3);
      expect(endpoint.received.map((r) => r.body.messages?.[1]?.content)).toEqual(sent);
      expect(seen(parted.findings)).toEqual(seen(whole.findings));
      expect(seen(parted.findings)).toHaveLength(3);
      expect(parted.metrics.ai).toEqual(whole.metrics.ai);
      expect(parted.metrics.ai).toMatchObject({ source: checkers.length === 1 ? 'longest' : 'readability', passages: 3, answered: 3 });
    });
  }

  it('reports ai/not-configured once, not once per part', async () => {
    const parted = await analyze(join(documents, 'report.md'), ['ai'], undefined, undefined, 4000);
    expect(parted.sections).toBeGreaterThanOrEqual(5);
    expect(parted.findings.map((f) => f.rule)).toEqual(['ai/not-configured']);
    expect(parted.metrics.ai).toEqual({ configured: false });
  });
});

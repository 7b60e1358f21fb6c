import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost, type Finding } from '@export-ia/core';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
export const documents = here('../../../examples/documents');
export const plugins = [here('../../importer-markdown'), here('../../checker-readability'), here('..')];

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: {
    model?: unknown;
    messages?: Array<{ role: string; content: string }>;
    temperature?: unknown;
    max_tokens?: unknown;
    stream?: unknown;
  };
}

/** What the fake endpoint does with a request: answer it (status, raw body) or never answer. */
export type Reply = { status?: number; body: string; delayMs?: number } | 'hang';

/** The OpenAI-style JSON answer carrying `content`. */
export const completion = (content: string) =>
  JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] });

/**
 * A local OpenAI-compatible endpoint (POST /v1/chat/completions on 127.0.0.1, random port) that
 * records each request and answers with `reply`.
 */
export async function fakeEndpoint(reply: (r: Received, n: number) => Reply) {
  const received: Received[] = [];
  const closedEarly: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Received['body'] = {};
      try {
        body = JSON.parse(text) as Received['body'];
      } catch {
        // recorded as {}
      }
      const r: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      const n = received.push(r) - 1;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      res.on('close', () => {
        inFlight--;
        if (!res.writableFinished) closedEarly.push(n);
      });
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"no such route"}}');
        return;
      }
      const answer = reply(r, n);
      if (answer === 'hang') return;
      const send = () => res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' }).end(answer.body);
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    received,
    closedEarly,
    maxInFlight: () => maxInFlight,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Writes a Markdown document to a temporary folder and returns its path. */
export function tempDoc(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'eia-ai-'));
  const file = join(dir, 'doc.md');
  writeFileSync(file, text);
  return file;
}

/** Runs the given checkers through the real host with this plugin's config. */
export async function analyze(file: string, checkers: string[], config?: Record<string, unknown>, signal?: AbortSignal, sectionBytes?: number) {
  const host = await createHost({ plugins, ...(config ? { pluginConfig: { 'ai-enhancer': config } } : {}) });
  try {
    const settings = sectionBytes === undefined ? [] : [{ limits: { sectionBytes } }];
    const r = await host.analyzePipeline(checkers).run(host.readInput(file), { settings, ...(signal ? { signal } : {}) });
    if (!r.analysis) throw new Error('no analysis');
    return r.analysis;
  } finally {
    await host.close();
  }
}

export const byRule = (findings: readonly Finding[], prefix: string) => findings.filter((f) => f.rule.startsWith(prefix));

/** Waits until `ready()` holds (the server sees a closed connection a moment after the client drops it). */
export async function until(ready: () => boolean, ms = 1000): Promise<void> {
  const end = performance.now() + ms;
  while (!ready() && performance.now() < end) await new Promise((r) => setTimeout(r, 10));
}

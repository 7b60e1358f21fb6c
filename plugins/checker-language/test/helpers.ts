/** Runs the plugin's checkers through the real host on real documents (the sample documents or temp files). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost } from '@export-ia/core';
import type { Finding } from '@export-ia/core/plugin';

export const pluginDir = fileURLToPath(new URL('..', import.meta.url));
export const repo = join(pluginDir, '../..');
export const plugins = [join(repo, 'plugins/importer-markdown'), pluginDir];
export const sample = (name: string) => join(repo, 'examples/documents', name);

export type Host = Awaited<ReturnType<typeof createHost>>;

export function newHost(pluginConfig?: Record<string, unknown>): Promise<Host> {
  return createHost({ plugins, ...(pluginConfig ? { pluginConfig: { 'checker-language': pluginConfig } } : {}) });
}

export interface Analysis {
  findings: Finding[];
  metrics: Record<string, unknown>;
  checkers: Array<{ id: string; status: string; ms: number }>;
  /** Parts, when the document was analysed in sections. */
  sections?: number;
}

export async function analyze(host: Host, file: string, checkers: string[], settings: Array<Record<string, unknown>> = []): Promise<Analysis> {
  const r = await host.analyzePipeline(checkers).run(host.readInput(file), { settings });
  if (!r.analysis) throw new Error('no analysis');
  const failed = r.analysis.checkers.filter((c) => c.status !== 'ok');
  if (failed.length > 0) throw new Error(`checker failed: ${JSON.stringify(failed)}`);
  return r.analysis as unknown as Analysis;
}

const dir = mkdtempSync(join(tmpdir(), 'checker-language-'));
let n = 0;

/** Writes a Markdown document to a temp file and returns its path. */
export function tempDoc(markdown: string): string {
  const file = join(dir, `doc-${++n}.md`);
  writeFileSync(file, markdown);
  return file;
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost, type Host } from '@export-ia/core';
import type { Finding } from '@export-ia/core/plugin';

const here = fileURLToPath(new URL('.', import.meta.url));
export const repo = join(here, '../../..');
export const fixtures = join(here, 'fixtures');
export const plugins = [join(repo, 'plugins/importer-markdown'), join(repo, 'plugins/checker-structure')];

export function structureHost(config?: Record<string, unknown>): Promise<Host> {
  return createHost({ plugins, cwd: repo, ...(config ? { pluginConfig: { 'checker-structure': config } } : {}) });
}

export interface Outcome {
  findings: Finding[];
  metrics: Record<string, unknown>;
  failed: string[];
  /** Parts the document was analysed in (1 when whole). */
  sections: number;
}

/** Runs both checkers (or `ids`) on a file through the real host. */
export async function analyze(host: Host, file: string, options: { ids?: string[]; settings?: Array<Record<string, unknown>> } = {}): Promise<Outcome> {
  const r = await host.analyzePipeline(options.ids ?? ['structure', 'accessibility']).run(host.readInput(file), { settings: options.settings ?? [] });
  const analysis = r.analysis;
  if (!analysis) throw new Error('no analysis');
  return {
    findings: analysis.findings,
    metrics: analysis.metrics,
    failed: analysis.checkers.filter((c) => c.status !== 'ok').map((c) => `${c.id}: ${c.error?.message}`),
    sections: analysis.sections ?? 1,
  };
}

/** Writes `text` to a fresh temporary folder (with optional sibling files) and returns the path. */
export function tempMarkdown(text: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'eia-structure-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const path = join(dir, 'doc.md');
  writeFileSync(path, text);
  return path;
}

/** `rule@line` of each finding, for compact assertions. */
export const where = (findings: Finding[]) => findings.map((f) => `${f.rule}@${f.position?.line ?? '?'}`);

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost, type Host } from '@export-ia/core';
import type { Finding } from '@export-ia/core/plugin';

const here = fileURLToPath(new URL('.', import.meta.url));
export const repo = join(here, '../../..');
export const examples = join(repo, 'examples/documents');

const PLUGINS = ['importer-markdown', 'transform-assets', 'exporter-html', 'exporter-pdf-typst', 'theme-standard', 'checker-output'];

/** The real host with the exporters this checker renders through (and, optionally, more plugins). */
export function outputHost(options: { config?: Record<string, unknown>; extra?: string[] } = {}): Promise<Host> {
  return createHost({
    plugins: [...PLUGINS, ...(options.extra ?? [])].map((p) => join(repo, 'plugins', p)),
    cwd: repo,
    ...(options.config ? { pluginConfig: { 'checker-output': options.config } } : {}),
  });
}

export interface Outcome {
  findings: Finding[];
  metrics: Record<string, unknown>;
  failed: string[];
  /** Parts the document was analysed in (1: whole). */
  sections: number;
}

export async function analyze(host: Host, file: string, options: { ids?: string[]; settings?: Array<Record<string, unknown>> } = {}): Promise<Outcome> {
  const r = await host.analyzePipeline(options.ids ?? ['output']).run(host.readInput(file), { settings: options.settings ?? [] });
  const analysis = r.analysis;
  if (!analysis) throw new Error('no analysis');
  return {
    findings: analysis.findings,
    metrics: analysis.metrics,
    failed: analysis.checkers.filter((c) => c.status !== 'ok').map((c) => `${c.id}: ${c.error?.code} ${c.error?.message}`),
    sections: analysis.sections ?? 1,
  };
}

/** A 4×4 red PNG, so image elements are real `<img>` (a missing image renders as a placeholder). */
export function tinyPng(): Buffer {
  return Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGP4z8AARwzEcQCukw/x0F8jngAAAABJRU5ErkJggg==', 'base64');
}

/** Writes files to a fresh temporary folder; returns the folder. */
export function tempDir(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'eia-output-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** `rule@line` of each finding, for compact assertions. */
export const where = (findings: Finding[]) => findings.map((f) => `${f.rule}@${f.position?.line ?? '-'}`);

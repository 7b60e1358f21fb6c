/** Runs the template checker through the real host (Markdown and HTML importers) on real files. */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost } from '@export-ia/core';
import type { Finding } from '@export-ia/core/plugin';
import { afterAll } from 'vitest';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
export const sample = (name: string) => here(`../../../examples/documents/${name}`);
export const fixture = (name: string) => here(`./fixtures/${name}`);
const plugins = [here('../../importer-markdown'), here('../../importer-html'), here('..')];

/** The `template` metric as the checker documents it. */
export interface TemplateMetric {
  type: string;
  confidence: number;
  theme: string;
  typeTheme: string;
  reason: string;
  scores: Record<string, number>;
  points: Record<string, number>;
  features: Record<string, unknown> & {
    words: number;
    sections: string[];
    fields: string[];
    addresses: number;
    dates: number;
    salutation?: string;
    closing?: string;
  };
  evidence: Record<string, Array<{ feature: string; label: string; points: number }>>;
}

const hosts = new Map<string, Awaited<ReturnType<typeof createHost>>>();
afterAll(async () => {
  for (const h of hosts.values()) await h.close();
  hosts.clear();
});

export async function analyze(
  file: string,
  options: { config?: Record<string, unknown>; settings?: Array<Record<string, unknown>> } = {},
): Promise<{ findings: Finding[]; template: TemplateMetric; sections: number }> {
  const key = JSON.stringify(options.config ?? null);
  let host = hosts.get(key);
  if (!host) {
    host = await createHost({ plugins, ...(options.config ? { pluginConfig: { 'checker-template': options.config } } : {}) });
    hosts.set(key, host);
  }
  const r = await host.analyzePipeline(['template']).run(host.readInput(file), { settings: options.settings ?? [] });
  if (!r.analysis) throw new Error('no analysis');
  const checker = r.analysis.checkers.find((c) => c.id === 'template');
  if (checker?.status !== 'ok') throw new Error(`the checker did not run: ${JSON.stringify(checker)}`);
  return { findings: r.analysis.findings, template: r.analysis.metrics.template as TemplateMetric, sections: r.analysis.sections ?? 1 };
}

/** Copies a file under a neutral name (`document.<ext>`), so the file name gives nothing away. */
export function neutral(file: string): string {
  const ext = file.slice(file.lastIndexOf('.'));
  const target = join(mkdtempSync(join(tmpdir(), 'eia-template-')), `document${ext}`);
  copyFileSync(file, target);
  return target;
}

/** Writes text to `document.<ext>` in a temporary folder. */
export function tempDoc(text: string, ext = '.md'): string {
  const target = join(mkdtempSync(join(tmpdir(), 'eia-template-')), `document${ext}`);
  writeFileSync(target, text);
  return target;
}

export const read = (file: string) => readFileSync(file, 'utf8');

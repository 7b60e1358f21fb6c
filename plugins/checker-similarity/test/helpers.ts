import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost, type Finding } from '@export-ia/core';
import { afterAll } from 'vitest';
import type { SimilarityMetric } from '../src/checker.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const plugins = [here('../../importer-markdown'), here('..')];

type Host = Awaited<ReturnType<typeof createHost>>;
const hosts = new Map<string, Host>();
afterAll(async () => {
  for (const h of hosts.values()) await h.close();
  hosts.clear();
});

/** A host with the Markdown importer and this plugin, configured with `config` (one per config). */
export async function hostFor(config?: Record<string, unknown>): Promise<Host> {
  const key = JSON.stringify(config ?? null);
  let host = hosts.get(key);
  if (!host) {
    host = await createHost({ plugins, ...(config ? { pluginConfig: { 'checker-similarity': config } } : {}) });
    hosts.set(key, host);
  }
  return host;
}

export interface Analysis {
  findings: Finding[];
  similarity: SimilarityMetric | undefined;
  /** Parts the document was analysed in (1: whole). */
  sections: number;
}

/** Runs the similarity checker through the real host on a file (in parts of `sectionBytes` when given). */
export async function analyze(file: string, config?: Record<string, unknown>, sectionBytes?: number): Promise<Analysis> {
  const host = await hostFor(config);
  const settings = sectionBytes === undefined ? [] : [{ limits: { sectionBytes } }];
  const r = await host.analyzePipeline(['similarity']).run(host.readInput(file), { settings });
  if (!r.analysis) throw new Error('no analysis');
  const checker = r.analysis.checkers.find((c) => c.id === 'similarity');
  if (checker?.status !== 'ok') throw new Error(`the checker did not run: ${JSON.stringify(checker)}`);
  return { findings: r.analysis.findings, similarity: r.analysis.metrics.similarity as SimilarityMetric | undefined, sections: r.analysis.sections ?? 1 };
}

/** The document model of a Markdown file, as the host imports it. */
export async function importDoc(file: string) {
  const host = await hostFor();
  const r = await host.analyzePipeline([]).run(host.readInput(file), { settings: [] });
  return r.document;
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'eia-similarity-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes files (path → content) under a folder; returns the folder. */
export function writeFiles(dir: string, files: Record<string, string | Uint8Array>): string {
  for (const [name, content] of Object.entries(files)) {
    const p = join(dir, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return dir;
}

/** Writes one Markdown document to a temporary folder and returns its path. */
export function tempDoc(text: string): string {
  const file = join(tempDir('eia-similarity-doc-'), 'doc.md');
  writeFileSync(file, text);
  return file;
}

export const passages = (a: Analysis) => a.findings.filter((f) => f.rule === 'similarity/copied-passage');

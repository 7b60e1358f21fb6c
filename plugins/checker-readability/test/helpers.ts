import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost, type Finding } from '@export-ia/core';
import { afterAll } from 'vitest';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
export const documents = here('../../../examples/documents');
const plugins = [here('../../importer-markdown'), here('..')];

const hosts = new Map<string, Awaited<ReturnType<typeof createHost>>>();
afterAll(async () => {
  for (const h of hosts.values()) await h.close();
  hosts.clear();
});

/** The readability metric as the checker documents it. */
export interface ReadabilityMetric {
  language: string;
  easeFormula: string;
  ease?: number;
  grade?: number;
  formulas: Record<string, number>;
  inflesz?: string;
  words: number;
  sentences: number;
  syllables?: number;
  sections: Array<{ title: string; index: number; level?: number; line?: number; words: number; sentences: number; ease: number; grade?: number }>;
  hardest: Array<{ excerpt: string; line?: number; column?: number; section: number; words: number; ease: number; raw: number; grade?: number }>;
  sentenceScores: Array<{ line?: number; column?: number; section: number; words: number; ease: number; grade?: number }>;
}

/** Runs the readability checker through the real host (Markdown importer included) on a file. */
export async function analyze(
  file: string,
  config?: Record<string, unknown>,
  sectionBytes?: number,
): Promise<{ findings: Finding[]; readability: ReadabilityMetric; sections?: number }> {
  const key = JSON.stringify(config ?? null);
  let host = hosts.get(key);
  if (!host) {
    host = await createHost({ plugins, ...(config ? { pluginConfig: { 'checker-readability': config } } : {}) });
    hosts.set(key, host);
  }
  // A small limits.sectionBytes makes the host analyse the document in parts and merge them.
  const settings = sectionBytes === undefined ? [] : [{ limits: { sectionBytes } }];
  const r = await host.analyzePipeline(['readability']).run(host.readInput(file), { settings });
  if (!r.analysis) throw new Error('no analysis');
  const checker = r.analysis.checkers.find((c) => c.id === 'readability');
  if (checker?.status !== 'ok') throw new Error(`the checker did not run: ${JSON.stringify(checker)}`);
  const out = { findings: r.analysis.findings, readability: r.analysis.metrics.readability as ReadabilityMetric };
  return r.analysis.sections === undefined ? out : { ...out, sections: r.analysis.sections };
}

/** Writes a Markdown document to a temporary folder and returns its path. */
export function tempDoc(text: string, lang?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'eia-readability-'));
  const file = join(dir, 'doc.md');
  writeFileSync(file, lang ? `---\nlang: ${lang}\n---\n\n${text}` : text);
  return file;
}

/** Runs the checker on a Markdown string. */
export function analyzeText(text: string, lang?: string, config?: Record<string, unknown>) {
  return analyze(tempDoc(text, lang), config);
}

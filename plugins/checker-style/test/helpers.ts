/**
 * Runs the style checker through the real host (Markdown importer + this plugin) on a string or
 * a file, and applies the fixes it offers to the source text.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost, type Host } from '@export-ia/core';
import { applyFixes, type Finding } from '@export-ia/core/plugin';
import { afterAll } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
export const PLUGIN = resolve(here, '..');
export const MARKDOWN = resolve(here, '../../importer-markdown');
export const HTML = resolve(here, '../../importer-html');
export const EXAMPLES = resolve(here, '../../../examples/documents');

const hosts = new Map<string, Promise<Host>>();
afterAll(async () => {
  for (const h of hosts.values()) await (await h).close();
  hosts.clear();
});

function hostFor(config: Record<string, unknown> | undefined, cwd: string): Promise<Host> {
  const key = `${cwd}\u0000${JSON.stringify(config ?? null)}`;
  let host = hosts.get(key);
  if (!host) {
    host = createHost({ plugins: [MARKDOWN, HTML, PLUGIN], cwd, ...(config ? { pluginConfig: { 'checker-style': config } } : {}) });
    hosts.set(key, host);
  }
  return host;
}

export const scratch = (): string => mkdtempSync(join(tmpdir(), 'eia-style-'));

export interface Checked {
  findings: Finding[];
  style: { words: number; findings: number; byRule: Record<string, number>; per1000: number };
  text: string;
  /** The source with every offered fix applied. */
  fixed: string;
  error?: { code: string; message: string };
  /** Findings of one rule. */
  of(rule: string): Finding[];
  /** How many parts the host analysed the document in (documents analysed in sections). */
  sections?: number;
}

export interface RunOptions {
  config?: Record<string, unknown>;
  /** Front-matter language (`lang:`), prepended to the text. */
  lang?: string;
  cwd?: string;
  /** limits.sectionBytes: a small value makes the host analyse the document in parts and merge them. */
  sectionBytes?: number;
}

/** Checks a Markdown string (written to a temp file) or, with `file`, a file on disk. */
export async function check(markdown: string | { file: string }, options: RunOptions = {}): Promise<Checked> {
  const dir = options.cwd ?? scratch();
  let path: string;
  if (typeof markdown === 'string') {
    path = join(dir, `doc-${Math.random().toString(36).slice(2)}.md`);
    writeFileSync(path, options.lang ? `---\nlang: ${options.lang}\n---\n\n${markdown}` : markdown);
  } else path = markdown.file;
  const host = await hostFor(options.config, dir);
  const input = host.readInput(path);
  const settings = options.sectionBytes === undefined ? [] : [{ limits: { sectionBytes: options.sectionBytes } }];
  const r = await host.analyzePipeline(['style']).run(input, { settings });
  const analysis = r.analysis as NonNullable<typeof r.analysis>;
  const text = new TextDecoder().decode(input.bytes);
  const findings = analysis.findings;
  const status = analysis.checkers.find((c) => c.id === 'style');
  const fixed = applyFixes(
    text,
    findings.flatMap((f) => (f.fix ? [f.fix] : [])),
  ).text;
  const out: Checked = {
    findings,
    style: analysis.metrics.style as Checked['style'],
    text,
    fixed,
    of: (rule) => findings.filter((f) => f.rule === rule),
  };
  if (analysis.sections !== undefined) out.sections = analysis.sections;
  if (status?.error) out.error = { code: status.error.code, message: status.error.message };
  return out;
}

/** The source text a finding points at, from its offsets. */
export const at = (c: Checked, f: Finding | undefined): string =>
  f?.position?.offset === undefined ? '' : c.text.slice(f.position.offset, f.position.endOffset ?? f.position.offset);

/**
 * `export-ia analyze`: every input through the checkers (as a job: its score joins the history),
 * then a report — text grouped by file like ESLint and Vale, JSON, SARIF 2.1.0 or HTML — and
 * optional safe fixes (`--fix` writes fixed copies, `--write` edits the sources).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import {
  type AnalyzedDocument,
  type Audience,
  applyFixes,
  type ConfigFile,
  ExportIaError,
  type Finding,
  type Host,
  isExportIaError,
  type JobOutcome,
  JobRunner,
  mergeSettings,
  openJobStore,
  type QualityReport,
  resolveDataDir,
  type SettingsLayer,
  type SourceInput,
  SqliteCorpus,
  settingsFromEnv,
  toSarif,
  writeFileAtomic,
} from '@export-ia/core';
import type { CliContext, ExportFlags } from './export-command.js';
import { expandInputs, settingsFromFlags } from './export-command.js';
import { renderQualityHtml } from './quality-html.js';
import { minScoreOf, sourceTextOf } from './quality-support.js';

export interface AnalyzeFlags extends Pick<ExportFlags, 'lang' | 'from' | 'config' | 'jobs' | 'dataDir' | 'quiet' | 'allowRemote' | 'resourcePath'> {
  checkers?: string;
  format?: string;
  output?: string;
  minScore?: string;
  audience?: string;
  fix?: boolean;
  write?: boolean;
}

const FORMATS = ['text', 'json', 'sarif', 'html'] as const;
const AUDIENCES: readonly Audience[] = ['children', 'general', 'technical', 'academic'];

const useColor = (s: { isTTY?: boolean }, env: CliContext['env']) => Boolean(s.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';

function paint(on: boolean) {
  const w = (c: string) => (t: string) => (on ? `\x1b[${c}m${t}\x1b[0m` : t);
  return { red: w('31'), yellow: w('33'), cyan: w('36'), dim: w('2'), bold: w('1'), green: w('32') };
}

/** The text report: findings grouped by file, then a summary line. */
export function textReport(docs: readonly AnalyzedDocument[], failed: readonly JobOutcome[], color: boolean, minScore: number | undefined): string {
  const c = paint(color);
  const sev = { error: c.red('error'), warning: c.yellow('warning'), suggestion: c.cyan('suggestion'), info: c.dim('info') };
  let out = '';
  const counts = { error: 0, warning: 0, suggestion: 0, info: 0 };
  for (const d of docs) {
    const gate = minScore !== undefined && d.score.score < minScore ? c.red(` (below ${minScore})`) : '';
    out += `\n${c.bold(d.file)}  ${c.bold(`score ${d.score.score}/100`)}${gate}${d.language ? c.dim(`  ${d.language}`) : ''}${d.words ? c.dim(`  ${d.words.toLocaleString('en-US')} words`) : ''}\n`;
    const width = Math.max(0, ...d.findings.map((f) => (f.position ? `${f.position.line}:${f.position.column}` : '').length));
    for (const f of d.findings) {
      counts[f.severity]++;
      const where = (f.position ? `${f.position.line}:${f.position.column}` : '').padEnd(width);
      const text = f.suggestion ? `${f.message} ${c.dim(f.suggestion)}` : f.message;
      out += `  ${c.dim(where)}  ${sev[f.severity]}${' '.repeat(Math.max(1, 11 - f.severity.length))}${text}  ${c.dim(f.rule)}\n`;
    }
    if (d.findings.length === 0) out += `  ${c.green('no findings')}\n`;
    const subs = d.score.subscores.map((s) => `${s.label} ${Math.round(s.score)}`).join(' · ');
    if (subs) out += `  ${c.dim(subs)}${d.score.missing.length ? c.dim(`  (not checked: ${d.score.missing.join(', ')})`) : ''}\n`;
    for (const ch of d.checkers.filter((x) => x.status === 'failed')) out += `  ${c.red('checker failed')} ${ch.id}: ${ch.error?.message ?? ''}\n`;
    if (d.fixed) out += `  ${c.green(`fixed ${d.fixed.applied}`)}${d.fixed.skipped ? ` (${d.fixed.skipped} overlapping, run again)` : ''} → ${d.fixed.path}\n`;
  }
  for (const f of failed)
    out += `\n${c.bold(f.input)}  ${c.red(f.error?.code ?? 'failed')} ${f.error?.message ?? ''}\n${f.error?.hint ? `  hint: ${f.error.hint}\n` : ''}`;
  const total = counts.error + counts.warning + counts.suggestion + counts.info;
  const lowest = docs.length > 0 ? Math.min(...docs.map((d) => d.score.score)) : undefined;
  out += `\n${total === 0 ? c.green('✔') : c.yellow('✖')} ${total} finding${total === 1 ? '' : 's'} (${counts.error} errors, ${counts.warning} warnings, ${counts.suggestion} suggestions, ${counts.info} info) in ${docs.length} file${docs.length === 1 ? '' : 's'}`;
  if (lowest !== undefined) out += `; lowest score ${lowest}`;
  if (failed.length > 0) out += `; ${failed.length} could not be analysed`;
  return `${out.trimStart()}\n`;
}

/** Applies the safe fixes of one document: to a copy beside it (or in `outDir`), or in place. */
function fixDocument(doc: AnalyzedDocument, inPlace: boolean, outDir: string | undefined): void {
  const fixes = doc.findings.flatMap((f: Finding) => (f.fix ? [f.fix] : []));
  if (!doc.path || fixes.length === 0) return;
  const text = sourceTextOf(doc);
  if (text === undefined) return;
  const r = applyFixes(text, fixes);
  const ext = extname(doc.path);
  const target = inPlace ? doc.path : join(outDir ?? dirname(doc.path), `${basename(doc.path, ext)}.fixed${ext}`);
  // The offsets refer to the text without its byte-order mark: keep the mark the file had.
  const bom = readFileSync(doc.path)
    .subarray(0, 3)
    .equals(Buffer.from([0xef, 0xbb, 0xbf]))
    ? '\ufeff'
    : '';
  writeFileAtomic(target, new TextEncoder().encode(bom + r.text), target);
  doc.fixed = { path: target, applied: r.applied.length, skipped: r.skipped.length };
}

/** Runs the analyze command; returns the exit code. */
export async function runAnalyze(
  inputsArg: readonly string[],
  flags: AnalyzeFlags,
  host: Host,
  config: ConfigFile | undefined,
  ctx: CliContext,
): Promise<number> {
  const format = (flags.format ?? 'text').toLowerCase();
  if (!(FORMATS as readonly string[]).includes(format))
    throw new ExportIaError('EIA_USAGE', { detail: `--format must be one of ${FORMATS.join(', ')}, not "${flags.format}"` });
  const minScore = minScoreOf(flags.minScore);
  const audience = flags.audience?.toLowerCase();
  if (audience !== undefined && !(AUDIENCES as readonly string[]).includes(audience))
    throw new ExportIaError('EIA_USAGE', { detail: `--audience must be one of ${AUDIENCES.join(', ')}, not "${flags.audience}"` });
  if (flags.fix && flags.write) throw new ExportIaError('EIA_USAGE', { detail: 'use --fix (fixed copies) or --write (edit the sources), not both' });
  const known = host.checkerIds();
  const checkers = flags.checkers
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const id of checkers ?? []) {
    if (!known.includes(id)) throw new ExportIaError('EIA_COMPONENT_NOT_FOUND', { kind: 'checker', id, known: known.join(', ') || 'none' });
  }
  if (inputsArg.length === 0) throw new ExportIaError('EIA_USAGE', { detail: 'no input given (files or quoted globs)' });
  const layers: SettingsLayer[] = [settingsFromFlags(flags), settingsFromEnv(ctx.env), ...(config ? [config.layer] : [])];
  const merged = mergeSettings(...layers);
  const inputs = await expandInputs(inputsArg, ctx.cwd);
  const threads = flags.jobs ? Number(flags.jobs) : Math.min(availableParallelism(), Math.max(1, inputs.length));
  if (flags.jobs && (!/^\d+$/.test(flags.jobs.trim()) || threads < 1))
    throw new ExportIaError('EIA_USAGE', { detail: `--jobs must be a positive whole number, not "${flags.jobs}"` });

  const jobStore = openJobStore(resolveDataDir(flags.dataDir, ctx.env, ctx.cwd));
  // The similarity corpus lives in the same database; checks that use it run in this thread.
  const corpus = new SqliteCorpus(jobStore.store.database);
  if (corpus.count() > 0) host.corpus = corpus;
  const useThreads = host.corpus ? 1 : threads;
  const runner = new JobRunner({
    store: jobStore.store,
    blobs: jobStore.blobs,
    host,
    threads: useThreads,
    // In a worker thread even for one file: a step stuck in a loop is stopped at its deadline.
    isolate: !host.corpus,
    concurrency: useThreads > 1 ? useThreads * 2 : 1,
    metadata: { correlationId: randomUUID() },
  });
  try {
    const failed: JobOutcome[] = [];
    const ids: string[] = [];
    for (const p of inputs) {
      let source: SourceInput;
      try {
        source = host.readInput(p.input, merged.limits.maxInputBytes);
      } catch (err) {
        const e = isExportIaError(err) ? err : new ExportIaError('EIA_INPUT_UNREADABLE', { file: p.input, detail: String(err) });
        failed.push({
          jobId: '',
          resumed: false,
          input: p.input,
          status: 'failed',
          written: [],
          failures: [],
          error: e.toJSON(),
          diagnostics: [],
          steps: [],
          ms: 0,
        });
        continue;
      }
      const quality = { ...(checkers ? { checkers } : {}), ...(audience ? { audience: audience as Audience } : {}) };
      ids.push((await runner.submitExport({ source, targets: {}, settings: layers, quality, kind: 'analyze' })).jobId);
    }
    const outcomes = await runner.runAll(ids);
    const docs: AnalyzedDocument[] = [];
    for (const o of outcomes) {
      if (o.analysis && o.status !== 'failed') docs.push(o.analysis);
      else failed.push(o);
    }
    const outDir =
      flags.output && (flags.output.endsWith('/') || (existsSync(resolve(ctx.cwd, flags.output)) && statSync(resolve(ctx.cwd, flags.output)).isDirectory()));
    if (flags.fix || flags.write)
      for (const d of docs) fixDocument(d, Boolean(flags.write), flags.fix && outDir ? resolve(ctx.cwd, flags.output as string) : undefined);

    const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    const report: QualityReport = { version: 1, tool: { name: 'export-ia', version }, generatedAt: new Date().toISOString(), documents: docs };
    const write = (text: string, defaultName?: string) => {
      if (!flags.output || flags.output === '-') {
        ctx.streams.stdout.write(text);
        return;
      }
      const target = outDir && defaultName ? join(resolve(ctx.cwd, flags.output), defaultName) : resolve(ctx.cwd, flags.output);
      writeFileAtomic(target, new TextEncoder().encode(text), target);
      if (!flags.quiet) ctx.streams.stderr.write(`wrote ${target}\n`);
    };
    if (format === 'json') write(`${JSON.stringify(report, null, 2)}\n`, 'quality.json');
    else if (format === 'sarif') write(`${JSON.stringify(toSarif(report, ctx.cwd), null, 2)}\n`, 'quality.sarif');
    else if (format === 'html') {
      if (docs.length > 1 && !outDir) throw new ExportIaError('EIA_USAGE', { detail: 'several inputs with --format html need -o <directory>/' });
      for (const d of docs) {
        const html = renderQualityHtml(d, sourceTextOf(d), { generatedAt: report.generatedAt, toolVersion: version, ...(d.title ? { title: d.title } : {}) });
        const name = `${basename(d.file, extname(d.file))}.quality.html`;
        if (!flags.output) {
          const target = d.path ? join(dirname(d.path), name) : resolve(ctx.cwd, name);
          writeFileAtomic(target, new TextEncoder().encode(html), target);
          if (!flags.quiet) ctx.streams.stderr.write(`wrote ${target}\n`);
        } else write(html, name);
      }
    } else if (!flags.quiet || failed.length > 0 || (minScore !== undefined && docs.some((d) => d.score.score < minScore)))
      write(textReport(docs, failed, useColor(ctx.streams.stdout, ctx.env), minScore));
    if (format !== 'text' && failed.length > 0)
      for (const f of failed) ctx.streams.stderr.write(`error ${f.error?.code ?? 'EIA_INTERNAL'} ${f.input}: ${f.error?.message ?? 'failed'}\n`);

    // A checker that failed leaves its sub-score out: the result is incomplete, so a gate must not pass.
    if (failed.length > 0 || docs.some((d) => d.checkers.some((c) => c.status === 'failed'))) return 3;
    if (minScore !== undefined && docs.some((d) => d.score.score < minScore)) return 1;
    return 0;
  } finally {
    await runner.close();
    await jobStore.close();
  }
}

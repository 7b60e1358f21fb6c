/**
 * `export-ia export`: settings from flags > environment > config file > front matter, inputs
 * from paths, globs or stdin, destinations planned up front, then a batch over worker threads.
 */

import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import {
  type ConfigFile,
  checkSettingsLayer,
  DEFAULT_RETENTION_DAYS,
  ExportIaError,
  findConfigFile,
  type Host,
  type InputOutcome,
  isAdoptable,
  isExportIaError,
  JobQueue,
  JobRunner,
  loadConfigFile,
  loadPipelineFile,
  mergeSettings,
  openJobStore,
  type PipelineSpec,
  type PlannedInput,
  planOutputs,
  pruneIfDue,
  readInputStream,
  resolveDataDir,
  type SettingsLayer,
  type SourceInput,
  SqliteCorpus,
  settingsFromEnv,
  writeFileAtomic,
} from '@export-ia/core';
import { glob, isDynamicPattern } from 'tinyglobby';
import { renderQualityHtml } from './quality-html.js';
import { minScoreOf, sourceTextOf } from './quality-support.js';
import { humanReporter, jsonReporter, type Reporter, type Streams } from './reporter.js';

export interface ExportFlags {
  to?: string[];
  output?: string;
  theme?: string;
  metadata?: string[];
  pdfStandard?: string;
  toc?: boolean;
  titlePage?: boolean;
  numberSections?: boolean;
  lang?: string;
  from?: string;
  allowRemote?: boolean;
  resourcePath?: string[];
  fontPath?: string[];
  pipeline?: string;
  config?: string | false;
  jobs?: string;
  dataDir?: string;
  quality?: boolean;
  minScore?: string;
  json?: boolean;
  quiet?: boolean;
}

export interface CliContext {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  streams: Streams;
  stdin: NodeJS.ReadableStream;
}

/** Finds and loads the config file (flag, EXPORT_IA_CONFIG, or the nearest one upward). */
export function loadConfig(flags: { config?: string | false }, ctx: CliContext): ConfigFile | undefined {
  if (flags.config === false) return undefined;
  const explicit = flags.config ?? ctx.env.EXPORT_IA_CONFIG;
  if (explicit) {
    const abs = resolve(ctx.cwd, explicit);
    const path = existsSync(abs) ? abs : undefined;
    if (!path) throw new ExportIaError('EIA_CONFIG_PARSE', { file: explicit, detail: 'file not found' });
    return loadConfigFile(path);
  }
  const found = findConfigFile(ctx.cwd);
  return found ? loadConfigFile(found) : undefined;
}

function parseMetadata(values: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const raw of values) {
    const eq = raw.indexOf('=');
    if (eq <= 0) throw new ExportIaError('EIA_METADATA_INVALID', { value: raw });
    const key = raw.slice(0, eq).trim();
    const value = raw.slice(eq + 1);
    const prior = out[key];
    // Repeating a key builds a list (`-M author=A -M author=B`).
    out[key] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  return out;
}

function splitList(values: readonly string[] | undefined): string[] | undefined {
  if (!values || values.length === 0) return undefined;
  return [
    ...new Set(
      values
        .flatMap((v) => v.split(','))
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}

/** The flags as a settings layer (only what was given). */
export function settingsFromFlags(flags: ExportFlags): SettingsLayer {
  const layer: Record<string, unknown> = {};
  const to = splitList(flags.to);
  if (to) layer.to = to;
  if (flags.theme) layer.theme = flags.theme;
  if (flags.metadata && flags.metadata.length > 0) layer.metadata = parseMetadata(flags.metadata);
  if (flags.pdfStandard) layer.pdfStandard = flags.pdfStandard.toLowerCase();
  if (flags.toc !== undefined) layer.toc = flags.toc;
  if (flags.titlePage !== undefined) layer.titlePage = flags.titlePage;
  if (flags.numberSections !== undefined) layer.numberSections = flags.numberSections;
  if (flags.lang) layer.lang = flags.lang;
  if (flags.from) layer.from = flags.from.toLowerCase();
  if (flags.allowRemote) layer.allowRemote = true;
  if (flags.resourcePath && flags.resourcePath.length > 0) layer.resourcePaths = flags.resourcePath;
  if (flags.fontPath && flags.fontPath.length > 0) layer.fontPaths = flags.fontPath;
  return checkSettingsLayer(layer, 'command-line flags');
}

/** The folder part of a glob before its first pattern segment (`docs/**\/*.md` → `docs`). */
function globBase(pattern: string): string {
  const parts = pattern.split('/');
  const fixed: string[] = [];
  for (const part of parts) {
    if (isDynamicPattern(part)) break;
    fixed.push(part);
  }
  if (fixed.length === parts.length) fixed.pop();
  return fixed.join('/') || '.';
}

/** Expands globs; plain paths pass through (a missing file is that input's error, not a usage error). */
export async function expandInputs(args: readonly string[], cwd: string): Promise<PlannedInput[]> {
  const out: PlannedInput[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    if (arg !== '-' && isDynamicPattern(arg)) {
      const matches = await glob(arg, { cwd, onlyFiles: true, expandDirectories: false, absolute: false });
      if (matches.length === 0) throw new ExportIaError('EIA_GLOB_NO_MATCH', { pattern: arg });
      const base = globBase(arg);
      for (const m of matches.sort()) {
        if (!seen.has(m)) out.push({ input: m, base });
        seen.add(m);
      }
    } else if (!seen.has(arg)) {
      seen.add(arg);
      out.push({ input: arg });
    }
  }
  return out;
}

function exitCodeOf(outcomes: readonly InputOutcome[]): number {
  return outcomes.some((o) => o.status !== 'ok') ? 3 : 0;
}

/** Runs the export command; returns the exit code. */
export async function runExport(
  inputsArg: readonly string[],
  flags: ExportFlags,
  host: Host,
  config: ConfigFile | undefined,
  ctx: CliContext,
): Promise<number> {
  const dataOnStdout = flags.output === '-';
  const reporter: Reporter = flags.json
    ? jsonReporter(ctx.streams, { dataOnStdout })
    : humanReporter(ctx.streams, { cwd: ctx.cwd, quiet: Boolean(flags.quiet), dataOnStdout });
  try {
    const flagLayer = settingsFromFlags(flags);
    const envLayer = settingsFromEnv(ctx.env);
    const layers: SettingsLayer[] = [flagLayer, envLayer, ...(config ? [config.layer] : [])];
    const merged = mergeSettings(...layers);
    const output = flags.output ?? envLayer.output ?? config?.layer.output;
    let pipeline: PipelineSpec | undefined;
    const pipelineSource = flags.pipeline ? resolve(ctx.cwd, flags.pipeline) : undefined;
    if (pipelineSource) {
      pipeline = loadPipelineFile(pipelineSource);
      host.pipeline(pipeline, pipelineSource); // validates component names now, before any input is read
    }
    const formats = pipeline ? ((pipeline.steps.at(-1) as { exporters?: string[] }).exporters ?? []) : merged.to;
    const exporters = new Map(host.exporters().map((e) => [e.id, e]));
    for (const f of formats) {
      if (!exporters.has(f)) throw new ExportIaError('EIA_UNKNOWN_FORMAT', { format: f, known: [...exporters.keys()].join(', ') });
    }
    // Unknown or invalid theme: a usage error before any work (`auto` is chosen per document).
    if (merged.theme !== 'auto') host.resolveTheme(merged.theme);
    if (inputsArg.length === 0) throw new ExportIaError('EIA_USAGE', { detail: 'no input given (a file, a glob, or - for stdin)' });
    const inputs = await expandInputs(inputsArg, ctx.cwd);
    const plan = planOutputs(
      inputs,
      formats.map((f) => ({ id: f, extension: (exporters.get(f) as { extension: string }).extension })),
      output,
      { cwd: ctx.cwd, isDirectory: (p) => existsSync(p) && statSync(p).isDirectory() },
    );
    const quality = Boolean(flags.quality) || flags.minScore !== undefined;
    const minScore = minScoreOf(flags.minScore);
    const jobs = flags.jobs ? Number(flags.jobs) : Math.min(availableParallelism(), Math.max(1, inputs.length));
    if (flags.jobs && (!/^\d+$/.test(flags.jobs.trim()) || !Number.isInteger(jobs) || jobs < 1))
      throw new ExportIaError('EIA_USAGE', { detail: `--jobs must be a positive whole number, not "${flags.jobs}"` });
    const jobStore = openJobStore(resolveDataDir(flags.dataDir, ctx.env, ctx.cwd));
    const corpus = quality ? new SqliteCorpus(jobStore.store.database) : undefined;
    if (corpus && corpus.count() > 0) host.corpus = corpus;
    const runner = new JobRunner({
      store: jobStore.store,
      blobs: jobStore.blobs,
      host,
      // Checks against the corpus run in this thread (worker threads have no database handle).
      threads: host.corpus ? 1 : jobs,
      // In a worker thread even for one file: a step stuck in a loop is stopped at its deadline.
      isolate: !host.corpus,
      // Two jobs per worker thread keep every thread busy while the main thread stores outputs.
      concurrency: !host.corpus && jobs > 1 ? jobs * 2 : 1,
      metadata: { correlationId: randomUUID() },
      onEvent: (e) => reporter.event(e),
      stdout: (bytes) => new Promise<void>((resolve) => ctx.streams.stdout.write(bytes, () => resolve())),
    });
    try {
      reporter.start(inputs.length, formats);
      const outcomes: InputOutcome[] = [];
      const failed = (input: string, error: ExportIaError) => {
        const outcome: InputOutcome = { input, status: 'failed', written: [], failures: [], error: error.toJSON(), diagnostics: [], steps: [], ms: 0 };
        outcomes.push(outcome);
        reporter.event({ type: 'input-finished', file: input, outcome });
      };
      const jobIds: string[] = [];
      for (const p of plan) {
        if (p.error) {
          failed(p.input, p.error);
          continue;
        }
        let source: SourceInput;
        try {
          source =
            p.input === '-'
              ? await readInputStream(ctx.stdin as unknown as import('node:stream').Readable, { maxBytes: merged.limits.maxInputBytes, dir: ctx.cwd })
              : host.readInput(p.input, merged.limits.maxInputBytes);
        } catch (err) {
          failed(
            p.input,
            isExportIaError(err) ? err : new ExportIaError('EIA_INPUT_UNREADABLE', { file: p.input === '-' ? 'stdin' : p.input, detail: String(err) }),
          );
          continue;
        }
        const targets = { ...p.targets };
        // --quality: the report goes beside the first file output, as <name>.quality.json (+ .html).
        const firstFile = Object.values(p.targets).find((t) => t !== '-');
        if (quality && firstFile) targets.quality = join(dirname(firstFile), `${basename(p.input, extname(p.input))}.quality.json`);
        const { jobId } = await runner.submitExport({
          source,
          targets,
          settings: layers,
          ...(pipeline && pipelineSource ? { pipeline, pipelineSource } : {}),
          ...(quality ? { quality: {} } : {}),
        });
        jobIds.push(jobId);
      }
      const results = await runner.runAll(jobIds);
      outcomes.push(...results);
      let belowGate = false;
      let checkerFailed = false;
      for (const r of results) {
        if (!r.analysis) continue;
        if (r.analysis.checkers.some((c) => c.status === 'failed')) checkerFailed = true;
        if (minScore !== undefined && r.analysis.score.score < minScore) belowGate = true;
        const json = r.written.find((w) => w.format === 'quality');
        if (json) {
          const html = json.path.replace(/\.json$/, '.html');
          writeFileAtomic(
            html,
            new TextEncoder().encode(
              renderQualityHtml(r.analysis, sourceTextOf(r.analysis), {
                generatedAt: new Date().toISOString(),
                ...(r.analysis.title ? { title: r.analysis.title } : {}),
              }),
            ),
            html,
          );
        }
        if (!flags.json && !flags.quiet)
          ctx.streams.stderr.write(
            `quality ${r.input}: ${r.analysis.score.score}/100${minScore !== undefined && r.analysis.score.score < minScore ? ` (below ${minScore})` : ''}\n`,
          );
      }
      const days = Number(ctx.env.EXPORT_IA_RETENTION_DAYS ?? DEFAULT_RETENTION_DAYS);
      if (Number.isFinite(days) && days >= 0) await pruneIfDue(jobStore, days).catch(() => undefined);
      const orphans = jobStore.store.database.read(() => new JobQueue(jobStore.store.database).all().filter((r) => isAdoptable(r, Date.now())).length);
      if (orphans > 0 && !flags.json && !flags.quiet)
        ctx.streams.stderr.write(`note: ${orphans} unfinished job(s) from an earlier run are waiting; \`export-ia jobs resume\` finishes them\n`);
      // A failed checker leaves the score incomplete: like a failed input (a gate must not pass).
      const code = exitCodeOf(outcomes) || (checkerFailed ? 3 : belowGate ? 1 : 0);
      reporter.done(outcomes, code);
      return code;
    } finally {
      await runner.close();
      await jobStore.close();
    }
  } catch (err) {
    const e = isExportIaError(err) ? err : new ExportIaError('EIA_INTERNAL', { detail: (err as Error)?.message ?? String(err) });
    reporter.fatal(e.toJSON());
    return e.exitCode;
  }
}

/**
 * `export-ia clip`: long videos in (files, folders, globs), ranked short clips out. One video at
 * a time (each already uses every core while rendering); a failed video never stops the batch.
 */
import { readdir, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import {
  type ConfigFile,
  ExportIaError,
  type Host,
  isExportIaError,
  type JobStore,
  openJobStore,
  ownerIsDead,
  resolveDataDir,
  type SerializedError,
  toExportIaError,
} from '@export-ia/core';
import type { Aspect, AsrConfig, CaptionMode, ClipEvent, ClipOptions, ClipResult, Layout, VideoSteps } from '@export-ia/video';
import { checkWhisperModel, clipConfig, clipVideo, pickStep, STAGES, transcriberIds } from '@export-ia/video';
import { type Command, Option } from 'commander';
import { glob, isDynamicPattern } from 'tinyglobby';
import { CLIP_STREAM_PREFIX, type ClipJob, openClipJob } from './clip-jobs.js';
import { type CliContext, loadConfig } from './export-command.js';

/** Runs `fn` with a host holding the built-in, installed and configured plugins (main.ts). */
export type WithHost = <T>(config: ConfigFile | undefined, ctx: CliContext, dataDir: string | undefined, fn: (host: Host) => Promise<T>) => Promise<T>;

/** A video's name as one folder name: no leading dots, no separators or control characters. */
export function folderName(name: string): string {
  const forbidden = process.platform === 'win32' ? '\\/:*?"<>|' : '\\/';
  const clean = [...name.replace(/^\.+/, '')].map((c) => (c.charCodeAt(0) < 32 || forbidden.includes(c) ? '_' : c)).join('');
  return clean || 'video';
}

/** A BCP 47 language tag, loosely: `en`, `pt-BR`, `zh-Hant`. */
const LANGUAGE_TAG = /^[a-zA-Z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

export const VIDEO_EXTENSIONS = new Set(['.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi', '.mpg', '.mpeg', '.ts', '.mts', '.flv', '.wmv', '.3gp']);

export interface ClipFlags {
  out: string;
  count?: string;
  config?: string | false;
  min?: string;
  max?: string;
  preset?: 'short' | 'medium' | 'long';
  aspect?: Aspect;
  captions?: CaptionMode;
  captionStyle?: string;
  transcript?: string;
  lang?: string;
  removeSilence?: boolean;
  removeFillers?: boolean;
  keywords?: string;
  resolution?: string;
  layout?: Layout;
  asr?: string;
  asrModel?: string;
  asrUrl?: string;
  asrKeyEnv?: string;
  detector?: string;
  scorer?: string;
  captioner?: string;
  json?: boolean;
  quiet?: boolean;
  dataDir?: string;
  llmUrl?: string;
  llmModel?: string;
  llmKeyEnv?: string;
}

function actorName(ctx: CliContext): string {
  try {
    return `cli:${ctx.env.USER ?? userInfo().username}`;
  } catch {
    return 'cli';
  }
}

const PRESETS = { short: [15, 30], medium: [30, 60], long: [60, 90] } as const;

function positiveNumber(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new ExportIaError('EIA_USAGE', { detail: `${flag} must be a positive number (got "${value}")` });
  return n;
}

/** Inputs: files as given, folders → the videos inside (not recursive), globs → their matches. */
export async function expandVideoInputs(args: readonly string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  for (const arg of args) {
    if (isDynamicPattern(arg)) {
      const matches = await glob(arg, { cwd, onlyFiles: true, expandDirectories: false });
      if (matches.length === 0) throw new ExportIaError('EIA_GLOB_NO_MATCH', { pattern: arg });
      out.push(...matches.sort().map((m) => resolve(cwd, m)));
      continue;
    }
    const abs = resolve(cwd, arg);
    const info = await stat(abs).catch(() => undefined);
    if (info?.isDirectory()) {
      const entries = (await readdir(abs)).filter((f) => VIDEO_EXTENSIONS.has(extname(f).toLowerCase())).sort();
      if (entries.length === 0)
        throw new ExportIaError('EIA_GLOB_NO_MATCH', { pattern: `${arg}/*.{${[...VIDEO_EXTENSIONS].map((e) => e.slice(1)).join(',')}}` });
      out.push(...entries.map((f) => join(abs, f)));
    } else out.push(abs);
  }
  return [...new Set(out)];
}

function bar(fraction: number, width = 20): string {
  const full = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
}

function progressPrinter(ctx: CliContext, flags: ClipFlags) {
  const out = ctx.streams.stdout;
  const tty = Boolean(out.isTTY);
  let lastLine = '';
  let lastStage = '';
  let pending = '';
  return {
    event(file: string, event: ClipEvent) {
      if (flags.json) {
        out.write(`${JSON.stringify({ file, ...event })}\n`);
        return;
      }
      if (flags.quiet) return;
      if (event.type === 'warning') {
        if (tty && lastLine) out.write('\n');
        lastLine = '';
        ctx.streams.stderr.write(`warning ${event.diagnostic.code} ${event.diagnostic.message}\n  hint: ${event.diagnostic.hint}\n`);
        return;
      }
      if (event.type === 'clip') return;
      const step = `${STAGES.indexOf(event.stage) + 1}/${STAGES.length}`;
      const line = `  ${step} ${event.stage.padEnd(10)} ${bar(event.fraction)} ${String(Math.round(event.fraction * 100)).padStart(3)}%${event.note ? `  ${event.note}` : ''}`;
      if (tty) {
        if (event.stage !== lastStage && lastLine) out.write('\n');
        out.write(`\r${line}\x1b[K`);
        lastLine = line;
        lastStage = event.stage;
      } else {
        // Piped: one line per finished stage (its last report, which carries the summary).
        if (event.stage !== lastStage && pending) out.write(`${pending}\n`);
        pending = event.fraction >= 1 ? line : '';
        lastStage = event.stage;
      }
    },
    end() {
      if (tty && lastLine && !flags.json && !flags.quiet) out.write('\n');
      if (!tty && pending) out.write(`${pending}\n`);
      pending = '';
      lastLine = '';
      lastStage = '';
    },
  };
}

const STEP_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** A step id flag: its form only (which steps exist is known once the plugins are loaded). */
function stepFlag(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && !STEP_ID.test(value)) {
    throw new ExportIaError('EIA_USAGE', {
      detail: `${flag} takes a step id such as ${flag === '--asr' ? 'pocketsphinx' : flag === '--detector' ? 'face' : 'standard'} (got "${value}")`,
    });
  }
  return value;
}

function asrConfig(flags: ClipFlags): AsrConfig | undefined {
  if (!flags.asr && !flags.asrModel && !flags.asrUrl) return undefined;
  const engine = stepFlag('--asr', flags.asr) ?? 'auto';
  const config: AsrConfig = { engine };
  if (flags.asrModel) config.model = flags.asrModel;
  if (flags.asrUrl || flags.asrKeyEnv)
    config.openai = { ...(flags.asrUrl ? { url: flags.asrUrl } : {}), ...(flags.asrKeyEnv ? { apiKeyEnv: flags.asrKeyEnv } : {}) };
  return config;
}

/** Runs `export-ia clip`. Returns the exit code. Flags win over the config file's `clip:` section. */
export async function runClip(inputsArg: readonly string[], flags: ClipFlags, ctx: CliContext, withHost: WithHost): Promise<number> {
  const config = loadConfig({ ...(flags.config === undefined ? {} : { config: flags.config }) }, ctx);
  const base = config ? clipConfig(config.clip, config.dir, config.path) : {};
  const preset = flags.preset ? PRESETS[flags.preset] : undefined;
  const min = flags.min !== undefined || preset ? positiveNumber('--min', flags.min, preset?.[0] ?? 15) : (base.min ?? 15);
  const max = flags.max !== undefined || preset ? positiveNumber('--max', flags.max, preset?.[1] ?? 60) : (base.max ?? 60);
  if (max < min) throw new ExportIaError('EIA_USAGE', { detail: `--max (${max}) is shorter than --min (${min})` });
  const count = flags.count !== undefined ? positiveNumber('--count', flags.count, 5) : (base.count ?? 5);
  if (!Number.isInteger(count)) throw new ExportIaError('EIA_USAGE', { detail: `--count must be a whole number (got "${flags.count}")` });
  const resolution = flags.resolution !== undefined ? Number(flags.resolution) : (base.resolution ?? 1080);
  if (resolution !== 720 && resolution !== 1080)
    throw new ExportIaError('EIA_USAGE', { detail: `--resolution must be 720 or 1080 (got "${flags.resolution}")` });
  if (inputsArg.length === 0) throw new ExportIaError('EIA_USAGE', { detail: 'no input given (a video file, a folder or a glob)' });
  const flagAsr = asrConfig(flags);
  if (flagAsr?.model) flagAsr.model = resolve(ctx.cwd, flagAsr.model);
  const asr = flagAsr
    ? { ...base.asr, ...flagAsr, ...(flagAsr.openai || base.asr?.openai ? { openai: { ...base.asr?.openai, ...flagAsr.openai } } : {}) }
    : base.asr;
  // A missing whisper model is the user's to fix: say so before any video is decoded.
  if (asr?.engine === 'whisper' || (asr?.model && (asr.engine ?? 'auto') === 'auto')) await checkWhisperModel(asr.model);
  const baseLlm = base.llm && !('score' in base.llm) ? base.llm : undefined;
  const llmUrl = flags.llmUrl ?? baseLlm?.url;
  const llmModel = flags.llmModel ?? baseLlm?.model;
  if ((flags.llmUrl || flags.llmModel) && !(llmUrl && llmModel)) {
    throw new ExportIaError('EIA_USAGE', { detail: 'the language-model score needs both --llm-url and --llm-model' });
  }
  const llm = llmUrl && llmModel ? { ...baseLlm, url: llmUrl, model: llmModel, ...(flags.llmKeyEnv ? { apiKeyEnv: flags.llmKeyEnv } : {}) } : undefined;
  const keywords =
    flags.keywords !== undefined
      ? flags.keywords
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean)
      : (base.keywords ?? []);
  const options: Omit<ClipOptions, 'input' | 'outDir'> = {
    ...base,
    count,
    min,
    max,
    resolution,
    aspect: flags.aspect ?? base.aspect ?? '9:16',
    layout: flags.layout ?? base.layout ?? 'auto',
    captions: flags.captions ?? base.captions ?? 'karaoke',
    keywords,
    removeSilence: flags.removeSilence ?? base.removeSilence ?? false,
    removeFillers: flags.removeFillers ?? base.removeFillers ?? false,
    ...(flags.captionStyle ? { captionStyle: resolve(ctx.cwd, flags.captionStyle) } : {}),
    ...(flags.lang ? { language: flags.lang } : {}),
    ...(asr ? { asr } : {}),
    ...(llm ? { llm } : {}),
    detector: stepFlag('--detector', flags.detector) ?? base.detector ?? 'face',
    scorer: stepFlag('--scorer', flags.scorer) ?? base.scorer ?? 'standard',
    captioner: stepFlag('--captioner', flags.captioner) ?? base.captioner ?? 'standard',
    ...(config ? { configDir: config.dir } : {}),
    env: { ...ctx.env } as NodeJS.ProcessEnv,
  };
  if (options.language !== undefined && !LANGUAGE_TAG.test(options.language)) {
    throw new ExportIaError('EIA_USAGE', { detail: `--lang must be a language tag such as en, es or pt-BR (got "${options.language}")` });
  }
  const inputs = await expandVideoInputs(inputsArg, ctx.cwd);
  if (flags.transcript && inputs.length > 1) throw new ExportIaError('EIA_USAGE', { detail: '--transcript names one file, so it works with one input video' });
  const outRoot = resolve(ctx.cwd, flags.out);
  const printer = progressPrinter(ctx, flags);
  const jobStore = openJobStore(resolveDataDir(flags.dataDir, ctx.env, ctx.cwd));
  // Ctrl-C or a SIGTERM (timeout, docker stop) stops the ffmpeg processes, records the job as
  // failed (the next run resumes it) and removes the scratch files.
  const cancel = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => cancel.abort(new ExportIaError('EIA_CANCELLED', { step: `export-ia clip (${signal})` }));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // The steps (speech recognisers, detectors, scorers) are plugin components: the built-in
    // ones from the video-standard plugin, others from installed or configured plugins.
    return await withHost(config, ctx, flags.dataDir, (host) => {
      const steps = host.registry;
      // A mistyped step id fails here, before any video is decoded.
      if (options.detector && options.detector !== 'none') pickStep(steps, 'detector', options.detector);
      pickStep(steps, 'scorer', options.scorer ?? 'standard');
      if (options.captions !== 'none') pickStep(steps, 'captioner', options.captioner ?? 'standard');
      transcriberIds(options.asr, steps);
      return clipAll(inputs, flags, ctx, { ...options, signal: cancel.signal }, outRoot, printer, jobStore, steps, config?.path);
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await jobStore.close();
  }
}

/**
 * What of the chosen steps decides the result besides the job's options: each one's plugin,
 * version and configuration. A job whose step plugins changed is another job (its saved steps
 * are not reused).
 */
function stepIdentity(steps: VideoSteps, options: Omit<ClipOptions, 'input' | 'outDir'>): Record<string, unknown> {
  const used = [
    ...transcriberIds(options.asr, steps).ids.map((id) => steps.transcribers.get(id)),
    options.detector && options.detector !== 'none' ? steps.detectors.get(options.detector) : undefined,
    steps.scorers.get(options.scorer ?? 'standard'),
    options.captions === 'none' ? undefined : steps.captioners.get(options.captioner ?? 'standard'),
  ];
  const out: Record<string, unknown> = {};
  for (const step of used) {
    if (!step) continue;
    const { id, version } = step.plugin.manifest;
    out[`${step.descriptor.kind}:${step.descriptor.id}`] = { plugin: `${id}@${version}`, config: step.plugin.config };
  }
  return out;
}

/** Closes an orphaned clip job that resumed as another job (its step plugins changed meanwhile). */
async function supersede(jobStore: JobStore, oldId: string, newId: string): Promise<void> {
  const error = new ExportIaError('EIA_CANCELLED', { step: `clip job ${oldId}: superseded by job ${newId} (its step plugins or their configuration changed)` });
  await jobStore.store.append(`${CLIP_STREAM_PREFIX}${oldId}`, [{ type: 'ClipJobFailed', data: { error: error.toJSON() } }]).catch(() => undefined);
}

/** An unfinished clip job whose process is gone, as `export-ia jobs resume` finds it. */
export interface OrphanClipJob {
  id: string;
  input: string;
  outDir: string;
  options: Omit<ClipOptions, 'input' | 'outDir'> & { transcript?: string };
  /** The config file the job was started with (its plugins and their configuration). */
  configFile?: string;
}

/**
 * Clip jobs left unfinished by a process that stopped (crash, kill, power loss): the last attempt
 * of the stream started and never finished or failed, and its process no longer runs on this
 * machine. (A process on another machine is never presumed dead.)
 */
export async function orphanClipJobs(jobStore: JobStore, ids: readonly string[]): Promise<OrphanClipJob[]> {
  const out: OrphanClipJob[] = [];
  for (const id of ids) {
    const events = await jobStore.store.readStream(`${CLIP_STREAM_PREFIX}${id}`);
    const last = events.findLastIndex((e) => e.type === 'ClipJobStarted');
    const started = events[last];
    if (!started || events.slice(last).some((e) => e.type === 'ClipJobFinished' || e.type === 'ClipJobFailed')) continue;
    const d = started.data as { input: string; outDir: string; owner?: string; options: OrphanClipJob['options']; configFile?: string };
    if (d.owner && !ownerIsDead(d.owner)) continue;
    out.push({ id, input: d.input, outDir: d.outDir, options: d.options, ...(d.configFile ? { configFile: d.configFile } : {}) });
  }
  return out;
}

/**
 * Resumes orphaned clip jobs (`export-ia jobs resume`): each runs again with the options it was
 * started with, so it is the same job and goes on from its last finished step.
 */
export async function resumeClipJobs(
  orphans: readonly OrphanClipJob[],
  flags: { json?: boolean; dataDir?: string },
  ctx: CliContext,
  withHost: WithHost,
): Promise<number> {
  if (orphans.length === 0) return 0;
  const jobStore = openJobStore(resolveDataDir(flags.dataDir, ctx.env, ctx.cwd));
  const clipFlags: ClipFlags = { out: '', ...(flags.json ? { json: true } : {}) };
  const printer = progressPrinter(ctx, clipFlags);
  const cancel = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => cancel.abort(new ExportIaError('EIA_CANCELLED', { step: `export-ia jobs resume (${signal})` }));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let code = 0;
    // Each job with the plugins of the config file it was started with.
    for (const job of orphans) {
      if (!flags.json) ctx.streams.stdout.write(`clip job ${job.id}\n`);
      const options = { ...job.options, env: { ...ctx.env } as NodeJS.ProcessEnv, signal: cancel.signal };
      let result: number;
      try {
        const config = job.configFile ? loadConfig({ config: job.configFile }, ctx) : undefined;
        result = await withHost(config, ctx, flags.dataDir, (host) =>
          clipAll([job.input], clipFlags, ctx, options, job.outDir, printer, jobStore, host.registry, config?.path, job.id),
        );
      } catch (err) {
        // One job that cannot start (its config file gone, a plugin missing) does not stop the others.
        const e = toExportIaError(err);
        ctx.streams.stderr.write(`error ${e.code} ${e.message}\n  hint: ${e.hint}\n`);
        result = e.exitCode;
      }
      code = Math.max(code, result);
      if (result === 130) break;
    }
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await jobStore.close();
  }
}

async function clipAll(
  inputs: readonly string[],
  flags: ClipFlags,
  ctx: CliContext,
  options: Omit<ClipOptions, 'input' | 'outDir'>,
  outRoot: string,
  printer: ReturnType<typeof progressPrinter>,
  jobStore: JobStore,
  steps: VideoSteps,
  configFile: string | undefined,
  /** Resuming this job: when the job is now another (its step plugins changed), the old one is closed. */
  resuming?: string,
): Promise<number> {
  const results: { file: string; result?: ClipResult; error?: SerializedError }[] = [];
  const usedNames = new Set<string>();
  for (const input of inputs) {
    const name = input.startsWith(`${ctx.cwd}/`) ? input.slice(ctx.cwd.length + 1) : input;
    let outDir = outRoot;
    if (inputs.length > 1) {
      // A file name is not a path: `...mp4` must not become `..` (the folder above -o).
      let stem = folderName(basename(input, extname(input)));
      while (usedNames.has(stem)) stem = `${stem}-2`;
      usedNames.add(stem);
      outDir = join(outRoot, stem);
    }
    if (!flags.json && !flags.quiet) ctx.streams.stdout.write(`${name}\n`);
    let job: ClipJob | undefined;
    let recording: Promise<unknown> = Promise.resolve();
    const recorded = new Set<string>();
    const record = (fn: () => Promise<void>) => {
      recording = recording.then(fn).catch(() => undefined);
    };
    try {
      const transcript = flags.transcript ? resolve(ctx.cwd, flags.transcript) : undefined;
      job = await openClipJob(
        jobStore,
        input,
        outDir,
        { ...options, ...(transcript ? { transcript } : {}) },
        actorName(ctx),
        configFile,
        stepIdentity(steps, options),
      );
      if (resuming && job && job.id !== resuming) await supersede(jobStore, resuming, job.id);
      if (job?.resumed && !flags.json && !flags.quiet) {
        const saved = Object.keys(job.checkpoint.stages ?? {});
        ctx.streams.stdout.write(
          job.checkpoint.plan
            ? `  resuming job ${job.id}: ${job.checkpoint.done?.size ?? 0} of ${job.checkpoint.plan.planned.length} clips already rendered\n`
            : `  resuming job ${job.id}: ${saved.join(', ')} from the earlier run\n`,
        );
      }
      if (flags.json && job) ctx.streams.stdout.write(`${JSON.stringify({ file: name, type: 'job', id: job.id, stream: job.stream, resumed: job.resumed })}\n`);
      const current = job;
      const result = await clipVideo({
        ...options,
        steps,
        input,
        name,
        outDir,
        ...(transcript ? { transcript } : {}),
        ...(current ? { resume: current.checkpoint } : {}),
        onEvent: (event) => {
          if (current && event.type === 'stage' && event.fraction >= 1 && event.note && !recorded.has(event.stage)) {
            recorded.add(event.stage);
            record(() => current.stageFinished(event.stage, event.note));
          }
          printer.event(name, event);
        },
      });
      await recording;
      await current?.finished(result.manifestPath, result.manifest.clips.length);
      printer.end();
      results.push({ file: name, result });
      if (flags.json)
        ctx.streams.stdout.write(
          `${JSON.stringify({ file: name, type: 'done', manifest: result.manifestPath, report: result.reportPath, clips: result.manifest.clips.length })}\n`,
        );
      else if (!flags.quiet) {
        for (const clip of result.manifest.clips) {
          ctx.streams.stdout.write(
            `  #${clip.rank} ${String(Math.round(clip.score)).padStart(3)}  ${clip.file}  ${clip.duration.toFixed(1)} s  "${clip.text.slice(0, 70)}${clip.text.length > 70 ? '…' : ''}"\n`,
          );
        }
        ctx.streams.stdout.write(`  report: ${result.reportPath}\n`);
      }
    } catch (err) {
      printer.end();
      const e = toExportIaError(err);
      await recording;
      if (job) await job.failed(e.toJSON()).catch(() => undefined);
      // Usage errors (no ffmpeg, a bad caption style, a missing model) concern every input; a
      // cancelled run stops the batch.
      if (isExportIaError(err) && e.kind === 'usage') throw e;
      if (options.signal?.aborted) {
        ctx.streams.stderr.write(`error ${e.code} ${e.message}\n  hint: ${e.hint}\n`);
        return 130;
      }
      results.push({ file: name, error: e.toJSON() });
      if (flags.json) ctx.streams.stdout.write(`${JSON.stringify({ file: name, type: 'failed', error: e.toJSON() })}\n`);
      else ctx.streams.stderr.write(`error ${e.code} ${e.message}\n  hint: ${e.hint}\n`);
    }
  }
  const failed = results.filter((r) => r.error).length;
  if (!flags.json && !flags.quiet && inputs.length > 1) ctx.streams.stdout.write(`${inputs.length - failed} of ${inputs.length} videos clipped\n`);
  if (failed === 0) return 0;
  // A failure we did not foresee (a bug, a full disk) is exit 70, as everywhere in the CLI.
  return results.some((r) => r.error?.kind === 'internal') ? 70 : 3;
}

export function registerClipCommand(
  program: Command,
  deps: { ctx: CliContext; setExit: (code: number) => void; printError: (ctx: CliContext, err: unknown) => number; withHost: WithHost },
): void {
  program
    .command('clip')
    .description('Cut a long video into ranked short clips: reframed, captioned, with SRT/VTT, thumbnails, clips.json and report.html.')
    .argument('<inputs...>', 'video files, folders or globs')
    .option('-o, --out <dir>', 'output folder (one sub-folder per video when there are several)', 'clips')
    .option('-n, --count <n>', 'clips per video (default 5)')
    .option('--min <seconds>', 'shortest clip (default 15)')
    .option('--max <seconds>', 'longest clip (default 60)')
    .addOption(new Option('--preset <name>', 'clip length preset: short 15–30 s, medium 30–60 s, long 60–90 s').choices(['short', 'medium', 'long']))
    .addOption(new Option('--aspect <ratio>', 'output aspect ratio (default 9:16)').choices(['9:16', '1:1', '4:5', '16:9']))
    .addOption(new Option('--resolution <px>', 'short side of the output (default 1080)').choices(['720', '1080']))
    .addOption(
      new Option(
        '--layout <layout>',
        'auto (default), fill: crop following the speaker; fit: whole frame over a blurred copy; split: two speakers stacked',
      ).choices(['auto', 'fill', 'fit', 'split']),
    )
    .addOption(new Option('--captions <mode>', 'burned captions (default karaoke)').choices(['none', 'plain', 'karaoke']))
    .option('--caption-style <file>', 'caption style (YAML/JSON: font, size, colours, outline, position)')
    .option('--transcript <file>', 'use this SRT or WebVTT file as the transcript')
    .option('--lang <code>', 'spoken language (en, es, fr, de…)')
    .option('--remove-silence', 'cut pauses out of the clips')
    .option('--remove-fillers', 'cut filler words (um, uh, "you know"…) out of the clips')
    .option('--keywords <list>', 'comma-separated topics to favour ("pricing, launch")')
    .option('--asr <engine>', "speech recogniser when there are no captions: auto, pocketsphinx, whisper, openai, none, or a plugin's")
    .option('--asr-model <file>', 'whisper.cpp model file (ggml-*.bin) for --asr whisper')
    .option('--asr-url <url>', 'OpenAI-compatible transcription endpoint for --asr openai')
    .option('--asr-key-env <name>', 'environment variable holding the endpoint API key (default OPENAI_API_KEY)')
    .option('--detector <id>', "who the crop follows: face (default), none (motion, then the centre), or a plugin's detector")
    .option('--scorer <id>', "highlight scorer: standard (default) or a plugin's scorer")
    .option('--captioner <id>', "burned captions' look: standard (default, with --caption-style) or a plugin's captioner")
    .option('-c, --config <file>', 'config file (default: export-ia.config.yaml found upward); its clip: section sets defaults')
    .option('--no-config', 'ignore config files')
    .option('--llm-url <url>', 'OpenAI-compatible API for an extra language-model score, shown apart (off by default)')
    .option('--llm-model <name>', 'the model for --llm-url')
    .option('--llm-key-env <name>', 'environment variable holding that API key')
    .option('--data-dir <dir>', 'where clip jobs are recorded (default: EXPORT_IA_DATA_DIR or the user data folder)')
    .option('--json', 'one JSON event per line')
    .option('-q, --quiet', 'no progress')
    .action(async (inputs: string[], flags: ClipFlags) => {
      try {
        deps.setExit(await runClip(inputs, flags, deps.ctx, deps.withHost));
      } catch (err) {
        if (flags.json && isExportIaError(err)) {
          deps.ctx.streams.stdout.write(`${JSON.stringify({ type: 'failed', error: err.toJSON() })}\n`);
          deps.setExit(err.exitCode);
        } else deps.setExit(deps.printError(deps.ctx, err));
      }
    });
}

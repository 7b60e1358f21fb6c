/**
 * Finding and running ffmpeg/ffprobe. Command lines are argument arrays, never strings built
 * with user input; values inside filter graphs go through {@link filterValue}.
 *
 * Which binary: FFMPEG_PATH / FFPROBE_PATH, else the ones on PATH (a system ffmpeg is usually
 * newer and has more filters), else the copies shipped in npm packages
 * (@ffmpeg-installer/ffmpeg, @ffprobe-installer/ffprobe), so `npm ci` alone gives a working
 * `export-ia clip`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { ExportIaError } from '@export-ia/core';

export interface FfmpegTools {
  ffmpeg: string;
  ffprobe: string;
  /** `5.1.9-0+deb12u1`, `4.1`… */
  version: string;
  /** Major version, 0 when unknown. */
  major: number;
  /** Filters this build has (names only). */
  filters: ReadonlySet<string>;
  /** Where the binaries came from. */
  origin: 'env' | 'path' | 'npm';
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

function fromNpm(pkg: string): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const mod = require(pkg) as { path?: string };
    return mod.path && executable(mod.path) ? mod.path : undefined;
  } catch {
    return undefined;
  }
}

const cache = new Map<string, FfmpegTools>();

/** Finds ffmpeg and ffprobe, and what the ffmpeg build can do. Cached per environment. */
export function findFfmpeg(env: NodeJS.ProcessEnv = process.env): FfmpegTools {
  const key = `${env.FFMPEG_PATH ?? ''}\0${env.FFPROBE_PATH ?? ''}\0${env.PATH ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let origin: FfmpegTools['origin'] = 'path';
  let ffmpeg: string | undefined;
  let ffprobe: string | undefined;
  if (env.FFMPEG_PATH) {
    if (!executable(env.FFMPEG_PATH))
      throw new ExportIaError('EIA_VIDEO_FFMPEG_MISSING', { tool: 'ffmpeg', detail: `FFMPEG_PATH=${env.FFMPEG_PATH} is not an executable file` });
    ffmpeg = env.FFMPEG_PATH;
    origin = 'env';
  }
  if (env.FFPROBE_PATH) {
    if (!executable(env.FFPROBE_PATH))
      throw new ExportIaError('EIA_VIDEO_FFMPEG_MISSING', { tool: 'ffprobe', detail: `FFPROBE_PATH=${env.FFPROBE_PATH} is not an executable file` });
    ffprobe = env.FFPROBE_PATH;
  }
  ffmpeg ??= onPath('ffmpeg', env);
  ffprobe ??= onPath('ffprobe', env);
  if (!ffmpeg) {
    ffmpeg = fromNpm('@ffmpeg-installer/ffmpeg');
    if (ffmpeg) origin = 'npm';
  }
  ffprobe ??= fromNpm('@ffprobe-installer/ffprobe');
  if (!ffmpeg) throw new ExportIaError('EIA_VIDEO_FFMPEG_MISSING', { tool: 'ffmpeg', detail: 'not on PATH, FFMPEG_PATH unset, no @ffmpeg-installer package' });
  if (!ffprobe)
    throw new ExportIaError('EIA_VIDEO_FFMPEG_MISSING', { tool: 'ffprobe', detail: 'not on PATH, FFPROBE_PATH unset, no @ffprobe-installer package' });
  const versionRun = spawnSync(ffmpeg, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 20_000 });
  if (versionRun.status !== 0) {
    throw new ExportIaError('EIA_VIDEO_FFMPEG_MISSING', {
      tool: 'ffmpeg',
      detail: `${ffmpeg} -version failed: ${(versionRun.stderr || String(versionRun.error ?? '')).trim().slice(0, 200)}`,
    });
  }
  const version = /ffmpeg version (\S+)/.exec(versionRun.stdout)?.[1] ?? 'unknown';
  const major = Number(/^n?(\d+)/.exec(version)?.[1] ?? 0);
  const filterRun = spawnSync(ffmpeg, ['-hide_banner', '-filters'], { encoding: 'utf8', timeout: 20_000 });
  const filters = new Set<string>();
  for (const line of (filterRun.stdout ?? '').split('\n')) {
    const match = /^\s*[.A-Z|]{2,4}\s+(\w+)\s+\S+->\S+/.exec(line);
    if (match?.[1]) filters.add(match[1]);
  }
  const tools: FfmpegTools = { ffmpeg, ffprobe, version, major, filters, origin };
  cache.set(key, tools);
  return tools;
}

/**
 * Escapes a value for a filter graph: first for the filter's option parser (`\ ' :`), then for
 * the graph parser (`\ ' [ ] , ;`). File names with quotes, colons and commas survive.
 */
export function filterValue(value: string): string {
  const option = value.replace(/[\\':]/g, (c) => `\\${c}`);
  return option.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Called with each chunk of stdout (raw frames, audio samples). Without it stdout is collected. */
  onStdout?: (chunk: Buffer) => void;
  /** Called with `-progress pipe:2`-style `out_time_us` values, in seconds. */
  onTime?: (seconds: number) => void;
  /** Bytes of stderr kept (the tail). Default 64 KB. */
  stderrLimit?: number;
  /** Kept whole (for filters that log their results: silencedetect, ebur128, asr). */
  keepStderr?: boolean;
}

export interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs a binary with an argument array. Never rejects for a non-zero exit: the caller decides. */
export function run(binary: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(options.signal.reason ?? new Error('aborted'));
      return;
    }
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal, windowsHide: true });
    const out: Buffer[] = [];
    let err = '';
    const limit = options.stderrLimit ?? 64 * 1024;
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (options.onStdout) options.onStdout(chunk);
      else out.push(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      err += chunk;
      if (!options.keepStderr && err.length > limit * 2) err = err.slice(-limit);
      if (options.onTime) {
        pending += chunk;
        const lines = pending.split(/[\r\n]/);
        pending = lines.pop() ?? '';
        for (const line of lines) {
          const match = /(?:^out_time_us=(\d+))|(?:time=(\d+):(\d+):(\d+(?:\.\d+)?))/.exec(line);
          if (!match) continue;
          const seconds = match[1] !== undefined ? Number(match[1]) / 1e6 : Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4]);
          if (Number.isFinite(seconds)) options.onTime(seconds);
        }
      }
    });
    child.on('error', (error) => reject(error));
    child.on('close', (code, sig) => {
      if (options.signal?.aborted) {
        reject(options.signal.reason ?? new Error('aborted'));
        return;
      }
      resolve({ code: code ?? (sig ? 128 : 1), stdout: Buffer.concat(out), stderr: options.keepStderr ? err : err.slice(-limit) });
    });
  });
}

/** The last meaningful lines of an ffmpeg log, for error messages. */
export function logTail(stderr: string, lines = 3): string {
  const kept = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^(frame=|size=|\[.*\] ?(frame|size)=|Press \[q\]|video:|audio:)/.test(line));
  return kept.slice(-lines).join(' | ').slice(0, 600) || 'no message';
}

/** Runs ffmpeg and throws EIA_VIDEO_FFMPEG_FAILED on a non-zero exit. */
export async function ffmpegOrThrow(
  tools: FfmpegTools,
  args: readonly string[],
  what: { step: string; file: string },
  options: RunOptions = {},
): Promise<RunResult> {
  const result = await run(tools.ffmpeg, ['-hide_banner', '-nostdin', ...args], options);
  if (result.code !== 0) {
    throw new ExportIaError('EIA_VIDEO_FFMPEG_FAILED', { step: what.step, file: what.file, exit: result.code, detail: logTail(result.stderr) });
  }
  return result;
}

/** Seconds as ffmpeg wants them (fixed, millisecond precision, never exponent notation). */
export function ts(seconds: number): string {
  return Math.max(0, seconds).toFixed(3);
}

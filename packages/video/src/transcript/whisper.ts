/**
 * whisper.cpp through `@napi-rs/whisper` (prebuilt N-API binaries inside its npm packages for
 * linux-x64-gnu, darwin-x64 and darwin-arm64; no install script, nothing downloaded). The binding
 * is imported lazily so the package works without it; the model is a ggml file the user supplies
 * by path (`asr.model`): nothing is ever downloaded.
 *
 * Its `full()` call blocks the thread it runs on for as long as the recognition takes, and
 * whisper.cpp answers a damaged model (or one it does not support) with `abort()`, which ends the
 * whole process, not just a thread: so it runs in a child process of its own. Progress keeps
 * flowing, an abort kills the child, and a child that dies reports EIA_VIDEO_ASR_MODEL_UNUSABLE
 * with whisper.cpp's last words instead of taking the job (and the server running it) down.
 */

import { type ChildProcess, fork } from 'node:child_process';
import { constants } from 'node:fs';
import { access, open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ExportIaError } from '@export-ia/core';
import type { Word } from '../types.js';
import type { AsrEngine, AsrInput } from './asr.js';

export const WHISPER_PACKAGE = '@napi-rs/whisper';

export interface WhisperOptions {
  /** Path to a whisper.cpp ggml model (`ggml-base.en.bin`…). */
  model?: string;
  threads?: number;
}

/** The ggml magic ("ggml" as a little-endian uint32), and the older ggjt/ggmf variants. */
const MAGICS = new Set([0x67676d6c, 0x67676a74, 0x67676d66]);

/** Throws EIA_VIDEO_ASR_MODEL_MISSING unless `model` is a readable whisper.cpp model file. */
export async function checkWhisperModel(model: string | undefined): Promise<string> {
  if (!model) throw new ExportIaError('EIA_VIDEO_ASR_MODEL_MISSING', { model: '(asr.model is not set)' });
  try {
    await access(model, constants.R_OK);
    const handle = await open(model, 'r');
    try {
      const head = Buffer.alloc(4);
      const { bytesRead } = await handle.read(head, 0, 4, 0);
      if (bytesRead < 4) throw new Error('empty');
      if (!MAGICS.has(head.readUInt32LE(0))) {
        throw new ExportIaError('EIA_VIDEO_ASR_UNAVAILABLE', { engine: 'whisper', detail: `${model} is not a whisper.cpp (ggml) model file` });
      }
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof ExportIaError) throw error;
    throw new ExportIaError('EIA_VIDEO_ASR_MODEL_MISSING', { model }, { cause: error });
  }
  return model;
}

/** Is the binding installed and loadable here? */
export async function loadWhisperBinding(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const name: string = WHISPER_PACKAGE;
    const mod = (await import(name)) as { Whisper?: unknown };
    if (typeof mod.Whisper !== 'function') return { ok: false, reason: `${WHISPER_PACKAGE} loaded but has no Whisper class` };
    return { ok: true };
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ok: false, reason: `${WHISPER_PACKAGE} is not installed or cannot load here (${detail}): npm install ${WHISPER_PACKAGE}` };
  }
}

export function whisperEngine(options: WhisperOptions = {}): AsrEngine {
  return {
    id: 'whisper',
    async available() {
      if (!options.model) return { ok: false, reason: 'no model: set asr.model to a whisper.cpp ggml file' };
      return loadWhisperBinding();
    },
    async validate() {
      await checkWhisperModel(options.model);
    },
    async transcribe(input: AsrInput): Promise<Word[]> {
      const model = await checkWhisperModel(options.model);
      const binding = await loadWhisperBinding();
      if (!binding.ok) throw new ExportIaError('EIA_VIDEO_ASR_UNAVAILABLE', { engine: 'whisper', detail: binding.reason });
      return runWorker({ model, audioPath: input.audioPath, language: input.language, threads: options.threads ?? availableParallelism() }, input);
    },
  };
}

interface WorkerMessage {
  type: 'progress' | 'done' | 'error' | 'unusable';
  fraction?: number;
  words?: Word[];
  message?: string;
}

/** How much of whisper.cpp's stderr is kept to explain a failure. */
const STDERR_TAIL = 4000;

/** Signals of a crash inside whisper.cpp (abort() on an assertion, a bad read), as opposed to a kill. */
const CRASHES = new Set(['SIGABRT', 'SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGFPE']);
/** What V8 and ggml log when memory runs out (they abort() too, but the model is not to blame). */
const OUT_OF_MEMORY = /out of memory|insufficient memory|failed to allocate|allocation failed|std::bad_alloc/i;

/**
 * The child's flags: the parent's module hooks, conditions and memory limits, nothing else (not
 * `-e`/`-p` code, which fork() would run instead of the worker, nor an inspector port).
 */
export function childExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  const withValue = /^(?:--import|--require|-r|--loader|--experimental-loader|--conditions|-C)$/;
  const inline = /^--(?:import|require|loader|experimental-loader|conditions|max-old-space-size|max-semi-space-size|stack-size)=/;
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i] as string;
    if (inline.test(flag)) kept.push(flag);
    else if (withValue.test(flag) && i + 1 < execArgv.length) kept.push(flag, execArgv[++i] as string);
  }
  return kept;
}

function runWorker(job: { model: string; audioPath: string; language: string; threads: number }, input: AsrInput): Promise<Word[]> {
  return new Promise((resolve, reject) => {
    if (input.signal?.aborted) {
      reject(input.signal.reason ?? new Error('aborted'));
      return;
    }
    const failed = (detail: string) => new ExportIaError('EIA_VIDEO_ASR_FAILED', { engine: 'whisper', file: input.audioPath, detail });
    const unusable = (detail: string) => new ExportIaError('EIA_VIDEO_ASR_MODEL_UNUSABLE', { engine: 'whisper', model: job.model, detail });
    let child: ChildProcess;
    try {
      child = fork(fileURLToPath(new URL('./whisper-worker.js', import.meta.url)), [], {
        execArgv: childExecArgv(),
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        serialization: 'advanced',
      });
    } catch (error) {
      reject(failed(`could not start its process: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    // A child is not killed with its parent (a thread was): kill it if this process exits first.
    const killChild = () => child.kill('SIGKILL');
    process.once('exit', killChild);
    let settled = false;
    const settle = (error: unknown, words?: Word[]) => {
      if (settled) return;
      settled = true;
      input.signal?.removeEventListener('abort', onAbort);
      process.removeListener('exit', killChild);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (error) reject(error);
      else resolve(words ?? []);
    };
    const onAbort = () => settle(input.signal?.reason ?? new Error('aborted'));
    input.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (message: WorkerMessage) => {
      if (settled) return;
      if (message.type === 'progress') input.onProgress?.(message.fraction ?? 0);
      else if (message.type === 'done') settle(undefined, message.words ?? []);
      else if (message.type === 'unusable') settle(unusable(message.message ?? 'whisper.cpp did not load it'));
      else settle(failed(message.message ?? 'unknown error'));
    });
    child.on('error', (error) => settle(failed(`its process failed: ${error.message}`)));
    // 'close', not 'exit': by then stderr (whisper.cpp's last words) and the IPC channel are drained.
    child.on('close', (code, signal) => {
      if (input.signal?.aborted) return settle(input.signal.reason ?? new Error('aborted'));
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      const log = lastLines(stderr);
      if (signal === 'SIGKILL' || OUT_OF_MEMORY.test(stderr)) {
        settle(failed(`whisper.cpp was stopped (${how}), most often for want of memory: try a smaller model${log}`));
      } else if (signal && CRASHES.has(signal)) {
        // An assertion or a bad read inside whisper.cpp: in practice, a model file it cannot use.
        settle(
          unusable(`whisper.cpp stopped (${how}) before it finished, which it does on a damaged model or one of a kind this build does not support${log}`),
        );
      } else {
        settle(failed(`whisper.cpp stopped (${how}) before it finished${log}`));
      }
    });
    if (!child.send) {
      settle(failed('could not open a channel to its process'));
      return;
    }
    child.send({ ...job, pkg: WHISPER_PACKAGE });
  });
}

/** The last few meaningful lines of whisper.cpp's log, for an error message. */
function lastLines(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((line, i, all) => line && line !== all[i - 1])
    .slice(-3);
  return lines.length ? ` (${lines.join(' | ').slice(0, 600)})` : '';
}

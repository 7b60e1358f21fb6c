/**
 * whisper.cpp through `@napi-rs/whisper` (prebuilt N-API binaries inside its npm packages for
 * linux-x64-gnu, darwin-x64 and darwin-arm64; no install script, nothing downloaded). The binding
 * is imported lazily so the package works without it; the model is a ggml file the user supplies
 * by path (`asr.model`): nothing is ever downloaded.
 *
 * Its `full()` call blocks the thread it runs on for as long as the recognition takes, so it runs
 * in a worker thread (progress keeps flowing, and an abort terminates the worker).
 */
import { constants } from 'node:fs';
import { access, open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
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
  type: 'progress' | 'done' | 'error';
  fraction?: number;
  words?: Word[];
  message?: string;
}

function runWorker(job: { model: string; audioPath: string; language: string; threads: number }, input: AsrInput): Promise<Word[]> {
  return new Promise((resolve, reject) => {
    if (input.signal?.aborted) {
      reject(input.signal.reason ?? new Error('aborted'));
      return;
    }
    const worker = new Worker(new URL('./whisper-worker.js', import.meta.url), { workerData: { ...job, pkg: WHISPER_PACKAGE } });
    const onAbort = () => {
      void worker.terminate();
      reject(input.signal?.reason ?? new Error('aborted'));
    };
    input.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => input.signal?.removeEventListener('abort', onAbort);
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') input.onProgress?.(message.fraction ?? 0);
      else if (message.type === 'done') {
        done();
        resolve(message.words ?? []);
        void worker.terminate();
      } else {
        done();
        reject(new ExportIaError('EIA_VIDEO_ASR_FAILED', { engine: 'whisper', file: input.audioPath, detail: message.message ?? 'unknown error' }));
        void worker.terminate();
      }
    });
    worker.on('error', (error) => {
      done();
      reject(new ExportIaError('EIA_VIDEO_ASR_FAILED', { engine: 'whisper', file: input.audioPath, detail: error.message }));
    });
  });
}

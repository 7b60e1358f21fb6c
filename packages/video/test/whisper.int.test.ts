/**
 * whisper.cpp answers a model it cannot use with abort(), which ends the process it runs in. The
 * recogniser runs in a child process of its own, so a damaged model is a coded error, not a dead
 * job. Models are made here (fixtures/tiny-whisper-model.mjs): one good, three damaged ways.
 *
 * Imports the built module: the recogniser forks its compiled child (dist/…/whisper-worker.js).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isExportIaError } from '@export-ia/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { whisperEngine } from '../dist/transcript/whisper.js';
import { makeTinyWhisperModel } from './fixtures/tiny-whisper-model.mjs';

function hasBinding(): boolean {
  try {
    createRequire(new URL('../package.json', import.meta.url)).resolve('@napi-rs/whisper');
    return true;
  } catch {
    return false;
  }
}

/** The recogniser processes a process started (pgrep exits 1 when nothing matches). */
const recognisers = (parent: number | undefined = process.pid) => {
  try {
    return execFileSync('pgrep', ['-P', String(parent), '-f', 'whisper-worker'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
};
const children = () => recognisers();

const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { code: isExportIaError(error) ? error.code : error, message: error instanceof Error ? error.message : String(error) };
};

describe.skipIf(!hasBinding())('whisper recogniser in its own process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eia-whisper-int-'));
  const audioPath = join(dir, 'tone.wav');
  /** Ten minutes: whisper.cpp takes seconds over it, time enough to stop it midway. */
  const long = join(dir, 'long.wav');
  const good = makeTinyWhisperModel();
  const model = (name: string, bytes: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };

  /** A 16 kHz mono WAV of a 440 Hz tone. */
  const tone = (path: string, seconds: number) =>
    execFileSync('ffmpeg', [
      '-y',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=440:duration=${seconds}`,
      '-ar',
      '16000',
      '-ac',
      '1',
      '-c:a',
      'pcm_s16le',
      path,
    ]);

  beforeAll(() => {
    tone(long, 600);
    tone(audioPath, 3);
  });

  it('transcribes with a good model and reports progress', async () => {
    const progress: number[] = [];
    const words = await whisperEngine({ model: model('good.bin', good) }).transcribe({ audioPath, language: 'en', onProgress: (f) => progress.push(f) });
    expect(words.length).toBeGreaterThan(0);
    for (const w of words) expect(w.end).toBeGreaterThanOrEqual(w.start);
    expect(progress.at(-1)).toBe(1);
  });

  it('a model whisper.cpp aborts on (f32 convolution weights) is EIA_VIDEO_ASR_MODEL_UNUSABLE with its reason, and this process lives on', async () => {
    const r = await failure(whisperEngine({ model: model('f32.bin', makeTinyWhisperModel({ f16: false })) }).transcribe({ audioPath, language: 'en' }));
    expect(r.code).toBe('EIA_VIDEO_ASR_MODEL_UNUSABLE');
    expect(r.message).toContain('SIGABRT');
    expect(r.message).toContain('GGML_ASSERT');
    // The same engine still works afterwards.
    expect((await whisperEngine({ model: join(dir, 'good.bin') }).transcribe({ audioPath, language: 'en' })).length).toBeGreaterThan(0);
  });

  it('a truncated model and a header with no weights are EIA_VIDEO_ASR_MODEL_UNUSABLE', async () => {
    for (const bytes of [good.subarray(0, good.length >> 1), good.subarray(0, 48)]) {
      const r = await failure(whisperEngine({ model: model(`cut-${bytes.length}.bin`, bytes) }).transcribe({ audioPath, language: 'en' }));
      expect(r.code, r.message).toBe('EIA_VIDEO_ASR_MODEL_UNUSABLE');
    }
  });

  it('an abort kills the recogniser process and rejects with the abort reason', async () => {
    const controller = new AbortController();
    const reason = new Error('stopped by the test');
    const run = whisperEngine({ model: join(dir, 'good.bin'), threads: 1 }).transcribe({ audioPath: long, language: 'en', signal: controller.signal });
    const settled = run.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    // Wait until the recogniser's own process runs, then abort it.
    const deadline = Date.now() + 20_000;
    while (children().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(children().length).toBe(1);
    controller.abort(reason);
    expect(await settled).toBe(reason);
    const gone = Date.now() + 5_000;
    while (children().length > 0 && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
    expect(children()).toEqual([]);
  });

  it('the recogniser process does not outlive a parent that is killed mid-recognition', async () => {
    const script = join(dir, 'parent.mjs');
    const module = new URL('../dist/transcript/whisper.js', import.meta.url).href;
    writeFileSync(
      script,
      `import { whisperEngine } from ${JSON.stringify(module)};\nawait whisperEngine({ model: ${JSON.stringify(join(dir, 'good.bin'))}, threads: 1 }).transcribe({ audioPath: ${JSON.stringify(long)}, language: 'en' });\n`,
    );
    const parent = spawn(process.execPath, [script], { stdio: 'ignore' });
    const grandchildren = () => recognisers(parent.pid);
    const deadline = Date.now() + 20_000;
    while (grandchildren().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const [pid] = grandchildren();
    expect(pid).toBeDefined();
    // Let whisper.cpp get into full(), which blocks the child's main thread.
    await new Promise((r) => setTimeout(r, 1500));
    parent.kill('SIGKILL');
    // Gone, or a zombie nobody reaps (a container whose PID 1 does not): either way, not working.
    const alive = () => {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    try {
      const gone = Date.now() + 5_000;
      while (alive() && Date.now() < gone) await new Promise((r) => setTimeout(r, 100));
      expect(alive()).toBe(false);
    } finally {
      if (alive()) process.kill(Number(pid), 'SIGKILL');
    }
  });
});

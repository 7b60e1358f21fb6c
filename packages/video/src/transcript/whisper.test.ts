import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isExportIaError } from '@export-ia/core';
import { describe, expect, it } from 'vitest';
import { checkWhisperModel, childExecArgv, whisperEngine } from './whisper.js';

const code = (error: unknown) => (isExportIaError(error) ? error.code : error);

describe('whisper engine', () => {
  it('refuses a model path that does not exist, before any work', async () => {
    const engine = whisperEngine({ model: '/nonexistent/ggml-base.en.bin' });
    expect(code(await engine.validate?.().catch((e: unknown) => e))).toBe('EIA_VIDEO_ASR_MODEL_MISSING');
    expect(code(await engine.transcribe({ audioPath: '/nonexistent.wav', language: 'en' }).catch((e: unknown) => e))).toBe('EIA_VIDEO_ASR_MODEL_MISSING');
    expect(code(await checkWhisperModel(undefined).catch((e: unknown) => e))).toBe('EIA_VIDEO_ASR_MODEL_MISSING');
  });

  it('refuses a file that is not a ggml model', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eia-whisper-'));
    try {
      const fake = join(dir, 'model.bin');
      await writeFile(fake, 'not a model');
      expect(code(await checkWhisperModel(fake).catch((e: unknown) => e))).toBe('EIA_VIDEO_ASR_UNAVAILABLE');
      const ggml = join(dir, 'ggml.bin');
      await writeFile(ggml, Buffer.from([0x6c, 0x6d, 0x67, 0x67, 0, 0]));
      expect(await checkWhisperModel(ggml)).toBe(ggml);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says why it is unavailable without a model', async () => {
    const status = await whisperEngine({}).available({} as never);
    expect(status.ok).toBe(false);
  });
});

describe('the recogniser process flags', () => {
  it('keeps module hooks and memory limits, never code to evaluate or an inspector', () => {
    expect(childExecArgv(['--import', 'tsx', '-r', './pnp.cjs', '--max-old-space-size=4096', '--conditions=dev'])).toEqual([
      '--import',
      'tsx',
      '-r',
      './pnp.cjs',
      '--max-old-space-size=4096',
      '--conditions=dev',
    ]);
    expect(childExecArgv(['-e', 'fork()', '--inspect-port', '9230', '--inspect=0', '-p', '1+1', '--input-type=module'])).toEqual([]);
  });
});

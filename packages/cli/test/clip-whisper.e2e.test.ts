/**
 * The whisper.cpp recogniser end to end, with a model file made here: a whisper.cpp ggml model
 * with the real layout and tiny random weights (4 MB, fixtures/tiny-whisper-model.mjs), since no
 * real model can be downloaded in CI. What it hears is garbage; what is tested is the path a real
 * model takes: `--asr whisper --asr-model`, the video-standard plugin's transcriber, the
 * @napi-rs/whisper worker, words back into the transcript, clips made.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeTalk } from '../../video/test/fixtures/talk.js';
import { makeTinyWhisperModel } from '../../video/test/fixtures/tiny-whisper-model.mjs';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(repo, 'packages/cli/bin/export-ia.js');

/** The binding is an optional dependency with prebuilt binaries for some platforms only. */
function hasBinding(): boolean {
  try {
    createRequire(join(repo, 'packages/video/package.json')).resolve('@napi-rs/whisper');
    return true;
  } catch {
    return false;
  }
}

describe('export-ia clip --asr whisper', () => {
  it.skipIf(!hasBinding())(
    'transcribes with a whisper.cpp model file and makes clips from its words',
    async () => {
      const talk = await makeTalk({ sentences: 25 });
      const work = mkdtempSync(join(tmpdir(), 'eia-clip-whisper-'));
      const model = join(work, 'ggml-tiny-random.bin');
      writeFileSync(model, makeTinyWhisperModel());
      const out = join(work, 'out');
      const args = ['clip', talk.video, '--asr', 'whisper', '--asr-model', model, '-o', out, '-n', '1', '--min', '8', '--max', '20'];
      const r = spawnSync(process.execPath, [bin, ...args, '--resolution', '720', '--captions', 'none', '--data-dir', join(work, 'data'), '--no-config'], {
        cwd: work,
        encoding: 'utf8',
        timeout: 240_000,
      });
      expect(r.status, r.stderr).toBe(0);
      const manifest = JSON.parse(readFileSync(join(out, 'clips.json'), 'utf8')) as {
        transcript: { source: string; words: number };
        settings: { steps: { transcriber?: string } };
        clips: unknown[];
      };
      expect(manifest.transcript.source).toBe('asr:whisper');
      expect(manifest.transcript.words).toBeGreaterThan(0);
      expect(manifest.settings.steps.transcriber).toMatch(/^whisper \(video-standard@/);
      expect(manifest.clips).toHaveLength(1);
    },
    300_000,
  );

  it.skipIf(!hasBinding())(
    'a model whisper.cpp aborts on is a coded error: no crash, no stack trace, the failed job kept',
    async () => {
      const talk = await makeTalk({ sentences: 6 });
      const work = mkdtempSync(join(tmpdir(), 'eia-clip-whisper-bad-'));
      const model = join(work, 'ggml-f32.bin');
      // f32 convolution weights: whisper.cpp hits GGML_ASSERT and calls abort() inside full().
      writeFileSync(model, makeTinyWhisperModel({ f16: false }));
      const data = join(work, 'data');
      const args = ['clip', talk.video, '--asr', 'whisper', '--asr-model', model, '-o', join(work, 'out'), '-n', '1', '--min', '5', '--max', '20'];
      const r = spawnSync(process.execPath, [bin, ...args, '--data-dir', data, '--no-config'], { cwd: work, encoding: 'utf8', timeout: 240_000 });
      expect(r.signal).toBeNull();
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('EIA_VIDEO_ASR_MODEL_UNUSABLE');
      expect(r.stderr).toContain('hint:');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      const jobs = spawnSync(process.execPath, [bin, 'jobs', '--json', '--data-dir', data], { cwd: work, encoding: 'utf8' });
      const [job] = JSON.parse(jobs.stdout) as { kind: string; status: string; input: { path: string }; error: { code: string } }[];
      expect(job).toMatchObject({ kind: 'clip', status: 'failed', input: { path: talk.video }, error: { code: 'EIA_VIDEO_ASR_MODEL_UNUSABLE' } });
    },
    300_000,
  );
});

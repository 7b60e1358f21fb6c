/**
 * The clip job and its checkpoints with steps given as plugins would give them: a transcript is
 * saved for a resumed job only when it is the one asked for (words, from the first recogniser),
 * never an empty one or a fallback that a key or a package might improve next time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isExportIaError } from '@export-ia/core';
import type { Transcriber, VideoStepDescriptor } from '@export-ia/core/plugin';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ClipOptions, clipVideo, type StageResults } from '../src/clip.js';
import { defaultVideoSteps, type VideoStep, type VideoSteps } from '../src/steps.js';
import { makeTalk, type Talk } from './fixtures/talk.js';

let talk: Talk;

beforeAll(async () => {
  talk = await makeTalk({ sentences: 25 });
}, 120_000);

function withTranscribers(entries: Record<string, Transcriber>): VideoSteps {
  const base = defaultVideoSteps();
  const transcribers = new Map(base.transcribers);
  for (const [id, implementation] of Object.entries(entries)) {
    const descriptor: VideoStepDescriptor = { id, kind: 'transcriber', chunkSeconds: 0 };
    transcribers.set(id, { descriptor, plugin: { manifest: { id: 'acme', version: '1.0.0' }, config: {} }, implementation } as VideoStep<Transcriber>);
  }
  return { ...base, transcribers };
}

/** Runs the job up to its plan (stopped there) and returns the steps it saved. */
async function savedSteps(options: Partial<ClipOptions>): Promise<Array<keyof StageResults>> {
  const saved: Array<keyof StageResults> = [];
  const stop = new Error('stop after the plan');
  const run = clipVideo({
    input: talk.video,
    outDir: mkdtempSync(join(tmpdir(), 'eia-clip-steps-')),
    count: 1,
    min: 8,
    max: 20,
    resolution: 720,
    captions: 'none',
    detector: 'none',
    ...options,
    resume: {
      stageDone: async (stage) => {
        saved.push(stage);
      },
      planned: async () => {
        throw stop;
      },
    },
  });
  await expect(run).rejects.toBe(stop);
  return saved;
}

describe('clip job checkpoints', () => {
  const words: Transcriber = {
    transcribe: ({ offset }) =>
      talk.script.flatMap((s) => s.text.split(' ').map((text, i) => ({ text, start: offset + s.start + i * 0.2, end: offset + s.start + i * 0.2 + 0.2 }))),
  };

  it('save the transcript, the scene cuts and the reframing of a complete run', async () => {
    expect((await savedSteps({ steps: withTranscribers({ words }), asr: { engine: 'words' } })).sort()).toEqual(['reframe', 'scenes', 'transcript']);
  }, 120_000);

  it('do not save an empty transcript, nor one from a fallback after the first recogniser failed', async () => {
    const empty: Transcriber = { transcribe: () => [] };
    expect(await savedSteps({ steps: withTranscribers({ empty }), asr: { engine: 'empty' } })).not.toContain('transcript');
    // auto: whisper (a model is set, but fails) then pocketsphinx → here "words" stands in for the fallback.
    const failing: Transcriber = {
      transcribe() {
        throw new Error('server down');
      },
    };
    const steps = withTranscribers({ whisper: failing, pocketsphinx: words });
    const saved = await savedSteps({ steps, asr: { engine: 'auto', model: '/models/any.bin' } });
    expect(saved).not.toContain('transcript');
    expect(saved).toContain('scenes');
  }, 120_000);
});

describe('clip render limit', () => {
  it('stops a render that runs past its limit with EIA_VIDEO_RENDER_TIMEOUT, ffmpeg killed and no partial file left', async () => {
    // Two clips at once: whichever render hits its limit first, that is the error (not the
    // AbortError of the other render it stopped).
    const outDir = mkdtempSync(join(tmpdir(), 'eia-clip-limit-'));
    const started = Date.now();
    const error = await clipVideo({
      input: talk.video,
      outDir,
      count: 2,
      concurrency: 2,
      min: 8,
      max: 20,
      resolution: 1080,
      captions: 'none',
      detector: 'none',
      transcript: talk.srt,
      // A clip of 8-20 s gets 0.4-1 s: far less than a 1080p render takes.
      renderLimit: { perSecond: 0.05, minSeconds: 0.2 },
    }).catch((e: unknown) => e);
    expect(isExportIaError(error) && error.code, String(error)).toBe('EIA_VIDEO_RENDER_TIMEOUT');
    expect((error as Error).message).toMatch(/clip-0[12]/);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(readdirSync(outDir).filter((f) => f.endsWith('.mp4'))).toEqual([]);
    // ffmpeg answers SIGTERM by finishing its file: give it a few seconds on a busy machine.
    const ffmpegs = () => {
      try {
        return execFileSync('pgrep', ['-P', String(process.pid), 'ffmpeg'], { encoding: 'utf8' }).trim();
      } catch {
        return '';
      }
    };
    const deadline = Date.now() + 10_000;
    while (ffmpegs() !== '' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(ffmpegs()).toBe('');
  }, 120_000);
});

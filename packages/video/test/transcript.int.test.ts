/**
 * The transcript step on real media: the synthetic talk with an embedded mov_text stream, its
 * SRT as a sidecar, and PocketSphinx (ffmpeg's asr filter) listening to its espeak-ng speech.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ExportIaError, isExportIaError } from '@export-ia/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFfmpeg } from '../src/ffmpeg.js';
import { extractEmbeddedSubtitles, getTranscript, parseSubtitles, pocketSphinxEngine } from '../src/transcript/index.js';
import type { MediaInfo, Transcript } from '../src/types.js';
import { makeTalk, type ScriptSentence } from './fixtures/talk.js';

const tools = findFfmpeg();

/** A small ffprobe reading, so these tests do not depend on the probe step. */
function mediaInfo(path: string): MediaInfo {
  const data = JSON.parse(
    execFileSync(tools.ffprobe, ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', path], { encoding: 'utf8' }),
  ) as {
    streams: {
      index: number;
      codec_type: string;
      codec_name: string;
      width?: number;
      height?: number;
      sample_rate?: string;
      channels?: number;
      tags?: { language?: string };
    }[];
    format: { duration: string; format_name: string; size: string };
  };
  const v = data.streams.find((s) => s.codec_type === 'video');
  const a = data.streams.find((s) => s.codec_type === 'audio');
  const info: MediaInfo = {
    path,
    duration: Number(data.format.duration),
    format: data.format.format_name,
    size: Number(data.format.size),
    subtitles: data.streams
      .filter((s) => s.codec_type === 'subtitle')
      .map((s) => ({ index: s.index, codec: s.codec_name, text: true, ...(s.tags?.language ? { language: s.tags.language } : {}) })),
  };
  if (v) {
    const width = v.width ?? 0;
    const height = v.height ?? 0;
    info.video = {
      index: v.index,
      codec: v.codec_name,
      width,
      height,
      rotation: 0,
      displayWidth: width,
      displayHeight: height,
      fps: 30,
      variableFrameRate: false,
    };
  }
  if (a) info.audio = { index: a.index, codec: a.codec_name, sampleRate: Number(a.sample_rate), channels: a.channels ?? 1 };
  return info;
}

const STOP = new Set(
  'a an and the of to in on at for is are was we i you it that this with as by be have has had our their they them there then so some my me your about from or not no never'.split(
    ' ',
  ),
);
const bare = (w: string) => w.toLowerCase().replace(/[^a-z']/g, '');

/** Share of the script's distinct content words (no stop words, no digits) found in the transcript. */
function contentRecall(script: readonly ScriptSentence[], transcript: Transcript): number {
  const wanted = new Set(script.flatMap((s) => s.text.split(/\s+/).map(bare)).filter((w) => w.length > 2 && !STOP.has(w)));
  const heard = new Set(transcript.words.map((w) => bare(w.text)));
  return [...wanted].filter((w) => heard.has(w)).length / wanted.size;
}

let scratch = '';
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'eia-transcript-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('captions as the transcript', () => {
  it('reads the embedded mov_text stream, and words fall inside the spoken sentences', async () => {
    const talk = await makeTalk({ subtitles: true });
    const media = mediaInfo(talk.video);
    expect(media.subtitles).toHaveLength(1);
    const srt = await extractEmbeddedSubtitles(tools, media, media.subtitles[0]?.index ?? -1);
    expect(parseSubtitles(srt, 'embedded')).toHaveLength(talk.script.length);

    const { transcript, warnings } = await getTranscript({ tools, media, scratchDir: scratch, asr: { engine: 'none' } });
    expect(warnings).toEqual([]);
    expect(transcript.source).toBe(`embedded:${media.subtitles[0]?.index}`);
    expect(transcript.language).toBe('en');
    expect(transcript.sentences.map((s) => s.text)).toEqual(talk.script.map((s) => s.text));
    transcript.sentences.forEach((s, i) => {
      expect(s.start).toBeCloseTo(talk.script[i]?.start ?? -1, 2);
      expect(s.end).toBeCloseTo(talk.script[i]?.end ?? -1, 2);
    });
  });

  it('prefers the --transcript file, and warns when it runs far past the video', async () => {
    const talk = await makeTalk({ subtitles: true });
    const media = mediaInfo(talk.video);
    const fromFile = await getTranscript({ tools, media, transcriptPath: talk.vtt, scratchDir: scratch });
    expect(fromFile.transcript.source).toBe('sidecar:talk.vtt');
    expect(fromFile.transcript.sentences).toHaveLength(talk.script.length);

    const long = join(scratch, 'long.srt');
    await writeFile(long, '1\n00:00:01,000 --> 00:00:02,000\nHello there.\n\n2\n00:10:00,000 --> 00:10:02,000\nFar too late.\n');
    const mismatch = await getTranscript({ tools, media, transcriptPath: long, scratchDir: scratch });
    expect(mismatch.warnings.map((w) => w.code)).toEqual(['EIA_VIDEO_TRANSCRIPT_MISMATCH']);
    expect(mismatch.transcript.words.map((w) => w.text)).toEqual(['Hello', 'there.']);

    const bad = join(scratch, 'bad.srt');
    await writeFile(bad, '1\n00:00:01,000 -> 00:00:02,000\nHello\n');
    const error = await getTranscript({ tools, media, transcriptPath: bad, scratchDir: scratch }).catch((e: unknown) => e);
    expect(isExportIaError(error) && error.code).toBe('EIA_VIDEO_TRANSCRIPT_INVALID');
  });

  it('falls back to no transcript with a warning when there are no captions and ASR is off', async () => {
    const talk = await makeTalk();
    const { transcript, warnings } = await getTranscript({ tools, media: mediaInfo(talk.video), scratchDir: scratch, asr: { engine: 'none' } });
    expect(transcript.words).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(['EIA_VIDEO_NO_SPEECH']);
  });

  it('stops before any work when the whisper model does not exist', async () => {
    const talk = await makeTalk();
    const error = await getTranscript({
      tools,
      media: mediaInfo(talk.video),
      scratchDir: scratch,
      asr: { engine: 'whisper', model: join(scratch, 'nope.bin') },
    }).catch((e: unknown) => e);
    expect(isExportIaError(error) && error.code).toBe('EIA_VIDEO_ASR_MODEL_MISSING');
  });

  it('a recogniser failure names the video, not the scratch audio it was given', async () => {
    const talk = await makeTalk();
    const failing = {
      id: 'flaky',
      available: async () => ({ ok: true as const }),
      transcribe: async (input: { audioPath: string }) => {
        throw new ExportIaError('EIA_VIDEO_ASR_FAILED', { engine: 'flaky', file: input.audioPath, detail: 'server down' });
      },
    };
    const media = mediaInfo(talk.video);
    const error = await getTranscript({ tools, media, scratchDir: scratch, engines: [failing], explicit: true }).catch((e: unknown) => e);
    expect(isExportIaError(error) && error.code).toBe('EIA_VIDEO_ASR_FAILED');
    expect((error as Error).message).toContain(`failed on ${basename(talk.video)}: server down`);
    // auto: the same failure is a warning that names the video, and the job goes on without words.
    const auto = await getTranscript({ tools, media, scratchDir: scratch, engines: [failing] });
    expect(auto.warnings.map((w) => [w.code, w.message.includes(basename(talk.video))])).toEqual([
      ['EIA_VIDEO_ASR_FAILED', true],
      ['EIA_VIDEO_NO_SPEECH', true],
    ]);
  });
});

describe.runIf(tools.filters.has('asr'))('PocketSphinx (ffmpeg asr filter)', () => {
  it('hears most of the script, with utterance starts at the real sentence starts', async () => {
    const talk = await makeTalk({ sentences: 12 });
    const media = mediaInfo(talk.video);
    expect((await pocketSphinxEngine().available(tools, 'en')).ok).toBe(true);
    const progress: number[] = [];
    const { transcript, warnings } = await getTranscript({ tools, media, scratchDir: scratch, onProgress: (f) => progress.push(f) });
    expect(warnings).toEqual([]);
    expect(transcript.source).toBe('asr:pocketsphinx');
    const recall = contentRecall(talk.script, transcript);
    // Each recognised sentence (an utterance) starts where a script sentence starts.
    const errors = transcript.sentences.map((s) => Math.min(...talk.script.map((t) => Math.abs(t.start - s.start))));
    const sorted = [...errors].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 1;
    const within = errors.filter((e) => e < 0.05).length / errors.length;
    console.info(
      `pocketsphinx: ${transcript.words.length} words, ${transcript.sentences.length} utterances for ${talk.script.length} sentences; ` +
        `content-word recall ${(recall * 100).toFixed(0)}%; utterance start error median ${(median * 1000).toFixed(0)} ms, ${(within * 100).toFixed(0)}% within 50 ms`,
    );
    expect(recall).toBeGreaterThanOrEqual(0.5);
    expect(median).toBeLessThan(0.05);
    expect(within).toBeGreaterThanOrEqual(0.7);
    expect(progress.at(-1)).toBe(1);
    // Word times never go backwards and stay inside the video.
    for (let i = 1; i < transcript.words.length; i++) expect(transcript.words[i]?.start).toBeGreaterThanOrEqual(transcript.words[i - 1]?.start ?? 0);
    expect(transcript.words.at(-1)?.end).toBeLessThanOrEqual(talk.duration);
  });

  it('is unavailable, with a reason, for a language it has no model for', async () => {
    const status = await pocketSphinxEngine().available(tools, 'fr');
    expect(status).toMatchObject({ ok: false });
  });
});

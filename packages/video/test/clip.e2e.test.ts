/**
 * The whole clip job on a synthetic talk (espeak-ng speech with planted highlights, coloured
 * scenes with known cuts, the astronaut's face moving on a known path): clip boundaries, ranking,
 * output files and their media properties, captions burned, the crop following the face.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ClipResult, clipVideo } from '../src/clip.js';
import { findFfmpeg } from '../src/ffmpeg.js';
import { createFaceDetector } from '../src/reframe/index.js';
import type { ClipsManifest } from '../src/types.js';
import { makeTalk, type Talk } from './fixtures/talk.js';

const tools = findFfmpeg();

function probeJson(file: string): { streams: Record<string, unknown>[]; format: { duration: string } } {
  const out = spawnSync(tools.ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { encoding: 'utf8' });
  return JSON.parse(out.stdout);
}

/** One RGB frame of a video at `t`, scaled to `width`. */
function frameAt(file: string, t: number, width: number, height: number): Buffer {
  const out = spawnSync(
    tools.ffmpeg,
    ['-v', 'error', '-ss', t.toFixed(3), '-i', file, '-frames:v', '1', '-vf', `scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    {
      maxBuffer: 64 << 20,
    },
  );
  return out.stdout;
}

describe('export-ia clip on a synthetic talk', () => {
  let talk: Talk;
  let result: ClipResult;
  let manifest: ClipsManifest;
  let out: string;

  beforeAll(async () => {
    talk = await makeTalk({ sentences: 25, width: 640, height: 360, motion: 'cuts' });
    out = mkdtempSync(join(tmpdir(), 'eia-clip-e2e-'));
    result = await clipVideo({ input: talk.video, outDir: out, transcript: talk.srt, count: 3, min: 8, max: 20, resolution: 720 });
    manifest = JSON.parse(readFileSync(result.manifestPath, 'utf8'));
  }, 240_000);

  it('makes the requested number of clips, each on sentence boundaries and within the bounds', () => {
    expect(manifest.clips).toHaveLength(3);
    const starts = talk.script.map((s) => s.start);
    const ends = talk.script.map((s) => s.end);
    for (const clip of manifest.clips) {
      expect(clip.end - clip.start).toBeGreaterThanOrEqual(8 - 0.05);
      expect(clip.end - clip.start).toBeLessThanOrEqual(20 + 0.05);
      // The transcript came from the SRT whose cues are the script's sentences.
      expect(Math.min(...starts.map((s) => Math.abs(s - clip.start)))).toBeLessThan(0.01);
      expect(Math.min(...ends.map((e) => Math.abs(e - clip.end)))).toBeLessThan(0.01);
      // Margins never reach into a neighbouring sentence.
      const before = ends.filter((e) => e <= clip.start + 0.001).at(-1) ?? 0;
      const after = starts.find((s) => s >= clip.end - 0.001) ?? talk.duration;
      expect(clip.cutStart).toBeGreaterThanOrEqual(before - 0.001);
      expect(clip.cutEnd).toBeLessThanOrEqual(after + 0.001);
    }
    // Ordered by score, not overlapping.
    const scores = manifest.clips.map((c) => c.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    const spans = [...manifest.clips].sort((a, b) => a.start - b.start);
    for (let i = 1; i < spans.length; i++) expect(spans[i]?.start).toBeGreaterThanOrEqual((spans[i - 1]?.end ?? 0) + 2 - 0.001);
  });

  it('puts the planted highlights in the top picks', () => {
    const planted = talk.script.filter((s) => s.highlight);
    expect(planted.length).toBeGreaterThanOrEqual(3);
    const covered = planted.filter((s) => manifest.clips.some((c) => s.start >= c.start - 0.01 && s.end <= c.end + 0.01));
    expect(covered.length).toBeGreaterThanOrEqual(2);
    // The best clip opens with a planted hook, question or figure.
    const best = manifest.clips[0];
    expect(planted.some((s) => Math.abs(s.start - (best?.start ?? -1)) < 0.01)).toBe(true);
    for (const clip of manifest.clips) {
      expect(clip.reasons.length).toBeGreaterThanOrEqual(4);
      expect(clip.score).toBeGreaterThan(0);
      expect(clip.score).toBeLessThanOrEqual(100);
    }
  });

  it('writes H.264/AAC 720×1280 clips of the planned duration with faststart, SRT, VTT, thumbnail, clips.json and report.html', () => {
    for (const clip of manifest.clips) {
      const file = join(out, clip.file);
      const info = probeJson(file);
      const v = info.streams.find((s) => s.codec_type === 'video');
      const a = info.streams.find((s) => s.codec_type === 'audio');
      expect(v?.codec_name).toBe('h264');
      expect([v?.width, v?.height]).toEqual([720, 1280]);
      expect(v?.r_frame_rate).toBe('30/1');
      expect(a?.codec_name).toBe('aac');
      // Duration within one frame (+ the encoder's audio priming).
      expect(Math.abs(Number(info.format.duration) - clip.duration)).toBeLessThan(1 / 30 + 0.05);
      // +faststart: the moov atom comes before mdat.
      const head = readFileSync(file)
        .subarray(0, 64 * 1024)
        .toString('latin1');
      expect(head.indexOf('moov')).toBeGreaterThan(0);
      expect(head.indexOf('moov')).toBeLessThan(head.indexOf('mdat') === -1 ? Number.POSITIVE_INFINITY : head.indexOf('mdat'));
      const srt = readFileSync(join(out, clip.srt), 'utf8');
      expect(srt).toMatch(/^1\r?\n00:00:0\d,\d{3} --> /);
      const firstWord = clip.text.split(/\s+/)[0]?.replace(/[^\p{L}\p{N}']/gu, '') ?? '';
      expect(srt).toContain(firstWord);
      expect(readFileSync(join(out, clip.vtt), 'utf8')).toMatch(/^WEBVTT/);
      expect(statSync(join(out, clip.thumbnail)).size).toBeGreaterThan(1000);
      expect(readFileSync(join(out, clip.thumbnail)).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    }
    const report = readFileSync(result.reportPath, 'utf8');
    for (const clip of manifest.clips) expect(report).toContain(`src="${clip.file}"`);
    expect(report).toContain("default-src 'none'");
    expect(report).not.toMatch(/<script/i);
  });

  it('burns captions: the caption band differs from an uncaptioned render of the same clip', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'eia-clip-nocap-'));
    const again = await clipVideo({ input: talk.video, outDir: plain, transcript: talk.srt, count: 1, min: 8, max: 20, resolution: 720, captions: 'none' });
    const clip = manifest.clips[0];
    const bare = again.manifest.clips[0];
    expect(bare?.start).toBe(clip?.start);
    const word = clip?.words[1] ?? clip?.words[0];
    const t = word ? (word.start + word.end) / 2 : 1;
    const w = 180;
    const h = 320;
    const a = frameAt(join(out, clip?.file ?? ''), t, w, h);
    const b = frameAt(join(plain, bare?.file ?? ''), t, w, h);
    const differs = (y0: number, y1: number) => {
      let n = 0;
      for (let y = Math.floor(y0 * h); y < Math.floor(y1 * h); y++) {
        for (let x = 0; x < w; x++) {
          const i = (y * w + x) * 3;
          if (Math.abs((a[i] ?? 0) - (b[i] ?? 0)) + Math.abs((a[i + 1] ?? 0) - (b[i + 1] ?? 0)) + Math.abs((a[i + 2] ?? 0) - (b[i + 2] ?? 0)) > 90) n++;
        }
      }
      return n;
    };
    // The caption sits around 70 % of the height; the top third is untouched.
    expect(differs(0.6, 0.8)).toBeGreaterThan(150);
    expect(differs(0, 0.33)).toBeLessThan(30);
  }, 120_000);

  it('keeps the face near the horizontal centre of the vertical frame', async () => {
    const detector = createFaceDetector();
    try {
      const errors: number[] = [];
      for (const clip of manifest.clips) {
        for (const f of [0.3, 0.6, 0.9]) {
          const local = clip.duration * f;
          // Skip moments just after a cut (the crop jumps there, the face too).
          const source = clip.cutStart + local;
          if (manifest.analysis.sceneCuts.some((cut) => Math.abs(cut - source) < 0.5)) continue;
          const rgb = frameAt(join(out, clip.file), local, 360, 640);
          const boxes = await detector.detect({ t: local, width: 360, height: 640, rgb: new Uint8Array(rgb) });
          const best = boxes.sort((p, q) => q.score - p.score)[0];
          expect(best, `a face in ${clip.file} at ${local.toFixed(2)} s`).toBeDefined();
          if (best) errors.push(Math.abs(best.x + best.w / 2 - 0.5));
        }
      }
      expect(errors.length).toBeGreaterThanOrEqual(4);
      const mean = errors.reduce((s, e) => s + e, 0) / errors.length;
      expect(mean).toBeLessThan(0.15);
    } finally {
      await detector.close();
    }
  }, 120_000);

  it('resets the track at the known scene cuts', () => {
    const scannedCuts = talk.cuts.filter((cut) => manifest.analysis.scanned.some((s) => cut > s.start + 0.1 && cut < s.end - 0.1));
    expect(scannedCuts.length).toBeGreaterThanOrEqual(2);
    for (const cut of scannedCuts) {
      expect(
        manifest.analysis.sceneCuts.find((c) => Math.abs(c - cut) < 1.5 / talk.fps),
        `cut at ${cut}`,
      ).toBeDefined();
    }
    // No cut is found where there is none.
    for (const found of manifest.analysis.sceneCuts) expect(talk.cuts.some((cut) => Math.abs(found - cut) < 1.5 / talk.fps)).toBe(true);
    let checked = 0;
    for (const clip of manifest.clips) {
      for (const cut of manifest.analysis.sceneCuts.filter((c) => c > clip.cutStart + 0.2 && c < clip.cutEnd - 0.2)) {
        const at = clip.track.filter((p) => Math.abs(p.t - cut) < 0.001);
        expect(at.length, `two points at the cut ${cut}`).toBeGreaterThanOrEqual(2);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(1);
  });

  it('a second run with fewer clips removes the clips the first run listed and this one did not make', async () => {
    const again = await clipVideo({ input: talk.video, outDir: out, transcript: talk.srt, count: 1, min: 8, max: 20, resolution: 720, captions: 'none' });
    expect(again.manifest.clips).toHaveLength(1);
    const left = readdirSync(out)
      .filter((f) => /^clip-/.test(f))
      .sort();
    expect(left).toEqual(['clip-01.jpg', 'clip-01.mp4', 'clip-01.srt', 'clip-01.vtt']);
  }, 120_000);
});

/**
 * Step 3b, scene cuts — only where they matter. Decoding pictures is the expensive part of the
 * job (≈ 12× real time at 1080p against ≈ 500× for audio), so the video is decoded only over the
 * spans of the best candidates, downscaled, and `select`'s scene score marks the cuts (the
 * filter exists in ffmpeg 4.1 and 5.x alike).
 */
import { ExportIaError } from '@export-ia/core';
import { type FfmpegTools, logTail, run, ts } from './ffmpeg.js';
import { SAFE_INPUT_OPTIONS } from './probe.js';
import type { MediaInfo, SceneAnalysis, Span } from './types.js';

export interface SceneOptions {
  /** Scene score above which a frame starts a new shot (0…1). Default 0.3. */
  threshold?: number;
  /** Seconds added around each span (a cut just before a clip matters to reframing). Default 1. */
  pad?: number;
  /** ffmpeg processes at once. Default 2. */
  concurrency?: number;
  signal?: AbortSignal;
  name?: string;
  onProgress?: (fraction: number) => void;
}

/** Sorts and merges spans that overlap or touch. */
export function mergeSpans(spans: readonly Span[], gap = 0): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const span of sorted) {
    const last = out.at(-1);
    if (last && span.start <= last.end + gap) last.end = Math.max(last.end, span.end);
    else out.push({ start: span.start, end: span.end });
  }
  return out;
}

/** Parses `metadata=print` output: `pts_time:1` then `lavfi.scene_score=0.4`. */
export function parseSceneScores(text: string, offset: number, threshold: number): number[] {
  const cuts: number[] = [];
  let time: number | undefined;
  for (const line of text.split('\n')) {
    const frame = /pts_time:(-?[\d.]+)/.exec(line);
    if (frame) {
      time = Number(frame[1]);
      continue;
    }
    const score = /^lavfi\.scene_score=([\d.]+)/.exec(line);
    if (score && time !== undefined && Number(score[1]) >= threshold) cuts.push(Math.round((offset + time) * 1000) / 1000);
  }
  return cuts;
}

/** Finds the scene cuts inside the given spans of the source (seconds from its start). */
export async function detectScenes(tools: FfmpegTools, media: MediaInfo, spans: readonly Span[], options: SceneOptions = {}): Promise<SceneAnalysis> {
  const threshold = options.threshold ?? 0.3;
  const pad = options.pad ?? 1;
  const scanned = mergeSpans(
    spans.map((s) => ({ start: Math.max(0, s.start - pad), end: Math.min(media.duration, s.end + pad) })),
    0.5,
  ).filter((s) => s.end - s.start > 0.04);
  const total = scanned.reduce((sum, s) => sum + (s.end - s.start), 0) || 1;
  const done = new Array<number>(scanned.length).fill(0);
  const report = () => options.onProgress?.(Math.min(1, done.reduce((a, b) => a + b, 0) / total));
  const cuts: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < scanned.length) {
      const index = next++;
      const span = scanned[index] as Span;
      // fast_bilinear: the default bicubic downscale of every 1080p frame cost more than a third
      // of this pass's CPU (8.5 → 5.5 CPU-s per minute of 1080p); scene scores need no better.
      const filter = `scale=160:-2:flags=fast_bilinear,select='gt(scene,${threshold})',metadata=print:file=-`;
      const out: Buffer[] = [];
      const result = await run(
        tools.ffmpeg,
        [
          '-hide_banner',
          '-nostdin',
          '-ss',
          ts(span.start),
          '-t',
          ts(span.end - span.start),
          ...SAFE_INPUT_OPTIONS,
          '-i',
          media.path,
          '-an',
          '-sn',
          '-dn',
          '-vf',
          filter,
          '-f',
          'null',
          '-',
        ],
        {
          signal: options.signal,
          onStdout: (chunk) => out.push(chunk),
          onTime: (seconds) => {
            done[index] = Math.min(seconds, span.end - span.start);
            report();
          },
        },
      );
      if (result.code !== 0) {
        throw new ExportIaError('EIA_VIDEO_FFMPEG_FAILED', {
          step: 'looking for scene cuts in',
          file: options.name ?? media.path,
          exit: result.code,
          detail: logTail(result.stderr),
        });
      }
      done[index] = span.end - span.start;
      report();
      // A "cut" on the first frame of a span is only the start of decoding.
      for (const cut of parseSceneScores(Buffer.concat(out).toString('utf8'), span.start, threshold)) if (cut > span.start + 0.02) cuts.push(cut);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 2, scanned.length) }, worker));
  return { scanned, cuts: [...new Set(cuts)].sort((a, b) => a - b) };
}

/**
 * Step 8, render: each clip in one ffmpeg pass — an accurate cut (input seek + re-encode: a
 * stream copy snaps to the previous keyframe), the crop following the subject track, the removed
 * silences and fillers taken out, captions burned with libass, loudness normalised, H.264/AAC
 * with `+faststart`. The filter graph is built from numbers and escaped values only.
 */
import { ExportIaError } from '@export-ia/core';
import { assFilter } from './captions/ass.js';
import { type FfmpegTools, filterValue, logTail, run, ts } from './ffmpeg.js';
import { SAFE_INPUT_OPTIONS } from './probe.js';
import type { Layout, MediaInfo, Span } from './types.js';

export interface CropWindow {
  /** Crop size in source (display) pixels. */
  w: number;
  h: number;
  /** ffmpeg expressions of `t` (seconds from the cut start) for the window's top-left corner. */
  x: string;
  y: string;
}

export interface RenderJob {
  media: MediaInfo;
  /** Source seconds. */
  cutStart: number;
  cutEnd: number;
  /** Source spans to remove (inside the cut). */
  removed: Span[];
  output: string;
  width: number;
  height: number;
  /** Output frame rate (≤ 30). */
  fps: number;
  layout: Exclude<Layout, 'auto'>;
  /** For `fill`: the window to crop. For `split`: the top and bottom windows. */
  crop?: CropWindow;
  cropBottom?: CropWindow;
  /** Burned captions. */
  captions?: { assPath: string; fontsDir?: string };
  /** Integrated loudness target (LUFS). Default -14 (what the short-video platforms normalise to). */
  loudness?: number;
  /** x264 preset and quality. Defaults veryfast / 21. */
  preset?: string;
  crf?: number;
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /** For messages. */
  name?: string;
  title?: string;
}

/** The ffmpeg frame rate for an output: the source's, capped at 30, as a fraction when NTSC. */
export function outputFps(sourceFps: number): number {
  if (!Number.isFinite(sourceFps) || sourceFps <= 0) return 30;
  // Above 30, the nearest even divisor (59.94 → 29.97, 50 → 25, 60 → 30), so frames drop evenly.
  let fps = sourceFps;
  for (let divisor = 2; fps > 30.01; divisor++) fps = sourceFps / divisor;
  return Math.round(fps * 1000) / 1000;
}

function fpsArg(fps: number): string {
  for (const base of [24, 30, 60]) if (Math.abs(fps - (base * 1000) / 1001) < 0.01) return `${base * 1000}/1001`;
  return String(fps);
}

/**
 * What `select`/`aselect` keep: `not(…)` of the removed spans (relative to the cut start), or
 * undefined. Half-open intervals, so a span of k frames removes exactly k frames: for pictures
 * the bounds sit half a frame early (frame times are k/fps), for sound (1 ms chunks) they are the
 * spans themselves. With spans on the frame grid both lose the same time.
 */
export function keepExpression(removed: readonly Span[], cutStart: number, shift = 0): string | undefined {
  const parts = removed
    .filter((span) => span.end > span.start)
    .map((span) => {
      const from = Math.max(0, span.start - cutStart - shift);
      const to = Math.max(0, span.end - cutStart - shift);
      return `gte(t,${from.toFixed(4)})*lt(t,${to.toFixed(4)})`;
    });
  if (parts.length === 0) return undefined;
  return `not(${parts.join('+')})`;
}

/** Builds the filter graph of one clip. Exported for tests. */
export function clipFilterGraph(job: RenderJob): string {
  const { width: ow, height: oh } = job;
  const fps = fpsArg(job.fps);
  const keepVideo = keepExpression(job.removed, job.cutStart, 0.5 / job.fps);
  const keepAudio = keepExpression(job.removed, job.cutStart);
  const steps: string[] = [];
  const video = job.media.video;
  // Non-square pixels: make them square first, so crop sizes are display pixels.
  const prep = video && video.rotation % 180 === 0 && video.displayWidth !== video.width ? `scale=${video.displayWidth}:${video.displayHeight},setsar=1,` : '';
  const crop = (window: CropWindow) => `crop=w=${window.w}:h=${window.h}:x=${filterValue(window.x)}:y=${filterValue(window.y)}`;
  if (job.layout === 'fill') {
    if (!job.crop) throw new Error('fill layout needs a crop window');
    steps.push(`[0:v]${prep}${crop(job.crop)},scale=${ow}:${oh}:flags=bicubic,setsar=1,fps=${fps}[framed]`);
  } else if (job.layout === 'split') {
    if (!job.crop || !job.cropBottom) throw new Error('split layout needs two crop windows');
    const half = Math.round(oh / 4) * 2;
    steps.push(
      `[0:v]${prep}split=2[top][bottom]`,
      `[top]${crop(job.crop)},scale=${ow}:${half}:flags=bicubic,setsar=1[t]`,
      `[bottom]${crop(job.cropBottom)},scale=${ow}:${oh - half}:flags=bicubic,setsar=1[b]`,
      `[t][b]vstack=inputs=2,fps=${fps}[framed]`,
    );
  } else {
    // fit: the whole frame, letterboxed over a blurred, zoomed copy of itself (blurred at 1/8 size: cheap).
    const smallW = Math.max(2, Math.round(ow / 16) * 2);
    const smallH = Math.max(2, Math.round(oh / 16) * 2);
    steps.push(
      `[0:v]${prep}split=2[bg][fg]`,
      `[bg]scale=${smallW}:${smallH}:force_original_aspect_ratio=increase,crop=${smallW}:${smallH},boxblur=4:2,scale=${ow}:${oh},setsar=1[blurred]`,
      `[fg]scale=${ow}:${oh}:force_original_aspect_ratio=decrease:flags=bicubic,setsar=1[front]`,
      `[blurred][front]overlay=x=(W-w)/2:y=(H-h)/2,fps=${fps}[framed]`,
    );
  }
  let last = 'framed';
  if (keepVideo) {
    steps.push(`[${last}]select=${filterValue(keepVideo)},setpts=N/FRAME_RATE/TB[kept]`);
    last = 'kept';
  }
  if (job.captions) {
    steps.push(`[${last}]${assFilter(job.captions.assPath, job.captions.fontsDir)}[captioned]`);
    last = 'captioned';
  }
  steps.push(`[${last}]format=yuv420p[vout]`);
  if (job.media.audio) {
    const audio = [`[0:${job.media.audio.index}]aresample=48000`];
    if (keepAudio) audio.push('asetnsamples=n=48:p=0', `aselect=${filterValue(keepAudio)}`, 'asetpts=N/SR/TB');
    audio.push(`loudnorm=I=${job.loudness ?? -14}:TP=-1.5:LRA=11`, 'aresample=48000');
    steps.push(`${audio.join(',')}[aout]`);
  }
  return steps.join(';');
}

/** Output duration after the removed spans. */
export function renderedDuration(job: Pick<RenderJob, 'cutStart' | 'cutEnd' | 'removed'>): number {
  const removed = job.removed.reduce((sum, span) => sum + Math.max(0, Math.min(span.end, job.cutEnd) - Math.max(span.start, job.cutStart)), 0);
  return job.cutEnd - job.cutStart - removed;
}

/** Renders one clip. */
export async function renderClip(tools: FfmpegTools, job: RenderJob): Promise<void> {
  const graph = clipFilterGraph(job);
  const duration = renderedDuration(job);
  const args = [
    '-hide_banner',
    '-nostdin',
    '-ss',
    ts(job.cutStart),
    '-t',
    ts(job.cutEnd - job.cutStart),
    ...SAFE_INPUT_OPTIONS,
    '-i',
    job.media.path,
    '-filter_complex',
    graph,
    '-map',
    '[vout]',
  ];
  if (job.media.audio) args.push('-map', '[aout]');
  args.push(
    '-c:v',
    'libx264',
    '-preset',
    job.preset ?? 'veryfast',
    '-crf',
    String(job.crf ?? 21),
    '-profile:v',
    'high',
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(Math.round(job.fps * 2)),
  );
  if (job.threads) args.push('-threads', String(job.threads));
  if (job.media.audio) args.push('-c:a', 'aac', '-b:a', '160k', '-ac', '2');
  args.push('-map_metadata', '-1', '-map_chapters', '-1', '-sn', '-dn');
  if (job.title) args.push('-metadata', `title=${job.title}`);
  args.push('-movflags', '+faststart', '-y', job.output);
  const result = await run(tools.ffmpeg, args, {
    signal: job.signal,
    onTime: job.onProgress ? (seconds) => job.onProgress?.(Math.min(1, seconds / Math.max(0.1, duration))) : undefined,
  });
  if (result.code !== 0) {
    throw new ExportIaError('EIA_VIDEO_FFMPEG_FAILED', {
      step: 'rendering a clip of',
      file: job.name ?? job.media.path,
      exit: result.code,
      detail: logTail(result.stderr),
    });
  }
  job.onProgress?.(1);
}

/** A JPEG thumbnail from a rendered clip: the most representative frame of its first seconds. */
export async function thumbnail(
  tools: FfmpegTools,
  clip: string,
  output: string,
  options: { at?: number; width?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const args = ['-hide_banner', '-nostdin', '-ss', ts(options.at ?? 0.5), '-t', '3', '-i', clip, '-an', '-vf', 'thumbnail=n=45', '-frames:v', '1'];
  if (options.width) args.splice(args.indexOf('-vf') + 1, 1, `thumbnail=n=45,scale=${options.width}:-2`);
  args.push('-q:v', '3', '-y', output);
  const result = await run(tools.ffmpeg, args, { signal: options.signal });
  if (result.code !== 0) {
    throw new ExportIaError('EIA_VIDEO_FFMPEG_FAILED', { step: 'making the thumbnail of', file: clip, exit: result.code, detail: logTail(result.stderr) });
  }
}

/**
 * Decoding a span of the source into small RGB frames for the subject detectors: one ffmpeg
 * process per span, fast seek (`-ss` before `-i`), frames read from a raw pipe.
 */
import { spawn } from 'node:child_process';
import { ExportIaError } from '@export-ia/core';
import { type FfmpegTools, logTail, ts } from '../ffmpeg.js';
import { SAFE_INPUT_OPTIONS } from '../probe.js';
import type { MediaInfo, Span } from '../types.js';

/** One decoded frame, in display orientation (ffmpeg autorotates phone videos). */
export interface Frame {
  /** Seconds from the start of the source. */
  t: number;
  width: number;
  height: number;
  /** `width × height × 3` bytes, row-major RGB. */
  rgb: Uint8Array;
}

export interface SampleOptions {
  /** Frames per second sampled. Default 3. */
  fps?: number;
  /** Frame width in pixels; the height keeps the displayed aspect (rounded to even). Default 640. */
  width?: number;
  signal?: AbortSignal;
}

/** Frames buffered before ffmpeg's pipe is paused (the consumer, a detector, is slower). */
const QUEUE_LIMIT = 4;

/** The sampled frame size for a source, from its displayed size. */
export function sampleSize(media: Pick<MediaInfo, 'video'>, width = 640): { width: number; height: number } {
  const video = media.video;
  const dw = video?.displayWidth || video?.width || 16;
  const dh = video?.displayHeight || video?.height || 9;
  const w = Math.max(2, Math.round(width / 2) * 2);
  const h = Math.max(2, Math.round((w * dh) / dw / 2) * 2);
  return { width: w, height: h };
}

/**
 * Frames of `span` at `fps`, downscaled to `width`. Frame `i` is at `span.start + i / fps`.
 * Throws EIA_VIDEO_FFMPEG_FAILED when ffmpeg fails; stops ffmpeg when the loop is left early
 * or `signal` aborts.
 */
export async function* sampleFrames(
  tools: FfmpegTools,
  media: Pick<MediaInfo, 'path' | 'video'>,
  span: Span,
  options: SampleOptions = {},
): AsyncGenerator<Frame> {
  const fps = options.fps ?? 3;
  const { width, height } = sampleSize(media, options.width ?? 640);
  const duration = Math.max(0, span.end - span.start);
  if (duration <= 0) return;
  const frameBytes = width * height * 3;
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-ss',
    ts(span.start),
    ...SAFE_INPUT_OPTIONS,
    // A few frames a second need no exact frames: skipping the non-reference ones saves ≈ 30 %
    // of the decoding.
    '-skip_frame',
    'noref',
    '-i',
    media.path,
    '-t',
    ts(duration),
    '-an',
    '-sn',
    '-dn',
    '-vf',
    `fps=${fps},scale=${width}:${height}`,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
  options.signal?.throwIfAborted();
  const child = spawn(tools.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  const frames: Uint8Array[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let stderr = '';
  let done = false;
  let failure: unknown;
  let stopped = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  child.stdout.on('data', (chunk: Buffer) => {
    pending.push(chunk);
    pendingBytes += chunk.length;
    while (pendingBytes >= frameBytes) {
      const all = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending);
      frames.push(new Uint8Array(all.subarray(0, frameBytes)));
      const rest = all.subarray(frameBytes);
      pending = rest.length > 0 ? [rest] : [];
      pendingBytes = rest.length;
    }
    if (frames.length >= QUEUE_LIMIT) child.stdout.pause();
    notify();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-16_384);
  });
  child.on('error', (error) => {
    failure ??= error;
    done = true;
    notify();
  });
  child.on('close', (code) => {
    if (code !== 0 && !failure && !stopped) {
      failure = new ExportIaError('EIA_VIDEO_FFMPEG_FAILED', { step: 'reframe-sample', file: media.path, exit: code ?? 1, detail: logTail(stderr) });
    }
    done = true;
    notify();
  });
  const onAbort = () => {
    stopped = true;
    child.kill('SIGKILL');
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let index = 0;
    while (true) {
      const rgb = frames.shift();
      if (rgb) {
        if (frames.length < QUEUE_LIMIT && child.stdout.isPaused()) child.stdout.resume();
        const t = span.start + index / fps;
        index += 1;
        if (t >= span.end) continue;
        yield { t, width, height, rgb };
        options.signal?.throwIfAborted();
        continue;
      }
      options.signal?.throwIfAborted();
      if (done) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    if (failure) throw failure;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (!done) {
      stopped = true;
      child.kill('SIGKILL');
    }
  }
}

/**
 * Step 7 for one clip: sample frames over the cut (a few per second, downscaled), find faces
 * (and motion as the fallback), choose the layout, and turn the subject into a smooth crop track
 * and the ffmpeg crop window that follows it. `split` gets one track per speaker (the two most
 * present faces, left one on top).
 */

import type { FfmpegTools } from './ffmpeg.js';
import {
  buildTrack,
  cropSize,
  decideLayout,
  detectSubjects,
  linkIdentities,
  type SubjectDetector,
  type SubjectFrame,
  trackToCropExpressions,
} from './reframe/index.js';
import type { CropWindow } from './render.js';
import type { Aspect, Layout, MediaInfo, Span, TrackPoint } from './types.js';

export interface Reframing {
  layout: Exclude<Layout, 'auto'>;
  track: TrackPoint[];
  crop?: CropWindow;
  cropBottom?: CropWindow;
  /** Second speaker's track (split layout). */
  trackBottom?: TrackPoint[];
  /** Frames sampled and faces found, for the report and tests. */
  frames: number;
  faces: number;
}

export interface ReframeInput {
  tools: FfmpegTools;
  media: MediaInfo;
  /** The cut, source seconds. */
  span: Span;
  /** Scene cuts, source seconds. */
  cuts: readonly number[];
  aspect: Aspect;
  layout: Layout;
  /** The face detector (shared across clips: its model loads once); `null` = motion only. */
  detector?: SubjectDetector | null;
  /** Frames per second sampled. Default 3. */
  fps?: number;
  signal?: AbortSignal;
}

const even = (n: number) => Math.max(2, Math.floor(n / 2) * 2);

/** Crop window in pixels for a normalised crop size. */
function windowFor(track: TrackPoint[], srcW: number, srcH: number, cw: number, ch: number, offset: number): CropWindow {
  const w = Math.min(srcW, even(cw * srcW));
  const h = Math.min(srcH, even(ch * srcH));
  const { x, y } = trackToCropExpressions(track, { srcW, srcH, cropW: w, cropH: h, offset });
  return { w, h, x, y };
}

/** Detections of one identity only, so a track follows that person. */
function onlyIdentity(frames: readonly SubjectFrame[], boxes: ReadonlyMap<number, SubjectFrame['boxes'][number]>): SubjectFrame[] {
  return frames.map((frame, index) => {
    const box = boxes.get(index);
    return { t: frame.t, boxes: box ? [box] : [] };
  });
}

export async function reframeClip(input: ReframeInput): Promise<Reframing> {
  const video = input.media.video;
  if (!video) throw new Error('reframeClip needs a video stream');
  const srcW = video.displayWidth;
  const srcH = video.displayHeight;
  const sourceAspect = srcW / srcH;
  const frames = await detectSubjects(input.tools, input.media, input.span, {
    fps: input.fps ?? 3,
    width: Math.min(640, srcW),
    ...(input.detector !== undefined ? { detector: input.detector } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const faces = frames.reduce((n, f) => n + f.boxes.length, 0);
  const layout: Exclude<Layout, 'auto'> = input.layout === 'auto' ? decideLayout(frames, input.aspect, { sourceAspect }) : input.layout;
  const base = { frames: frames.length, faces };
  if (layout === 'fit') {
    return { ...base, layout, track: [{ t: input.span.start, cx: 0.5, cy: 0.5, kind: 'center' }] };
  }
  if (layout === 'split') {
    const identities = linkIdentities(frames)
      .sort((a, b) => b.boxes.size - a.boxes.size)
      .slice(0, 2);
    // Each half of a split frame has twice the output's aspect ratio (same width, half height).
    const [a, b] = input.aspect.split(':').map(Number) as [number, number];
    const halfAspect = (2 * a) / b;
    const half = halfAspect >= sourceAspect ? { cw: 1, ch: sourceAspect / halfAspect } : { cw: halfAspect / sourceAspect, ch: 1 };
    const meanX = (boxes: ReadonlyMap<number, { x: number; w: number }>) => {
      let sum = 0;
      for (const box of boxes.values()) sum += box.x + box.w / 2;
      return boxes.size ? sum / boxes.size : 0.5;
    };
    const [left, right] = identities.sort((p, q) => meanX(p.boxes) - meanX(q.boxes));
    const trackOf = (boxes?: ReadonlyMap<number, SubjectFrame['boxes'][number]>) =>
      buildTrack({
        detections: boxes ? onlyIdentity(frames, boxes) : frames,
        cuts: input.cuts,
        span: input.span,
        sourceAspect,
        // A half of a 9:16 frame is 9:8: the square window is the nearest the tracker knows
        // (ffmpeg's crop keeps the real window inside the frame).
        targetAspect: '1:1',
      });
    if (left && right) {
      const top = trackOf(left.boxes);
      const bottom = trackOf(right.boxes);
      return {
        ...base,
        layout,
        track: top,
        trackBottom: bottom,
        crop: windowFor(top, srcW, srcH, half.cw, half.ch, input.span.start),
        cropBottom: windowFor(bottom, srcW, srcH, half.cw, half.ch, input.span.start),
      };
    }
    // Fewer than two people: a split makes no sense; follow the one there is.
  }
  const track = buildTrack({ detections: frames, cuts: input.cuts, span: input.span, sourceAspect, targetAspect: input.aspect });
  const { cw, ch } = cropSize(sourceAspect, input.aspect);
  return { ...base, layout: 'fill', track, crop: windowFor(track, srcW, srcH, cw, ch, input.span.start) };
}

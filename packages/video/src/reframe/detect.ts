/**
 * Sampling a span and running the detectors over it: faces on every sampled frame, and the
 * motion fallback alongside (it needs consecutive frames, and costs ≈ nothing).
 */
import type { FfmpegTools } from '../ffmpeg.js';
import type { MediaInfo, Span } from '../types.js';
import { createFaceDetector, type SubjectDetector } from './face-detector.js';
import { sampleFrames } from './frames.js';
import { createMotionDetector } from './motion-detector.js';
import type { SubjectFrame } from './subjects.js';

export interface DetectOptions {
  /** Frames per second sampled. Default 3. */
  fps?: number;
  /** Width of the sampled frames. Default 640. */
  width?: number;
  /** The face (or person) detector. Default {@link createFaceDetector}(). `null`: motion only. */
  detector?: SubjectDetector | null;
  /** Run the motion fallback. Default true. */
  motion?: boolean;
  signal?: AbortSignal;
  /** Called after each sampled frame (progress). */
  onFrame?: (frame: SubjectFrame) => void;
}

/** Detections for each sampled frame of `span`. */
export async function detectSubjects(
  tools: FfmpegTools,
  media: Pick<MediaInfo, 'path' | 'video'>,
  span: Span,
  options: DetectOptions = {},
): Promise<SubjectFrame[]> {
  const faces = options.detector === undefined ? createFaceDetector() : options.detector;
  const motion = options.motion === false ? undefined : createMotionDetector();
  const out: SubjectFrame[] = [];
  try {
    for await (const frame of sampleFrames(tools, media, span, {
      fps: options.fps ?? 3,
      width: options.width ?? 640,
      ...(options.signal ? { signal: options.signal } : {}),
    })) {
      const boxes = faces ? await faces.detect(frame) : [];
      const moved = motion ? await motion.detect(frame) : [];
      const detections: SubjectFrame = { t: frame.t, boxes };
      if (moved[0]) detections.motion = moved[0];
      out.push(detections);
      options.onFrame?.(detections);
    }
  } finally {
    await motion?.close();
    if (options.detector === undefined) await faces?.close();
  }
  return out;
}

/**
 * Who is who across sampled frames: face boxes linked into identities by position, and how much
 * each one speaks (the spread of its mouth opening around a moment).
 */
import type { Aspect, FrameDetections, SubjectBox } from '../types.js';

/** Detections of one sampled frame, plus the motion fallback's box when it found one. */
export interface SubjectFrame extends FrameDetections {
  motion?: SubjectBox;
}

export interface Identity {
  id: number;
  /** Index into the frames list → this identity's box there. */
  boxes: Map<number, SubjectBox>;
}

/** Mouth-opening spread (std) above which a face counts as speaking. */
export const SPEAKING = 0.012;

/** Normalised crop window size (fractions of the source width and height) for an aspect. */
export function cropSize(sourceAspect: number, target: Aspect): { cw: number; ch: number } {
  const [a, b] = target.split(':').map(Number) as [number, number];
  const ratio = a / b;
  if (ratio < sourceAspect) return { cw: ratio / sourceAspect, ch: 1 };
  return { cw: 1, ch: sourceAspect / ratio };
}

export const centreX = (box: SubjectBox): number => box.x + box.w / 2;
export const centreY = (box: SubjectBox): number => box.y + box.h / 2;

/**
 * Links boxes into identities: each box joins the nearest identity seen in the last `maxGap`
 * seconds whose last box centre is within ~half a face width, else starts a new identity.
 */
export function linkIdentities(frames: readonly FrameDetections[], maxGap = 2): Identity[] {
  const identities: Array<Identity & { last: SubjectBox; lastT: number }> = [];
  frames.forEach((frame, index) => {
    const taken = new Set<number>();
    const boxes = [...frame.boxes].sort((p, q) => q.w * q.h - p.w * p.h);
    for (const box of boxes) {
      let best: (typeof identities)[number] | undefined;
      let bestDistance = Number.POSITIVE_INFINITY;
      for (const identity of identities) {
        if (taken.has(identity.id) || frame.t - identity.lastT > maxGap) continue;
        const distance = Math.hypot(centreX(box) - centreX(identity.last), centreY(box) - centreY(identity.last));
        const reach = Math.max(0.6 * Math.max(box.w, identity.last.w), 0.05);
        if (distance < reach && distance < bestDistance) {
          best = identity;
          bestDistance = distance;
        }
      }
      if (!best) {
        best = { id: identities.length, boxes: new Map(), last: box, lastT: frame.t };
        identities.push(best);
      }
      taken.add(best.id);
      best.boxes.set(index, box);
      best.last = box;
      best.lastT = frame.t;
    }
  });
  return identities.map(({ id, boxes }) => ({ id, boxes }));
}

/** Standard deviation of an identity's mouth opening over frames within ±`radius` s of `t`. */
export function speaking(identity: Identity, frames: readonly FrameDetections[], t: number, radius = 0.75): number | undefined {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (const [index, box] of identity.boxes) {
    const frame = frames[index];
    if (!frame || box.mouth === undefined || Math.abs(frame.t - t) > radius) continue;
    n += 1;
    sum += box.mouth;
    sumSq += box.mouth * box.mouth;
  }
  if (n < 3) return undefined;
  const mean = sum / n;
  return Math.sqrt(Math.max(0, sumSq / n - mean * mean));
}

/**
 * How much an identity deserves the frame at one moment: a speaker (mouth moving) always beats a
 * silent face, the most active speaker wins; among silent faces the largest, most certain one.
 */
export function salience(identity: Identity, frames: readonly FrameDetections[], index: number): number {
  const box = identity.boxes.get(index);
  if (!box) return 0;
  const frame = frames[index];
  const talk = frame ? speaking(identity, frames, frame.t) : undefined;
  if (talk !== undefined && talk >= SPEAKING) return 1 + talk;
  return Math.min(1, box.w * box.h) * (0.5 + 0.5 * box.score) * 0.999;
}

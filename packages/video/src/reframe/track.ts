/**
 * From sampled detections to a smooth crop track: one subject per shot (switching only at cuts or
 * after a sustained change), a dead zone so a subject that stays near the middle moves nothing, a
 * critically damped spring with a speed limit for the moves, a jump (no easing) at scene cuts,
 * and the fallbacks face → motion → frame centre. The crop window always stays inside the frame.
 */
import type { Aspect, Span, TrackPoint } from '../types.js';
import { centreX, centreY, cropSize, type Identity, linkIdentities, type SubjectFrame, salience } from './subjects.js';

export interface BuildTrackInput {
  /** Sampled detections (any order; only those inside `span` are used). */
  detections: readonly SubjectFrame[];
  /** Scene cut times, seconds from the start of the source. */
  cuts: readonly number[];
  span: { start: number; end: number };
  /** Displayed source width / height. */
  sourceAspect: number;
  targetAspect: Aspect;
  /** Tuning; the defaults suit talks. */
  options?: TrackTuning;
}

export interface TrackTuning {
  /** Half-width of the central zone, as a fraction of the crop window, where a subject moves nothing. Default 0.15. */
  deadZone?: number;
  /** Spring angular frequency (rad/s): ≈ 4/ω seconds to settle. Default 4. */
  stiffness?: number;
  /** Top camera speed, source widths (heights for y) per second. Default 0.5. */
  maxSpeed?: number;
  /** A better subject must stay better this long before the crop switches to it (s). Default 1.5. */
  switchAfter?: number;
  /** A lost face is held this long before falling back (s). Default 1. */
  hold?: number;
  /** Spacing of the output points while the camera moves (s). Default 0.1. */
  step?: number;
}

interface Target {
  t: number;
  x: number;
  y: number;
  kind: TrackPoint['kind'];
}

const SIM_DT = 1 / 30;
const round = (value: number, scale: number): number => Math.round(value * scale) / scale;

/** Splits a span at the cuts inside it. */
export function shotsOf(span: Span, cuts: readonly number[]): Span[] {
  const inside = [...new Set(cuts)].filter((c) => c > span.start + 1e-6 && c < span.end - 1e-6).sort((a, b) => a - b);
  const edges = [span.start, ...inside, span.end];
  const shots: Span[] = [];
  for (let i = 0; i + 1 < edges.length; i++) shots.push({ start: edges[i] as number, end: edges[i + 1] as number });
  return shots;
}

/** Per sampled frame of one shot: where the subject is (before smoothing) and what it is. */
function shotTargets(frames: readonly SubjectFrame[], tuning: Required<TrackTuning>): Target[] {
  const identities = linkIdentities(frames);
  const byId = new Map(identities.map((identity) => [identity.id, identity]));
  const targets: Target[] = [];
  let current: Identity | undefined;
  let lastSeen = Number.NEGATIVE_INFINITY;
  let lastFace: { x: number; y: number } | undefined;
  let challenger: { id: number; since: number } | undefined;
  let lastMotion: { t: number; x: number; y: number } | undefined;
  const present = (index: number) => identities.filter((identity) => identity.boxes.has(index));
  const best = (index: number, among: Identity[]) => {
    let top: Identity | undefined;
    let topScore = -1;
    for (const identity of among) {
      const score = salience(identity, frames, index);
      if (score > topScore) {
        top = identity;
        topScore = score;
      }
    }
    return top;
  };
  /** At a shot start: the identity with the most salience over the first `switchAfter` seconds. */
  const opening = (index: number): Identity | undefined => {
    const t0 = frames[index]?.t ?? 0;
    const totals = new Map<number, number>();
    for (let i = index; i < frames.length && (frames[i]?.t ?? 0) - t0 <= tuning.switchAfter; i++) {
      for (const identity of present(i)) totals.set(identity.id, (totals.get(identity.id) ?? 0) + salience(identity, frames, i));
    }
    let top: number | undefined;
    for (const [id, total] of totals) if (top === undefined || total > (totals.get(top) ?? 0)) top = id;
    return top === undefined ? undefined : byId.get(top);
  };
  frames.forEach((frame, index) => {
    const here = present(index);
    if (here.length > 0) {
      if (!current) current = opening(index);
      else if (current.boxes.has(index)) {
        const top = best(index, here);
        if (top && top !== current && salience(top, frames, index) > 1.25 * salience(current, frames, index)) {
          if (challenger?.id !== top.id) challenger = { id: top.id, since: frame.t };
          if (frame.t - challenger.since >= tuning.switchAfter) {
            current = top;
            challenger = undefined;
          }
        } else challenger = undefined;
      } else if (frame.t - lastSeen > tuning.hold) {
        current = best(index, here);
        challenger = undefined;
      }
    }
    const box = current?.boxes.get(index);
    if (box) {
      lastSeen = frame.t;
      lastFace = { x: centreX(box), y: centreY(box) };
      targets.push({ t: frame.t, ...lastFace, kind: 'face' });
      return;
    }
    if (lastFace && frame.t - lastSeen <= tuning.hold) {
      targets.push({ t: frame.t, ...lastFace, kind: 'face' });
      return;
    }
    if (frame.motion) {
      lastMotion = { t: frame.t, x: centreX(frame.motion), y: centreY(frame.motion) };
      targets.push({ t: frame.t, x: lastMotion.x, y: lastMotion.y, kind: 'motion' });
      return;
    }
    if (lastMotion && frame.t - lastMotion.t <= tuning.hold) {
      targets.push({ t: frame.t, x: lastMotion.x, y: lastMotion.y, kind: 'motion' });
      return;
    }
    targets.push({ t: frame.t, x: 0.5, y: 0.5, kind: 'center' });
  });
  return targets;
}

/** One axis of the virtual camera: dead zone, then a critically damped spring with a speed cap. */
class Axis {
  private v = 0;
  private moving = false;
  constructor(
    public p: number,
    private readonly dead: number,
    private readonly omega: number,
    private readonly maxSpeed: number,
  ) {}
  step(target: number, dt: number): void {
    if (!this.moving && Math.abs(target - this.p) > this.dead) this.moving = true;
    if (!this.moving) return;
    const a = this.omega * this.omega * (target - this.p) - 2 * this.omega * this.v;
    this.v = Math.max(-this.maxSpeed, Math.min(this.maxSpeed, this.v + a * dt));
    this.p += this.v * dt;
    if (Math.abs(target - this.p) < 0.002 && Math.abs(this.v) < 0.01) {
      this.moving = false;
      this.v = 0;
    }
  }
}

/** Drops points that lie on the line through their neighbours (same kind). */
export function compactTrack(points: readonly TrackPoint[], tolerance = 5e-4): TrackPoint[] {
  const out: TrackPoint[] = [];
  for (const point of points) {
    const b = out[out.length - 1];
    const a = out[out.length - 2];
    if (a && b && b.kind === point.kind && a.kind === b.kind && b.t > a.t && point.t > b.t) {
      const f = (b.t - a.t) / (point.t - a.t);
      const ex = a.cx + (point.cx - a.cx) * f;
      const ey = a.cy + (point.cy - a.cy) * f;
      if (Math.abs(ex - b.cx) <= tolerance && Math.abs(ey - b.cy) <= tolerance) out.pop();
    }
    out.push(point);
  }
  return out;
}

/**
 * The crop track for a span: points (normalised crop-window centres) that the renderer
 * interpolates linearly; two points at the same time (a scene cut) are a jump.
 */
export function buildTrack(input: BuildTrackInput): TrackPoint[] {
  const tuning: Required<TrackTuning> = { deadZone: 0.15, stiffness: 4, maxSpeed: 0.5, switchAfter: 1.5, hold: 1, step: 0.1, ...input.options };
  const { cw, ch } = cropSize(input.sourceAspect, input.targetAspect);
  const clampX = (x: number) => Math.min(1 - cw / 2, Math.max(cw / 2, x));
  const clampY = (y: number) => Math.min(1 - ch / 2, Math.max(ch / 2, y));
  const frames = [...input.detections].filter((f) => f.t >= input.span.start && f.t < input.span.end).sort((a, b) => a.t - b.t);
  const points: TrackPoint[] = [];
  for (const shot of shotsOf(input.span, input.cuts)) {
    const inShot = frames.filter((f) => f.t >= shot.start && f.t < shot.end);
    const targets = shotTargets(inShot, tuning).map((target) => ({ ...target, x: clampX(target.x), y: clampY(target.y) }));
    const first = targets[0] ?? { t: shot.start, x: clampX(0.5), y: clampY(0.5), kind: 'center' as const };
    const x = new Axis(first.x, tuning.deadZone * cw, tuning.stiffness, tuning.maxSpeed);
    const y = new Axis(first.y, tuning.deadZone * ch, tuning.stiffness, tuning.maxSpeed);
    points.push({ t: shot.start, cx: clampX(round(x.p, 1e5)), cy: clampY(round(y.p, 1e5)), kind: first.kind });
    let next = 0;
    let target = first;
    let emitAt = shot.start + tuning.step;
    for (let t = shot.start; t < shot.end - 1e-9; ) {
      const dt = Math.min(SIM_DT, shot.end - t);
      t += dt;
      while (next < targets.length && (targets[next]?.t ?? Number.POSITIVE_INFINITY) <= t + 1e-9) target = targets[next++] as Target;
      x.step(target.x, dt);
      y.step(target.y, dt);
      if (t >= emitAt - 1e-9 || t >= shot.end - 1e-9) {
        points.push({ t: round(Math.min(t, shot.end), 1e4), cx: clampX(round(x.p, 1e5)), cy: clampY(round(y.p, 1e5)), kind: target.kind });
        emitAt += tuning.step;
      }
    }
  }
  return compactTrack(points);
}

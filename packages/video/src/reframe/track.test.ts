import { describe, expect, it } from 'vitest';
import type { SubjectBox, TrackPoint } from '../types.js';
import { cropAt, evaluateExpression, trackToCropExpressions } from './expressions.js';
import { decideLayout } from './layout.js';
import { cropSize, type SubjectFrame } from './subjects.js';
import { buildTrack } from './track.js';

const ASPECT = 16 / 9;
const { cw } = cropSize(ASPECT, '9:16');
const FPS = 3;

/** A deterministic wobble (a detector's noise), ±`amount`. */
const wobble = (i: number, amount: number) => amount * Math.sin(i * 2.3) * Math.cos(i * 0.7);

function face(cx: number, cy = 0.4, size = 0.12, mouth?: number): SubjectBox {
  const box: SubjectBox = { x: cx - size / 2, y: cy - size / 2, w: size, h: size * 1.2, score: 0.9 };
  if (mouth !== undefined) box.mouth = mouth;
  return box;
}

function frames(seconds: number, make: (t: number, i: number) => SubjectBox[], motion?: (t: number) => SubjectBox | undefined): SubjectFrame[] {
  const out: SubjectFrame[] = [];
  for (let i = 0; i < seconds * FPS; i++) {
    const t = i / FPS;
    const frame: SubjectFrame = { t, boxes: make(t, i) };
    const moved = motion?.(t);
    if (moved) frame.motion = moved;
    out.push(frame);
  }
  return out;
}

function centreAt(track: TrackPoint[], t: number): number {
  return (cropAt(track, t, { srcW: 1000, srcH: 1000, cropW: 0, cropH: 0 }).x + 0) / 1000;
}

/** A mouth that opens and closes (speaking) or stays still. */
const talking = (i: number, on: boolean) => (on ? 0.05 + 0.04 * Math.sin(i * 1.9) : 0.02);

describe('buildTrack', () => {
  it('holds still while a subject wobbles inside the dead zone (no jitter)', () => {
    const detections = frames(10, (_t, i) => [face(0.5 + wobble(i, 0.01))]);
    const track = buildTrack({ detections, cuts: [], span: { start: 0, end: 10 }, sourceAspect: ASPECT, targetAspect: '9:16' });
    const xs = track.map((p) => p.cx);
    expect(Math.max(...xs) - Math.min(...xs)).toBe(0);
    expect(track.length).toBeLessThanOrEqual(3);
  });

  it('eases towards a subject that steps aside, at a bounded speed, without overshoot', () => {
    const detections = frames(8, (t) => [face(t < 2 ? 0.4 : 0.65)]);
    const track = buildTrack({ detections, cuts: [], span: { start: 0, end: 8 }, sourceAspect: ASPECT, targetAspect: '9:16' });
    const samples = Array.from({ length: 81 }, (_, i) => centreAt(track, i / 10));
    for (let i = 1; i < samples.length; i++) {
      const step = (samples[i] as number) - (samples[i - 1] as number);
      expect(step).toBeGreaterThanOrEqual(-1e-6);
      expect(step).toBeLessThanOrEqual(0.5 * 0.1 + 1e-3);
    }
    expect(Math.max(...samples)).toBeLessThanOrEqual(0.65 + 1e-3);
    expect(samples[80]).toBeCloseTo(0.65, 2);
    expect(samples[21]).toBeLessThan(0.45); // no jump: it eases
  });

  it('jumps at a scene cut: two points at the cut time, no ramp across it', () => {
    const detections = frames(6, (t) => [face(t < 3 ? 0.3 : 0.75)]);
    const track = buildTrack({ detections, cuts: [3], span: { start: 0, end: 6 }, sourceAspect: ASPECT, targetAspect: '9:16' });
    const atCut = track.filter((p) => p.t === 3);
    expect(atCut.map((p) => p.cx)).toEqual([0.3, 0.75]);
    expect(centreAt(track, 2.999)).toBeCloseTo(0.3, 3);
    expect(centreAt(track, 3)).toBeCloseTo(0.75, 3);
  });

  it('keeps the crop window inside the frame', () => {
    const detections = frames(4, (t) => [face(t < 2 ? 0.02 : 0.98)]);
    const track = buildTrack({ detections, cuts: [2], span: { start: 0, end: 4 }, sourceAspect: ASPECT, targetAspect: '9:16' });
    for (const p of track) {
      expect(p.cx - cw / 2).toBeGreaterThanOrEqual(-1e-9);
      expect(p.cx + cw / 2).toBeLessThanOrEqual(1 + 1e-9);
      expect(p.cy).toBe(0.5); // full height: no vertical room
    }
  });

  it('holds a face through a missed detection, then falls back to motion, then to the centre', () => {
    const detections = frames(
      9,
      (t, i) => (t < 3 && i !== 4 ? [face(0.3)] : []),
      (t) => (t >= 3 && t < 6 ? { x: 0.6, y: 0.3, w: 0.1, h: 0.2, score: 0.5 } : undefined),
    );
    const track = buildTrack({ detections, cuts: [], span: { start: 0, end: 9 }, sourceAspect: ASPECT, targetAspect: '9:16' });
    const kindAt = (t: number) => [...track].reverse().find((p) => p.t <= t)?.kind;
    expect(kindAt(1.4)).toBe('face');
    expect(kindAt(5)).toBe('motion');
    expect(kindAt(8.5)).toBe('center');
    expect(centreAt(track, 8.9)).toBeCloseTo(0.5, 2);
  });

  it('follows the speaker and switches only after a sustained change (no ping-pong)', () => {
    // A (left) speaks for 6 s, with B's short 0.7 s interjection at 2 s; then B speaks.
    const detections = frames(12, (t, i) => {
      const bSpeaks = t >= 6 || (t >= 2 && t < 2.7);
      return [face(0.25, 0.4, 0.12, talking(i, !bSpeaks)), face(0.75, 0.4, 0.12, talking(i, bSpeaks))];
    });
    const track = buildTrack({ detections, cuts: [], span: { start: 0, end: 12 }, sourceAspect: ASPECT, targetAspect: '9:16' });
    for (let t = 0; t < 6.5; t += 0.1) expect(centreAt(track, t)).toBeCloseTo(0.25, 2);
    expect(centreAt(track, 11.9)).toBeCloseTo(0.75, 2);
    // One move, one direction.
    const samples = Array.from({ length: 120 }, (_, i) => centreAt(track, i / 10));
    const turns = samples
      .slice(2)
      .filter((s, i) => Math.sign(s - (samples[i + 1] as number)) * Math.sign((samples[i + 1] as number) - (samples[i] as number)) < 0).length;
    expect(turns).toBe(0);
  });

  it('with two silent faces, takes the larger one and keeps it', () => {
    const detections = frames(6, (_t, i) => [face(0.2 + wobble(i, 0.003), 0.4, 0.1), face(0.8 + wobble(i + 5, 0.003), 0.4, 0.13)]);
    const track = buildTrack({ detections, cuts: [], span: { start: 0, end: 6 }, sourceAspect: ASPECT, targetAspect: '9:16' });
    expect(track.every((p) => Math.abs(p.cx - 0.8) < 0.01)).toBe(true);
  });

  it('centres on an empty span', () => {
    const track = buildTrack({ detections: [], cuts: [], span: { start: 5, end: 9 }, sourceAspect: ASPECT, targetAspect: '1:1' });
    expect(track[0]).toEqual({ t: 5, cx: 0.5, cy: 0.5, kind: 'center' });
    expect(track.at(-1)?.t).toBe(9);
  });
});

describe('trackToCropExpressions', () => {
  const geometry = { srcW: 1920, srcH: 1080, cropW: 608, cropH: 1080, offset: 10 };

  it('evaluates to the track (linear between points, a jump at a cut), shifted by the offset', () => {
    const detections = frames(20, (t) => [face(t < 8 ? 0.2 + 0.05 * t : 0.8)]).map((f) => ({ ...f, t: f.t + 10 }));
    const track = buildTrack({ detections, cuts: [18], span: { start: 10, end: 30 }, sourceAspect: ASPECT, targetAspect: '9:16' });
    const { x, y } = trackToCropExpressions(track, geometry);
    expect(y).toBe('0');
    for (let t = 0; t < 20; t += 0.05) {
      expect(Math.abs(evaluateExpression(x, t) - cropAt(track, t + 10, geometry).x)).toBeLessThan(0.6);
    }
    expect(evaluateExpression(x, 7.999)).toBeLessThan(evaluateExpression(x, 8) - 300);
    // Balanced nesting and merged collinear points keep it short.
    expect(x.length).toBeLessThan(track.length * 45);
    expect(x).toMatch(/^[-\d.+*t(),ifl]+$/);
  });

  it('is a plain number for a still camera', () => {
    const track: TrackPoint[] = [
      { t: 0, cx: 0.5, cy: 0.5, kind: 'face' },
      { t: 5, cx: 0.5, cy: 0.5, kind: 'face' },
    ];
    expect(trackToCropExpressions(track, geometry)).toEqual({ x: '656', y: '0' });
  });
});

describe('decideLayout', () => {
  it('fills when the faces fit the crop', () => {
    const detections = frames(6, () => [face(0.45), face(0.55)]);
    expect(decideLayout(detections, '9:16')).toBe('fill');
  });

  it('splits two people far apart who talk in turns', () => {
    const detections = frames(12, (t, i) => [face(0.2, 0.4, 0.12, talking(i, t < 6)), face(0.8, 0.4, 0.12, talking(i, t >= 6))]);
    expect(decideLayout(detections, '9:16')).toBe('split');
  });

  it('fills (following the speaker) when only one of two ever talks', () => {
    const detections = frames(12, (_t, i) => [face(0.2, 0.4, 0.12, talking(i, true)), face(0.8, 0.4, 0.12, talking(i, false))]);
    expect(decideLayout(detections, '9:16')).toBe('fill');
  });

  it('fits a group wider than the crop', () => {
    const detections = frames(6, () => [face(0.15), face(0.5), face(0.85)]);
    expect(decideLayout(detections, '9:16')).toBe('fit');
  });

  it('fits wide action with no faces', () => {
    const detections = frames(
      6,
      () => [],
      () => ({ x: 0.1, y: 0.2, w: 0.7, h: 0.5, score: 1 }),
    );
    expect(decideLayout(detections, '9:16')).toBe('fit');
    expect(decideLayout(detections, '16:9')).toBe('fill');
  });
});

/**
 * A crop track as ffmpeg expressions of `t` for `crop=w:h:x:y`: piecewise linear between the
 * track's points (collinear points merged), as a balanced tree of `if(lt(t,T),…,…)` so the nesting
 * depth grows with log2 of the number of pieces. Only `if`, `lt`, `+ - * /` and `t`: ffmpeg 4.1
 * and 5.1 both evaluate them per frame.
 */
import type { TrackPoint } from '../types.js';

export interface CropGeometry {
  /** Source size as decoded (display orientation), pixels. */
  srcW: number;
  srcH: number;
  /** Crop window size, pixels. */
  cropW: number;
  cropH: number;
  /** Source time at which the clip's `t` is 0 (the cut start). Default 0. */
  offset?: number;
}

interface Knot {
  t: number;
  v: number;
}

interface Piece {
  /** Starts here (inclusive); the first piece starts at -∞. */
  from: number;
  /** `a + b·t`. */
  a: number;
  b: number;
}

function num(value: number, digits: number): string {
  const text = value
    .toFixed(digits)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
  return text === '-0' ? '0' : text;
}

/** Pixel offset of the crop window's left/top edge for a normalised centre. */
function edge(centre: number, size: number, window: number): number {
  return Math.min(size - window, Math.max(0, centre * size - window / 2));
}

/** Removes knots on the line through their neighbours (within `tolerance` pixels); keeps jumps. */
function mergeCollinear(knots: readonly Knot[], tolerance: number): Knot[] {
  const out: Knot[] = [];
  for (const knot of knots) {
    const b = out[out.length - 1];
    const a = out[out.length - 2];
    if (b && Math.abs(b.t - knot.t) < 1e-9 && Math.abs(b.v - knot.v) <= tolerance) continue;
    if (a && b && b.t > a.t && knot.t > b.t) {
      const expected = a.v + ((knot.v - a.v) * (b.t - a.t)) / (knot.t - a.t);
      if (Math.abs(expected - b.v) <= tolerance) out.pop();
    }
    out.push(knot);
  }
  return out;
}

function piecesOf(knots: readonly Knot[]): Piece[] {
  const first = knots[0];
  if (!first) return [{ from: Number.NEGATIVE_INFINITY, a: 0, b: 0 }];
  const pieces: Piece[] = [{ from: Number.NEGATIVE_INFINITY, a: first.v, b: 0 }];
  for (let i = 0; i + 1 < knots.length; i++) {
    const p = knots[i] as Knot;
    const q = knots[i + 1] as Knot;
    if (q.t - p.t < 1e-9) continue;
    const b = Math.abs(q.v - p.v) < 1e-9 ? 0 : (q.v - p.v) / (q.t - p.t);
    pieces.push({ from: p.t, a: p.v - b * p.t, b });
  }
  const last = knots[knots.length - 1] as Knot;
  pieces.push({ from: last.t, a: last.v, b: 0 });
  // Merge neighbours that are the same line (a constant after a constant, typically).
  const merged: Piece[] = [];
  for (const piece of pieces) {
    const prev = merged[merged.length - 1];
    if (prev && Math.abs(prev.b - piece.b) < 1e-6 && Math.abs(prev.a - piece.a) < 0.05) continue;
    merged.push(piece);
  }
  return merged;
}

function pieceText(piece: Piece): string {
  if (piece.b === 0) return num(piece.a, 1);
  const slope = num(Math.abs(piece.b), 4);
  return `${num(piece.a, 2)}${piece.b < 0 ? '-' : '+'}${slope}*t`;
}

function tree(pieces: readonly Piece[]): string {
  if (pieces.length === 1) return pieceText(pieces[0] as Piece);
  const mid = pieces.length >> 1;
  const split = (pieces[mid] as Piece).from;
  return `if(lt(t,${num(split, 3)}),${tree(pieces.slice(0, mid))},${tree(pieces.slice(mid))})`;
}

/** The expression of one axis. */
function axisExpression(track: readonly TrackPoint[], value: (point: TrackPoint) => number, offset: number): string {
  const knots = mergeCollinear(
    track.map((point) => ({ t: point.t - offset, v: value(point) })),
    0.5,
  );
  return tree(piecesOf(knots));
}

/**
 * ffmpeg expressions for the crop window's left (`x`) and top (`y`) edges, in pixels, as functions
 * of the clip's `t` (0 at `offset` in the source). They contain commas: escape them for a filter
 * graph (`filterValue`) or pass them through a filter script.
 */
export function trackToCropExpressions(track: readonly TrackPoint[], geometry: CropGeometry): { x: string; y: string } {
  const offset = geometry.offset ?? 0;
  return {
    x: axisExpression(track, (p) => edge(p.cx, geometry.srcW, geometry.cropW), offset),
    y: axisExpression(track, (p) => edge(p.cy, geometry.srcH, geometry.cropH), offset),
  };
}

/**
 * The crop window's left/top edge at source time `t` as the expressions compute it (linear between
 * points, a jump where two points share a time). For tests and previews.
 */
export function cropAt(track: readonly TrackPoint[], t: number, geometry: CropGeometry): { x: number; y: number } {
  const first = track[0];
  if (!first) return { x: edge(0.5, geometry.srcW, geometry.cropW), y: edge(0.5, geometry.srcH, geometry.cropH) };
  let cx = first.cx;
  let cy = first.cy;
  for (let i = 0; i < track.length; i++) {
    const p = track[i] as TrackPoint;
    const q = track[i + 1];
    if (t < p.t) break;
    cx = p.cx;
    cy = p.cy;
    if (q && t < q.t && q.t > p.t) {
      const f = (t - p.t) / (q.t - p.t);
      cx = p.cx + (q.cx - p.cx) * f;
      cy = p.cy + (q.cy - p.cy) * f;
      break;
    }
  }
  return { x: edge(cx, geometry.srcW, geometry.cropW), y: edge(cy, geometry.srcH, geometry.cropH) };
}

/**
 * Evaluates the subset of ffmpeg's expression language these expressions use (numbers, `t`,
 * `+ - * /`, parentheses, `if`, `lt`). For tests.
 */
export function evaluateExpression(expression: string, t: number): number {
  let i = 0;
  const s = expression.replace(/\s+/g, '');
  const fail = (): never => {
    throw new Error(`bad expression at ${i}: ${s.slice(i, i + 20)}`);
  };
  const expect = (c: string) => {
    if (s[i] !== c) fail();
    i += 1;
  };
  const primary = (): number => {
    if (s[i] === '(') {
      i += 1;
      const v = sum();
      expect(')');
      return v;
    }
    if (s[i] === '-') {
      i += 1;
      return -primary();
    }
    const word = /^[a-z]+/.exec(s.slice(i))?.[0];
    if (word === 't') {
      i += 1;
      return t;
    }
    if (word === 'if' || word === 'lt') {
      i += word.length;
      expect('(');
      const a = sum();
      expect(',');
      const b = sum();
      if (word === 'lt') {
        expect(')');
        return a < b ? 1 : 0;
      }
      expect(',');
      const c = sum();
      expect(')');
      return a !== 0 ? b : c;
    }
    const number = /^\d+(\.\d+)?/.exec(s.slice(i))?.[0];
    if (!number) return fail();
    i += number.length;
    return Number(number);
  };
  const product = (): number => {
    let v = primary();
    while (s[i] === '*' || s[i] === '/') {
      const op = s[i];
      i += 1;
      const w = primary();
      v = op === '*' ? v * w : v / w;
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (s[i] === '+' || s[i] === '-') {
      const op = s[i];
      i += 1;
      const w = product();
      v = op === '+' ? v + w : v - w;
    }
    return v;
  };
  const v = sum();
  if (i !== s.length) fail();
  return v;
}

/**
 * The cheap fallback when no face is found: frame differencing on a coarse grid; the subject is
 * the centre of mass of the change, its box ±2 standard deviations around it.
 */
import type { SubjectBox } from '../types.js';
import type { SubjectDetector } from './face-detector.js';

export interface MotionDetectorOptions {
  /** Grid step in pixels. Default 4. */
  step?: number;
  /** Luma difference (0…255) that counts as change. Default 24. */
  threshold?: number;
  /** Below this fraction of changed cells there is no motion. Default 0.002. */
  minChanged?: number;
  /** Above this fraction the whole picture changed (a cut, a flash): no subject. Default 0.5. */
  maxChanged?: number;
  /** Frames further apart than this (seconds) are not compared. Default 1.5. */
  maxGap?: number;
}

/** A motion detector. Stateful: it compares each frame with the previous one it saw. */
export function createMotionDetector(options: MotionDetectorOptions = {}): SubjectDetector {
  const step = options.step ?? 4;
  const threshold = options.threshold ?? 24;
  const minChanged = options.minChanged ?? 0.002;
  const maxChanged = options.maxChanged ?? 0.5;
  const maxGap = options.maxGap ?? 1.5;
  let previous: { t: number; cols: number; rows: number; luma: Uint8Array } | undefined;
  return {
    id: 'motion',
    async detect(frame) {
      const cols = Math.floor(frame.width / step);
      const rows = Math.floor(frame.height / step);
      const luma = new Uint8Array(cols * rows);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const i = ((r * step + (step >> 1)) * frame.width + c * step + (step >> 1)) * 3;
          luma[r * cols + c] = ((frame.rgb[i] ?? 0) * 77 + (frame.rgb[i + 1] ?? 0) * 150 + (frame.rgb[i + 2] ?? 0) * 29) >> 8;
        }
      }
      const before = previous;
      previous = { t: frame.t, cols, rows, luma };
      if (!before || before.cols !== cols || before.rows !== rows || frame.t - before.t > maxGap || frame.t <= before.t) return [];
      let n = 0;
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let syy = 0;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const k = r * cols + c;
          if (Math.abs((luma[k] ?? 0) - (before.luma[k] ?? 0)) < threshold) continue;
          const x = (c + 0.5) / cols;
          const y = (r + 0.5) / rows;
          n += 1;
          sx += x;
          sy += y;
          sxx += x * x;
          syy += y * y;
        }
      }
      const changed = n / (cols * rows);
      if (changed < minChanged || changed > maxChanged) return [];
      const mx = sx / n;
      const my = sy / n;
      const dx = 2 * Math.sqrt(Math.max(0, sxx / n - mx * mx));
      const dy = 2 * Math.sqrt(Math.max(0, syy / n - my * my));
      const x0 = Math.max(0, mx - dx);
      const y0 = Math.max(0, my - dy);
      const box: SubjectBox = { x: x0, y: y0, w: Math.min(1, mx + dx) - x0, h: Math.min(1, my + dy) - y0, score: Math.min(1, changed / 0.05) };
      return [box];
    },
    async close() {
      previous = undefined;
    },
  };
}

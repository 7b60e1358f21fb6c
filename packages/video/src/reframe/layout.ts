/**
 * `--layout auto`: fill (crop to the subject), fit (the action is wider than the crop: pad with a
 * blurred copy) or split (two people far apart who talk in turns: stack them).
 */
import type { Aspect, Layout } from '../types.js';
import { centreX, cropSize, linkIdentities, SPEAKING, type SubjectFrame, speaking } from './subjects.js';

export interface LayoutOptions {
  /** Displayed source width / height. Default 16/9. */
  sourceAspect?: number;
  /** An identity counts as a persistent subject when seen in at least this fraction of frames. Default 0.3. */
  presence?: number;
}

/**
 * Chooses a layout from the detections of a clip. Faces: all persistent faces fit in the crop →
 * fill; two far apart → split, unless the mouths show only one of them ever speaks (then fill,
 * following the speaker); three or more spread wider than the crop → fit. No faces: the motion
 * area wider than the crop most of the time → fit, else fill.
 */
export function decideLayout(detections: readonly SubjectFrame[], aspect: Aspect, options: LayoutOptions = {}): Exclude<Layout, 'auto'> {
  const { cw } = cropSize(options.sourceAspect ?? 16 / 9, aspect);
  if (cw >= 0.999 || detections.length === 0) return 'fill';
  const frames = [...detections].sort((a, b) => a.t - b.t);
  const presence = options.presence ?? 0.3;
  const persistent = linkIdentities(frames).filter((identity) => identity.boxes.size >= presence * frames.length);
  if (persistent.length > 0) {
    const spans = persistent.map((identity) => {
      let left = 1;
      let right = 0;
      let sum = 0;
      for (const box of identity.boxes.values()) {
        left = Math.min(left, box.x);
        right = Math.max(right, box.x + box.w);
        sum += centreX(box);
      }
      return { identity, left, right, centre: sum / identity.boxes.size };
    });
    // What has to fit is what is on screen at once: one moving person is followed, not fitted.
    // The spread is measured frame by frame (the widest extent of the persistent faces seen
    // together), and its median decides.
    const extents: number[] = [];
    frames.forEach((_, index) => {
      let left = 1;
      let right = 0;
      for (const { identity } of spans) {
        const box = identity.boxes.get(index);
        if (!box) continue;
        left = Math.min(left, box.x);
        right = Math.max(right, box.x + box.w);
      }
      if (right > left) extents.push(right - left);
    });
    extents.sort((a, b) => a - b);
    const extent = extents[Math.floor(extents.length / 2)] ?? 0;
    if (extent <= cw) return 'fill';
    if (persistent.length === 1) return 'fit';
    if (persistent.length === 2) {
      // Who leads the talking, frame by frame (only frames where someone is clearly speaking).
      const leads = new Map<number, number>();
      let measured = false;
      frames.forEach((frame) => {
        let top: number | undefined;
        let topTalk = SPEAKING;
        for (const { identity } of spans) {
          const talk = speaking(identity, frames, frame.t);
          if (talk === undefined) continue;
          measured = true;
          if (talk >= topTalk) {
            top = identity.id;
            topTalk = talk;
          }
        }
        if (top !== undefined) leads.set(top, (leads.get(top) ?? 0) + 1);
      });
      const total = [...leads.values()].reduce((a, b) => a + b, 0);
      const turns = spans.every(({ identity }) => (leads.get(identity.id) ?? 0) >= 0.15 * total);
      if (!measured || total === 0 || turns) return 'split';
      return 'fill';
    }
    return 'fit';
  }
  const wide = frames.filter((frame) => frame.motion && frame.motion.w > cw * 1.2).length;
  const moving = frames.filter((frame) => frame.motion).length;
  return moving > 0 && wide > moving / 2 ? 'fit' : 'fill';
}

/**
 * Reframing on real media made with ffmpeg: NASA's public-domain astronaut portrait (Debian's
 * python3-skimage) moving over coloured backgrounds on known paths.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FfmpegTools, filterValue, findFfmpeg } from '../src/ffmpeg.js';
import {
  buildTrack,
  createFaceDetector,
  cropAt,
  cropSize,
  decideLayout,
  detectSubjects,
  evaluateExpression,
  type SubjectFrame,
  sampleFrames,
  trackToCropExpressions,
} from '../src/reframe/index.js';
import type { MediaInfo, TrackPoint } from '../src/types.js';

const ASTRONAUT = '/usr/lib/python3/dist-packages/skimage/data/astronaut.png';
/** Face centre in the astronaut photo, as a fraction of its size (SSD and BlazeFace agree within 1 %). */
const FACE = { x: 0.44, y: 0.23 };
const W = 960;
const H = 540;
const S = 200; // astronaut size on screen
const NPM_FFMPEG = 'node_modules/@ffmpeg-installer/linux-x64/ffmpeg';

let dir: string;
let tools: FfmpegTools;

function ffmpeg(args: string[], binary = tools.ffmpeg): void {
  const result = spawnSync(binary, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ffmpeg failed: ${result.stderr}`);
}

function media(path: string, w = W, h = H): MediaInfo {
  return {
    path,
    duration: 0,
    format: 'mov',
    size: 0,
    subtitles: [],
    video: { index: 0, codec: 'h264', width: w, height: h, rotation: 0, displayWidth: w, displayHeight: h, fps: 15, variableFrameRate: false },
  };
}

/** A clip with the astronaut at `x(t)`/`y` (ffmpeg expressions) over `background(s)`. */
function makeClip(name: string, seconds: number, overlays: Array<{ x: string; y: string; size?: number }>, extra = ''): string {
  const path = join(dir, name);
  const inputs = ['-f', 'lavfi', '-i', `color=c=0x2a4d7a:s=${W}x${H}:r=15:d=${seconds}`];
  let graph = `[0]null${extra}[bg0]`;
  overlays.forEach((o, i) => {
    inputs.push('-loop', '1', '-i', ASTRONAUT);
    graph += `;[${i + 1}]scale=${o.size ?? S}:${o.size ?? S}[a${i}];[bg${i}][a${i}]overlay=x='${o.x}':y='${o.y}':shortest=1[bg${i + 1}]`;
  });
  ffmpeg([
    ...inputs,
    '-filter_complex',
    graph,
    '-map',
    `[bg${overlays.length}]`,
    '-t',
    String(seconds),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    path,
  ]);
  return path;
}

const truthX = (left: number, size = S) => (left + FACE.x * size) / W;

function totalVariation(values: number[]): number {
  let sum = 0;
  for (let i = 1; i < values.length; i++) sum += Math.abs((values[i] as number) - (values[i - 1] as number));
  return sum;
}

function centreAt(track: TrackPoint[], t: number): number {
  const { x } = cropAt(track, t, { srcW: W, srcH: H, cropW: 1, cropH: 1 });
  return (x + 0.5) / W;
}

const detector = createFaceDetector();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eia-reframe-'));
  tools = findFfmpeg();
});
afterAll(async () => {
  await detector.close();
  if (!process.env.EIA_KEEP_TEST_MEDIA) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!existsSync(ASTRONAUT))('reframing real frames', () => {
  it('samples frames at the requested rate and size, from a fast seek', async () => {
    const path = makeClip('still.mp4', 4, [{ x: '100', y: '100' }]);
    const frames = [];
    for await (const frame of sampleFrames(tools, media(path), { start: 1, end: 3 }, { fps: 2, width: 320 })) frames.push(frame);
    expect(frames.map((f) => f.t)).toEqual([1, 1.5, 2, 2.5]);
    expect(frames[0]).toMatchObject({ width: 320, height: 180 });
    expect(frames[0]?.rgb.length).toBe(320 * 180 * 3);
  });

  it('gives rotated phone videos in display orientation', async () => {
    const flat = join(dir, 'flat.mp4');
    const path = join(dir, 'rotated.mp4');
    // Left half red, right half blue, stored 320×180 with a 90° display rotation (set on a remux:
    // ffmpeg 5.1 writes the rotation only when copying).
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'color=c=red:s=320x180:d=1',
      '-vf',
      'drawbox=x=160:y=0:w=160:h=180:c=blue:t=fill',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      flat,
    ]);
    ffmpeg(['-i', flat, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', path]);
    const info = media(path, 320, 180);
    if (info.video) Object.assign(info.video, { rotation: 90, displayWidth: 180, displayHeight: 320 });
    const frames = [];
    for await (const frame of sampleFrames(tools, info, { start: 0, end: 1 }, { fps: 1, width: 180 })) frames.push(frame);
    const frame = frames[0];
    expect(frame).toMatchObject({ width: 180, height: 320 });
    if (!frame) return;
    const pixel = (x: number, y: number) => Array.from(frame.rgb.subarray((y * frame.width + x) * 3, (y * frame.width + x) * 3 + 3));
    // Turned a quarter: the colours now split top/bottom, and the frame is portrait.
    const top = pixel(90, 40);
    const bottom = pixel(90, 280);
    expect(Math.abs((top[0] as number) - (bottom[0] as number))).toBeGreaterThan(100);
    expect(Math.abs((pixel(20, 40)[0] as number) - (pixel(160, 40)[0] as number))).toBeLessThan(40);
  });

  it('follows a face moving across the frame, smoothly, inside the frame', async () => {
    const path = makeClip('moving.mp4', 8, [{ x: '60+70*t', y: '120' }]);
    const span = { start: 0, end: 8 };
    const detections = await detectSubjects(tools, media(path), span, { detector });
    const found = detections.filter((d) => d.boxes.length === 1).length;
    expect(found / detections.length).toBeGreaterThan(0.9);
    for (const d of detections) {
      const box = d.boxes[0];
      if (box) expect(Math.abs(box.x + box.w / 2 - truthX(60 + 70 * d.t)) * W).toBeLessThan(20);
    }
    const track = buildTrack({ detections, cuts: [], span, sourceAspect: W / H, targetAspect: '9:16' });
    const { cw } = cropSize(W / H, '9:16');
    const errors: number[] = [];
    const centres: number[] = [];
    for (let t = 0; t <= 8; t += 0.1) {
      const c = centreAt(track, t);
      centres.push(c);
      expect(c - cw / 2).toBeGreaterThanOrEqual(-1e-6);
      expect(c + cw / 2).toBeLessThanOrEqual(1 + 1e-6);
      const truth = Math.min(1 - cw / 2, Math.max(cw / 2, truthX(60 + 70 * t)));
      errors.push(Math.abs(c - truth));
    }
    // The subject stays inside the crop window (a 9:16 crop is 32 % of the width)…
    expect(Math.max(...errors)).toBeLessThan(cw / 2);
    // …close to its centre on average…
    expect(errors.reduce((a, b) => a + b, 0) / errors.length).toBeLessThan(0.06);
    // …and the camera never turns back: no jitter.
    const steps = centres.slice(1).map((c, i) => c - (centres[i] as number));
    expect(steps.filter((d) => d < -1e-4).length).toBe(0);
    expect(totalVariation(centres)).toBeLessThan(1.2 * ((centres.at(-1) ?? 0) - (centres[0] ?? 0)) + 0.01);
    expect(track.every((p) => p.kind === 'face')).toBe(true);
  });

  it('jumps at a scene cut, with no easing across it', async () => {
    // Blue with the astronaut on the left until 3 s, then green with it on the right.
    const path = makeClip('cut.mp4', 6, [{ x: 'if(lt(t,3),40,700)', y: '150' }], ",drawbox=c=0x2f8a3a:t=fill:enable='gte(t,3)'");
    const span = { start: 0, end: 6 };
    const detections = await detectSubjects(tools, media(path), span, { detector });
    const track = buildTrack({ detections, cuts: [3], span, sourceAspect: W / H, targetAspect: '9:16' });
    const { cw } = cropSize(W / H, '9:16');
    const clamp = (x: number) => Math.min(1 - cw / 2, Math.max(cw / 2, x));
    expect(Math.abs(centreAt(track, 2.99) - clamp(truthX(40)))).toBeLessThan(0.04);
    expect(Math.abs(centreAt(track, 3) - clamp(truthX(700)))).toBeLessThan(0.04);
    // Two points at the cut: a jump, not a ramp.
    const atCut = track.filter((p) => Math.abs(p.t - 3) < 1e-9);
    expect(atCut.length).toBe(2);
    // Before the cut the camera held still (the subject did not move).
    const before = track.filter((p) => p.t < 3).map((p) => p.cx);
    expect(Math.max(...before) - Math.min(...before)).toBeLessThan(0.01);
  });

  it('falls back to the centre when there is nothing to follow', async () => {
    const path = join(dir, 'empty.mp4');
    ffmpeg(['-f', 'lavfi', '-i', `color=c=0x445566:s=${W}x${H}:r=15:d=3`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path]);
    const span = { start: 0, end: 3 };
    const detections = await detectSubjects(tools, media(path), span, { detector });
    const track = buildTrack({ detections, cuts: [], span, sourceAspect: W / H, targetAspect: '9:16' });
    expect(track.every((p) => p.kind === 'center' && Math.abs(p.cx - 0.5) < 1e-9)).toBe(true);
    expect(decideLayout(detections, '9:16', { sourceAspect: W / H })).toBe('fill');
  });

  it('follows motion when there is no face', async () => {
    const path = join(dir, 'motion.mp4');
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      `color=c=black:s=${W}x${H}:r=15:d=6`,
      '-f',
      'lavfi',
      '-i',
      'color=c=white:s=80x80:r=15:d=6',
      '-filter_complex',
      "[0][1]overlay=x='100+100*t':y=200",
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      path,
    ]);
    const span = { start: 0, end: 6 };
    const detections = await detectSubjects(tools, media(path), span, { detector: null });
    const track = buildTrack({ detections, cuts: [], span, sourceAspect: W / H, targetAspect: '9:16' });
    expect(track.some((p) => p.kind === 'motion')).toBe(true);
    const late = centreAt(track, 5.5);
    expect(Math.abs(late - (100 + 100 * 5.5 + 40) / W)).toBeLessThan(0.12);
  });

  it('picks one of two faces and holds it', async () => {
    const path = makeClip('two.mp4', 6, [
      { x: '20', y: '150' },
      { x: '740', y: '150' },
    ]);
    const span = { start: 0, end: 6 };
    const detections = await detectSubjects(tools, media(path), span, { detector });
    expect(detections.filter((d) => d.boxes.length === 2).length / detections.length).toBeGreaterThan(0.8);
    const track = buildTrack({ detections, cuts: [], span, sourceAspect: W / H, targetAspect: '9:16' });
    const centres = track.map((p) => p.cx);
    expect(Math.max(...centres) - Math.min(...centres)).toBeLessThan(0.01);
    const { cw } = cropSize(W / H, '9:16');
    const clamp = (x: number) => Math.min(1 - cw / 2, Math.max(cw / 2, x));
    const onLeft = Math.abs((centres[0] as number) - clamp(truthX(20)));
    const onRight = Math.abs((centres[0] as number) - clamp(truthX(740)));
    expect(Math.min(onLeft, onRight)).toBeLessThan(0.04);
    // Two faces far apart that a 9:16 crop cannot hold together.
    expect(decideLayout(detections, '9:16', { sourceAspect: W / H })).toBe('split');
    expect(decideLayout(detections, '16:9', { sourceAspect: W / H })).toBe('fill');
  });

  const binaries = [
    ['system', () => tools.ffmpeg],
    ['npm 4.1', () => NPM_FFMPEG],
  ] as const;
  for (const [label, binary] of binaries) {
    it.skipIf(label === 'npm 4.1' && !existsSync(NPM_FFMPEG))(`renders the crop expressions with ${label} ffmpeg: the face stays near the middle`, async () => {
      const path = makeClip(`render-src-${label.replace(/\W/g, '')}.mp4`, 8, [{ x: '60+70*t', y: '120' }], ",drawbox=c=0x6a3a8a:t=fill:enable='gte(t,5)'");
      const offset = 2;
      const span = { start: offset, end: 8 };
      const detections: SubjectFrame[] = await detectSubjects(tools, media(path), span, { detector });
      const track = buildTrack({ detections, cuts: [5], span, sourceAspect: W / H, targetAspect: '9:16' });
      const cropW = Math.round((H * 9) / 16 / 2) * 2;
      const geometry = { srcW: W, srcH: H, cropW, cropH: H, offset };
      const { x, y } = trackToCropExpressions(track, geometry);
      expect(x.length).toBeLessThan(2000);
      for (let t = 0; t <= 6; t += 0.25) expect(Math.abs(evaluateExpression(x, t) - cropAt(track, t + offset, geometry).x)).toBeLessThan(1);
      const out = join(dir, `render-${label.replace(/\W/g, '')}.mp4`);
      ffmpeg(
        [
          '-ss',
          String(offset),
          '-i',
          path,
          '-t',
          '6',
          '-vf',
          `crop=${cropW}:${H}:${filterValue(x)}:${filterValue(y)}`,
          '-c:v',
          'libx264',
          '-preset',
          'ultrafast',
          '-pix_fmt',
          'yuv420p',
          out,
        ],
        binary(),
      );
      const rendered = await detectSubjects(tools, media(out, cropW, H), { start: 0, end: 6 }, { detector, fps: 2, width: cropW });
      const seen = rendered.filter((d) => d.boxes.length > 0);
      expect(seen.length / rendered.length).toBeGreaterThan(0.8);
      for (const d of seen) {
        const box = d.boxes[0];
        if (box) expect(Math.abs(box.x + box.w / 2 - 0.5)).toBeLessThan(0.25);
      }
    });
  }
});

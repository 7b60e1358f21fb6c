/**
 * Removing pauses must not pull sound and picture apart: a 29.97 fps source flashes white and
 * beeps at the same moments; a clip with many removed spans between them is rendered, and every
 * flash still comes with its beep (the old `between()` selection drifted by 130 ms over 29 cuts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { boundedRemovals } from '../src/clip.js';
import { findFfmpeg } from '../src/ffmpeg.js';
import { probe } from '../src/probe.js';
import { outputFps, renderClip, renderedDuration } from '../src/render.js';
import type { MediaInfo, Span } from '../src/types.js';

const tools = findFfmpeg();
const dir = mkdtempSync(join(tmpdir(), 'eia-render-sync-'));
const markers = Array.from({ length: 16 }, (_, k) => Number((1 + k * 1.913 + (k % 3) * 0.037).toFixed(3)));

function run(args: string[]): string {
  const r = spawnSync(tools.ffmpeg, ['-hide_banner', '-nostdin', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(r.stderr.slice(-500));
  return `${r.stdout}${r.stderr}`;
}

describe('render with removed spans', () => {
  let media: MediaInfo;
  beforeAll(async () => {
    const on = (v: string) => markers.map((t) => `between(${v},${t},${t + 0.1})`).join('+');
    run([
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'color=black:s=160x120:r=30000/1001:d=33',
      '-f',
      'lavfi',
      '-i',
      'sine=f=1000:r=48000:d=33',
      '-filter_complex',
      `[0:v]geq=lum='if(gt(${on('T')},0),235,16)':cb=128:cr=128[v];[1:a]volume='if(gt(${on('t')},0),1,0)':eval=frame[a]`,
      '-map',
      '[v]',
      '-map',
      '[a]',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      '300',
      '-c:a',
      'aac',
      join(dir, 'src.mp4'),
    ]);
    media = await probe(tools, join(dir, 'src.mp4'));
  }, 120_000);

  it('keeps every flash with its beep and the duration it promises', async () => {
    const cut: Span = { start: 0.5, end: 32 };
    const fps = outputFps(media.video?.fps ?? 30);
    // Uneven pauses between the markers, like silences in speech.
    const raw: Span[] = [];
    for (let k = 0; k + 1 < markers.length; k++) {
      raw.push({ start: (markers[k] as number) + 0.2 + (k % 7) * 0.0123, end: (markers[k + 1] as number) - 0.25 - (k % 5) * 0.0171 });
    }
    const removed = boundedRemovals(raw, cut, 1, fps);
    expect(removed).toHaveLength(raw.length);
    const output = join(dir, 'out.mp4');
    await renderClip(tools, { media, cutStart: cut.start, cutEnd: cut.end, removed, output, width: 160, height: 120, fps, layout: 'fit' });
    const expected = markers.map((t) => t - cut.start - removed.filter((r) => r.end <= t).reduce((sum, r) => sum + r.end - r.start, 0));

    const video = run(['-v', 'error', '-i', output, '-an', '-vf', 'signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=-', '-f', 'null', '-']);
    const flashes: number[] = [];
    let t = 0;
    let lit = false;
    for (const line of video.split('\n')) {
      const time = /pts_time:([\d.]+)/.exec(line);
      if (time) t = Number(time[1]);
      const y = /YAVG=([\d.]+)/.exec(line);
      if (y) {
        const on = Number(y[1]) > 100;
        if (on && !lit) flashes.push(t);
        lit = on;
      }
    }
    const audio = run(['-i', output, '-vn', '-af', 'silencedetect=n=-30dB:d=0.02', '-f', 'null', '-']);
    const beeps = [...audio.matchAll(/silence_end: ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(flashes).toHaveLength(markers.length);
    expect(beeps.length).toBeGreaterThanOrEqual(markers.length);
    for (let i = 0; i < markers.length; i++) {
      // Sound and picture together within 40 ms (lip sync is noticed past ≈ 45 ms of lead)…
      expect(Math.abs((beeps[i] as number) - (flashes[i] as number)), `marker ${i}`).toBeLessThan(0.04);
      // …and where the plan says (within a frame).
      expect(Math.abs((flashes[i] as number) - (expected[i] as number)), `marker ${i}`).toBeLessThan(1.5 / fps);
    }
    const streams = run(['-v', 'error', '-i', output, '-f', 'null', '-']);
    expect(streams).toBe('');
    const info = spawnSync(tools.ffprobe, ['-v', 'error', '-show_entries', 'stream=codec_type,duration', '-of', 'csv=p=0', output], {
      encoding: 'utf8',
    }).stdout;
    for (const line of info.trim().split('\n')) {
      const duration = Number(line.split(',')[1]);
      expect(Math.abs(duration - renderedDuration({ cutStart: cut.start, cutEnd: cut.end, removed }))).toBeLessThan(0.05);
    }
  }, 120_000);

  it('keeps a clip at least --min long: the longest pauses go first, on the frame grid', () => {
    const cut = { start: 10, end: 30 };
    const spans = [
      { start: 11, end: 12.013 },
      { start: 14, end: 18 },
      { start: 20, end: 22.5 },
    ];
    const kept = boundedRemovals(spans, cut, 14, 30);
    // 20 s − 14 s = 6 s may go: the 4 s pause, then the 1 s one fits (2.5 s would not).
    expect(kept.map((s) => [s.start, Number(s.end.toFixed(4))])).toEqual([
      [11, 12],
      [14, 18],
    ]);
    for (const span of kept) {
      expect(Math.abs((span.start - cut.start) * 30 - Math.round((span.start - cut.start) * 30))).toBeLessThan(1e-6);
      expect(Math.abs((span.end - cut.start) * 30 - Math.round((span.end - cut.start) * 30))).toBeLessThan(1e-6);
    }
  });
});

/**
 * `export-ia clip` on bad input, through the built CLI: each kind of broken, odd or hostile
 * input gets a coded error (exit 3, or 2 for a usage error) or a warning, never a stack trace,
 * never a half-written file in the output folder; in a batch the other videos still finish.
 * Rotated and variable-frame-rate videos, odd paths and a 3-hour file work.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { findFfmpeg } from '../../video/src/ffmpeg.js';
import { type BadInputs, makeBadInputs } from '../../video/test/fixtures/bad-inputs.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(repo, 'packages/cli/bin/export-ia.js');
const tools = findFfmpeg();

interface Run {
  code: number;
  out: string;
  err: string;
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    input: '',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 180_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

/** Short clips of the 3-second inputs, no speech recogniser, small output: fast. */
const QUICK = ['--min', '1', '--max', '3', '--count', '1', '--asr', 'none', '--resolution', '720', '--no-config'];

function workspace(): string {
  return mkdtempSync(join(tmpdir(), 'eia-clip-bad-'));
}

function clip(inputs: string[], dir: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Run {
  return run(['clip', ...QUICK, ...extra, '--data-dir', join(dir, 'data'), '-o', join(dir, 'out'), '--', ...inputs], dir, env);
}

/** Every file under a folder, relative to it. */
function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(d, entry.name));
      else out.push(relative(dir, join(d, entry.name)));
    }
  };
  walk(dir);
  return out.sort();
}

const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

/** A clean failure: the code on stderr with a hint, no stack trace, nothing half-written. */
function expectFailure(r: Run, code: string, exit: number, out?: string): void {
  expect(r.code, r.err).toBe(exit);
  expect(r.err).toContain(`error ${code} `);
  expect(r.err).toContain('hint: ');
  expect(r.err).not.toMatch(STACK_LINE);
  expect(r.err).not.toContain('EIA_INTERNAL');
  if (out) expect(files(out).filter((f) => /\.mp4$/.test(f))).toEqual([]);
}

/** Success: exit 0, no stack trace, the clip and its files there, no partial render left. */
function expectClips(r: Run, out: string): void {
  expect(r.code, r.err).toBe(0);
  expect(r.err).not.toMatch(STACK_LINE);
  const made = files(out);
  expect(made.filter((f) => f.includes('.partial'))).toEqual([]);
  for (const name of ['clip-01.mp4', 'clip-01.srt', 'clip-01.vtt', 'clip-01.jpg', 'clips.json', 'report.html']) {
    expect(made.some((f) => f === name || f.endsWith(`/${name}`))).toBe(true);
  }
}

interface JsonEvent {
  type: string;
  file?: string;
  diagnostic?: { code: string };
  error?: { code: string };
}

function events(r: Run): JsonEvent[] {
  return r.out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as JsonEvent);
}

function probeJson(file: string): { streams: Record<string, unknown>[]; format: { duration: string } } {
  const r = spawnSync(tools.ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { encoding: 'utf8' });
  return JSON.parse(r.stdout);
}

/** One RGB frame at `t`, scaled to width × height. */
function frameAt(file: string, t: number, width: number, height: number): Buffer {
  const r = spawnSync(
    tools.ffmpeg,
    ['-v', 'error', '-ss', t.toFixed(3), '-i', file, '-frames:v', '1', '-vf', `scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { maxBuffer: 64 << 20 },
  );
  return r.stdout;
}

function pixel(frame: Buffer, width: number, x: number, y: number): [number, number, number] {
  const i = (y * width + x) * 3;
  return [frame[i] ?? 0, frame[i + 1] ?? 0, frame[i + 2] ?? 0];
}

function ff(args: string[]): void {
  const r = spawnSync(tools.ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr}`);
}

interface Extras {
  /** A portrait picture (red band on top, blue below, a green square on the left) stored as landscape frames with rotation -90, as phones do. */
  phoneCw: string;
  /** The same picture stored turned the other way (rotation +90). */
  phoneCcw: string;
  /** 60 fps for 1.5 s, then 15 fps; with sound. */
  vfr: string;
  /** A dark 3 s video with a tone, for looking at burned captions. */
  dark: string;
  /** An MP4 with no streams and no duration (what ffmpeg writes when told to record nothing). */
  zero: string;
  /** One frame (0.03 s). */
  oneFrame: string;
  /** Three hours (1 fps, 64×36, 8 kHz mono sound), ≈ 15 MB: one minute made once, then copied 180 times. */
  threeHours: string;
  /** An MPEG-TS segment, for the playlists to point at. */
  segment: string;
}

const EXTRAS_VERSION = 1;

/** Inputs the shared bad-input fixture does not have, made once per temp folder. */
function makeExtras(): Extras {
  const key = createHash('sha256')
    .update(JSON.stringify({ v: EXTRAS_VERSION, ffmpeg: tools.ffmpeg }))
    .digest('hex')
    .slice(0, 16);
  const dir = join(tmpdir(), 'export-ia-test-talks', `cli-bad-${key}`);
  const f = (name: string) => join(dir, name);
  if (!existsSync(join(dir, 'done'))) {
    const work = `${dir}.tmp-${process.pid}`;
    mkdirSync(work, { recursive: true });
    const w = (name: string) => join(work, name);
    const H264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
    const AAC = ['-c:a', 'aac', '-b:a', '64k'];
    const tone = (d: number) => ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:d=${d}`];
    const upright = 'color=c=blue:s=240x320:r=30:d=3,drawbox=x=0:y=0:w=240:h=80:color=red:t=fill,drawbox=x=0:y=160:w=60:h=60:color=lime:t=fill';
    // Coded turned a quarter one way, with the display rotation that turns it back.
    ff(['-f', 'lavfi', '-i', `${upright},transpose=cclock`, ...tone(3), ...H264, ...AAC, w('coded-ccw.mp4')]);
    ff(['-i', w('coded-ccw.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=270', w('phone-cw.mp4')]);
    ff(['-f', 'lavfi', '-i', `${upright},transpose=clock`, ...tone(3), ...H264, ...AAC, w('coded-cw.mp4')]);
    ff(['-i', w('coded-cw.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', w('phone-ccw.mp4')]);
    ff([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=320x240:r=60:d=4',
      ...tone(4),
      '-vf',
      "select='lt(t,1.5)+not(mod(n,4))'",
      ...H264,
      ...AAC,
      '-vsync',
      'vfr',
      w('vfr.mp4'),
    ]);
    ff(['-f', 'lavfi', '-i', 'color=c=0x202020:s=320x240:r=30:d=3', ...tone(3), ...H264, ...AAC, w('dark.mp4')]);
    ff(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=30', ...tone(1), ...H264, ...AAC, '-frames:v', '0', '-frames:a', '0', w('zero.mp4')]);
    ff(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=30:d=0.03', ...tone(0.001), ...H264, ...AAC, w('one-frame.mp4')]);
    // A minute with pauses every 10 s, repeated by stream copy: three hours cost about a second to make.
    ff([
      '-f',
      'lavfi',
      '-i',
      'color=c=gray:s=64x36:r=1:d=60',
      '-f',
      'lavfi',
      '-i',
      "sine=frequency=300:sample_rate=8000:d=60,volume=enable='lt(mod(t,10),2)':volume=0",
      ...H264,
      '-g',
      '600',
      '-c:a',
      'aac',
      '-b:a',
      '12k',
      '-ac',
      '1',
      '-f',
      'mpegts',
      w('minute.ts'),
    ]);
    writeFileSync(w('minutes.txt'), "file 'minute.ts'\n".repeat(180));
    ff(['-f', 'concat', '-safe', '0', '-i', w('minutes.txt'), '-c', 'copy', '-movflags', '+faststart', w('three-hours.mp4')]);
    ff(['-i', w('dark.mp4'), '-c', 'copy', '-f', 'mpegts', w('segment.ts')]);
    writeFileSync(w('done'), '');
    try {
      renameSync(work, dir);
    } catch (error) {
      if (!existsSync(join(dir, 'done'))) throw error;
      rmSync(work, { recursive: true, force: true });
    }
  }
  return {
    phoneCw: f('phone-cw.mp4'),
    phoneCcw: f('phone-ccw.mp4'),
    vfr: f('vfr.mp4'),
    dark: f('dark.mp4'),
    zero: f('zero.mp4'),
    oneFrame: f('one-frame.mp4'),
    threeHours: f('three-hours.mp4'),
    segment: f('segment.ts'),
  };
}

let bad: BadInputs;
let extras: Extras;

beforeAll(async () => {
  bad = await makeBadInputs();
  extras = makeExtras();
}, 120_000);

describe('export-ia clip: files that are not usable videos', () => {
  it('a text file named .mp4 is EIA_VIDEO_NOT_MEDIA', () => {
    const dir = workspace();
    expectFailure(clip([bad.notVideo], dir), 'EIA_VIDEO_NOT_MEDIA', 3, join(dir, 'out'));
  });

  it('a truncated MP4 whose index is missing is EIA_VIDEO_CORRUPT', () => {
    const dir = workspace();
    expectFailure(clip([bad.truncated], dir), 'EIA_VIDEO_CORRUPT', 3, join(dir, 'out'));
  });

  it('a truncated MP4 whose index is whole but whose data stops early warns, and clips what is there', () => {
    const dir = workspace();
    const r = clip([bad.truncatedData], dir, ['--json']);
    expectClips(r, join(dir, 'out'));
    expect(events(r).some((e) => e.type === 'warning' && e.diagnostic?.code === 'EIA_VIDEO_CORRUPT')).toBe(true);
    // The clip ends where the data does, not at the length the index promised.
    const made = Number(probeJson(join(dir, 'out', 'clip-01.mp4')).format.duration);
    expect(made).toBeLessThan(2.5);
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'clips.json'), 'utf8'));
    expect(Math.abs(manifest.clips[0].duration - made)).toBeLessThan(0.3);
  });

  it('an audio-only file is EIA_VIDEO_NO_VIDEO_STREAM', () => {
    const dir = workspace();
    expectFailure(clip([bad.audioOnly], dir), 'EIA_VIDEO_NO_VIDEO_STREAM', 3, join(dir, 'out'));
  });

  it('a video-only file is EIA_VIDEO_NO_AUDIO_STREAM, and works with --transcript (silent clips)', () => {
    const dir = workspace();
    expectFailure(clip([bad.videoOnly], dir), 'EIA_VIDEO_NO_AUDIO_STREAM', 3, join(dir, 'out'));
    writeFileSync(join(dir, 'talk.srt'), '1\n00:00:00,200 --> 00:00:02,500\nHello there, this is the whole talk.\n');
    const r = clip([bad.videoOnly], dir, ['--transcript', 'talk.srt']);
    expectClips(r, join(dir, 'out'));
    const streams = probeJson(join(dir, 'out', 'clip-01.mp4')).streams.map((s) => s.codec_type);
    expect(streams).toEqual(['video']);
  });

  it('a 0-second file is EIA_VIDEO_EMPTY, one frame too; half a second is EIA_VIDEO_TOO_SHORT', () => {
    const dir = workspace();
    expectFailure(clip([extras.zero], dir), 'EIA_VIDEO_EMPTY', 3, join(dir, 'out'));
    expectFailure(clip([extras.oneFrame], dir), 'EIA_VIDEO_EMPTY', 3, join(dir, 'out'));
    const r = clip([bad.tiny], dir);
    expectFailure(r, 'EIA_VIDEO_TOO_SHORT', 3, join(dir, 'out'));
    expect(r.err).toMatch(/--min/);
  });

  it('a speech model path that does not exist is EIA_VIDEO_ASR_MODEL_MISSING (exit 2) before any video is read', () => {
    const dir = workspace();
    const r = clip([bad.good], dir, ['--asr', 'whisper', '--asr-model', '/nope.bin']);
    expectFailure(r, 'EIA_VIDEO_ASR_MODEL_MISSING', 2);
    expect(r.err).toContain('/nope.bin');
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const json = clip([bad.good], dir, ['--asr', 'whisper', '--asr-model', '/nope.bin', '--json']);
    expect(json.code).toBe(2);
    expect(events(json).map((e) => e.type)).toEqual(['failed']);
    expect(events(json)[0]?.error?.code).toBe('EIA_VIDEO_ASR_MODEL_MISSING');
  });
});

describe('export-ia clip: inputs that must work', () => {
  it('rotated phone videos (either way) come out 720×1280 with the picture upright', () => {
    const dir = workspace();
    mkdirSync(join(dir, 'phone'));
    copyFileSync(extras.phoneCw, join(dir, 'phone', 'cw.mp4'));
    copyFileSync(extras.phoneCcw, join(dir, 'phone', 'ccw.mp4'));
    const r = clip(['phone'], dir, ['--captions', 'none']);
    expect(r.code, r.err).toBe(0);
    for (const name of ['cw', 'ccw']) {
      const out = join(dir, 'out', name);
      expectClips({ ...r }, out);
      const video = probeJson(join(out, 'clip-01.mp4')).streams.find((s) => s.codec_type === 'video') as Record<string, unknown>;
      expect([video.width, video.height]).toEqual([720, 1280]);
      // Red band on top, blue below, the green square on the left: upright, not mirrored.
      const [w, h] = [36, 64];
      const frame = frameAt(join(out, 'clip-01.mp4'), 1, w, h);
      const top = pixel(frame, w, w / 2, Math.round(h * 0.1));
      const bottom = pixel(frame, w, w / 2, Math.round(h * 0.9));
      const left = pixel(frame, w, 1, Math.round(h * 0.59));
      const right = pixel(frame, w, w - 2, Math.round(h * 0.59));
      expect(top[0], `${name} top ${top}`).toBeGreaterThan(180);
      expect(top[2], `${name} top ${top}`).toBeLessThan(80);
      expect(bottom[2], `${name} bottom ${bottom}`).toBeGreaterThan(180);
      expect(bottom[0], `${name} bottom ${bottom}`).toBeLessThan(80);
      expect(left[1], `${name} left ${left}`).toBeGreaterThan(180);
      expect(right[2], `${name} right ${right}`).toBeGreaterThan(180);
    }
  });

  it('a variable-frame-rate video comes out at a constant rate of at most 30 fps', () => {
    const dir = workspace();
    const source = probeJson(extras.vfr).streams.find((s) => s.codec_type === 'video') as Record<string, string>;
    expect(source.r_frame_rate).not.toBe(source.avg_frame_rate);
    const r = clip([extras.vfr], dir, ['--max', '4']);
    expectClips(r, join(dir, 'out'));
    const file = join(dir, 'out', 'clip-01.mp4');
    const video = probeJson(file).streams.find((s) => s.codec_type === 'video') as Record<string, string>;
    expect(video.r_frame_rate).toBe(video.avg_frame_rate);
    const [num, den] = String(video.avg_frame_rate).split('/').map(Number) as [number, number];
    expect(num / den).toBeLessThanOrEqual(30.01);
    const pts = spawnSync(tools.ffprobe, ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file], {
      encoding: 'utf8',
    })
      .stdout.split('\n')
      .map((line) => Number.parseFloat(line))
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    expect(pts.length).toBeGreaterThan(60);
    for (let i = 1; i < pts.length; i++) expect(Math.abs((pts[i] ?? 0) - (pts[i - 1] ?? 0) - den / num)).toBeLessThan(0.002);
  });

  it('paths with spaces, quotes, a colon, unicode, and a leading dash work (in and out)', () => {
    const dir = workspace();
    const folder = join(dir, "in 'q' — é 字");
    mkdirSync(folder);
    copyFileSync(bad.oddPath, join(folder, "talk 'quoted', a:b — é ü 字.mp4"));
    copyFileSync(bad.good, join(folder, '-i.mp4'));
    const out = join(dir, "out 'x', ü: [1]");
    const r = run(['clip', ...QUICK, '--data-dir', join(dir, 'data'), '-o', out, folder], dir);
    expect(r.code, r.err).toBe(0);
    expectClips(r, join(out, "talk 'quoted', a:b — é ü 字"));
    expectClips(r, join(out, '-i'));
    // A file named like an option, given as an argument after `--`, is a file to ffmpeg too.
    const direct = run(['clip', ...QUICK, '--data-dir', join(dir, 'data'), '-o', 'dash-out', '--', '-i.mp4'], folder);
    expectClips(direct, join(folder, 'dash-out'));
    // Without `--` it is an unknown option: a usage error, not a file.
    const option = run(['clip', ...QUICK, '-o', 'x', '-i.mp4'], folder);
    expectFailure(option, 'EIA_USAGE', 2);
  });

  it('a batch never writes outside -o, whatever the file names (`...mp4` is not `..`)', () => {
    const dir = workspace();
    const folder = join(dir, 'videos');
    mkdirSync(folder);
    copyFileSync(bad.good, join(folder, '...mp4'));
    copyFileSync(bad.good, join(folder, 'b.mp4'));
    const out = join(dir, 'nest', 'out');
    const r = run(['clip', ...QUICK, '--data-dir', join(dir, 'data'), '-o', out, folder], dir);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(join(dir, 'nest'))).toEqual(['out']);
    expect(readdirSync(out).sort()).toEqual(['b', 'video']);
    expectClips(r, join(out, 'video'));
  });

  it('a 3-hour file: probe, one audio pass and the selection run, and a clip comes out', () => {
    const dir = workspace();
    const r = clip([extras.threeHours], dir, ['--min', '5', '--max', '10', '--json']);
    expectClips(r, join(dir, 'out'));
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'clips.json'), 'utf8'));
    expect(manifest.source.duration).toBeGreaterThan(3 * 3600 - 60);
    expect(manifest.clips).toHaveLength(1);
    expect(manifest.clips[0].duration).toBeGreaterThanOrEqual(5 - 0.05);
    expect(manifest.clips[0].duration).toBeLessThanOrEqual(10 + 0.5);
    // Pictures were decoded only around the shortlisted candidates, not for three hours.
    const scanned = (manifest.analysis.scanned as { start: number; end: number }[]).reduce((s, x) => s + x.end - x.start, 0);
    expect(scanned).toBeLessThan(600);
    expect(manifest.analysis.loudness.length).toBeGreaterThan(3 * 3600 - 60);
    // Nothing was cut short: the sound decoded to the end.
    expect(events(r).filter((e) => e.type === 'warning' && e.diagnostic?.code === 'EIA_VIDEO_CORRUPT')).toEqual([]);
  });
});

describe('export-ia clip: hostile input', () => {
  /** A playlist that names a file outside its folder, under the names an attacker would pick. */
  function playlists(dir: string): { hls: string; concat: string } {
    mkdirSync(join(dir, 'secret'));
    mkdirSync(join(dir, 'upload'));
    copyFileSync(extras.segment, join(dir, 'secret', 'private.ts'));
    copyFileSync(extras.dark, join(dir, 'secret', 'private.mp4'));
    const hls = join(dir, 'upload', 'talk.mp4');
    writeFileSync(hls, '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:3\n#EXTINF:3.0,\n../secret/private.ts\n#EXT-X-ENDLIST\n');
    const concat = join(dir, 'upload', 'list.mp4');
    writeFileSync(concat, `ffconcat version 1.0\nfile '${join(dir, 'secret', 'private.mp4')}'\n`);
    return { hls, concat };
  }

  const builds: { name: string; env: NodeJS.ProcessEnv }[] = [{ name: tools.version, env: {} }];
  const npmFfmpeg = join(repo, 'node_modules/@ffmpeg-installer/linux-x64/ffmpeg');
  const npmFfprobe = join(repo, 'node_modules/@ffprobe-installer/linux-x64/ffprobe');
  if (tools.origin !== 'npm' && existsSync(npmFfmpeg) && existsSync(npmFfprobe))
    builds.push({ name: 'npm 4.1', env: { FFMPEG_PATH: npmFfmpeg, FFPROBE_PATH: npmFfprobe } });

  it.each(builds)('an HLS playlist or a concat list named .mp4 is refused, not followed (ffmpeg $name)', ({ env }) => {
    const dir = workspace();
    const { hls, concat } = playlists(dir);
    const r = clip([hls], dir, [], env);
    expectFailure(r, 'EIA_VIDEO_NOT_MEDIA', 3, join(dir, 'out'));
    const list = clip([concat], dir, [], env);
    expectFailure(list, 'EIA_VIDEO_NOT_MEDIA', 3, join(dir, 'out'));
    expect(list.err).toMatch(/concat/);
  });

  it('a transcript that runs past the end of the video warns EIA_VIDEO_TRANSCRIPT_MISMATCH, and clips are still made', () => {
    const dir = workspace();
    const cues = Array.from({ length: 20 }, (_, i) => {
      const t = (s: number) => `00:00:${String(Math.floor(s)).padStart(2, '0')},${String(Math.round((s % 1) * 1000)).padStart(3, '0')}`;
      return `${i + 1}\n${t(i * 3 + 0.2)} --> ${t(i * 3 + 2.5)}\nSentence number ${i + 1} of a longer talk.\n`;
    });
    writeFileSync(join(dir, 'other.srt'), cues.join('\n'));
    const r = clip([bad.good], dir, ['--transcript', 'other.srt']);
    expectClips(r, join(dir, 'out'));
    expect(r.err).toContain('warning EIA_VIDEO_TRANSCRIPT_MISMATCH');
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'clips.json'), 'utf8'));
    expect(manifest.warnings.map((w: { code: string }) => w.code)).toContain('EIA_VIDEO_TRANSCRIPT_MISMATCH');
    expect(manifest.clips[0].cutEnd).toBeLessThanOrEqual(3.05);
  });

  it('an SRT that is one 10 MB line is EIA_VIDEO_TRANSCRIPT_INVALID', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'line.srt'), 'x'.repeat(10 << 20));
    const r = clip([bad.good], dir, ['--transcript', 'line.srt']);
    expectFailure(r, 'EIA_VIDEO_TRANSCRIPT_INVALID', 3, join(dir, 'out'));
    expect(r.err.length).toBeLessThan(4000);
  });

  it('an SRT cue whose text is one 10 MB word makes a clip with the word cut short in the captions', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'word.srt'), `1\n00:00:00,200 --> 00:00:02,500\n${'a'.repeat(10 << 20)}\n`);
    const r = clip([bad.good], dir, ['--transcript', 'word.srt']);
    expectClips(r, join(dir, 'out'));
    expect(statSync(join(dir, 'out', 'clip-01.srt')).size).toBeLessThan(1000);
    expect(statSync(join(dir, 'out', 'clip-01.vtt')).size).toBeLessThan(1000);
  });

  // `words.push(...many)` used to overflow the call stack above ~120 000 words (EIA_INTERNAL).
  it('an SRT cue of 10 MB of words makes clips (or a coded error), not an internal error', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'words.srt'), `1\n00:00:00,200 --> 00:00:02,500\n${'word '.repeat(2 << 20)}\n`);
    const r = clip([bad.good], dir, ['--transcript', 'words.srt']);
    expect(r.err).toContain('EIA_VIDEO_TRANSCRIPT_TRIMMED');
    expect(r.err).not.toContain('EIA_INTERNAL');
    expect(r.err).not.toMatch(STACK_LINE);
  });

  it('ASS override tags in caption text are shown as text, not obeyed', () => {
    const dir = workspace();
    // `{\…}` tags are removed by the SRT reader; with a space after the brace they reach the
    // caption writer, which must escape them: obeyed, `\fscx4000` would cover the frame with a W.
    writeFileSync(join(dir, 'tags.srt'), '1\n00:00:00,100 --> 00:00:02,900\n{ \\fscx4000\\fscy4000}W\n');
    const r = clip([extras.dark], dir, ['--transcript', 'tags.srt', '--captions', 'plain']);
    expectClips(r, join(dir, 'out'));
    expect(readFileSync(join(dir, 'out', 'clip-01.srt'), 'utf8')).toContain('\\fscx4000');
    const [w, h] = [90, 160];
    const frame = frameAt(join(dir, 'out', 'clip-01.mp4'), 1.5, w, h);
    let bright = 0;
    for (let i = 0; i < w * h; i++) if ((frame[i * 3] ?? 0) > 128 || (frame[i * 3 + 1] ?? 0) > 128 || (frame[i * 3 + 2] ?? 0) > 128) bright++;
    // Some caption is there, a few per cent of the frame; not a giant glyph.
    expect(bright / (w * h)).toBeGreaterThan(0.002);
    expect(bright / (w * h)).toBeLessThan(0.1);
  });
});

describe('export-ia clip: batches', () => {
  function batchFolder(dir: string): string {
    const folder = join(dir, 'videos');
    mkdirSync(folder);
    copyFileSync(bad.notVideo, join(folder, 'a-not-video.mp4'));
    copyFileSync(bad.good, join(folder, 'b-good.mp4'));
    copyFileSync(bad.audioOnly, join(folder, 'c-audio-only.mp4'));
    return folder;
  }

  it('a folder of [not a video, a good video, audio only]: exit 3, the good one clipped, both failures reported', () => {
    const dir = workspace();
    batchFolder(dir);
    const r = clip(['videos'], dir);
    expect(r.code, r.err).toBe(3);
    expect(r.err).not.toMatch(STACK_LINE);
    expect(r.err).toContain('error EIA_VIDEO_NOT_MEDIA videos/a-not-video.mp4');
    expect(r.err).toContain('error EIA_VIDEO_NO_VIDEO_STREAM videos/c-audio-only.mp4');
    expect(r.out).toContain('1 of 3 videos clipped');
    const made = files(join(dir, 'out'));
    expect(made.filter((f) => f.startsWith('b-good/'))).toEqual(
      ['clip-01.jpg', 'clip-01.mp4', 'clip-01.srt', 'clip-01.vtt', 'clips.json', 'report.html'].map((f) => `b-good/${f}`),
    );
    expect(made.filter((f) => !f.startsWith('b-good/'))).toEqual([]);
  });

  it('the same through a glob, with --json events', () => {
    const dir = workspace();
    batchFolder(dir);
    const r = clip(['videos/*.mp4'], dir, ['--json']);
    expect(r.code, r.err).toBe(3);
    const all = events(r);
    const failed = all.filter((e) => e.type === 'failed').map((e) => [e.file, e.error?.code]);
    expect(failed).toEqual([
      ['videos/a-not-video.mp4', 'EIA_VIDEO_NOT_MEDIA'],
      ['videos/c-audio-only.mp4', 'EIA_VIDEO_NO_VIDEO_STREAM'],
    ]);
    expect(all.filter((e) => e.type === 'done').map((e) => e.file)).toEqual(['videos/b-good.mp4']);
    expect(existsSync(join(dir, 'out', 'b-good', 'clip-01.mp4'))).toBe(true);
  });

  it('a render that fails half-way leaves no partial file, and the batch goes on', () => {
    const dir = workspace();
    // An ffmpeg that writes a few bytes of the clip and dies, as a full disk or a crash would.
    const wrapper = join(dir, 'ffmpeg');
    writeFileSync(
      wrapper,
      `#!/bin/sh\nfor a in "$@"; do case "$a" in *.partial.mp4) printf 'half a clip' > "$a"; echo 'simulated failure' >&2; exit 1;; esac; done\nexec '${tools.ffmpeg}' "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    mkdirSync(join(dir, 'videos'));
    copyFileSync(bad.good, join(dir, 'videos', 'one.mp4'));
    copyFileSync(bad.oddPath, join(dir, 'videos', 'two.mp4'));
    const r = clip(['videos'], dir, ['--count', '2', '--max', '1.4'], { FFMPEG_PATH: wrapper, FFPROBE_PATH: tools.ffprobe });
    expect(r.code, r.err).toBe(3);
    expect(r.err.match(/error EIA_VIDEO_FFMPEG_FAILED/g)).toHaveLength(2);
    expect(r.err).toContain('simulated failure');
    expect(r.err).not.toMatch(STACK_LINE);
    expect(files(join(dir, 'out')).filter((f) => f.endsWith('.mp4'))).toEqual([]);
  });
});

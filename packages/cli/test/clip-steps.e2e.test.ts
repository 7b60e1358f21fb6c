/**
 * Video steps as plugin components, through the real CLI: a third-party plugin (plain
 * JavaScript in a folder the config file lists, so it runs sandboxed in its own process)
 * replaces the speech recogniser, the subject detector and the highlight scorer of
 * `export-ia clip`, and each replacement shows in what the job makes. Its hostile or broken
 * answers are refused with a coded error; an unknown step id is a usage error before any work.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolation } from '../../core/src/sandbox/sandbox.js';
import { CORE_VERSION } from '../../core/src/version.js';
import { makeTalk, type Talk } from '../../video/test/fixtures/talk.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(repo, 'packages/cli/bin/export-ia.js');
const can = isolation();

const PLUGIN = `
const BRAND = Symbol.for('export-ia.plugin');
export default {
  [BRAND]: true,
  setup(api) {
    api.transcriber('script-asr', {
      available(language) {
        return language === 'en' ? { ok: true } : { ok: false, reason: 'English only' };
      },
      transcribe(input, ctx) {
        const head = String.fromCharCode(...input.audio.subarray(0, 4));
        if (head !== 'RIFF') throw new Error('not a WAV');
        // 16 kHz, 16-bit mono: the bytes hold exactly the piece's duration.
        if (Math.abs((input.audio.length - 44) / 32000 - input.duration) > 0.01) throw new Error('audio and duration disagree');
        const words = [];
        for (const s of ctx.config.sentences) {
          if (s.start < input.offset || s.start >= input.offset + input.duration) continue;
          const parts = s.text.split(/\\s+/);
          const step = (s.end - s.start) / parts.length;
          parts.forEach((text, i) => words.push({ text, start: s.start + i * step, end: s.start + (i + 1) * step }));
        }
        ctx.progress(1);
        return words;
      },
    });
    api.detector('corner', {
      detect(frame) {
        if (frame.rgb.length !== frame.width * frame.height * 3) throw new Error('frame size');
        return [{ x: 0.7, y: 0.3, w: 0.1, h: 0.2, score: 0.9 }];
      },
    });
    api.detector('flood', {
      detect() {
        return Array.from({ length: 5000 }, () => ({ x: -5, y: 2, w: 1e9, h: 0.5, score: 7 }));
      },
    });
    api.scorer('longest', {
      score(input) {
        const max = Math.max(...input.candidates.map((c) => c.end - c.start));
        return input.candidates.map((c) => ({
          score: (100 * (c.end - c.start)) / max,
          reasons: [{ factor: 'length', value: (c.end - c.start) / max, weight: 1, detail: (c.end - c.start).toFixed(1) + ' s long' }],
        }));
      },
    });
    api.scorer('broken', {
      score(input) {
        return input.candidates.slice(1).map(() => ({ score: 50, reasons: [] }));
      },
    });
    api.captioner('boxed', {
      captions(input) {
        const t = (s) => new Date(s * 1000).toISOString().slice(12, 22);
        const events = input.lines.map((l) => 'Dialogue: 0,' + t(l.start) + ',' + t(l.end) + ',Box,,0,0,0,,' + l.words.map((w) => w.text).join(' '));
        return ['[Script Info]', 'ScriptType: v4.00+', 'PlayResX: ' + input.width, 'PlayResY: ' + input.height, '',
          '[V4+ Styles]', 'Format: Name, Fontname, Fontsize, PrimaryColour, BorderStyle, Outline, Alignment',
          'Style: Box,' + input.fontFamily + ',' + Math.round(input.height * 0.05) + ',&H0000FFFF,3,8,5', '',
          '[Fonts]', 'fontname: evil.ttf', '!!!!!!!!', '',
          '[Events]', 'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text', ...events].join('\\n');
      },
    });
    api.captioner('huge', {
      captions() {
        return '[Script Info]\\n[Events]\\n' + 'Dialogue: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,x\\n'.repeat(60000);
      },
    });
    api.scorer('nan', {
      score(input) {
        return input.candidates.map(() => ({ score: 'high' }));
      },
    });
  },
};
`;

interface Run {
  code: number;
  out: string;
  err: string;
}

interface Manifest {
  settings: { steps?: { transcriber?: string; detector: string; scorer: string; captioner?: string } };
  transcript: { source: string; words: number; sentences: { text: string; start: number }[] };
  clips: { rank: number; start: number; end: number; score: number; reasons: { factor: string; detail: string }[]; track: { cx: number; kind: string }[] }[];
}

let talk: Talk;
let work: string;

function clip(args: string[]): Run {
  const r = spawnSync(process.execPath, [bin, 'clip', talk.video, '-c', join(work, 'export-ia.config.yaml'), '--data-dir', join(work, 'data'), ...args], {
    cwd: work,
    input: '',
    env: { ...process.env, NO_COLOR: '1', ...(can.namespaces ? {} : { EXPORT_IA_SANDBOX_NETWORK: 'allow' }) },
    timeout: 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

const QUICK = ['-n', '2', '--min', '8', '--max', '20', '--resolution', '720', '--captions', 'none'];

beforeAll(async () => {
  talk = await makeTalk({ sentences: 25 });
  work = mkdtempSync(join(tmpdir(), 'eia-clip-steps-'));
  const dir = join(work, 'acme-steps');
  mkdirSync(dir);
  writeFileSync(join(dir, 'index.js'), PLUGIN);
  const step = (id: string, kind: string, extra: Record<string, unknown> = {}) => ({ id, kind, ...extra });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'acme-steps',
      version: '1.0.0',
      type: 'module',
      engines: { 'export-ia': `^${CORE_VERSION}` },
      exportIa: {
        id: 'acme-steps',
        apiVersion: 1,
        main: 'index.js',
        contributes: {
          videoSteps: [
            // 20 s pieces: an 80 s talk reaches the plugin in several calls.
            step('script-asr', 'transcriber', { chunkSeconds: 20 }),
            step('corner', 'detector'),
            step('flood', 'detector'),
            step('longest', 'scorer'),
            step('broken', 'scorer'),
            step('nan', 'scorer'),
            step('boxed', 'captioner'),
            step('huge', 'captioner'),
          ],
        },
        configSchema: { type: 'object', properties: { sentences: { type: 'array' } } },
      },
    }),
  );
  const sentences = talk.script.map((s) => ({ text: s.text, start: s.start, end: s.end }));
  writeFileSync(join(work, 'export-ia.config.yaml'), `plugins: [./acme-steps]\npluginConfig:\n  acme-steps: ${JSON.stringify({ sentences })}\n`);
}, 300_000);

describe('export-ia clip with plugin steps', () => {
  it('uses a sandboxed plugin as speech recogniser, detector and scorer', () => {
    const out = join(work, 'out-plugin');
    const r = clip([...QUICK, '--asr', 'script-asr', '--detector', 'corner', '--scorer', 'longest', '-o', out]);
    expect(r.code, r.err).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'clips.json'), 'utf8')) as Manifest;
    expect(manifest.settings.steps).toEqual({
      transcriber: 'script-asr (acme-steps@1.0.0)',
      detector: 'corner (acme-steps@1.0.0)',
      scorer: 'longest (acme-steps@1.0.0)',
    });
    expect(manifest.settings.steps?.captioner).toBeUndefined();
    // Every word of the script came back once, at its time, across the 20 s pieces.
    expect(manifest.transcript.source).toBe('asr:script-asr');
    const scriptWords = talk.script.reduce((n, s) => n + s.text.split(/\s+/).length, 0);
    expect(manifest.transcript.words).toBe(scriptWords);
    for (const s of talk.script) expect(manifest.transcript.sentences.some((t) => Math.abs(t.start - s.start) < 0.05)).toBe(true);
    // The scorer's reasons, and its order: the longest candidates win.
    expect(manifest.clips).toHaveLength(2);
    for (const c of manifest.clips) expect(c.reasons.map((x) => x.factor)).toEqual(['length']);
    expect(manifest.clips[0]?.score).toBe(100);
    // The crop follows the plugin's box (centre x 0.75), not the face the built-in would find.
    for (const c of manifest.clips) {
      const late = c.track.slice(Math.floor(c.track.length / 2));
      expect(late.every((p) => p.kind === 'face' && Math.abs(p.cx - 0.75) < 0.03)).toBe(true);
    }
    expect(readdirSync(out).filter((f) => f.endsWith('.mp4'))).toHaveLength(2);
  }, 300_000);

  it('refuses a scorer that answers the wrong number of scores, or scores that are not numbers', () => {
    for (const scorer of ['broken', 'nan']) {
      const out = join(work, `out-${scorer}`);
      const r = clip([...QUICK, '--transcript', talk.srt, '--scorer', scorer, '-o', out]);
      expect(r.code, r.err).toBe(3);
      expect(r.err).toMatch(new RegExp(`error EIA_VIDEO_STEP_INVALID The scorer "${scorer}" of plugin acme-steps@1.0.0 answered what the clip job cannot use`));
      expect(r.err).toContain('hint: ');
      expect(r.err).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.mp4')) : []).toEqual([]);
    }
  }, 300_000);

  it('bounds what a detector answers: 5000 boxes outside the frame are dropped and the crop stays inside it', () => {
    const out = join(work, 'out-flood');
    const r = clip([...QUICK, '-n', '1', '--transcript', talk.srt, '--detector', 'flood', '-o', out]);
    expect(r.code, r.err).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'clips.json'), 'utf8')) as Manifest;
    for (const p of manifest.clips[0]?.track ?? []) {
      expect(p.cx).toBeGreaterThanOrEqual(0);
      expect(p.cx).toBeLessThanOrEqual(1);
    }
  }, 300_000);

  it('burns the captions a plugin writes, without the fonts it tries to embed; refuses a script too big to be captions', () => {
    const out = join(work, 'out-boxed');
    const r = clip(['-n', '1', '--min', '8', '--max', '20', '--resolution', '720', '--transcript', talk.srt, '--captioner', 'boxed', '-o', out]);
    expect(r.code, r.err).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'clips.json'), 'utf8')) as Manifest;
    expect(manifest.settings.steps?.captioner).toBe('boxed (acme-steps@1.0.0)');
    // The plugin's look is what is burned: yellow text on an opaque box in the middle of the frame.
    const frame = spawnSync(
      'ffmpeg',
      ['-v', 'error', '-ss', '3', '-i', join(out, 'clip-01.mp4'), '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
      {
        maxBuffer: 16 * 1024 * 1024,
      },
    ).stdout;
    // Yellow pixels by band: the plugin centres its box (rows 560-720 of 1280); the built-in
    // captions sit lower (70 % of the height, rows 800-1000).
    const yellowIn = (from: number, to: number) => {
      let n = 0;
      for (let i = from * 720 * 3; i < to * 720 * 3; i += 3) if ((frame[i] ?? 0) > 200 && (frame[i + 1] ?? 0) > 200 && (frame[i + 2] ?? 255) < 90) n++;
      return n;
    };
    expect(frame.length).toBe(720 * 1280 * 3);
    expect(yellowIn(560, 720)).toBeGreaterThan(1000);
    expect(yellowIn(800, 1000)).toBeLessThan(100);
    const huge = clip([
      '-n',
      '1',
      '--min',
      '8',
      '--max',
      '20',
      '--resolution',
      '720',
      '--transcript',
      talk.srt,
      '--captioner',
      'huge',
      '-o',
      join(work, 'out-huge'),
    ]);
    expect(huge.code).toBe(3);
    expect(huge.err).toMatch(
      /error EIA_VIDEO_STEP_INVALID The captioner "huge" of plugin acme-steps@1.0.0 answered what the clip job cannot use: the caption script (is over|has over)/,
    );
  }, 300_000);

  it('names the steps there are when a step id is unknown, before any work', () => {
    const out = join(work, 'out-unknown');
    for (const [flag, kind, known] of [
      ['--detector', 'detector', 'face, corner, flood'],
      ['--scorer', 'scorer', 'standard, longest, broken, nan'],
      ['--asr', 'transcriber', 'pocketsphinx, whisper, openai, script-asr'],
    ] as const) {
      const r = clip([...QUICK, flag, 'nope', '-o', out]);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toContain(`error EIA_COMPONENT_NOT_FOUND No ${kind} named "nope" is registered.`);
      expect(r.err).toContain(`hint: Registered ${kind}s: ${known}.`);
    }
    expect(existsSync(out)).toBe(false);
    const bad = clip([...QUICK, '--detector', '../evil', '-o', out]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('error EIA_USAGE --detector takes a step id');
  }, 300_000);
});

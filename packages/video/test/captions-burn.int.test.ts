/**
 * Burns generated ASS captions into a 360×640 colour clip with each ffmpeg build on the machine
 * (Debian's and the npm static one) and reads back a frame: the caption band changes and nothing
 * else does; the karaoke highlight shows on the current word; a path full of awkward characters
 * survives the filter graph; fonts come from the bundled folder even when fontconfig has none.
 */
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assFilter, captionCenterY, captionFont, captionLines, DEFAULT_CAPTION_STYLE, safeAreaFor, toAss } from '../src/captions/index.js';
import { run } from '../src/ffmpeg.js';
import type { Word } from '../src/types.js';

const W = 360;
const H = 640;
const BACKGROUND = '0x3050a0';

function executable(path: string | undefined): path is string {
  if (!path) return false;
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function npmFfmpeg(): string | undefined {
  try {
    return (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path?: string }).path;
  } catch {
    return undefined;
  }
}

const builds = [...new Set(['/usr/bin/ffmpeg', npmFfmpeg()].filter(executable))];

// Folder and file names with a quote, colons, commas, brackets, spaces and non-ASCII letters.
const root = mkdtempSync(join(tmpdir(), 'eia-burn-'));
const dir = join(root, "it's: a, [weird] földer; ok");
mkdirSync(dir);
afterAll(() => rmSync(root, { recursive: true, force: true }));

// "Hello big world", spoken from 0.2 s; "big" is current from 0.7 s to 1.2 s.
const words: Word[] = [
  { text: 'Hello', start: 10.2, end: 10.6 },
  { text: 'big', start: 10.7, end: 11.1 },
  { text: 'world', start: 11.2, end: 11.7 },
];
const style = { ...DEFAULT_CAPTION_STYLE };
const lines = captionLines(words, { clipStart: 10, maxWords: 3 });
const font = captionFont(style);
const plainPath = join(dir, "plain 'caps', v1.ass");
const karaokePath = join(dir, 'karaoké: [v1].ass');
writeFileSync(plainPath, toAss(lines, { width: W, height: H, style, mode: 'plain' }));
writeFileSync(karaokePath, toAss(lines, { width: W, height: H, style, mode: 'karaoke' }));

/** One RGB frame at `at` seconds of a 2 s colour clip, through `filter` when given. */
async function frame(ffmpeg: string, at: number, filter?: string, env?: NodeJS.ProcessEnv): Promise<Buffer> {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', `color=c=${BACKGROUND}:s=${W}x${H}:d=2:r=25`];
  if (filter) args.push('-vf', filter);
  args.push('-ss', at.toFixed(2), '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  const result = env ? await runWithEnv(ffmpeg, args, env) : await run(ffmpeg, args);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout.length).toBe(W * H * 3);
  return result.stdout;
}

async function runWithEnv(binary: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: err }));
  });
}

interface Diff {
  changed: number;
  outside: number;
  /** Rows that changed, first and last. */
  top: number;
  bottom: number;
}

function compare(a: Buffer, b: Buffer, band: [number, number]): Diff {
  let changed = 0;
  let outside = 0;
  let top = H;
  let bottom = -1;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      const d = Math.abs((a[i] ?? 0) - (b[i] ?? 0)) + Math.abs((a[i + 1] ?? 0) - (b[i + 1] ?? 0)) + Math.abs((a[i + 2] ?? 0) - (b[i + 2] ?? 0));
      if (d <= 24) continue;
      changed++;
      if (y < band[0] || y > band[1]) outside++;
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  return { changed, outside, top, bottom };
}

/** Highlight-coloured pixels (#FFE600, yellow) and their mean x. */
function yellow(frameData: Buffer): { count: number; meanX: number } {
  let count = 0;
  let sumX = 0;
  for (let p = 0; p < W * H; p++) {
    const r = frameData[p * 3] ?? 0;
    const g = frameData[p * 3 + 1] ?? 0;
    const b = frameData[p * 3 + 2] ?? 0;
    if (r > 200 && g > 170 && b < 110) {
      count++;
      sumX += p % W;
    }
  }
  return { count, meanX: count ? sumX / count : Number.NaN };
}

const fontPx = style.size * H;
const centre = captionCenterY(style, H, safeAreaFor(W, H));
const band: [number, number] = [Math.floor(centre - 1.5 * fontPx), Math.ceil(centre + 1.5 * fontPx)];

describe.skipIf(builds.length === 0)('burned captions', () => {
  it('finds the bundled font folder', () => {
    expect(font.fontsDir).toBeDefined();
  });

  for (const ffmpeg of builds) {
    describe(ffmpeg.includes('node_modules') ? 'npm ffmpeg' : 'system ffmpeg', () => {
      it('plain captions change the caption band and nothing else', async () => {
        const before = await frame(ffmpeg, 0.9);
        const after = await frame(ffmpeg, 0.9, assFilter(plainPath, font.fontsDir));
        const diff = compare(before, after, band);
        expect(diff.changed).toBeGreaterThan(800);
        expect(diff.outside).toBe(0);
        // Within the 9:16 safe area: below the top 10 %, above the bottom 20 %.
        expect(diff.top).toBeGreaterThan(0.1 * H);
        expect(diff.bottom).toBeLessThan(0.8 * H);
        expect(yellow(after).count).toBe(0);
        // Before the first word and after the line: nothing.
        expect(compare(await frame(ffmpeg, 0.1, assFilter(plainPath, font.fontsDir)), before, band).changed).toBe(0);
      });

      it('karaoke highlights the current word in the highlight colour', async () => {
        const big = await frame(ffmpeg, 0.9, assFilter(karaokePath, font.fontsDir));
        const hello = await frame(ffmpeg, 0.4, assFilter(karaokePath, font.fontsDir));
        const background = await frame(ffmpeg, 0.4);
        expect(compare(background, big, band).outside).toBe(0);
        const middle = yellow(big);
        const first = yellow(hello);
        expect(middle.count).toBeGreaterThan(80);
        expect(first.count).toBeGreaterThan(80);
        // "big" sits in the middle of the line, "Hello" on its left.
        expect(Math.abs(middle.meanX - W / 2)).toBeLessThan(25);
        expect(first.meanX).toBeLessThan(W / 2 - 40);
      });

      it('renders with the bundled fonts when fontconfig knows no fonts', async () => {
        const conf = join(root, 'no-fonts.conf');
        writeFileSync(
          conf,
          `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><cachedir>${join(root, 'fc-cache')}</cachedir></fontconfig>\n`,
        );
        const env = { FONTCONFIG_FILE: conf, FONTCONFIG_PATH: root };
        const before = await frame(ffmpeg, 0.9, undefined, env);
        const after = await frame(ffmpeg, 0.9, assFilter(plainPath, font.fontsDir), env);
        const diff = compare(before, after, band);
        expect(diff.changed).toBeGreaterThan(800);
        expect(diff.outside).toBe(0);
      });
    });
  }
});

/**
 * The caption style (a brand template: `--caption-style style.yaml`) and the font it names.
 *
 * libass finds fonts through fontconfig, which a server or a container may not have any fonts
 * for; so burned captions always get a `fontsdir`: the folder of a font file the style names, or
 * else the Source Sans 3 TTF files shipped by the `source-sans` npm package (SIL OFL), the family
 * the default style uses.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ExportIaError } from '@export-ia/core';
import { parse } from 'yaml';
import type { CaptionStyle } from '../types.js';

/** The family of the fonts in {@link bundledFontsDir}. */
export const BUNDLED_FONT_FAMILY = 'Source Sans 3';

/** Bold white words with a black outline, the spoken word in yellow, at 70 % of the height. */
export const DEFAULT_CAPTION_STYLE: Readonly<CaptionStyle> = Object.freeze({
  font: BUNDLED_FONT_FAMILY,
  size: 0.048,
  color: '#FFFFFF',
  highlightColor: '#FFE600',
  outlineColor: '#000000',
  outline: 0.1,
  bold: true,
  uppercase: false,
  position: 0.7,
  maxWords: 3,
});

let bundledDir: string | null | undefined;

/** The folder of the Source Sans 3 TTF files (npm `source-sans`), or undefined when not installed. */
export function bundledFontsDir(): string | undefined {
  if (bundledDir === undefined) {
    try {
      const require = createRequire(import.meta.url);
      const dir = join(dirname(require.resolve('source-sans/package.json')), 'TTF');
      bundledDir = statSync(join(dir, 'SourceSans3-Bold.ttf')).isFile() ? dir : null;
    } catch {
      bundledDir = null;
    }
  }
  return bundledDir ?? undefined;
}

const FONT_FILE = /\.(ttf|otf)$/i;

/** True when a style's `font` names a font file rather than a family. */
export function isFontFile(font: string): boolean {
  return FONT_FILE.test(font);
}

/**
 * The family name libass matches a font file by (name table, ID 1, Windows English first), or
 * undefined when the file is not a TrueType/OpenType font.
 */
export function fontFamilyOfFile(path: string): string | undefined {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch {
    return undefined;
  }
  if (data.length < 12) return undefined;
  const version = data.readUInt32BE(0);
  if (version !== 0x00010000 && version !== 0x4f54544f /* OTTO */ && version !== 0x74727565 /* true */) return undefined;
  const tables = data.readUInt16BE(4);
  let nameOffset = -1;
  for (let i = 0; i < tables; i++) {
    const record = 12 + i * 16;
    if (record + 16 > data.length) return undefined;
    if (data.toString('latin1', record, record + 4) === 'name') nameOffset = data.readUInt32BE(record + 8);
  }
  if (nameOffset < 0 || nameOffset + 6 > data.length) return undefined;
  const count = data.readUInt16BE(nameOffset + 2);
  const strings = nameOffset + data.readUInt16BE(nameOffset + 4);
  let best: { rank: number; name: string } | undefined;
  for (let i = 0; i < count; i++) {
    const r = nameOffset + 6 + i * 12;
    if (r + 12 > data.length) break;
    const platform = data.readUInt16BE(r);
    const language = data.readUInt16BE(r + 4);
    const nameId = data.readUInt16BE(r + 6);
    const length = data.readUInt16BE(r + 8);
    const offset = strings + data.readUInt16BE(r + 10);
    if (nameId !== 1 || offset + length > data.length) continue;
    let name: string;
    let rank: number;
    if (platform === 3 || platform === 0) {
      const bytes = Buffer.from(data.subarray(offset, offset + length));
      name = bytes.swap16().toString('utf16le');
      rank = platform === 3 && language === 0x409 ? 0 : 1;
    } else if (platform === 1) {
      name = data.toString('latin1', offset, offset + length);
      rank = 2;
    } else continue;
    if (name.trim() && (!best || rank < best.rank)) best = { rank, name: name.trim() };
  }
  return best?.name;
}

/** What to write as the ASS font name, and the folder to give libass as `fontsdir`. */
export function captionFont(style: Pick<CaptionStyle, 'font'>): { family: string; fontsDir?: string } {
  if (isFontFile(style.font)) {
    const family = fontFamilyOfFile(style.font);
    if (!family)
      throw new ExportIaError('EIA_VIDEO_CAPTION_STYLE_INVALID', { file: style.font, detail: '`font` is not a readable TrueType/OpenType font file' });
    return { family, fontsDir: dirname(style.font) };
  }
  const fontsDir = bundledFontsDir();
  return fontsDir ? { family: style.font, fontsDir } : { family: style.font };
}

const COLOR = /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/;

type Check = (value: unknown) => string | undefined;

const number =
  (min: number, max: number, what: string): Check =>
  (value) =>
    typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? undefined : `must be a number from ${min} to ${max} (${what})`;

const CHECKS: Record<keyof CaptionStyle, Check> = {
  font: (value) =>
    typeof value === 'string' && value.trim() !== '' && !/[,\r\n{}]/.test(value)
      ? undefined
      : 'must be a font family name (no commas) or the path of a .ttf/.otf file',
  size: number(0.01, 0.2, 'a fraction of the video height: 0.048 is 4.8 %'),
  color: (value) => (typeof value === 'string' && COLOR.test(value) ? undefined : 'must be a colour #RRGGBB or #RRGGBBAA'),
  highlightColor: (value) => (typeof value === 'string' && COLOR.test(value) ? undefined : 'must be a colour #RRGGBB or #RRGGBBAA'),
  outlineColor: (value) => (typeof value === 'string' && COLOR.test(value) ? undefined : 'must be a colour #RRGGBB or #RRGGBBAA'),
  outline: number(0, 0.5, 'a fraction of the font size: 0.1 is a tenth'),
  bold: (value) => (typeof value === 'boolean' ? undefined : 'must be true or false'),
  uppercase: (value) => (typeof value === 'boolean' ? undefined : 'must be true or false'),
  position: number(0, 1, "the caption's vertical centre as a fraction of the height, 0 = top"),
  maxWords: (value) => (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 4 ? undefined : 'must be a whole number from 1 to 4'),
};

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Checks a parsed style (all keys optional, unknown keys refused) and fills in the defaults.
 * `file` names the source in messages; a relative font path resolves against `baseDir`.
 */
export function validateCaptionStyle(input: unknown, file: string, baseDir = process.cwd()): CaptionStyle {
  const fail = (detail: string): never => {
    throw new ExportIaError('EIA_VIDEO_CAPTION_STYLE_INVALID', { file, detail });
  };
  if (input === null || typeof input !== 'object' || Array.isArray(input)) fail('the file must hold a mapping of keys (font, size, color…)');
  const style: CaptionStyle = { ...DEFAULT_CAPTION_STYLE };
  const known = Object.keys(CHECKS).join(', ');
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (!Object.hasOwn(CHECKS, key)) fail(`unknown key \`${key}\` (known keys: ${known})`);
    const problem = CHECKS[key as keyof CaptionStyle](value);
    if (problem) fail(`\`${key}\` ${problem}, got ${show(value)}`);
    (style as unknown as Record<string, unknown>)[key] = value;
  }
  if (isFontFile(style.font)) {
    const path = isAbsolute(style.font) ? style.font : resolve(baseDir, style.font);
    if (!fontFamilyOfFile(path)) fail(`\`font\` ${show(style.font)} is not a readable TrueType/OpenType font file (looked at ${path})`);
    style.font = path;
  }
  return style;
}

/** Reads a caption style file (YAML or JSON); font paths in it are relative to its folder. */
export function loadCaptionStyle(path: string): CaptionStyle {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ExportIaError('EIA_VIDEO_CAPTION_STYLE_INVALID', {
      file: path,
      detail: code === 'ENOENT' ? 'the file does not exist' : `cannot be read (${code ?? String(error)})`,
    });
  }
  let data: unknown;
  try {
    data = parse(text, { uniqueKeys: true, maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw new ExportIaError('EIA_VIDEO_CAPTION_STYLE_INVALID', {
      file: path,
      detail: `not valid YAML or JSON: ${String((error as Error).message).split('\n')[0]}`,
    });
  }
  return validateCaptionStyle(data, path, dirname(file));
}

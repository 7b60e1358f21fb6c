import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isExportIaError } from '@export-ia/core';
import { afterAll, describe, expect, it } from 'vitest';
import { toAss } from './ass.js';
import { BUNDLED_FONT_FAMILY, bundledFontsDir, captionFont, DEFAULT_CAPTION_STYLE, fontFamilyOfFile, loadCaptionStyle, validateCaptionStyle } from './style.js';

const dir = mkdtempSync(join(tmpdir(), 'eia-caption-style-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(isExportIaError(error) && error.code).toBe('EIA_VIDEO_CAPTION_STYLE_INVALID');
    return (error as Error).message;
  }
  throw new Error('expected a caption style error');
}

describe('DEFAULT_CAPTION_STYLE', () => {
  it('is bold white on a black outline, yellow highlight, about 5 % high at 70 %', () => {
    expect(DEFAULT_CAPTION_STYLE).toMatchObject({ color: '#FFFFFF', outlineColor: '#000000', bold: true, position: 0.7, maxWords: 3 });
    expect(DEFAULT_CAPTION_STYLE.size).toBeGreaterThanOrEqual(0.045);
    expect(DEFAULT_CAPTION_STYLE.size).toBeLessThanOrEqual(0.05);
    expect(validateCaptionStyle({}, 'x')).toEqual(DEFAULT_CAPTION_STYLE);
  });

  it('uses a font shipped with the install', () => {
    const fonts = bundledFontsDir();
    expect(fonts).toBeDefined();
    expect(fontFamilyOfFile(join(fonts ?? '', 'SourceSans3-Bold.ttf'))).toBe(BUNDLED_FONT_FAMILY);
    expect(captionFont(DEFAULT_CAPTION_STYLE)).toEqual({ family: BUNDLED_FONT_FAMILY, fontsDir: fonts });
  });
});

describe('loadCaptionStyle', () => {
  it('reads YAML and JSON, filling in defaults', () => {
    const yaml = write(
      'brand.yaml',
      'font: DejaVu Sans\nsize: 0.06\ncolor: "#FFEEDD"\nhighlightColor: "#00FF0080"\nuppercase: true\nposition: 0.6\nmaxWords: 2\n',
    );
    expect(loadCaptionStyle(yaml)).toEqual({
      ...DEFAULT_CAPTION_STYLE,
      font: 'DejaVu Sans',
      size: 0.06,
      color: '#FFEEDD',
      highlightColor: '#00FF0080',
      uppercase: true,
      position: 0.6,
      maxWords: 2,
    });
    const json = write('brand.json', JSON.stringify({ outline: 0.2, bold: false }));
    expect(loadCaptionStyle(json)).toEqual({ ...DEFAULT_CAPTION_STYLE, outline: 0.2, bold: false });
    expect(loadCaptionStyle(write('empty.yaml', ''))).toEqual(DEFAULT_CAPTION_STYLE);
  });

  it('takes a font file relative to the style file; its folder becomes fontsdir', () => {
    const fonts = join(dir, 'brand fonts');
    mkdirSync(fonts);
    copyFileSync(join(bundledFontsDir() ?? '', 'SourceSans3-Black.ttf'), join(fonts, 'Brand.ttf'));
    const style = loadCaptionStyle(write('font.yaml', 'font: "brand fonts/Brand.ttf"\n'));
    expect(style.font).toBe(join(fonts, 'Brand.ttf'));
    expect(captionFont(style)).toEqual({ family: 'Source Sans 3 Black', fontsDir: fonts });
    expect(toAss([], { width: 360, height: 640, style, mode: 'plain' })).toContain('Style: Caption,Source Sans 3 Black,');
  });

  it('names the key and the problem', () => {
    const cases: Array<[string, RegExp]> = [
      ['size: 45\n', /`size` must be a number from 0\.01 to 0\.2 .*got 45/],
      ['size: "big"\n', /`size` must be a number/],
      ['color: red\n', /`color` must be a colour #RRGGBB or #RRGGBBAA, got "red"/],
      ['highlightColor: "#12345"\n', /`highlightColor` must be a colour/],
      ['outline: -1\n', /`outline` must be a number from 0 to 0\.5/],
      ['bold: yes please\n', /`bold` must be true or false/],
      ['position: 1.5\n', /`position` must be a number from 0 to 1/],
      ['maxWords: 6\n', /`maxWords` must be a whole number from 1 to 4/],
      ['maxWords: 2.5\n', /`maxWords` must be a whole number/],
      ['font: "Arial, Bold"\n', /`font` must be a font family name \(no commas\)/],
      ['font: missing.ttf\n', /`font` "missing\.ttf" is not a readable TrueType\/OpenType font file/],
      ['fontSize: 0.05\n', /unknown key `fontSize` \(known keys: font, size, color/],
      ['- a\n- b\n', /must hold a mapping/],
      ['size: [\n', /not valid YAML or JSON/],
      ['size: 0.05\nsize: 0.06\n', /not valid YAML or JSON/],
    ];
    for (const [text, message] of cases) {
      const path = write('bad.yaml', text);
      const error = failure(() => loadCaptionStyle(path));
      expect(error, text).toMatch(message);
      expect(error).toContain('bad.yaml');
    }
    expect(failure(() => loadCaptionStyle(join(dir, 'nope.yaml')))).toMatch(/does not exist/);
    const notFont = write('fake.ttf', 'not a font');
    expect(failure(() => validateCaptionStyle({ font: notFont }, 'inline'))).toMatch(/not a readable TrueType/);
  });
});

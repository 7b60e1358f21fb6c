import { describe, expect, it } from 'vitest';
import { assColor, assFilter, assTime, captionCenterY, captionMaxChars, escapeAssText, toAss } from './ass.js';
import type { CaptionLine } from './lines.js';
import { BUNDLED_FONT_FAMILY, DEFAULT_CAPTION_STYLE } from './style.js';

const lines: CaptionLine[] = [
  {
    start: 0.5,
    end: 1.6,
    words: [
      { text: 'Hello', start: 0.5, end: 0.8 },
      { text: 'big', start: 0.9, end: 1.1 },
      { text: 'world', start: 1.2, end: 1.5 },
    ],
  },
  { start: 1.6, end: 2.4, words: [{ text: 'again', start: 1.6, end: 2.1 }] },
];

function sections(ass: string): string[] {
  return ass.split('\n').filter((l) => /^\[.+\]$/.test(l));
}

function dialogues(ass: string): string[] {
  return ass.split('\n').filter((l) => l.startsWith('Dialogue:'));
}

describe('assColor', () => {
  it('turns #RRGGBB(AA) into &HAABBGGRR with inverted alpha', () => {
    expect(assColor('#FFFFFF')).toBe('&H00FFFFFF');
    expect(assColor('#FFE600')).toBe('&H0000E6FF');
    expect(assColor('#112233')).toBe('&H00332211');
    expect(assColor('#11223380')).toBe('&H7F332211');
    expect(assColor('#00000000')).toBe('&HFF000000');
    expect(() => assColor('red')).toThrow(TypeError);
  });
});

describe('escapeAssText', () => {
  it('keeps braces, backslash sequences and newlines literal', () => {
    expect(escapeAssText('a{b}c')).toBe('a\\{b\\}c');
    expect(escapeAssText('C:\\New')).toBe('C:\\\u2060New');
    expect(escapeAssText('two\nlines\r\n here')).toBe('two lines here');
    expect(escapeAssText('{\\pos(0,0)}')).not.toMatch(/(^|[^\\])\{\\pos/);
  });
});

describe('assTime', () => {
  it('writes H:MM:SS.cc', () => {
    expect(assTime(0)).toBe('0:00:00.00');
    expect(assTime(61.234)).toBe('0:01:01.23');
    expect(assTime(3725.999)).toBe('1:02:06.00');
  });
});

describe('toAss', () => {
  const style = { ...DEFAULT_CAPTION_STYLE };

  it('has the three sections, the output size and a style from CaptionStyle', () => {
    const ass = toAss(lines, { width: 360, height: 640, style, mode: 'plain' });
    expect(sections(ass)).toEqual(['[Script Info]', '[V4+ Styles]', '[Events]']);
    expect(ass).toContain('PlayResX: 360\nPlayResY: 640\n');
    expect(ass).toContain('WrapStyle: 0');
    expect(ass).toContain('ScaledBorderAndShadow: yes');
    const styleLine = ass.split('\n').find((l) => l.startsWith('Style:')) ?? '';
    const fields = styleLine.slice('Style: '.length).split(',');
    const format = (ass.split('\n').find((l) => l.startsWith('Format: Name')) ?? '').slice('Format: '.length).split(', ');
    expect(fields).toHaveLength(format.length);
    const field = (name: string) => fields[format.indexOf(name)];
    expect(field('Fontname')).toBe(BUNDLED_FONT_FAMILY);
    expect(field('Fontsize')).toBe(String(Math.round(0.048 * 640)));
    expect(field('PrimaryColour')).toBe('&H00FFFFFF');
    expect(field('SecondaryColour')).toBe('&H0000E6FF');
    expect(field('OutlineColour')).toBe('&H00000000');
    expect(field('Bold')).toBe('-1');
    expect(field('Outline')).toBe('3.1');
    expect(field('Alignment')).toBe('5');
  });

  it('plain: one event per line, centred at the style position', () => {
    const ass = toAss(lines, { width: 360, height: 640, style, mode: 'plain' });
    expect(dialogues(ass)).toEqual([
      'Dialogue: 0,0:00:00.50,0:00:01.60,Caption,,0,0,0,,{\\an5\\pos(180,448)}Hello big world',
      'Dialogue: 0,0:00:01.60,0:00:02.40,Caption,,0,0,0,,{\\an5\\pos(180,448)}again',
    ]);
  });

  it('karaoke: one event per word slice, the current word coloured, slices back to back', () => {
    const ass = toAss(lines, { width: 360, height: 640, style: { ...style, uppercase: true }, mode: 'karaoke' });
    const on = '{\\1c&H00E6FF&\\1a&H00&}';
    const off = '{\\1c&HFFFFFF&\\1a&H00&}';
    expect(dialogues(ass)).toEqual([
      `Dialogue: 0,0:00:00.50,0:00:00.90,Caption,,0,0,0,,{\\an5\\pos(180,448)}${on}HELLO${off} BIG WORLD`,
      `Dialogue: 0,0:00:00.90,0:00:01.20,Caption,,0,0,0,,{\\an5\\pos(180,448)}HELLO ${on}BIG${off} WORLD`,
      `Dialogue: 0,0:00:01.20,0:00:01.60,Caption,,0,0,0,,{\\an5\\pos(180,448)}HELLO BIG ${on}WORLD${off}`,
      `Dialogue: 0,0:00:01.60,0:00:02.40,Caption,,0,0,0,,{\\an5\\pos(180,448)}${on}AGAIN${off}`,
    ]);
  });

  it('escapes word text in events', () => {
    const ass = toAss([{ start: 0, end: 1, words: [{ text: '{\\b1}bold?', start: 0, end: 1 }] }], { width: 360, height: 640, style, mode: 'plain' });
    expect(dialogues(ass)[0]).toMatch(/}\\\{\\\u2060b1\\\}bold\?$/);
  });

  it('keeps captions inside the vertical safe area', () => {
    // Asked for the very bottom: the two-line block ends at 80 % of the height.
    const low = captionCenterY({ ...style, position: 0.97 }, 640, { top: 0.1, bottom: 0.2, side: 0.1 });
    const fontPx = 0.048 * 640;
    expect(low + fontPx * 1.2 + 0.1 * fontPx).toBeCloseTo(0.8 * 640, 6);
    const high = captionCenterY({ ...style, position: 0 }, 640, { top: 0.1, bottom: 0.2, side: 0.1 });
    expect(high - fontPx * 1.2 - 0.1 * fontPx).toBeCloseTo(0.1 * 640, 6);
    expect(captionCenterY(style, 640, { top: 0.1, bottom: 0.2, side: 0.1 })).toBeCloseTo(0.7 * 640, 6);
    const ass = toAss(lines, { width: 360, height: 640, style: { ...style, position: 0.95 }, mode: 'plain' });
    expect(ass).toContain(`\\pos(180,${Math.round(low)})`);
    const free = toAss(lines, { width: 360, height: 640, style: { ...style, position: 0.95 }, mode: 'plain', safeArea: false });
    expect(free).toContain(`\\pos(180,${Math.round(0.95 * 640)})`);
  });

  it('estimates the characters a line can hold', () => {
    expect(captionMaxChars(style, 360, 640)).toBeGreaterThanOrEqual(14);
    expect(captionMaxChars(style, 360, 640)).toBeLessThanOrEqual(22);
    expect(captionMaxChars({ ...style, uppercase: true }, 360, 640)).toBeLessThan(captionMaxChars(style, 360, 640));
  });
});

describe('assFilter', () => {
  it('escapes both paths for the filter graph', () => {
    expect(assFilter('/tmp/a.ass')).toBe('ass=filename=/tmp/a.ass');
    expect(assFilter("/tmp/it's: a, [b].ass", '/f d/x')).toBe("ass=filename=/tmp/it\\\\\\'s\\\\: a\\, \\[b\\].ass:fontsdir=/f d/x");
  });
});

describe('caption text', () => {
  it('has no control characters (a NUL would end the script for libass)', () => {
    expect(escapeAssText('hel\u0000lo\u0007 world\u001b')).toBe('hel lo world ');
  });
});

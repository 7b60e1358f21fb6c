import { describe, expect, it } from 'vitest';
import { contrastRatio, parseColor, themeContrast, toHex } from '../src/contrast.js';

const ratio = (a: string, b: string) => {
  const x = parseColor(a);
  const y = parseColor(b);
  if (!x || !y) throw new Error(`bad colour ${a} ${b}`);
  return Math.round(contrastRatio(x, y) * 100) / 100;
};

describe('WCAG 2.1 contrast ratio', () => {
  it('gives the reference values', () => {
    expect(ratio('#000000', '#ffffff')).toBe(21);
    expect(ratio('#ffffff', '#ffffff')).toBe(1);
    // The classic borderline greys: #767676 passes AA on white, #777777 does not.
    expect(ratio('#767676', '#ffffff')).toBe(4.54);
    expect(ratio('#777777', '#ffffff')).toBe(4.48);
  });

  it('reads the colour syntaxes the exporter and theme CSS use', () => {
    expect(parseColor('#abc')).toEqual([170, 187, 204, 1]);
    expect(parseColor('rgb(0 128 255 / 50%)')).toEqual([0, 128, 255, 0.5]);
    expect(parseColor('rgba(0, 0, 0, 0.08)')).toEqual([0, 0, 0, 0.08]);
    expect(toHex(parseColor('color-mix(in srgb, #000000 50%, white)') ?? [0, 0, 0, 0])).toBe('#808080');
    expect(toHex(parseColor('var(--x, #123456)') ?? [0, 0, 0, 0])).toBe('#123456');
    expect(
      toHex(
        parseColor(
          'var(--x)',
          new Map([
            ['--x', 'var(--y)'],
            ['--y', '#654321'],
          ]),
        ) ?? [0, 0, 0, 0],
      ),
    ).toBe('#654321');
    expect(parseColor('currentColor')).toBeUndefined();
  });
});

describe('theme pairs from the exporter CSS', () => {
  const css = (
    overrides = '',
  ) => `:root { --text: #1f2328; --heading: #0b2e4f; --link: #0b5cad; --muted: #57606a; --bg: #ffffff; --code-bg: #f6f8fa; --th-bg: #eaf1fb; --th-text: #0b2e4f; --stripe: #f8fafc; }
body { color: var(--text); font-size: 16.0px; }
.page { background: var(--bg); box-shadow: 0 1px 3px rgb(0 0 0 / 8%); }
h1, h2, h3, h4, h5, h6 { font-weight: 700; color: var(--heading); }
h1 { font-size: 2.000em; } h2 { font-size: 1.500em; } h3 { font-size: 1.100em; } h4 { font-size: 1.000em; } h5 { font-size: 1.000em; } h6 { font-size: 1.000em; color: var(--muted); }
a { color: var(--link); }
th { background: var(--th-bg); color: var(--th-text); }
@media print { body { color: #000000; } }
${overrides}`;

  it('measures body text, headings by size, links and table headers', () => {
    const pairs = themeContrast(css());
    const names = pairs.map((p) => p.pair);
    expect(names).toEqual(
      expect.arrayContaining(['body text', 'headings, levels 1–2 (large text)', 'headings, levels 3–5', 'headings, level 6', 'links', 'table header']),
    );
    expect(pairs.find((p) => p.pair === 'headings, levels 1–2 (large text)')).toMatchObject({ required: 3, large: true });
    expect(pairs.find((p) => p.pair === 'body text')).toMatchObject({
      foreground: '#1f2328',
      background: '#ffffff',
      ok: true,
      themeKeys: ['colors.text', 'colors.background'],
    });
    // Print rules are not the screen's (and print uses the same theme colours anyway).
    expect(pairs.every((p) => p.ok)).toBe(true);
  });

  it('follows later rules and custom property overrides (theme `css`)', () => {
    const pairs = themeContrast(css(':root { --text: #999999; }\na { color: #bbbbbb; }'));
    expect(pairs.find((p) => p.pair === 'body text')).toMatchObject({ foreground: '#999999', ratio: 2.85, ok: false });
    expect(pairs.find((p) => p.pair === 'links')).toMatchObject({ foreground: '#bbbbbb', ok: false });
  });

  it('composites translucent text over its background', () => {
    const pairs = themeContrast(css('body { color: rgb(0 0 0 / 30%); }'));
    // 30% black over white is #b3b3b3.
    expect(pairs.find((p) => p.pair === 'body text')).toMatchObject({ foreground: '#b3b3b3', ok: false });
  });
});

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTheme, resolveAssetPath } from './theme-loader.js';

const dir = mkdtempSync(join(tmpdir(), 'eia-themes-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const lookup = (files: Record<string, string>) => ({ fileOf: (id: string) => files[id], ids: () => Object.keys(files) });

describe('themes', () => {
  it('fills every key from the base and follows extends, child keys winning', () => {
    const parent = file(
      'parent.yaml',
      'id: parent\nname: Parent\ncolors: { accent: "#112233", link: "#445566" }\nfooter: { left: "{author}", right: "{page}" }\n',
    );
    const child = file('child.yaml', 'id: child\nextends: parent\ncolors: { accent: "#abcdef" }\nfooter: { center: "{page} of {pages}" }\n');
    const theme = loadTheme('child', lookup({ parent, child }));
    expect(theme.id).toBe('child');
    expect(theme.colors.accent).toBe('#abcdef');
    expect(theme.colors.link).toBe('#445566');
    expect(theme.page.size).toBe('a4');
    // A footer is one design: the child's replaces the parent's slots entirely.
    expect(theme.footer).toMatchObject({ center: '{page} of {pages}' });
    expect(theme.footer.left).toBeUndefined();
    expect(theme.sources).toEqual([child, parent]);
  });

  it('keeps the parent header slots when a child sets only firstPage', () => {
    const parent = file('hp.yaml', 'id: hp\nheader: { left: "{title}", right: "{date}" }\n');
    const child = file('hc.yaml', 'id: hc\nextends: hp\nheader: { firstPage: true }\n');
    expect(loadTheme('hc', lookup({ hp: parent, hc: child })).header).toEqual({ left: '{title}', right: '{date}', firstPage: true });
  });

  it('loads a theme by file path, relative to the working directory', () => {
    file('mine.json', JSON.stringify({ id: 'mine', text: { justify: true } }));
    expect(loadTheme('mine.json', lookup({}), dir).text.justify).toBe(true);
  });

  it('refuses unknown themes, invalid values, unknown keys and extends cycles with coded errors', () => {
    expect(() => loadTheme('nope', lookup({ a: 'x' }))).toThrow(expect.objectContaining({ code: 'EIA_UNKNOWN_THEME', hint: expect.stringContaining('a') }));
    const bad = file('bad.yaml', 'id: bad\ncolors: { accent: "red" }\n');
    expect(() => loadTheme(bad, lookup({}))).toThrow(expect.objectContaining({ code: 'EIA_THEME_INVALID', message: expect.stringContaining('colors.accent') }));
    const extra = file('extra.yaml', 'id: extra\nfonts: { bodyy: {} }\n');
    expect(() => loadTheme(extra, lookup({}))).toThrow(/unknown key "bodyy"/);
    const a = file('a.yaml', 'id: a\nextends: b\n');
    const b = file('b.yaml', 'id: b\nextends: a\n');
    expect(() => loadTheme('a', lookup({ a, b }))).toThrow(/cycle/);
    const missingFont = file('mf.yaml', 'id: mf\nfonts: { files: ["npm:no-such-package/font.otf"] }\n');
    expect(() => loadTheme(missingFont, lookup({}))).toThrow(/font file "npm:no-such-package\/font.otf" not found/);
  });

  it('resolves npm: paths through node_modules folders above the theme', () => {
    const pkg = join(dir, 'node_modules', 'fake-fonts');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'a.otf'), 'x');
    mkdirSync(join(dir, 'deep', 'er'), { recursive: true });
    expect(resolveAssetPath('npm:fake-fonts/a.otf', join(dir, 'deep', 'er'))).toBe(join(pkg, 'a.otf'));
    expect(resolveAssetPath('npm:fake-fonts/missing.otf', dir)).toBeUndefined();
  });

  it('checks the logo is an image by content', () => {
    writeFileSync(join(dir, 'logo.png'), 'not really a png');
    const t = file('logo.yaml', 'id: logo\nlogo: logo.png\n');
    expect(() => loadTheme(t, lookup({}))).toThrow(/not a PNG, JPEG, GIF, WebP or SVG/);
  });
});

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interpretFrontMatter } from '../model/front-matter.js';
import { findConfigFile, loadConfigFile } from './config-file.js';
import { checkSettingsLayer, DEFAULT_LIMITS, mergeSettings, settingsFromEnv } from './settings.js';

describe('settings layers', () => {
  it('apply flags > environment > config file > front matter', () => {
    const flags = { theme: 'report' };
    const env = settingsFromEnv({ EXPORT_IA_THEME: 'academic', EXPORT_IA_TOC: 'true', EXPORT_IA_LANG: 'fr' });
    const file = checkSettingsLayer({ theme: 'default', toc: false, lang: 'de', pdfStandard: 'a-2b', metadata: { author: 'File Author' } }, 'test');
    const front = interpretFrontMatter({ theme: 'x-front', toc: false, 'pdf-standard': 'ua-1', title: 'T' }, 'doc.md').settings;
    const s = mergeSettings(flags, env, file, front);
    expect(s.theme).toBe('report');
    expect(s.toc).toBe(true);
    expect(s.lang).toBe('fr');
    expect(s.pdfStandard).toBe('a-2b');
    expect(s.metadata).toEqual({ author: 'File Author' });
    expect(mergeSettings({}, {}, {}, front).pdfStandard).toBe('ua-1');
  });

  it('merges limits and metadata key by key', () => {
    const s = mergeSettings({ limits: { maxNesting: 10 }, metadata: { title: 'A' } }, { limits: { maxInputBytes: 5 }, metadata: { title: 'B', author: 'C' } });
    expect(s.limits).toEqual({ ...DEFAULT_LIMITS, maxNesting: 10, maxInputBytes: 5 });
    expect(s.metadata).toEqual({ title: 'A', author: 'C' });
  });

  it('reads environment variables and refuses bad values with a coded error', () => {
    expect(settingsFromEnv({ EXPORT_IA_TO: 'pdf, html', EXPORT_IA_ALLOW_REMOTE: 'no' })).toEqual({ to: ['pdf', 'html'], allowRemote: false });
    expect(() => settingsFromEnv({ EXPORT_IA_TOC: 'maybe' })).toThrow(expect.objectContaining({ code: 'EIA_CONFIG_INVALID' }));
    expect(() => settingsFromEnv({ EXPORT_IA_PDF_STANDARD: 'a-9z' })).toThrow(/pdfStandard must be one of a-2b, a-3u, ua-1/);
  });

  it('refuses unknown keys and wrong types, naming them', () => {
    expect(() => checkSettingsLayer({ thme: 'x' }, 'export-ia.config.yaml')).toThrow(/unknown key "thme"/);
    expect(() => checkSettingsLayer({ toc: 'yes' }, 'f')).toThrow(/toc must be boolean/);
    expect(() => checkSettingsLayer({ limits: { maxNesting: -1 } }, 'f')).toThrow(/limits\.maxNesting/);
  });
});

describe('config file', () => {
  it('is found by searching upward from the working directory', () => {
    const root = mkdtempSync(join(tmpdir(), 'eia-cfg-'));
    const deep = join(root, 'a', 'b', 'c');
    mkdirSync(deep, { recursive: true });
    expect(findConfigFile(deep)).toBeUndefined();
    writeFileSync(join(root, 'a', 'export-ia.config.yaml'), 'theme: report\nresourcePaths: [assets]\nplugins: [./plugins/mine]\n');
    const found = findConfigFile(deep);
    expect(found).toBe(join(root, 'a', 'export-ia.config.yaml'));
    const cfg = loadConfigFile(found as string);
    expect(cfg.layer.theme).toBe('report');
    expect(cfg.layer.resourcePaths).toEqual([join(root, 'a', 'assets')]);
    expect(cfg.plugins).toEqual([join(root, 'a', 'plugins', 'mine')]);
  });

  it('reports YAML syntax errors with a line, and schema errors with the key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eia-cfg-'));
    writeFileSync(join(dir, 'export-ia.config.yaml'), 'theme: report\n  bad: [indent\n');
    expect(() => loadConfigFile(join(dir, 'export-ia.config.yaml'))).toThrow(
      expect.objectContaining({ code: 'EIA_CONFIG_PARSE', message: expect.stringMatching(/line \d+/) }),
    );
    writeFileSync(join(dir, 'export-ia.config.yaml'), 'to: pdf\n');
    expect(() => loadConfigFile(join(dir, 'export-ia.config.yaml'))).toThrow(expect.objectContaining({ code: 'EIA_CONFIG_INVALID' }));
    writeFileSync(join(dir, 'export-ia.config.yaml'), '- just\n- a list\n');
    expect(() => loadConfigFile(join(dir, 'export-ia.config.yaml'))).toThrow(/mapping/);
  });
});

describe('front matter', () => {
  it('normalises metadata and warns about unknown keys with a suggestion', () => {
    const r = interpretFrontMatter({ title: ' T ', author: [{ name: 'A' }, 'B'], keywords: 'x, y', lang: 'es', autor: 'typo', date: '2026-01-02' }, 'd.md');
    expect(r.meta).toMatchObject({ title: 'T', author: ['A', 'B'], keywords: ['x', 'y'], lang: 'es', date: '2026-01-02' });
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'EIA_FRONT_MATTER_UNKNOWN_KEY', severity: 'warning' });
    expect(r.diagnostics[0]?.message).toContain('did you mean "author"');
    expect(r.meta.extra.autor).toBe('typo');
  });

  it('ignores an invalid setting value with a warning instead of failing the document', () => {
    const r = interpretFrontMatter({ toc: 'perhaps', theme: 'report' }, 'd.md');
    expect(r.settings).toEqual({ theme: 'report' });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['EIA_FRONT_MATTER_VALUE']);
  });
});

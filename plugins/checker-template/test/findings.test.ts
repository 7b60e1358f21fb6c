import { describe, expect, it } from 'vitest';
import { analyze, fixture, neutral, read, sample, tempDoc } from './helpers.js';

describe('template/detected', () => {
  it('is one info finding without a position, carrying the type, confidence and theme', async () => {
    const { findings, template } = await analyze(sample('letter.md'));
    const detected = findings.filter((f) => f.rule === 'template/detected');
    expect(detected).toHaveLength(1);
    expect(detected[0]).toMatchObject({ severity: 'info', data: { type: 'letter', theme: 'default', confidence: template.confidence } });
    expect(detected[0]?.position).toBeUndefined();
    expect(detected[0]?.message).toMatch(/→ letter \(confidence \d+%; theme 'default'\)\.$/);
  });
});

describe('template/theme-mismatch', () => {
  it('suggests the report theme for a report exported with the default theme', async () => {
    const { findings } = await analyze(sample('report.md'), { settings: [{ theme: 'default' }] });
    const mismatch = findings.filter((f) => f.rule === 'template/theme-mismatch');
    expect(mismatch).toHaveLength(1);
    expect(mismatch[0]).toMatchObject({ severity: 'suggestion', data: { type: 'report', current: 'default', proposed: 'report' } });
    expect(mismatch[0]?.message).toMatch(/looks like a report \(\d+%\) but uses the 'default' theme; the 'report' theme suits it better\./);
    expect(mismatch[0]?.suggestion).toContain('--theme report');
  });

  it('says nothing when the theme already fits, or is not a built-in theme', async () => {
    for (const theme of ['report', './my-theme.yaml', 'corporate']) {
      const { findings } = await analyze(sample('report.md'), { settings: [{ theme }] });
      expect(findings.filter((f) => f.rule === 'template/theme-mismatch')).toEqual([]);
    }
    const letter = await analyze(sample('letter.md'));
    expect(letter.findings.filter((f) => f.rule === 'template/theme-mismatch')).toEqual([]);
  });

  it('needs the configured confidence', async () => {
    const file = neutral(sample('articulo.md'));
    const loose = await analyze(file, { settings: [{ theme: 'academic' }] });
    expect(loose.template.confidence).toBeLessThan(0.95);
    expect(loose.findings.filter((f) => f.rule === 'template/theme-mismatch')).toHaveLength(1);
    const strict = await analyze(file, { settings: [{ theme: 'academic' }], config: { minConfidence: 0.95 } });
    expect(strict.findings.filter((f) => f.rule === 'template/theme-mismatch')).toEqual([]);
  });

  it('points at the theme line of the front matter when there is one', async () => {
    const file = sample('letter.md');
    const { findings, template } = await analyze(file, { config: { themes: { letter: 'report' } } });
    expect(template.theme).toBe('report');
    const mismatch = findings.find((f) => f.rule === 'template/theme-mismatch');
    expect(mismatch?.position).toMatchObject({ line: 6, column: 1 });
    const at = mismatch?.position;
    expect(read(file).slice(at?.offset, at?.endOffset)).toBe('theme: default');
  });
});

describe('configuration', () => {
  it('maps types to configured themes', async () => {
    const { template } = await analyze(neutral(fixture('cv.md')), { config: { themes: { cv: 'academic' } } });
    expect(template).toMatchObject({ type: 'cv', theme: 'academic' });
  });

  it('proposes the fallback theme when the guess is weak', async () => {
    const file = tempDoc('The weather was mild.\n');
    const weak = await analyze(file, { config: { themes: { letter: 'report', memo: 'report', article: 'report' } } });
    expect(weak.template.confidence).toBeLessThan(0.5);
    expect(weak.template).toMatchObject({ theme: 'default', typeTheme: 'report' });
    const never = await analyze(file, { config: { themes: { letter: 'report', memo: 'report', article: 'report' }, fallbackBelow: 0 } });
    expect(never.template.theme).toBe('report');
  });

  it('restricts the candidate types', async () => {
    const { template } = await analyze(neutral(sample('letter.md')), { config: { types: ['report', 'article'] } });
    expect(template.type).toBe('article');
    expect(Object.keys(template.scores).sort()).toEqual(['article', 'report']);
  });

  it('rejects unknown keys and types', async () => {
    await expect(analyze(sample('letter.md'), { config: { theme: 'x' } })).rejects.toThrow();
    await expect(analyze(sample('letter.md'), { config: { types: ['poem'] } })).rejects.toThrow();
  });
});

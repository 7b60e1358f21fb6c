import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, fixtures, structureHost, tempMarkdown, where } from './helpers.js';

describe('configuration', () => {
  it('refuses an unknown rule id and names the closest one', async () => {
    await expect(structureHost({ rules: { 'heading-skp': 'off' } })).rejects.toMatchObject({
      code: 'EIA_CONFIG_INVALID',
      message: expect.stringContaining('unknown rule "heading-skp" (did you mean "heading-skip"?)'),
    });
    await expect(structureHost({ rules: { 'accessibility/heading-skip': 'off' } })).rejects.toMatchObject({ code: 'EIA_CONFIG_INVALID' });
    await expect(structureHost({ rules: { 'markdownlint/MD040': 'off' } })).rejects.toMatchObject({
      message: expect.stringContaining('markdownlint: { MD040: false }'),
    });
    await expect(structureHost({ rules: { 'totally-unrelated-name': 'off' } })).rejects.toMatchObject({
      message: expect.not.stringContaining('did you mean'),
    });
  });

  it('refuses values the schema does not allow', async () => {
    await expect(structureHost({ rules: { 'heading-skip': 'fatal' } })).rejects.toMatchObject({ code: 'EIA_PLUGIN_CONFIG_INVALID' });
    await expect(structureHost({ maxSentenceWords: 0 })).rejects.toMatchObject({ code: 'EIA_PLUGIN_CONFIG_INVALID' });
    await expect(structureHost({ unknownKey: true })).rejects.toMatchObject({ code: 'EIA_PLUGIN_CONFIG_INVALID' });
  });

  describe('levels and thresholds', async () => {
    const host = await structureHost({
      rules: { 'structure/missing-image': 'warning', 'long-sentence': 'off', 'accessibility/link-text': 'error', 'document-language': 'off' },
      maxParagraphWords: 20,
      maxAltLength: 10,
    });
    afterAll(() => host.close());

    it('changes severities, turns rules off and leaves them out of the metrics', async () => {
      const r = await analyze(host, join(fixtures, 'defects.md'));
      const found = where(r.findings);
      expect(found).not.toContain('structure/long-sentence@19');
      expect(found).not.toContain('accessibility/document-language@1');
      expect(r.findings.find((f) => f.rule === 'structure/missing-image')?.severity).toBe('warning');
      expect(r.findings.find((f) => f.rule === 'accessibility/link-text')?.severity).toBe('error');
      // maxAltLength 10: "Chart of the results" is now too long (minor).
      expect(r.metrics.accessibility).toEqual({ critical: 0, serious: 4, moderate: 1, minor: 1 });
      expect(found).toContain('structure/long-paragraph@19');
    });

    it('uses the configured alt text length', async () => {
      const r = await analyze(host, tempMarkdown('---\ntitle: T\nlang: en\n---\n\n![A photograph of the team](team.png)\n', { 'team.png': 'x' }));
      expect(where(r.findings)).toEqual(['accessibility/image-alt-long@6']);
      expect(r.findings[0]?.data).toMatchObject({ impact: 'minor', length: 24, max: 10 });
    });
  });
});

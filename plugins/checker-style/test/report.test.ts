import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closest } from '../src/closest.js';
import { check, EXAMPLES } from './helpers.js';

describe('acceptance on clean professional prose', () => {
  it('examples/documents/report.md: the default rules stay under 20 findings per 1,000 words', async () => {
    const c = await check({ file: join(EXAMPLES, 'report.md') });
    const { words, findings, per1000, byRule } = c.style;
    console.log(`report.md: ${findings} style findings in ${words} words = ${per1000} per 1,000 words`, byRule);
    expect(words).toBeGreaterThan(5000);
    expect(per1000).toBeLessThanOrEqual(20);
    expect(findings).toBe(c.findings.filter((f) => f.severity !== 'info').length);
  });

  it('report.md: every fix applies cleanly and a second run finds nothing left to fix', async () => {
    const first = await check({ file: join(EXAMPLES, 'report.md') });
    const again = await check(first.fixed);
    expect(again.findings.filter((f) => f.fix)).toEqual([]);
    // Prose got typographic apostrophes; code blocks kept their straight quotes.
    expect(first.fixed).toContain('the operator’s own metering data');
    expect(first.fixed).toContain("WHERE  status = 'operational'");
    expect(first.fixed).toContain('"asset_id": "VRM-FR-01"');
  });

  it('the Spanish and letter examples are clean too', async () => {
    for (const name of ['articulo.md', 'letter.md']) {
      const c = await check({ file: join(EXAMPLES, name) });
      expect(c.style.per1000, name).toBeLessThanOrEqual(20);
    }
  });
});

describe('closest', () => {
  it('prefers an id containing the word, else the smallest edit distance', () => {
    const ids = ['style/a-an', 'style/passive-voice', 'style/wordy'];
    expect(closest('passive', ids)).toBe('style/passive-voice');
    expect(closest('style/wrdy', ids)).toBe('style/wordy');
  });
});

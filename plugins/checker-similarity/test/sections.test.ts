import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Analysis, analyze, passages, tempDir, tempDoc, writeFiles } from './helpers.js';
import { Prose } from './prose.js';

const report = fileURLToPath(new URL('../../../examples/documents/report.md', import.meta.url));
const text = readFileSync(report, 'utf8');
/** Long paragraphs of report.md (prose only), to copy into corpus documents. */
const paragraphs = text.split('\n\n').filter((p) => p.split(' ').length > 40 && !/^(?:#|\||```|\[\^|>|-)/.test(p));
const prose = new Prose(7);

const seen = (a: Analysis) => a.findings.map((f) => ({ rule: f.rule, position: f.position, message: f.message, excerpt: f.excerpt, data: f.data }));

describe('a huge document analysed in sections', () => {
  it('reports report.md in 9 parts exactly as whole: passages, their document word indexes and containment, the metric', async () => {
    const dir = writeFiles(tempDir(), {
      'a.md': `# Notes\n\n${paragraphs[2]}\n\n${prose.document(80)}\n\n${paragraphs[30]}\n`,
      'b.md': `${paragraphs[5]}\n\n${paragraphs[20]}\n`,
      'c.md': prose.document(400),
      'broken.md': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]),
    });
    const whole = await analyze(report, { sources: [dir] });
    const parted = await analyze(report, { sources: [dir] }, 4000);
    expect(parted.sections).toBeGreaterThanOrEqual(5);
    expect(passages(whole).length).toBeGreaterThanOrEqual(3);
    expect(seen(parted)).toEqual(seen(whole));
    expect(parted.similarity).toEqual(whole.similarity);
    // The unreadable source once, not once per part.
    expect(parted.findings.filter((f) => f.rule === 'similarity/source-unreadable')).toHaveLength(1);
  });

  it("estimates a near-duplicate's Jaccard similarity from the whole document's phrases, those joining two parts included", async () => {
    // A lightly edited copy: many phrases shared, not all. In parts of 300 characters, 45
    // boundaries: leaving out the k-grams across them would change the estimate.
    const copy = text.replace(/\bstorage\b/g, 'storage capacity');
    const dir = writeFiles(tempDir(), { 'copy.md': copy, 'other.md': prose.document(300) });
    const whole = await analyze(report, { sources: [dir], nearDuplicate: 0.3 });
    const parted = await analyze(report, { sources: [dir], nearDuplicate: 0.3 }, 300);
    expect(parted.sections).toBeGreaterThanOrEqual(40);
    const near = (a: Analysis) => a.findings.filter((f) => f.rule === 'similarity/near-duplicate').map((f) => f.data?.jaccard);
    expect(near(whole)).toHaveLength(1);
    expect(near(parted)).toEqual(near(whole));
    expect(parted.similarity?.sources[0]?.jaccard).toBe(whole.similarity?.sources[0]?.jaccard);
  });

  it('splits a passage that runs across a heading where a part starts (documented): containment stays within 0.002', async () => {
    const dir = writeFiles(tempDir(), { 'copy.md': text });
    const whole = await analyze(report, { sources: [dir] });
    const parted = await analyze(report, { sources: [dir] }, 4000);
    expect(passages(parted).length).toBeGreaterThan(passages(whole).length);
    expect(Math.abs((parted.similarity?.maxContainment ?? 0) - (whole.similarity?.maxContainment ?? 0))).toBeLessThanOrEqual(0.002);
    expect(Math.abs((parted.similarity?.containment ?? 0) - (whole.similarity?.containment ?? 0))).toBeLessThanOrEqual(0.002);
    expect(parted.similarity?.words).toBe(whole.similarity?.words);
  });

  it('reports no-corpus once, and nothing without a corpus', async () => {
    const doc = tempDoc(`# A\n\n${prose.document(60)}\n\n# B\n\n${prose.document(60)}\n\n# C\n\n${prose.document(60)}\n`);
    const empty = await analyze(doc, { sources: [tempDir()] }, 200);
    expect(empty.sections).toBeGreaterThanOrEqual(3);
    expect(empty.findings.map((f) => f.rule)).toEqual(['similarity/no-corpus']);
    expect(empty.similarity).toBeUndefined();
    const none = await analyze(doc, undefined, 200);
    expect(none.findings).toEqual([]);
    expect(none.similarity).toBeUndefined();
  });
});

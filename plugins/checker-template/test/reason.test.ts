import { describe, expect, it } from 'vitest';
import { analyze, fixture, neutral, read, sample } from './helpers.js';

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

const documents = [
  sample('report.md'),
  sample('letter.md'),
  sample('articulo.md'),
  ...['cv.md', 'cv-fr.md', 'minutes.md', 'protokoll.md', 'manual.md', 'paper.md', 'readme.md', 'proposal.md', 'memo.md', 'carta.md', 'blog.md', 'news.md'].map(
    fixture,
  ),
];

describe('the reason names real features (confusion check)', () => {
  it.each(documents)('%s: every quoted item in the reason is in the document, every clause is evidence for the winner', async (file) => {
    const copy = neutral(file);
    const { template, findings } = await analyze(copy);
    const text = fold(read(copy));
    const [because, verdict] = template.reason.split(' → ');
    expect(verdict).toBeTruthy();

    // Quoted things (sections, fields, salutations, words, quotations) appear in the source.
    const quoted = [...(because ?? '').matchAll(/(?<=^|[\s(])'(.+?)'(?=[,\s)]|$)/g)].map((m) => (m[1] ?? '').replace(/…$/, ''));
    for (const q of quoted) expect(text, `"${q}" is not in ${file}`).toContain(fold(q).replace(/\.\.\.$/, ''));

    // Each clause is one of the winner's positive evidence labels, strongest first.
    const evidence = template.evidence[template.type] ?? [];
    const positive = evidence.filter((e) => e.points > 0).map((e) => e.label);
    for (const label of positive.slice(0, 4)) expect(because).toContain(label);
    // And nothing in the reason is evidence for a different type only.
    for (const [type, list] of Object.entries(template.evidence)) {
      if (type === template.type) continue;
      for (const e of list) if (!positive.includes(e.label) && e.label.length > 12) expect(because).not.toContain(e.label);
    }

    // The finding says the same thing; scores are a distribution whose top is the type.
    const detected = findings.find((f) => f.rule === 'template/detected');
    expect(detected?.message.startsWith(template.reason)).toBe(true);
    const total = Object.values(template.scores).reduce((s, x) => s + x, 0);
    expect(total).toBeCloseTo(1, 2);
    expect(template.confidence).toBe(Math.max(...Object.values(template.scores)));
    expect(template.scores[template.type]).toBe(template.confidence);
  });

  it('does not claim letter furniture a memo lacks, nor memo fields a letter lacks', async () => {
    const memo = await analyze(neutral(fixture('memo.md')));
    expect(memo.template.reason).not.toMatch(/salutation|closing|address/);
    expect(memo.template.features.salutation).toBeUndefined();
    const letter = await analyze(neutral(sample('letter.md')));
    expect(letter.template.reason).not.toMatch(/fields? '/);
    expect(letter.template.features.fields).toEqual([]);
  });

  it('the points are the sum of the evidence plus the prior', async () => {
    const { template } = await analyze(neutral(fixture('readme.md')));
    for (const [type, points] of Object.entries(template.points)) {
      const sum = (template.evidence[type] ?? []).reduce((s, e) => s + e.points, 0) + (type === 'article' ? 0.5 : 0);
      expect(points).toBeCloseTo(sum, 2);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { analyze, fixture, neutral, sample, tempDoc } from './helpers.js';

describe('the sample documents', () => {
  it('classifies report.md as a report and proposes the report theme', async () => {
    const { template } = await analyze(sample('report.md'));
    expect(template).toMatchObject({ type: 'report', theme: 'report' });
    expect(template.confidence).toBeGreaterThanOrEqual(0.9);
    expect(template.reason).toMatch(/'Executive summary'/);
    expect(template.reason).toMatch(/→ report$/);
  });

  it('still finds the report when the file name says nothing', async () => {
    const { template } = await analyze(neutral(sample('report.md')));
    expect(template.type).toBe('report');
    expect(template.confidence).toBeGreaterThanOrEqual(0.9);
    expect(template.reason).not.toMatch(/file name/);
  });

  it('classifies letter.md as a letter from its salutation, closing, date and addresses', async () => {
    const { template } = await analyze(neutral(sample('letter.md')));
    expect(template).toMatchObject({ type: 'letter', theme: 'default' });
    expect(template.confidence).toBeGreaterThanOrEqual(0.9);
    expect(template.features).toMatchObject({ salutation: 'Dear Mr Okafor,', closing: 'Yours sincerely', addresses: 2, dates: 1 });
    expect(template.reason).toMatch(/^salutation 'Dear Mr Okafor,', closing 'Yours sincerely', 2 addresses/);
  });

  it('classifies articulo.md (Spanish) as an article', async () => {
    const { template } = await analyze(neutral(sample('articulo.md')));
    expect(template).toMatchObject({ type: 'article', theme: 'default' });
    expect(template.confidence).toBeGreaterThanOrEqual(0.7);
    expect(template.reason).toMatch(/quotation «Un carril bici/);
  });
});

describe('hand-written documents of every type', () => {
  const cases: Array<[string, string, string]> = [
    ['cv.md', 'cv', 'default'],
    ['cv-fr.md', 'cv', 'default'],
    ['minutes.md', 'minutes', 'report'],
    ['protokoll.md', 'minutes', 'report'],
    ['manual.md', 'manual', 'report'],
    ['paper.md', 'paper', 'academic'],
    ['readme.md', 'readme', 'default'],
    ['proposal.md', 'proposal', 'report'],
    ['memo.md', 'memo', 'report'],
    ['carta.md', 'letter', 'default'],
    ['blog.md', 'article', 'default'],
    ['news.md', 'article', 'default'],
  ];
  it.each(cases)('%s is classified as %s (theme %s), clearly ahead of the runner-up', async (name, type, theme) => {
    const { template } = await analyze(neutral(fixture(name)));
    expect(template.type).toBe(type);
    expect(template.theme).toBe(theme);
    const runnerUp = Math.max(
      ...Object.entries(template.scores)
        .filter(([t]) => t !== type)
        .map(([, s]) => s),
    );
    expect(template.confidence).toBeGreaterThan(runnerUp);
    expect(template.confidence).toBeGreaterThanOrEqual(0.6);
  });

  it('names the academic sections that decided it', async () => {
    const { template } = await analyze(neutral(fixture('paper.md')));
    expect(template.features.sections).toEqual(expect.arrayContaining(['Abstract', 'References']));
    expect(template.reason).toMatch(/^sections 'Abstract', 'Related work' and 'References', \d+ citations like/);
  });

  it('reads a letter whose address lines are separate paragraphs (HTML, as from DOCX)', async () => {
    const html = [
      '<p>Northwind Energy Analytics</p><p>14 Harbour Street</p><p>Edinburgh EH6 6PU</p>',
      '<p>12 May 2026</p>',
      '<p>Dear Ms Chen,</p>',
      '<p>Thank you for your order of 4 May. I am pleased to confirm that the twelve data loggers will be shipped on Friday and should reach your Leeds office early next week.</p>',
      '<p>Kind regards,</p><p>Helen Marsh</p>',
    ].join('\n');
    const { template } = await analyze(tempDoc(`<!doctype html><html><body>${html}</body></html>`, '.html'));
    expect(template.type).toBe('letter');
    expect(template.features).toMatchObject({ addresses: 1, dates: 1, salutation: 'Dear Ms Chen,', closing: 'Kind regards' });
  });

  it('declared front-matter types win', async () => {
    const { template } = await analyze(tempDoc('---\ntype: memo\n---\n\n# Plans\n\nSome text about plans for the year.\n'));
    expect(template.type).toBe('memo');
    expect(template.reason).toMatch(/^declared type 'memo' in the front matter/);
  });

  it('is unsure about a text with nothing distinctive', async () => {
    const { template } = await analyze(tempDoc('The weather was mild.\n'));
    expect(template.confidence).toBeLessThan(0.7);
  });
});

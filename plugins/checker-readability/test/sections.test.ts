import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, documents, tempDoc } from './helpers.js';

/** Whole-document and sectioned analyses of the same file. */
async function both(file: string, sectionBytes: number, config?: Record<string, unknown>) {
  const whole = await analyze(file, config);
  const parts = await analyze(file, config, sectionBytes);
  return { whole, parts };
}

const easy = 'The cat sat on the mat. The dog ran in the sun. We had a good day out with our friends. ';

describe('documents analysed in sections', () => {
  it('gives the whole English report’s findings and metrics from 9 and from 24 parts', async () => {
    const file = join(documents, 'report.md');
    for (const bytes of [4000, 1000]) {
      const { whole, parts } = await both(file, bytes);
      expect(parts.sections).toBeGreaterThanOrEqual(bytes === 4000 ? 9 : 20);
      expect(parts.findings).toEqual(whole.findings);
      expect(parts.readability).toEqual(whole.readability);
    }
  });

  it('gives the whole Spanish article’s findings and metrics from 5 parts', async () => {
    const { whole, parts } = await both(join(documents, 'articulo.md'), 800);
    expect(parts.sections).toBeGreaterThanOrEqual(5);
    expect(whole.readability.language).toBe('es');
    expect(parts.findings).toEqual(whole.findings);
    expect(parts.readability).toEqual(whole.readability);
  });

  it('ranks the hardest sentences across parts: the first part’s candidates give way to harder ones further on', async () => {
    const fairlyHard = 'Regional operators coordinate frequency services with neighbouring transmission companies every winter. ';
    const veryHard = 'Comprehensive institutional accountability necessitates considerable organisational transformation across departments. ';
    const section = (title: string, extra = '') => `# ${title}\n\n${easy.repeat(8)}\n\n${extra}\n\n`;
    const text = [
      section('Opening', fairlyHard.repeat(3)),
      section('Second'),
      section('Third'),
      section('Fourth'),
      section('Closing', `${veryHard}\n\nAnd then:\n\n${veryHard}`),
    ].join('');
    const file = tempDoc(text);
    const config = { hardestSentences: 2 };
    const { whole, parts } = await both(file, 700, config);
    expect(parts.sections).toBe(5);
    const hard = parts.findings.filter((f) => f.rule === 'readability/hard-sentence');
    // two, both in the last part: not the opening's three (nor two per part)
    expect(hard.map((f) => f.excerpt)).toEqual([veryHard.trim(), veryHard.trim()]);
    expect(parts.readability.hardest.map((h) => h.section)).toEqual([5, 5]);
    expect(parts.findings).toEqual(whole.findings);
    expect(parts.readability).toEqual(whole.readability);
  });

  it('scores a section cut without a heading (a very long one) as one section', async () => {
    const paragraphs = Array.from(
      { length: 40 },
      (_, i) =>
        `Paragraph ${i + 1}. ${easy}${i === 30 ? 'Comprehensive institutional accountability necessitates considerable organisational transformation.' : ''}`,
    );
    const text = `Intro before any heading.\n\n# Short\n\n${easy}\n\n# Long\n\n${paragraphs.join('\n\n')}\n\n# After\n\n${easy.repeat(2)}\n`;
    const file = tempDoc(text);
    const { whole, parts } = await both(file, 250, { minWords: 1 });
    expect(parts.sections).toBeGreaterThan(4);
    const long = parts.readability.sections.find((s) => s.title === 'Long');
    expect(long).toMatchObject({ index: 2, level: 1, line: 7 });
    expect(long?.words).toBe(whole.readability.sections.find((s) => s.title === 'Long')?.words);
    expect(parts.findings).toEqual(whole.findings);
    expect(parts.readability).toEqual(whole.readability);
  });
});

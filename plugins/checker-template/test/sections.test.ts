import { describe, expect, it } from 'vitest';
import { analyze, fixture, read, sample, tempDoc } from './helpers.js';

/** Whole-document and section-by-section analyses of one file (with the theme mismatch on). */
async function both(file: string, sectionBytes: number) {
  const whole = await analyze(file, { settings: [{ theme: 'default' }] });
  const parted = await analyze(file, { settings: [{ theme: 'default', limits: { sectionBytes } }] });
  const key = (r: typeof whole) => r.findings.map((f) => ({ rule: f.rule, line: f.position?.line, column: f.position?.column, message: f.message }));
  return { whole, parted, findings: [key(whole), key(parted)] as const };
}

describe('a huge document analysed in sections', () => {
  for (const [name, sectionBytes] of [
    ['report.md', 4000],
    ['report.md', 1000],
    ['articulo.md', 600],
    ['letter.md', 150],
  ] as const) {
    it(`classifies ${name} in parts of ${sectionBytes} characters exactly as whole`, async () => {
      const { whole, parted, findings } = await both(sample(name), sectionBytes);
      expect(parted.sections).toBeGreaterThanOrEqual(name === 'letter.md' ? 2 : 5);
      expect(findings[1]).toEqual(findings[0]);
      expect(findings[1].map((f) => f.rule)).not.toContain('quality/not-merged');
      // The same metric, down to the order of its keys.
      expect(JSON.stringify(parted.template)).toBe(JSON.stringify(whole.template));
    });
  }

  it('gives the same result on every fixture cut into small parts', async () => {
    for (const name of ['proposal.md', 'minutes.md', 'cv.md', 'memo.md', 'paper.md', 'manual.md', 'readme.md']) {
      const { whole, parted, findings } = await both(fixture(name), 80);
      expect(parted.sections, name).toBeGreaterThan(1);
      expect(findings[1], name).toEqual(findings[0]);
      expect(JSON.stringify(parted.template), name).toBe(JSON.stringify(whole.template));
    }
  });

  it('finds letter furniture and the title across parts: salutation, closing, an address split by a heading, a title H1 in part 2', async () => {
    const filler = (n: number) =>
      Array.from({ length: n }, (_, i) => `Paragraph ${i} says something about the pilot and its results over several words.`).join('\n\n');
    // The front matter is part 1 on its own; the title opens part 2; the sender's address is
    // cut in two by a heading (a part boundary), the closing sits in the last part.
    const text = [
      '---\nauthor: Jane Doe\n---',
      '# Letter of complaint',
      'Jane Doe\n\n12 High Street',
      '## Sender',
      'London\n\nSW1A 1AA',
      'Dear Mr Okafor,',
      '## Background',
      filler(4),
      '## More',
      filler(4),
      '## End',
      'Yours sincerely\n\nJane Doe',
    ].join('\n\n');
    const { whole, parted, findings } = await both(tempDoc(text), 40);
    expect(parted.sections).toBeGreaterThanOrEqual(5);
    expect(whole.template.features).toMatchObject({ salutation: 'Dear Mr Okafor,', closing: 'Yours sincerely', addresses: 1 });
    expect(whole.template.features.title).toEqual(['letter']);
    expect(findings[1]).toEqual(findings[0]);
    expect(JSON.stringify(parted.template)).toBe(JSON.stringify(whole.template));
  });

  it('counts an H1 that opens a later part as a heading, not as the title', async () => {
    const text = `# Report one\n\n${'Some words here. '.repeat(20)}\n\n# Executive summary\n\n${'More words here. '.repeat(20)}\n`;
    const { whole, parted } = await both(tempDoc(text), 100);
    expect(parted.sections).toBe(2);
    expect(whole.template.features).toMatchObject({ headings: 2, sectionHeadings: 2, title: [] });
    expect(whole.template.features.sections).toContain('Executive summary');
    expect(JSON.stringify(parted.template)).toBe(JSON.stringify(whole.template));
  });

  it('counts a footnote call whose definition is in another part as the whole document does', async () => {
    const text = `# A\n\nClaim one.[^1] ${'Words. '.repeat(30)}\n\n# B\n\n${'Text. '.repeat(30)}\n\n[^1]: The note.\n`;
    expect(read(tempDoc(text))).toContain('[^1]');
    const { whole, parted } = await both(tempDoc(text), 60);
    expect(parted.sections).toBe(2);
    expect(parted.template.features.words).toBe(whole.template.features.words);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze, analyzeText, tempDoc } from './helpers.js';

const long = (n: number) => `${Array.from({ length: n - 1 }, (_, i) => (i % 2 ? 'cat' : 'dog')).join(' ')} end.`;

describe('what counts as a sentence', () => {
  it('scores paragraphs, list items and table cells, not headings', async () => {
    const { readability } = await analyzeText(
      '# A heading of several extraordinarily complicated words\n\nOne short line here.\n\n- First item\n- Second item\n\n| Left | Right |\n|---|---|\n| cell one | cell two |\n',
    );
    // paragraph 4 words, two items of 2, the header row and body row: 4 cells of 1-2 words
    expect(readability.sentences).toBe(1 + 2 + 4);
    expect(readability.words).toBe(4 + 4 + 1 + 1 + 2 + 2);
  });

  it('does not end a sentence at an abbreviation, an initial or a soft line break; does at a hard break', async () => {
    const { readability } = await analyzeText('Dr. Smith met J. Doe, e.g. at noon.\nThey talked about\nthe weather.\n\nNorthwind Ltd\\\n14 Harbour Street\n');
    expect(readability.sentences).toBe(2 + 2);
    expect(readability.sentenceScores.map((s) => s.words)).toEqual([8, 5, 2, 3]);
  });

  it('counts a web address as one word', async () => {
    const { readability } = await analyzeText('See https://example.org/energy-storage/data-2026 for the data.\n');
    expect(readability.words).toBe(5);
    expect(readability.syllables).toBe(1 + 1 + 1 + 1 + 2);
  });
});

describe('sections', () => {
  it('scores each section with enough words, with its title, level and line', async () => {
    const easy = 'The cat sat on the mat. The dog ran in the sun. We had a good day out. ';
    const hard = 'Comprehensive institutional accountability necessitates considerable organisational transformation. ';
    const text = `Intro words are here.\n\n# Easy part\n\n${easy.repeat(6)}\n\n## Hard part\n\n${hard.repeat(5)}\n\n## Tiny\n\nToo short to score.\n`;
    const { readability } = await analyzeText(text);
    expect(readability.sections.map((s) => [s.title, s.index, s.level, s.line])).toEqual([
      ['Easy part', 1, 1, 3],
      ['Hard part', 2, 2, 7],
    ]);
    const [easySection, hardSection] = readability.sections;
    expect(easySection?.ease).toBeGreaterThan(90);
    expect(hardSection?.ease).toBe(0);
    expect(hardSection?.grade).toBeGreaterThan(20);
    // the document score weighs both by their words
    expect(readability.ease).toBeGreaterThan(0);
    expect(readability.ease).toBeLessThan(easySection?.ease ?? 0);
    // a lower minWords scores the tiny section (and the intro before the first heading) too
    const all = await analyzeText(text, undefined, { minWords: 1 });
    expect(all.readability.sections.map((s) => s.title)).toEqual(['', 'Easy part', 'Hard part', 'Tiny']);
  });
});

describe('findings', () => {
  const text = [
    'The cat sat on the mat and looked at the dog for a while.',
    '',
    'Comprehensive institutional accountability necessitates considerable organisational transformation across departments.',
    '',
    `${long(45)}`,
    '',
    'We went home after that and had some tea with our friends.',
    '',
  ].join('\n');

  it('reports the hardest sentences and the long ones, with positions, excerpts and scores', async () => {
    const file = tempDoc(text);
    const source = readFileSync(file, 'utf8');
    const { findings, readability } = await analyze(file);
    const hard = findings.filter((f) => f.rule === 'readability/hard-sentence');
    expect(hard).toHaveLength(1); // the easy sentences are not "hard", however few there are
    expect(hard[0]).toMatchObject({ severity: 'suggestion', position: { line: 3, column: 1 }, data: { formula: 'flesch', words: 9 } });
    expect(hard[0]?.message).toMatch(/^Hard sentence: Flesch reading ease -\d+, Flesch-Kincaid grade \d+(\.\d)?\.$/);
    const at = hard[0]?.position;
    expect(source.slice(at?.offset, at?.endOffset)).toBe(hard[0]?.excerpt);
    expect(readability.hardest).toEqual([expect.objectContaining({ line: 3, column: 1, words: 9, ease: 0 })]);

    const longOnes = findings.filter((f) => f.rule === 'readability/long-sentence');
    expect(longOnes).toHaveLength(1);
    expect(longOnes[0]).toMatchObject({ severity: 'suggestion', position: { line: 5, column: 1 }, data: { words: 45, limit: 40 } });
    expect(longOnes[0]?.message).toBe('Sentence of 45 words, more than 40.');
  });

  it('follows hardestSentences and maxSentenceWords; enabled limits the formulas reported', async () => {
    const none = await analyzeText(text, undefined, { hardestSentences: 0, maxSentenceWords: 50 });
    expect(none.findings).toEqual([]);
    const tight = await analyzeText(text, undefined, { maxSentenceWords: 11, enabled: ['smog', 'lix'] });
    expect(tight.findings.filter((f) => f.rule === 'readability/long-sentence').map((f) => f.data?.words)).toEqual([14, 45, 12]);
    expect(Object.keys(tight.readability.formulas)).toEqual(['smog', 'lix']);
    // the ease the quality score reads is there whatever is enabled
    expect(tight.readability.ease).toBeGreaterThan(0);
  });

  it('refuses an unknown configuration key', async () => {
    await expect(analyzeText('Hello there.\n', undefined, { hardest: 3 })).rejects.toMatchObject({ code: 'EIA_PLUGIN_CONFIG_INVALID' });
  });

  it('gives per-sentence scores in document order', async () => {
    const { readability } = await analyzeText(text);
    expect(readability.sentenceScores.map((s) => [s.line, s.words])).toEqual([
      [1, 14],
      [3, 9],
      [5, 45],
      [7, 12],
    ]);
    expect(readability.sentenceScores[0]?.ease).toBeGreaterThan(readability.sentenceScores[1]?.ease ?? 100);
  });

  it('reports no scores for a document without prose', async () => {
    const { readability, findings } = await analyzeText('```js\nconst x = 1;\n```\n');
    expect(findings).toEqual([]);
    expect(readability).toMatchObject({ words: 0, sentences: 0, formulas: {}, sections: [], hardest: [] });
    expect(readability).not.toHaveProperty('ease');
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Checked, check, EXAMPLES, type RunOptions, scratch } from './helpers.js';

function write(text: string, cwd = scratch()): string {
  const file = join(cwd, 'doc.md');
  writeFileSync(file, text);
  return file;
}

/** Whole-document and sectioned analyses of the same file. */
async function both(file: string, sectionBytes: number, options: RunOptions = {}): Promise<{ whole: Checked; parts: Checked }> {
  const whole = await check({ file }, options);
  const parts = await check({ file }, { ...options, sectionBytes });
  return { whole, parts };
}

const expectSame = ({ whole, parts }: { whole: Checked; parts: Checked }) => {
  expect(parts.error).toBeUndefined();
  expect(parts.findings).toEqual(whole.findings);
  expect(parts.style).toEqual(whole.style);
};

describe('documents analysed in sections', () => {
  it('gives the whole English report’s findings and metrics from 9 and from 24 parts, every rule on', async () => {
    const cwd = scratch();
    writeFileSync(join(cwd, 'Storage.yml'), 'extends: occurrence\nscope: document\ntoken: "[Ss]torage"\nmax: 20\nlevel: suggestion\n');
    const file = join(EXAMPLES, 'report.md');
    const config = { styles: ['Storage.yml'], formal: true, rules: { intensifiers: 'suggestion', equality: 'suggestion' } };
    for (const bytes of [4000, 1000]) {
      const r = await both(file, bytes, { cwd, config });
      expect(r.parts.sections).toBeGreaterThanOrEqual(bytes === 4000 ? 9 : 20);
      expect(r.whole.of('style/storage')).toHaveLength(1);
      expectSame(r);
    }
  });

  it('gives the whole Spanish article’s findings and metrics from 5 parts', async () => {
    const r = await both(join(EXAMPLES, 'articulo.md'), 800);
    expect(r.parts.sections).toBeGreaterThanOrEqual(5);
    expectSame(r);
  });

  it('counts an occurrence rule with scope: document across parts: defined once, reported once, where the document passes the limit', async () => {
    const cwd = scratch();
    writeFileSync(
      join(cwd, 'Synergy.yml'),
      'extends: occurrence\nscope: document\ntoken: synergy\nignorecase: true\nmax: 2\nmessage: "More than %s uses of synergy in one %s."\n',
    );
    const filler = 'The team met on Monday and went through the plan line by line before lunch. '.repeat(6);
    const text = [
      `# One\n\n${filler}\n\nWe value synergy.\n`,
      `# Two\n\n${filler}\n\nMore synergy here.\n`,
      `# Three\n\n${filler}\n`,
      `# Four\n\n${filler}\n\nSynergy again, then synergy and synergy.\n`,
      `# Five\n\n${filler}\n\nA last synergy.\n`,
    ].join('\n');
    const file = write(text, cwd);
    const r = await both(file, 400, { cwd, config: { styles: ['Synergy.yml'] } });
    expect(r.parts.sections).toBe(5);
    const found = r.parts.of('style/synergy');
    // the third use in the document is the first of part four: one finding, not one per part
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toBe('More than 2 uses of synergy in one document.');
    const line = text.split('\n').findIndex((l) => l.startsWith('Synergy again')) + 1;
    expect(found[0]?.position).toMatchObject({ line, column: 1 });
    expect(text.slice(found[0]?.position?.offset, found[0]?.position?.endOffset)).toBe('Synergy');
    expectSame(r);
  });

  it('caps passive voice per section when a very long section is cut without a heading', async () => {
    const paragraphs = Array.from({ length: 30 }, (_, i) => `Paragraph ${i + 1}: the report was written and the data were checked by the team.`);
    const text = `# Short\n\nThe plan was approved.\n\n# Long\n\n${paragraphs.join('\n\n')}\n\n# After\n\nThe budget was cut. The office was closed. The staff were moved.\n`;
    const r = await both(write(text), 150, { config: { passiveMaxPerSection: 3 } });
    expect(r.parts.sections).toBeGreaterThanOrEqual(5); // three headings: two cuts or more inside Long
    const byLine = r.parts.of('style/passive-voice').map((f) => f.position?.line);
    // one in Short, three in Long (all in its first two paragraphs, none in the later parts), three in After
    const after = text.split('\n').indexOf('# After') + 3;
    expect(byLine).toEqual([3, 7, 7, 9, after, after, after]);
    expectSame(r);
  });
});

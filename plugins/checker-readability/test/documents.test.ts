import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '@export-ia/core';
import { describe, expect, it } from 'vitest';
import { analyze, documents } from './helpers.js';

/** Checks that a finding's position points at its sentence in the source text. */
function expectAtSentence(source: string, f: Finding) {
  const p = f.position;
  expect(p?.offset).toBeTypeOf('number');
  expect(p?.endOffset).toBeTypeOf('number');
  const offset = p?.offset ?? 0;
  // line and column agree with the offset
  expect(p?.line).toBe(source.slice(0, offset).split('\n').length);
  expect(p?.column).toBe(offset - source.lastIndexOf('\n', offset - 1));
  // the source there holds the excerpt's words, in order, from its first to its last
  // (link destinations are source, not prose)
  const slice = source.slice(offset, p?.endOffset).replace(/\]\([^)]*\)/g, ']');
  const wordsOf = (s: string) => s.match(/[\p{L}\p{N}]+/gu) ?? [];
  const excerpt = wordsOf((f.excerpt ?? '').replace(/…$/, ''));
  // the excerpt of a long sentence is cut at a space, so its last word is whole
  const found = wordsOf(slice);
  expect(found[0]).toBe(excerpt[0]);
  let at = 0;
  for (const w of excerpt) {
    while (at < found.length && found[at] !== w) at++;
    expect(at, `"${w}" of "${f.excerpt}" in "${slice}"`).toBeLessThan(found.length);
    at++;
  }
  if (!f.excerpt?.endsWith('…')) expect(found.at(-1)).toBe(excerpt.at(-1));
}

describe('the sample documents', () => {
  it('scores the English report as professional prose, section by section', async () => {
    const file = join(documents, 'report.md');
    const source = readFileSync(file, 'utf8');
    const { readability, findings } = await analyze(file);
    expect(readability.language).toBe('en');
    expect(readability.words).toBeGreaterThan(4500);
    expect(readability.words).toBeLessThan(6000);
    expect(readability.sentences).toBeGreaterThan(300);
    // clean professional English: "fairly difficult" territory, a grade of 8-13
    expect(readability.ease).toBeGreaterThan(35);
    expect(readability.ease).toBeLessThan(65);
    expect(readability.grade).toBeGreaterThan(8);
    expect(readability.grade).toBeLessThan(13);
    const f = readability.formulas;
    expect(Object.keys(f)).toEqual(['flesch', 'fleschKincaid', 'gunningFog', 'smog', 'colemanLiau', 'ari', 'lix']);
    for (const grade of [f.gunningFog, f.smog, f.colemanLiau, f.ari]) {
      expect(grade).toBeGreaterThan(7);
      expect(grade).toBeLessThan(15);
    }
    expect(f.lix).toBeGreaterThan(35);
    expect(f.lix).toBeLessThan(50);

    const titles = readability.sections.map((s) => s.title);
    expect(titles).toContain('Executive summary');
    expect(titles).toContain('Recommendations');
    expect(readability.sections.length).toBeGreaterThan(20);
    for (const s of readability.sections) {
      expect(s.words).toBeGreaterThanOrEqual(30);
      expect(s.ease).toBeGreaterThanOrEqual(0);
      expect(s.ease).toBeLessThanOrEqual(100);
      expect(source.split('\n')[(s.line ?? 0) - 1]).toMatch(/^#{1,6} /);
    }

    const hard = findings.filter((x) => x.rule === 'readability/hard-sentence');
    expect(hard).toHaveLength(5);
    expect(readability.hardest).toHaveLength(5);
    for (const x of findings) expectAtSentence(source, x);
    // the hardest are harder than the document
    for (const h of readability.hardest) expect(h.raw).toBeLessThan(readability.formulas.flesch ?? 0);
    expect(readability.sentenceScores).toHaveLength(readability.sentences);
  });

  it('scores the Spanish article with Fernández-Huerta and Szigriszt-Pazos', async () => {
    const file = join(documents, 'articulo.md');
    const source = readFileSync(file, 'utf8');
    const { readability, findings } = await analyze(file);
    expect(readability.language).toBe('es');
    expect(readability.easeFormula).toBe('fernandezHuerta');
    expect(readability.words).toBeGreaterThan(700);
    // a newspaper feature: "normal" to "bastante fácil"
    expect(readability.ease).toBeGreaterThan(55);
    expect(readability.ease).toBeLessThan(85);
    expect(readability.formulas.szigrisztPazos).toBeGreaterThan(50);
    expect(readability.formulas.szigrisztPazos).toBeLessThan(80);
    expect(['normal', 'bastante fácil']).toContain(readability.inflesz);
    expect(readability.sections.map((s) => s.title)).toContain('Una revolución sobre dos ruedas');
    expect(readability.sections.every((s) => s.grade === undefined)).toBe(true);
    expect(findings.filter((x) => x.rule === 'readability/hard-sentence').length).toBeGreaterThan(0);
    for (const x of findings) {
      expectAtSentence(source, x);
      expect(x.message).toMatch(/^Hard sentence: Fernández-Huerta -?\d+, INFLESZ «[\p{L} ]+»\.$|^Sentence of/u);
    }
  });
});

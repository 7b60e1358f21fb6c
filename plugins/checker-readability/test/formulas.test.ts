import { describe, expect, it } from 'vitest';
import { FORMULAS, infleszBand, lixBand, lixToEase } from '../src/formulas.js';
import { analyzeText } from './helpers.js';

// Expected values are computed by hand from the counts stated next to each text, with the
// published constants; the checker has to find the same counts and apply the same formulas.

describe('English formulas', () => {
  it('gives "The cat sat on the mat." the published Flesch reading ease of 116 (W=6, S=1, Sy=6)', async () => {
    const { readability } = await analyzeText('The cat sat on the mat.\n');
    expect(readability).toMatchObject({ language: 'en', words: 6, sentences: 1, syllables: 6 });
    // 206.835 − 1.015·6 − 84.6·1 = 116.145
    expect(readability.formulas.flesch).toBeCloseTo(116.145, 1);
    // the metric the quality score reads stays on its 0-100 scale
    expect(readability.ease).toBe(100);
    // 0.39·6 + 11.8·1 − 15.59 = −1.45
    expect(readability.formulas.fleschKincaid).toBeCloseTo(-1.45, 2);
  });

  it('computes every English formula on a fixed text', async () => {
    // S1 "The quick brown fox jumps over the lazy dog." 9 words, 11 syllables (over, lazy: 2)
    // S2 "Reading is a wonderful activity for everybody." 7 words, 16 syllables
    //    (reading 2, wonderful 3, activity 4, everybody 4)
    // W=16, S=2, Sy=27; letters 35+39=74; polysyllables 3 (wonderful, activity, everybody), all
    // three complex for fog; long words (>6 letters) 4 (Reading, wonderful, activity, everybody).
    const { readability } = await analyzeText('The quick brown fox jumps over the lazy dog. Reading is a wonderful activity for everybody.\n');
    expect(readability).toMatchObject({ words: 16, sentences: 2, syllables: 27 });
    const f = readability.formulas;
    expect(f.flesch).toBeCloseTo(206.835 - 1.015 * 8 - 84.6 * (27 / 16), 2); // 55.95
    expect(f.flesch).toBeCloseTo(55.95, 2);
    expect(f.fleschKincaid).toBeCloseTo(7.44, 2); // 0.39·8 + 11.8·1.6875 − 15.59 = 7.4425
    expect(f.gunningFog).toBeCloseTo(10.7, 2); // 0.4·(8 + 100·3/16)
    expect(f.smog).toBeCloseTo(10.13, 2); // 1.043·√(3·30/2) + 3.1291 = 10.1258
    expect(f.colemanLiau).toBeCloseTo(7.7, 2); // 0.0588·462.5 − 0.296·12.5 − 15.8 = 7.695
    expect(f.ari).toBeCloseTo(4.35, 2); // 4.71·74/16 + 0.5·8 − 21.43 = 4.35375
    expect(f.lix).toBeCloseTo(33, 2); // 8 + 100·4/16
    expect(readability.ease).toBeCloseTo(56, 1);
    expect(readability.grade).toBeCloseTo(7.4, 1);
  });

  it('leaves proper nouns, compounds and -ing/-ed/-es syllables out of Gunning fog, not out of SMOG', async () => {
    // "Australia", "state-of-the-art" and "creating" (cre-at-ing, 2 without -ing) are not complex;
    // "Australia" (4) and "state-of-the-art" (4) are polysyllables; "creating" is 3.
    // W=7, S=1; complex 0; polysyllables 3.
    const { readability } = await analyzeText('We like Australia and creating state-of-the-art tools.\n');
    expect(readability.words).toBe(7);
    expect(readability.formulas.gunningFog).toBeCloseTo(0.4 * 7, 2);
    expect(readability.formulas.smog).toBeCloseTo(1.043 * Math.sqrt(3 * 30) + 3.1291, 2);
  });
});

describe('Spanish formulas', () => {
  it('computes the corrected Fernández-Huerta, Szigriszt-Pazos with its INFLESZ band, and LIX', async () => {
    // S1 "El perro come carne." 4 words, 7 syllables (pe-rro, co-me, car-ne)
    // S2 "La casa es muy bonita y grande." 7 words, 11 syllables (ca-sa, bo-ni-ta, gran-de; muy 1)
    // W=11, S=2, Sy=18, no word over 6 letters.
    const { readability } = await analyzeText('El perro come carne. La casa es muy bonita y grande.\n', 'es');
    expect(readability).toMatchObject({ language: 'es', easeFormula: 'fernandezHuerta', words: 11, sentences: 2, syllables: 18 });
    // corrected form: 206.84 − 60·18/11 − 1.02·11/2 = 103.048
    expect(readability.formulas.fernandezHuerta).toBeCloseTo(103.05, 2);
    // 206.835 − 62.3·18/11 − 11/2 = 99.3895
    expect(readability.formulas.szigrisztPazos).toBeCloseTo(99.39, 2);
    expect(readability.inflesz).toBe('muy fácil');
    expect(readability.formulas.lix).toBeCloseTo(5.5, 2);
    expect(readability.ease).toBe(100);
    expect(readability.formulas).not.toHaveProperty('flesch');
  });

  it('bands Szigriszt-Pazos scores as INFLESZ does', () => {
    expect([20, 39.9, 40, 54.9, 55, 64.9, 65, 80, 80.1].map(infleszBand)).toEqual([
      'muy difícil',
      'muy difícil',
      'algo difícil',
      'algo difícil',
      'normal',
      'normal',
      'bastante fácil',
      'bastante fácil',
      'muy fácil',
    ]);
  });
});

describe('French, German and other languages', () => {
  it('computes Kandel-Moles', async () => {
    // S1 "Le chat dort sur la table." 6 words, 6 syllables (table: silent final e)
    // S2 "Les enfants regardent la télévision." 5 words, 10 syllables (en-fants 2,
    //    re-gardent 2: silent -ent, té-lé-vi-sion 4); long words 3 (enfants, regardent, télévision)
    // W=11, S=2, Sy=16
    const { readability } = await analyzeText('Le chat dort sur la table. Les enfants regardent la télévision.\n', 'fr');
    expect(readability).toMatchObject({ language: 'fr', easeFormula: 'kandelMoles', words: 11, sentences: 2, syllables: 16 });
    // 207 − 1.015·5.5 − 73.6·16/11 = 94.363
    expect(readability.formulas.kandelMoles).toBeCloseTo(94.36, 2);
    expect(readability.formulas.lix).toBeCloseTo(5.5 + 300 / 11, 2);
    expect(readability.ease).toBeCloseTo(94.4, 1);
  });

  it('computes Amstad and the first Wiener Sachtextformel', async () => {
    // S1 "Der Hund schläft im Garten." 5 words, 6 syllables
    // S2 "Die Regierung beschließt heute eine neue Verordnung." 7 words, 15 syllables
    //    (Re-gie-rung 3, be-schließt 2, heu-te 2, ei-ne 2, neu-e 2, Ver-ord-nung 3)
    // W=12, S=2, Sy=21; 3+ syllables 2; one syllable 5; over 6 letters 4 (schläft, Regierung,
    // beschließt, Verordnung)
    const { readability } = await analyzeText('Der Hund schläft im Garten. Die Regierung beschließt heute eine neue Verordnung.\n', 'de');
    expect(readability).toMatchObject({ language: 'de', easeFormula: 'amstad', words: 12, sentences: 2, syllables: 21 });
    // 180 − 6 − 58.5·21/12 = 71.625
    expect(readability.formulas.amstad).toBeCloseTo(71.63, 2);
    // MS = 100·2/12, SL = 6, IW = 100·4/12, ES = 100·5/12:
    // 0.1935·16.667 + 0.1672·6 + 0.1297·33.333 − 0.0327·41.667 − 0.875 = 6.314
    expect(readability.formulas.wstf).toBeCloseTo(6.31, 2);
    expect(readability.formulas.lix).toBeCloseTo(6 + 400 / 12, 2); // 39.33
    expect(readability.grade).toBeCloseTo(6.3, 1);
  });

  it('uses LIX, mapped to the ease scale, for a language without syllable rules', async () => {
    // "Il gatto dorme sul tavolo. La bambina legge un libro interessante." W=11, S=2,
    // over 6 letters 2 (bambina, interessante): LIX = 5.5 + 200/11 = 23.68; ease = 140 − 2·LIX
    const { readability } = await analyzeText('Il gatto dorme sul tavolo. La bambina legge un libro interessante.\n', 'it');
    expect(readability).toMatchObject({ language: 'it', easeFormula: 'lix', words: 11, sentences: 2 });
    expect(readability).not.toHaveProperty('syllables');
    expect(Object.keys(readability.formulas)).toEqual(['lix']);
    expect(readability.formulas.lix).toBeCloseTo(23.68, 2);
    expect(readability.ease).toBeCloseTo(140 - 2 * (5.5 + 200 / 11), 1);
  });

  it('maps LIX bands onto the Flesch-like ease scale', () => {
    expect([25, 35, 45, 55].map(lixToEase)).toEqual([90, 70, 50, 30]);
    expect([20, 30, 40, 50, 60].map(lixBand)).toEqual(['very easy', 'easy', 'medium', 'hard', 'very hard']);
  });

  it('keeps the published constants', () => {
    const c = { words: 100, sentences: 5, syllables: 150, letters: 450, characters: 460, polysyllables: 10, complex: 8, long: 20, monosyllables: 60 };
    expect(FORMULAS.flesch.compute(c)).toBeCloseTo(206.835 - 1.015 * 20 - 84.6 * 1.5, 6);
    expect(FORMULAS.fernandezHuerta.compute(c)).toBeCloseTo(206.84 - 0.6 * 150 - 1.02 * 20, 6);
    expect(FORMULAS.kandelMoles.compute(c)).toBeCloseTo(207 - 1.015 * 20 - 73.6 * 1.5, 6);
    expect(FORMULAS.amstad.compute(c)).toBeCloseTo(180 - 20 - 58.5 * 1.5, 6);
    expect(FORMULAS.wstf.compute(c)).toBeCloseTo(0.1935 * 10 + 0.1672 * 20 + 0.1297 * 20 - 0.0327 * 60 - 0.875, 6);
  });
});

/**
 * Readability formulas, each a plain function of counts, and which of them each language uses.
 * The constants are the published ones; see the README for sources and the corrected
 * Fernández-Huerta.
 */

/** What the formulas count, summed over the sentences of a text. */
export interface Counts {
  words: number;
  sentences: number;
  syllables: number;
  /** Letters (for Coleman-Liau). */
  letters: number;
  /** Letters and digits (for ARI). */
  characters: number;
  /** Words of 3 or more syllables (SMOG, Wiener Sachtextformel). */
  polysyllables: number;
  /** Gunning fog's complex words: 3+ syllables, not proper nouns, compounds or -es/-ed/-ing syllables. */
  complex: number;
  /** Words of more than 6 letters (LIX, Wiener Sachtextformel). */
  long: number;
  /** One-syllable words (Wiener Sachtextformel). */
  monosyllables: number;
}

export function emptyCounts(): Counts {
  return { words: 0, sentences: 0, syllables: 0, letters: 0, characters: 0, polysyllables: 0, complex: 0, long: 0, monosyllables: 0 };
}

export function addCounts(into: Counts, c: Counts): void {
  into.words += c.words;
  into.sentences += c.sentences;
  into.syllables += c.syllables;
  into.letters += c.letters;
  into.characters += c.characters;
  into.polysyllables += c.polysyllables;
  into.complex += c.complex;
  into.long += c.long;
  into.monosyllables += c.monosyllables;
}

export type FormulaId =
  | 'flesch'
  | 'fleschKincaid'
  | 'gunningFog'
  | 'smog'
  | 'colemanLiau'
  | 'ari'
  | 'fernandezHuerta'
  | 'szigrisztPazos'
  | 'kandelMoles'
  | 'amstad'
  | 'wstf'
  | 'lix';

export interface Formula {
  name: string;
  /** 'ease': 0-100ish, higher is easier; 'grade': school years; 'index': LIX. */
  scale: 'ease' | 'grade' | 'index';
  compute(c: Counts): number;
}

const wps = (c: Counts) => c.words / c.sentences;
const spw = (c: Counts) => c.syllables / c.words;

export const FORMULAS: Readonly<Record<FormulaId, Formula>> = {
  // Flesch (1948)
  flesch: { name: 'Flesch reading ease', scale: 'ease', compute: (c) => 206.835 - 1.015 * wps(c) - 84.6 * spw(c) },
  // Kincaid et al. (1975)
  fleschKincaid: { name: 'Flesch-Kincaid grade', scale: 'grade', compute: (c) => 0.39 * wps(c) + 11.8 * spw(c) - 15.59 },
  // Gunning (1952)
  gunningFog: { name: 'Gunning fog', scale: 'grade', compute: (c) => 0.4 * (wps(c) + (100 * c.complex) / c.words) },
  // McLaughlin (1969)
  smog: { name: 'SMOG', scale: 'grade', compute: (c) => 1.043 * Math.sqrt((c.polysyllables * 30) / c.sentences) + 3.1291 },
  // Coleman & Liau (1975): L letters per 100 words, S sentences per 100 words
  colemanLiau: {
    name: 'Coleman-Liau',
    scale: 'grade',
    compute: (c) => 0.0588 * ((100 * c.letters) / c.words) - 0.296 * ((100 * c.sentences) / c.words) - 15.8,
  },
  // Smith & Senter (1967)
  ari: { name: 'Automated readability index', scale: 'grade', compute: (c) => 4.71 * (c.characters / c.words) + 0.5 * wps(c) - 21.43 },
  // Fernández Huerta (1959), in the corrected form (Law 2011): 206.84 − 0.60·P − 1.02·F with
  // P = syllables per 100 words and F read as words per sentence, not sentences per 100 words.
  fernandezHuerta: { name: 'Fernández-Huerta', scale: 'ease', compute: (c) => 206.84 - 60 * spw(c) - 1.02 * wps(c) },
  // Szigriszt Pazos (1993), perspicuity; read with the INFLESZ bands (Barrio-Cantalejo 2008)
  szigrisztPazos: { name: 'Szigriszt-Pazos perspicuity', scale: 'ease', compute: (c) => 206.835 - 62.3 * spw(c) - wps(c) },
  // Kandel & Moles (1958)
  kandelMoles: { name: 'Kandel-Moles', scale: 'ease', compute: (c) => 207 - 1.015 * wps(c) - 73.6 * spw(c) },
  // Amstad (1978)
  amstad: { name: 'Amstad', scale: 'ease', compute: (c) => 180 - wps(c) - 58.5 * spw(c) },
  // Bamberger & Vanecek (1984), first Wiener Sachtextformel
  wstf: {
    name: 'Wiener Sachtextformel',
    scale: 'grade',
    compute: (c) =>
      0.1935 * ((100 * c.polysyllables) / c.words) +
      0.1672 * wps(c) +
      0.1297 * ((100 * c.long) / c.words) -
      0.0327 * ((100 * c.monosyllables) / c.words) -
      0.875,
  },
  // Björnsson (1968)
  lix: { name: 'LIX', scale: 'index', compute: (c) => wps(c) + (100 * c.long) / c.words },
};

export const FORMULA_IDS = Object.keys(FORMULAS) as FormulaId[];

/** The formulas of a language, its own reading-ease formula and its grade formula, if any. */
export interface LanguageProfile {
  formulas: readonly FormulaId[];
  ease: FormulaId;
  grade?: FormulaId;
  /** Whether the language has a syllable counter. */
  syllables: boolean;
}

const PROFILES: Readonly<Record<string, LanguageProfile>> = {
  en: { formulas: ['flesch', 'fleschKincaid', 'gunningFog', 'smog', 'colemanLiau', 'ari', 'lix'], ease: 'flesch', grade: 'fleschKincaid', syllables: true },
  es: { formulas: ['fernandezHuerta', 'szigrisztPazos', 'lix'], ease: 'fernandezHuerta', syllables: true },
  fr: { formulas: ['kandelMoles', 'lix'], ease: 'kandelMoles', syllables: true },
  de: { formulas: ['amstad', 'wstf', 'lix'], ease: 'amstad', grade: 'wstf', syllables: true },
};

const OTHER: LanguageProfile = { formulas: ['lix'], ease: 'lix', syllables: false };

export function profileFor(lang: string): LanguageProfile {
  return PROFILES[lang] ?? OTHER;
}

/**
 * LIX on the reading-ease scale, for languages without an ease formula of their own:
 * ease = 140 − 2·LIX, so LIX 25 (very easy) ↦ 90, 35 ↦ 70, 45 ↦ 50, 55 (very hard) ↦ 30,
 * which puts LIX's bands next to Flesch's.
 */
export function lixToEase(lix: number): number {
  return 140 - 2 * lix;
}

/** The language's reading ease, unclamped (Flesch can pass 100, any ease can go below 0). */
export function rawEase(profile: LanguageProfile, c: Counts): number {
  const value = FORMULAS[profile.ease].compute(c);
  return profile.ease === 'lix' ? lixToEase(value) : value;
}

export function clampEase(value: number): number {
  return value < 0 ? 0 : value > 100 ? 100 : value;
}

/** INFLESZ band of a Szigriszt-Pazos score. */
export function infleszBand(score: number): 'muy difícil' | 'algo difícil' | 'normal' | 'bastante fácil' | 'muy fácil' {
  if (score < 40) return 'muy difícil';
  if (score < 55) return 'algo difícil';
  if (score < 65) return 'normal';
  if (score <= 80) return 'bastante fácil';
  return 'muy fácil';
}

/** LIX band (Björnsson). */
export function lixBand(lix: number): 'very easy' | 'easy' | 'medium' | 'hard' | 'very hard' {
  if (lix < 25) return 'very easy';
  if (lix < 35) return 'easy';
  if (lix < 45) return 'medium';
  if (lix < 55) return 'hard';
  return 'very hard';
}

export const round = (value: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

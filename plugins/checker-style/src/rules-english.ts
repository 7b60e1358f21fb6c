/**
 * Rules built on English word lists: they run only when the document's language is `en`.
 */
import { BE_VERBS, CONTRACTIONS, EQUALITY, INTENSIFIERS, IRREGULAR_PARTICIPLES, NOT_PASSIVE, PROFANITY, WORDY, type WordyPhrase } from './english.js';
import { AFTER, BEFORE, type BlockContext, matchCase, phrasePattern, type Rule } from './rule.js';

// ---------------------------------------------------------------------------------------------
// a / an

const ARTICLE = /(?<![\p{L}\p{M}\p{N}'’\-.])(an?)(\s+)([\p{L}\p{N}][\p{L}\p{M}\p{N}]*)/giu;
/** After these, "a" is a letter or label ("option a or b"), not an article. */
const NOT_AFTER_ARTICLE = new Set([
  'is',
  'are',
  'was',
  'were',
  'and',
  'or',
  'nor',
  'but',
  'of',
  'in',
  'on',
  'at',
  'as',
  'if',
  'it',
  'its',
  'an',
  'a',
  'to',
  'for',
  'by',
  'e',
  'i',
]);
const VOWEL_LETTER_NAMES = 'AEFHILMNORSX';
const CONSONANT_LETTER_NAMES = 'BCDGJKPQTUVWYZ';
/** Acronyms said either way ("a/an SQL", "a/an URL"): never flagged. */
const EITHER = new Set(['SQL', 'FAQ', 'HEIC', 'SCSI']);
/** Acronyms said as a word starting with a consonant sound. */
const CONSONANT_ACRONYMS = new Set(['EULA', 'EURIBOR', 'EUR']);

/** Two-consonant starts of English words; any other pair (md, fs, np) is read letter by letter. */
const ONSETS = new Set(
  'bl br ch cl cr dr dw fl fr gh gl gn gr kh kl kn kr ph pl pn pr ps pt rh sc sh sk sl sm sn sp sq st sv sw th tr ts tw vl wh wr zh'.split(' '),
);

type Sound = 'vowel' | 'consonant' | undefined;

function numberSound(word: string): Sound {
  const digits = /^[0-9][0-9,]*/.exec(word)?.[0].replace(/,/g, '') ?? '';
  if (digits === '') return undefined;
  if (digits.startsWith('8')) return 'vowel';
  if (digits.startsWith('11') || digits.startsWith('18')) {
    if (digits.length % 3 === 2) return 'vowel'; // eleven, eighteen thousand
    if (digits.length === 4) return undefined; // eleven hundred, or one thousand one hundred
  }
  return 'consonant';
}

function acronymSound(word: string): Sound {
  const core = word.replace(/(?<=[A-Z])s$/, '');
  if (EITHER.has(core)) return undefined;
  if (CONSONANT_ACRONYMS.has(core)) return 'consonant';
  const first = core.charAt(0);
  if (CONSONANT_LETTER_NAMES.includes(first)) return 'consonant';
  if ('AEIO'.includes(first)) return 'vowel';
  // F, H, L, M, N, R, S, X: "an MRI" when spelt out, "a NATO" when said as a word; unclear → skip.
  if (/^[B-DF-HJ-NP-TV-Z]{1,2}[AEIOUY][A-Z]/.test(core)) return undefined;
  return 'vowel';
}

function wordSound(word: string): Sound {
  const lower = word.normalize('NFD').toLowerCase();
  const c = lower.charAt(0);
  // "an mdast tree", "an fsync", "a npm script": technical words said letter by letter. A word
  // with no vowel, or starting with two consonants no English word starts with, is unclear.
  if (!/[aeiouy]/.test(lower)) return undefined;
  if (/^[b-df-hj-np-tv-z]{2}/.test(lower) && !ONSETS.has(lower.slice(0, 2))) return undefined;
  if (c === 'h') {
    if (/^(hour|honest|honou?r|heir)/.test(lower)) return 'vowel';
    if (/^(herb|histor|hotel|heroic|habitual|hilarious|horrific|hysteric|hypothe)/.test(lower)) return undefined;
    return 'consonant';
  }
  if (!'aeiou'.includes(c)) return /^[a-z]/.test(c) ? 'consonant' : undefined;
  if (/^(one|once|oneself)$/.test(lower) || /^(eu|ewe)/.test(lower)) return 'consonant';
  if (/^uni[cfloqstv]|^unanim|^unary/.test(lower)) return 'consonant';
  if (/^uni[md]/.test(lower)) return undefined;
  if (/^(uber|ubuntu|umami|upend|upon|uzbek)/.test(lower)) return 'vowel';
  if (/^u[bcdfgjklmpqrstvz][aeiouy]/.test(lower)) return 'consonant';
  return 'vowel';
}

/** Whether a word after "a/an" starts with a vowel sound; undefined when unsure (never flagged). */
export function articleSound(word: string, nextChar: string): Sound {
  if (/^[0-9]/.test(word)) return numberSound(word);
  if (word.length === 1) {
    const upper = word.toUpperCase();
    if (word === upper || nextChar === '-') return VOWEL_LETTER_NAMES.includes(upper) ? 'vowel' : 'consonant';
    return undefined;
  }
  if (/^[A-Z][A-Z0-9]+s?$/.test(word)) return acronymSound(word);
  return wordSound(word);
}

export const aAn: Rule = {
  id: 'style/a-an',
  level: 'warning',
  english: true,
  quoted: false,
  summary: '"a" before a vowel sound or "an" before a consonant sound ("an hour", "a university", "an MRI"); fix swaps the article.',
  check(ctx) {
    const { text, kind } = ctx.block;
    ARTICLE.lastIndex = 0;
    for (let m = ARTICLE.exec(text); m; m = ARTICLE.exec(text)) {
      const article = m[1] ?? '';
      const word = m[3] ?? '';
      const from = m.index;
      if (NOT_AFTER_ARTICLE.has(word.toLowerCase())) continue;
      // A capital "A" mid-sentence is a name or a label ("Plan A offers…"); only trust it at a start.
      if (article !== article.toLowerCase() && kind !== 'heading') {
        if (article === article.toUpperCase() && article.length > 1) continue;
        if (from > 0 && !/(^|[.!?:;"“([—–]\s*)$/u.test(text.slice(Math.max(0, from - 3), from)) && text.slice(0, from).trim() !== '') continue;
      }
      const wordFrom = from + article.length + (m[2] ?? '').length;
      const sound = articleSound(word, text.charAt(wordFrom + word.length));
      if (sound === undefined) continue;
      const expected = sound === 'vowel' ? 'an' : 'a';
      if (article.toLowerCase() === expected) continue;
      if (ctx.skip(wordFrom, wordFrom + word.length)) continue;
      const replacement = matchCase(article, expected);
      ctx.report({
        from,
        to: from + article.length,
        message: `Use "${replacement}" before "${word}" (it starts with a ${sound} sound).`,
        suggestion: `${replacement} ${word}`,
        fix: ctx.map.fix(ctx.block, from, from + article.length, replacement),
      });
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Wordy phrases

const WORDY_BY_PHRASE = new Map(WORDY.map((w) => [w.phrase, w]));
const WORDY_RE = new RegExp(
  `${BEFORE}(?:${[...WORDY]
    .sort((a, b) => b.phrase.length - a.phrase.length)
    .map((w) => phrasePattern(w.phrase))
    .join('|')})${AFTER}`,
  'giu',
);

export const wordy: Rule = {
  id: 'style/wordy',
  level: 'suggestion',
  english: true,
  quoted: false,
  summary: 'A wordy phrase with a concise equivalent ("in order to" → "to"); fix only where the swap is always grammatical.',
  check(ctx) {
    const { text } = ctx.block;
    WORDY_RE.lastIndex = 0;
    for (let m = WORDY_RE.exec(text); m; m = WORDY_RE.exec(text)) {
      const found = m[0];
      const entry = WORDY_BY_PHRASE.get(found.toLowerCase().replace(/\s+/g, ' ')) as WordyPhrase;
      const from = m.index;
      const to = from + found.length;
      const use = matchCase(found, entry.use);
      ctx.report({
        from,
        to,
        message: entry.fix ? `"${found.replace(/\s+/g, ' ')}" is wordy: "${use}" says the same.` : `"${found.replace(/\s+/g, ' ')}" is wordy.`,
        suggestion: use,
        fix: entry.fix ? ctx.map.fix(ctx.block, from, to, use) : undefined,
      });
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Passive voice

const PASSIVE = new RegExp(`${BEFORE}(${BE_VERBS})\\s+(?:(?:not|\\p{L}+ly)\\s+)?(\\p{L}+)${AFTER}`, 'giu');

function isParticiple(word: string): boolean {
  const w = word.toLowerCase();
  if (IRREGULAR_PARTICIPLES.has(w)) return true;
  return w.length >= 5 && w.endsWith('ed') && !NOT_PASSIVE.has(w);
}

export const passiveVoice: Rule = {
  id: 'style/passive-voice',
  level: 'suggestion',
  english: true,
  quoted: false,
  summary: 'A form of "be" with a past participle ("was built"); at most `passiveMaxPerSection` per section.',
  check(ctx) {
    const max = ctx.options.passiveMaxPerSection;
    const key = `passive:${ctx.block.sectionIndex}`;
    const { text } = ctx.block;
    PASSIVE.lastIndex = 0;
    for (let m = PASSIVE.exec(text); m; m = PASSIVE.exec(text)) {
      if ((ctx.counts.get(key) ?? 0) >= max) return;
      const participle = m[2] ?? '';
      if (!isParticiple(participle)) {
        // The participle slot may have been a verb form of its own ("is used"…): retry from it.
        PASSIVE.lastIndex = m.index + (m[1] ?? '').length;
        continue;
      }
      const phrase = m[0].replace(/\s+/g, ' ');
      const kept = ctx.report({
        from: m.index,
        to: m.index + m[0].length,
        message: `Passive voice ("${phrase}"): say who acts, if it matters.`,
        suggestion: 'Rewrite in the active voice.',
      });
      if (kept) ctx.counts.set(key, (ctx.counts.get(key) ?? 0) + 1);
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Word lists: contractions, intensifiers, equality, profanity

const CONTRACTION_RE = /(?<![\p{L}\p{M}\p{N}])(\p{L}+['’]\p{L}+)(?![\p{L}\p{M}\p{N}'’])/gu;

export const contractions: Rule = {
  id: 'style/contractions',
  level: 'off',
  english: true,
  quoted: false,
  summary: 'Contractions ("don\'t") in a formal register; on with `formal: true`; fix expands the unambiguous ones.',
  check(ctx) {
    const { text } = ctx.block;
    if (!text.includes("'") && !text.includes('’')) return;
    CONTRACTION_RE.lastIndex = 0;
    for (let m = CONTRACTION_RE.exec(text); m; m = CONTRACTION_RE.exec(text)) {
      const found = m[1] ?? '';
      const entry = CONTRACTIONS[found.toLowerCase().replace('’', "'")];
      if (!entry) continue;
      const use = found.toLowerCase().startsWith("i'") || found.toLowerCase().startsWith('i’') ? entry.use : matchCase(found, entry.use);
      ctx.report({
        from: m.index,
        to: m.index + found.length,
        message: `"${found}" is a contraction; a formal text spells it out.`,
        suggestion: use,
        fix: entry.fix ? ctx.map.fix(ctx.block, m.index, m.index + found.length, use) : undefined,
      });
    }
  },
};

function listRule(id: string, summary: string, terms: readonly string[], describe: (found: string) => { message: string; suggestion: string }): Rule {
  const byTerm = new Set(terms.map((t) => t.toLowerCase()));
  const re = new RegExp(
    `${BEFORE}(?:${[...terms]
      .sort((a, b) => b.length - a.length)
      .map(phrasePattern)
      .join('|')})(?![\\p{L}\\p{M}\\p{N}-])`,
    'giu',
  );
  return {
    id,
    level: 'off',
    english: true,
    quoted: false,
    summary,
    check(ctx: BlockContext) {
      const { text } = ctx.block;
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const found = m[0].replace(/\s+/g, ' ');
        if (!byTerm.has(found.toLowerCase())) continue;
        ctx.report({ from: m.index, to: m.index + m[0].length, ...describe(found) });
      }
    },
  };
}

export const intensifiers = listRule('style/intensifiers', 'Intensifiers that weaken prose ("very", "really", "extremely").', INTENSIFIERS, (found) => ({
  message: `"${found}" adds emphasis but little meaning.`,
  suggestion: `Leave out "${found}" or choose a more precise word.`,
}));

export const equality = listRule('style/equality', 'Gendered or ableist terms, with neutral alternatives.', Object.keys(EQUALITY), (found) => ({
  message: `"${found}" may exclude or hurt readers.`,
  suggestion: `Consider: ${EQUALITY[found.toLowerCase()] ?? ''}.`,
}));

export const profanity = listRule('style/profanity', 'Profanity.', PROFANITY, (found) => ({
  message: `"${found}" is unprofessional.`,
  suggestion: 'Rephrase without it.',
}));

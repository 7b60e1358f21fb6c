/**
 * Heuristic syllable counters for English, Spanish, French and German: vowel groups plus the
 * corrections each language needs. They are meant for readability formulas (which were fitted on
 * counts made by people, who also disagree now and then), not for hyphenation. Counts are cached
 * per language, since prose repeats its words.
 */

/** Counts the syllables of one word, already lower-cased; always at least 1. */
export type SyllableCounter = (word: string) => number;

const isAsciiVowel = (c: number) => c === 97 || c === 101 || c === 105 || c === 111 || c === 117; // a e i o u

// ---------------------------------------------------------------------------------------------
// English
// ---------------------------------------------------------------------------------------------

const EN_EXCEPTIONS: Record<string, number> = {
  maybe: 2,
  recipe: 3,
  naive: 2,
  poem: 2,
  poems: 2,
  poet: 2,
  poetry: 3,
  lion: 2,
  queue: 1,
  wherever: 3,
  whatever: 3,
  whoever: 3,
  whenever: 3,
  soldier: 2,
  soldiers: 2,
  premier: 2,
  frontier: 2,
  frontiers: 2,
  cashier: 2,
  glacier: 2,
  marriage: 2,
  carriage: 2,
  element: 3,
  elements: 3,
  unclear: 2,
  ion: 2,
  someone: 2,
  moreover: 3,
  isle: 1,
  isles: 1,
  aisle: 1,
  aisles: 1,
  lawyer: 2,
  lawyers: 2,
  canyon: 2,
  argue: 2,
  argues: 2,
  argued: 2,
  ions: 2,
  hour: 1,
  hours: 1,
  our: 1,
  wednesday: 2,
  colonel: 2,
  people: 2,
  apostrophe: 4,
  catastrophe: 4,
  epitome: 4,
  simile: 3,
};

// Each match adds a syllable: vowel pairs that are usually two syllables in English.
const EN_ADD: RegExp[] = [
  /ia/, // media, trial, diagram (cancelled below for -cial, -tian, -sia)
  /iu/, // medium, premium
  /io/, // ratio, period, various (cancelled below for -tion, -cious)
  /(?:^g|[^gp])eo/, // video, theory, geography — not people, surgeon
  /[^gq]ua(?![aeiou])/, // actual, usual, situation — not quality, language
  /[^gq]uo/, // continuous, duo
  /[^gq]ue(?![aeiou]|[ds]?$)/, // fluent, influence, cruel — not value(s), continued
  /[^cst]ie[nt]/, // client, experience, quiet, variety — not patient, sufficient
  /(?<!con)sci[eo]/, // science, scientific
  /ciety/, // society
  /[aeiouy][^aeiouy]+i(?:ers?|est)$/, // easier, earliest, suppliers
  /isms?$/, // tourism, prism
  /^(?:creat(?!ur)|react|realit|realis|realiz|reass|reapp|realloc|theat|ideal)/,
  /[aeiouy][^aeiouy]+ea$|[aeiouy][^aeiouyc]+eans?$/, // area, idea, European — not sea, tea, ocean
  /linea|nuclea/,
  /^re[iou](?!gn)/, // reinstall, reuse, reopen
  /^pre[eiou]/, // preexisting, preinstalled
  /^coo(?:per|rd)|^coe/, // cooperate, coordinate, coefficient
];

// Each match removes a syllable.
const EN_SUB: RegExp[] = [
  /[cstx]ia(?:l|n|$)/, // special, Christian, Asia (cancels the ia above)
  /[cgtx]iou/, // precious, religious, anxious (cancels the io above)
  /[cgstxlnh]ion/, // nation, version, religion, million, fashion (cancels the io above)
  /[nv]ior/, // senior, behavior
  /every/, // every, everything
  /busi/, // business
  /frien/, // friend
  /sua[dsv]/, // persuade, suave
  /[aeiou]gues?$|ngues?$|ques?$/, // league, tongue, unique: the u and the e are silent
];

// A silent e inside a word: statement, safely, useful, awareness, and common compounds
// at the start of a word (baseline, lifetime, sometimes, stakeholder). At most one per word.
const EN_INNER_SILENT_E =
  /[aeiouy][^aeiouy]{1,2}e(?:ly|ment|ments|ful|fully|less|ness)$|^(?:some|fore|time|life|line|base|care|home|side|wide|like|ware|where|there|here|more|make|take|name|case|safe|state|phone|house|date|rate|scale|store|price|size|hope|tone|type|whole|share|stake|code|note|fire|wave|mile|stone|game|sale|live|love|space|pipe)(?=[^aeiouy]+[aeiouy])/;

/** Vowel mask for English: y is a vowel unless it starts the word or follows a vowel (year, player). */
function englishVowels(w: string): Uint8Array {
  const mask = new Uint8Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (isAsciiVowel(c)) mask[i] = 1;
    else if (c === 121 /* y */ && i > 0 && mask[i - 1] === 0) mask[i] = 1;
  }
  return mask;
}

/**
 * English: vowel groups (a e i o u, y after a consonant), minus silent final e (not after a
 * consonant + l: table), silent -es and -ed (makes, jumped; not boxes, wanted), silent inner e
 * (statement, baseline), plus the vowel pairs English splits (ratio, media, being, fluent).
 */
export function englishSyllables(word: string): number {
  const exception = EN_EXCEPTIONS[word];
  if (exception !== undefined) return exception;
  const w = /^[a-z]+$/.test(word) ? word : word.normalize('NFD').replace(/[^a-z]/g, '');
  if (w.length === 0) return 1;
  if (w.length <= 2) return 1;
  const v = englishVowels(w);
  const n = w.length;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (v[i] !== 1) continue;
    // a vowel after a vowel y starts a syllable of its own (any-one, stu-dy-ing), except a final e (dye, dyes)
    if (i === 0 || v[i - 1] === 0) count++;
    else if (w[i - 1] === 'y' && !(w[i] === 'e' && (i === n - 1 || (i === n - 2 && 'sd'.includes(w[n - 1] as string))))) count++;
  }
  // Silent final e (make, whole, makes, lives), and -ed after anything but t/d (jumped, played).
  const last = w.charCodeAt(n - 1);
  const eAt = last === 101 ? n - 1 : (last === 115 || last === 100) && w.charCodeAt(n - 2) === 101 ? n - 2 : -1;
  if (eAt > 0 && v[eAt - 1] === 0) {
    const before = w[eAt - 1] as string;
    const cluster = eAt >= 2 && v[eAt - 2] === 0;
    let silent = true;
    if (before === 'l' && cluster && w[eAt - 2] !== 'l' && w[eAt - 2] !== 'r')
      silent = false; // table, tables, handled; not called
    else if (before === 'r' && cluster && 'bcdfgkpt'.includes(w[eAt - 2] as string))
      silent = false; // centre, acre
    else if (last === 115 && ('szxcg'.includes(before) || (before === 'h' && eAt >= 2 && 'cs'.includes(w[eAt - 2] as string))))
      silent = false; // boxes, pages, watches
    else if (last === 100 && (before === 't' || before === 'd')) silent = false; // wanted, needed
    if (silent) count--;
  }
  if (EN_INNER_SILENT_E.test(w)) count--;
  // -ing after a vowel is its own syllable (being, going); after y it already is (trying, saying).
  const ing = w.endsWith('ings') ? n - 4 : w.endsWith('ing') ? n - 3 : -1;
  if (ing > 0 && v[ing - 1] === 1 && w[ing - 1] !== 'y') count++;
  for (const re of EN_ADD) if (re.test(w)) count++;
  for (const re of EN_SUB) if (re.test(w)) count--;
  return count < 1 ? 1 : count;
}

/**
 * Syllables that Gunning fog does not count towards a "complex" word: the -ing, -ed and -es
 * endings (creating, created, processes), when they make a syllable of their own.
 */
export function englishSuffixSyllable(w: string): number {
  const n = w.length;
  if (n > 5 && w.endsWith('ing')) return 1;
  if (n > 4 && w.endsWith('ed') && (w[n - 3] === 't' || w[n - 3] === 'd')) return 1;
  if (n > 4 && w.endsWith('es') && /(?:[szxcg]|[cs]h)es$/.test(w)) return 1;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Spanish
// ---------------------------------------------------------------------------------------------

const NONE = 0;
const WEAK = 1;
const STRONG = 2;

function spanishClass(w: string, i: number): number {
  switch (w[i]) {
    case 'a':
    case 'e':
    case 'o':
    case 'á':
    case 'é':
    case 'ó':
    case 'í': // an accented weak vowel breaks the diphthong: día, país, reúne
    case 'ú':
      return STRONG;
    case 'i':
    case 'ü':
      return WEAK;
    case 'u': {
      // silent u in que, qui, gue, gui
      const prev = w[i - 1];
      const next = w[i + 1];
      if ((prev === 'q' || prev === 'g') && (next === 'e' || next === 'i' || next === 'é' || next === 'í')) return NONE;
      return WEAK;
    }
    case 'y':
      // a vowel at the end of a word after a vowel (hoy, muy, Uruguay) or alone (y)
      if (w.length === 1) return WEAK;
      return i === w.length - 1 && i > 0 && spanishClass(w, i - 1) !== NONE ? WEAK : NONE;
    default:
      return NONE;
  }
}

/**
 * Spanish: each vowel starts a syllable unless it joins the previous one in a diphthong or
 * triphthong (a weak i/u/ü, unaccented, next to another vowel: tie-rra, ciu-dad, U-ru-guay). Two
 * strong vowels (a e o), or an accented í/ú, are a hiatus (le-er, dí-a). The u of que/qui/gue/gui
 * is silent; a final y after a vowel is a vowel (hoy).
 */
export function spanishSyllables(w: string): number {
  let count = 0;
  let prev = NONE;
  let prevChar = '';
  for (let i = 0; i < w.length; i++) {
    const cls = spanishClass(w, i);
    if (cls !== NONE) {
      if (prev === NONE) count++;
      else if (cls === STRONG && prev === STRONG)
        count++; // hiatus
      else if (cls === WEAK && prev === WEAK && w[i] === prevChar) count++; // chiita
    }
    prev = cls;
    prevChar = w[i] as string;
  }
  return count < 1 ? 1 : count;
}

// ---------------------------------------------------------------------------------------------
// French
// ---------------------------------------------------------------------------------------------

const FR_VOWELS = new Set('aeiouyàâäéèêëîïôöûùüÿæœ');
const FR_TREMA = new Set('ëïü');

/**
 * French, as spoken: vowel groups (ou, ai, eau, oi… are one sound), the u of qu/gu silent, a new
 * syllable at an é before a vowel (cré-er), a y between vowels (pa-yer) or a vowel with a
 * trema (na-ïf); minus a silent final e or es (table, tables), and a silent verb ending -ent
 * after two consonants (parlent, mettent; not moment, parent, client).
 */
export function frenchSyllables(w: string): number {
  const n = w.length;
  const vowel = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const ch = w[i] as string;
    if (!FR_VOWELS.has(ch)) continue;
    if (ch === 'u' && (w[i - 1] === 'q' || w[i - 1] === 'g') && i + 1 < n && FR_VOWELS.has(w[i + 1] as string)) continue;
    vowel[i] = 1;
  }
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (vowel[i] !== 1) continue;
    if (i === 0 || vowel[i - 1] === 0) {
      count++;
      continue;
    }
    const ch = w[i] as string;
    const prev = w[i - 1] as string;
    if (FR_TREMA.has(ch)) count++;
    else if (ch === 'y') count++;
    else if (prev === 'é' && !(ch === 'e' && (i === n - 1 || (i === n - 2 && w[n - 1] === 's')))) count++; // créer, réel; not idée(s)
  }
  if (count > 1) {
    const consonant = (i: number) => i >= 0 && vowel[i] === 0 && w[i] !== "'";
    if (w.endsWith('e') && consonant(n - 2)) count--;
    else if (w.endsWith('es') && consonant(n - 3)) count--;
    else if (w.endsWith('ent') && !w.endsWith('ment') && consonant(n - 4) && consonant(n - 5)) count--;
  }
  return count < 1 ? 1 : count;
}

// ---------------------------------------------------------------------------------------------
// German
// ---------------------------------------------------------------------------------------------

const DE_VOWELS = new Set('aeiouäöüy');
// Vowel pairs that make one syllable: diphthongs and long vowels.
const DE_PAIRS = new Set(['ei', 'ie', 'ai', 'au', 'eu', 'äu', 'ey', 'ay', 'aa', 'ee', 'oo', 'ou']);
// Nouns ending in an unstressed -ie (Fa-mi-li-e), unlike the stressed -ie of Energie.
const DE_IE_TWO = /(?:famil|lin|ser|stud|ar|fol|lil|präm|graz|akaz|mater|bakter|pin|tragöd|komöd|kastan|petersil|hostie)ie$/;

/**
 * German: vowel nuclei, where ei, ie, ai, au, eu, äu (and aa, ee, oo, eau, ou from loanwords)
 * make one syllable and other vowel pairs two (The-a-ter, Na-ti-on); the u of qu is a
 * consonant; -ien is two syllables after another syllable (Me-di-en, Bat-te-ri-en) and so is the
 * unstressed -ie of Familie.
 */
export function germanSyllables(w: string): number {
  const n = w.length;
  let count = 0;
  let i = 0;
  while (i < n) {
    const ch = w[i] as string;
    if (!DE_VOWELS.has(ch) || (ch === 'u' && w[i - 1] === 'q') || (ch === 'y' && i === 0 && n > 1 && DE_VOWELS.has(w[1] as string))) {
      i++;
      continue;
    }
    count++;
    if (w.startsWith('eau', i)) i += 3;
    else if (i + 1 < n && DE_PAIRS.has(w.slice(i, i + 2))) {
      // -ien at the end after an earlier syllable: Medien, Batterien (not Wien, schien)
      if (ch === 'i' && w[i + 1] === 'e' && i + 3 === n && w[n - 1] === 'n' && count > 1) count++;
      i += 2;
    } else i++;
  }
  if (DE_IE_TWO.test(w)) count++;
  return count < 1 ? 1 : count;
}

// ---------------------------------------------------------------------------------------------

const COUNTERS: Record<string, SyllableCounter> = { en: englishSyllables, es: spanishSyllables, fr: frenchSyllables, de: germanSyllables };

/** Languages with a syllable counter. */
export const SYLLABLE_LANGUAGES: readonly string[] = Object.keys(COUNTERS);

const CACHE_LIMIT = 50_000;
const caches = new Map<string, Map<string, number>>();

/**
 * A cached syllable counter for a language (primary subtag), or undefined when there is none.
 * Words must be lower-cased; apostrophes and other non-letters are ignored.
 */
export function syllableCounter(lang: string): SyllableCounter | undefined {
  const count = COUNTERS[lang];
  if (!count) return undefined;
  let cache = caches.get(lang);
  if (!cache) {
    cache = new Map();
    caches.set(lang, cache);
  }
  const c = cache;
  return (word) => {
    let n = c.get(word);
    if (n === undefined) {
      n = count(word.replace(/['’.\-\d]/g, ''));
      if (c.size >= CACHE_LIMIT) c.clear();
      c.set(word, n);
    }
    return n;
  };
}

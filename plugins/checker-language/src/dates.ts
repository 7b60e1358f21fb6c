/**
 * Dates written out in a text: ISO (2026-11-22), "22 November 2026", "November 22, 2026",
 * "22 de noviembre de 2026", "1er novembre 2026", "22. November 2026" — English, Spanish, French
 * and German month names (and English abbreviations) — and months ("September 2026",
 * "mayo de 2026"). Each is returned with its ISO form (2026-11-22, or 2026-09 for a month);
 * impossible dates (31 April) are ignored.
 */

const MONTHS: Record<string, number> = {};
const NAMES: Array<[number, string]> = [
  [1, 'january jan enero janvier januar jänner'],
  [2, 'february feb febrero février fevrier februar'],
  [3, 'march mar marzo mars märz maerz'],
  [4, 'april apr abril avril'],
  [5, 'may mayo mai'],
  [6, 'june jun junio juin juni'],
  [7, 'july jul julio juillet juli'],
  [8, 'august aug agosto août aout'],
  [9, 'september sep sept septiembre setiembre septembre'],
  [10, 'october oct octubre octobre oktober'],
  [11, 'november nov noviembre novembre'],
  [12, 'december dec diciembre décembre decembre dezember'],
];
for (const [n, names] of NAMES) for (const name of names.split(' ')) MONTHS[name] = n;

const EN_MONTHS = 'january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec';
// Longest names first so "sept" wins over "sep" and "juillet" over "juli".
const ALL_MONTHS = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|');

// Full month names only: "Mar 2026" or "may 2026" are too likely to be something else.
const MONTH_NAMES = Object.keys(MONTHS)
  .filter((m) => m.length > 3 || m === 'mai' || m === 'may')
  .sort((a, b) => b.length - a.length)
  .join('|');

const ISO = /(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])/g;
// 22 November 2026 · 22nd Nov. 2026 · 22 de noviembre de 2026 · 1er novembre 2026 · 22. November 2026
const DAY_MONTH_YEAR = new RegExp(
  `(?<![\\p{L}\\p{N}])(\\d{1,2})(?:st|nd|rd|th|er|\\.)?\\s+(?:de\\s+)?(${ALL_MONTHS})\\.?,?\\s+(?:del?\\s+)?(\\d{4})(?!\\p{N})`,
  'giu',
);
// November 22, 2026 · Nov. 22nd 2026
const MONTH_DAY_YEAR = new RegExp(`(?<![\\p{L}\\p{N}])(${EN_MONTHS})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})(?!\\p{N})`, 'giu');

// September 2026 · mayo de 2026 · Mai 2026
const MONTH_YEAR = new RegExp(`(?<![\\p{L}\\p{N}])(${MONTH_NAMES})\\s+(?:del?\\s+)?(\\d{4})(?!\\p{N})`, 'giu');

export interface FoundDate {
  /** As written. */
  text: string;
  /** YYYY-MM-DD, or YYYY-MM for a month. */
  iso: string;
  /** Index in the searched text. */
  index: number;
}

function iso(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1) return undefined;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > days) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Every date found in a text, in order. */
export function findDates(text: string): FoundDate[] {
  // Cheap pre-check: every form has four digits in a row.
  if (!/\d{4}/.test(text)) return [];
  const out: FoundDate[] = [];
  // Text of every full-date match, valid or not, so a month inside one is not reported again.
  const taken: Array<[number, number]> = [];
  for (const m of text.matchAll(ISO)) {
    const d = iso(Number(m[1]), Number(m[2]), Number(m[3]));
    if (d) out.push({ text: m[0], iso: d, index: m.index });
  }
  for (const m of text.matchAll(DAY_MONTH_YEAR)) {
    taken.push([m.index, m.index + m[0].length]);
    const month = MONTHS[(m[2] ?? '').toLowerCase()];
    const d = month === undefined ? undefined : iso(Number(m[3]), month, Number(m[1]));
    if (d) out.push({ text: m[0], iso: d, index: m.index });
  }
  for (const m of text.matchAll(MONTH_DAY_YEAR)) {
    taken.push([m.index, m.index + m[0].length]);
    const month = MONTHS[(m[1] ?? '').toLowerCase()];
    const d = month === undefined ? undefined : iso(Number(m[3]), month, Number(m[2]));
    if (d) out.push({ text: m[0], iso: d, index: m.index });
  }
  for (const m of text.matchAll(MONTH_YEAR)) {
    const name = m[1] ?? '';
    // "may" is a month only when capitalised; a month inside a full date was found above.
    if (name === 'may' || taken.some(([from, to]) => m.index < to && from < m.index + m[0].length)) continue;
    const month = MONTHS[name.toLowerCase()];
    if (month !== undefined) out.push({ text: m[0], iso: `${m[2]}-${String(month).padStart(2, '0')}`, index: m.index });
  }
  return out.sort((a, b) => a.index - b.index);
}

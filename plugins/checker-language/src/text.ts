/**
 * Small text helpers the three checkers share: prose without inline code, word counts that agree
 * with the other checkers, and language names for messages.
 */
import { type ProseBlock, wordCount } from '@export-ia/core/plugin';

// Scripts written without spaces (Thai, Lao, Myanmar, Khmer, CJK): only Intl.Segmenter (with its
// dictionaries) can count their words. Code point ranges: a plain class is much faster than \p{sc=…}.
const UNSPACED = /[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u2e80-\u2fdf\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[\ud840-\ud87f]/;

/**
 * Number of words in a text, as the core's `words()` counts them (so spelling, style and these
 * metrics agree). The core picks its method by the document language; a paragraph written in an
 * unspaced script inside, say, an English document is sent to the segmenter all the same (ICU's
 * word dictionaries apply whatever the locale).
 */
export function countWords(text: string, lang = 'en'): number {
  return wordCount(text, UNSPACED.test(text) ? 'zh' : lang);
}

/**
 * The block's text with inline code and maths replaced by `fill` (same length, so indexes still
 * hold). Keyword extraction fills with a punctuation mark so code also ends a phrase.
 */
export function proseOnly(block: ProseBlock, fill = ' '): string {
  if (!block.pieces.some((p) => p.code)) return block.text;
  let out = '';
  let at = 0;
  for (const p of block.pieces) {
    if (!p.code) continue;
    out += block.text.slice(at, p.from) + fill.repeat(p.to - p.from);
    at = p.to;
  }
  return out + block.text.slice(at);
}

// Starts only where a run starts, with bounded parts: linear on long runs such as 'a.a.a…' (was quadratic).
const URLISH = /\b(?:https?:\/\/|www\.)\S+|(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}/gi;

/** Text for statistical language tools: no inline code, no URLs or e-mail addresses. */
export function cleanForDetection(block: ProseBlock): string {
  return proseOnly(block).replace(URLISH, ' ');
}

let names: Intl.DisplayNames | undefined;

/** `fr` → `French` (English names: messages are in English). */
export function languageName(code: string): string {
  names ??= new Intl.DisplayNames(['en'], { type: 'language' });
  try {
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}

/** `es-ES` → `es`; anything that is not a language tag → undefined. */
export function primarySubtag(tag: unknown): string | undefined {
  if (typeof tag !== 'string') return undefined;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return /^[a-z]{2,3}$/.test(primary) ? primary : undefined;
}

/** Rounds for metrics (JSON stays short and stable). */
export function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Reads a number from the plugin config, falling back when it is missing or not a number. */
export function configNumber(config: Readonly<Record<string, unknown>>, group: string, key: string, fallback: number): number {
  const g = config[group];
  const v = typeof g === 'object' && g !== null ? (g as Record<string, unknown>)[key] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

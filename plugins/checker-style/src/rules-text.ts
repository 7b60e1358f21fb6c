/**
 * Rules that work in every language: doubled words, spacing, typographic quotes.
 */
import { REPEAT_ALLOWED } from './english.js';
import type { BlockContext, Rule } from './rule.js';

const REPEATED = /(?<![\p{L}\p{M}\p{N}'’-])(\p{L}[\p{L}\p{M}]*)(\s+)\1(?![\p{L}\p{M}\p{N}'’-])/giu;

export const repeatedWord: Rule = {
  id: 'style/repeated-word',
  level: 'warning',
  english: false,
  quoted: true,
  summary: 'A word written twice in a row ("the the"), also across a line break; fix removes the second.',
  check(ctx) {
    const { text } = ctx.block;
    const allowed = REPEAT_ALLOWED[ctx.lang];
    REPEATED.lastIndex = 0;
    for (let m = REPEATED.exec(text); m; m = REPEATED.exec(text)) {
      const first = m[1] ?? '';
      const gap = m[2] ?? '';
      const start = m.index;
      const secondStart = start + first.length + gap.length;
      const end = start + m[0].length;
      const second = text.slice(secondStart, end);
      // "Walla Walla", "The The" (a name); "the The" is not a typo people make.
      if (second.charAt(0) !== second.charAt(0).toLowerCase()) continue;
      if (allowed?.has(first.toLowerCase())) continue;
      ctx.report({
        from: secondStart,
        to: end,
        message: `"${second}" is repeated.`,
        suggestion: `Remove the second "${second}".`,
        fix: ctx.map.fix(ctx.block, start + first.length, end, ''),
        data: { word: first.toLowerCase() },
      });
    }
  },
};

const SPACES = / {2,}/g;
const SENTENCE_END = /[.!?…]["'”’»)\]]*$/u;

function spacing(ctx: BlockContext, sentences: boolean): void {
  const { text } = ctx.block;
  SPACES.lastIndex = 0;
  for (let m = SPACES.exec(text); m; m = SPACES.exec(text)) {
    const from = m.index;
    const to = from + m[0].length;
    // Leading or trailing runs, and runs next to a line break, are layout rather than prose.
    if (from === 0 || to >= text.length || text.charCodeAt(from - 1) === 0x0a || text.charCodeAt(to) === 0x0a) continue;
    const afterSentence = SENTENCE_END.test(text.slice(Math.max(0, from - 4), from));
    if (afterSentence !== sentences) continue;
    ctx.report({
      from,
      to,
      message: sentences ? 'More than one space after the end of a sentence.' : 'More than one space between words.',
      suggestion: 'Use a single space.',
      fix: ctx.map.fix(ctx.block, from, to, ' '),
    });
  }
}

export const sentenceSpacing: Rule = {
  id: 'style/sentence-spacing',
  level: 'suggestion',
  english: false,
  quoted: true,
  summary: 'Two or more spaces after the end of a sentence in the source; fix leaves one.',
  check: (ctx) => spacing(ctx, true),
};

export const doubleSpace: Rule = {
  id: 'style/double-space',
  level: 'suggestion',
  english: false,
  quoted: true,
  summary: 'Two or more spaces between words inside a sentence; fix leaves one.',
  check: (ctx) => spacing(ctx, false),
};

interface QuoteStyle {
  double: readonly [string, string];
  single: readonly [string, string];
  /** French: the marks sit inside no-break spaces. */
  inner: string;
}

/** Typographic quotation marks by language (primary and single marks). */
export const QUOTE_STYLES: Readonly<Record<string, QuoteStyle>> = {
  en: { double: ['“', '”'], single: ['‘', '’'], inner: '' },
  es: { double: ['«', '»'], single: ['‘', '’'], inner: '' },
  fr: { double: ['«', '»'], single: ['‘', '’'], inner: '\u00a0' },
  de: { double: ['„', '“'], single: ['‚', '‘'], inner: '' },
  it: { double: ['«', '»'], single: ['‘', '’'], inner: '' },
  pt: { double: ['“', '”'], single: ['‘', '’'], inner: '' },
  nl: { double: ['“', '”'], single: ['‘', '’'], inner: '' },
};

const APOSTROPHE = '’';
const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{M}\p{N}]/u.test(c);
const isSpace = (c: string | undefined) => c === undefined || /\s/u.test(c);
const OPENERS = /[\s([{“‘«—–\-/]/u;

interface Mark {
  i: number;
  /** What the straight mark becomes. */
  to: string;
  done: boolean;
}

interface Pair {
  open: Mark;
  close: Mark;
  double: boolean;
}

/** Classifies the straight quotes of a text: pairs (double, single) and apostrophes. */
function scanQuotes(ctx: BlockContext, style: QuoteStyle): { pairs: Pair[]; apostrophes: Mark[]; all: Mark[] } {
  const { text } = ctx.block;
  const pairs: Pair[] = [];
  const apostrophes: Mark[] = [];
  const all: Mark[] = [];
  const spacedFrench = style.inner !== '';
  let openDouble: Mark | undefined;
  let openSingle: Mark | undefined;
  for (let i = text.search(/["']/); i >= 0 && i < text.length; i++) {
    const c = text.charAt(i);
    if (c !== '"' && c !== "'") continue;
    if (ctx.skip(i, i + 1)) continue;
    const prev = i > 0 ? text.charAt(i - 1) : undefined;
    const next = text.charAt(i + 1) || undefined;
    const canOpen = (prev === undefined || OPENERS.test(prev)) && (!isSpace(next) || (spacedFrench && c === '"'));
    const canClose = !isSpace(prev) || (spacedFrench && c === '"' && prev !== undefined);
    if (c === '"') {
      if (openDouble && canClose) {
        const close: Mark = { i, to: style.double[1], done: false };
        pairs.push({ open: openDouble, close, double: true });
        all.push(close);
        openDouble = undefined;
      } else if (canOpen) {
        openDouble = { i, to: style.double[0], done: false };
        all.push(openDouble);
      }
      continue;
    }
    // 5'10": feet and inches want primes, not quotes; leave them to the author.
    if (prev !== undefined && next !== undefined && /\p{N}/u.test(prev) && /\p{N}/u.test(next)) continue;
    if (isWordChar(prev) && isWordChar(next)) {
      const m: Mark = { i, to: APOSTROPHE, done: false };
      apostrophes.push(m);
      all.push(m);
    } else if (canOpen && !openSingle) {
      openSingle = { i, to: style.single[0], done: false };
      all.push(openSingle);
    } else if (!isSpace(prev)) {
      if (openSingle) {
        const close: Mark = { i, to: style.single[1], done: false };
        pairs.push({ open: openSingle, close, double: false });
        all.push(close);
        openSingle = undefined;
      } else {
        // The regulators' view: a possessive after a plural.
        const m: Mark = { i, to: APOSTROPHE, done: false };
        apostrophes.push(m);
        all.push(m);
      }
    }
  }
  // An opening mark never closed before a digit is an elision ('90s).
  if (openSingle && /\p{N}/u.test(text.charAt(openSingle.i + 1))) {
    openSingle.to = APOSTROPHE;
    apostrophes.push(openSingle);
  }
  pairs.sort((a, b) => a.open.i - b.open.i);
  return { pairs, apostrophes, all };
}

export const quotes: Rule = {
  id: 'style/quotes',
  level: 'suggestion',
  english: false,
  quoted: true,
  summary: 'Straight quotes and apostrophes in prose; fix uses the language’s typographic marks (en “…”, es «…», fr « … », de „…“) and ’.',
  check(ctx) {
    const style = QUOTE_STYLES[ctx.lang];
    const { text } = ctx.block;
    if (!style || (!text.includes('"') && !text.includes("'"))) return;
    const { pairs, apostrophes, all } = scanQuotes(ctx, style);
    const source = ctx.map.text;
    const at = (m: Mark) => {
      const o = ctx.map.offset(ctx.block, m.i);
      return o !== undefined && source !== undefined && (source[o] === '"' || source[o] === "'") ? o : undefined;
    };
    // Doubles first, so a pair's fix also converts the marks inside it (no overlapping fixes).
    const ordered = [...pairs.filter((p) => p.double), ...pairs.filter((p) => !p.double)];
    for (const pair of ordered) {
      if (pair.open.done || pair.close.done) continue;
      pair.open.done = pair.close.done = true;
      const o = at(pair.open);
      const c = at(pair.close);
      let fix: { start: number; end: number; text: string } | undefined;
      if (o !== undefined && c !== undefined && source !== undefined && c > o) {
        let inner = '';
        let from = o + 1;
        for (const m of all) {
          if (m.done || m.i <= pair.open.i || m.i >= pair.close.i) continue;
          const mo = at(m);
          if (mo === undefined || mo <= from - 1 || mo >= c) continue;
          inner += source.slice(from, mo) + m.to;
          from = mo + 1;
          m.done = true;
        }
        inner += source.slice(from, c);
        if (pair.double && style.inner) inner = `${style.inner}${inner.replace(/^[ \u00a0]+|[ \u00a0]+$/g, '')}${style.inner}`;
        fix = { start: o, end: c + 1, text: `${pair.open.to}${inner}${pair.close.to}` };
      }
      const marks = pair.double ? style.double : style.single;
      ctx.report({
        from: pair.open.i,
        to: pair.close.i + 1,
        message: `Use typographic quotation marks (${marks[0]}${style.inner}…${style.inner}${marks[1]}) instead of straight ones.`,
        suggestion: `${marks[0]}${style.inner}${text.slice(pair.open.i + 1, pair.close.i).trim()}${style.inner}${marks[1]}`,
        fix,
      });
    }
    for (const m of apostrophes) {
      if (m.done) continue;
      m.done = true;
      const o = at(m);
      ctx.report({
        from: m.i,
        to: m.i + 1,
        message: "Use a typographic apostrophe (’) instead of a straight one (').",
        suggestion: '’',
        fix: o === undefined ? undefined : { start: o, end: o + 1, text: APOSTROPHE },
      });
    }
  },
};

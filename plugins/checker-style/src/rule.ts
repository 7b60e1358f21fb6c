/**
 * What a rule sees and returns. Rules work on one prose block at a time, in block-text indexes;
 * the checker turns their hits into findings with source positions, drops hits that touch inline
 * code or a URL, and keeps fixes only where they map back onto the source.
 */
import type { FindingSeverity, Fix, ProseBlock } from '@export-ia/core/plugin';
import type { SourceMap } from './source-map.js';

export type Level = FindingSeverity | 'off';

export const LEVELS: readonly Level[] = ['off', 'error', 'warning', 'suggestion', 'info'];

/** One thing a rule saw, in block-text indexes. */
export interface Hit {
  from: number;
  to: number;
  message: string;
  suggestion?: string;
  /** Already in source offsets (built with `ctx.map`), only when safe. */
  fix?: Fix | undefined;
  data?: Record<string, unknown>;
}

/** Options every rule may read (from the plugin configuration). */
export interface RuleOptions {
  passiveMaxPerSection: number;
}

export interface BlockContext {
  readonly block: ProseBlock;
  /** Primary language subtag (`en`, `es`). */
  readonly lang: string;
  readonly map: SourceMap;
  readonly options: RuleOptions;
  /** Per-document counters (e.g. passive findings per section). */
  readonly counts: Map<string, number>;
  /**
   * True when the block belongs to one part of a document analysed in sections: rules with a
   * `documentLimit` then report every match up to the limit + 1 (the merge keeps the document's).
   */
  readonly sectioned: boolean;
  /** The block's sentences (computed once per block, on first use). */
  sentences(): ReadonlyArray<{ sentence: string; index: number }>;
  /** True when [from, to) touches inline code or a URL: rules skip such matches. */
  skip(from: number, to: number): boolean;
  /** Reports a hit (ignored when it touches code or a URL); returns whether it was kept. */
  report(hit: Hit): boolean;
}

export interface Rule {
  /** `style/<kebab-case>`. */
  readonly id: string;
  /** Level when the configuration says nothing. */
  readonly level: Level;
  /** Uses English word lists: runs only on English documents. */
  readonly english: boolean;
  /** Also runs in block quotes (someone else's words): only for typography, never wording. */
  readonly quoted: boolean;
  /** One line for the README and reports. */
  readonly summary: string;
  /**
   * For rules that report the match past a limit counted over the whole document (occurrence
   * rules with `scope: document`): that limit. Documents analysed in sections count across parts.
   */
  readonly documentLimit?: number;
  check(ctx: BlockContext): void;
}

/** Letters and digits: what a "word" character is in every language (the `u` flag is required). */
export const WORD_CHAR = '[\\p{L}\\p{M}\\p{N}]';
/** Word boundaries that work for non-ASCII letters (JavaScript's `\b` is ASCII-only). */
export const BEFORE = `(?<!${WORD_CHAR})`;
export const AFTER = `(?!${WORD_CHAR})`;

/** Escapes a literal for a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A phrase as a pattern: words separated by any whitespace (a line break included). */
export function phrasePattern(phrase: string): string {
  return phrase.trim().split(/\s+/).map(escapeRegExp).join('\\s+');
}

/** Gives `replacement` the capitalisation of `original` (first letter, or all caps). */
export function matchCase(original: string, replacement: string): string {
  if (replacement === '') return replacement;
  if (original.length > 1 && original === original.toUpperCase() && original !== original.toLowerCase()) return replacement.toUpperCase();
  const first = original.charAt(0);
  if (first !== first.toLowerCase()) return replacement.charAt(0).toUpperCase() + replacement.slice(1);
  return replacement;
}

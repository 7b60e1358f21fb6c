/**
 * House-style rules written like Vale's (https://vale.sh/docs/checks): YAML files or inline
 * objects of five kinds — existence, substitution, occurrence, repetition, capitalization —
 * compiled once into Unicode-aware regular expressions. A file that is not YAML throws
 * EIA_CONFIG_PARSE with the line; a rule that makes no sense throws EIA_CONFIG_INVALID.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { ExportIaError, type ProseBlock } from '@export-ia/core/plugin';
import { LineCounter, parseDocument } from 'yaml';
import { closest } from './closest.js';
import { AFTER, BEFORE, type BlockContext, type Level, matchCase, type Rule } from './rule.js';

export const HOUSE_KINDS = ['existence', 'substitution', 'occurrence', 'repetition', 'capitalization'] as const;
export type HouseKind = (typeof HOUSE_KINDS)[number];

const COMMON_KEYS = ['extends', 'message', 'level', 'ignorecase', 'description', 'link', 'id', 'scope'];
const KIND_KEYS: Readonly<Record<HouseKind, readonly string[]>> = {
  existence: ['tokens', 'nonword', 'exceptions'],
  substitution: ['swap', 'nonword', 'exceptions'],
  occurrence: ['token', 'max'],
  repetition: ['tokens', 'distance', 'max'],
  capitalization: ['match', 'exceptions'],
};
const DEFAULT_MESSAGES: Readonly<Record<HouseKind, string>> = {
  existence: "Avoid '%s'.",
  substitution: "Use '%s' instead of '%s'.",
  occurrence: 'More than %s occurrences in one %s.',
  repetition: "'%s' is repeated within %s words.",
  capitalization: "'%s' should use %s capitalization.",
};
const RULE_LEVELS = ['error', 'warning', 'suggestion', 'info'];
const CASES = ['$title', '$sentence', '$lower', '$upper'];
/** Words a title keeps in lower case unless first or last. */
const MINOR_WORDS = new Set('a an the and but or nor for so yet as at by in of off on per to up via vs'.split(' '));

/** Fills `%s` placeholders in order. */
function format(message: string, ...args: Array<string | number>): string {
  let i = 0;
  return message.replace(/%s/g, () => String(args[i++] ?? ''));
}

/** Where a rule comes from, for messages: a file path or the configuration. */
interface Origin {
  source: string;
  /** Line of a key in the file, when known. */
  lineOf?: (key: string) => number | undefined;
}

function invalid(origin: Origin, id: string, detail: string, key?: string): ExportIaError {
  const line = key === undefined ? undefined : origin.lineOf?.(key);
  return new ExportIaError('EIA_CONFIG_INVALID', { source: origin.source, detail: `rule "${id}": ${detail}${line ? ` (line ${line})` : ''}` });
}

/** Compiles a user pattern with the `u` flag; Go/PCRE habits (`(?i)`, `\-`) are accepted. */
function compilePattern(pattern: string, flags: string, fail: (detail: string) => ExportIaError): RegExp {
  let p = pattern;
  let f = flags;
  if (p.startsWith('(?i)')) {
    p = p.slice(4);
    if (!f.includes('i')) f += 'i';
  }
  try {
    return new RegExp(p, f);
  } catch {
    try {
      // Unicode mode refuses escapes of characters that need none (`\-`, `\'`); drop those.
      return new RegExp(p.replace(/\\(?=[^\w\\^$.*+?()[\]{}|/])/g, ''), f);
    } catch (err) {
      throw fail(`invalid pattern "${pattern}": ${(err as Error).message}`);
    }
  }
}

type BlockFilter = (block: ProseBlock) => boolean;

/** `scope` as a filter on blocks: text (all), heading, heading.h1…h6, paragraph, tableCell. */
function blockScope(scope: string): BlockFilter | undefined {
  if (scope === 'text') return () => true;
  if (scope === 'paragraph') return (b) => b.kind === 'paragraph';
  if (scope === 'heading') return (b) => b.kind === 'heading';
  if (scope === 'table' || scope === 'tableCell') return (b) => b.kind === 'tableCell';
  const h = /^heading\.h([1-6])$/.exec(scope);
  if (h) return (b) => b.kind === 'heading' && b.depth === Number(h[1]);
  return undefined;
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every((t) => typeof t === 'string' && t !== '');

function alternation(tokens: readonly string[]): string {
  return tokens.map((t) => `(?:${t.startsWith('(?i)') ? t.slice(4) : t})`).join('|');
}

/** Builds one house rule from its definition; `name` is its id without the `style/` prefix. */
export function compileHouseRule(name: string, def: Record<string, unknown>, origin: Origin): Rule {
  const id = `style/${name}`;
  const kind = def.extends;
  if (typeof kind !== 'string' || !(HOUSE_KINDS as readonly string[]).includes(kind)) {
    const hint = typeof kind === 'string' ? ` (did you mean "${closest(kind, HOUSE_KINDS)}"?)` : '';
    throw invalid(origin, id, `"extends" must be one of ${HOUSE_KINDS.join(', ')}; got ${JSON.stringify(kind ?? null)}${hint}`, 'extends');
  }
  const k = kind as HouseKind;
  const allowed = [...COMMON_KEYS, ...KIND_KEYS[k]];
  for (const key of Object.keys(def)) {
    if (!allowed.includes(key)) throw invalid(origin, id, `unknown key "${key}" for ${k} (did you mean "${closest(key, allowed)}"?)`, key);
  }
  const level = def.level ?? 'warning';
  if (typeof level !== 'string' || !RULE_LEVELS.includes(level)) throw invalid(origin, id, `"level" must be one of ${RULE_LEVELS.join(', ')}`, 'level');
  if (def.message !== undefined && typeof def.message !== 'string') throw invalid(origin, id, '"message" must be a string', 'message');
  const message = (def.message as string | undefined) ?? DEFAULT_MESSAGES[k];
  const ignorecase = def.ignorecase === true;
  const flags = ignorecase ? 'giu' : 'gu';
  const fail = (key: string) => (detail: string) => invalid(origin, id, detail, key);
  const exceptions = def.exceptions === undefined ? [] : def.exceptions;
  if (!Array.isArray(exceptions) || !exceptions.every((e) => typeof e === 'string'))
    throw invalid(origin, id, '"exceptions" must be a list of strings', 'exceptions');
  const except = new Set(exceptions.map((e) => (ignorecase ? e.toLowerCase() : e)));
  const isException = (text: string) => except.has(ignorecase ? text.toLowerCase() : text);
  const bounded = (body: string) => (def.nonword === true ? `(?:${body})` : `${BEFORE}(?:${body})${AFTER}`);
  const scope = def.scope ?? (k === 'capitalization' ? 'heading' : k === 'occurrence' ? 'sentence' : 'text');
  const scopes = k === 'occurrence' ? ['sentence', 'paragraph', 'document'] : ['text', 'heading', 'heading.h1…h6', 'paragraph', 'tableCell'];
  // Occurrence scopes say what to count in; the others say which blocks to look at.
  const filter = typeof scope !== 'string' ? undefined : k === 'occurrence' ? (scopes.includes(scope) ? () => true : undefined) : blockScope(scope);
  if (!filter) throw invalid(origin, id, `"scope" must be one of ${scopes.join(', ')}`, 'scope');
  const rule = (check: (ctx: BlockContext) => void, documentLimit?: number): Rule => ({
    id,
    level: level as Level,
    english: false,
    quoted: false,
    summary: typeof def.description === 'string' ? def.description : `${k} rule from ${origin.source}`,
    ...(documentLimit === undefined ? {} : { documentLimit }),
    check: (ctx) => {
      if (filter(ctx.block)) check(ctx);
    },
  });
  const link = typeof def.link === 'string' ? { link: def.link } : undefined;

  switch (k) {
    case 'existence': {
      if (!isStringList(def.tokens)) throw invalid(origin, id, '"tokens" must be a non-empty list of strings', 'tokens');
      const re = compilePattern(bounded(alternation(def.tokens)), flags, fail('tokens'));
      return rule((ctx) => {
        const { text } = ctx.block;
        re.lastIndex = 0;
        for (let m = re.exec(text); m; m = re.exec(text)) {
          if (m[0] === '') {
            re.lastIndex++;
            continue;
          }
          if (isException(m[0])) continue;
          ctx.report({ from: m.index, to: m.index + m[0].length, message: format(message, m[0]), ...(link ? { data: link } : {}) });
        }
      });
    }
    case 'substitution': {
      const swap = def.swap;
      if (typeof swap !== 'object' || swap === null || Array.isArray(swap) || Object.keys(swap).length === 0) {
        throw invalid(origin, id, '"swap" must be a map of "found: replacement"', 'swap');
      }
      const entries = Object.entries(swap as Record<string, unknown>).map(([from, to]) => {
        if (typeof to !== 'string' || from === '') throw invalid(origin, id, `"swap" entry "${from}" must map to a string`, 'swap');
        return { key: compilePattern(`^(?:${from})$`, ignorecase ? 'iu' : 'u', fail('swap')), to };
      });
      const re = compilePattern(bounded(alternation(Object.keys(swap))), flags, fail('swap'));
      return rule((ctx) => {
        const { text } = ctx.block;
        re.lastIndex = 0;
        for (let m = re.exec(text); m; m = re.exec(text)) {
          const found = m[0];
          if (found === '' || isException(found)) continue;
          const entry = entries.find((e) => e.key.test(found));
          if (!entry) continue;
          const options = entry.to.split('|').map((o) => o.trim());
          if (options.some((o) => o.toLowerCase() === found.toLowerCase())) continue;
          const use = options.length === 1 ? matchCase(found, options[0] ?? '') : options.join(' or ');
          ctx.report({
            from: m.index,
            to: m.index + found.length,
            message: format(message, use, found),
            suggestion: use,
            // Only a single, literal replacement is a safe edit.
            fix: options.length === 1 ? ctx.map.fix(ctx.block, m.index, m.index + found.length, use) : undefined,
            ...(link ? { data: link } : {}),
          });
        }
      });
    }
    case 'occurrence': {
      if (typeof def.token !== 'string' || def.token === '') throw invalid(origin, id, '"token" must be a non-empty string', 'token');
      const max = def.max;
      if (typeof max !== 'number' || !Number.isInteger(max) || max < 0) throw invalid(origin, id, '"max" must be a whole number ≥ 0', 'max');
      const re = compilePattern(def.token, flags, fail('token'));
      const unit = scope as string;
      return rule(
        (ctx) => {
          const { text } = ctx.block;
          const spans: Array<{ from: number; to: number }> =
            unit === 'sentence' ? ctx.sentences().map((s) => ({ from: s.index, to: s.index + s.sentence.length })) : [{ from: 0, to: text.length }];
          const sectioned = unit === 'document' && ctx.sectioned;
          for (const span of spans) {
            let count = unit === 'document' ? (ctx.counts.get(id) ?? 0) : 0;
            re.lastIndex = span.from;
            for (let m = re.exec(text); m && m.index < span.to; m = re.exec(text)) {
              if (m[0] === '') {
                re.lastIndex++;
                continue;
              }
              if (ctx.skip(m.index, m.index + m[0].length)) continue;
              count++;
              // In one part of a sectioned document, the document's (max + 1)th may be any of the part's first max + 1.
              if (count === max + 1 || (sectioned && count <= max + 1))
                ctx.report({ from: m.index, to: m.index + m[0].length, message: format(message, max, unit), ...(link ? { data: link } : {}) });
            }
            if (unit === 'document') ctx.counts.set(id, count);
          }
        },
        unit === 'document' ? max : undefined,
      );
    }
    case 'repetition': {
      if (!isStringList(def.tokens)) throw invalid(origin, id, '"tokens" must be a non-empty list of strings', 'tokens');
      const distance = def.distance ?? def.max ?? 10;
      if (typeof distance !== 'number' || !Number.isInteger(distance) || distance < 1)
        throw invalid(origin, id, '"distance" must be a whole number ≥ 1', 'distance');
      const re = compilePattern(bounded(alternation(def.tokens)), flags, fail('tokens'));
      const word = /[\p{L}\p{M}\p{N}]+/gu;
      return rule((ctx) => {
        const { text } = ctx.block;
        const starts = Array.from(text.matchAll(word), (w) => w.index);
        const seen = new Map<string, number>();
        let words = 0;
        re.lastIndex = 0;
        for (let m = re.exec(text); m; m = re.exec(text)) {
          if (m[0] === '') {
            re.lastIndex++;
            continue;
          }
          if (ctx.skip(m.index, m.index + m[0].length)) continue;
          // Word number of this match: the words that start before it.
          while (words < starts.length && (starts[words] ?? 0) < m.index) words++;
          const key = ignorecase ? m[0].toLowerCase() : m[0];
          const last = seen.get(key);
          seen.set(key, words);
          if (last !== undefined && words - last <= distance) {
            ctx.report({ from: m.index, to: m.index + m[0].length, message: format(message, m[0], distance), ...(link ? { data: link } : {}) });
          }
        }
      });
    }
    case 'capitalization': {
      const match = def.match;
      if (typeof match !== 'string' || match === '') throw invalid(origin, id, `"match" must be one of ${CASES.join(', ')} or a pattern`, 'match');
      const custom = CASES.includes(match) ? undefined : compilePattern(`^(?:${match})$`, ignorecase ? 'iu' : 'u', fail('match'));
      const style = custom ? match : match.slice(1);
      return rule((ctx) => {
        const { block } = ctx;
        const text = block.text.trim();
        if (text === '') return;
        const start = block.text.indexOf(text);
        // Words in inline code keep their case (`npm`, `parseMarkdown`).
        const code = new Set<string>();
        for (const p of block.pieces) if (p.code) for (const w of block.text.slice(p.from, p.to).split(/\s+/)) code.add(w);
        const keep = (w: string) => isException(w) || code.has(w);
        const expected = custom ? (custom.test(text) ? text : undefined) : recase(text, match, keep);
        if (expected === text) return;
        ctx.report({
          from: start,
          to: start + text.length,
          message: format(message, text, style),
          ...(expected === undefined ? {} : { suggestion: expected }),
          // Sentence case cannot know proper nouns: suggest it, never apply it.
          fix: expected !== undefined && match !== '$sentence' && code.size === 0 ? ctx.map.fix(block, start, start + text.length, expected) : undefined,
          ...(link ? { data: link } : {}),
        });
      });
    }
  }
}

/** The text in the wanted case; words with digits, inner capitals or listed as exceptions are kept. */
export function recase(text: string, match: string, isException: (word: string) => boolean): string {
  if (match === '$upper') return text.toUpperCase();
  if (match === '$lower') return text.toLowerCase();
  const parts = text.split(/(\s+)/);
  const wordIndexes = parts.map((p, i) => (/\S/.test(p) ? i : -1)).filter((i) => i >= 0);
  const firstWord = wordIndexes[0];
  const lastWord = wordIndexes[wordIndexes.length - 1];
  let afterColon = false;
  return parts
    .map((part, i) => {
      if (!/\S/.test(part)) return part;
      const lead = /^[^\p{L}]*/u.exec(part)?.[0] ?? '';
      const word = part.slice(lead.length);
      const bare = word.replace(/[^\p{L}\p{M}'’-]+$/u, '');
      const starts = i === firstWord || afterColon;
      afterColon = /:$/.test(part);
      if (bare === '' || isException(bare) || /\p{N}/u.test(bare) || /\p{Lu}/u.test(bare.slice(1))) return part;
      const capital = bare.charAt(0).toUpperCase() + bare.slice(1);
      const lower = bare.toLowerCase();
      let next: string;
      if (match === '$sentence') next = starts ? capital : lower;
      else next = !starts && i !== lastWord && MINOR_WORDS.has(lower) ? lower : capital;
      return lead + next + word.slice(bare.length);
    })
    .join('');
}

/** A YAML file's rule definition, with line numbers for its keys. */
export function readRuleFile(file: string): { def: Record<string, unknown>; origin: Origin } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ExportIaError('EIA_CONFIG_INVALID', {
      source: file,
      detail: `cannot read the style rule: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    throw new ExportIaError('EIA_CONFIG_PARSE', { file, detail: `${error.message.split('\n')[0]} (line ${line}, column ${col})` });
  }
  const def = doc.toJS() as unknown;
  if (typeof def !== 'object' || def === null || Array.isArray(def)) {
    throw new ExportIaError('EIA_CONFIG_INVALID', { source: file, detail: 'a style rule file must be a YAML mapping (extends, message, level…)' });
  }
  const lineOf = (key: string) => {
    const node = doc.get(key, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  };
  return { def: def as Record<string, unknown>, origin: { source: file, lineOf } };
}

/** The rule files a `styles` entry names: one file, or the .yml/.yaml files of a folder. */
export function ruleFiles(path: string, configKey: string): string[] {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    throw new ExportIaError('EIA_CONFIG_INVALID', { source: configKey, detail: `style path "${path}" does not exist` });
  }
  if (!stat.isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => /\.ya?ml$/i.test(f))
    .sort()
    .map((f) => join(path, f));
}

/** Rule name from a file name: `NoUtilize.yml` → `no-utilize`. */
export function ruleNameOf(file: string): string {
  return basename(file, extname(file))
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

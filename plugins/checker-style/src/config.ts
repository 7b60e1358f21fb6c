/**
 * The plugin configuration turned into the list of rules to run, each with its severity:
 * built-in defaults, house rules from `styles` files and inline `rules` objects, then the levels
 * of `rules`. Compiled once per configuration (by object, then by content) and recompiled only
 * when a style file changes on disk.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ExportIaError, type FindingSeverity } from '@export-ia/core/plugin';
import { closest } from './closest.js';
import { compileHouseRule, readRuleFile, ruleFiles, ruleNameOf } from './house-rules.js';
import { LEVELS, type Level, type Rule, type RuleOptions } from './rule.js';
import { aAn, contractions, equality, intensifiers, passiveVoice, profanity, wordy } from './rules-english.js';
import { doubleSpace, quotes, repeatedWord, sentenceSpacing } from './rules-text.js';

/** The configuration keys (see package.json `exportIa.configSchema`). */
export interface StyleConfig {
  rules?: Record<string, unknown>;
  styles?: string[];
  formal?: boolean;
  passiveMaxPerSection?: number;
}

export const BUILTIN_RULES: readonly Rule[] = [
  repeatedWord,
  aAn,
  sentenceSpacing,
  doubleSpace,
  wordy,
  passiveVoice,
  quotes,
  contractions,
  intensifiers,
  equality,
  profanity,
];

export interface ActiveRule {
  rule: Rule;
  severity: FindingSeverity;
}

export interface CompiledStyle {
  active: ActiveRule[];
  options: RuleOptions;
}

const SOURCE = 'pluginConfig.checker-style';

interface Entry {
  key: string;
  compiled: CompiledStyle;
  /** Style files and folders read, with what they looked like then. */
  watched: Array<{ path: string; mtimeMs: number; size: number }>;
}

const byObject = new WeakMap<object, Entry>();
const byKey = new Map<string, Entry>();

function unchanged(entry: Entry): boolean {
  return entry.watched.every((w) => {
    try {
      const s = statSync(w.path);
      return s.mtimeMs === w.mtimeMs && s.size === w.size;
    } catch {
      return false;
    }
  });
}

const bad = (detail: string) => new ExportIaError('EIA_CONFIG_INVALID', { source: SOURCE, detail });

/** `passive-voice` and `style/passive-voice` name the same rule. */
const fullId = (id: string) => (id.startsWith('style/') ? id : `style/${id}`);

function build(config: StyleConfig, cwd: string): Entry['compiled'] & { watched: Entry['watched'] } {
  const watched: Entry['watched'] = [];
  const watch = (path: string) => {
    try {
      const s = statSync(path);
      watched.push({ path, mtimeMs: s.mtimeMs, size: s.size });
    } catch {
      // A file that vanished fails when read; nothing to watch.
    }
  };
  const rules = config.rules ?? {};
  if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) throw bad('"rules" must be a map of rule id to a level or a rule definition');
  const styles = config.styles ?? [];
  if (!Array.isArray(styles) || !styles.every((s) => typeof s === 'string')) throw bad('"styles" must be a list of paths');
  const passiveMax = config.passiveMaxPerSection ?? 2;
  if (typeof passiveMax !== 'number' || !Number.isInteger(passiveMax) || passiveMax < 0) throw bad('"passiveMaxPerSection" must be a whole number ≥ 0');

  const house: Rule[] = [];
  for (const entry of styles) {
    const path = resolve(cwd, entry);
    watch(path);
    for (const file of ruleFiles(path, `${SOURCE}.styles`)) {
      watch(file);
      const { def, origin } = readRuleFile(file);
      const name = typeof def.id === 'string' ? def.id.replace(/^style\//, '') : ruleNameOf(file);
      house.push(compileHouseRule(name, def, origin));
    }
  }
  for (const [key, value] of Object.entries(rules)) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      house.push(compileHouseRule(fullId(key).slice('style/'.length), value as Record<string, unknown>, { source: `${SOURCE}.rules` }));
    }
  }
  const known = new Map<string, Rule>(BUILTIN_RULES.map((r) => [r.id, r]));
  for (const rule of house) {
    if (known.has(rule.id)) throw bad(`two rules are named "${rule.id}"; give one of them another name (file name or "id")`);
    known.set(rule.id, rule);
  }

  const levels = new Map<string, Level>();
  for (const [key, value] of Object.entries(rules)) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) continue;
    const id = fullId(key);
    if (!known.has(id)) {
      throw bad(`unknown rule "${key}" in "rules" (did you mean "${closest(id, [...known.keys()])}"?)`);
    }
    if (typeof value !== 'string' || !LEVELS.includes(value as Level))
      throw bad(`rule "${key}": level must be one of ${LEVELS.join(', ')}; got ${JSON.stringify(value)}`);
    levels.set(id, value as Level);
  }
  if (config.formal === true && !levels.has(contractions.id)) levels.set(contractions.id, 'suggestion');

  const active: ActiveRule[] = [];
  for (const rule of known.values()) {
    const level = levels.get(rule.id) ?? rule.level;
    if (level !== 'off') active.push({ rule, severity: level });
  }
  return { active, options: { passiveMaxPerSection: passiveMax }, watched };
}

/** The compiled rules for a configuration, cached. */
export function compileStyle(config: Readonly<Record<string, unknown>>, cwd: string): CompiledStyle {
  const cached = byObject.get(config);
  const key = `${cwd}\u0000${JSON.stringify(config)}`;
  if (cached && cached.key === key && unchanged(cached)) return cached.compiled;
  const known = byKey.get(key);
  if (known && unchanged(known)) {
    byObject.set(config, known);
    return known.compiled;
  }
  const { watched, ...compiled } = build(config as StyleConfig, cwd);
  const entry: Entry = { key, compiled, watched };
  if (byKey.size >= 32) byKey.delete(byKey.keys().next().value as string);
  byKey.set(key, entry);
  byObject.set(config, entry);
  return compiled;
}

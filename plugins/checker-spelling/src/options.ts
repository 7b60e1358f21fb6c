/**
 * The checker's configuration (`pluginConfig.checker-spelling`), with its defaults and the
 * personal word list, compiled once per configuration object.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ExportIaError } from '@export-ia/core/plugin';

/** The configuration, as package.json's configSchema describes it. */
export interface SpellingConfig {
  ignoreUppercase?: boolean;
  ignoreCapitalized?: boolean;
  britishSpellings?: boolean;
  wordFormation?: boolean;
  words?: string[];
  ignore?: string[];
  wordListFile?: string;
  maxSuggestions?: number;
  suggestionsPerWord?: number;
  maxPerWord?: number;
  paragraphLanguages?: boolean;
}

export interface SpellingOptions {
  ignoreUppercase: boolean;
  /** Undefined: decided per language (true, except for German, which capitalises every noun). */
  ignoreCapitalized: boolean | undefined;
  britishSpellings: boolean;
  wordFormation: boolean;
  words: ReadonlySet<string>;
  ignore: readonly RegExp[];
  wordListFile: string | undefined;
  maxSuggestions: number;
  suggestionsPerWord: number;
  maxPerWord: number;
  paragraphLanguages: boolean;
}

const compiled = new WeakMap<object, SpellingOptions>();

/** The options for a configuration object (cached: the host passes the same object every run). */
export function spellingOptions(config: Readonly<Record<string, unknown>>, pluginId: string): SpellingOptions {
  let options = compiled.get(config);
  if (options) return options;
  const c = config as SpellingConfig;
  const ignore = (c.ignore ?? []).map((source, i) => {
    try {
      return new RegExp(source, 'u');
    } catch (err) {
      throw new ExportIaError('EIA_PLUGIN_CONFIG_INVALID', { plugin: pluginId, key: `ignore.${i}`, detail: (err as Error).message });
    }
  });
  options = {
    ignoreUppercase: c.ignoreUppercase ?? true,
    ignoreCapitalized: c.ignoreCapitalized,
    britishSpellings: c.britishSpellings ?? true,
    wordFormation: c.wordFormation ?? true,
    words: new Set((c.words ?? []).map((w) => w.trim().normalize()).filter((w) => w !== '')),
    ignore,
    wordListFile: c.wordListFile,
    maxSuggestions: c.maxSuggestions ?? 50,
    suggestionsPerWord: c.suggestionsPerWord ?? 3,
    maxPerWord: c.maxPerWord ?? 5,
    paragraphLanguages: c.paragraphLanguages ?? true,
  };
  compiled.set(config, options);
  return options;
}

const wordLists = new Map<string, { mtimeMs: number; size: number; words: ReadonlySet<string> }>();

/**
 * The words of a project word list (one per line; blank lines and `#` comments skipped), read
 * again only when the file changes. A configured file that cannot be read is a configuration error.
 */
export function readWordList(file: string, cwd: string, pluginId: string): ReadonlySet<string> {
  const path = resolve(cwd, file);
  try {
    const st = statSync(path);
    const cached = wordLists.get(path);
    if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return cached.words;
    const words = new Set(
      readFileSync(path, 'utf8')
        .split(/\r?\n/)
        .map((line) => line.trim().normalize())
        .filter((line) => line !== '' && !line.startsWith('#')),
    );
    wordLists.set(path, { mtimeMs: st.mtimeMs, size: st.size, words });
    return words;
  } catch (err) {
    throw new ExportIaError('EIA_PLUGIN_CONFIG_INVALID', {
      plugin: pluginId,
      key: 'wordListFile',
      detail: `cannot read the word list ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    });
  }
}

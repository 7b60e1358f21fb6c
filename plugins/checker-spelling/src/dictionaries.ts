/**
 * Hunspell dictionaries, found by package name and loaded once per process.
 *
 * Dictionaries are separate packages (`@export-ia/dictionary-<lang>`, `…-<lang>-<region>`) so
 * their licences (GPL, MPL…) stay out of this plugin: each one only says where its `.aff` and
 * `.dic` files are. They are resolved from this plugin's folder at run time; one that is not
 * installed simply means the language is not checked.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Hunspell, HunspellFactory } from 'hunspell-asm';

/** A loaded dictionary: answers are cached per distinct word for the life of the process. */
export interface Speller {
  /** The dictionary's language (`en`, `en-gb`), from its package. */
  readonly lang: string;
  /** The package it came from. */
  readonly packageName: string;
  /** True when the dictionary knows the word (Hunspell also accepts `Word` and `WORD` for `word`). */
  spell(word: string): boolean;
  /** Hunspell's suggestions, best first, at most `max`. Slow (10-80 ms a word the first time): cached. */
  suggest(word: string, max: number): string[];
}

/** What a dictionary package exports. */
interface DictionaryFiles {
  lang: string;
  aff: string;
  dic: string;
}

const requireHere = createRequire(import.meta.url);

// Answers per word; bounded so a process that checks many documents does not grow without end.
const MAX_CACHED_WORDS = 200_000;

let factory: Promise<HunspellFactory> | undefined;
const spellers = new Map<string, Promise<Speller | undefined>>();

/** The packages that could hold a dictionary for a BCP 47 tag, most specific first (`en-GB` → `…-en-gb`, `…-en`). */
export function dictionaryPackages(tag: string): string[] {
  const parts = tag.toLowerCase().split(/[-_]/);
  const primary = parts[0] ?? '';
  if (!/^[a-z]{2,3}$/.test(primary)) return [];
  const region = parts.slice(1).find((p) => /^(?:[a-z]{2}|\d{3})$/.test(p));
  return [...(region ? [`@export-ia/dictionary-${primary}-${region}`] : []), `@export-ia/dictionary-${primary}`];
}

/**
 * The dictionary for a language tag, loaded on first use and kept; undefined when no dictionary
 * package for it is installed. Concurrent callers share one load.
 */
export async function spellerFor(tag: string): Promise<Speller | undefined> {
  for (const name of dictionaryPackages(tag)) {
    const found = await spellerNamed(name);
    if (found) return found;
  }
  return undefined;
}

/** The dictionary of one package (`@export-ia/dictionary-en`), loaded on first use and kept; undefined when not installed. */
export function spellerNamed(packageName: string): Promise<Speller | undefined> {
  let speller = spellers.get(packageName);
  if (!speller) {
    speller = loadSpeller(packageName);
    spellers.set(packageName, speller);
    // A failed load (a broken package) is reported to this caller and retried by the next one.
    speller.catch(() => spellers.delete(packageName));
  }
  return speller;
}

async function loadSpeller(packageName: string): Promise<Speller | undefined> {
  let entry: string;
  try {
    entry = requireHere.resolve(packageName);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw err;
  }
  const mod = (await import(pathToFileURL(entry).href)) as { default?: Partial<DictionaryFiles> };
  const files = mod.default;
  if (typeof files?.aff !== 'string' || typeof files.dic !== 'string' || typeof files.lang !== 'string') {
    throw new Error(`${packageName} does not export { lang, aff, dic } (the paths of a Hunspell dictionary)`);
  }
  const [aff, dic, hunspellFactory] = await Promise.all([readFile(files.aff), readFile(files.dic), loadFactory()]);
  // Hunspell reads both files while it builds its tables; the in-memory copies are dropped afterwards.
  const id = packageName.replace(/[^a-z0-9-]/g, '_');
  const affPath = hunspellFactory.mountBuffer(aff, `${id}.aff`);
  const dicPath = hunspellFactory.mountBuffer(dic, `${id}.dic`);
  let hunspell: Hunspell;
  try {
    hunspell = hunspellFactory.create(affPath, dicPath);
  } finally {
    hunspellFactory.unmount(affPath);
    hunspellFactory.unmount(dicPath);
  }
  return cachedSpeller(files.lang, packageName, hunspell);
}

function loadFactory(): Promise<HunspellFactory> {
  factory ??= import('hunspell-asm').then((m) => m.loadModule());
  factory.catch(() => {
    factory = undefined;
  });
  return factory;
}

function cachedSpeller(lang: string, packageName: string, hunspell: Hunspell): Speller {
  const known = new Map<string, boolean>();
  const suggestions = new Map<string, string[]>();
  return {
    lang,
    packageName,
    spell(word) {
      let ok = known.get(word);
      if (ok === undefined) {
        if (known.size >= MAX_CACHED_WORDS) known.clear();
        ok = hunspell.spell(word);
        known.set(word, ok);
      }
      return ok;
    },
    suggest(word, max) {
      let list = suggestions.get(word);
      if (!list) {
        if (suggestions.size >= MAX_CACHED_WORDS / 100) suggestions.clear();
        list = hunspell.suggest(word);
        suggestions.set(word, list);
      }
      return list.slice(0, max);
    },
  };
}

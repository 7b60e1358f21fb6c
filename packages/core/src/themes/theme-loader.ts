import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseYamlFile } from '../config/config-file.js';
import { describeSchemaErrors } from '../config/settings.js';
import { ExportIaError, isExportIaError } from '../errors/export-ia-error.js';
import { validateThemeFile } from '../generated/validators.js';
import { type ImageMediaType, readImageInfo } from '../util/image-info.js';
import { BASE_THEME, type Theme } from './theme-schema.js';

/** A theme ready for exporters: every key set, paths absolute, logo read and checked. */
export interface ResolvedTheme extends Omit<Theme, 'logo' | 'extends'> {
  /** Files the theme was built from, most specific first. */
  sources: string[];
  logo?: { path: string; mediaType: ImageMediaType; width: number; height: number; data: Uint8Array };
}

type Json = Record<string, unknown>;

function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge where `over` wins; arrays are replaced, not concatenated. */
export function mergeDeep<T>(base: T, over: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(over)) return (over === undefined ? base : over) as T;
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeDeep(out[k], v);
  return out as T;
}

/**
 * Resolves `npm:<package>/<path>` by walking up `node_modules` folders from `fromDir` (like Node,
 * but for plain files, so packages without an `exports` entry for the file still work).
 */
export function resolveAssetPath(spec: string, fromDir: string): string | undefined {
  if (!spec.startsWith('npm:')) return isAbsolute(spec) ? spec : resolve(fromDir, spec);
  const rest = spec.slice(4);
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', rest);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export interface ThemeLookup {
  /** File of a theme contributed by a plugin, by id. */
  fileOf(id: string): string | undefined;
  /** Ids of every known theme, for error messages. */
  ids(): string[];
}

function readThemeFile(file: string): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ExportIaError('EIA_THEME_INVALID', { file, detail: `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
  }
  let data: unknown;
  try {
    data = parseYamlFile(text, file);
  } catch (err) {
    throw new ExportIaError('EIA_THEME_INVALID', { file, detail: isExportIaError(err) ? String(err.params.detail) : String(err) });
  }
  const validate = validateThemeFile;
  if (!validate(data)) throw new ExportIaError('EIA_THEME_INVALID', { file, detail: describeSchemaErrors(validate.errors) });
  return data as unknown as Json;
}

function makeAbsolute(data: Json, file: string): Json {
  const dir = dirname(file);
  const out: Json = { ...data };
  const fonts = isPlainObject(out.fonts) ? { ...out.fonts } : undefined;
  if (fonts && Array.isArray(fonts.files)) {
    fonts.files = (fonts.files as string[]).map((f) => {
      const abs = resolveAssetPath(f, dir);
      if (!abs || !existsSync(abs)) throw new ExportIaError('EIA_THEME_INVALID', { file, detail: `font file "${f}" not found` });
      return abs;
    });
    out.fonts = fonts;
  }
  if (typeof out.logo === 'string') {
    const abs = resolveAssetPath(out.logo, dir);
    if (!abs || !existsSync(abs)) throw new ExportIaError('EIA_THEME_INVALID', { file, detail: `logo "${out.logo}" not found` });
    out.logo = abs;
  }
  return out;
}

/**
 * Loads a theme by id (from the plugins' themes) or by file path, following `extends` chains
 * (cycles refused), validating each file against the schema.
 */
export function loadTheme(nameOrPath: string, lookup: ThemeLookup, cwd: string = process.cwd()): ResolvedTheme {
  const looksLikePath = /[\\/]/.test(nameOrPath) || /\.(ya?ml|json)$/i.test(nameOrPath);
  const first = looksLikePath ? resolve(cwd, nameOrPath) : lookup.fileOf(nameOrPath);
  if (!first) throw new ExportIaError('EIA_UNKNOWN_THEME', { theme: nameOrPath, known: lookup.ids().join(', ') });
  if (looksLikePath && !existsSync(first)) {
    throw new ExportIaError('EIA_UNKNOWN_THEME', { theme: nameOrPath, known: lookup.ids().join(', ') });
  }
  const chain: Json[] = [];
  const sources: string[] = [];
  let file: string | undefined = first;
  while (file) {
    if (sources.includes(file)) throw new ExportIaError('EIA_THEME_INVALID', { file, detail: `"extends" forms a cycle: ${[...sources, file].join(' → ')}` });
    sources.push(file);
    const data = makeAbsolute(readThemeFile(file), file);
    chain.push(data);
    const parent = data.extends as string | undefined;
    if (!parent) break;
    const parentFile: string | undefined = /[\\/]|\.(ya?ml|json)$/i.test(parent) ? resolve(dirname(file), parent) : lookup.fileOf(parent);
    if (!parentFile) throw new ExportIaError('EIA_THEME_INVALID', { file, detail: `extends unknown theme "${parent}" (known: ${lookup.ids().join(', ')})` });
    file = parentFile;
  }
  let merged: Theme = BASE_THEME;
  for (const layer of [...chain].reverse()) {
    // A running header or footer is one design: a theme that sets any of its slots (left,
    // center, right) replaces all three; `firstPage` alone keeps the parent's slots.
    const base = { ...merged };
    const setsSlots = (v: unknown) => isPlainObject(v) && ['left', 'center', 'right'].some((k) => k in v);
    if (setsSlots(layer.header)) base.header = { firstPage: merged.header.firstPage };
    if (setsSlots(layer.footer)) base.footer = { firstPage: merged.footer.firstPage };
    merged = mergeDeep(base, layer);
  }
  // Font files accumulate along the chain: a child theme adds fonts, it cannot lose its parent's.
  const files = [...new Set(chain.flatMap((l) => (isPlainObject(l.fonts) && Array.isArray(l.fonts.files) ? (l.fonts.files as string[]) : [])))];
  const { logo, extends: _extends, ...rest } = merged;
  const resolved: ResolvedTheme = { ...rest, fonts: { ...merged.fonts, files }, id: (chain[0]?.id as string) ?? merged.id, sources };
  if (logo) {
    const data = new Uint8Array(readFileSync(logo));
    const info = readImageInfo(data);
    if (!info) throw new ExportIaError('EIA_THEME_INVALID', { file: first, detail: `logo ${logo} is not a PNG, JPEG, GIF, WebP or SVG image` });
    resolved.logo = { path: logo, data, ...info };
  }
  return resolved;
}

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { type Document, isMap, parse, parseDocument } from 'yaml';
import { ExportIaError } from '../errors/export-ia-error.js';
import { validateConfigPluginKeys } from '../generated/validators.js';
import { checkSettingsLayer, describeSchemaErrors, type SettingsLayer } from './settings.js';

export const CONFIG_FILE_NAMES = ['export-ia.config.yaml', 'export-ia.config.yml', 'export-ia.config.json'] as const;

export interface ConfigFile {
  path: string;
  dir: string;
  layer: SettingsLayer;
  /** Extra plugins (folders or package names), loaded after the built-ins. */
  plugins: string[];
  /** Configuration per plugin id. */
  pluginConfig: Record<string, unknown>;
  /** Defaults of `export-ia clip` (checked by the video package; relative paths resolve from `dir`). */
  clip?: Record<string, unknown>;
}

/** Finds the nearest config file, searching from `startDir` up to the filesystem root. */
export function findConfigFile(startDir: string): string | undefined {
  let dir = resolve(startDir);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Parses YAML (JSON is YAML), turning syntax errors into a coded error with the line. */
export function parseYamlFile(text: string, file: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0];
    const where = line ? `line ${line.line}, column ${line.col}` : 'unknown position';
    throw new ExportIaError('EIA_CONFIG_PARSE', { file, detail: `${first.message.split('\n')[0]} (${where})` });
  }
  return doc.toJS({ maxAliasCount: 100 }) ?? {};
}

const PATH_LIST_KEYS = ['resourcePaths', 'fontPaths'] as const;

/** Loads and validates a config file; relative paths in it resolve against its folder. */
export function loadConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ExportIaError('EIA_CONFIG_PARSE', { file: path, detail: (err as Error).message });
  }
  const data = parseYamlFile(text, path);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ExportIaError('EIA_CONFIG_INVALID', { source: path, detail: 'the file must be a mapping of keys to values' });
  }
  const {
    plugins = [],
    pluginConfig = {},
    clip,
    ...rest
  } = data as { plugins?: string[]; pluginConfig?: Record<string, unknown>; clip?: Record<string, unknown> };
  if (!validateConfigPluginKeys({ plugins, pluginConfig, ...(clip === undefined ? {} : { clip }) })) {
    throw new ExportIaError('EIA_CONFIG_INVALID', { source: path, detail: describeSchemaErrors(validateConfigPluginKeys.errors) });
  }
  const layer = checkSettingsLayer(rest, path);
  const dir = dirname(path);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
  for (const key of PATH_LIST_KEYS) {
    const list = layer[key];
    if (list) layer[key] = list.map(abs);
  }
  if (layer.output && layer.output !== '-') layer.output = abs(layer.output) + (/[\\/]$/.test(layer.output) ? '/' : '');
  if (layer.theme && /[\\/]|\.(ya?ml|json)$/i.test(layer.theme)) layer.theme = abs(layer.theme);
  const pluginSpecs = plugins.map((p) => (p.startsWith('.') || isAbsolute(p) ? resolve(dir, p) : p));
  return { path, dir, layer, plugins: pluginSpecs, pluginConfig, ...(clip === undefined ? {} : { clip }) };
}

/** One change to `pluginConfig.<id>`: a dotted key (`rules.heading-skip`) set to a value, or removed. */
export type PluginConfigChange = { key: string; value: unknown } | { key: string; unset: true };

/**
 * A value given on the command line (`--set key=value`): a YAML scalar (`3`, `true`, `null`,
 * `en`) or, when it starts with `[` or `{`, a JSON (or YAML flow) list or mapping. Anything else,
 * `a: b` included, is the string as typed.
 */
export function parseConfigValue(raw: string): unknown {
  const text = raw.trim();
  if (text === '') return '';
  if (text.startsWith('[') || text.startsWith('{')) {
    try {
      return parse(text, { uniqueKeys: true });
    } catch (err) {
      throw new ExportIaError('EIA_USAGE', { detail: `"${raw}" is not a valid JSON or YAML list or mapping: ${(err as Error).message.split('\n')[0]}` });
    }
  }
  try {
    const value: unknown = parse(text);
    return typeof value === 'object' && value !== null ? raw : value;
  } catch {
    return raw;
  }
}

function keyPath(key: string): string[] {
  const parts = key.split('.');
  if (parts.some((p) => p.trim() === ''))
    throw new ExportIaError('EIA_USAGE', { detail: `"${key}" is not a key: use names joined by dots, e.g. rules.heading-skip` });
  return parts;
}

const isEmptyCollection = (doc: Document, path: readonly string[]) => {
  const node = doc.getIn(path, true) as { items?: unknown[] } | undefined;
  return node !== undefined && Array.isArray(node.items) && node.items.length === 0;
};

/**
 * Applies changes to `pluginConfig.<id>` in the text of a config file (empty for a new file) and
 * returns the new text and the plugin's new configuration (`undefined` when none is left). A
 * YAML file keeps its comments, key order and the rest of its content (the `yaml` Document
 * API); a `.json` file stays JSON. Nothing is validated against the plugin's schema and nothing
 * is written here: see `validatePluginConfig` and `writeFileAtomic`.
 */
export function editPluginConfig(
  text: string,
  file: string,
  id: string,
  changes: readonly PluginConfigChange[],
): { text: string; config: Record<string, unknown> | undefined } {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) parseYamlFile(text, file); // throws the same coded error as reading the file
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new ExportIaError('EIA_CONFIG_INVALID', { source: file, detail: 'the file must be a mapping of keys to values' });
  }
  const base = ['pluginConfig', id];
  for (const change of changes) {
    const path = [...base, ...keyPath(change.key)];
    if ('unset' in change) {
      doc.deleteIn(path);
      // Leave no empty mappings behind: `pluginConfig.<id>.rules: {}` after unsetting its last key.
      for (let end = path.length - 1; end >= 1 && isEmptyCollection(doc, path.slice(0, end)); end--) doc.deleteIn(path.slice(0, end));
      continue;
    }
    try {
      doc.setIn(path, doc.createNode(change.value));
    } catch (err) {
      // `a.b=1` where `a` holds a value rather than a mapping.
      throw new ExportIaError('EIA_USAGE', { detail: `cannot set "${change.key}" in pluginConfig.${id}: ${(err as Error).message}` });
    }
  }
  const data = (doc.toJS({ maxAliasCount: 100 }) ?? {}) as { pluginConfig?: Record<string, Record<string, unknown>> };
  const config = data.pluginConfig?.[id];
  const out = /\.json$/i.test(file) ? `${JSON.stringify(data, null, 2)}\n` : doc.toString({ lineWidth: 0 });
  return { text: out, config };
}

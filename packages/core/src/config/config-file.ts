import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
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
  const { plugins = [], pluginConfig = {}, ...rest } = data as { plugins?: string[]; pluginConfig?: Record<string, unknown> };
  if (!validateConfigPluginKeys({ plugins, pluginConfig })) {
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
  return { path, dir, layer, plugins: pluginSpecs, pluginConfig };
}

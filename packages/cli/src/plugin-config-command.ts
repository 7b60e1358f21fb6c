/**
 * `export-ia plugins config <id> [--set key=value]… [--unset key]…`: shows a plugin's effective
 * configuration and the keys its configSchema accepts; changes `pluginConfig.<id>` in the config
 * file, checked against the schema first (core `validatePluginConfig`, the loader's own check), so
 * an invalid change never reaches the file.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import {
  CONFIG_FILE_NAMES,
  type ConfigFile,
  closest,
  ExportIaError,
  editPluginConfig,
  type Host,
  type LoadedPlugin,
  type PluginConfigChange,
  parseConfigValue,
  validatePluginConfig,
  writeFileAtomic,
} from '@export-ia/core';
import type { Command } from 'commander';
import type { CliContext } from './export-command.js';

/** What the command needs from the CLI (a subset of the `plugins` commands' dependencies). */
export interface PluginConfigDeps {
  ctx: CliContext;
  loadConfig: (flags: { config?: string | false }, ctx: CliContext) => ConfigFile | undefined;
  withHost: <T>(config: ConfigFile | undefined, ctx: CliContext, fn: (host: Host) => Promise<T>, dataDir?: string) => Promise<T>;
}

interface ConfigFlags {
  set?: string[];
  unset?: string[];
  json?: boolean;
  config?: string;
  dataDir?: string;
}

/** One key a plugin's configSchema accepts (nested objects as dotted keys). */
interface SchemaKey {
  key: string;
  type: string;
  default?: unknown;
  description?: string;
}

type Schema = Record<string, unknown>;

function typeOf(schema: Schema): string {
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  let type = Array.isArray(schema.type) ? schema.type.join(' | ') : typeof schema.type === 'string' ? schema.type : 'any';
  const items = schema.items as Schema | undefined;
  if (type === 'array' && items && typeof items === 'object') type = `array of ${typeOf(items)}`;
  const limits = [
    schema.minimum === undefined ? '' : `min ${String(schema.minimum)}`,
    schema.maximum === undefined ? '' : `max ${String(schema.maximum)}`,
    schema.minLength === undefined ? '' : `min length ${String(schema.minLength)}`,
    schema.pattern === undefined ? '' : `pattern ${String(schema.pattern)}`,
  ].filter(Boolean);
  return limits.length > 0 ? `${type} (${limits.join(', ')})` : type;
}

/** The keys of a configSchema, nested object properties as dotted keys, in schema order. */
function schemaKeys(schema: Schema | undefined, prefix = ''): SchemaKey[] {
  const properties = (schema?.properties ?? {}) as Record<string, Schema>;
  return Object.entries(properties).flatMap(([name, prop]) => {
    const key = `${prefix}${name}`;
    const own: SchemaKey = {
      key,
      type: typeOf(prop),
      ...(prop.default === undefined ? {} : { default: prop.default }),
      ...(typeof prop.description === 'string' ? { description: prop.description } : {}),
    };
    return [own, ...(prop.properties ? schemaKeys(prop, `${key}.`) : [])];
  });
}

/** `{ a: { b: 1 } }` → `[['a.b', 1]]`; lists and empty mappings are values. */
function flatten(value: Record<string, unknown>, prefix = ''): Array<[string, unknown]> {
  return Object.entries(value).flatMap(
    ([k, v]): Array<[string, unknown]> =>
      typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0
        ? flatten(v as Record<string, unknown>, `${prefix}${k}.`)
        : [[`${prefix}${k}`, v]],
  );
}

function parseChanges(flags: ConfigFlags): PluginConfigChange[] {
  // Unsets first, so `--unset rules --set rules.a=1` replaces a mapping.
  const changes: PluginConfigChange[] = (flags.unset ?? []).map((key) => ({ key, unset: true as const }));
  for (const pair of flags.set ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ExportIaError('EIA_USAGE', { detail: `--set "${pair}" is not key=value (e.g. --set maxSentenceWords=30)` });
    changes.push({ key: pair.slice(0, eq).trim(), value: parseConfigValue(pair.slice(eq + 1)) });
  }
  return changes;
}

function render(plugin: LoadedPlugin, file: string | undefined, configured: Record<string, unknown> | undefined, effective: Record<string, unknown>): string {
  const m = plugin.manifest;
  const own = new Set(flatten(configured ?? {}).map(([k]) => k));
  const values = flatten(effective);
  const keys = schemaKeys(m.configSchema);
  const width = Math.max(0, ...values.map(([k]) => k.length), ...keys.map((k) => k.key.length)) + 2;
  const lines = [
    `${m.id}@${m.version}: pluginConfig.${m.id} in ${file ?? `(no config file; --set creates ${CONFIG_FILE_NAMES[0]} here)`}`,
    ...(values.length > 0 ? values.map(([k, v]) => `  ${k.padEnd(width)}${JSON.stringify(v)}${own.has(k) ? '' : '  (default)'}`) : ['  (nothing set)']),
  ];
  if (!m.configSchema) lines.push('', 'This plugin takes no configuration (its manifest has no configSchema).');
  else if (keys.length > 0) {
    lines.push('', 'Keys (configSchema):');
    for (const k of keys) {
      const dflt = k.default === undefined ? '' : `, default ${JSON.stringify(k.default)}`;
      lines.push(`  ${k.key.padEnd(width)}${k.type}${dflt}`);
      if (k.description) lines.push(`  ${''.padEnd(width)}${k.description}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function registerPluginConfigCommand(plugins: Command, deps: PluginConfigDeps, run: (fn: () => Promise<void>) => Promise<void>): void {
  const { ctx } = deps;
  const collect = (value: string, previous: string[] = []) => [...previous, value];
  plugins
    .command('config <id>')
    .description("Show a plugin's configuration (defaults applied) and the keys it accepts; --set/--unset change it in the config file.")
    .option('--set <key=value>', 'set a key (dotted for nesting: rules.heading-skip=off); the value is YAML or JSON (repeatable)', collect)
    .option('--unset <key>', 'remove a key, so its default applies again (repeatable)', collect)
    .option('--json', 'machine-readable output')
    .option(
      '--config <file>',
      'use this config file (default: the one found from the working directory up; --set creates export-ia.config.yaml here when none)',
    )
    .option('--data-dir <dir>', 'the data directory whose installed plugins to load (default: EXPORT_IA_DATA_DIR or ~/.local/share/export-ia)')
    .addHelpText(
      'after',
      `
A change is checked against the plugin's configSchema before anything is written: an invalid one
is refused (EIA_PLUGIN_CONFIG_INVALID, naming the key and the rule) and the file stays as it was.
Comments and key order in the file are kept.

Examples:
  export-ia plugins config checker-readability
  export-ia plugins config checker-readability --set maxSentenceWords=30 --set 'enabled=["flesch","smog"]'
  export-ia plugins config checker-structure --set rules.heading-skip=off
  export-ia plugins config checker-readability --unset maxSentenceWords --json`,
    )
    .action((id: string, flags: ConfigFlags) =>
      run(async () => {
        const changes = parseChanges(flags);
        const config = deps.loadConfig(flags, ctx);
        const configured = config?.pluginConfig[id] as Record<string, unknown> | undefined;
        // The plugin loads with its defaults: the configuration in the file may be what is wrong.
        const others = config && { ...config, pluginConfig: Object.fromEntries(Object.entries(config.pluginConfig).filter(([k]) => k !== id)) };
        await deps.withHost(
          others,
          ctx,
          async (host) => {
            const plugin = host.plugins.find((p) => p.manifest.id === id);
            if (!plugin) {
              const near = closest(
                id,
                host.plugins.map((p) => p.manifest.id),
              );
              throw new ExportIaError('EIA_PLUGIN_NOT_FOUND', { spec: id, detail: `no loaded plugin has this id${near ? ` (did you mean "${near}"?)` : ''}` });
            }
            let file = config?.path;
            let now = configured;
            if (changes.length > 0) {
              file ??= join(ctx.cwd, CONFIG_FILE_NAMES[0]);
              const edited = editPluginConfig(config ? readFileSync(file, 'utf8') : '', file, id, changes);
              validatePluginConfig(plugin, edited.config);
              // Through a link to the file it names, so a linked config file stays linked.
              writeFileAtomic(existsSync(file) ? realpathSync(file) : file, Buffer.from(edited.text, 'utf8'), file);
              now = edited.config;
            }
            const effective = validatePluginConfig(plugin, now);
            if (flags.json) {
              const info = {
                id,
                version: plugin.manifest.version,
                file: file ?? null,
                configured: now ?? {},
                effective,
                keys: schemaKeys(plugin.manifest.configSchema),
                ...(changes.length > 0 ? { changed: changes.map((c) => ('unset' in c ? { unset: c.key } : { set: c.key, value: c.value })) } : {}),
              };
              ctx.streams.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
              return;
            }
            if (changes.length > 0) ctx.streams.stderr.write(`updated pluginConfig.${id} in ${file}\n`);
            ctx.streams.stdout.write(render(plugin, file, now, effective));
          },
          flags.dataDir,
        );
      }),
    );
}

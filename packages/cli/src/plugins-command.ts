/**
 * `export-ia plugins list|info|install|enable|disable|uninstall|upgrade`, and `config` (in
 * plugin-config-command.ts). Installed plugins live in the data directory's plugin store (core
 * `PluginStore`); every change is an event there.
 * Installing shows what the plugin asks for and waits for a yes on a terminal (`--yes` for
 * scripts; without a terminal and without `--yes` nothing is installed).
 */
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import {
  type ConfigFile,
  closest,
  ExportIaError,
  type Host,
  type InstalledPlugin,
  openJobStore,
  type PluginManifest,
  PluginStore,
  resolveDataDir,
  type StagedPlugin,
} from '@export-ia/core';
import type { Command } from 'commander';
import type { CliContext } from './export-command.js';
import { registerPluginConfigCommand } from './plugin-config-command.js';

export interface PluginsDeps {
  ctx: CliContext;
  setExit: (code: number) => void;
  printError: (ctx: CliContext, err: unknown) => number;
  loadConfig: (flags: { config?: string | false }, ctx: CliContext) => ConfigFile | undefined;
  withHost: <T>(config: ConfigFile | undefined, ctx: CliContext, fn: (host: Host) => Promise<T>, dataDir?: string) => Promise<T>;
  /** Package folders of the built-in plugins. */
  builtinDirs: () => string[];
}

/** The plugin store of a data directory. */
export function pluginStoreDir(dataDir: string | undefined, ctx: CliContext): string {
  return join(resolveDataDir(dataDir, ctx.env, ctx.cwd), 'plugins');
}

type PluginRecord = Host['plugins'][number];

/** The path with links resolved, or as given when it does not exist. */
export function realPath(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/** `<kind>:<id>` for each contribution; a video step is named by its kind (`transcriber:whisper`). */
function contributionsOf(m: PluginManifest): string[] {
  const c = m.contributes;
  return [
    ...c.importers.map((x) => `importer:${x.id}`),
    ...c.transforms.map((x) => `transform:${x.id}`),
    ...c.checkers.map((x) => `checker:${x.id}`),
    ...c.exporters.map((x) => `exporter:${x.id}`),
    ...(['transcriber', 'detector', 'scorer', 'captioner'] as const).flatMap((kind) =>
      c.videoSteps.filter((x) => x.kind === kind).map((x) => `${kind}:${x.id}`),
    ),
    ...c.themes.map((x) => `theme:${x.id}`),
  ];
}

/** What a plugin may do, in words (for the install prompt and `plugins info`). */
export function describePermissions(m: Pick<PluginManifest, 'permissions' | 'resources'>): string[] {
  const p = m.permissions;
  const lines: string[] = [];
  if (p.net?.hosts.length) lines.push(`network: ${p.net.hosts.join(', ')} (through the host's broker; nothing else)`);
  else lines.push('network: none');
  if (p.fs?.read?.length) lines.push(`read: ${p.fs.read.join(', ')}`);
  if (p.fs?.write?.length) lines.push(`write: ${p.fs.write.join(', ')}`);
  if (!p.fs?.read?.length && !p.fs?.write?.length) lines.push('files: its own folder (read) and a scratch folder (write) only');
  if (p.process) lines.push('start processes: asked for, but refused in the sandbox');
  const r = m.resources;
  lines.push(
    `limits: ${r.memoryMb ?? 128} MB memory, ${((r.timeoutMs ?? 30_000) / 1000).toLocaleString('en')} s per call${r.concurrency ? `, ${r.concurrency} processes` : ''}`,
  );
  return lines;
}

interface Context {
  store: PluginStore;
  close: () => Promise<void>;
}

function openStore(dataDir: string | undefined, deps: PluginsDeps): Context {
  const dir = resolveDataDir(dataDir, deps.ctx.env, deps.ctx.cwd);
  const jobs = openJobStore(dir);
  const store = new PluginStore({
    dir: join(dir, 'plugins'),
    builtins: deps.builtinDirs(),
    events: jobs.store,
    metadata: { actor: 'cli' },
    cwd: deps.ctx.cwd,
    env: deps.ctx.env,
  });
  return { store, close: () => jobs.close() };
}

/** Asks on a terminal; refuses without one (unless --yes). */
async function confirm(ctx: CliContext, question: string, action: string, detail: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  const stdin = ctx.stdin as NodeJS.ReadableStream & { isTTY?: boolean };
  if (!stdin.isTTY) throw new ExportIaError('EIA_CONFIRMATION_REQUIRED', { action, detail });
  const rl = createInterface({ input: stdin, output: ctx.streams.stderr as NodeJS.WritableStream });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

function describeStaged(staged: StagedPlugin, trusted: boolean): string {
  const m = staged.manifest;
  const lines = [
    `${m.id}@${m.version}${m.packageName ? ` (${m.packageName})` : ''} from ${staged.source.kind} ${staged.source.spec}`,
    ...(m.description ? [`  ${m.description}`] : []),
    `  contributes   ${contributionsOf(m).join(', ') || '—'}`,
    `  depends on    ${
      Object.entries(m.dependencies)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '—'
    }`,
    ...describePermissions(m).map((l, i) => `  ${i === 0 ? 'permissions' : '           '}   ${l}`),
    `  runs          ${trusted ? 'IN-PROCESS with your rights (listed in EXPORT_IA_TRUSTED_PLUGINS)' : 'sandboxed: its own process, no environment, no other files'}`,
    `  files         ${Object.keys(staged.files).length}, sha-256 recorded`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The plugin ids the operator trusts (EXPORT_IA_TRUSTED_PLUGINS; never a project's config file). */
export const trustedIds = (ctx: CliContext) =>
  new Set(
    (ctx.env.EXPORT_IA_TRUSTED_PLUGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

function recordLine(p: InstalledPlugin): string {
  return `${p.id}@${p.version} (${p.source.kind} ${p.source.spec})`;
}

const PAST = { enable: 'enabled', disable: 'disabled', uninstall: 'uninstalled' } as const;

export function registerPluginCommands(program: Command, deps: PluginsDeps): void {
  const { ctx, setExit, printError } = deps;
  const out = (s: string) => ctx.streams.stdout.write(s);
  const run = (fn: () => Promise<void>) =>
    fn().then(
      () => setExit(0),
      (err: unknown) => setExit(printError(ctx, err)),
    );
  const withStore = async (dataDir: string | undefined, fn: (c: Context) => Promise<void>) => {
    const c = openStore(dataDir, deps);
    try {
      await fn(c);
    } finally {
      await c.close();
    }
  };

  const plugins = program
    .command('plugins')
    .description('Manage plugins: list (default), info, config, install, enable, disable, uninstall, upgrade.')
    .addHelpText(
      'after',
      `
Plugins you install run sandboxed: their own process, Node's permission model, no environment,
a memory limit, no network (only the hosts their manifest lists, through the host), their own
folder to read and a scratch folder to write. EXPORT_IA_TRUSTED_PLUGINS=<id,...> runs the named
ones in-process instead, with your rights. They are installed in <data dir>/plugins.`,
    );

  const dataDirOption = '--data-dir <dir>';
  const dataDirHelp = 'the data directory whose plugin store to use (default: EXPORT_IA_DATA_DIR or ~/.local/share/export-ia)';

  plugins
    .command('list', { isDefault: true })
    .description('List the plugins: id, version, source, trust tier, state, contributions.')
    .option('--json', 'machine-readable output')
    .option('--config <file>', 'use this config file')
    .option('--no-config', 'do not read any config file')
    .option(dataDirOption, dataDirHelp)
    .action((flags: { json?: boolean; config?: string | false; dataDir?: string }) =>
      run(async () => {
        const config = deps.loadConfig(flags, ctx);
        const storeDir = pluginStoreDir(flags.dataDir, ctx);
        const installed = { dir: storeDir, plugins: new PluginStore({ dir: storeDir }).list() };
        await deps.withHost(
          config,
          ctx,
          async (host) => {
            const tiers = tierResolver(deps);
            const rows = host.plugins.map((p) => ({
              id: p.manifest.id,
              version: p.manifest.version,
              source: sourceOf(p, installed, tiers),
              tier: tiers(p),
              state: 'enabled',
              contributes: contributionsOf(p.manifest),
            }));
            for (const p of installed.plugins.filter((x) => !x.enabled)) {
              rows.push({
                id: p.id,
                version: p.version,
                source: `installed (${p.source.kind} ${p.source.spec})`,
                tier: '—',
                state: 'disabled',
                contributes: [],
              });
            }
            if (flags.json) out(`${JSON.stringify(rows, null, 2)}\n`);
            else
              out(
                rows
                  .map((r) => `${`${r.id}@${r.version}`.padEnd(34)} ${r.tier.padEnd(10)} ${r.state.padEnd(9)} ${r.contributes.join(', ') || r.source}\n`)
                  .join(''),
              );
          },
          flags.dataDir,
        );
      }),
    );

  plugins
    .command('info <id>')
    .description('Show one plugin: source, tier, contributions, dependencies, permissions, resources, health, metrics.')
    .option('--json', 'machine-readable output')
    .option('--config <file>', 'use this config file')
    .option('--no-config', 'do not read any config file')
    .option(dataDirOption, dataDirHelp)
    .action((id: string, flags: { json?: boolean; config?: string | false; dataDir?: string }) =>
      run(async () => {
        const config = deps.loadConfig(flags, ctx);
        const storeDir = pluginStoreDir(flags.dataDir, ctx);
        const installed = { dir: storeDir, plugins: new PluginStore({ dir: storeDir }).list() };
        await deps.withHost(config, ctx, async (host) => out(await pluginInfo(host, id, installed, flags.json === true, tierResolver(deps))), flags.dataDir);
      }),
    );

  registerPluginConfigCommand(plugins, deps, run);

  plugins
    .command('install <source>')
    .description('Install a plugin from npm (name[@version|range]), a folder, or a .tgz/.zip archive.')
    .option('-y, --yes', 'do not ask: accept the permissions it requests')
    .option('--force', 'install over an installed plugin with the same id')
    .option(dataDirOption, dataDirHelp)
    .addHelpText(
      'after',
      `
Examples:
  export-ia plugins install export-ia-plugin-epub
  export-ia plugins install export-ia-plugin-epub@^2.1.0
  export-ia plugins install ./my-plugin          (packed as npm would publish it: run its build first)
  export-ia plugins install ./my-plugin-1.0.0.tgz --yes`,
    )
    .action((source: string, flags: { yes?: boolean; force?: boolean; dataDir?: string }) =>
      run(() =>
        withStore(flags.dataDir, async ({ store }) => {
          const staged = await store.stage(source);
          try {
            const m = staged.manifest;
            const description = describeStaged(staged, trustedIds(ctx).has(m.id));
            ctx.streams.stderr.write(description);
            const ok = await confirm(ctx, `Install ${m.id}@${m.version}?`, `Installing ${m.id}@${m.version}`, describePermissions(m).join('; '), flags.yes);
            if (!ok) {
              ctx.streams.stderr.write('Not installed.\n');
              return;
            }
            const record = await store.install(staged, flags.force ? { force: true } : {});
            out(`installed ${recordLine(record)}\n`);
          } finally {
            staged.discard();
          }
        }),
      ),
    );

  for (const [name, verb] of [
    ['enable', 'Enable an installed plugin (its dependencies must be enabled).'],
    ['disable', 'Disable an installed plugin (refused while enabled plugins depend on it).'],
    ['uninstall', 'Remove an installed plugin (refused while enabled plugins depend on it).'],
  ] as const) {
    plugins
      .command(`${name} <id>`)
      .description(verb)
      .option(dataDirOption, dataDirHelp)
      .action((id: string, flags: { dataDir?: string }) =>
        run(() =>
          withStore(flags.dataDir, async ({ store }) => {
            const record = await store[name](id);
            out(`${PAST[name]} ${recordLine(record)}\n`);
          }),
        ),
      );
  }

  plugins
    .command('upgrade <id> [version-or-source]')
    .description('Upgrade an installed plugin: from where it came (npm: the newest of its range), a version or range (npm), or another folder/archive.')
    .option('-y, --yes', 'do not ask when the new version requests other permissions')
    .option(dataDirOption, dataDirHelp)
    .action((id: string, target: string | undefined, flags: { yes?: boolean; dataDir?: string }) =>
      run(() =>
        withStore(flags.dataDir, async ({ store }) => {
          const current = store.get(id);
          if (!current) store.upgradeSource(id); // throws EIA_PLUGIN_NOT_INSTALLED with the hint
          const staged = await store.stage(store.upgradeSource(id, target));
          try {
            const m = staged.manifest;
            if (m.id !== id) {
              throw new ExportIaError('EIA_PLUGIN_INSTALL_FAILED', { source: staged.source.spec, detail: `it is plugin "${m.id}", not "${id}"` });
            }
            const before = JSON.stringify(current?.permissions ?? {});
            if (JSON.stringify(m.permissions) !== before) {
              ctx.streams.stderr.write(
                `${describeStaged(staged, trustedIds(ctx).has(m.id))}The new version asks for other permissions than ${current?.version}.\n`,
              );
              const ok = await confirm(ctx, `Upgrade ${id} to ${m.version}?`, `Upgrading ${id} to ${m.version}`, describePermissions(m).join('; '), flags.yes);
              if (!ok) {
                ctx.streams.stderr.write('Not upgraded.\n');
                return;
              }
            }
            const record = await store.upgrade(staged);
            out(`upgraded ${id} ${current?.version} → ${record.version} (${record.source.kind} ${record.source.spec})\n`);
          } finally {
            staged.discard();
          }
        }),
      ),
    );
}

type TierOf = (p: PluginRecord) => string;

function tierResolver(deps: PluginsDeps): TierOf {
  const builtin = new Set(deps.builtinDirs().map((d) => realPath(d)));
  return (p) => (p.sandboxed ? 'sandboxed' : builtin.has(realPath(p.dir)) ? 'built-in' : 'trusted');
}

interface Installed {
  dir: string;
  plugins: readonly InstalledPlugin[];
}

function sourceOf(p: PluginRecord, installed: Installed, tierOf: TierOf): string {
  const record = installed.plugins.find((x) => x.id === p.manifest.id && x.enabled);
  if (record && realPath(p.dir) === realPath(join(installed.dir, record.dir))) return `installed (${record.source.kind} ${record.source.spec})`;
  return tierOf(p) === 'built-in' ? 'built-in' : `config file (${p.dir})`;
}

/** Calls, failures, kills, memory peak and duration percentiles of a sandboxed plugin. */
function metricsOf(m: NonNullable<PluginRecord['sandbox']>['metrics']) {
  const sorted = [...m.durations].sort((a, b) => a - b);
  const pct = (q: number) =>
    sorted.length === 0 ? null : Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number) * 100) / 100;
  const { durations: _, ...rest } = m;
  return { ...rest, memoryPeakMb: Math.round(m.memoryPeak / 2 ** 20), p50Ms: pct(0.5), p95Ms: pct(0.95) };
}

async function pluginInfo(host: Host, id: string, installed: Installed, json: boolean, tierOf: TierOf): Promise<string> {
  const p = host.plugins.find((x) => x.manifest.id === id);
  if (!p) {
    const record = installed.plugins.find((x) => x.id === id);
    if (record && !record.enabled) {
      const info = {
        id,
        version: record.version,
        source: `installed (${record.source.kind} ${record.source.spec})`,
        state: 'disabled',
        permissions: record.permissions,
      };
      return json ? `${JSON.stringify(info, null, 2)}\n` : `${id}@${record.version}\n  source        ${info.source}\n  state         disabled\n`;
    }
    const near = closest(
      id,
      host.plugins.map((x) => x.manifest.id),
    );
    throw new ExportIaError('EIA_PLUGIN_NOT_FOUND', { spec: id, detail: `no loaded plugin has this id${near ? ` (did you mean "${near}"?)` : ''}` });
  }
  let health: { state: string; memoryMb?: number; ms?: number; error?: string } = { state: 'loaded' };
  if (p.sandbox) {
    const started = performance.now();
    try {
      const pong = await p.sandbox.ping();
      health = { state: 'running', memoryMb: Math.round(pong.memory / 2 ** 20), ms: Math.round(performance.now() - started) };
    } catch (err) {
      health = { state: 'failing', error: (err as Error).message };
    }
  }
  const m = p.manifest;
  const tier = tierOf(p);
  const info = {
    id: m.id,
    version: m.version,
    source: sourceOf(p, installed, tierOf),
    dir: p.dir,
    tier,
    state: 'enabled',
    contributes: contributionsOf(m),
    dependencies: m.dependencies,
    permissions: m.permissions,
    resources: m.resources,
    health,
    ...(p.sandbox ? { metrics: metricsOf(p.sandbox.metrics) } : {}),
  };
  if (json) return `${JSON.stringify(info, null, 2)}\n`;
  const lines = [
    `${m.id}@${m.version}`,
    `  source        ${info.source}`,
    `  folder        ${p.dir}`,
    `  tier          ${tier}${p.sandbox ? ' (own process: permission model, empty environment, memory limit, network and PID namespaces where available)' : tier === 'trusted' ? ' (in-process, with your rights: EXPORT_IA_TRUSTED_PLUGINS)' : ' (in-process)'}`,
    `  state         enabled`,
    `  contributes   ${info.contributes.join(', ') || '—'}`,
    `  dependencies  ${
      Object.entries(m.dependencies)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '—'
    }`,
    ...describePermissions(m).map((l, i) => `  ${i === 0 ? 'permissions' : '           '}   ${l}`),
    `  health        ${health.state}${health.memoryMb === undefined ? '' : `, ${health.memoryMb} MB resident, ping ${health.ms} ms`}${health.error ? `: ${health.error}` : ''}`,
  ];
  return `${lines.join('\n')}\n`;
}

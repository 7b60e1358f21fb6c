/**
 * Installed plugins: `export-ia plugins install|enable|disable|uninstall|upgrade` and the same
 * through the library. A plugin comes from the npm registry (through the ordinary npm client:
 * `npm pack`, scripts never run), a local folder (packed by npm, so `files` and `.npmignore`
 * apply as on publish) or a .tgz/.zip archive. Every source ends as an archive that is read and
 * checked whole before anything is written (archive.ts: no absolute paths, `..`, links or
 * devices), unpacked into a staging folder, verified as a plugin (manifest schema, engine and
 * API versions, `main` inside the package, its dependencies and theirs, no duplicate id, no
 * cycle), and only then moved into place. The SHA-256 of every file is recorded; a plugin whose
 * files changed since is refused at load, with the file named.
 *
 * Layout of the store folder (`<data dir>/plugins`):
 *
 * ```
 * installed.json                   the installed plugins (this file is the state; events are the history)
 * <id>/<version>/                  one package each
 * node_modules/@export-ia/core →   link to this host's core, so plugins resolve the plugin API
 * ```
 *
 * Every change appends an event (`PluginInstalled`, `PluginEnabled`, `PluginDisabled`,
 * `PluginUninstalled`, `PluginUpgraded`) to the stream `plugin-<id>` when an event store is given.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import satisfies from 'semver/functions/satisfies.js';
import validRange from 'semver/ranges/valid.js';
import { ExportIaError } from '../errors/export-ia-error.js';
import type { EventMetadata, EventStore } from '../events/event-store.js';
import { writeFileAtomic } from '../io/output.js';
import { type ArchiveEntry, packageEntries, readTarGz, readZip } from './archive.js';
import type { Permissions, PluginManifest, ResourceLimits } from './manifest.js';
import { inspectPluginPackage, orderByDependencies } from './plugin-loader.js';

export type PluginSourceKind = 'npm' | 'folder' | 'tgz' | 'zip';

export interface PluginSource {
  kind: PluginSourceKind;
  /** As given (npm spec), or the absolute path (folder, archive). */
  spec: string;
}

export interface InstalledPlugin {
  id: string;
  version: string;
  packageName?: string;
  source: PluginSource;
  /** The package folder, relative to the store. */
  dir: string;
  enabled: boolean;
  installedAt: string;
  dependencies: Record<string, string>;
  permissions: Permissions;
  resources: ResourceLimits;
  /** SHA-256 (hex) of every file of the package, by relative `/`-separated path. */
  files: Record<string, string>;
}

/** A plugin unpacked and verified, waiting for `install`/`upgrade` (or `discard`). */
export interface StagedPlugin {
  readonly manifest: PluginManifest;
  readonly source: PluginSource;
  /** Before `install`, the package's own files; its npm dependencies join them at install. */
  readonly files: Readonly<Record<string, string>>;
  /** The staging folder (absolute). */
  readonly dir: string;
  discard(): void;
}

export interface PluginStoreOptions {
  /** The store folder (`<data dir>/plugins`). */
  dir: string;
  /** Package folders of the plugins always loaded (built-ins): their ids are taken, and others may depend on them. */
  builtins?: readonly string[];
  /** Where lifecycle events go. */
  events?: EventStore;
  /** Event metadata (actor, correlation id). */
  metadata?: EventMetadata;
  /** Relative sources resolve from here. Default `process.cwd()`. */
  cwd?: string;
  /** Environment of the npm client (registry, cache, proxy settings). Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

interface StoreFile {
  version: 1;
  plugins: Record<string, InstalledPlugin>;
}

const STATE_FILE = 'installed.json';
const LOCK_FILE = '.lock';
const NPM_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
// This package's folder: installed plugins resolve `@export-ia/core` to it.
const CORE_PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where a source string points: an archive, a folder, or an npm registry spec. */
export function classifySource(spec: string, cwd: string): PluginSource {
  const trimmed = spec.trim();
  if (trimmed === '') throw new ExportIaError('EIA_PLUGIN_INSTALL_FAILED', { source: '(empty)', detail: 'no source given' });
  const path = resolve(cwd, trimmed);
  // `@scope/name[@range]` is an npm name, unless such a folder exists here.
  const scoped = /^@[^/\\]+\/[^/\\@]+(@[^/\\]*)?$/.test(trimmed) && !existsSync(path);
  const pathLike = !scoped && (trimmed.startsWith('.') || isAbsolute(trimmed) || /^[A-Za-z]:[\\/]/.test(trimmed) || trimmed.includes(sep) || existsSync(path));
  if (/\.(tgz|tar\.gz)$/i.test(trimmed) && pathLike) return { kind: 'tgz', spec: path };
  if (/\.zip$/i.test(trimmed) && pathLike) return { kind: 'zip', spec: path };
  if (pathLike) return { kind: 'folder', spec: path };
  const at = trimmed.indexOf('@', 1);
  const name = at === -1 ? trimmed : trimmed.slice(0, at);
  const range = at === -1 ? '' : trimmed.slice(at + 1);
  if (!NPM_NAME.test(name) || name.length > 214) {
    throw new ExportIaError('EIA_PLUGIN_INSTALL_FAILED', { source: trimmed, detail: `"${name}" is neither a folder, an archive nor a valid npm package name` });
  }
  // Registry versions, ranges and tags only: no git, file, URL or alias specs through this door.
  if (range.includes(':') || range.includes('/')) {
    throw new ExportIaError('EIA_PLUGIN_INSTALL_FAILED', {
      source: trimmed,
      detail: `"${range}" is not a version, range or tag (git, file, URL and alias specs are not accepted; download the archive and install it)`,
    });
  }
  return { kind: 'npm', spec: trimmed };
}

/** SHA-256 of every file under `dir`; symbolic links and other non-files are refused. */
export function hashTree(dir: string, onOther: (rel: string, what: string) => never): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs).sort()) {
      const childAbs = join(abs, name);
      const childRel = rel ? `${rel}/${name}` : name;
      const st = lstatSync(childAbs);
      if (st.isSymbolicLink()) onOther(childRel, 'a symbolic link');
      else if (st.isDirectory()) walk(childAbs, childRel);
      else if (st.isFile()) out[childRel] = createHash('sha256').update(readFileSync(childAbs)).digest('hex');
      else onOther(childRel, 'not a plain file');
    }
  };
  walk(dir, '');
  return out;
}

/** Files of a folder as `npm pack` would take them, checked for links first (npm would skip them silently). */
function refuseLinks(dir: string, source: string): void {
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs)) {
      if (name === 'node_modules' || name === '.git') continue;
      const childAbs = join(abs, name);
      const childRel = rel ? `${rel}/${name}` : name;
      const st = lstatSync(childAbs);
      if (st.isSymbolicLink()) {
        throw new ExportIaError('EIA_PLUGIN_ARCHIVE_UNSAFE', { archive: source, detail: `"${childRel}" is a symbolic link (to ${readlinkSync(childAbs)})` });
      }
      if (st.isDirectory()) walk(childAbs, childRel);
    }
  };
  walk(dir, '');
}

/** How to run npm: the npm running us, else the one next to node, else `npm` on PATH. */
function npmCommand(env: Readonly<Record<string, string | undefined>>): [string, string[]] {
  const candidates = [
    env.npm_execpath,
    join(dirname(process.execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ];
  for (const c of candidates) if (c?.endsWith('.js') && existsSync(c)) return [process.execPath, [c]];
  return ['npm', []];
}

function runNpm(args: string[], cwd: string, env: Readonly<Record<string, string | undefined>>, source: string): Promise<string> {
  const [command, prefix] = npmCommand(env);
  return new Promise((resolveRun, reject) => {
    // No shell: the spec is one argument, whatever it holds.
    const child = spawn(command, [...prefix, ...args], { cwd, env: { ...env, npm_config_ignore_scripts: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < 20_000) err += d.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 5 * 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new ExportIaError('EIA_PLUGIN_INSTALL_FAILED', { source, detail: `cannot run npm (${e.message})` }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolveRun(out);
      else {
        const lines = err
          .split('\n')
          .filter((l) => /npm (error|ERR!)/.test(l) && !/A complete log|npm error\s*$/.test(l))
          .slice(0, 4)
          .map((l) => l.replace(/^npm (error|ERR!)\s*/, ''));
        reject(new ExportIaError('EIA_PLUGIN_INSTALL_FAILED', { source, detail: `npm ${args[0]} failed: ${lines.join('; ') || `exit ${code}`}` }));
      }
    });
  });
}

/** sha256 of the sorted file map: one value that names the installed content (in events). */
function treeDigest(files: Readonly<Record<string, string>>): string {
  const h = createHash('sha256');
  for (const key of Object.keys(files).sort()) h.update(`${key}\0${files[key]}\n`);
  return h.digest('hex');
}

/** The installed-plugin store. See the module comment. */
export class PluginStore {
  readonly dir: string;
  readonly #o: PluginStoreOptions;
  #builtins: Array<{ manifest: PluginManifest; dir: string }> | undefined;

  constructor(options: PluginStoreOptions) {
    this.#o = options;
    this.dir = resolve(options.dir);
  }

  /** Installed plugins, by id. */
  list(): InstalledPlugin[] {
    return Object.values(this.#read().plugins).sort((a, b) => a.id.localeCompare(b.id));
  }

  get(id: string): InstalledPlugin | undefined {
    const plugins = this.#read().plugins;
    return Object.hasOwn(plugins, id) ? plugins[id] : undefined;
  }

  /**
   * The folders of the enabled plugins, each verified against its recorded hashes (a changed,
   * added, removed or linked file is refused: EIA_PLUGIN_MODIFIED). Pass them to `loadPlugins`.
   */
  pluginDirs(): string[] {
    const enabled = this.list().filter((p) => p.enabled);
    if (enabled.length > 0) this.#linkCore();
    return enabled.map((p) => {
      this.verify(p);
      return join(this.dir, p.dir);
    });
  }

  /** Throws EIA_PLUGIN_MODIFIED naming the first file that differs from what was installed. */
  verify(p: InstalledPlugin): void {
    const plugin = `${p.id}@${p.version}`;
    const dir = join(this.dir, p.dir);
    const modified = (file: string, detail: string): never => {
      throw new ExportIaError('EIA_PLUGIN_MODIFIED', { plugin, file, detail });
    };
    if (!existsSync(dir)) modified(p.dir, 'its folder is gone');
    const now = hashTree(dir, modified);
    for (const [file, hash] of Object.entries(p.files)) {
      if (now[file] === undefined) modified(file, 'deleted');
      if (now[file] !== hash) modified(file, 'changed');
    }
    for (const file of Object.keys(now)) if (p.files[file] === undefined) modified(file, 'added');
  }

  /** Fetches and unpacks a source into a staging folder, and verifies it as a plugin. */
  async stage(spec: string): Promise<StagedPlugin> {
    const source = classifySource(spec, this.#o.cwd ?? process.cwd());
    mkdirSync(join(this.dir, '.staging'), { recursive: true });
    const work = join(this.dir, '.staging', randomBytes(8).toString('hex'));
    mkdirSync(work);
    const discard = () => rmSync(work, { recursive: true, force: true });
    try {
      const entries = await this.#fetch(source, work);
      const pkgDir = join(work, 'package');
      for (const e of entries) {
        const target = join(pkgDir, ...e.path.split('/'));
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, e.data, { mode: 0o644 });
      }
      const { manifest } = inspectPluginPackage(pkgDir);
      // Checked now (before the user is asked); npm installs them only once they said yes.
      checkDependencySpecs(pkgDir, source);
      const files = hashTree(pkgDir, (file, what) => {
        throw new ExportIaError('EIA_PLUGIN_ARCHIVE_UNSAFE', { archive: source.spec, detail: `"${file}" is ${what}` });
      });
      return { manifest, source, files, dir: pkgDir, discard };
    } catch (err) {
      discard();
      throw err;
    }
  }

  async #fetch(source: PluginSource, work: string): Promise<ArchiveEntry[]> {
    const env = this.#o.env ?? process.env;
    if (source.kind === 'tgz' || source.kind === 'zip') {
      let bytes: Buffer;
      try {
        if (!statSync(source.spec).isFile()) throw new Error('not a file');
        bytes = readFileSync(source.spec);
      } catch (err) {
        throw new ExportIaError('EIA_PLUGIN_INSTALL_FAILED', { source: source.spec, detail: `cannot read it (${(err as Error).message})` });
      }
      const entries = source.kind === 'tgz' ? readTarGz(bytes, source.spec) : await readZip(bytes, source.spec);
      return packageEntries(entries, source.spec);
    }
    if (source.kind === 'folder') {
      if (!existsSync(join(source.spec, 'package.json'))) {
        throw new ExportIaError('EIA_PLUGIN_INSTALL_FAILED', { source: source.spec, detail: 'the folder has no package.json' });
      }
      refuseLinks(source.spec, source.spec);
    }
    // npm pack: for a folder it takes what a publish would (files, .npmignore); for a registry
    // spec it downloads the tarball with the user's npm configuration. Scripts never run.
    const out = await runNpm(['pack', source.spec, '--json', '--ignore-scripts', '--pack-destination', work], work, env, source.spec);
    let filename: string | undefined;
    try {
      filename = (JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename?: string }>)[0]?.filename;
    } catch {
      filename = undefined;
    }
    if (!filename) throw new ExportIaError('EIA_PLUGIN_INSTALL_FAILED', { source: source.spec, detail: 'npm pack did not say which file it wrote' });
    // Scoped names become `scope-name-1.0.0.tgz`; npm reports the name it wrote.
    const tarball = join(work, filename.replace(/^@/, '').replace(/\//g, '-'));
    const entries = packageEntries(readTarGz(readFileSync(existsSync(tarball) ? tarball : join(work, filename)), source.spec), source.spec);
    rmSync(tarball, { force: true });
    return entries;
  }

  /**
   * A plugin's own npm dependencies (not the plugin API, which the host provides), installed
   * into its folder by npm with scripts off, unless the package bundles them.
   */
  async #installRuntimeDependencies(staged: StagedPlugin): Promise<void> {
    const pkgDir = staged.dir;
    const source = staged.source;
    const deps = checkDependencySpecs(pkgDir, source);
    if (deps.length === 0 || deps.every((d) => existsSync(join(pkgDir, 'node_modules', d, 'package.json')))) return;
    // The package's own npm settings would be npm's project configuration: not from a stranger.
    for (const rc of ['.npmrc', '.yarnrc', '.yarnrc.yml']) rmSync(join(pkgDir, rc), { force: true });
    const gitOff = (await npmSupportsAllowGit(this.#o.env ?? process.env)) ? ['--allow-git=none'] : [];
    await runNpm(
      [
        'install',
        '--omit=dev',
        '--omit=peer',
        '--legacy-peer-deps',
        '--ignore-scripts',
        '--no-bin-links',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        ...gitOff,
      ],
      pkgDir,
      this.#o.env ?? process.env,
      source.spec,
    );
    (staged as { files: Record<string, string> }).files = hashTree(pkgDir, (file, what) => {
      throw new ExportIaError('EIA_PLUGIN_ARCHIVE_UNSAFE', { archive: source.spec, detail: `"${file}" is ${what}` });
    });
  }

  /** Installs a staged plugin. Refused when its id is taken (unless `force` for an installed one) or its dependencies are not met. */
  async install(staged: StagedPlugin, options: { force?: boolean; enabled?: boolean } = {}): Promise<InstalledPlugin> {
    await this.#installRuntimeDependencies(staged);
    return this.#locked(async () => {
      const m = staged.manifest;
      const state = this.#read();
      const builtin = this.#builtinManifests().find((b) => b.manifest.id === m.id);
      if (builtin) throw new ExportIaError('EIA_PLUGIN_DUPLICATE', { id: m.id, first: `built-in ${builtin.dir}`, second: staged.source.spec });
      const prior = Object.hasOwn(state.plugins, m.id) ? state.plugins[m.id] : undefined;
      if (prior && !options.force) {
        throw new ExportIaError('EIA_PLUGIN_ALREADY_INSTALLED', { id: m.id, version: prior.version, source: prior.source.spec });
      }
      this.#checkGraph(state, m, prior ? 'reinstalled' : undefined);
      const record = this.#place(staged, options.enabled ?? prior?.enabled ?? true);
      state.plugins[m.id] = record;
      this.#write(state);
      if (prior && prior.dir !== record.dir) rmSync(join(this.dir, prior.dir), { recursive: true, force: true });
      this.#removeEmpty(prior);
      await this.#event(m.id, 'PluginInstalled', {
        id: m.id,
        version: m.version,
        source: record.source,
        integrity: `sha256-${treeDigest(record.files)}`,
        files: Object.keys(record.files).length,
        permissions: record.permissions,
        ...(prior ? { replaced: prior.version } : {}),
      });
      return record;
    });
  }

  /** Replaces an installed plugin by a staged version. Refused when a dependent's range excludes the new version. */
  async upgrade(staged: StagedPlugin): Promise<InstalledPlugin> {
    await this.#installRuntimeDependencies(staged);
    return this.#locked(async () => {
      const m = staged.manifest;
      const state = this.#read();
      const prior = Object.hasOwn(state.plugins, m.id) ? state.plugins[m.id] : undefined;
      if (!prior) throw new ExportIaError('EIA_PLUGIN_NOT_INSTALLED', { id: m.id, detail: '' });
      this.#checkGraph(state, m, `upgraded to ${m.version}`);
      const record = this.#place(staged, prior.enabled);
      state.plugins[m.id] = record;
      this.#write(state);
      // The version it replaces stays on disk until the next upgrade: a command already running
      // with it (a batch, a long-lived host) may still start processes from its folder.
      this.#removeVersions(m.id, [record.dir, prior.dir]);
      await this.#event(m.id, 'PluginUpgraded', {
        id: m.id,
        from: prior.version,
        to: m.version,
        source: record.source,
        integrity: `sha256-${treeDigest(record.files)}`,
        permissions: record.permissions,
      });
      return record;
    });
  }

  /**
   * The source an upgrade takes by default: the one it was installed from. For a registry
   * plugin, `version` (a version, range or tag) picks another version of the same package.
   */
  upgradeSource(id: string, version?: string): string {
    const p = this.#require(id);
    if (p.source.kind !== 'npm') return version ?? p.source.spec;
    const name = p.packageName ?? p.source.spec.replace(/(?<=.)@.*$/, '');
    if (version === undefined) return p.source.spec.includes('@', 1) ? p.source.spec : `${name}@latest`;
    return validRange(version) || /^[a-z][\w.-]*$/i.test(version) ? `${name}@${version}` : version;
  }

  async enable(id: string): Promise<InstalledPlugin> {
    return this.#locked(async () => {
      const state = this.#read();
      const p = this.#require(id, state);
      if (p.enabled) return p;
      const manifest = { id: p.id, version: p.version, dependencies: p.dependencies } as PluginManifest;
      p.enabled = true;
      this.#checkGraph(state, manifest, undefined);
      this.#write(state);
      await this.#event(id, 'PluginEnabled', { id, version: p.version });
      return p;
    });
  }

  async disable(id: string): Promise<InstalledPlugin> {
    return this.#locked(async () => {
      const state = this.#read();
      const p = this.#require(id, state);
      if (!p.enabled) return p;
      this.#refuseDependents(state, id, 'disabled');
      p.enabled = false;
      this.#write(state);
      await this.#event(id, 'PluginDisabled', { id, version: p.version });
      return p;
    });
  }

  async uninstall(id: string): Promise<InstalledPlugin> {
    return this.#locked(async () => {
      const state = this.#read();
      const p = this.#require(id, state);
      this.#refuseDependents(state, id, 'uninstalled');
      delete state.plugins[id];
      this.#write(state);
      rmSync(join(this.dir, id), { recursive: true, force: true });
      await this.#event(id, 'PluginUninstalled', { id, version: p.version });
      return p;
    });
  }

  #require(id: string, state = this.#read()): InstalledPlugin {
    const p = Object.hasOwn(state.plugins, id) ? state.plugins[id] : undefined;
    if (p) return p;
    const builtin = this.#builtinManifests().some((b) => b.manifest.id === id);
    throw new ExportIaError('EIA_PLUGIN_NOT_INSTALLED', { id, detail: builtin ? ' (it is built in)' : '' });
  }

  /** Enabled installed plugins that depend on `id`. */
  #dependents(state: StoreFile, id: string): InstalledPlugin[] {
    return Object.values(state.plugins).filter((p) => p.enabled && p.id !== id && p.dependencies[id] !== undefined);
  }

  #refuseDependents(state: StoreFile, id: string, action: string): void {
    const dependents = this.#dependents(state, id);
    if (dependents.length > 0) {
      throw new ExportIaError('EIA_PLUGIN_DEPENDENTS', {
        plugin: id,
        action,
        dependents: dependents.map((d) => `${d.id}@${d.version}`).join(', '),
      });
    }
  }

  /**
   * The plugin set after the change must load: the new manifest's dependencies are met (by
   * built-ins and enabled installed plugins), no cycle, and every dependent still accepts it.
   */
  #checkGraph(state: StoreFile, manifest: PluginManifest, action: string | undefined): void {
    if (action) {
      const broken = this.#dependents(state, manifest.id).filter(
        (d) => !satisfies(manifest.version, d.dependencies[manifest.id] ?? '*', { includePrerelease: true }),
      );
      if (broken.length > 0) {
        throw new ExportIaError('EIA_PLUGIN_DEPENDENTS', {
          plugin: `${manifest.id}@${state.plugins[manifest.id]?.version ?? '?'}`,
          action,
          dependents: broken.map((d) => `${d.id}@${d.version} (needs ${manifest.id} ${d.dependencies[manifest.id]})`).join(', '),
        });
      }
    }
    const others = Object.values(state.plugins)
      .filter((p) => p.enabled && p.id !== manifest.id)
      .map((p) => ({ manifest: { id: p.id, version: p.version, dependencies: p.dependencies } as PluginManifest }));
    orderByDependencies([...this.#builtinManifests(), ...others, { manifest }]);
  }

  /** Moves a staged package to `<id>/<version>` (replacing one there) and builds its record. */
  #place(staged: StagedPlugin, enabled: boolean): InstalledPlugin {
    const m = staged.manifest;
    const rel = `${m.id}/${m.version}`;
    const target = join(this.dir, m.id, m.version);
    mkdirSync(dirname(target), { recursive: true });
    if (existsSync(target)) {
      const old = `${target}.old-${randomBytes(4).toString('hex')}`;
      renameSync(target, old);
      rmSync(old, { recursive: true, force: true });
    }
    renameSync(staged.dir, target);
    staged.discard();
    return {
      id: m.id,
      version: m.version,
      ...(m.packageName ? { packageName: m.packageName } : {}),
      source: staged.source,
      dir: rel,
      enabled,
      installedAt: new Date().toISOString(),
      dependencies: m.dependencies,
      permissions: m.permissions,
      resources: m.resources,
      files: { ...staged.files },
    };
  }

  /** Removes the version folders of a plugin except those named (`<id>/<version>`). */
  #removeVersions(id: string, keep: readonly string[]): void {
    let versions: string[];
    try {
      versions = readdirSync(join(this.dir, id));
    } catch {
      return;
    }
    for (const v of versions) if (!keep.includes(`${id}/${v}`)) rmSync(join(this.dir, id, v), { recursive: true, force: true });
  }

  #removeEmpty(prior: InstalledPlugin | undefined): void {
    if (!prior) return;
    const parent = join(this.dir, prior.id);
    try {
      if (readdirSync(parent).length === 0) rmSync(parent, { recursive: true });
    } catch {
      // already gone
    }
  }

  #builtinManifests(): Array<{ manifest: PluginManifest; dir: string }> {
    this.#builtins ??= (this.#o.builtins ?? []).map((d) => inspectPluginPackage(d));
    return this.#builtins;
  }

  /** `node_modules/@export-ia/core` in the store → this host's core (refreshed when it moved). */
  #linkCore(): void {
    const link = join(this.dir, 'node_modules', '@export-ia', 'core');
    let current: string | undefined;
    try {
      current = realpathSync(link);
    } catch {
      current = undefined;
    }
    if (current === realpathSync(CORE_PACKAGE_DIR)) return;
    mkdirSync(dirname(link), { recursive: true });
    try {
      unlinkSync(link);
    } catch {
      // there was none
    }
    symlinkSync(CORE_PACKAGE_DIR, link, 'junction');
  }

  #read(): StoreFile {
    const file = join(this.dir, STATE_FILE);
    if (!existsSync(file)) return { version: 1, plugins: {} };
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as StoreFile;
      if (parsed.version !== 1 || typeof parsed.plugins !== 'object' || parsed.plugins === null) throw new Error('unknown shape');
      return parsed;
    } catch (err) {
      throw new ExportIaError('EIA_DATA_DIR', { dir: this.dir, detail: `${STATE_FILE} is unreadable (${(err as Error).message})` });
    }
  }

  #write(state: StoreFile): void {
    writeFileAtomic(join(this.dir, STATE_FILE), new TextEncoder().encode(`${JSON.stringify(state, null, 2)}\n`));
  }

  async #event(id: string, type: string, data: Record<string, unknown>): Promise<void> {
    await this.#o.events?.append(`plugin-${id}`, [{ type, data, ...(this.#o.metadata ? { metadata: this.#o.metadata } : {}) }]);
  }

  /**
   * One change at a time. In this process: one queue per store folder. Between processes: a
   * lock file that appears whole (its pid written to a temporary file, then hard-linked into
   * place, which fails when a lock exists); a lock whose process is gone is moved aside (a rename
   * only one taker wins) and taken.
   */
  #locked<T>(fn: () => Promise<T>): Promise<T> {
    const prior = QUEUES.get(this.dir) ?? Promise.resolve();
    const run = prior.then(() => this.#lockedNow(fn));
    QUEUES.set(
      this.dir,
      run.catch(() => {}),
    );
    return run;
  }

  async #lockedNow<T>(fn: () => Promise<T>): Promise<T> {
    mkdirSync(this.dir, { recursive: true });
    const lock = join(this.dir, LOCK_FILE);
    const mine = join(this.dir, `.lock-${process.pid}-${randomBytes(4).toString('hex')}`);
    writeFileSync(mine, String(process.pid));
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          linkSync(mine, lock);
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) {
            const pid = Number(readFileSafe(lock));
            throw new ExportIaError('EIA_PLUGIN_STORE_LOCKED', { dir: this.dir, pid: Number.isSafeInteger(pid) && pid > 0 ? pid : '?', lock });
          }
          const pid = Number(readFileSafe(lock));
          if (!(Number.isSafeInteger(pid) && pid > 0) || alive(pid)) {
            throw new ExportIaError('EIA_PLUGIN_STORE_LOCKED', { dir: this.dir, pid: Number.isSafeInteger(pid) && pid > 0 ? pid : '?', lock });
          }
          const aside = `${lock}.stale-${randomBytes(4).toString('hex')}`;
          try {
            renameSync(lock, aside);
            rmSync(aside, { force: true });
          } catch {
            // another process moved it first: try again
          }
        }
      }
    } finally {
      rmSync(mine, { force: true });
    }
    try {
      return await fn();
    } finally {
      rmSync(lock, { force: true });
    }
  }
}

/** Store folder → the tail of its queue of changes in this process. */
const QUEUES = new Map<string, Promise<unknown>>();

/**
 * The plugin's npm dependencies must come from the registry: `file:`, `link:`, git, URL and
 * alias specs are refused (a git dependency can run code while installing even with scripts
 * off; a file one copies host files into the plugin). `@export-ia/*` belong in peerDependencies.
 * Returns the names to install.
 */
function checkDependencySpecs(pkgDir: string, source: PluginSource): string[] {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, unknown> };
  const deps = Object.entries(pkg.dependencies ?? {});
  for (const [name, spec] of deps) {
    if (name.startsWith('@export-ia/')) {
      throw new ExportIaError('EIA_PLUGIN_INSTALL_FAILED', {
        source: source.spec,
        detail: 'it lists @export-ia packages under "dependencies"; the host provides them: they belong under "peerDependencies"',
      });
    }
    if (typeof spec !== 'string' || !NPM_NAME.test(name) || /[:/\\]/.test(spec) || spec.startsWith('.')) {
      throw new ExportIaError('EIA_PLUGIN_INSTALL_FAILED', {
        source: source.spec,
        detail: `its dependency "${name}": "${String(spec).slice(0, 80)}" is not a registry version or range (file, link, git, URL and alias dependencies are refused; bundle them instead)`,
      });
    }
  }
  return deps.map(([name]) => name);
}

let allowGit: boolean | undefined;
/** npm 11.10+ has `--allow-git` (git dependencies can run code with scripts off); older npm refuses unknown flags silently. */
async function npmSupportsAllowGit(env: Readonly<Record<string, string | undefined>>): Promise<boolean> {
  if (allowGit !== undefined) return allowGit;
  try {
    const version = (await runNpm(['--version'], process.cwd(), env, 'npm')).trim();
    const [major = 0, minor = 0] = version.split('.').map(Number);
    allowGit = major > 11 || (major === 11 && minor >= 10);
  } catch {
    allowGit = false;
  }
  return allowGit;
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

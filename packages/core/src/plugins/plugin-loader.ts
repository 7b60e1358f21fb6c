/**
 * The one path every plugin takes, built-in or third-party: read the manifest, validate it,
 * check version ranges, order by dependencies (refusing cycles and missing dependencies), import
 * the entry module, validate the plugin's configuration, run `setup`, and check that what it
 * registers matches what it declared.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Ajv, ErrorObject } from 'ajv';
import satisfies from 'semver/functions/satisfies.js';
import validVersion from 'semver/functions/valid.js';
import validRange from 'semver/ranges/valid.js';
import { ExportIaError, isExportIaError } from '../errors/export-ia-error.js';
import { SandboxPool, SandboxSlot, type SwapOptions, type SwapResult } from '../sandbox/pool.js';
import {
  sandboxedCaptioner,
  sandboxedChecker,
  sandboxedDetector,
  sandboxedExporter,
  sandboxedImporter,
  sandboxedScorer,
  sandboxedTranscriber,
  sandboxedTransform,
} from '../sandbox/proxies.js';
import { SandboxedPlugin } from '../sandbox/sandbox.js';
import { closest } from '../util/closest.js';
import { lazy } from '../util/lazy.js';
import { CORE_VERSION, SUPPORTED_API_VERSIONS } from '../version.js';
import { type Checker, type Exporter, type Importer, isPluginDefinition, type PluginApi, type PluginDefinition, type Transform } from './contracts.js';
import {
  type CheckerDescriptor,
  type ExporterDescriptor,
  type ImporterDescriptor,
  manifestFromPackageJson,
  normalizeManifest,
  type PluginManifest,
  type ThemeDescriptor,
  type TransformDescriptor,
  type VideoStepDescriptor,
  type VideoStepKind,
} from './manifest.js';
import type { Captioner, Detector, Scorer, Transcriber } from './video-contracts.js';

/**
 * Where a plugin comes from: a package folder, a package name (found in node_modules from the
 * working directory up), or a definition made in code. The first two are plain strings, so a
 * plugin list can be sent to a worker thread and loaded again there.
 */
export type PluginSpec = string | { definition: PluginDefinition; dir?: string };

export interface LoadedPlugin {
  readonly manifest: PluginManifest;
  readonly dir: string;
  /** The spec as a string when the plugin can be loaded again elsewhere (a worker). */
  readonly spec?: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** Runs in its own sandboxed process (the third-party tier). */
  readonly sandboxed?: boolean;
  /** The plugin's processes, when sandboxed (health checks, metrics, hot swap). */
  sandbox?: SandboxSlot;
}

export interface Registered<D, I> {
  readonly descriptor: D;
  readonly plugin: LoadedPlugin;
  readonly implementation: I;
}

export interface Registry {
  readonly importers: ReadonlyMap<string, Registered<ImporterDescriptor, Importer>>;
  readonly exporters: ReadonlyMap<string, Registered<ExporterDescriptor, Exporter>>;
  readonly transforms: ReadonlyMap<string, Registered<TransformDescriptor, Transform>>;
  readonly checkers: ReadonlyMap<string, Registered<CheckerDescriptor, Checker>>;
  readonly themes: ReadonlyMap<string, { descriptor: ThemeDescriptor; plugin: LoadedPlugin; file: string }>;
  /** Video clipping steps, by kind then id. */
  readonly transcribers: ReadonlyMap<string, Registered<VideoStepDescriptor, Transcriber>>;
  readonly detectors: ReadonlyMap<string, Registered<VideoStepDescriptor, Detector>>;
  readonly scorers: ReadonlyMap<string, Registered<VideoStepDescriptor, Scorer>>;
  readonly captioners: ReadonlyMap<string, Registered<VideoStepDescriptor, Captioner>>;
}

export interface PluginSet {
  /** In load order (dependencies first). */
  readonly plugins: readonly LoadedPlugin[];
  readonly registry: Registry;
  /**
   * Hot swap: replaces a running sandboxed plugin by the version in the package folder `spec`
   * without stopping work (sandbox/pool.ts: start, health check, atomic switch, in-flight calls
   * finish on the old version, which is then stopped; rolled back when the new one fails).
   */
  swap(id: string, spec: string, options?: SwapOptions): Promise<SwapResult>;
  /** Stops plugins in reverse load order. */
  close(): Promise<void>;
}

export interface LoadOptions {
  /** Where package names are looked up from. Default: `process.cwd()`. */
  cwd?: string;
  /** Plugin configuration by plugin id. */
  configs?: Readonly<Record<string, unknown>>;
  /**
   * Plugins to run each in its own sandboxed process (sandbox/sandbox.ts) instead of in this one:
   * the third-party tier. Only packaged plugins (a folder with package.json) can be sandboxed.
   */
  sandbox?: {
    isolate(plugin: { id: string; dir: string }): boolean;
    /** Parent of each sandboxed plugin's scratch folder. Default: the system's temp folder. */
    scratchDir?: string;
    /** Refuse to start when the host cannot cut plugins off the network. Default true. */
    requireNetworkIsolation?: boolean;
  };
  /**
   * Loads only the plugins whose manifest passes (and the plugins they depend on): a command that
   * needs one kind of component (`export-ia clip` its video steps) does not run the others' code.
   * The manifests of all are still read and checked; configuration of a plugin left out is kept
   * for when it loads.
   */
  select?: (manifest: PluginManifest) => boolean;
}

interface Candidate {
  manifest: PluginManifest;
  dir: string;
  spec?: string;
  definition?: PluginDefinition;
}

function looksLikePath(spec: string): boolean {
  return spec.startsWith('.') || isAbsolute(spec) || /^[A-Za-z]:[\\/]/.test(spec);
}

function findPackageDir(name: string, fromDir: string): string | undefined {
  let dir = resolve(fromDir);
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readCandidate(spec: string, cwd: string): Candidate {
  const dir = looksLikePath(spec) ? resolve(cwd, spec) : findPackageDir(spec, cwd);
  if (!dir || !existsSync(join(dir, 'package.json'))) {
    throw new ExportIaError('EIA_PLUGIN_NOT_FOUND', { spec, detail: dir ? `${dir} has no package.json` : 'no such package in node_modules' });
  }
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ExportIaError('EIA_PLUGIN_MANIFEST_INVALID', { plugin: spec, detail: `package.json is not valid JSON (${(err as Error).message})` });
  }
  const manifest = manifestFromPackageJson(pkg, typeof pkg.name === 'string' ? pkg.name : spec);
  const realDir = realpathSync(dir);
  return { manifest, dir: realDir, spec: realDir };
}

/** Throws unless `file` (after following symlinks) is inside `dir`. */
function assertInside(file: string, dir: string, onFail: () => ExportIaError): string {
  const target = resolve(dir, file);
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    real = target;
  }
  const rel = relative(dir, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) throw onFail();
  return real;
}

function checkVersions(c: Candidate): void {
  const range = c.manifest.engines['export-ia'];
  const label = `${c.manifest.id}@${c.manifest.version}`;
  if (!validVersion(c.manifest.version)) {
    throw new ExportIaError('EIA_PLUGIN_MANIFEST_INVALID', { plugin: label, detail: `version "${c.manifest.version}" is not a semantic version` });
  }
  if (!validRange(range)) {
    throw new ExportIaError('EIA_PLUGIN_MANIFEST_INVALID', { plugin: label, detail: `engines["export-ia"] "${range}" is not a semver range` });
  }
  if (!satisfies(CORE_VERSION, range, { includePrerelease: true })) {
    throw new ExportIaError('EIA_PLUGIN_ENGINE_RANGE', { plugin: label, range, version: CORE_VERSION });
  }
  if (!SUPPORTED_API_VERSIONS.includes(c.manifest.apiVersion)) {
    throw new ExportIaError('EIA_PLUGIN_API_VERSION', { plugin: label, apiVersion: c.manifest.apiVersion, supported: SUPPORTED_API_VERSIONS.join(', ') });
  }
  for (const [dep, depRange] of Object.entries(c.manifest.dependencies)) {
    if (!validRange(depRange)) {
      throw new ExportIaError('EIA_PLUGIN_MANIFEST_INVALID', { plugin: label, detail: `dependency "${dep}" has an invalid range "${depRange}"` });
    }
  }
}

/**
 * Orders plugins so that every plugin comes after its dependencies; ties keep the given order.
 * Missing dependencies, version mismatches and cycles are refused with the plugins named.
 */
export function orderByDependencies<T extends { manifest: PluginManifest }>(items: readonly T[]): T[] {
  const byId = new Map(items.map((c) => [c.manifest.id, c]));
  for (const c of items) {
    for (const [dep, range] of Object.entries(c.manifest.dependencies)) {
      const found = byId.get(dep);
      const plugin = `${c.manifest.id}@${c.manifest.version}`;
      if (!found) throw new ExportIaError('EIA_PLUGIN_DEPENDENCY_MISSING', { plugin, dependency: dep, range });
      if (!satisfies(found.manifest.version, range, { includePrerelease: true })) {
        throw new ExportIaError('EIA_PLUGIN_DEPENDENCY_RANGE', { plugin, dependency: dep, range, found: found.manifest.version });
      }
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const order: T[] = [];
  const path: string[] = [];
  // Iterative DFS would obscure the cycle report; plugin graphs are small, recursion is fine.
  const visit = (c: T): void => {
    const key = c.manifest.id;
    const s = state.get(key);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(key)), key];
      throw new ExportIaError('EIA_PLUGIN_CYCLE', { cycle: cycle.join(' → ') });
    }
    state.set(key, 'visiting');
    path.push(key);
    for (const dep of Object.keys(c.manifest.dependencies)) visit(byId.get(dep) as T);
    path.pop();
    state.set(key, 'done');
    order.push(c);
  };
  for (const c of items) visit(c);
  return order;
}

// The core's own schemas are precompiled (generated/validators.ts); only a plugin's configSchema
// needs the Ajv compiler, and only when there is configuration to check, so it is loaded then (~80 ms).
const configAjv = lazy((): Ajv => {
  const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  return new AjvClass({ allErrors: true, strict: false, useDefaults: true });
});

/** Applies `default`s of object properties, recursively (what Ajv's useDefaults does for these schemas). */
function fillDefaults(schema: Record<string, unknown>, value: Record<string, unknown>): void {
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  if (!properties) return;
  for (const [key, prop] of Object.entries(properties)) {
    if (value[key] === undefined && prop.default !== undefined) value[key] = structuredClone(prop.default);
    const child = value[key];
    if (prop.type === 'object' && typeof child === 'object' && child !== null && !Array.isArray(child)) fillDefaults(prop, child as Record<string, unknown>);
  }
}

/**
 * Where each schema error is (the dotted key; for an unknown or a missing key, that key) and what
 * rule it broke, in words and by its JSON Schema keyword.
 */
function describeConfigErrors(schema: Record<string, unknown>, errors: readonly ErrorObject[]): { key: string; detail: string } {
  const described = errors.map((e) => {
    const segments = e.instancePath
      ? e.instancePath
          .slice(1)
          .split('/')
          .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      : [];
    const at = segments.join('.');
    const under = (name: string) => (at ? `${at}.${name}` : name);
    if (e.keyword === 'additionalProperties') {
      const unknown = (e.params as { additionalProperty: string }).additionalProperty;
      // The keys the schema knows at that level, for a "did you mean".
      let level: Record<string, unknown> | undefined = schema;
      for (const s of segments) level = (level?.properties as Record<string, Record<string, unknown>> | undefined)?.[s];
      const near = closest(unknown, Object.keys((level?.properties as object | undefined) ?? {}));
      return {
        key: under(unknown),
        rule: `is not a known key${near ? ` (did you mean "${near}"?)` : ''} (schema rule additionalProperties: false)`,
      };
    }
    if (e.keyword === 'required') return { key: under((e.params as { missingProperty: string }).missingProperty), rule: 'is required (schema rule required)' };
    if (e.keyword === 'enum') {
      return { key: at || '(top level)', rule: `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')} (schema rule enum)` };
    }
    const limit = (e.params as { limit?: unknown }).limit;
    return { key: at || '(top level)', rule: `${e.message ?? 'is invalid'} (schema rule ${e.keyword}${limit === undefined ? '' : `: ${String(limit)}`})` };
  });
  const [first, ...rest] = described;
  if (!first) return { key: '(top level)', detail: 'invalid value' };
  return { key: first.key, detail: [first.rule, ...rest.map((d) => `"${d.key}" ${d.rule}`)].join('; ') };
}

function validateConfig(manifest: PluginManifest, raw: unknown): Record<string, unknown> {
  const config = structuredClone((raw ?? {}) as Record<string, unknown>);
  if (!manifest.configSchema) {
    if (raw !== undefined && Object.keys(config).length > 0) {
      throw new ExportIaError('EIA_PLUGIN_CONFIG_INVALID', {
        plugin: manifest.id,
        key: Object.keys(config)[0] ?? '(top level)',
        detail: 'this plugin takes no configuration (its manifest has no configSchema)',
      });
    }
    return config;
  }
  // Nothing configured: the defaults are all there is to apply; compiling the schema (tens of
  // milliseconds each) is only worth it when there is user input to check.
  if (raw === undefined) {
    fillDefaults(manifest.configSchema, config);
    return config;
  }
  const validate = configAjv().compile(manifest.configSchema);
  if (!validate(config)) {
    throw new ExportIaError('EIA_PLUGIN_CONFIG_INVALID', { plugin: manifest.id, ...describeConfigErrors(manifest.configSchema, validate.errors ?? []) });
  }
  return config;
}

/**
 * Checks a proposed configuration for a plugin against its manifest's `configSchema`, exactly as
 * the loader does when the plugin loads, and returns it with the schema's defaults applied.
 * For tools that change `pluginConfig.<id>` (`export-ia plugins config --set`): check first,
 * write only what passes. `undefined` means "not configured" (the defaults).
 *
 * @throws ExportIaError `EIA_PLUGIN_CONFIG_INVALID` naming the plugin, the key and the schema rule.
 */
export function validatePluginConfig(plugin: { readonly manifest: PluginManifest }, proposed: unknown): Record<string, unknown> {
  return validateConfig(plugin.manifest, proposed);
}

async function importDefinition(c: Candidate): Promise<PluginDefinition> {
  if (c.definition) return c.definition;
  const label = `${c.manifest.id}@${c.manifest.version}`;
  const main = assertInside(c.manifest.main, c.dir, () => new ExportIaError('EIA_PLUGIN_MAIN_OUTSIDE', { plugin: label, main: c.manifest.main }));
  if (!existsSync(main)) throw new ExportIaError('EIA_PLUGIN_NOT_FOUND', { spec: label, detail: `entry module ${main} does not exist (is the plugin built?)` });
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(main).href)) as { default?: unknown };
  } catch (err) {
    throw new ExportIaError(
      'EIA_PLUGIN_SETUP_FAILED',
      { plugin: label, detail: `cannot import ${c.manifest.main}: ${(err as Error).message}` },
      { cause: err },
    );
  }
  if (!isPluginDefinition(mod.default)) {
    throw new ExportIaError('EIA_PLUGIN_SETUP_FAILED', { plugin: label, detail: `${c.manifest.main} must default-export definePlugin({...})` });
  }
  return mod.default;
}

/**
 * Node's permission model follows symbolic links, even out of the folders it grants: a link in
 * a plugin's folder to `~/.ssh` would let the sandboxed plugin read it. Links that stay inside
 * the folder are fine; any other is refused (its own `node_modules` included; at most 50,000
 * entries are looked at, more is refused too).
 */
function refuseLinksOutside(dir: string, label: string): void {
  const root = realpathSync(dir);
  let budget = 50_000;
  const walk = (abs: string, rel: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (--budget < 0) throw new ExportIaError('EIA_PLUGIN_LINK_OUTSIDE', { plugin: label, file: rel || '.', target: '(more than 50,000 files to check)' });
      const childAbs = join(abs, entry.name);
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync(childAbs);
        } catch {
          // Dangling now, but the path it names may appear later: judged by where it points.
          target = resolve(abs, readlinkSync(childAbs));
        }
        const inside = relative(root, target);
        if (inside.startsWith('..') || isAbsolute(inside)) throw new ExportIaError('EIA_PLUGIN_LINK_OUTSIDE', { plugin: label, file: childRel, target });
      } else if (entry.isDirectory()) walk(childAbs, childRel);
    }
  };
  walk(root, '');
}

/**
 * The processes of one sandboxed plugin version: up to `resources.concurrency` (default 1),
 * each with the plugin's limits, sharing one scratch folder.
 */
function sandboxPool(
  manifest: PluginManifest,
  dir: string,
  config: Record<string, unknown>,
  options: NonNullable<LoadOptions['sandbox']>,
): { pool: SandboxPool; scratchDir: string } {
  const label = `${manifest.id}@${manifest.version}`;
  const scratchDir = mkdtempSync(join(options.scratchDir ?? tmpdir(), `eia-plugin-${manifest.id}-`));
  const make = () =>
    new SandboxedPlugin({
      id: label,
      dir,
      main: manifest.main,
      scratchDir,
      config,
      ...(manifest.resources.memoryMb === undefined ? {} : { memoryMb: manifest.resources.memoryMb }),
      ...(manifest.resources.timeoutMs === undefined ? {} : { timeoutMs: manifest.resources.timeoutMs }),
      ...(options.requireNetworkIsolation === undefined ? {} : { requireNetworkIsolation: options.requireNetworkIsolation }),
      ...(manifest.permissions.net ? { net: manifest.permissions.net } : {}),
    });
  return { pool: new SandboxPool(make, manifest.resources.concurrency ?? 1), scratchDir };
}

/**
 * Starts a plugin in its own process: its `setup` runs there, and each component it registered
 * is claimed here through a proxy that calls it over the sandbox's channel (so the manifest's
 * declarations are checked exactly as for an in-process plugin).
 */
async function startSandboxed(
  c: Candidate,
  plugin: LoadedPlugin,
  api: PluginApi,
  closers: Array<() => void | Promise<void>>,
  options: NonNullable<LoadOptions['sandbox']>,
  slots: Map<string, SandboxSlot>,
): Promise<void> {
  const { manifest } = c;
  const label = `${manifest.id}@${manifest.version}`;
  assertInside(manifest.main, c.dir, () => new ExportIaError('EIA_PLUGIN_MAIN_OUTSIDE', { plugin: label, main: manifest.main }));
  refuseLinksOutside(c.dir, label);
  const { pool, scratchDir } = sandboxPool(manifest, c.dir, plugin.config as Record<string, unknown>, options);
  const sandbox = new SandboxSlot(manifest.id, manifest.version, pool);
  plugin.sandbox = sandbox;
  closers.push(async () => {
    await sandbox.close();
    rmSync(scratchDir, { recursive: true, force: true });
  });
  slots.set(manifest.id, sandbox);
  let components: string[];
  try {
    components = [...(await pool.start())];
  } catch (err) {
    if (isExportIaError(err) && err.code !== 'EIA_PLUGIN_CRASHED') throw err;
    throw new ExportIaError('EIA_PLUGIN_SETUP_FAILED', { plugin: label, detail: (err as Error).message }, { cause: err });
  }
  for (const name of components) {
    const m = /^(importer|exporter|transform|checker|transcriber|detector|scorer|captioner):(.+)$/.exec(name);
    if (!m || /\.(merge|available)$/.test(name)) continue;
    const [, kind, id] = m as unknown as [string, string, string];
    if (kind === 'transcriber') api.transcriber(id, sandboxedTranscriber(sandbox, label, id, components.includes(`${name}.available`)));
    else if (kind === 'detector') api.detector(id, sandboxedDetector(sandbox, label, id));
    else if (kind === 'scorer') api.scorer(id, sandboxedScorer(sandbox, label, id));
    else if (kind === 'captioner') api.captioner(id, sandboxedCaptioner(sandbox, label, id));
    else if (kind === 'checker') api.checker(id, sandboxedChecker(sandbox, label, id, components.includes(`${name}.merge`)));
    else if (kind === 'exporter') api.exporter(id, sandboxedExporter(sandbox, label, id));
    else if (kind === 'importer') api.importer(id, sandboxedImporter(sandbox, label, id));
    else api.transform(id, sandboxedTransform(sandbox, label, id));
  }
}

/** The candidates `select` keeps, with every plugin they depend on (all of them without `select`). */
function selected(candidates: Candidate[], byId: ReadonlyMap<string, Candidate>, select: LoadOptions['select']): Candidate[] {
  if (!select) return candidates;
  const keep = new Set<string>();
  const add = (id: string) => {
    const c = byId.get(id);
    if (!c || keep.has(id)) return;
    keep.add(id);
    for (const dependency of Object.keys(c.manifest.dependencies)) add(dependency);
  };
  for (const c of candidates) if (select(c.manifest)) add(c.manifest.id);
  return candidates.filter((c) => keep.has(c.manifest.id));
}

/** Loads, orders and starts plugins. On any failure, plugins already started are stopped. */
export async function loadPlugins(specs: readonly PluginSpec[], options: LoadOptions = {}): Promise<PluginSet> {
  const cwd = options.cwd ?? process.cwd();
  const candidates: Candidate[] = specs.map((spec) => {
    if (typeof spec === 'string') return readCandidate(spec, cwd);
    if (!isPluginDefinition(spec.definition)) {
      throw new ExportIaError('EIA_PLUGIN_SETUP_FAILED', { plugin: '(inline)', detail: 'not made with definePlugin()' });
    }
    const manifest = normalizeManifest(
      { engines: { 'export-ia': '*' }, apiVersion: 1, ...spec.definition.manifest },
      spec.definition.manifest?.id ?? '(inline)',
    );
    return { manifest, dir: spec.dir ?? cwd, definition: spec.definition };
  });
  const seen = new Map<string, Candidate>();
  for (const c of candidates) {
    const prior = seen.get(c.manifest.id);
    if (prior) throw new ExportIaError('EIA_PLUGIN_DUPLICATE', { id: c.manifest.id, first: prior.dir, second: c.dir });
    seen.set(c.manifest.id, c);
    checkVersions(c);
  }
  const ordered = orderByDependencies(selected(candidates, seen, options.select));
  // Configuration for a plugin that is not loaded is a mistake (usually a typo in the id).
  for (const id of Object.keys(options.configs ?? {})) {
    if (!seen.has(id)) {
      const suggestion = closest(id, [...seen.keys()]);
      throw new ExportIaError('EIA_PLUGIN_CONFIG_INVALID', {
        plugin: id,
        key: '(top level)',
        detail: `no plugin "${id}" is loaded${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      });
    }
  }

  const importers = new Map<string, Registered<ImporterDescriptor, Importer>>();
  const exporters = new Map<string, Registered<ExporterDescriptor, Exporter>>();
  const transforms = new Map<string, Registered<TransformDescriptor, Transform>>();
  const checkers = new Map<string, Registered<CheckerDescriptor, Checker>>();
  const themes = new Map<string, { descriptor: ThemeDescriptor; plugin: LoadedPlugin; file: string }>();
  const transcribers = new Map<string, Registered<VideoStepDescriptor, Transcriber>>();
  const detectors = new Map<string, Registered<VideoStepDescriptor, Detector>>();
  const scorers = new Map<string, Registered<VideoStepDescriptor, Scorer>>();
  const captioners = new Map<string, Registered<VideoStepDescriptor, Captioner>>();
  const stepMaps = { transcriber: transcribers, detector: detectors, scorer: scorers, captioner: captioners } as const;
  const closers: Array<() => void | Promise<void>> = [];
  const loaded: LoadedPlugin[] = [];
  const slots = new Map<string, SandboxSlot>();

  const close = async () => {
    for (const fn of closers.splice(0).reverse()) {
      try {
        await fn();
      } catch {
        // Closing is best effort: one plugin failing to stop must not keep others running.
      }
    }
  };

  try {
    for (const c of ordered) {
      const { manifest } = c;
      const label = `${manifest.id}@${manifest.version}`;
      const config = validateConfig(manifest, options.configs?.[manifest.id]);
      const sandboxed = options.sandbox !== undefined && !c.definition && options.sandbox.isolate({ id: manifest.id, dir: c.dir });
      const plugin: LoadedPlugin = {
        manifest,
        dir: c.dir,
        config,
        ...(c.spec === undefined ? {} : { spec: c.spec }),
        ...(sandboxed ? { sandboxed: true } : {}),
      };
      const claim = <D extends { id: string }, I>(
        kind: 'importer' | 'exporter' | 'transform' | 'checker' | VideoStepKind,
        declared: readonly D[],
        target: Map<string, Registered<D, I>>,
        id: string,
        implementation: I,
      ) => {
        const descriptor = declared.find((d) => d.id === id);
        if (!descriptor) {
          const list = ['transcriber', 'detector', 'scorer', 'captioner'].includes(kind) ? `videoSteps (with kind "${kind}")` : `${kind}s`;
          throw new ExportIaError('EIA_PLUGIN_UNDECLARED_CONTRIBUTION', { plugin: label, kind, id, list });
        }
        const other = target.get(id);
        if (other) {
          throw new ExportIaError('EIA_PLUGIN_DUPLICATE', { id: `${kind} ${id}`, first: other.plugin.manifest.id, second: manifest.id });
        }
        target.set(id, { descriptor, plugin, implementation });
      };
      // A video step is declared with its kind: the id must be declared with the kind it is registered as.
      const claimStep = <I>(kind: VideoStepKind, id: string, implementation: I) =>
        claim(
          kind,
          manifest.contributes.videoSteps.filter((d) => d.kind === kind),
          stepMaps[kind] as unknown as Map<string, Registered<VideoStepDescriptor, I>>,
          id,
          implementation,
        );
      const api: PluginApi = {
        id: manifest.id,
        version: manifest.version,
        dir: c.dir,
        config,
        importer: (id, impl) => claim('importer', manifest.contributes.importers, importers, id, impl),
        exporter: (id, impl) => claim('exporter', manifest.contributes.exporters, exporters, id, impl),
        transform: (id, impl) => claim('transform', manifest.contributes.transforms, transforms, id, impl),
        checker: (id, impl) => claim('checker', manifest.contributes.checkers, checkers, id, impl),
        transcriber: (id, impl) => claimStep('transcriber', id, impl),
        detector: (id, impl) => claimStep('detector', id, impl),
        scorer: (id, impl) => claimStep('scorer', id, impl),
        captioner: (id, impl) => claimStep('captioner', id, impl),
        onClose: (fn) => {
          closers.push(fn);
        },
      };
      if (sandboxed && options.sandbox) {
        await startSandboxed(c, plugin, api, closers, options.sandbox, slots);
      } else {
        const definition = await importDefinition(c);
        try {
          await definition.setup(api);
        } catch (err) {
          if (isExportIaError(err)) throw err;
          throw new ExportIaError('EIA_PLUGIN_SETUP_FAILED', { plugin: label, detail: (err as Error)?.message ?? String(err) }, { cause: err });
        }
      }
      const missing = [
        ...manifest.contributes.importers.filter((d) => importers.get(d.id)?.plugin !== plugin).map((d) => `importer "${d.id}"`),
        ...manifest.contributes.exporters.filter((d) => exporters.get(d.id)?.plugin !== plugin).map((d) => `exporter "${d.id}"`),
        ...manifest.contributes.transforms.filter((d) => transforms.get(d.id)?.plugin !== plugin).map((d) => `transform "${d.id}"`),
        ...manifest.contributes.checkers.filter((d) => checkers.get(d.id)?.plugin !== plugin).map((d) => `checker "${d.id}"`),
        ...manifest.contributes.videoSteps.filter((d) => stepMaps[d.kind].get(d.id)?.plugin !== plugin).map((d) => `${d.kind} "${d.id}"`),
      ];
      if (missing.length > 0) {
        throw new ExportIaError('EIA_PLUGIN_SETUP_FAILED', { plugin: label, detail: `declares ${missing.join(', ')} but setup() never registered it` });
      }
      for (const descriptor of manifest.contributes.themes) {
        const file = assertInside(
          descriptor.file,
          c.dir,
          () => new ExportIaError('EIA_PLUGIN_MANIFEST_INVALID', { plugin: label, detail: `theme file "${descriptor.file}" is outside the package` }),
        );
        if (themes.has(descriptor.id)) {
          throw new ExportIaError('EIA_PLUGIN_DUPLICATE', {
            id: `theme ${descriptor.id}`,
            first: themes.get(descriptor.id)?.plugin.manifest.id ?? '?',
            second: manifest.id,
          });
        }
        themes.set(descriptor.id, { descriptor, plugin, file });
      }
      loaded.push(plugin);
    }
  } catch (err) {
    await close();
    throw err;
  }
  const swap = (id: string, spec: string, swapOptions: SwapOptions = {}) => swapPlugin({ loaded, slots, closers, cwd, options }, id, spec, swapOptions);
  return { plugins: loaded, registry: { importers, exporters, transforms, checkers, themes, transcribers, detectors, scorers, captioners }, swap, close };
}

const contributionKey = (m: PluginManifest) =>
  JSON.stringify(
    (['importers', 'exporters', 'transforms', 'checkers', 'themes', 'videoSteps'] as const).map((kind) =>
      (m.contributes[kind] as ReadonlyArray<{ id: string; kind?: string }>)
        .map((d) => (d.kind ? `${d.kind}:${d.id}` : d.id))
        .sort()
        .join(','),
    ),
  );

async function swapPlugin(
  set: { loaded: LoadedPlugin[]; slots: Map<string, SandboxSlot>; closers: Array<() => void | Promise<void>>; cwd: string; options: LoadOptions },
  id: string,
  spec: string,
  swapOptions: SwapOptions,
): Promise<SwapResult> {
  const plugin = set.loaded.find((p) => p.manifest.id === id);
  const slot = set.slots.get(id);
  const old = plugin?.manifest;
  const failed = (version: string, detail: string) =>
    new ExportIaError('EIA_PLUGIN_SWAP_FAILED', { plugin: old ? `${id}@${old.version}` : id, version, detail });
  if (!plugin || !old) throw failed('?', 'no loaded plugin has this id');
  if (!slot || !set.options.sandbox)
    throw failed('?', 'it runs in-process (built-in or trusted); only sandboxed plugins can be swapped while running: restart to load another version');
  const c = readCandidate(spec, set.cwd);
  const m = c.manifest;
  if (m.id !== id) throw failed(m.version, `${spec} is plugin "${m.id}"`);
  checkVersions(c);
  if (contributionKey(m) !== contributionKey(old)) throw failed(m.version, 'it declares other components than the running version; restart to load it');
  // The plugin set with the new version must still hold together: its dependencies, and every
  // plugin that depends on it.
  orderByDependencies(set.loaded.map((p) => (p === plugin ? { manifest: m } : { manifest: p.manifest })));
  const config = validateConfig(m, set.options.configs?.[id]);
  refuseLinksOutside(c.dir, `${m.id}@${m.version}`);
  const { pool, scratchDir } = sandboxPool(m, c.dir, config, set.options.sandbox);
  set.closers.push(() => rmSync(scratchDir, { recursive: true, force: true }));
  const after = { manifest: m, dir: c.dir, spec: c.spec, config };
  const mutable = plugin as { -readonly [K in keyof LoadedPlugin]: LoadedPlugin[K] };
  // What the plugin was at the moment of the switch (queued swaps change it meanwhile), restored
  // on a rollback.
  let before: typeof after | undefined;
  return slot.swap(m.version, pool, {
    ...swapOptions,
    onSwitch: (version, rolledBack) => {
      if (!rolledBack) before = { manifest: plugin.manifest, dir: plugin.dir, spec: plugin.spec, config: plugin.config };
      const to = rolledBack ? before : after;
      if (!to) return;
      mutable.manifest = to.manifest;
      mutable.dir = to.dir;
      mutable.config = to.config;
      if (to.spec !== undefined) mutable.spec = to.spec;
      swapOptions.onSwitch?.(version, rolledBack);
    },
  });
}

/**
 * Reads a plugin package's manifest and checks what can be checked without running it: the
 * schema, the version and its ranges, the API version, and that `main` is a file inside the
 * package. What the installer verifies before it copies anything.
 */
export function inspectPluginPackage(dir: string): { manifest: PluginManifest; dir: string } {
  const c = readCandidate(resolve(dir), dir);
  checkVersions(c);
  const label = `${c.manifest.id}@${c.manifest.version}`;
  const main = assertInside(c.manifest.main, c.dir, () => new ExportIaError('EIA_PLUGIN_MAIN_OUTSIDE', { plugin: label, main: c.manifest.main }));
  if (!existsSync(main)) {
    throw new ExportIaError('EIA_PLUGIN_MANIFEST_INVALID', {
      plugin: label,
      detail: `main "${c.manifest.main}" is not in the package (is the plugin built? does package.json "files" include it?)`,
    });
  }
  return { manifest: c.manifest, dir: c.dir };
}

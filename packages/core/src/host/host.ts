/**
 * The host: loads a plugin set and exposes what apps need (CLI, later the server and workers):
 * formats, themes, pipelines, input reading. Apps pass the plugin list; only their composition
 * root knows which plugins are built in.
 */
import { DEFAULT_LIMITS } from '../config/settings.js';
import { ExportIaError } from '../errors/export-ia-error.js';
import { readInputFile } from '../io/input.js';
import { type CachedImport, Pipeline, type PipelineHost, type PipelineSpec, validatePipelineSpec } from '../pipeline/pipeline.js';
import type { SourceInput } from '../plugins/contracts.js';
import type { ExporterDescriptor, ImporterDescriptor } from '../plugins/manifest.js';
import { type LoadedPlugin, type LoadOptions, loadPlugins, type PluginSpec, type Registry } from '../plugins/plugin-loader.js';
import type { SwapOptions, SwapResult } from '../sandbox/pool.js';
import { loadTheme, type ResolvedTheme } from '../themes/theme-loader.js';
import { LruCache } from '../util/lru-cache.js';

export interface HostOptions {
  /** Plugin folders, package names, or definitions made in code. */
  plugins: readonly PluginSpec[];
  /** Working directory: package names, relative inputs and theme paths resolve from it. */
  cwd?: string;
  /** Configuration per plugin id, validated against each plugin's configSchema. */
  pluginConfig?: Readonly<Record<string, unknown>>;
  /** Folder of the config file the plugin configuration came from: relative paths in it resolve from there. */
  configDir?: string;
  /** Parsed documents kept for reuse (by content hash). Default 32. */
  importCacheEntries?: number;
  /**
   * Which plugins run each in its own sandboxed process (the third-party tier; see
   * sandbox/sandbox.ts). Default: none — every plugin runs in this process.
   */
  sandbox?: LoadOptions['sandbox'];
  /** Load only the plugins whose manifest passes, and their dependencies (see LoadOptions). */
  select?: LoadOptions['select'];
}

export interface Host extends PipelineHost {
  readonly cwd: string;
  readonly plugins: readonly LoadedPlugin[];
  readonly registry: Registry;
  /**
   * The plugin list as strings, when every plugin can be loaded again in another thread;
   * `undefined` when some plugin was defined in code.
   */
  readonly pluginSpecs: readonly string[] | undefined;
  readonly pluginConfig: Readonly<Record<string, unknown>>;
  importers(): ImporterDescriptor[];
  exporters(): ExporterDescriptor[];
  themeIds(): string[];
  /** An empty pipeline to compose with `.use()`, or one from a spec; `source` (a file path) names it in errors. */
  pipeline(spec?: PipelineSpec, source?: string): Pipeline;
  /** The default export pipeline: chosen importer → default transforms → these exporters. */
  exportPipeline(formats: readonly string[]): Pipeline;
  /**
   * The analysis pipeline: chosen importer → default transforms → checkers (the default ones, or
   * these) → optionally exporters (`export --quality`).
   */
  analyzePipeline(checkers?: readonly string[], formats?: readonly string[]): Pipeline;
  checkerIds(): string[];
  /** Reads an input file with the size limit and the usual checks. */
  readInput(name: string, maxBytes?: number): SourceInput;
  /**
   * Hot swap: the sandboxed plugin `id` is replaced by the version in the package folder `spec`
   * while work goes on; calls in flight finish on the old version. See PluginSet.swap.
   */
  swapPlugin(id: string, spec: string, options?: SwapOptions): Promise<SwapResult>;
  /** Runs `fn` when the host closes (worker pools and other resources tied to this host). */
  onClose(fn: () => void | Promise<void>): void;
  /** Stops plugins and everything registered with onClose. */
  close(): Promise<void>;
}

/** Loads the plugins and returns a ready host. */
export async function createHost(options: HostOptions): Promise<Host> {
  const cwd = options.cwd ?? process.cwd();
  const pluginConfig = options.pluginConfig ?? {};
  const set = await loadPlugins(options.plugins, {
    cwd,
    configs: pluginConfig,
    ...(options.sandbox ? { sandbox: options.sandbox } : {}),
    ...(options.select ? { select: options.select } : {}),
  });
  const { registry } = set;
  const themeCache = new Map<string, ResolvedTheme>();
  const themeLookup = {
    fileOf: (id: string) => registry.themes.get(id)?.file,
    ids: () => [...registry.themes.keys()],
  };
  const closers: Array<() => void | Promise<void>> = [];

  const host: Host = {
    cwd,
    ...(options.configDir ? { configDir: options.configDir } : {}),
    plugins: set.plugins,
    registry,
    // Read when a worker thread loads the plugins: after a swap it names the new version's folder.
    get pluginSpecs() {
      const specs = set.plugins.map((p) => p.spec);
      return specs.every((s): s is string => typeof s === 'string') ? specs : undefined;
    },
    pluginConfig,
    importCache: new LruCache<string, CachedImport>(options.importCacheEntries ?? 32, 256 * 1024 * 1024),
    importers: () => [...registry.importers.values()].map((r) => r.descriptor),
    exporters: () => [...registry.exporters.values()].map((r) => r.descriptor),
    themeIds: () => [...registry.themes.keys()],
    resolveTheme(nameOrPath) {
      let theme = themeCache.get(nameOrPath);
      if (!theme) {
        theme = loadTheme(nameOrPath, themeLookup, cwd);
        themeCache.set(nameOrPath, theme);
      }
      return theme;
    },
    pipeline(spec, source) {
      if (spec) validatePipelineSpec(spec, registry, source);
      return new Pipeline(host, spec, source);
    },
    exportPipeline(formats) {
      for (const f of formats) {
        if (!registry.exporters.has(f)) throw new ExportIaError('EIA_UNKNOWN_FORMAT', { format: f, known: [...registry.exporters.keys()].join(', ') });
      }
      const transforms = [...registry.transforms.entries()].filter(([, r]) => r.descriptor.default).map(([id]) => ({ transform: id }));
      return new Pipeline(host, { steps: [{ importer: 'auto' }, ...transforms, { exporters: [...formats] }] });
    },
    checkerIds: () => [...registry.checkers.keys()],
    analyzePipeline(checkers, formats = []) {
      const ids = checkers ?? [...registry.checkers.entries()].filter(([, r]) => r.descriptor.default).map(([id]) => id);
      const transforms = [...registry.transforms.entries()].filter(([, r]) => r.descriptor.default).map(([id]) => ({ transform: id }));
      const steps: PipelineSpec['steps'] = [{ importer: 'auto' }, ...transforms];
      if (ids.length > 0) steps.push({ checkers: [...ids] });
      if (formats.length > 0) steps.push({ exporters: [...formats] });
      const spec: PipelineSpec = { steps };
      validatePipelineSpec(spec, registry);
      return new Pipeline(host, spec);
    },
    readInput: (name, maxBytes = DEFAULT_LIMITS.maxInputBytes) => readInputFile(name, { cwd, maxBytes }),
    async swapPlugin(id, spec, options) {
      const result = await set.swap(id, spec, options);
      // Imports and themes cached from the old version are not the new version's.
      host.importCache.clear();
      themeCache.clear();
      return result;
    },
    onClose: (fn) => {
      closers.push(fn);
    },
    async close() {
      for (const fn of closers.splice(0).reverse()) await fn();
      await set.close();
    },
  };
  return host;
}

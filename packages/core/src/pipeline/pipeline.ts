/**
 * The pipeline engine. A pipeline is an ordered list of steps contributed by plugins:
 * one importer, then transforms (in order), then one group of exporters that run concurrently
 * from the same document. Steps are plain data ({@link PipelineSpec}), so a pipeline can be
 * written in YAML, logged, and later dispatched to remote workers.
 */
import { resolve } from 'node:path';
import type { Root } from 'mdast';
import { type ExportSettings, mergeSettings, type SettingsLayer } from '../config/settings.js';
import { type Diagnostic, diagnostic, ExportIaError, isExportIaError, type SerializedError, toExportIaError } from '../errors/export-ia-error.js';
import { decodeText, extensionOf } from '../io/input.js';
import type { DocumentModel } from '../model/document.js';
import { applyMetadataOverrides, interpretFrontMatter } from '../model/front-matter.js';
import { assignHeadingIds, checkDepth, pushAll } from '../model/tree.js';
import type { CheckContext, ExportContext, ImportResult, SourceInput, StepContext } from '../plugins/contracts.js';
import type { ImporterDescriptor } from '../plugins/manifest.js';
import type { LoadedPlugin, Registry } from '../plugins/plugin-loader.js';
import type { CorpusIndex } from '../quality/corpus.js';
import { compareFindings, type Finding } from '../quality/findings.js';
import type { ResolvedTheme } from '../themes/theme-loader.js';
import type { LruCache } from '../util/lru-cache.js';

export type StepSpec = { importer: string } | { transform: string } | { checkers: string[] } | { exporters: string[] };

export interface PipelineSpec {
  name?: string;
  steps: StepSpec[];
}

export interface PluginRef {
  id: string;
  version: string;
}

export type PipelineEvent =
  | { type: 'step-started'; file: string; step: string; plugin: PluginRef }
  | { type: 'step-progress'; file: string; step: string; fraction: number; note?: string }
  | { type: 'step-finished'; file: string; step: string; plugin: PluginRef; ms: number }
  | { type: 'step-failed'; file: string; step: string; plugin: PluginRef; ms: number; error: SerializedError };

export interface Output {
  format: string;
  extension: string;
  mediaType: string;
  data: Uint8Array;
}

export interface StepTiming {
  step: string;
  plugin: PluginRef;
  ms: number;
  status: 'ok' | 'failed' | 'cached';
}

/** What the checkers found (when the pipeline has a checkers step). */
export interface Analysis {
  findings: Finding[];
  /** Every checker's metrics, merged (`readability`, `language`, `spelling`…). */
  metrics: Record<string, unknown>;
  checkers: Array<{ id: string; plugin: PluginRef; ms: number; status: 'ok' | 'failed'; error?: SerializedError }>;
  /** The document's title, when it has one (front matter, --metadata, first heading). */
  title?: string;
}

export interface PipelineResult {
  file: string;
  document: DocumentModel;
  settings: ExportSettings;
  outputs: Output[];
  /** Exporters that failed; the other formats are still in `outputs`. */
  failures: Array<{ format: string; error: SerializedError }>;
  diagnostics: Diagnostic[];
  steps: StepTiming[];
  analysis?: Analysis;
}

export interface RunOptions {
  /** Settings layers, highest precedence first (flags, env, config file); front matter is added last. */
  settings?: readonly SettingsLayer[];
  signal?: AbortSignal;
  onEvent?: (event: PipelineEvent) => void;
  /** Called as each exporter finishes (before the others do), so a caller can store it at once. */
  onOutput?: (output: Output) => void | Promise<void>;
}

/** A cached import: the result and the findings the importer reported while making it. */
export interface CachedImport {
  result: ImportResult;
  diagnostics: Diagnostic[];
}

/** What the engine needs from its host. */
export interface PipelineHost {
  readonly registry: Registry;
  /** Working directory: relative paths in settings resolve from it. */
  readonly cwd: string;
  resolveTheme(nameOrPath: string): ResolvedTheme;
  readonly importCache: LruCache<string, CachedImport>;
  /** Folder of the config file that set plugin configuration (relative plugin paths resolve from it). */
  readonly configDir?: string | undefined;
  /** The similarity corpus given to checkers, when the app opened one. */
  corpus?: CorpusIndex | undefined;
}

function refOf(plugin: LoadedPlugin): PluginRef {
  return { id: plugin.manifest.id, version: plugin.manifest.version };
}

function looksLikeThemePath(theme: string): boolean {
  return /[\\/]/.test(theme) || /\.(ya?ml|json)$/i.test(theme);
}

/** Parses `kind:id` step references used by `.use()`. */
function parseRef(ref: string): StepSpec {
  const m = /^(importer|transform|checker|exporter):([a-z0-9-]+)$/.exec(ref);
  if (!m)
    throw new ExportIaError('EIA_PIPELINE_INVALID', {
      source: 'code',
      detail: `"${ref}" is not a step reference (use importer:<id>, transform:<id>, checker:<id> or exporter:<id>)`,
    });
  const [, kind, id] = m as unknown as [string, string, string];
  if (kind === 'importer') return { importer: id };
  if (kind === 'transform') return { transform: id };
  if (kind === 'checker') return { checkers: [id] };
  return { exporters: [id] };
}

/** Checks the shape (importer first, exporters last, no exporter twice) and that every component exists. */
export function validatePipelineSpec(spec: PipelineSpec, registry: Registry, source = '(defined in code)'): void {
  const fail = (detail: string) => new ExportIaError('EIA_PIPELINE_INVALID', { source, detail });
  spec.steps.forEach((step, i) => {
    if ('importer' in step) {
      if (i !== 0) throw fail('the importer must be the first step');
      if (step.importer !== 'auto' && !registry.importers.has(step.importer)) {
        throw new ExportIaError('EIA_COMPONENT_NOT_FOUND', { kind: 'importer', id: step.importer, known: [...registry.importers.keys()].join(', ') });
      }
    } else if ('transform' in step) {
      if (spec.steps.slice(0, i).some((s) => 'checkers' in s)) throw fail('transforms must come before the checkers');
      if (!registry.transforms.has(step.transform)) {
        throw new ExportIaError('EIA_COMPONENT_NOT_FOUND', { kind: 'transform', id: step.transform, known: [...registry.transforms.keys()].join(', ') });
      }
    } else if ('checkers' in step) {
      if (spec.steps.slice(0, i).some((s) => 'checkers' in s)) throw fail('only one checkers step');
      if (step.checkers.length === 0) throw fail('the checkers step lists no checker');
      for (const id of step.checkers) {
        if (!registry.checkers.has(id)) {
          throw new ExportIaError('EIA_COMPONENT_NOT_FOUND', { kind: 'checker', id, known: [...registry.checkers.keys()].join(', ') || 'none' });
        }
      }
    } else {
      if (i !== spec.steps.length - 1) throw fail('exporters must be the last step');
      if (step.exporters.length === 0) throw fail('the exporters step lists no exporter');
      const twice = step.exporters.find((id, k) => step.exporters.indexOf(id) !== k);
      if (twice) throw fail(`exporter "${twice}" is listed twice`);
      for (const id of step.exporters) {
        if (!registry.exporters.has(id)) {
          throw new ExportIaError('EIA_UNKNOWN_FORMAT', { format: id, known: [...registry.exporters.keys()].join(', ') });
        }
      }
    }
  });
}

/** Picks the importer for an input: explicit `from`, then extension, then content sniffing. */
export function chooseImporter(input: SourceInput, registry: Registry, from?: string): string {
  const known = () => [...registry.importers.values()].map((r) => `${r.descriptor.id} (${r.descriptor.extensions.join(' ')})`).join(', ');
  if (from) {
    if (registry.importers.has(from)) return from;
    throw new ExportIaError('EIA_COMPONENT_NOT_FOUND', { kind: 'importer', id: from, known: known() });
  }
  const ext = extensionOf(input.name);
  if (ext) {
    for (const [id, r] of registry.importers) if (r.descriptor.extensions.includes(ext)) return id;
  }
  // No or unknown extension (stdin, `README`): sniff the content.
  const b = input.bytes;
  const byMedia = (type: string) => [...registry.importers.values()].find((r) => r.descriptor.mediaTypes.includes(type))?.descriptor.id;
  if (b[0] === 0x50 && b[1] === 0x4b) {
    const docx = byMedia('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    if (docx) return docx;
  }
  const head = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, 1024)).trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) {
    const html = byMedia('text/html');
    if (html) return html;
  }
  if (!ext || ext === '.txt') {
    const md = byMedia('text/markdown');
    if (md) return md;
  }
  throw new ExportIaError('EIA_INPUT_UNSUPPORTED', { file: input.name, detail: ext ? `extension ${ext}` : 'unrecognised content', known: known() });
}

/** Runs `work` with a deadline and the caller's cancellation, as one AbortSignal. */
async function withDeadline<T>(
  step: string,
  file: string,
  timeoutMs: number,
  outer: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) throw new ExportIaError('EIA_CANCELLED', { step });
  outer?.addEventListener('abort', onAbort, { once: true });
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new ExportIaError('EIA_TIMEOUT', { step, timeoutMs, file });
      controller.abort(err);
      reject(err);
    }, timeoutMs);
    timer.unref?.();
  });
  const cancelled = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => {
      if (outer?.aborted) reject(new ExportIaError('EIA_CANCELLED', { step }));
    });
  });
  try {
    return await Promise.race([work(controller.signal), deadline, cancelled]);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  }
}

/** An immutable pipeline: `.use()` returns a new one. */
export class Pipeline {
  readonly spec: PipelineSpec;
  readonly #host: PipelineHost;
  /** Where the spec came from (a file path), for error messages. */
  readonly #source: string;

  constructor(host: PipelineHost, spec: PipelineSpec = { steps: [] }, source = '(defined in code)') {
    this.#host = host;
    this.spec = spec;
    this.#source = source;
  }

  /**
   * Adds a step: `'importer:markdown'`, `'transform:assets'`, `'exporter:pdf'`, a list of
   * exporter references (they run concurrently), or a step object.
   */
  use(step: string | readonly string[] | StepSpec): Pipeline {
    let next: StepSpec;
    if (typeof step === 'string') next = parseRef(step);
    else if (Array.isArray(step)) {
      const ids = (step as readonly string[]).map((ref) => {
        const parsed = parseRef(ref);
        if (!('exporters' in parsed))
          throw new ExportIaError('EIA_PIPELINE_INVALID', { source: '(defined in code)', detail: `only exporters can run side by side ("${ref}")` });
        return parsed.exporters[0] as string;
      });
      next = { exporters: ids };
    } else next = step as StepSpec;
    const steps = [...this.spec.steps];
    const last = steps[steps.length - 1];
    // Consecutive exporters join one concurrent group; so do checkers.
    if ('exporters' in next && last && 'exporters' in last) steps[steps.length - 1] = { exporters: [...last.exporters, ...next.exporters] };
    else if ('checkers' in next && last && 'checkers' in last) steps[steps.length - 1] = { checkers: [...last.checkers, ...next.checkers] };
    else steps.push(next);
    const spec: PipelineSpec = this.spec.name === undefined ? { steps } : { name: this.spec.name, steps };
    return new Pipeline(this.#host, spec, this.#source);
  }

  toJSON(): PipelineSpec {
    return this.spec;
  }

  /**
   * Runs the pipeline on one input. An exporter failing is recorded in `failures` and the other
   * formats still run; anything else that stops the document (import, a transform, the theme,
   * cancellation, a deadline) rejects with a coded ExportIaError.
   */
  async run(input: SourceInput, options: RunOptions = {}): Promise<PipelineResult> {
    const registry = this.#host.registry;
    validatePipelineSpec(this.spec, registry, this.#source);
    const layers = options.settings ?? [];
    const preliminary = mergeSettings(...layers);
    const explicitStepTimeout = layers.some((layer) => layer.limits?.stepTimeoutMs !== undefined);
    const file = input.name;
    const emit = options.onEvent ?? (() => {});
    const steps: StepTiming[] = [];
    const diagnostics: Diagnostic[] = [];

    const first = this.spec.steps[0];
    const importerId = first && 'importer' in first && first.importer !== 'auto' ? first.importer : chooseImporter(input, registry, preliminary.from);
    const importer = registry.importers.get(importerId);
    if (!importer) throw new ExportIaError('EIA_COMPONENT_NOT_FOUND', { kind: 'importer', id: importerId, known: [...registry.importers.keys()].join(', ') });

    const context = (plugin: LoadedPlugin, step: string, settings: ExportSettings, signal: AbortSignal): StepContext => ({
      file,
      cwd: this.#host.cwd,
      configDir: this.#host.configDir ?? this.#host.cwd,
      settings,
      config: plugin.config,
      signal,
      plugin: refOf(plugin),
      report: (d) => diagnostics.push({ ...d, file: d.file ?? file, source: d.source ?? plugin.manifest.id }),
      progress: (fraction, note) =>
        emit(note === undefined ? { type: 'step-progress', file, step, fraction } : { type: 'step-progress', file, step, fraction, note }),
      importWith: (id, nested) => this.#importWith(plugin, id, nested, context(plugin, step, settings, signal)),
    });

    const timed = async <T>(step: string, plugin: LoadedPlugin, settings: ExportSettings, work: (ctx: StepContext) => Promise<T> | T): Promise<T> => {
      const started = performance.now();
      emit({ type: 'step-started', file, step, plugin: refOf(plugin) });
      // The step's deadline: a limit the caller set explicitly wins (they know their document);
      // otherwise the default limit, or the plugin's own resources.timeoutMs if that is shorter.
      const deadline = explicitStepTimeout
        ? settings.limits.stepTimeoutMs
        : Math.min(settings.limits.stepTimeoutMs, plugin.manifest.resources.timeoutMs ?? Number.POSITIVE_INFINITY);
      try {
        const value = await withDeadline(step, file, deadline, options.signal, async (signal) => work(context(plugin, step, settings, signal)));
        const ms = performance.now() - started;
        steps.push({ step, plugin: refOf(plugin), ms, status: 'ok' });
        emit({ type: 'step-finished', file, step, plugin: refOf(plugin), ms });
        return value;
      } catch (err) {
        const ms = performance.now() - started;
        const error = toExportIaError(err, 'EIA_INTERNAL');
        steps.push({ step, plugin: refOf(plugin), ms, status: 'failed' });
        emit({ type: 'step-failed', file, step, plugin: refOf(plugin), ms, error: error.toJSON() });
        // The original goes on: callers decide how to wrap it (an exporter failure names its format).
        throw isExportIaError(err) ? err : error;
      }
    };

    // 1. Import (cached by content hash: parse once, render many).
    const importStep = `importer:${importerId}`;
    // Every limit is part of the key: an input refused under strict limits must not be served
    // from a cache filled under looser ones.
    const cacheKey = `${importerId}:${input.hash}:${JSON.stringify(preliminary.limits)}`;
    let cached = this.#host.importCache.get(cacheKey);
    if (cached) {
      steps.push({ step: importStep, plugin: refOf(importer.plugin), ms: 0, status: 'cached' });
      // The importer's findings come back with the cached tree.
      for (const d of cached.diagnostics) diagnostics.push({ ...d, file });
    } else {
      const before = diagnostics.length;
      const result = await timed(importStep, importer.plugin, preliminary, (ctx) =>
        this.#runImporter(importer.descriptor, importer.implementation, input, ctx),
      );
      cached = { result, diagnostics: diagnostics.slice(before) };
      this.#host.importCache.set(cacheKey, cached, input.bytes.length);
    }
    const imported = cached.result;

    const front = interpretFrontMatter(imported.frontMatter ?? {}, file);
    pushAll(diagnostics, front.diagnostics);
    // A theme file named in front matter is relative to the document, not the working directory.
    if (front.settings.theme && looksLikeThemePath(front.settings.theme)) front.settings.theme = resolve(input.dir, front.settings.theme);
    const last = this.spec.steps[this.spec.steps.length - 1];
    const formats = last && 'exporters' in last ? last.exporters : [];
    // What runs is what counts: transforms see the pipeline's exporters as `to`.
    const merged = mergeSettings(...layers, front.settings);
    const settings = formats.length > 0 ? { ...merged, to: [...formats] } : merged;
    let meta = applyMetadataOverrides(front.meta, settings.metadata);
    if (settings.lang) meta = { ...meta, lang: settings.lang };
    let doc: DocumentModel = {
      root: imported.root,
      meta,
      frontMatter: imported.frontMatter ?? {},
      source: {
        name: input.name,
        ...(input.path === undefined ? {} : { path: input.path }),
        dir: input.dir,
        format: importerId,
        hash: input.hash,
        bytes: input.bytes.length,
      },
      assets: {},
      diagnostics,
    };

    // 2. Transforms, in order.
    for (const step of this.spec.steps) {
      if (!('transform' in step)) continue;
      const t = registry.transforms.get(step.transform);
      if (!t) continue;
      const current = doc;
      doc = await timed(`transform:${step.transform}`, t.plugin, settings, (ctx) => t.implementation.transform(current, ctx));
    }

    // 3. Checkers, stage by stage (each stage concurrently); they read the document, never change it.
    const checkStep = this.spec.steps.find((s): s is { checkers: string[] } => 'checkers' in s);
    let analysis: Analysis | undefined;
    if (checkStep) {
      // Checkers' offsets and fixes refer to the source text (binary inputs such as DOCX have none).
      const text = importer.descriptor.binary ? undefined : (input.text ?? decodeText(input, importer.descriptor.name ?? importerId));
      analysis = await this.#check(checkStep.checkers, doc, text === undefined ? input : { ...input, text }, settings, timed);
    }

    // 4. Exporters, concurrently, from the same document.
    const outputs: Output[] = [];
    const failures: PipelineResult['failures'] = [];
    if (formats.length > 0) {
      const theme = this.#host.resolveTheme(
        settings.theme === AUTO_THEME ? await this.#autoTheme(doc, input, settings, analysis, timed, diagnostics) : settings.theme,
      );
      const finalDoc = doc;
      await Promise.all(
        formats.map(async (format) => {
          const exporter = registry.exporters.get(format);
          if (!exporter) return;
          let output: Output | undefined;
          try {
            const data = await timed(`exporter:${format}`, exporter.plugin, settings, (ctx) => {
              const exportCtx: ExportContext = { ...ctx, theme };
              return exporter.implementation.export(finalDoc, exportCtx);
            });
            output = { format, extension: exporter.descriptor.extension, mediaType: exporter.descriptor.mediaType, data };
          } catch (err) {
            const error =
              isExportIaError(err) && err.code !== 'EIA_INTERNAL'
                ? err
                : new ExportIaError('EIA_EXPORT_FAILED', { file, format, detail: (err as Error).message }, { cause: err });
            failures.push({ format, error: error.toJSON() });
            return;
          }
          outputs.push(output);
          // Not an exporter failure if this throws (the store is full…): the caller's error stops the run.
          await options.onOutput?.(output);
        }),
      );
      outputs.sort((a, b) => formats.indexOf(a.format) - formats.indexOf(b.format));
    }
    return analysis
      ? { file, document: doc, settings, outputs, failures, diagnostics, steps, analysis }
      : { file, document: doc, settings, outputs, failures, diagnostics, steps };
  }

  /**
   * `--theme auto`: the template checker's proposal (from the analysis when it ran, else run on
   * its own), reported as an info finding with its reason; `default` when there is none.
   */
  async #autoTheme(
    doc: DocumentModel,
    input: SourceInput,
    settings: ExportSettings,
    analysis: Analysis | undefined,
    timed: <T>(step: string, plugin: LoadedPlugin, settings: ExportSettings, work: (ctx: StepContext) => Promise<T> | T) => Promise<T>,
    diagnostics: Diagnostic[],
  ): Promise<string> {
    type Template = { type?: string; theme?: string; confidence?: number; reason?: string };
    let template = analysis?.metrics.template as Template | undefined;
    if (!template && this.#host.registry.checkers.has(TEMPLATE_CHECKER)) {
      const own = await this.#check([TEMPLATE_CHECKER], doc, input, settings, timed);
      template = own.metrics.template as Template | undefined;
    }
    const proposed = template?.theme;
    const chosen = proposed && this.#host.registry.themes.has(proposed) ? proposed : 'default';
    diagnostics.push(
      diagnostic(
        'EIA_THEME_AUTO',
        {
          theme: chosen,
          detail: template?.type
            ? `${template.type}${template.confidence === undefined ? '' : `, ${Math.round(template.confidence * 100)}% sure`}${template.reason ? `: ${template.reason}` : ''}`
            : 'no document-type checker is installed',
        },
        { file: input.name, severity: 'info' },
      ),
    );
    return chosen;
  }

  /** A checker renders the document with another plugin's exporter (declared dependency only). */
  async #exportWith(caller: LoadedPlugin, format: string, doc: DocumentModel, settings: ExportSettings, ctx: StepContext): Promise<Uint8Array> {
    const exporter = this.#host.registry.exporters.get(format);
    if (!exporter) throw new ExportIaError('EIA_UNKNOWN_FORMAT', { format, known: [...this.#host.registry.exporters.keys()].join(', ') });
    const target = exporter.plugin.manifest.id;
    if (target !== caller.manifest.id && !(target in caller.manifest.dependencies)) {
      throw new ExportIaError('EIA_PLUGIN_DEPENDENCY_UNDECLARED', {
        plugin: `${caller.manifest.id}@${caller.manifest.version}`,
        dependency: target,
        kind: 'exporter',
        id: format,
      });
    }
    const theme = this.#host.resolveTheme(settings.theme === AUTO_THEME ? 'default' : settings.theme);
    const exportCtx: ExportContext = { ...ctx, config: exporter.plugin.config, plugin: refOf(exporter.plugin), theme };
    return exporter.implementation.export(doc, exportCtx);
  }

  async #check(
    ids: readonly string[],
    doc: DocumentModel,
    input: SourceInput,
    settings: ExportSettings,
    timed: <T>(step: string, plugin: LoadedPlugin, settings: ExportSettings, work: (ctx: StepContext) => Promise<T> | T) => Promise<T>,
  ): Promise<Analysis> {
    const registry = this.#host.registry;
    const analysis: Analysis = { findings: [], metrics: {}, checkers: [] };
    const stages = [...new Set(ids.map((id) => registry.checkers.get(id)?.descriptor.stage ?? 50))].sort((a, b) => a - b);
    const declared = settings.lang ?? doc.meta.lang;
    for (const stage of stages) {
      const metricsBefore = { ...analysis.metrics };
      const detected = (metricsBefore.language as { document?: unknown } | undefined)?.document;
      const language = primaryLanguage(declared ?? (typeof detected === 'string' ? detected : undefined));
      const inStage = ids.filter((id) => (registry.checkers.get(id)?.descriptor.stage ?? 50) === stage);
      const results = await Promise.all(
        inStage.map(async (id) => {
          const checker = registry.checkers.get(id);
          if (!checker) return undefined;
          const started = performance.now();
          try {
            const result = await timed(`checker:${id}`, checker.plugin, settings, (ctx) => {
              const corpus = this.#host.corpus;
              const checkCtx: CheckContext = {
                ...ctx,
                exportWith: (format) => this.#exportWith(checker.plugin, format, doc, settings, ctx),
                language,
                metrics: metricsBefore,
                ...(input.text === undefined ? {} : { text: input.text }),
                ...(corpus ? { corpus } : {}),
              };
              return checker.implementation.check(doc, checkCtx);
            });
            analysis.checkers.push({ id, plugin: refOf(checker.plugin), ms: performance.now() - started, status: 'ok' });
            return { id, result };
          } catch (err) {
            const error =
              isExportIaError(err) && err.code !== 'EIA_INTERNAL'
                ? err
                : new ExportIaError('EIA_CHECKER_FAILED', { checker: id, file: input.name, detail: (err as Error).message }, { cause: err });
            analysis.checkers.push({ id, plugin: refOf(checker.plugin), ms: performance.now() - started, status: 'failed', error: error.toJSON() });
            return undefined;
          }
        }),
      );
      for (const r of results) {
        if (!r) continue;
        for (const f of r.result.findings) analysis.findings.push({ ...f, file: input.name, checker: r.id });
        Object.assign(analysis.metrics, r.result.metrics ?? {});
      }
    }
    analysis.findings.sort(compareFindings);
    if (doc.meta.title) analysis.title = doc.meta.title;
    return analysis;
  }

  async #runImporter(
    descriptor: ImporterDescriptor,
    implementation: { import: (i: SourceInput, c: StepContext) => ImportResult | Promise<ImportResult> },
    input: SourceInput,
    ctx: StepContext,
  ): Promise<ImportResult> {
    const prepared = descriptor.binary || input.text !== undefined ? input : { ...input, text: decodeText(input, descriptor.name ?? descriptor.id) };
    const result = await implementation.import(prepared, ctx);
    normalizeRoot(result.root, ctx.settings.limits.maxNesting, input.name);
    return result;
  }

  async #importWith(caller: LoadedPlugin, id: string, input: SourceInput, ctx: StepContext): Promise<ImportResult> {
    const r = this.#host.registry.importers.get(id);
    if (!r) throw new ExportIaError('EIA_COMPONENT_NOT_FOUND', { kind: 'importer', id, known: [...this.#host.registry.importers.keys()].join(', ') });
    // A plugin may call only itself and the plugins it declares as dependencies.
    const target = r.plugin.manifest.id;
    if (target !== caller.manifest.id && !(target in caller.manifest.dependencies)) {
      throw new ExportIaError('EIA_PLUGIN_DEPENDENCY_UNDECLARED', {
        plugin: `${caller.manifest.id}@${caller.manifest.version}`,
        dependency: target,
        kind: 'importer',
        id,
      });
    }
    return this.#runImporter(r.descriptor, r.implementation, input, ctx);
  }
}

/** `--theme auto` picks the theme from this checker's `template` metric. */
export const AUTO_THEME = 'auto';
const TEMPLATE_CHECKER = 'template';

/** `es-ES` → `es`; undefined → `en`. */
export function primaryLanguage(tag: string | undefined): string {
  const primary = (tag ?? 'en').trim().toLowerCase().split(/[-_]/)[0] ?? 'en';
  return /^[a-z]{2,3}$/.test(primary) ? primary : 'en';
}

/** What every imported tree gets, whichever importer made it: a depth check and heading ids. */
function normalizeRoot(root: Root, maxNesting: number, file: string): void {
  checkDepth(root, maxNesting, file);
  assignHeadingIds(root);
}

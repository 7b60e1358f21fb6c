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
import type { CheckContext, ExportContext, Importer, ImportResult, SectionPart, SourceInput, StepContext } from '../plugins/contracts.js';
import type { ImporterDescriptor } from '../plugins/manifest.js';
import type { LoadedPlugin, Registry } from '../plugins/plugin-loader.js';
import type { CorpusIndex } from '../quality/corpus.js';
import { type CheckResult, compareFindings, type Finding } from '../quality/findings.js';
import { type MarkdownPart, splitMarkdown, toDocumentFinding } from '../quality/sections.js';
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
  | { type: 'step-started'; file: string; step: string; plugin: PluginRef /** The step's deadline. */; timeoutMs?: number }
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
  /** When the document was analysed section by section (limits.sectionBytes): how many parts. */
  sections?: number;
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
      // The step's deadline: a limit the caller set explicitly wins (they know their document);
      // otherwise the default limit, or the plugin's own resources.timeoutMs if that is shorter.
      const deadline = explicitStepTimeout
        ? settings.limits.stepTimeoutMs
        : Math.min(settings.limits.stepTimeoutMs, plugin.manifest.resources.timeoutMs ?? Number.POSITIVE_INFINITY);
      // The deadline travels with the event: a thread that runs this pipeline in a worker stops
      // the worker when a step overruns it without yielding (this thread's timer cannot fire then).
      // The version that runs the step, taken once: a plugin swapped while the step runs finishes
      // it on the version it started on (sandbox/pool.ts), and the records say so.
      const ref = refOf(plugin);
      emit({ type: 'step-started', file, step, plugin: ref, timeoutMs: deadline });
      try {
        const value = await withDeadline(step, file, deadline, options.signal, async (signal) => work(context(plugin, step, settings, signal)));
        const ms = performance.now() - started;
        steps.push({ step, plugin: ref, ms, status: 'ok' });
        emit({ type: 'step-finished', file, step, plugin: ref, ms });
        return value;
      } catch (err) {
        const ms = performance.now() - started;
        const error = toExportIaError(err, 'EIA_INTERNAL');
        steps.push({ step, plugin: ref, ms, status: 'failed' });
        emit({ type: 'step-failed', file, step, plugin: ref, ms, error: error.toJSON() });
        // The original goes on: callers decide how to wrap it (an exporter failure names its format).
        throw isExportIaError(err) ? err : error;
      }
    };

    // A huge Markdown document that is only analysed is checked part by part (limits.sectionBytes).
    const checkStep = this.spec.steps.find((s): s is { checkers: string[] } => 'checkers' in s);
    const lastStep = this.spec.steps[this.spec.steps.length - 1];
    if (checkStep && !(lastStep && 'exporters' in lastStep) && importerId === 'markdown' && !importer.descriptor.binary) {
      const text = input.text ?? decodeText(input, importer.descriptor.name ?? importerId);
      if (text.length > preliminary.limits.sectionBytes) {
        const parts = splitMarkdown(text, preliminary.limits.sectionBytes);
        if (parts.length > 1) {
          const doneParts = await this.#runSections({ input, text, parts, importer, importerId, layers, checkers: checkStep.checkers, timed, diagnostics });
          return {
            file,
            document: doneParts.document,
            settings: doneParts.settings,
            outputs: [],
            failures: [],
            diagnostics,
            steps,
            analysis: doneParts.analysis,
          };
        }
      }
    }

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

  async #check(ids: readonly string[], doc: DocumentModel, input: SourceInput, settings: ExportSettings, timed: Timed): Promise<Analysis> {
    const registry = this.#host.registry;
    const analysis: Analysis = { findings: [], metrics: {}, checkers: [] };
    const declared = settings.lang ?? doc.meta.lang;
    for (const inStage of stagesOf(ids, registry)) {
      const metricsBefore = { ...analysis.metrics };
      const language = languageOf(declared, metricsBefore);
      const results = await Promise.all(inStage.map((id) => this.#runChecker(id, doc, input, settings, timed, language, metricsBefore)));
      for (const r of results) {
        analysis.checkers.push(r.record);
        if (!r.result) continue;
        for (const f of r.result.findings) analysis.findings.push({ ...f, file: input.name, checker: r.id });
        Object.assign(analysis.metrics, r.result.metrics ?? {});
      }
    }
    analysis.findings.sort(compareFindings);
    if (doc.meta.title) analysis.title = doc.meta.title;
    return analysis;
  }

  /** Runs one checker on one document (or one part of it); a failure is recorded, not thrown. */
  async #runChecker(
    id: string,
    doc: DocumentModel,
    input: SourceInput,
    settings: ExportSettings,
    timed: Timed,
    language: string,
    metrics: Record<string, unknown>,
    part?: SectionPart,
  ): Promise<{ id: string; result?: CheckResult; record: Analysis['checkers'][number] }> {
    const checker = this.#host.registry.checkers.get(id);
    if (!checker) throw new ExportIaError('EIA_COMPONENT_NOT_FOUND', { kind: 'checker', id, known: [...this.#host.registry.checkers.keys()].join(', ') });
    const started = performance.now();
    const ref = refOf(checker.plugin);
    try {
      const result = await timed(`checker:${id}`, checker.plugin, settings, (ctx) => {
        const corpus = this.#host.corpus;
        const checkCtx: CheckContext = {
          ...ctx,
          exportWith: (format) => this.#exportWith(checker.plugin, format, doc, settings, ctx),
          language,
          metrics,
          ...(input.text === undefined ? {} : { text: input.text }),
          ...(corpus ? { corpus } : {}),
          ...(part ? { part } : {}),
        };
        return checker.implementation.check(doc, checkCtx);
      });
      return { id, result, record: { id, plugin: ref, ms: performance.now() - started, status: 'ok' } };
    } catch (err) {
      const error =
        isExportIaError(err) && err.code !== 'EIA_INTERNAL'
          ? err
          : new ExportIaError('EIA_CHECKER_FAILED', { checker: id, file: input.name, detail: (err as Error).message }, { cause: err });
      return { id, record: { id, plugin: ref, ms: performance.now() - started, status: 'failed', error: error.toJSON() } };
    }
  }

  /**
   * Analysis of a huge Markdown document section by section: for each stage of checkers, every
   * part is imported, transformed and checked in turn, and dropped before the next one; then each
   * checker's `merge` turns its parts' results into the document's. Later stages see the merged
   * metrics of earlier ones (the document's language, not a part's). Memory follows the largest
   * part, not the document.
   */
  async #runSections(o: {
    input: SourceInput;
    text: string;
    parts: readonly MarkdownPart[];
    importer: { plugin: LoadedPlugin; descriptor: ImporterDescriptor; implementation: Importer };
    importerId: string;
    layers: readonly SettingsLayer[];
    checkers: readonly string[];
    timed: Timed;
    diagnostics: Diagnostic[];
  }): Promise<{ analysis: Analysis; document: DocumentModel; settings: ExportSettings }> {
    const registry = this.#host.registry;
    const { input, parts, timed } = o;
    const preliminary = mergeSettings(...o.layers);
    // The first part holds the front matter: its settings and metadata are the whole document's.
    let head: { settings: ExportSettings; meta: DocumentModel['meta']; frontMatter: Record<string, unknown> } | undefined;
    const load = async (part: MarkdownPart): Promise<DocumentModel> => {
      const bytes = new TextEncoder().encode(part.text);
      const partInput: SourceInput = { ...input, bytes, text: part.text };
      const imported = await timed(`importer:${o.importerId}`, o.importer.plugin, head?.settings ?? preliminary, (ctx) =>
        this.#runImporter(o.importer.descriptor, o.importer.implementation, partInput, ctx),
      );
      // The footnote stubs appended to the part (sections.ts) are not content: out of the tree.
      const children = imported.root.children;
      imported.root.children = children.filter((c) => !(c.type === 'footnoteDefinition' && (c.position?.start.offset ?? 0) >= part.length));
      if (!head) {
        const front = interpretFrontMatter(imported.frontMatter ?? {}, input.name);
        pushAll(o.diagnostics, front.diagnostics);
        const settings = mergeSettings(...o.layers, front.settings);
        let meta = applyMetadataOverrides(front.meta, settings.metadata);
        if (settings.lang) meta = { ...meta, lang: settings.lang };
        head = { settings, meta, frontMatter: imported.frontMatter ?? {} };
      }
      let doc: DocumentModel = {
        root: imported.root,
        meta: head.meta,
        frontMatter: head.frontMatter,
        source: {
          name: input.name,
          ...(input.path === undefined ? {} : { path: input.path }),
          dir: input.dir,
          format: o.importerId,
          hash: input.hash,
          bytes: input.bytes.length,
        },
        assets: {},
        diagnostics: o.diagnostics,
      };
      for (const step of this.spec.steps) {
        if (!('transform' in step)) continue;
        const t = registry.transforms.get(step.transform);
        if (!t) continue;
        const current = doc;
        doc = await timed(`transform:${step.transform}`, t.plugin, head.settings, (ctx) => t.implementation.transform(current, ctx));
      }
      return doc;
    };

    const analysis: Analysis = { findings: [], metrics: {}, checkers: [], sections: parts.length };
    const records = new Map<string, Analysis['checkers'][number]>();
    let document: DocumentModel | undefined;
    // A checker named twice runs once (its parts would otherwise not line up).
    const checkers = [...new Set(o.checkers)];
    for (const inStage of stagesOf(checkers, registry)) {
      const metricsBefore = { ...analysis.metrics };
      const results = new Map<string, CheckResult[]>(inStage.map((id) => [id, []]));
      for (const part of parts) {
        const doc = await load(part);
        const settings = head?.settings ?? preliminary;
        const language = languageOf(settings.lang ?? doc.meta.lang, metricsBefore);
        const partInput: SourceInput = { ...input, text: part.text };
        const ran = await Promise.all(inStage.map((id) => this.#runChecker(id, doc, partInput, settings, timed, language, metricsBefore, part)));
        for (const r of ran) {
          const record = records.get(r.id);
          if (!record) records.set(r.id, r.record);
          else {
            record.ms += r.record.ms;
            if (r.record.status === 'failed' && record.status === 'ok') records.set(r.id, { ...r.record, ms: record.ms });
          }
          if (!r.result) continue;
          const findings: Finding[] = [];
          for (const f of r.result.findings) {
            const moved = toDocumentFinding(f, part);
            if (moved) findings.push(moved);
          }
          // A part's metrics are not kept for a checker that merges (merge reads `partial`): they
          // can be as big as the part (per-sentence scores), and every part waits for the merge.
          const merges = registry.checkers.get(r.id)?.implementation.merge !== undefined;
          // Without merge only the findings are used.
          results.get(r.id)?.push(merges && r.result.partial !== undefined ? { findings, partial: r.result.partial } : { findings });
        }
        // Only a shell of the document is kept: its metadata, no tree.
        document ??= { ...doc, root: { type: 'root', children: [] }, assets: {} };
      }
      const settings = head?.settings ?? preliminary;
      const language = languageOf(settings.lang ?? head?.meta.lang, metricsBefore);
      for (const id of inStage) {
        const record = records.get(id);
        const partResults = results.get(id) ?? [];
        if (!record || record.status === 'failed' || partResults.length !== parts.length) continue;
        const checker = registry.checkers.get(id);
        if (!checker) continue;
        let merged: CheckResult;
        if (checker.implementation.merge) {
          const merge = checker.implementation.merge.bind(checker.implementation);
          const started = performance.now();
          try {
            merged = await timed(`checker:${id}`, checker.plugin, settings, (ctx) =>
              merge(partResults, { ...ctx, text: o.text, language, metrics: metricsBefore, parts: parts.length }),
            );
          } catch (err) {
            const error =
              isExportIaError(err) && err.code !== 'EIA_INTERNAL'
                ? err
                : new ExportIaError('EIA_CHECKER_FAILED', { checker: id, file: input.name, detail: (err as Error).message }, { cause: err });
            records.set(id, { ...record, ms: record.ms + performance.now() - started, status: 'failed', error: error.toJSON() });
            continue;
          }
          record.ms += performance.now() - started;
        } else {
          merged = {
            findings: [
              ...partResults.flatMap((r) => r.findings),
              {
                rule: 'quality/not-merged',
                severity: 'info',
                message: `The ${id} checker has no merge for documents analysed in sections: its findings are kept, its metrics are not.`,
              },
            ],
          };
        }
        for (const f of merged.findings) analysis.findings.push({ ...f, file: input.name, checker: id });
        Object.assign(analysis.metrics, merged.metrics ?? {});
      }
    }
    for (const id of checkers) {
      const record = records.get(id);
      if (record) analysis.checkers.push(record);
    }
    analysis.findings.sort(compareFindings);
    const meta = head?.meta;
    if (meta?.title) analysis.title = meta.title;
    o.diagnostics.push(
      diagnostic(
        'EIA_ANALYSIS_SECTIONED',
        { parts: parts.length, bytes: o.text.length, sectionBytes: preliminary.limits.sectionBytes },
        { file: input.name, severity: 'info' },
      ),
    );
    return {
      analysis,
      document:
        document ??
        ({
          root: { type: 'root', children: [] },
          meta: {},
          frontMatter: {},
          source: { name: input.name, dir: input.dir, format: o.importerId, hash: input.hash, bytes: input.bytes.length },
          assets: {},
          diagnostics: o.diagnostics,
        } as unknown as DocumentModel),
      settings: head?.settings ?? preliminary,
    };
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

type Timed = <T>(step: string, plugin: LoadedPlugin, settings: ExportSettings, work: (ctx: StepContext) => Promise<T> | T) => Promise<T>;

/** Checker ids grouped by stage, in stage order (a checker's stage comes from its manifest; 50 by default). */
function stagesOf(ids: readonly string[], registry: Registry): string[][] {
  const stageOf = (id: string) => registry.checkers.get(id)?.descriptor.stage ?? 50;
  const stages = [...new Set(ids.map(stageOf))].sort((a, b) => a - b);
  return stages.map((stage) => ids.filter((id) => stageOf(id) === stage));
}

/** The language checkers work in: the declared one, else the one detected by an earlier stage, else English. */
function languageOf(declared: string | undefined, metrics: Readonly<Record<string, unknown>>): string {
  const detected = (metrics.language as { document?: unknown } | undefined)?.document;
  return primaryLanguage(declared ?? (typeof detected === 'string' ? detected : undefined));
}

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

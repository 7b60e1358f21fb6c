/**
 * In-process stand-ins for a sandboxed plugin's components: the pipeline calls them like any
 * importer, exporter, transform or checker; they send the document and the context's data to
 * the plugin's process and check what comes back (the plugin is hostile until proven otherwise).
 */
import type { Diagnostic } from '../errors/export-ia-error.js';
import { ExportIaError } from '../errors/export-ia-error.js';
import type { DocumentModel } from '../model/document.js';
import type {
  CheckContext,
  Checker,
  ExportContext,
  Exporter,
  Importer,
  ImportResult,
  MergeContext,
  SourceInput,
  StepContext,
  Transform,
} from '../plugins/contracts.js';
import type { CandidateScore, Captioner, Detector, Scorer, SubjectBox, Transcriber, VideoStepContext, Word } from '../plugins/video-contracts.js';
import type { CheckResult } from '../quality/findings.js';
import type { SandboxHandle } from './pool.js';

type AnyContext = StepContext & Partial<CheckContext & ExportContext & MergeContext>;

/** What of a context crosses to the plugin: data only (no functions, no database handles). */
function contextData(ctx: AnyContext): { $context: Record<string, unknown> } {
  const data: Record<string, unknown> = {
    file: ctx.file,
    cwd: ctx.cwd,
    configDir: ctx.configDir,
    settings: ctx.settings,
    config: ctx.config,
    plugin: ctx.plugin,
  };
  if (ctx.language !== undefined) data.language = ctx.language;
  if (ctx.metrics !== undefined) data.metrics = ctx.metrics;
  if (ctx.text !== undefined) data.text = ctx.text;
  if (ctx.theme !== undefined) data.theme = ctx.theme;
  if (ctx.parts !== undefined) data.parts = ctx.parts;
  if (ctx.part !== undefined) {
    const { index, count, line, offset, length, lines } = ctx.part;
    data.part = { index, count, line, offset, length, lines };
  }
  return { $context: data };
}

/** A document as data (its diagnostics stay with the host). */
function documentData(doc: DocumentModel): Record<string, unknown> {
  return { root: doc.root, meta: doc.meta, frontMatter: doc.frontMatter, source: doc.source, assets: doc.assets, diagnostics: [] };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function invalid(plugin: string, detail: string): ExportIaError {
  return new ExportIaError('EIA_PLUGIN_IPC_INVALID', { plugin, detail });
}

/**
 * Calls a component method with a context (as data: `contextData`, or a video step's); replays
 * its diagnostics through the real context.
 */
async function callWithContext<C extends Pick<StepContext, 'signal' | 'report'>>(
  sandbox: SandboxHandle,
  plugin: string,
  component: string,
  method: string,
  args: unknown[],
  ctx: C,
  data: (ctx: C) => { $context: Record<string, unknown> } = contextData as unknown as (ctx: C) => { $context: Record<string, unknown> },
): Promise<unknown> {
  // The step's signal: when the pipeline's deadline or a cancellation stops the step, the
  // plugin's process is stopped with it (it may never yield).
  const answer = await sandbox.call(component, method, [...args, data(ctx)], { signal: ctx.signal });
  if (!isObject(answer) || !Array.isArray(answer.diagnostics)) throw invalid(plugin, `${component}.${method} answered without its diagnostics`);
  for (const d of answer.diagnostics.slice(0, 1000)) {
    if (isObject(d) && typeof d.code === 'string' && typeof d.message === 'string') ctx.report(d as unknown as Diagnostic);
  }
  return answer.value;
}

function checkResult(plugin: string, value: unknown): CheckResult {
  if (!isObject(value) || !Array.isArray(value.findings)) throw invalid(plugin, 'a checker must answer { findings: [...] }');
  for (const f of value.findings) {
    if (!isObject(f) || typeof f.rule !== 'string' || typeof f.message !== 'string' || typeof f.severity !== 'string')
      throw invalid(plugin, 'a finding needs rule, severity and message');
  }
  if (value.metrics !== undefined && !isObject(value.metrics)) throw invalid(plugin, 'metrics must be an object');
  return value as unknown as CheckResult;
}

function documentResult(plugin: string, value: unknown, base: DocumentModel): DocumentModel {
  if (!isObject(value) || !isObject(value.root) || value.root.type !== 'root') throw invalid(plugin, 'a transform must answer a document with a root');
  return { ...base, root: value.root as unknown as DocumentModel['root'], meta: (isObject(value.meta) ? value.meta : base.meta) as DocumentModel['meta'] };
}

export function sandboxedChecker(sandbox: SandboxHandle, plugin: string, id: string, merges: boolean): Checker {
  const component = `checker:${id}`;
  const checker: Checker = {
    async check(doc, ctx) {
      return checkResult(plugin, await callWithContext(sandbox, plugin, component, 'check', [documentData(doc)], ctx));
    },
  };
  if (merges) {
    checker.merge = async (parts, ctx) => checkResult(plugin, await callWithContext(sandbox, plugin, component, 'merge', [parts], ctx));
  }
  return checker;
}

export function sandboxedExporter(sandbox: SandboxHandle, plugin: string, id: string): Exporter {
  return {
    async export(doc, ctx) {
      const value = await callWithContext(sandbox, plugin, `exporter:${id}`, 'export', [documentData(doc)], ctx);
      if (!(value instanceof Uint8Array)) throw invalid(plugin, 'an exporter must answer bytes');
      return value;
    },
  };
}

export function sandboxedImporter(sandbox: SandboxHandle, plugin: string, id: string): Importer {
  return {
    async import(input: SourceInput, ctx) {
      const value = await callWithContext(sandbox, plugin, `importer:${id}`, 'import', [input], ctx);
      if (!isObject(value) || !isObject(value.root) || value.root.type !== 'root') throw invalid(plugin, 'an importer must answer { root }');
      const result: ImportResult = { root: value.root as unknown as ImportResult['root'] };
      if (isObject(value.frontMatter)) result.frontMatter = value.frontMatter;
      return result;
    },
  };
}

export function sandboxedTransform(sandbox: SandboxHandle, plugin: string, id: string): Transform {
  return {
    async transform(doc, ctx) {
      return documentResult(plugin, await callWithContext(sandbox, plugin, `transform:${id}`, 'transform', [documentData(doc)], ctx), doc);
    },
  };
}

/** A video step's context as data. */
function videoContextData(ctx: VideoStepContext): { $context: Record<string, unknown> } {
  return { $context: { file: ctx.file, cwd: ctx.cwd, configDir: ctx.configDir, config: ctx.config, options: ctx.options, plugin: ctx.plugin } };
}

const callStep = (sandbox: SandboxHandle, plugin: string, component: string, method: string, args: unknown[], ctx: VideoStepContext) =>
  callWithContext(sandbox, plugin, component, method, args, ctx, videoContextData);

/**
 * The video steps' answers are checked in full by the clipping engine (for every plugin, trusted
 * or not); here only that they are lists.
 */
function list<T>(plugin: string, value: unknown, what: string): T[] {
  if (!Array.isArray(value)) throw invalid(plugin, `a ${what} must answer a list`);
  return value as T[];
}

export function sandboxedTranscriber(sandbox: SandboxHandle, plugin: string, id: string, checks: boolean): Transcriber {
  const component = `transcriber:${id}`;
  const transcriber: Transcriber = {
    async transcribe(input, ctx) {
      return list<Word>(plugin, await callStep(sandbox, plugin, component, 'transcribe', [input], ctx), 'transcriber');
    },
  };
  if (checks) {
    transcriber.available = async (language, ctx) => {
      const value = await callStep(sandbox, plugin, component, 'available', [language], ctx);
      if (!isObject(value) || typeof value.ok !== 'boolean') throw invalid(plugin, 'available() must answer { ok }');
      return value.ok ? { ok: true } : { ok: false, reason: String(value.reason ?? 'not available').slice(0, 500) };
    };
  }
  return transcriber;
}

export function sandboxedDetector(sandbox: SandboxHandle, plugin: string, id: string): Detector {
  return {
    async detect(frame, ctx) {
      return list<SubjectBox>(plugin, await callStep(sandbox, plugin, `detector:${id}`, 'detect', [frame], ctx), 'detector');
    },
  };
}

export function sandboxedScorer(sandbox: SandboxHandle, plugin: string, id: string): Scorer {
  return {
    async score(input, ctx) {
      return list<CandidateScore>(plugin, await callStep(sandbox, plugin, `scorer:${id}`, 'score', [input], ctx), 'scorer');
    },
  };
}

export function sandboxedCaptioner(sandbox: SandboxHandle, plugin: string, id: string): Captioner {
  return {
    async captions(input, ctx) {
      const value = await callStep(sandbox, plugin, `captioner:${id}`, 'captions', [input], ctx);
      if (typeof value !== 'string') throw invalid(plugin, 'a captioner must answer the text of an ASS script');
      return value;
    },
  };
}

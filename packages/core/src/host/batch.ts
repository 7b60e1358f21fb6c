/**
 * Batch export: many inputs, each through the pipeline, written to planned destinations. One
 * input failing never stops the others. With `jobs > 1` documents are spread over worker
 * threads (each with its own host and plugins), which is how a batch uses every core.
 */
import { availableParallelism } from 'node:os';
import { mergeSettings, type SettingsLayer } from '../config/settings.js';
import { type Diagnostic, ExportIaError, isExportIaError, type SerializedError, toExportIaError } from '../errors/export-ia-error.js';
import { displayPath, writeFileAtomic } from '../io/output.js';
import type { Analysis, Output, PipelineEvent, PipelineSpec, StepTiming } from '../pipeline/pipeline.js';
import type { SourceInput } from '../plugins/contracts.js';
import { WorkerPool, workerFile } from '../util/worker-pool.js';
import type { Host } from './host.js';

export interface BatchItem {
  /** Input as the user named it; `-` means `source` was read from stdin. */
  input: string;
  /** Pre-read input (stdin). */
  source?: SourceInput;
  /** Format id → absolute destination, or `-` for stdout. */
  targets: Record<string, string>;
}

export interface BatchOptions {
  /** Settings layers, highest precedence first (flags, env, config file). */
  settings: readonly SettingsLayer[];
  /** Custom pipeline (its exporters must match the targets); default: the export pipeline. */
  pipeline?: PipelineSpec;
  /** Where the custom pipeline came from (a file path), for error messages. */
  pipelineSource?: string;
  /** Worker threads; 1 runs in this thread. Default: one per core, at most one per input. */
  jobs?: number;
  /** Use worker threads even for one job (benchmarks compare 1 and 2 threads like for like). */
  forceWorkers?: boolean;
  onEvent?: (event: BatchEvent) => void;
  signal?: AbortSignal;
}

export interface WrittenOutput {
  format: string;
  /** Absolute path, or `-` for stdout. */
  path: string;
  bytes: number;
}

export interface InputOutcome {
  input: string;
  /** `partial`: some formats failed, others were written. */
  status: 'ok' | 'partial' | 'failed';
  written: WrittenOutput[];
  /** Bytes destined for stdout (`-o -`). */
  stdout?: Uint8Array;
  failures: Array<{ format: string; error: SerializedError }>;
  /** Set when the whole input failed (unreadable, not importable). */
  error?: SerializedError;
  diagnostics: Diagnostic[];
  steps: StepTiming[];
  ms: number;
}

export type BatchEvent =
  | PipelineEvent
  | { type: 'input-started'; file: string }
  | { type: 'input-finished'; file: string; outcome: Omit<InputOutcome, 'stdout'> };

/** Runs one input through the pipeline and writes its outputs. Never throws. */
export async function processInput(
  host: Host,
  item: BatchItem,
  options: Pick<BatchOptions, 'settings' | 'pipeline' | 'pipelineSource' | 'signal'>,
  emit: (event: BatchEvent) => void,
): Promise<InputOutcome> {
  const started = performance.now();
  const formats = Object.keys(item.targets);
  const outcome: InputOutcome = { input: item.input, status: 'failed', written: [], failures: [], diagnostics: [], steps: [], ms: 0 };
  emit({ type: 'input-started', file: item.input });
  try {
    const limits = mergeSettings(...options.settings).limits;
    const source = item.source ?? host.readInput(item.input, limits.maxInputBytes);
    const pipeline = options.pipeline ? host.pipeline(options.pipeline, options.pipelineSource) : host.exportPipeline(formats);
    const result = await pipeline.run(source, { settings: options.settings, onEvent: emit, ...(options.signal ? { signal: options.signal } : {}) });
    outcome.diagnostics = result.diagnostics;
    outcome.steps = result.steps;
    outcome.failures = [...result.failures];
    for (const out of result.outputs) {
      const dest = item.targets[out.format];
      if (dest === undefined) continue;
      if (dest === '-') {
        outcome.stdout = out.data;
        outcome.written.push({ format: out.format, path: '-', bytes: out.data.byteLength });
        continue;
      }
      try {
        writeFileAtomic(dest, out.data, displayPath(dest, host.cwd));
        outcome.written.push({ format: out.format, path: dest, bytes: out.data.byteLength });
      } catch (err) {
        outcome.failures.push({ format: out.format, error: toExportIaError(err).toJSON() });
      }
    }
    outcome.status = outcome.failures.length === 0 ? 'ok' : outcome.written.length > 0 ? 'partial' : 'failed';
  } catch (err) {
    outcome.error = (isExportIaError(err) ? err : toExportIaError(err)).toJSON();
    outcome.status = 'failed';
  }
  outcome.ms = performance.now() - started;
  const { stdout: _stdout, ...summary } = outcome;
  emit({ type: 'input-finished', file: item.input, outcome: summary });
  return outcome;
}

/** Runs one input through a pipeline for some formats, without writing anything (the job runner stores the outputs). */
export interface ProduceTask {
  produce: true;
  source: SourceInput;
  formats: string[];
  settings: readonly SettingsLayer[];
  pipeline?: PipelineSpec;
  pipelineSource?: string;
}

export interface ProduceResult {
  failures: Array<{ format: string; error: SerializedError }>;
  analysis?: Analysis;
  diagnostics: Diagnostic[];
  steps: StepTiming[];
}

/** Pipeline events, plus each output as soon as its exporter finishes. */
export type ProduceEvent = PipelineEvent | { type: 'output'; output: Output };

/** The pipeline a produce task runs: the custom one with its exporters narrowed to `formats`, or the default export pipeline. */
function producePipeline(host: Host, task: Pick<ProduceTask, 'formats' | 'pipeline' | 'pipelineSource'>) {
  if (!task.pipeline) return task.formats.length > 0 ? host.exportPipeline(task.formats) : host.analyzePipeline([], []);
  const steps = task.pipeline.steps
    .map((step) => ('exporters' in step ? { exporters: step.exporters.filter((f) => task.formats.includes(f)) } : step))
    // Only checks left (a resumed `export --quality`, or `analyze`): no exporter step at all.
    .filter((step) => !('exporters' in step) || step.exporters.length > 0);
  return host.pipeline({ ...task.pipeline, steps }, task.pipelineSource);
}

/**
 * Produces the outputs of one input (they arrive through `emit` as `output` events). Rejects
 * when the document cannot be made at all (import, transform, cancellation); a failing exporter
 * is listed in `failures` and the others still run.
 */
export async function produce(host: Host, task: ProduceTask, emit: (event: ProduceEvent) => void, signal?: AbortSignal): Promise<ProduceResult> {
  const result = await producePipeline(host, task).run(task.source, {
    settings: task.settings,
    onEvent: emit,
    onOutput: (output) => emit({ type: 'output', output }),
    ...(signal ? { signal } : {}),
  });
  return result.analysis
    ? { failures: result.failures, diagnostics: result.diagnostics, steps: result.steps, analysis: result.analysis }
    : { failures: result.failures, diagnostics: result.diagnostics, steps: result.steps };
}

/**
 * Runs a produce task in this thread (`threads` 0), or on the host's worker threads, where a
 * step that overruns its deadline without yielding is stopped with its worker.
 */
export async function produceOn(
  host: Host,
  threads: number,
  task: ProduceTask,
  emit: (event: ProduceEvent) => void,
  signal?: AbortSignal,
): Promise<ProduceResult> {
  if (threads <= 0 || host.pluginSpecs === undefined) return produce(host, task, emit, signal);
  const pool = await batchPool(host, Math.max(1, threads));
  const watchdog = new StepWatchdog(signal);
  try {
    return (await pool.run(task, { onEvent: watchdog.wrap(emit) as (e: BatchEvent | ProduceEvent) => void, signal: watchdog.signal })) as ProduceResult;
  } finally {
    watchdog.stop();
  }
}

/** Time after a step's deadline before its worker is stopped: the step's own timer fires first whenever the worker's thread is free. */
const WATCHDOG_GRACE_MS = 2_000;

/**
 * Enforces step deadlines on a pipeline running in a worker thread, from this thread: it follows
 * the worker's step events and aborts (the pool then terminates the worker) when a step runs past
 * its deadline, e.g. a checker stuck in a loop that never yields. Also forwards `outer` aborts.
 */
export class StepWatchdog {
  readonly #controller = new AbortController();
  readonly #running = new Map<string, NodeJS.Timeout[]>();
  readonly #outer: AbortSignal | undefined;
  readonly #onOuter = () => this.#controller.abort(this.#outer?.reason);

  constructor(outer?: AbortSignal) {
    this.#outer = outer;
    if (outer?.aborted) this.#controller.abort(outer.reason);
    else outer?.addEventListener('abort', this.#onOuter, { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  wrap<E extends { type: string }>(emit: (event: E) => void): (event: E) => void {
    return (event) => {
      const e = event as unknown as PipelineEvent;
      if (e.type === 'step-started' && e.timeoutMs !== undefined && Number.isFinite(e.timeoutMs)) {
        const { step, file, timeoutMs } = e;
        const timer = setTimeout(() => this.#controller.abort(new ExportIaError('EIA_TIMEOUT', { step, timeoutMs, file })), timeoutMs + WATCHDOG_GRACE_MS);
        timer.unref();
        this.#running.set(step, [...(this.#running.get(step) ?? []), timer]);
      } else if (e.type === 'step-finished' || e.type === 'step-failed') {
        const timers = this.#running.get(e.step);
        clearTimeout(timers?.shift());
        if (timers?.length === 0) this.#running.delete(e.step);
      }
      emit(event);
    };
  }

  stop(): void {
    for (const timers of this.#running.values()) for (const t of timers) clearTimeout(t);
    this.#running.clear();
    this.#outer?.removeEventListener('abort', this.#onOuter);
  }
}

/** Task sent to a batch worker thread. */
export interface BatchTask {
  item: BatchItem;
  settings: readonly SettingsLayer[];
  pipeline?: PipelineSpec;
  pipelineSource?: string;
}

/** Data a batch worker needs to build its own host. */
export interface BatchWorkerData {
  plugins: readonly string[];
  cwd: string;
  configDir?: string;
  pluginConfig: Readonly<Record<string, unknown>>;
  /** Ids of the plugins the host runs sandboxed: the worker's host sandboxes them too. */
  sandboxed?: readonly string[];
}

/**
 * Exports every item; results come back in the order of `items`. Uses worker threads when
 * `jobs > 1`, there is more than one input, and every plugin can be loaded in a worker.
 */
export async function runBatch(host: Host, items: readonly BatchItem[], options: BatchOptions): Promise<InputOutcome[]> {
  const emit = options.onEvent ?? (() => {});
  const jobs = Math.max(1, Math.min(options.jobs ?? availableParallelism(), items.length));
  const useWorkers = (jobs > 1 || options.forceWorkers === true) && host.pluginSpecs !== undefined;
  if (!useWorkers) {
    const results: InputOutcome[] = [];
    for (const item of items) {
      if (options.signal?.aborted) break;
      results.push(await processInput(host, item, options, emit));
    }
    return results;
  }
  const pool = await batchPool(host, jobs);
  const onAbort = () => void releasePool(host);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.all(
      items.map(async (item) => {
        const task: BatchTask = { item, settings: options.settings };
        if (options.pipeline) task.pipeline = options.pipeline;
        if (options.pipelineSource) task.pipelineSource = options.pipelineSource;
        const watchdog = new StepWatchdog();
        try {
          return (await pool.run(task, { onEvent: watchdog.wrap(emit) as (e: BatchEvent | ProduceEvent) => void, signal: watchdog.signal })) as InputOutcome;
        } catch (err) {
          const error = (isExportIaError(err) ? err : new ExportIaError('EIA_WORKER_CRASHED', { file: item.input, detail: String(err) })).toJSON();
          const outcome: InputOutcome = { input: item.input, status: 'failed', written: [], failures: [], error, diagnostics: [], steps: [], ms: 0 };
          emit({ type: 'input-finished', file: item.input, outcome });
          return outcome;
        } finally {
          watchdog.stop();
        }
      }),
    );
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

type BatchPool = WorkerPool<BatchTask | ProduceTask, InputOutcome | ProduceResult, BatchEvent | ProduceEvent>;
const pools = new WeakMap<Host, { size: number; pool: BatchPool }>();

/**
 * The host's batch worker threads, kept between batches (a thread loads every plugin once and
 * stays warm) and stopped when the host closes. A batch asking for another size replaces them.
 */
async function batchPool(host: Host, size: number): Promise<BatchPool> {
  const current = pools.get(host);
  if (current && current.size === size) return current.pool;
  if (current) await releasePool(host);
  const workerData: BatchWorkerData = {
    plugins: host.pluginSpecs ?? [],
    cwd: host.cwd,
    pluginConfig: host.pluginConfig,
    ...(host.configDir ? { configDir: host.configDir } : {}),
    sandboxed: host.plugins.filter((p) => p.sandboxed).map((p) => p.manifest.id),
  };
  const pool: BatchPool = new WorkerPool({
    filename: workerFile(import.meta.url, './batch-worker.js'),
    size,
    workerData,
    name: 'batch worker',
    prefetch: 2,
    // A worker whose event loop a plugin left jammed (a timer spinning after its task returned)
    // never starts its next task: replaced after this, its waiting tasks moved to another worker.
    // Generous: a fresh worker loads every plugin before it answers.
    startTimeoutMs: 60_000,
    // Exporters allocate a lot of short-lived objects (docx builds an XML object tree per run); a
    // larger young generation means fewer scavenges. Measured on 12 × 5.9k-word documents to all
    // three formats, 7–8 alternating runs each: +6% docs/s with 1 thread, +14% with 2.
    resourceLimits: { maxYoungGenerationSizeMb: 96 },
  });
  if (!current) host.onClose(() => releasePool(host));
  pools.set(host, { size, pool });
  return pool;
}

async function releasePool(host: Host): Promise<void> {
  const current = pools.get(host);
  pools.delete(host);
  await current?.pool.close();
}

/**
 * The embedded job runner: executes export jobs from their event streams, with a concurrency
 * limit, per-step retries with backoff (cockatiel) for retryable errors, the pipeline's
 * deadlines, and cancellation. A job has two queue steps: `process` (import, transforms and
 * the exporters not produced yet; each output is stored content-addressed and recorded as
 * `ArtifactProduced` as soon as it exists) and `deliver` (write the outputs to their targets).
 * After a crash, a runner that takes the job over skips every artifact already produced:
 * import and transforms are pure and run again, no exporter runs twice.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { ExponentialBackoff } from 'cockatiel';
import { catalog } from '../errors/catalog.js';
import { type Diagnostic, ExportIaError, isExportIaError, type SerializedError, toExportIaError } from '../errors/export-ia-error.js';
import { type EventMetadata, type NewEvent, newEventId, type Subscription } from '../events/event-store.js';
import type { SqliteEventStore } from '../events/sqlite-event-store.js';
import type { BatchEvent, InputOutcome, ProduceEvent, ProduceResult, WrittenOutput } from '../host/batch.js';
import { produceOn } from '../host/batch.js';
import type { Host } from '../host/host.js';
import { sha256 } from '../io/input.js';
import { displayPath, writeFileAtomic } from '../io/output.js';
import type { Analysis, PipelineSpec, StepTiming } from '../pipeline/pipeline.js';
import type { SourceInput } from '../plugins/contracts.js';
import type { AnalyzedDocument } from '../quality/report-data.js';
import { type Audience, scoreQuality } from '../quality/score.js';
import type { BlobStore } from './blob-store.js';
import {
  decide,
  type FindingsSummary,
  foldJob,
  initialJobState,
  isFinished,
  type JobRequestedData,
  type JobState,
  jobIdOf,
  jobStream,
  type StepFailedData,
  type WrittenRef,
} from './job.js';
import { isAdoptable, JobQueue, newOwnerId, type QueueRow } from './job-queue.js';

export interface JobRunnerOptions {
  store: SqliteEventStore;
  blobs: BlobStore;
  host: Host;
  /** Jobs worked on at once. Default 1. */
  concurrency?: number;
  /** Worker threads for pipelines (1 = this thread unless `isolate`). Default 1. */
  threads?: number;
  /**
   * Run pipelines in a worker thread even with `threads` 1, so a step that never yields (a
   * plugin stuck in a loop) is stopped at its deadline with its worker; in this thread, the
   * deadline can only stop steps that yield. Needs plugins loadable in a worker (package folders).
   */
  isolate?: boolean;
  /** Attempts per step for retryable errors. Default 3. */
  maxAttempts?: number;
  /** Retry delays grow exponentially from this (ms), with jitter. Default 250. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Lease on a running job; renewed while the runner lives. Default 30 s. */
  leaseMs?: number;
  /** Added to every event (actor, tenant, correlationId). */
  metadata?: EventMetadata;
  /** Pipeline and job events for a progress display, named by the input. */
  onEvent?: (event: BatchEvent, jobId: string) => void;
  /** Writes an output whose target is `-` (only for jobs submitted by this runner). */
  stdout?: (bytes: Uint8Array, jobId: string) => Promise<void>;
}

/** What to export: an input (already read) and where each format goes. */
export interface ExportRequest {
  source: SourceInput;
  /** Format → absolute destination, or `-` for stdout. */
  targets: Record<string, string>;
  settings: JobRequestedData['settings'];
  pipeline?: PipelineSpec;
  pipelineSource?: string;
  /** Also check the document: these checkers (default: the host's default ones), scored for this audience. */
  quality?: { checkers?: readonly string[]; audience?: Audience };
  /** `analyze` when checking is the whole job (no exporter). Default `export`. */
  kind?: 'export' | 'analyze';
}

export interface JobOutcome extends InputOutcome {
  jobId: string;
  /** The quality report, when the job checked the document. */
  analysis?: AnalyzedDocument;
  /** The job was taken over from an earlier run that stopped before finishing it. */
  resumed: boolean;
}

const SUMMARY_CODES = 50;

/** The quality report's artifact name (a job target key, not an exporter). */
export const QUALITY = 'quality';

function summarise(diagnostics: readonly Diagnostic[]): FindingsSummary {
  const out: FindingsSummary = { errors: 0, warnings: 0, infos: 0, codes: {} };
  for (const d of diagnostics) {
    if (d.severity === 'error') out.errors++;
    else if (d.severity === 'warning') out.warnings++;
    else out.infos++;
    if (d.code in out.codes || Object.keys(out.codes).length < SUMMARY_CODES) out.codes[d.code] = (out.codes[d.code] ?? 0) + 1;
  }
  return out;
}

const isRetryable = (error: SerializedError): boolean => (catalog as Record<string, { retryable?: true }>)[error.code]?.retryable === true;

/** Canonical JSON (sorted keys), so equal requests hash equally. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** Writes a job's events: step facts as they happen (not awaited), and durable commits with queue changes. */
class Journal {
  readonly #store: SqliteEventStore;
  readonly stream: string;
  version: number;
  readonly #metadata: EventMetadata;
  #pending: Array<Promise<unknown>> = [];
  #error: unknown;

  constructor(store: SqliteEventStore, jobId: string, version: number, metadata: EventMetadata) {
    this.#store = store;
    this.stream = jobStream(jobId);
    this.version = version;
    this.#metadata = metadata;
  }

  #stamp(events: readonly NewEvent[]): NewEvent[] {
    return events.map((e) => ({ id: newEventId(), ...e, metadata: { ...this.#metadata, ...e.metadata } }));
  }

  /**
   * Appends now, durably, without waiting. The first failure (a conflict: someone cancelled or
   * retried the job) breaks the journal inside the same group transaction, so no later record
   * can land after it with a version that happens to match again.
   */
  record(...events: NewEvent[]): void {
    if (this.#error) return;
    const expectedVersion = this.version;
    this.version += events.length;
    const stamped = this.#stamp(events);
    const p = this.#store.database.write(() => {
      if (this.#error) throw this.#error;
      try {
        this.#store.appendInWrite(this.stream, stamped, expectedVersion);
      } catch (err) {
        this.#error = err;
        throw err;
      }
    });
    p.catch(() => {});
    this.#pending.push(p);
  }

  async sync(): Promise<void> {
    await Promise.allSettled(this.#pending.splice(0));
    if (this.#error) throw this.#error;
  }

  /** Appends `events` and runs `queueChange` in one transaction, after everything recorded before. */
  async commit(events: readonly NewEvent[], queueChange: () => void): Promise<void> {
    await this.sync();
    const expected = this.version;
    const stamped = this.#stamp(events);
    await this.#store.database.write(() => {
      if (this.#error) throw this.#error;
      this.#store.appendInWrite(this.stream, stamped, expected);
      queueChange();
    });
    this.version += events.length;
  }
}

export class JobRunner {
  readonly owner = newOwnerId();
  readonly #o: Required<Pick<JobRunnerOptions, 'concurrency' | 'threads' | 'maxAttempts' | 'retryDelayMs' | 'maxRetryDelayMs' | 'leaseMs'>> & JobRunnerOptions;
  readonly #queue: JobQueue;
  readonly #controllers = new Map<string, AbortController>();
  readonly #submitted = new Set<string>();
  readonly #diagnostics = new Map<string, Diagnostic[]>();
  readonly #steps = new Map<string, StepTiming[]>();
  /** Jobs another runner took over while this one worked on them. */
  readonly #lost = new Set<string>();
  readonly #redrives = new Map<string, number>();
  readonly #analyses = new Map<string, AnalyzedDocument>();
  #running = 0;
  readonly #slotWaiters: Array<() => void> = [];
  #renewTimer: NodeJS.Timeout | undefined;
  #cancelWatch: Subscription | undefined;
  #closed = false;

  constructor(options: JobRunnerOptions) {
    this.#o = {
      concurrency: 1,
      threads: 1,
      maxAttempts: 3,
      retryDelayMs: 250,
      maxRetryDelayMs: 10_000,
      leaseMs: 30_000,
      ...options,
    };
    this.#queue = new JobQueue(options.store.database);
  }

  get #db() {
    return this.#o.store.database;
  }

  #metadata(extra: EventMetadata = {}): EventMetadata {
    return { actor: `${safeUser()}@${process.title === 'node' ? 'export-ia' : process.title}`, tenant: 'local', ...this.#o.metadata, ...extra };
  }

  /** Starts lease renewal and the watch for cancellations made by other processes. */
  #start(): void {
    if (this.#renewTimer || this.#closed) return;
    this.#renewTimer = setInterval(
      () => {
        this.#db
          .write(() => this.#queue.renew(this.owner, Date.now() + this.#o.leaseMs))
          .then((held) => {
            // A job another runner took over (this process was paused past its lease): stop working on it.
            for (const [id, c] of this.#controllers) if (!held.has(id)) c.abort(new ExportIaError('EIA_JOB_LEASE_LOST', { id }));
          })
          .catch(() => {});
      },
      Math.max(1000, this.#o.leaseMs / 3),
    );
    this.#renewTimer.unref();
    this.#cancelWatch = this.#o.store.subscribe({
      after: 'end',
      types: ['JobCancelled'],
      streamPrefix: 'job-',
      handler: (e) => {
        this.#controllers.get(jobIdOf(e.streamId))?.abort(new ExportIaError('EIA_CANCELLED', { step: 'the job' }));
      },
    });
  }

  /**
   * Stores the input and queues an export job (leased to this runner). A request equal to an
   * unfinished job whose runner died (same input, formats, targets and settings) adopts that
   * job instead, so re-running a command after a crash continues where it stopped.
   */
  async submitExport(request: ExportRequest): Promise<{ jobId: string; adopted: boolean }> {
    this.#start();
    const { source } = request;
    const formats = Object.keys(request.targets).filter((f) => f !== QUALITY);
    const quality = request.quality
      ? {
          checkers: [...(request.quality.checkers ?? this.#o.host.analyzePipeline().spec.steps.flatMap((s) => ('checkers' in s ? s.checkers : [])))],
          ...(request.quality.audience ? { audience: request.quality.audience } : {}),
        }
      : undefined;
    // The checks become a pipeline step, stored with the request (a resumed job runs the same).
    let pipeline = request.pipeline;
    if (quality && quality.checkers.length > 0) {
      pipeline = pipeline
        ? {
            ...pipeline,
            steps: [
              ...pipeline.steps.filter((s) => !('exporters' in s) && !('checkers' in s)),
              { checkers: quality.checkers },
              ...pipeline.steps.filter((s) => 'exporters' in s),
            ],
          }
        : this.#o.host.analyzePipeline(quality.checkers, formats).spec;
    }
    const inputHash = await this.#o.blobs.put(source.bytes, source.hash);
    const requestKey = createHash('sha256')
      .update(canonical({ input: inputHash, targets: request.targets, settings: request.settings, pipeline: request.pipeline ?? null }))
      .digest('hex');
    const data: JobRequestedData = {
      kind: request.kind ?? 'export',
      input: {
        name: source.name,
        ...(source.path === undefined ? {} : { path: source.path }),
        dir: source.dir,
        sha256: inputHash,
        bytes: source.bytes.byteLength,
      },
      formats,
      targets: request.targets,
      settings: [...request.settings],
      ...(pipeline ? { pipeline } : {}),
      ...(request.pipelineSource ? { pipelineSource: request.pipelineSource } : {}),
      ...(quality ? { quality } : {}),
      maxAttempts: this.#o.maxAttempts,
      requestKey,
      cwd: this.#o.host.cwd,
    };
    const jobId = randomUUID();
    const pluginVersions = Object.fromEntries(this.#o.host.plugins.map((p) => [p.manifest.id, p.manifest.version]));
    const metadata = this.#metadata({ traceId: randomBytes(16).toString('hex'), pluginVersions });
    const result = await this.#db.write(() => {
      const now = Date.now();
      for (const row of this.#queue.byRequestKey(requestKey)) {
        if (isAdoptable(row, now) && this.#queue.take(row.job_id, row.owner, this.owner, now + this.#o.leaseMs)) return { jobId: row.job_id, adopted: true };
      }
      const events = decide({ type: 'ExportDocument', request: data }, initialJobState(), jobId).map((e) => ({ ...e, id: newEventId(), metadata }));
      this.#o.store.appendInWrite(jobStream(jobId), events, 'no_stream');
      this.#queue.enqueue(jobId, 'process', requestKey, this.owner, now + this.#o.leaseMs, now);
      return { jobId, adopted: false };
    });
    this.#submitted.add(result.jobId);
    return result;
  }

  /** Takes over jobs left unfinished by runners that died (or whose lease ran out). Returns their ids. */
  async adoptOrphans(): Promise<string[]> {
    return this.#db.write(() => {
      const now = Date.now();
      const taken: string[] = [];
      for (const row of this.#queue.all()) {
        if (row.owner === this.owner || !isAdoptable(row, now)) continue;
        if (this.#queue.take(row.job_id, row.owner, this.owner, now + this.#o.leaseMs)) taken.push(row.job_id);
      }
      return taken;
    });
  }

  /** Takes these queued jobs (a retried one, say) if no live runner holds them. Returns those taken. */
  async adopt(jobIds: readonly string[]): Promise<string[]> {
    return this.#db.write(() => {
      const now = Date.now();
      return jobIds.filter((id) => {
        const row = this.#queue.get(id);
        return row !== undefined && (row.owner === this.owner || (isAdoptable(row, now) && this.#queue.take(id, row.owner, this.owner, now + this.#o.leaseMs)));
      });
    });
  }

  /** Runs jobs this runner holds until each is finished; outcomes in the order given. */
  async runAll(jobIds: readonly string[]): Promise<JobOutcome[]> {
    this.#start();
    return Promise.all(jobIds.map((id) => this.#drive(id)));
  }

  async #slot(): Promise<void> {
    if (this.#running < this.#o.concurrency) {
      this.#running++;
      return;
    }
    await new Promise<void>((resolve) => this.#slotWaiters.push(resolve));
  }

  #release(): void {
    const next = this.#slotWaiters.shift();
    if (next) next();
    else this.#running--;
  }

  /** Works on one job, step after step, until its queue row is gone. */
  async #drive(jobId: string): Promise<JobOutcome> {
    const started = performance.now();
    const resumed = !this.#submitted.has(jobId);
    const written: WrittenOutput[] = [];
    let stdout: Uint8Array | undefined;
    let announced = false;
    for (;;) {
      const row = this.#db.read(() => this.#queue.get(jobId));
      if (!row || row.owner !== this.owner) {
        if (row) this.#lost.add(jobId);
        break;
      }
      const wait = row.available_at - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await this.#slot();
      let journal: Journal | undefined;
      try {
        const events = await this.#o.store.readStream(jobStream(jobId));
        const state = foldJob(events);
        if (!state.request || isFinished(state.status)) {
          await this.#db.write(() => this.#queue.complete(jobId, this.owner));
          break;
        }
        if (!announced) {
          this.#o.onEvent?.({ type: 'input-started', file: state.request.input.name }, jobId);
          announced = true;
        }
        const requestedAt = events[0]?.time ?? Date.now();
        const trace = events[0]?.metadata ?? {};
        journal = new Journal(this.#o.store, jobId, state.version, {
          ...this.#metadata(),
          ...(trace.correlationId ? { correlationId: trace.correlationId as string } : {}),
          ...(trace.traceId ? { traceId: trace.traceId as string } : {}),
          causationId: events[0]?.id,
        });
        if (row.step === 'process') await this.#process(jobId, row, state, journal);
        else {
          const delivered = await this.#deliver(jobId, state, journal, requestedAt);
          written.push(...delivered.written);
          stdout = delivered.stdout ?? stdout;
        }
      } catch (err) {
        // Let the step's own events land first: the failure is recorded after them.
        await journal?.sync().catch(() => {});
        if (!(await this.#handleStepError(jobId, err))) break;
      } finally {
        this.#release();
      }
    }
    return this.#outcome(jobId, written, stdout, resumed, performance.now() - started);
  }

  /** Import, transforms and the exporters not produced yet; each output stored as it comes. */
  async #process(jobId: string, row: QueueRow, state: JobState, journal: Journal): Promise<void> {
    const req = state.request as JobRequestedData;
    const attempt = row.attempt;
    const started = performance.now();
    const produced = new Set<string>();
    // Only on resume or retry are there artifacts: each must still be whole (hash checked) to be skipped.
    for (const [format, art] of Object.entries(state.artifacts))
      if (
        await this.#o.blobs.get(art.sha256).then(
          () => true,
          () => false,
        )
      )
        produced.add(format);
    const remaining = req.formats.filter((f) => !produced.has(f) && !(f in state.failures));
    const needQuality = req.quality !== undefined && !produced.has(QUALITY);
    const diagnostics: Diagnostic[] = [];
    const emit = (event: BatchEvent) => this.#o.onEvent?.(event, jobId);
    if (remaining.length > 0 || needQuality) {
      const bytes = await this.#inputBytes(req);
      const source: SourceInput = {
        name: req.input.name,
        dir: req.input.dir,
        bytes,
        hash: req.input.sha256,
        ...(req.input.path ? { path: req.input.path } : {}),
      };
      const controller = new AbortController();
      this.#controllers.set(jobId, controller);
      const finishedExports = new Map<string, { plugin: StepFailedData['plugin']; ms: number }>();
      const storing: Array<Promise<void>> = [];
      const finalFailures = new Set<string>();
      const onEvent = (event: ProduceEvent) => {
        switch (event.type) {
          case 'output': {
            const { output } = event;
            const done = finishedExports.get(output.format);
            const stored = this.#o.blobs.put(output.data).then((sha256) => {
              journal.record(
                {
                  type: 'ArtifactProduced',
                  data: { format: output.format, sha256, bytes: output.data.byteLength, mediaType: output.mediaType, extension: output.extension },
                },
                {
                  type: 'StepCompleted',
                  data: { step: `exporter:${output.format}`, attempt, ms: done?.ms ?? 0, ...(done?.plugin ? { plugin: done.plugin } : {}) },
                },
              );
            });
            // An output that cannot be stored (disk full) stops the step now, without an unhandled rejection.
            stored.catch((err) => controller.abort(err));
            storing.push(stored);
            return;
          }
          case 'step-started':
            journal.record({ type: 'StepStarted', data: { step: event.step, plugin: event.plugin, attempt } });
            break;
          case 'step-finished':
            // An exporter's step completes once its output is stored (above).
            if (event.step.startsWith('exporter:')) finishedExports.set(event.step.slice('exporter:'.length), { plugin: event.plugin, ms: event.ms });
            else journal.record({ type: 'StepCompleted', data: { step: event.step, plugin: event.plugin, attempt, ms: event.ms } });
            break;
          case 'step-failed': {
            const willRetry = isRetryable(event.error) && attempt < req.maxAttempts;
            if (!willRetry && event.step.startsWith('exporter:')) finalFailures.add(event.step.slice('exporter:'.length));
            journal.record({ type: 'StepFailed', data: { step: event.step, plugin: event.plugin, attempt, ms: event.ms, error: event.error, willRetry } });
            break;
          }
        }
        emit(event as BatchEvent);
      };
      let result: ProduceResult;
      try {
        result = await produceOn(
          this.#o.host,
          this.#o.threads > 1 || this.#o.isolate ? this.#o.threads : 0,
          {
            produce: true,
            source,
            formats: remaining,
            settings: req.settings,
            ...(req.pipeline ? { pipeline: req.pipeline } : {}),
            ...(req.pipelineSource ? { pipelineSource: req.pipelineSource } : {}),
          },
          onEvent,
          controller.signal,
        );
      } finally {
        this.#controllers.delete(jobId);
        await Promise.allSettled(storing);
      }
      for (const p of storing) await p; // a blob that could not be stored fails the step
      if (controller.signal.aborted) throw controller.signal.reason;
      diagnostics.push(...result.diagnostics);
      this.#diagnostics.set(jobId, result.diagnostics);
      this.#steps.set(jobId, [...(this.#steps.get(jobId) ?? []), ...result.steps]);
      if (needQuality) await this.#storeAnalysis(jobId, req, result.analysis ?? { findings: [], metrics: {}, checkers: [] }, journal, attempt);
      for (const s of result.steps)
        if (s.status === 'cached') journal.record({ type: 'StepCompleted', data: { step: s.step, plugin: s.plugin, attempt, ms: 0, cached: true } });
      const retry = result.failures.filter((f) => !finalFailures.has(f.format) && isRetryable(f.error) && attempt < req.maxAttempts);
      if (retry.length > 0) {
        const delayMs = this.#retryDelay(attempt);
        await journal.commit([{ type: 'StepRetried', data: { step: 'process', attempt: attempt + 1, delayMs, formats: retry.map((f) => f.format) } }], () =>
          this.#queue.move(jobId, 'process', attempt + 1, Date.now() + delayMs, this.owner),
        );
        return;
      }
    }
    const findings = summarise(diagnostics.length > 0 || !state.findings ? diagnostics : []);
    await journal.commit(
      [
        {
          type: 'StepCompleted',
          data: { step: 'process', attempt, ms: performance.now() - started, findings: state.findings && remaining.length === 0 ? state.findings : findings },
        },
      ],
      () => this.#queue.move(jobId, 'deliver', 1, Date.now(), this.owner),
    );
  }

  /** Scores the analysis, stores the report as the `quality` artifact and records `QualityScored`. */
  async #storeAnalysis(jobId: string, req: JobRequestedData, analysis: Analysis, journal: Journal, attempt: number): Promise<void> {
    const score = scoreQuality(analysis.metrics, req.quality?.audience ? { audience: req.quality.audience } : {});
    const language = (analysis.metrics.language as { document?: string } | undefined)?.document;
    const words = (analysis.metrics.metadata as { words?: number } | undefined)?.words ?? (analysis.metrics.style as { words?: number } | undefined)?.words;
    const doc: AnalyzedDocument = {
      file: req.input.name,
      ...(req.input.path ? { path: req.input.path } : {}),
      ...(analysis.title ? { title: analysis.title } : {}),
      ...(language ? { language } : {}),
      ...(words === undefined ? {} : { words }),
      score,
      findings: analysis.findings,
      metrics: analysis.metrics,
      checkers: analysis.checkers,
    };
    this.#analyses.set(jobId, doc);
    const bytes = new TextEncoder().encode(JSON.stringify(doc));
    const sha256 = await this.#o.blobs.put(bytes);
    journal.record(
      { type: 'ArtifactProduced', data: { format: QUALITY, sha256, bytes: bytes.byteLength, mediaType: 'application/json', extension: '.quality.json' } },
      { type: 'QualityScored', data: { score: score.score, version: score.version, subscores: score.subscores, missing: score.missing } },
      { type: 'StepCompleted', data: { step: 'score', attempt, ms: 0 } },
    );
  }

  /** The stored input; if the blob is gone (pruned, lost) but the source file is unchanged, that file. */
  async #inputBytes(req: JobRequestedData): Promise<Uint8Array> {
    try {
      return await this.#o.blobs.get(req.input.sha256, `input ${req.input.name}`);
    } catch (err) {
      if (req.input.path) {
        const file = await readFile(req.input.path).catch(() => undefined);
        if (file && sha256(file) === req.input.sha256) {
          await this.#o.blobs.put(file, req.input.sha256);
          return file;
        }
      }
      throw err;
    }
  }

  /** Writes the stored outputs to their targets and completes the job. */
  async #deliver(jobId: string, state: JobState, journal: Journal, requestedAt: number): Promise<{ written: WrittenOutput[]; stdout?: Uint8Array }> {
    const req = state.request as JobRequestedData;
    const started = performance.now();
    const written: WrittenRef[] = [];
    const failures = Object.entries(state.failures).map(([format, error]) => ({ format, error }));
    let stdout: Uint8Array | undefined;
    for (const [format, dest] of Object.entries(req.targets)) {
      const art = state.artifacts[format];
      if (!art) continue;
      try {
        const bytes = await this.#o.blobs.get(art.sha256, `${format} output of ${req.input.name}`);
        if (dest === '-') {
          if (!this.#submitted.has(jobId) || !this.#o.stdout) {
            throw new ExportIaError('EIA_OUTPUT_NOT_WRITABLE', {
              file: 'stdout',
              detail: `the process that asked for it has ended; fetch it with \`export-ia jobs fetch ${jobId.slice(0, 8)} --format ${format} -o <file>\``,
            });
          }
          stdout = bytes;
          await this.#o.stdout(bytes, jobId);
        } else writeFileAtomic(dest, bytes, displayPath(dest, req.cwd));
        written.push({ format, path: dest, bytes: bytes.byteLength });
      } catch (err) {
        failures.push({ format, error: toExportIaError(err).toJSON() });
      }
    }
    const findings = state.findings ?? summarise(this.#diagnostics.get(jobId) ?? []);
    const ms = Date.now() - requestedAt;
    const deliverStep = { type: 'StepCompleted', data: { step: 'deliver', attempt: 1, ms: performance.now() - started, written } };
    // Nothing written although something was asked for (an analysis alone asks for nothing).
    if (written.length === 0 && failures.length > 0) {
      const first = failures[0]?.error ?? new ExportIaError('EIA_INTERNAL', { detail: 'the job produced nothing' }).toJSON();
      await journal.commit([deliverStep, { type: 'JobFailed', data: { error: first, step: 'deliver', failures, findings } }], () =>
        this.#queue.complete(jobId, this.owner),
      );
    } else {
      await journal.commit(
        [deliverStep, { type: 'JobCompleted', data: { status: failures.length > 0 ? 'partial' : 'ok', outputs: written, failures, findings, ms } }],
        () => this.#queue.complete(jobId, this.owner),
      );
    }
    return { written, ...(stdout ? { stdout } : {}) };
  }

  /** A step threw: retry it (retryable, attempts left), or fail the job. Returns false to stop driving it. */
  async #handleStepError(jobId: string, err: unknown): Promise<boolean> {
    const error = toExportIaError(err).toJSON();
    for (let conflicts = 0; ; ) {
      const events = await this.#o.store.readStream(jobStream(jobId)).catch(() => []);
      const state = foldJob(events);
      // Cancelled from elsewhere (the append conflicted, or the signal fired): the cancel removed the row.
      if (isFinished(state.status)) return false;
      const row = this.#db.read(() => this.#queue.get(jobId));
      if (!row || row.owner !== this.owner) {
        if (row) this.#lost.add(jobId);
        return false;
      }
      // Someone appended to the stream while this step ran (a retry, say) but the job is still
      // ours: drive it again from the new state instead of failing it for a conflict.
      if (error.code === 'EIA_STORE_CONFLICT' || error.code === 'EIA_JOB_LEASE_LOST') {
        const redrives = (this.#redrives.get(jobId) ?? 0) + 1;
        this.#redrives.set(jobId, redrives);
        if (redrives <= 5) return true;
      }
      const journal = new Journal(this.#o.store, jobId, state.version, this.#metadata({ causationId: events[0]?.id }));
      const maxAttempts = state.request?.maxAttempts ?? 1;
      try {
        if (isRetryable(error) && row.attempt < maxAttempts) {
          const delayMs = this.#retryDelay(row.attempt);
          await journal.commit(
            [
              { type: 'StepFailed', data: { step: row.step, attempt: row.attempt, ms: 0, error, willRetry: true } },
              { type: 'StepRetried', data: { step: row.step, attempt: row.attempt + 1, delayMs } },
            ],
            () => this.#queue.move(jobId, row.step, row.attempt + 1, Date.now() + delayMs, this.owner),
          );
          return true;
        }
        const findings = summarise(this.#diagnostics.get(jobId) ?? []);
        await journal.commit([{ type: 'JobFailed', data: { error, step: row.step, findings } }], () => this.#queue.complete(jobId, this.owner));
        return false;
      } catch (commitError) {
        const code = isExportIaError(commitError) ? commitError.code : '';
        // Someone appended meanwhile (a cancel): decide again on the new state.
        if (code === 'EIA_STORE_CONFLICT' && ++conflicts < 5) continue;
        // The disk is full (or the file locked): the failure itself cannot be recorded yet. Keep
        // the job and try again until there is room, so it is marked failed when space returns.
        if ((code !== 'EIA_STORE_FULL' && code !== 'EIA_STORE_LOCKED') || this.#closed) return false;
        await new Promise((r) => setTimeout(r, this.#retryDelay(1)));
      }
    }
  }

  #retryDelay(attempt: number): number {
    let backoff = new ExponentialBackoff({ initialDelay: this.#o.retryDelayMs, maxDelay: this.#o.maxRetryDelayMs }).next();
    for (let i = 1; i < attempt; i++) backoff = backoff.next(undefined);
    return Math.round(backoff.duration);
  }

  async #outcome(jobId: string, written: WrittenOutput[], stdout: Uint8Array | undefined, resumed: boolean, ms: number): Promise<JobOutcome> {
    const events = await this.#o.store.readStream(jobStream(jobId));
    const state = foldJob(events);
    const req = state.request;
    const last = events.at(-1);
    const failures = Object.entries(state.failures).map(([format, error]) => ({ format, error }));
    const outcome: JobOutcome = {
      jobId,
      resumed,
      input: req?.input.name ?? jobId,
      status: 'failed',
      written,
      failures,
      diagnostics: this.#diagnostics.get(jobId) ?? [],
      steps: this.#steps.get(jobId) ?? [],
      ms,
    };
    if (stdout) outcome.stdout = stdout;
    const analysis = this.#analyses.get(jobId) ?? (await this.#readAnalysis(state));
    if (analysis) outcome.analysis = analysis;
    this.#analyses.delete(jobId);
    if (last?.type === 'JobCompleted') {
      const data = last.data as { status: 'ok' | 'partial'; failures: typeof failures };
      outcome.status = data.status;
      outcome.failures = data.failures;
    } else if (last?.type === 'JobFailed') {
      const data = last.data as { error: SerializedError; failures?: typeof failures };
      if (data.failures && data.failures.length > 0) outcome.failures = data.failures;
      else outcome.error = data.error;
    } else if (state.status === 'cancelled') outcome.error = new ExportIaError('EIA_CANCELLED', { step: `job ${jobId.slice(0, 8)}` }).toJSON();
    else if (this.#lost.has(jobId)) outcome.error = new ExportIaError('EIA_JOB_LEASE_LOST', { id: jobId }).toJSON();
    else outcome.error = new ExportIaError('EIA_INTERNAL', { detail: `job ${jobId} stopped in state ${state.status}` }).toJSON();
    this.#diagnostics.delete(jobId);
    this.#steps.delete(jobId);
    const { stdout: _bytes, jobId: _id, resumed: _r, ...summary } = outcome;
    this.#o.onEvent?.({ type: 'input-finished', file: outcome.input, outcome: summary }, jobId);
    return outcome;
  }

  async #readAnalysis(state: JobState): Promise<AnalyzedDocument | undefined> {
    const art = state.artifacts[QUALITY];
    if (!art) return undefined;
    try {
      return JSON.parse(new TextDecoder().decode(await this.#o.blobs.get(art.sha256))) as AnalyzedDocument;
    } catch {
      return undefined;
    }
  }

  /** Stops: leases are released so another runner can take unfinished jobs at once. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#renewTimer);
    for (const c of this.#controllers.values()) c.abort(new ExportIaError('EIA_CANCELLED', { step: 'the job' }));
    await this.#cancelWatch?.stop();
    await this.#db.write(() => this.#queue.release(this.owner)).catch(() => {});
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Cancels a queued or running job (from any process): `JobCancelled` and the queue row removed in one transaction. */
export async function cancelJob(store: SqliteEventStore, jobId: string, reason: string, metadata: EventMetadata = {}): Promise<void> {
  const queue = new JobQueue(store.database);
  await store.database.write(() => {
    const state = foldJob(store.readStreamSync(jobStream(jobId)));
    const events = decide({ type: 'CancelJob', reason }, state, jobId).map((e) => ({ ...e, id: newEventId(), metadata }));
    store.appendInWrite(jobStream(jobId), events, state.version);
    queue.remove(jobId);
  });
}

/** Queues a failed, cancelled or partly failed job again (`JobRetried`); a runner then takes it like an orphan. */
export async function retryJob(store: SqliteEventStore, jobId: string, metadata: EventMetadata = {}): Promise<string[]> {
  const queue = new JobQueue(store.database);
  return store.database.write(() => {
    const state = foldJob(store.readStreamSync(jobStream(jobId)));
    const events = decide({ type: 'RetryJob' }, state, jobId).map((e) => ({ ...e, id: newEventId(), metadata }));
    store.appendInWrite(jobStream(jobId), events, state.version);
    queue.remove(jobId);
    queue.enqueue(jobId, 'process', state.request?.requestKey ?? null, null, null);
    return (events[0]?.data as { formats: string[] } | undefined)?.formats ?? [];
  });
}

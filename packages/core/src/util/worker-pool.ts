/**
 * A small worker-thread pool: fixed size, lazy start, one task per worker at a time, events
 * streamed back while a task runs, crashed workers replaced. Idle workers do not keep the
 * process alive. Used for batch exports and by the PDF exporter (Typst compiles synchronously).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, type Transferable, Worker, type WorkerOptions } from 'node:worker_threads';
import { ExportIaError, isExportIaError, type SerializedError, toExportIaError } from '../errors/export-ia-error.js';

type ToWorker<T> = { id: number; task: T } | { cancel: number };
type FromWorker<R, E> = { id: number; started: true } | { id: number; event: E } | { id: number; result: R } | { id: number; error: SerializedError };

interface Pending<R, E> {
  id: number;
  task: unknown;
  transfer: readonly Transferable[];
  resolve: (value: R) => void;
  reject: (err: unknown) => void;
  onEvent: ((event: E) => void) | undefined;
  /** The worker has begun it (tasks queued in a worker wait for the ones before them). */
  started?: boolean;
}

interface Slot<R, E> {
  worker: Worker;
  /** Tasks sent to this worker and not yet answered, by id (the worker runs them in order). */
  inFlight: Map<number, Pending<R, E>>;
  /** Armed while the worker's next task has not said it started (a jammed event loop never will). */
  startTimer?: NodeJS.Timeout;
}

export interface WorkerPoolOptions {
  /** Worker module file (absolute path or file URL). */
  filename: string | URL;
  /** Number of workers. */
  size: number;
  workerData?: unknown;
  /** Shown in crash messages. */
  name?: string;
  resourceLimits?: WorkerOptions['resourceLimits'];
  /**
   * Tasks queued in each worker at once (default 1). With 2, a worker starts its next task as
   * soon as it finishes one, instead of idling while the main thread hands out the next: what
   * keeps short tasks (a 15 ms document) from leaving threads idle a third of the time.
   */
  prefetch?: number;
  /**
   * A worker that does not start its next task within this time (its event loop is jammed, e.g.
   * by a timer a plugin left spinning after its task returned) is replaced; the tasks that had
   * not started go to another worker. Default: off.
   */
  startTimeoutMs?: number;
}

export class WorkerPool<T, R, E = never> {
  readonly #options: WorkerPoolOptions;
  readonly #slots: Array<Slot<R, E>> = [];
  readonly #queue: Array<Pending<R, E>> = [];
  #nextId = 1;
  #closed = false;

  constructor(options: WorkerPoolOptions) {
    // A size that is not a number (`--jobs abc`) would start no worker at all and hang.
    this.#options = { ...options, size: Number.isFinite(options.size) ? Math.max(1, Math.floor(options.size)) : 1 };
  }

  get size(): number {
    return this.#options.size;
  }

  /**
   * Runs a task on the next free worker. `transfer` moves ArrayBuffers instead of copying.
   * `signal` stops it: a queued task is dropped (also one waiting inside a worker: the worker
   * skips it), a running one has its worker terminated (the only way to stop code that never
   * yields) and the tasks that were waiting behind it go to another worker; the promise rejects
   * with the signal's reason.
   */
  run(task: T, options: { transfer?: readonly Transferable[]; onEvent?: (event: E) => void; signal?: AbortSignal } = {}): Promise<R> {
    if (this.#closed) return Promise.reject(new ExportIaError('EIA_INTERNAL', { detail: 'worker pool is closed' }));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<R>((resolve, reject) => {
      const pending: Pending<R, E> = { id: this.#nextId++, task, transfer: options.transfer ?? [], resolve, reject, onEvent: options.onEvent };
      if (signal) {
        const onAbort = () => this.#abort(pending, signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        pending.resolve = (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        };
        pending.reject = (err) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        };
      }
      this.#queue.push(pending);
      this.#dispatch();
    });
  }

  #abort(pending: Pending<R, E>, reason: unknown): void {
    const queued = this.#queue.indexOf(pending);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      pending.reject(reason);
      return;
    }
    const slot = this.#slots.find((s) => s.inFlight.get(pending.id) === pending);
    if (!slot) return;
    slot.inFlight.delete(pending.id);
    pending.reject(reason);
    if (!pending.started) {
      // Waiting inside the worker behind another task: the worker skips it; nothing else stops.
      slot.worker.postMessage({ cancel: pending.id } satisfies ToWorker<T>);
      if (slot.inFlight.size === 0) slot.worker.unref();
      return;
    }
    // Running: terminating its worker is the only way to stop code that never yields.
    this.#retire(slot);
  }

  /**
   * Takes a worker out of the pool and terminates it. Its tasks that had not started go back to
   * the front of the queue (they run on another worker); a started one is lost with it.
   */
  #retire(slot: Slot<R, E>, lostDetail = 'its worker was stopped'): void {
    const index = this.#slots.indexOf(slot);
    // Out of the pool first, so its exit is not taken for a crash.
    if (index >= 0) this.#slots.splice(index, 1);
    clearTimeout(slot.startTimer);
    const waiting = [...slot.inFlight.values()];
    slot.inFlight.clear();
    for (const task of waiting.filter((t) => t.started))
      task.reject(new ExportIaError('EIA_WORKER_CRASHED', { file: this.#options.name ?? 'a document', detail: lostDetail }));
    this.#queue.unshift(...waiting.filter((t) => !t.started));
    void slot.worker.terminate();
    if (!this.#closed) this.#dispatch();
  }

  /** Arms the start deadline of the worker's next task, if it has one that has not started. */
  #watchStart(slot: Slot<R, E>): void {
    clearTimeout(slot.startTimer);
    slot.startTimer = undefined;
    const limit = this.#options.startTimeoutMs;
    const next = slot.inFlight.values().next().value as Pending<R, E> | undefined;
    if (!limit || !next || next.started) return;
    slot.startTimer = setTimeout(() => this.#retire(slot, 'its worker stopped responding'), limit);
    slot.startTimer.unref();
  }

  #spawn(): Slot<R, E> {
    const worker = new Worker(this.#options.filename, {
      workerData: this.#options.workerData,
      ...(this.#options.resourceLimits ? { resourceLimits: this.#options.resourceLimits } : {}),
    });
    const slot: Slot<R, E> = { worker, inFlight: new Map() };
    worker.on('message', (msg: FromWorker<R, E>) => {
      const task = slot.inFlight.get(msg.id);
      if (!task) return;
      if ('started' in msg) {
        task.started = true;
        clearTimeout(slot.startTimer);
        return;
      }
      if ('event' in msg) {
        task.onEvent?.(msg.event);
        return;
      }
      slot.inFlight.delete(msg.id);
      if (slot.inFlight.size === 0) worker.unref();
      if ('result' in msg) task.resolve(msg.result);
      else task.reject(ExportIaError.fromJSON(msg.error));
      this.#watchStart(slot);
      this.#dispatch();
    });
    const fail = (detail: string) => {
      const index = this.#slots.indexOf(slot);
      if (index >= 0) this.#slots.splice(index, 1);
      clearTimeout(slot.startTimer);
      const lost = [...slot.inFlight.values()];
      slot.inFlight.clear();
      for (const task of lost) task.reject(new ExportIaError('EIA_WORKER_CRASHED', { file: this.#options.name ?? 'a document', detail }));
      if (!this.#closed) this.#dispatch();
    };
    worker.on('error', (err) => fail(err.message));
    worker.on('exit', (code) => {
      if (this.#slots.includes(slot)) fail(`worker exited with code ${code}`);
    });
    worker.unref();
    this.#slots.push(slot);
    return slot;
  }

  #dispatch(): void {
    const prefetch = Math.max(1, this.#options.prefetch ?? 1);
    while (this.#queue.length > 0) {
      // An idle worker first, then a new one, then the least loaded one with room.
      let slot = this.#slots.find((s) => s.inFlight.size === 0);
      if (!slot && this.#slots.length < this.#options.size) slot = this.#spawn();
      if (!slot) {
        const open = this.#slots.filter((s) => s.inFlight.size < prefetch).sort((a, b) => a.inFlight.size - b.inFlight.size);
        slot = open[0];
      }
      if (!slot) return;
      const job = this.#queue.shift() as Pending<R, E>;
      slot.inFlight.set(job.id, job);
      slot.worker.ref();
      const message: ToWorker<unknown> = { id: job.id, task: job.task };
      slot.worker.postMessage(message, job.transfer as Transferable[]);
      if (slot.inFlight.size === 1) this.#watchStart(slot);
    }
  }

  /** Stops every worker; queued and running tasks are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(new ExportIaError('EIA_CANCELLED', { step: 'queued task' }));
    const slots = this.#slots.splice(0);
    await Promise.all(
      slots.map(async (slot) => {
        for (const task of slot.inFlight.values()) task.reject(new ExportIaError('EIA_CANCELLED', { step: 'running task' }));
        slot.inFlight.clear();
        await slot.worker.terminate();
      }),
    );
  }
}

/**
 * The worker side: call once at the top of a worker module. `handler` gets each task and an
 * `emit` function for progress events; whatever it throws reaches the caller as a coded error.
 */
export function serveWorker<T, R, E = never>(
  handler: (task: T, emit: (event: E) => void) => Promise<{ result: R; transfer?: Transferable[] }> | { result: R; transfer?: Transferable[] },
): void {
  if (isMainThread || !parentPort) throw new Error('serveWorker() must run inside a worker thread');
  const port = parentPort;
  // Tasks run one at a time, in arrival order, even when the pool queues several here.
  let chain: Promise<void> = Promise.resolve();
  const cancelled = new Set<number>();
  port.on('message', (msg: ToWorker<T>) => {
    if ('cancel' in msg) {
      cancelled.add(msg.cancel);
      return;
    }
    chain = chain.then(async () => {
      if (cancelled.delete(msg.id)) return;
      // Said first: a task that never says it started tells the pool this thread is jammed.
      port.postMessage({ id: msg.id, started: true });
      try {
        const { result, transfer } = await handler(msg.task, (event) => port.postMessage({ id: msg.id, event }));
        port.postMessage({ id: msg.id, result }, transfer ?? []);
      } catch (err) {
        const error = isExportIaError(err) ? err : toExportIaError(err);
        port.postMessage({ id: msg.id, error: error.toJSON() });
      }
    });
  });
}

/**
 * The compiled worker file next to a module. Tests run TypeScript sources, but worker threads
 * need JavaScript, so a `src/…ts` caller gets the built `dist/…js` file.
 */
export function workerFile(importMetaUrl: string, name: string): string {
  const here = fileURLToPath(new URL(name, importMetaUrl));
  if (existsSync(here)) return here;
  const built = here.replace(/([\\/])src([\\/])/, '$1dist$2');
  if (existsSync(built)) return built;
  throw new ExportIaError('EIA_INTERNAL', { detail: `worker module ${name} not found next to ${fileURLToPath(importMetaUrl)} (run \`npm run build\`)` });
}

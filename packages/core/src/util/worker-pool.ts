/**
 * A small worker-thread pool: fixed size, lazy start, one task per worker at a time, events
 * streamed back while a task runs, crashed workers replaced. Idle workers do not keep the
 * process alive. Used for batch exports and by the PDF exporter (Typst compiles synchronously).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, type Transferable, Worker, type WorkerOptions } from 'node:worker_threads';
import { ExportIaError, isExportIaError, type SerializedError, toExportIaError } from '../errors/export-ia-error.js';

type ToWorker<T> = { id: number; task: T };
type FromWorker<R, E> = { id: number; event: E } | { id: number; result: R } | { id: number; error: SerializedError };

interface Pending<R, E> {
  id: number;
  task: unknown;
  transfer: readonly Transferable[];
  resolve: (value: R) => void;
  reject: (err: unknown) => void;
  onEvent: ((event: E) => void) | undefined;
}

interface Slot<R, E> {
  worker: Worker;
  current?: Pending<R, E>;
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
}

export class WorkerPool<T, R, E = never> {
  readonly #options: WorkerPoolOptions;
  readonly #slots: Array<Slot<R, E>> = [];
  readonly #queue: Array<Pending<R, E>> = [];
  #nextId = 1;
  #closed = false;

  constructor(options: WorkerPoolOptions) {
    this.#options = { ...options, size: Math.max(1, Math.floor(options.size)) };
  }

  get size(): number {
    return this.#options.size;
  }

  /** Runs a task on the next free worker. `transfer` moves ArrayBuffers instead of copying. */
  run(task: T, options: { transfer?: readonly Transferable[]; onEvent?: (event: E) => void } = {}): Promise<R> {
    if (this.#closed) return Promise.reject(new ExportIaError('EIA_INTERNAL', { detail: 'worker pool is closed' }));
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, task, transfer: options.transfer ?? [], resolve, reject, onEvent: options.onEvent });
      this.#dispatch();
    });
  }

  #spawn(): Slot<R, E> {
    const worker = new Worker(this.#options.filename, {
      workerData: this.#options.workerData,
      ...(this.#options.resourceLimits ? { resourceLimits: this.#options.resourceLimits } : {}),
    });
    const slot: Slot<R, E> = { worker };
    worker.on('message', (msg: FromWorker<R, E>) => {
      const current = slot.current;
      if (!current || msg.id !== current.id) return;
      if ('event' in msg) {
        current.onEvent?.(msg.event);
        return;
      }
      slot.current = undefined;
      worker.unref();
      if ('result' in msg) current.resolve(msg.result);
      else current.reject(ExportIaError.fromJSON(msg.error));
      this.#dispatch();
    });
    const fail = (detail: string) => {
      const index = this.#slots.indexOf(slot);
      if (index >= 0) this.#slots.splice(index, 1);
      const current = slot.current;
      slot.current = undefined;
      current?.reject(new ExportIaError('EIA_WORKER_CRASHED', { file: this.#options.name ?? 'a document', detail }));
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
    while (this.#queue.length > 0) {
      let slot = this.#slots.find((s) => !s.current);
      if (!slot) {
        if (this.#slots.length >= this.#options.size) return;
        slot = this.#spawn();
      }
      const job = this.#queue.shift() as Pending<R, E>;
      slot.current = job;
      slot.worker.ref();
      const message: ToWorker<unknown> = { id: job.id, task: job.task };
      slot.worker.postMessage(message, job.transfer as Transferable[]);
    }
  }

  /** Stops every worker; queued and running tasks are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(new ExportIaError('EIA_CANCELLED', { step: 'queued task' }));
    const slots = this.#slots.splice(0);
    await Promise.all(
      slots.map(async (slot) => {
        slot.current?.reject(new ExportIaError('EIA_CANCELLED', { step: 'running task' }));
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
  port.on('message', async (msg: ToWorker<T>) => {
    try {
      const { result, transfer } = await handler(msg.task, (event) => port.postMessage({ id: msg.id, event }));
      port.postMessage({ id: msg.id, result }, transfer ?? []);
    } catch (err) {
      const error = isExportIaError(err) ? err : toExportIaError(err);
      port.postMessage({ id: msg.id, error: error.toJSON() });
    }
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

/**
 * Batch worker thread: builds its own host from the plugin list (plugins are loaded by the same
 * loader as in the main thread) and exports the documents it is given.
 */
import type { Transferable } from 'node:worker_threads';
import { workerData } from 'node:worker_threads';
import { serveWorker } from '../util/worker-pool.js';
import {
  type BatchEvent,
  type BatchTask,
  type BatchWorkerData,
  type InputOutcome,
  type ProduceEvent,
  type ProduceResult,
  type ProduceTask,
  processInput,
  produce,
} from './batch.js';
import { createHost, type Host } from './host.js';

const data = workerData as BatchWorkerData;
let hostPromise: Promise<Host> | undefined;

serveWorker<BatchTask | ProduceTask, InputOutcome | ProduceResult, BatchEvent | ProduceEvent>(async (task, emit) => {
  hostPromise ??= createHost({
    plugins: data.plugins,
    cwd: data.cwd,
    pluginConfig: data.pluginConfig,
    ...(data.configDir ? { configDir: data.configDir } : {}),
    // A plugin sandboxed by the main thread's host is sandboxed here too.
    ...(data.sandboxed && data.sandboxed.length > 0 ? { sandbox: { isolate: ({ id }: { id: string }) => (data.sandboxed ?? []).includes(id) } } : {}),
  });
  const host = await hostPromise;
  if ('produce' in task) return { result: await produce(host, task, emit) };
  const options = {
    settings: task.settings,
    ...(task.pipeline ? { pipeline: task.pipeline } : {}),
    ...(task.pipelineSource ? { pipelineSource: task.pipelineSource } : {}),
  };
  const outcome = await processInput(host, task.item, options, emit);
  const transfer: Transferable[] = [];
  // Move stdout bytes instead of copying, unless they share a buffer with other data.
  const out = outcome.stdout;
  if (out && out.byteOffset === 0 && out.byteLength === out.buffer.byteLength && out.buffer instanceof ArrayBuffer) transfer.push(out.buffer);
  return { result: outcome, transfer };
});

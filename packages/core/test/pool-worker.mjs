// A worker for the WorkerPool tests (packages/core/src/util/worker-pool.test.ts).
import { threadId } from 'node:worker_threads';
import { serveWorker } from '../dist/util/worker-pool.js';

serveWorker(async (task) => {
  if (task.kind === 'spin') for (;;) {}
  if (task.kind === 'sleep') await new Promise((resolve) => setTimeout(resolve, task.ms));
  // Returns at once but leaves this thread's event loop jammed.
  if (task.kind === 'jam')
    setTimeout(() => {
      for (;;) {}
    }, 20);
  return { result: { value: task.value ?? null, thread: threadId } };
});

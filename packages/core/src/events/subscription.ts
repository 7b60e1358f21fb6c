/**
 * Catch-up subscriptions, shared by every store: read stored events after the checkpoint in
 * batches, deliver them in order, and when caught up wait for the store to signal a commit.
 * Delivery always reads from the store (never from the writer's memory), so a subscriber sees
 * exactly the committed order, with no gap and no duplicate, whether the event was appended by
 * this process or another.
 */
import type { EventStore, StoredEvent, SubscribeOptions, Subscription } from './event-store.js';

export function catchUpSubscription(
  store: Pick<EventStore, 'readAll' | 'headPosition'>,
  options: SubscribeOptions,
  /** Resolves once the store's head position is past `head` (or the signal aborts). */
  waitForCommit: (signal: AbortSignal, head: number) => Promise<void>,
): Subscription {
  const stopper = new AbortController();
  const batchSize = options.batchSize ?? 500;
  let position = typeof options.after === 'number' ? options.after : -1;
  const waiters: Array<() => void> = [];
  let idle = false;

  const loop = async () => {
    if (position < 0) position = await store.headPosition();
    while (!stopper.signal.aborted) {
      const filter = {
        after: position,
        maxCount: batchSize,
        ...(options.types ? { types: options.types } : {}),
        ...(options.streamPrefix ? { streamPrefix: options.streamPrefix } : {}),
      };
      const head = await store.headPosition();
      const batch: StoredEvent[] = await store.readAll(filter);
      for (const event of batch) {
        if (stopper.signal.aborted) return;
        await options.handler(event);
        position = event.position;
      }
      if (batch.length < batchSize) {
        // Filtered reads may return nothing while the store moved on: skip what was scanned.
        if (position < head) position = head;
        idle = true;
        for (const w of waiters.splice(0)) w();
        await waitForCommit(stopper.signal, Math.max(position, head));
        idle = false;
      }
    }
  };

  const done = loop().finally(() => {
    for (const w of waiters.splice(0)) w();
  });
  // The caller may never await `done`; a handler error is still reported there.
  done.catch(() => {});

  return {
    get position() {
      return Math.max(position, 0);
    },
    caughtUp: () =>
      idle
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiters.push(resolve);
          }),
    async stop() {
      stopper.abort();
      for (const w of waiters.splice(0)) w();
      await done.catch(() => {});
    },
    done,
  };
}

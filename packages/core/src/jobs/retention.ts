/**
 * Retention: stored inputs and outputs (blobs) of jobs finished longer ago than the retention
 * period are deleted; the events stay (the audit trail is never pruned). The CLI prunes at most
 * once a day after an export (`EXPORT_IA_RETENTION_DAYS`, default 30) and on `jobs prune`.
 */

import type { JobStore } from './data-dir.js';
import { foldJob, isFinished } from './job.js';

export const DEFAULT_RETENTION_DAYS = 30;
const GRACE_MS = 10 * 60_000;
const DAY = 86_400_000;

export interface PruneResult {
  removed: number;
  bytes: number;
  kept: number;
}

/** Removes blobs that no unfinished job and no job finished within `days` refers to (export and clip jobs). */
export async function pruneStoredContent(s: JobStore, days: number, options: { graceMs?: number } = {}): Promise<PruneResult> {
  // Never younger than the grace period: a job being submitted right now has stored its input
  // but may not have recorded it yet (put() also refreshes the time of a blob it reuses).
  const cutoff = Math.min(Date.now() - days * DAY, Date.now() - (options.graceMs ?? GRACE_MS));
  // Listed before the events are read: a blob reused after this point has a fresh time.
  const blobs = await s.blobs.list();
  const keep = new Set<string>();
  const streams = s.store.database.read(
    (db) =>
      db.prepare("SELECT stream_id, max(time) AS last FROM events WHERE stream_id LIKE 'job-%' GROUP BY stream_id").all() as Array<{
        stream_id: string;
        last: number;
      }>,
  );
  for (const { stream_id, last } of streams) {
    const state = foldJob(s.store.readStreamSync(stream_id));
    if (isFinished(state.status) && last < cutoff) continue;
    if (state.request) keep.add(state.request.input.sha256);
    for (const a of Object.values(state.artifacts)) keep.add(a.sha256);
  }
  // Clip jobs (`export-ia clip`): the blobs of their saved steps and plans, while a job is
  // unfinished (it resumes from them) or finished within the retention period.
  const clipStreams = s.store.database.read(
    (db) =>
      db.prepare("SELECT stream_id, max(time) AS last FROM events WHERE stream_id LIKE 'clip-%' GROUP BY stream_id").all() as Array<{
        stream_id: string;
        last: number;
      }>,
  );
  for (const { stream_id, last } of clipStreams) {
    const events = s.store.readStreamSync(stream_id);
    const finished = events.at(-1)?.type === 'ClipJobFinished';
    if (finished && last < cutoff) continue;
    for (const e of events) {
      const d = e.data as { blob?: unknown; planBlob?: unknown };
      for (const hash of [d.blob, d.planBlob]) if (typeof hash === 'string') keep.add(hash);
    }
  }
  let removed = 0;
  let freed = 0;
  let kept = 0;
  for (const b of blobs) {
    // A blob newer than the cutoff may belong to a job being submitted right now.
    if (keep.has(b.hash) || b.mtimeMs >= cutoff) {
      kept++;
      continue;
    }
    if (!(await s.blobs.removeIfOlder(b.hash, cutoff))) {
      kept++;
      continue;
    }
    removed++;
    freed += b.bytes;
  }
  await s.store.database.write((db) =>
    db.prepare("INSERT INTO kv (key, value) VALUES ('last-prune', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(String(Date.now())),
  );
  if (removed > 0) await s.store.append('system-retention', [{ type: 'ArtifactsPruned', data: { removed, bytes: freed, retentionDays: days } }]);
  return { removed, bytes: freed, kept };
}

/** Prunes if the last prune was more than a day ago. */
export async function pruneIfDue(s: JobStore, days: number): Promise<PruneResult | undefined> {
  const last = s.store.database.read((db) => db.prepare("SELECT value FROM kv WHERE key = 'last-prune'").get() as { value: string } | undefined);
  if (last && Date.now() - Number(last.value) < DAY) return undefined;
  return pruneStoredContent(s, days);
}

/**
 * The embedded job queue: one row per unfinished job naming its next step, in the same SQLite
 * file as the events. Every change is made inside `database.write(…)` together with the job's
 * events, so a step's events and the queueing of the next step commit in one transaction.
 * A runner leases the rows it works on; a lease whose owner died (same machine, process gone)
 * or expired can be taken over, which is how unfinished jobs resume after a crash.
 */
import { hostname } from 'node:os';
import { ExportIaError } from '../errors/export-ia-error.js';
import type { Database } from '../events/sqlite-database.js';

export type QueueStep = 'process' | 'deliver';

export interface QueueRow {
  job_id: string;
  step: QueueStep;
  request_key: string | null;
  attempt: number;
  available_at: number;
  owner: string | null;
  lease_until: number | null;
  created_at: number;
}

/** A lease owner id: machine, process id and a random part (a pid can be reused after a reboot). */
export function newOwnerId(): string {
  return `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
}

/** True when the owner is a process on this machine that no longer runs. */
export function ownerIsDead(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname()) return false;
  const n = Number(pid);
  if (!Number.isInteger(n) || n <= 0) return true;
  if (n === process.pid) return false;
  try {
    process.kill(n, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** A row another runner may take: nobody holds it, its lease ran out, or its owner died. */
export function isAdoptable(row: Pick<QueueRow, 'owner' | 'lease_until'>, now: number): boolean {
  return row.owner === null || (row.lease_until ?? 0) < now || ownerIsDead(row.owner);
}

/** Queue statements, to be called inside `database.write(…)` (or `read` for the selects). */
export class JobQueue {
  readonly #db: Database;

  constructor(database: Database) {
    this.#db = database;
  }

  enqueue(jobId: string, step: QueueStep, requestKey: string | null, owner: string | null, leaseUntil: number | null, now = Date.now()): void {
    this.#db
      .statement('INSERT INTO job_queue (job_id, step, request_key, attempt, available_at, owner, lease_until, created_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?)')
      .run(jobId, step, requestKey, now, owner, leaseUntil, now);
  }

  get(jobId: string): QueueRow | undefined {
    return this.#db.statement('SELECT * FROM job_queue WHERE job_id = ?').get(jobId) as QueueRow | undefined;
  }

  /**
   * Moves a job to its next step (attempt 1), or to another attempt of this one after a delay.
   * Fenced: only the runner holding the lease may (it throws EIA_JOB_LEASE_LOST otherwise).
   */
  move(jobId: string, step: QueueStep, attempt: number, availableAt: number, owner: string): void {
    const info = this.#db
      .statement('UPDATE job_queue SET step = ?, attempt = ?, available_at = ? WHERE job_id = ? AND owner = ?')
      .run(step, attempt, availableAt, jobId, owner);
    if (info.changes !== 1) throw new ExportIaError('EIA_JOB_LEASE_LOST', { id: jobId });
  }

  /** Finishes a job's queue life. Fenced like {@link move}. */
  complete(jobId: string, owner: string): void {
    const info = this.#db.statement('DELETE FROM job_queue WHERE job_id = ? AND owner = ?').run(jobId, owner);
    if (info.changes !== 1) throw new ExportIaError('EIA_JOB_LEASE_LOST', { id: jobId });
  }

  /** Removes a job whoever holds it (a user's cancel or retry). */
  remove(jobId: string): void {
    this.#db.statement('DELETE FROM job_queue WHERE job_id = ?').run(jobId);
  }

  /** Takes a row if it is still held by `expectedOwner` (compare-and-set). */
  take(jobId: string, expectedOwner: string | null, owner: string, leaseUntil: number): boolean {
    const info =
      expectedOwner === null
        ? this.#db.statement('UPDATE job_queue SET owner = ?, lease_until = ? WHERE job_id = ? AND owner IS NULL').run(owner, leaseUntil, jobId)
        : this.#db.statement('UPDATE job_queue SET owner = ?, lease_until = ? WHERE job_id = ? AND owner = ?').run(owner, leaseUntil, jobId, expectedOwner);
    return info.changes === 1;
  }

  /** Unfinished jobs with this request key (a re-run of the same command adopts them). */
  byRequestKey(key: string): QueueRow[] {
    return this.#db.statement('SELECT * FROM job_queue WHERE request_key = ?').all(key) as QueueRow[];
  }

  all(): QueueRow[] {
    return this.#db.statement('SELECT * FROM job_queue ORDER BY created_at').all() as QueueRow[];
  }

  /** Extends the owner's leases; returns the ids it still holds. */
  renew(owner: string, leaseUntil: number): Set<string> {
    this.#db.statement('UPDATE job_queue SET lease_until = ? WHERE owner = ?').run(leaseUntil, owner);
    return new Set((this.#db.statement('SELECT job_id FROM job_queue WHERE owner = ?').all(owner) as Array<{ job_id: string }>).map((r) => r.job_id));
  }

  release(owner: string): void {
    this.#db.statement('UPDATE job_queue SET owner = NULL, lease_until = NULL WHERE owner = ?').run(owner);
  }
}

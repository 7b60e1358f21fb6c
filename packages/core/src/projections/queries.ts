/** Queries over the read models (the CLI's `jobs`, `history` and `stats`, later the HTTP API). */
import { ExportIaError } from '../errors/export-ia-error.js';
import type { Database } from '../events/sqlite-database.js';
import type { FindingsSummary, WrittenRef } from '../jobs/job.js';

export interface JobRow {
  jobId: string;
  kind: string;
  status: string;
  input: { name: string; path: string | null; sha256: string; bytes: number };
  formats: string[];
  /** Outputs produced / formats asked for. */
  progress: number;
  requestedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  outputs: WrittenRef[];
  artifacts: Array<{ format: string; sha256: string; bytes: number; mediaType: string; extension: string }>;
  failures: Array<{ format: string; error: { code: string; message: string } }>;
  error: { code: string; message: string; hint?: string } | null;
  findings: FindingsSummary | null;
  score: number | null;
  retries: number;
  actor: string | null;
  correlationId: string | null;
  pluginVersions: Record<string, string> | null;
}

export interface StepRow {
  step: string;
  event: string;
  plugin: string | null;
  attempt: number | null;
  ms: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  time: number;
}

interface RawJob {
  job_id: string;
  kind: string;
  status: string;
  input_name: string;
  input_path: string | null;
  input_sha: string;
  input_bytes: number;
  formats: string;
  produced: number;
  requested_at: number;
  started_at: number | null;
  finished_at: number | null;
  duration_ms: number | null;
  outputs: string;
  artifacts: string;
  failures: string;
  error: string | null;
  findings: string | null;
  score: number | null;
  retries: number;
  actor: string | null;
  correlation_id: string | null;
  plugin_versions: string | null;
}

function toJob(r: RawJob): JobRow {
  const formats = JSON.parse(r.formats) as string[];
  const done = r.status === 'completed' || r.status === 'partial';
  return {
    jobId: r.job_id,
    kind: r.kind,
    status: r.status,
    input: { name: r.input_name, path: r.input_path, sha256: r.input_sha, bytes: r.input_bytes },
    formats,
    progress: done ? 1 : formats.length === 0 ? 0 : Math.min(1, r.produced / formats.length),
    requestedAt: r.requested_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
    outputs: JSON.parse(r.outputs),
    artifacts: JSON.parse(r.artifacts),
    failures: JSON.parse(r.failures),
    error: r.error ? JSON.parse(r.error) : null,
    findings: r.findings ? JSON.parse(r.findings) : null,
    score: r.score,
    retries: r.retries,
    actor: r.actor,
    correlationId: r.correlation_id,
    pluginVersions: r.plugin_versions ? JSON.parse(r.plugin_versions) : null,
  };
}

export function listJobs(database: Database, options: { status?: readonly string[]; limit?: number } = {}): JobRow[] {
  const where = options.status && options.status.length > 0 ? `WHERE status IN (${options.status.map(() => '?').join(',')})` : '';
  const rows = database.read((db) =>
    db.prepare(`SELECT * FROM rm_jobs ${where} ORDER BY requested_at DESC, job_id LIMIT ?`).all(...(options.status ?? []), options.limit ?? 50),
  ) as RawJob[];
  return rows.map(toJob);
}

/** A job by id or unique id prefix (at least 4 characters). */
export function findJob(database: Database, idOrPrefix: string): JobRow {
  const id = idOrPrefix.trim().toLowerCase();
  if (!/^[0-9a-f-]{4,36}$/.test(id)) throw new ExportIaError('EIA_JOB_NOT_FOUND', { id: idOrPrefix });
  const rows = database.read((db) => db.prepare("SELECT * FROM rm_jobs WHERE job_id >= ? AND job_id < ? || '~' LIMIT 6").all(id, id)) as RawJob[];
  if (rows.length === 0) throw new ExportIaError('EIA_JOB_NOT_FOUND', { id: idOrPrefix });
  if (rows.length > 1 && !rows.some((r) => r.job_id === id))
    throw new ExportIaError('EIA_JOB_AMBIGUOUS', { id: idOrPrefix, matches: rows.map((r) => r.job_id.slice(0, 13)).join(', ') });
  return toJob(rows.find((r) => r.job_id === id) ?? (rows[0] as RawJob));
}

export function jobSteps(database: Database, jobId: string): StepRow[] {
  return (
    database.read((db) => db.prepare('SELECT * FROM rm_job_steps WHERE job_id = ? ORDER BY position').all(jobId)) as Array<{
      step: string;
      event: string;
      plugin: string | null;
      attempt: number | null;
      ms: number | null;
      error_code: string | null;
      error_message: string | null;
      time: number;
    }>
  ).map((r) => ({
    step: r.step,
    event: r.event,
    plugin: r.plugin,
    attempt: r.attempt,
    ms: r.ms,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    time: r.time,
  }));
}

export interface HistoryRow {
  jobId: string;
  kind: string;
  time: number;
  status: string;
  formats: string[];
  sha256: string;
  score: number | null;
}

export function documentHistory(database: Database, document: string): HistoryRow[] {
  const rows = database.read((db) => db.prepare('SELECT * FROM rm_document_history WHERE document = ? ORDER BY time, job_id').all(document)) as Array<{
    job_id: string;
    kind: string;
    time: number;
    status: string;
    formats: string;
    input_sha: string;
    score: number | null;
  }>;
  return rows.map((r) => ({
    jobId: r.job_id,
    kind: r.kind,
    time: r.time,
    status: r.status,
    formats: JSON.parse(r.formats),
    sha256: r.input_sha,
    score: r.score,
  }));
}

export interface Stats {
  days: Array<{ day: string; requested: number; completed: number; partial: number; failed: number; cancelled: number }>;
  steps: Array<{ step: string; plugin: string | null; runs: number; failures: number; failureRate: number; p50: number | null; p95: number | null }>;
  scores: { count: number; buckets: Array<{ from: number; to: number; count: number }> };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export function stats(database: Database, options: { days?: number } = {}): Stats {
  return database.read((db) => {
    const days = (db.prepare('SELECT * FROM rm_daily ORDER BY day DESC LIMIT ?').all(options.days ?? 14) as Stats['days']).reverse();
    const groups = db
      .prepare('SELECT step, plugin, count(*) AS runs, sum(failed) AS failures FROM rm_step_samples GROUP BY step, plugin ORDER BY step, plugin')
      .all() as Array<{
      step: string;
      plugin: string | null;
      runs: number;
      failures: number;
    }>;
    const durations = db.prepare('SELECT ms FROM rm_step_samples WHERE step = ? AND plugin IS ? AND failed = 0 AND ms IS NOT NULL ORDER BY ms');
    const steps = groups.map((g) => {
      const ms = (durations.all(g.step, g.plugin) as Array<{ ms: number }>).map((r) => r.ms);
      return { ...g, failureRate: g.runs === 0 ? 0 : g.failures / g.runs, p50: percentile(ms, 50), p95: percentile(ms, 95) };
    });
    const buckets = Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: i === 9 ? 100 : i * 10 + 9, count: 0 }));
    let count = 0;
    for (const { score } of db.prepare('SELECT score FROM rm_scores').all() as Array<{ score: number }>) {
      count++;
      const b = buckets[Math.min(9, Math.max(0, Math.floor(score / 10)))];
      if (b) b.count++;
    }
    return { days, steps, scores: { count, buckets } };
  });
}

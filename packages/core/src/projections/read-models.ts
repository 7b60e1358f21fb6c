/**
 * The read models: jobs (status, progress, durations, inputs, outputs, score, steps),
 * per-document history (every job and score over time) and analytics (jobs per day, failure
 * rate by step and plugin, step duration percentiles, score distribution). Each is a
 * {@link Projection} of the job events and can be rebuilt from them.
 */
import type { StoredEvent } from '../events/event-store.js';
import type { Db } from '../events/sqlite-database.js';
import type {
  ArtifactRef,
  JobCancelledData,
  JobCompletedData,
  JobFailedData,
  JobRequestedData,
  QualityScoredData,
  StepCompletedData,
  StepFailedData,
  StepRetriedData,
  StepStartedData,
} from '../jobs/job.js';
import { jobIdOf } from '../jobs/job.js';
import type { Projection } from './projector.js';

const json = (v: unknown) => JSON.stringify(v);

// Prepared once per connection: replays run handlers millions of times.
type Statement = import('better-sqlite3').Statement<unknown[]>;
const statements = new WeakMap<Db, Map<string, Statement>>();
function q(db: Db, sql: string): Statement {
  const cache = statements.get(db) ?? new Map<string, Statement>();
  statements.set(db, cache);
  const hit = cache.get(sql);
  if (hit) return hit;
  const made = db.prepare<unknown[]>(sql);
  cache.set(sql, made);
  return made;
}
const data = <T>(e: StoredEvent) => e.data as T;

/** Jobs: one row per job, one row per step event. */
export const jobsProjection: Projection = {
  name: 'jobs',
  // 2: clip jobs (kind `clip`) too.
  version: 2,
  setup(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS rm_jobs (
        job_id TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL,
        input_name TEXT NOT NULL, input_path TEXT, input_sha TEXT NOT NULL, input_bytes INTEGER NOT NULL,
        formats TEXT NOT NULL, produced INTEGER NOT NULL DEFAULT 0,
        requested_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER, duration_ms REAL,
        outputs TEXT NOT NULL DEFAULT '[]', artifacts TEXT NOT NULL DEFAULT '[]', failures TEXT NOT NULL DEFAULT '[]', error TEXT,
        findings TEXT, score REAL, retries INTEGER NOT NULL DEFAULT 0,
        actor TEXT, correlation_id TEXT, plugin_versions TEXT
      );
      CREATE INDEX IF NOT EXISTS rm_jobs_by_time ON rm_jobs (requested_at);
      CREATE TABLE IF NOT EXISTS rm_job_steps (
        job_id TEXT NOT NULL, position INTEGER NOT NULL, step TEXT NOT NULL, event TEXT NOT NULL,
        plugin TEXT, attempt INTEGER, ms REAL, error_code TEXT, error_message TEXT, time INTEGER NOT NULL,
        PRIMARY KEY (job_id, position)
      );`);
  },
  drop(db) {
    db.exec('DROP TABLE IF EXISTS rm_jobs; DROP TABLE IF EXISTS rm_job_steps;');
  },
  handlers: {
    JobRequested(db, e) {
      const d = data<JobRequestedData>(e);
      q(
        db,
        `INSERT OR REPLACE INTO rm_jobs (job_id, kind, status, input_name, input_path, input_sha, input_bytes, formats, requested_at, actor, correlation_id, plugin_versions)
         VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        jobIdOf(e.streamId),
        d.kind,
        d.input.name,
        d.input.path ?? null,
        d.input.sha256,
        d.input.bytes,
        json(d.formats),
        e.time,
        (e.metadata.actor as string | undefined) ?? null,
        (e.metadata.correlationId as string | undefined) ?? null,
        e.metadata.pluginVersions ? json(e.metadata.pluginVersions) : null,
      );
    },
    StepStarted(db, e) {
      const d = data<StepStartedData>(e);
      q(db, "UPDATE rm_jobs SET status = 'running', started_at = coalesce(started_at, ?) WHERE job_id = ?").run(e.time, jobIdOf(e.streamId));
      stepRow(db, e, d.step, d.plugin ? `${d.plugin.id}@${d.plugin.version}` : null, d.attempt, null);
    },
    StepCompleted(db, e) {
      const d = data<StepCompletedData>(e);
      stepRow(db, e, d.step, d.plugin ? `${d.plugin.id}@${d.plugin.version}` : null, d.attempt, d.ms);
      if (d.findings) q(db, 'UPDATE rm_jobs SET findings = ? WHERE job_id = ?').run(json(d.findings), jobIdOf(e.streamId));
    },
    StepFailed(db, e) {
      const d = data<StepFailedData>(e);
      stepRow(db, e, d.step, d.plugin ? `${d.plugin.id}@${d.plugin.version}` : null, d.attempt, d.ms, d.error.code, d.error.message);
    },
    StepRetried(db, e) {
      const d = data<StepRetriedData>(e);
      stepRow(db, e, d.step, null, d.attempt, d.delayMs);
      q(db, 'UPDATE rm_jobs SET retries = retries + 1 WHERE job_id = ?').run(jobIdOf(e.streamId));
    },
    ArtifactProduced(db, e) {
      const d = data<ArtifactRef>(e);
      q(db, "UPDATE rm_jobs SET produced = produced + 1, artifacts = json_insert(artifacts, '$[#]', json(?)) WHERE job_id = ?").run(
        json(d),
        jobIdOf(e.streamId),
      );
    },
    QualityScored(db, e) {
      q(db, 'UPDATE rm_jobs SET score = ? WHERE job_id = ?').run(data<QualityScoredData>(e).score, jobIdOf(e.streamId));
    },
    JobCompleted(db, e) {
      const d = data<JobCompletedData>(e);
      q(db, 'UPDATE rm_jobs SET status = ?, finished_at = ?, duration_ms = ?, outputs = ?, failures = ?, findings = ? WHERE job_id = ?').run(
        d.status === 'ok' ? 'completed' : 'partial',
        e.time,
        d.ms,
        json(d.outputs),
        json(d.failures),
        json(d.findings),
        jobIdOf(e.streamId),
      );
    },
    JobFailed(db, e) {
      const d = data<JobFailedData>(e);
      q(db, "UPDATE rm_jobs SET status = 'failed', finished_at = ?, duration_ms = ? - requested_at, error = ?, failures = ? WHERE job_id = ?").run(
        e.time,
        e.time,
        json(d.error),
        json(d.failures ?? []),
        jobIdOf(e.streamId),
      );
    },
    JobCancelled(db, e) {
      q(db, "UPDATE rm_jobs SET status = 'cancelled', finished_at = ?, error = ? WHERE job_id = ?").run(
        e.time,
        json({ code: 'EIA_CANCELLED', message: data<JobCancelledData>(e).reason }),
        jobIdOf(e.streamId),
      );
    },
    JobRetried(db, e) {
      q(db, "UPDATE rm_jobs SET status = 'queued', finished_at = NULL, error = NULL, failures = '[]' WHERE job_id = ?").run(jobIdOf(e.streamId));
      stepRow(db, e, 'job', null, null, null);
    },
    ...clipJobHandlers(),
  },
};

/** A clip job's stream is `clip-<id>` (written by `export-ia clip`, see packages/cli/src/clip-jobs.ts). */
const CLIP_STREAM_PREFIX = 'clip-';
const clipIdOf = (streamId: string) => streamId.slice(CLIP_STREAM_PREFIX.length);

/**
 * Clip jobs in the same read model as export jobs: kind `clip`, one `mp4` format per planned
 * clip (so progress is clips rendered / planned), the rendered clips as outputs, each stage as
 * a step row. Each attempt after the first counts as a retry.
 */
function clipJobHandlers(): Record<string, (db: Db, e: StoredEvent) => void> {
  type Started = { input: string; outDir: string; attempt: number; inputBytes?: number };
  const id = (e: StoredEvent) => clipIdOf(e.streamId);
  const clipStep = (db: Db, e: StoredEvent, step: string, attempt: number | null = null, code?: string, message?: string) =>
    q(
      db,
      'INSERT OR REPLACE INTO rm_job_steps (job_id, position, step, event, plugin, attempt, ms, error_code, error_message, time) VALUES (?, ?, ?, ?, NULL, ?, NULL, ?, ?, ?)',
    ).run(id(e), e.position, step, e.type, attempt, code ?? null, message ?? null, e.time);
  return {
    ClipJobStarted(db, e) {
      const d = data<Started & { resumed?: boolean }>(e);
      // A new attempt from scratch: the earlier attempt's plan and clips are not this one's.
      if (!d.resumed) q(db, "UPDATE rm_jobs SET formats = '[]', produced = 0, outputs = '[]' WHERE job_id = ?").run(id(e));
      const name = d.input.split(/[\\/]/).pop() ?? d.input;
      q(
        db,
        `INSERT INTO rm_jobs (job_id, kind, status, input_name, input_path, input_sha, input_bytes, formats, requested_at, started_at, actor, correlation_id)
         VALUES (?, 'clip', 'running', ?, ?, '', ?, '[]', ?, ?, ?, ?)
         ON CONFLICT (job_id) DO UPDATE SET status = 'running', finished_at = NULL, duration_ms = NULL, error = NULL, retries = retries + 1, started_at = excluded.started_at`,
      ).run(
        id(e),
        name,
        d.input,
        d.inputBytes ?? 0,
        e.time,
        e.time,
        (e.metadata.actor as string | undefined) ?? null,
        (e.metadata.correlationId as string | undefined) ?? null,
      );
      clipStep(db, e, 'job', d.attempt);
    },
    ClipStageFinished(db, e) {
      clipStep(db, e, data<{ stage: string }>(e).stage);
    },
    ClipStageSaved(db, e) {
      clipStep(db, e, data<{ stage: string }>(e).stage);
    },
    ClipPlanned(db, e) {
      const { clips } = data<{ clips: number }>(e);
      q(db, "UPDATE rm_jobs SET formats = ?, produced = 0, outputs = '[]' WHERE job_id = ?").run(json(Array.from({ length: clips }, () => 'mp4')), id(e));
      clipStep(db, e, 'plan');
    },
    ClipRendered(db, e) {
      const { clip, files, outDir } = data<{ clip: { file: string }; files?: Record<string, { size: number }>; outDir?: string }>(e);
      const ref = { format: 'mp4', path: outDir ? `${outDir}/${clip.file}` : clip.file, bytes: files?.[clip.file]?.size ?? 0 };
      q(db, "UPDATE rm_jobs SET produced = produced + 1, outputs = json_insert(outputs, '$[#]', json(?)) WHERE job_id = ?").run(json(ref), id(e));
    },
    ClipJobFinished(db, e) {
      q(db, "UPDATE rm_jobs SET status = 'completed', finished_at = ?, duration_ms = ? - started_at WHERE job_id = ?").run(e.time, e.time, id(e));
      clipStep(db, e, 'job');
    },
    ClipJobFailed(db, e) {
      const { error } = data<{ error: { code: string; message: string } }>(e);
      q(db, "UPDATE rm_jobs SET status = 'failed', finished_at = ?, duration_ms = ? - started_at, error = ? WHERE job_id = ?").run(
        e.time,
        e.time,
        json(error),
        id(e),
      );
      clipStep(db, e, 'job', null, error.code, error.message);
    },
  };
}

function stepRow(
  db: Db,
  e: StoredEvent,
  step: string,
  plugin: string | null,
  attempt: number | null,
  ms: number | null,
  code?: string,
  message?: string,
): void {
  q(
    db,
    'INSERT OR REPLACE INTO rm_job_steps (job_id, position, step, event, plugin, attempt, ms, error_code, error_message, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(jobIdOf(e.streamId), e.position, step, e.type, plugin, attempt, ms, code ?? null, message ?? null, e.time);
}

/** Every job that touched a document (by absolute path, or name for stdin), with its score. */
export const historyProjection: Projection = {
  name: 'document-history',
  version: 1,
  setup(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS rm_document_history (
        document TEXT NOT NULL, job_id TEXT NOT NULL, kind TEXT NOT NULL, time INTEGER NOT NULL,
        status TEXT NOT NULL, formats TEXT NOT NULL, input_sha TEXT NOT NULL, score REAL, finished_at INTEGER,
        PRIMARY KEY (document, job_id)
      );
      CREATE INDEX IF NOT EXISTS rm_history_by_job ON rm_document_history (job_id);`);
  },
  drop(db) {
    db.exec('DROP TABLE IF EXISTS rm_document_history;');
  },
  handlers: {
    JobRequested(db, e) {
      const d = data<JobRequestedData>(e);
      q(db, "INSERT OR REPLACE INTO rm_document_history (document, job_id, kind, time, status, formats, input_sha) VALUES (?, ?, ?, ?, 'queued', ?, ?)").run(
        d.input.path ?? d.input.name,
        jobIdOf(e.streamId),
        d.kind,
        e.time,
        json(d.formats),
        d.input.sha256,
      );
    },
    QualityScored(db, e) {
      q(db, 'UPDATE rm_document_history SET score = ? WHERE job_id = ?').run(data<QualityScoredData>(e).score, jobIdOf(e.streamId));
    },
    JobCompleted(db, e) {
      const status = data<JobCompletedData>(e).status === 'ok' ? 'completed' : 'partial';
      q(db, 'UPDATE rm_document_history SET status = ?, finished_at = ? WHERE job_id = ?').run(status, e.time, jobIdOf(e.streamId));
    },
    JobFailed(db, e) {
      q(db, "UPDATE rm_document_history SET status = 'failed', finished_at = ? WHERE job_id = ?").run(e.time, jobIdOf(e.streamId));
    },
    JobCancelled(db, e) {
      q(db, "UPDATE rm_document_history SET status = 'cancelled', finished_at = ? WHERE job_id = ?").run(e.time, jobIdOf(e.streamId));
    },
    JobRetried(db, e) {
      q(db, "UPDATE rm_document_history SET status = 'queued', finished_at = NULL WHERE job_id = ?").run(jobIdOf(e.streamId));
    },
  },
};

const day = (time: number) => new Date(time).toISOString().slice(0, 10);

/** Analytics: counts per day, step samples (duration, failure) and scores. */
export const analyticsProjection: Projection = {
  name: 'analytics',
  version: 1,
  setup(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS rm_daily (
        day TEXT PRIMARY KEY, requested INTEGER NOT NULL DEFAULT 0, completed INTEGER NOT NULL DEFAULT 0,
        partial INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0, cancelled INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE IF NOT EXISTS rm_step_samples (position INTEGER PRIMARY KEY, step TEXT NOT NULL, plugin TEXT, ms REAL, failed INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS rm_step_samples_by_step ON rm_step_samples (step, plugin, ms);
      CREATE TABLE IF NOT EXISTS rm_scores (job_id TEXT PRIMARY KEY, score REAL NOT NULL);`);
  },
  drop(db) {
    db.exec('DROP TABLE IF EXISTS rm_daily; DROP TABLE IF EXISTS rm_step_samples; DROP TABLE IF EXISTS rm_scores;');
  },
  handlers: {
    JobRequested: (db, e) => bump(db, e, 'requested'),
    JobCompleted: (db, e) => bump(db, e, data<JobCompletedData>(e).status === 'ok' ? 'completed' : 'partial'),
    JobFailed: (db, e) => bump(db, e, 'failed'),
    JobCancelled: (db, e) => bump(db, e, 'cancelled'),
    StepCompleted(db, e) {
      const d = data<StepCompletedData>(e);
      if (d.cached) return;
      q(db, 'INSERT OR REPLACE INTO rm_step_samples (position, step, plugin, ms, failed) VALUES (?, ?, ?, ?, 0)').run(
        e.position,
        d.step,
        d.plugin ? `${d.plugin.id}@${d.plugin.version}` : null,
        d.ms,
      );
    },
    StepFailed(db, e) {
      const d = data<StepFailedData>(e);
      q(db, 'INSERT OR REPLACE INTO rm_step_samples (position, step, plugin, ms, failed) VALUES (?, ?, ?, ?, 1)').run(
        e.position,
        d.step,
        d.plugin ? `${d.plugin.id}@${d.plugin.version}` : null,
        d.ms,
      );
    },
    QualityScored(db, e) {
      q(db, 'INSERT OR REPLACE INTO rm_scores (job_id, score) VALUES (?, ?)').run(jobIdOf(e.streamId), data<QualityScoredData>(e).score);
    },
  },
};

function bump(db: Db, e: StoredEvent, column: 'requested' | 'completed' | 'partial' | 'failed' | 'cancelled'): void {
  q(db, `INSERT INTO rm_daily (day, ${column}) VALUES (?, 1) ON CONFLICT (day) DO UPDATE SET ${column} = ${column} + 1`).run(day(e.time));
}

export const READ_MODELS: readonly Projection[] = [jobsProjection, historyProjection, analyticsProjection];

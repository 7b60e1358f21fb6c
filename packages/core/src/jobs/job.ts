/**
 * A job is an event stream (`job-<id>`). Its state is a fold of its events ({@link evolve});
 * commands are checked against that state ({@link decide}) and produce new events — Emmett's
 * decide/evolve shape: plain functions, no classes, testable without a store.
 */
import type { SettingsLayer } from '../config/settings.js';
import { ExportIaError, type SerializedError } from '../errors/export-ia-error.js';
import type { NewEvent, StoredEvent } from '../events/event-store.js';
import type { PipelineSpec, PluginRef } from '../pipeline/pipeline.js';
import type { Audience } from '../quality/score.js';

export const JOB_STREAM_PREFIX = 'job-';
export const jobStream = (jobId: string): string => `${JOB_STREAM_PREFIX}${jobId}`;
export const jobIdOf = (streamId: string): string => streamId.slice(JOB_STREAM_PREFIX.length);

/** A stored input: where it came from and its content address in the blob store. */
export interface InputRef {
  /** As the user named it (`docs/a.md`, `-` for stdin). */
  name: string;
  /** Absolute path, when it was a file. */
  path?: string;
  /** Folder relative references resolve from. */
  dir: string;
  sha256: string;
  bytes: number;
}

export interface ArtifactRef {
  format: string;
  sha256: string;
  bytes: number;
  mediaType: string;
  extension: string;
}

export interface WrittenRef {
  format: string;
  /** Absolute path, or `-` for the submitting process's stdout. */
  path: string;
  bytes: number;
}

/** Counts of the findings reported while a job ran. */
export interface FindingsSummary {
  errors: number;
  warnings: number;
  infos: number;
  /** Code → count. */
  codes: Record<string, number>;
}

export interface JobRequestedData {
  /** `analyze`: checks only (the quality report is the output); `export` may also check (`quality`). */
  kind: 'export' | 'analyze';
  input: InputRef;
  formats: string[];
  /** Format → absolute destination, or `-` for stdout. */
  targets: Record<string, string>;
  /** Settings layers, highest first (flags, env, config file), as given. */
  settings: SettingsLayer[];
  pipeline?: PipelineSpec;
  pipelineSource?: string;
  /** Run these checkers and store the quality report (artifact `quality`), scored for this audience. */
  quality?: { checkers: string[]; audience?: Audience };
  /** Attempts per step for retryable errors (1 = no retry). */
  maxAttempts: number;
  /** Same request (input, formats, targets, settings) → same key: a re-run adopts an unfinished job. */
  requestKey: string;
  /** The working directory the request was made from. */
  cwd: string;
}

export interface StepStartedData {
  step: string;
  plugin?: PluginRef;
  attempt: number;
}
export interface StepCompletedData {
  step: string;
  plugin?: PluginRef;
  attempt: number;
  ms: number;
  /** `cached`: the parsed document came from the import cache. */
  cached?: boolean;
  /** The `deliver` step: what was written where. */
  written?: WrittenRef[];
  /** The `process` step: the findings reported while making the document. */
  findings?: FindingsSummary;
}
export interface StepFailedData {
  step: string;
  plugin?: PluginRef;
  attempt: number;
  ms: number;
  error: SerializedError;
  /** True when the runner will try the step again. */
  willRetry: boolean;
}
export interface StepRetriedData {
  step: string;
  /** Number of the attempt about to start. */
  attempt: number;
  delayMs: number;
  formats?: string[];
}
export interface JobCompletedData {
  /** `partial`: some formats failed, the others were produced. */
  status: 'ok' | 'partial';
  outputs: WrittenRef[];
  failures: Array<{ format: string; error: SerializedError }>;
  findings: FindingsSummary;
  ms: number;
}
export interface JobFailedData {
  error: SerializedError;
  step?: string;
  findings?: FindingsSummary;
  failures?: Array<{ format: string; error: SerializedError }>;
}
export interface JobCancelledData {
  reason: string;
}
export interface JobRetriedData {
  /** Formats to produce again (the failed ones). */
  formats: string[];
}
export interface QualityScoredData {
  score: number;
  version?: number;
  subscores?: Array<{ id: string; label: string; score: number; weight: number; reason: string }>;
  missing?: string[];
}

export interface JobEventMap {
  JobRequested: JobRequestedData;
  StepStarted: StepStartedData;
  StepCompleted: StepCompletedData;
  StepFailed: StepFailedData;
  StepRetried: StepRetriedData;
  ArtifactProduced: ArtifactRef;
  QualityScored: QualityScoredData;
  JobCompleted: JobCompletedData;
  JobFailed: JobFailedData;
  JobCancelled: JobCancelledData;
  JobRetried: JobRetriedData;
}
export type JobEventType = keyof JobEventMap;
export const JOB_EVENT_TYPES = [
  'JobRequested',
  'StepStarted',
  'StepCompleted',
  'StepFailed',
  'StepRetried',
  'ArtifactProduced',
  'QualityScored',
  'JobCompleted',
  'JobFailed',
  'JobCancelled',
  'JobRetried',
] as const satisfies readonly JobEventType[];

export type JobEvent = { [K in JobEventType]: { type: K; data: JobEventMap[K] } }[JobEventType];

export type JobStatus = 'none' | 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface JobState {
  status: JobStatus;
  /** Stream version the state was folded up to. */
  version: number;
  request?: JobRequestedData;
  /** Artifacts produced so far, by format. */
  artifacts: Record<string, ArtifactRef>;
  /** Formats that failed for good in the current run. */
  failures: Record<string, SerializedError>;
  /** Attempts used per step in the current run. */
  attempts: Record<string, number>;
  /** `partial` when completed with some formats failed. */
  outcome?: 'ok' | 'partial';
  score?: number;
  findings?: FindingsSummary;
}

export const initialJobState = (): JobState => ({ status: 'none', version: 0, artifacts: {}, failures: {}, attempts: {} });

/** Folds one event into the state. Unknown event types are ignored (newer writers may add some). */
export function evolve(state: JobState, event: JobEvent | { type: string; data: unknown }): JobState {
  const e = event as JobEvent;
  const next: JobState = { ...state, version: state.version + 1 };
  switch (e.type) {
    case 'JobRequested':
      return { ...next, status: 'queued', request: e.data };
    case 'StepStarted':
      return { ...next, status: 'running', attempts: { ...state.attempts, [e.data.step]: e.data.attempt } };
    case 'StepCompleted':
      return e.data.findings ? { ...next, findings: e.data.findings } : next;
    case 'ArtifactProduced':
      return { ...next, artifacts: { ...state.artifacts, [e.data.format]: e.data } };
    case 'StepFailed': {
      if (e.data.willRetry || !e.data.step.startsWith('exporter:')) return next;
      return { ...next, failures: { ...state.failures, [e.data.step.slice('exporter:'.length)]: e.data.error } };
    }
    case 'QualityScored':
      return { ...next, score: e.data.score };
    case 'JobCompleted':
      return { ...next, status: 'completed', outcome: e.data.status };
    case 'JobFailed':
      return { ...next, status: 'failed' };
    case 'JobCancelled':
      return { ...next, status: 'cancelled' };
    case 'JobRetried': {
      const artifacts = { ...state.artifacts };
      for (const f of e.data.formats) delete artifacts[f];
      return { ...next, status: 'queued', artifacts, failures: {}, attempts: {} };
    }
    default:
      return next;
  }
}

/** The state of a job from its stored events. */
export function foldJob(events: readonly StoredEvent[]): JobState {
  let state = initialJobState();
  for (const e of events) state = { ...evolve(state, e as unknown as JobEvent), version: e.version };
  return state;
}

export const isFinished = (status: JobStatus): boolean => status === 'completed' || status === 'failed' || status === 'cancelled';

/** Commands a user (or an app) sends about a job; the runner records step facts directly. */
export type JobCommand = { type: 'ExportDocument'; request: JobRequestedData } | { type: 'CancelJob'; reason: string } | { type: 'RetryJob' };

/** Checks a command against the job's state and returns the events it produces, or throws EIA_JOB_STATE. */
export function decide(command: JobCommand, state: JobState, jobId: string): NewEvent[] {
  switch (command.type) {
    case 'ExportDocument':
      if (state.status !== 'none') throw new ExportIaError('EIA_JOB_STATE', { id: jobId, status: state.status, action: 'requested again' });
      return [{ type: 'JobRequested', data: command.request }];
    case 'CancelJob':
      if (isFinished(state.status) || state.status === 'none')
        throw new ExportIaError('EIA_JOB_STATE', {
          id: jobId,
          status: state.status === 'none' ? 'unknown' : state.status,
          action: 'cancelled',
        });
      return [{ type: 'JobCancelled', data: { reason: command.reason } }];
    case 'RetryJob': {
      const retryable = state.status === 'failed' || state.status === 'cancelled' || (state.status === 'completed' && state.outcome === 'partial');
      if (!retryable || !state.request)
        throw new ExportIaError('EIA_JOB_STATE', {
          id: jobId,
          status: state.status === 'completed' ? 'completed without failures' : state.status,
          action: 'retried',
        });
      // A partly failed job redoes only what failed; otherwise everything not produced yet.
      const formats =
        state.status === 'completed' ? Object.keys(state.failures) : state.request.formats.filter((f) => !(f in state.artifacts) || f in state.failures);
      return [{ type: 'JobRetried', data: { formats: formats.length > 0 ? formats : state.request.formats } }];
    }
  }
}

import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../events/event-store.js';
import { decide, foldJob, initialJobState, type JobRequestedData } from './job.js';

const request: JobRequestedData = {
  kind: 'export',
  input: { name: 'a.md', dir: '/d', sha256: 'f'.repeat(64), bytes: 3 },
  formats: ['pdf', 'html'],
  targets: { pdf: '/o/a.pdf', html: '/o/a.html' },
  settings: [],
  maxAttempts: 3,
  requestKey: 'k',
  cwd: '/d',
};
const art = (format: string) => ({ format, sha256: 'a'.repeat(64), bytes: 1, mediaType: 'x', extension: `.${format}` });
const stored = (events: Array<{ type: string; data: unknown }>): StoredEvent[] =>
  events.map((e, i) => ({ ...e, position: i + 1, version: i + 1, id: String(i), streamId: 'job-x', metadata: {}, schemaVersion: 1, time: 0 }));

describe('job decide/evolve', () => {
  it('folds a job: requested, artifacts, a final exporter failure, completed partial', () => {
    const state = foldJob(
      stored([
        { type: 'JobRequested', data: request },
        { type: 'StepStarted', data: { step: 'exporter:pdf', attempt: 1 } },
        { type: 'ArtifactProduced', data: art('html') },
        { type: 'StepFailed', data: { step: 'exporter:pdf', attempt: 1, ms: 1, error: { code: 'EIA_PDF_COMPILE' }, willRetry: false } },
        { type: 'SomeFutureEvent', data: {} },
        { type: 'JobCompleted', data: { status: 'partial', outputs: [], failures: [], findings: { errors: 0, warnings: 0, infos: 0, codes: {} }, ms: 1 } },
      ]),
    );
    expect(state).toMatchObject({ status: 'completed', outcome: 'partial', version: 6 });
    expect(Object.keys(state.artifacts)).toEqual(['html']);
    expect(Object.keys(state.failures)).toEqual(['pdf']);
  });

  it('decides: a job is requested once, cancelled only while unfinished, retried only when something failed', () => {
    const none = initialJobState();
    expect(decide({ type: 'ExportDocument', request }, none, 'x')).toEqual([{ type: 'JobRequested', data: request }]);
    const queued = foldJob(stored([{ type: 'JobRequested', data: request }]));
    expect(() => decide({ type: 'ExportDocument', request }, queued, 'x')).toThrow(expect.objectContaining({ code: 'EIA_JOB_STATE' }));
    expect(decide({ type: 'CancelJob', reason: 'r' }, queued, 'x')[0]?.type).toBe('JobCancelled');
    expect(() => decide({ type: 'RetryJob' }, queued, 'x')).toThrow(expect.objectContaining({ code: 'EIA_JOB_STATE' }));
    const failed = foldJob(
      stored([
        { type: 'JobRequested', data: request },
        { type: 'ArtifactProduced', data: art('html') },
        { type: 'JobFailed', data: { error: { code: 'EIA_TIMEOUT' } } },
      ]),
    );
    expect(() => decide({ type: 'CancelJob', reason: 'r' }, failed, 'x')).toThrow(expect.objectContaining({ code: 'EIA_JOB_STATE' }));
    // Only what is missing is redone.
    expect(decide({ type: 'RetryJob' }, failed, 'x')[0]?.data).toEqual({ formats: ['pdf'] });
  });
});

/**
 * A clip job is an event stream in the data directory (`clip-<id>`): `ClipJobStarted` at each
 * attempt, `ClipStageFinished` per stage, `ClipStageSaved` with the result of each costly step
 * (transcript, scene cuts, each clip's reframing; stored as a blob the event names),
 * `ClipPlanned` (the plan — analysis, transcript, chosen clips, reframing — as a blob),
 * `ClipRendered` per clip, then `ClipJobFinished` or `ClipJobFailed`. Running the same job again
 * (same input file, same options, same output folder) after an attempt that did not finish resumes
 * it from its last finished step: the plan, or else the saved steps, are read back, and the clips
 * already rendered (still in the folder) are kept.
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ExportIaError, type JobStore, type NewEvent, newOwnerId, ownerIsDead, type SerializedError, type StoredEvent } from '@export-ia/core';
import type { ClipCheckpoint, ClipOptions, ClipPlan, ClipRecord, Stage, StageResults } from '@export-ia/video';

export const CLIP_STREAM_PREFIX = 'clip-';

/** Size, modification time and the first and last MiB: enough to tell a file changed, without reading gigabytes. */
export async function fileFingerprint(path: string): Promise<string> {
  const info = await stat(path);
  const hash = createHash('sha256').update(`${info.size}:${info.mtimeMs}:`);
  const handle = await open(path, 'r');
  try {
    const chunk = Buffer.alloc(Math.min(info.size, 1 << 20));
    await handle.read(chunk, 0, chunk.length, 0);
    hash.update(chunk);
    if (info.size > chunk.length) {
      await handle.read(chunk, 0, chunk.length, Math.max(0, info.size - chunk.length));
      hash.update(chunk);
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/** Size and modification time of each file a clip job wrote (file name → stamp). */
type FileStamps = Record<string, { size: number; mtimeMs: number }>;

async function stampsOf(dir: string, files: readonly string[]): Promise<FileStamps> {
  const out: FileStamps = {};
  for (const file of files) {
    const info = await stat(join(dir, file)).catch(() => undefined);
    if (info) out[file] = { size: info.size, mtimeMs: info.mtimeMs };
  }
  return out;
}

async function sameStamps(dir: string, stamps: FileStamps): Promise<boolean> {
  const now = await stampsOf(dir, Object.keys(stamps));
  return Object.entries(stamps).every(([file, stamp]) => now[file]?.size === stamp.size && now[file]?.mtimeMs === stamp.mtimeMs);
}

/** The options that decide a job's result (not callbacks, environment or names). */
function jobOptions(options: Omit<ClipOptions, 'input' | 'outDir'> & { transcript?: string }): Record<string, unknown> {
  const { env: _env, onEvent: _onEvent, signal: _signal, tools: _tools, resume: _resume, name: _name, concurrency: _c, ...rest } = options;
  return rest;
}

export interface ClipJob {
  id: string;
  stream: string;
  /** True when an earlier attempt is resumed. */
  resumed: boolean;
  checkpoint: ClipCheckpoint;
  stageFinished(stage: Stage, note: string | undefined): Promise<void>;
  finished(manifest: string, clips: number): Promise<void>;
  failed(error: SerializedError): Promise<void>;
}

/** Opens (or resumes) the job for this input, options and output folder, and records its start; undefined when the input cannot be read. */
export async function openClipJob(
  jobs: JobStore,
  input: string,
  outDir: string,
  options: Omit<ClipOptions, 'input' | 'outDir'> & { transcript?: string },
  actor: string,
  configFile?: string,
  /** The chosen steps' plugins, versions and configuration (part of the job's identity). */
  steps: Record<string, unknown> = {},
): Promise<ClipJob | undefined> {
  // A missing or unreadable input has no job: the clip step reports it with its own code.
  const fingerprint = await fileFingerprint(input).catch(() => undefined);
  if (!fingerprint) return undefined;
  const transcript = options.transcript ? await fileFingerprint(options.transcript).catch(() => 'missing') : undefined;
  // A caption style is part of the result: its content, not only its path.
  const style = typeof options.captionStyle === 'string' ? await fileFingerprint(options.captionStyle).catch(() => 'missing') : undefined;
  const key = JSON.stringify({ fingerprint, transcript, style, outDir, options: jobOptions(options), steps });
  const id = createHash('sha256').update(key).digest('hex').slice(0, 20);
  const stream = `${CLIP_STREAM_PREFIX}${id}`;
  const { store, blobs } = jobs;
  const events: StoredEvent[] = await store.readStream(stream);
  // Only what came after the last finished attempt counts.
  const lastFinished = events.findLastIndex((e) => e.type === 'ClipJobFinished');
  const open = events.slice(lastFinished + 1);
  let plan: ClipPlan | undefined;
  const done = new Map<number, ClipRecord>();
  const stages: StageResults = {};
  const readBlob = async (id: string): Promise<unknown> => JSON.parse(Buffer.from(await blobs.get(id, 'clip step result')).toString('utf8'));
  for (const event of open) {
    if (event.type === 'ClipStageSaved') {
      // A blob that cannot be read back only means that step runs again.
      const { stage, blob } = event.data as { stage: keyof StageResults; blob: string };
      const result = await readBlob(blob).catch(() => undefined);
      if (result === undefined) continue;
      if (stage === 'reframe') stages.reframe = { ...stages.reframe, ...(result as NonNullable<StageResults['reframe']>) };
      else if (stage === 'transcript') stages.transcript = result as NonNullable<StageResults['transcript']>;
      else if (stage === 'scenes') stages.scenes = result as NonNullable<StageResults['scenes']>;
    } else if (event.type === 'ClipPlanned') {
      const { planBlob } = event.data as { planBlob: string };
      try {
        plan = JSON.parse(Buffer.from(await blobs.get(planBlob, 'clip plan')).toString('utf8')) as ClipPlan;
        done.clear();
      } catch {
        plan = undefined;
      }
    } else if (event.type === 'ClipRendered' && plan) {
      const { clip, files } = event.data as { clip: ClipRecord; files?: FileStamps };
      // Kept only if its files are the ones this job wrote (another run may have written over them).
      if (files && (await sameStamps(outDir, files))) done.set(clip.rank, clip);
    }
  }
  // An attempt still running in a live process on this machine is not started twice.
  const lastStart = open.findLast((e) => e.type === 'ClipJobStarted');
  const runningOwner = (lastStart?.data as { owner?: string } | undefined)?.owner;
  if (lastStart && open.at(-1)?.type !== 'ClipJobFailed' && runningOwner && !ownerIsDead(runningOwner) && runningOwner.split(':')[0] === hostname()) {
    throw new ExportIaError('EIA_USAGE', { detail: `clip job ${id} is running in process ${runningOwner.split(':')[1]}: wait for it, or stop it first` });
  }
  const attempt = open.filter((e) => e.type === 'ClipJobStarted').length + 1;
  const metadata = { actor, correlationId: id };
  const append = (event: NewEvent) => store.append(stream, [{ ...event, metadata }]).then(() => undefined);
  // Started only if nobody else started (or resumed) it since it was read: two processes taking
  // over one job (two `jobs resume`, a resume and a re-run) cannot both run it.
  const started: NewEvent = {
    type: 'ClipJobStarted',
    data: {
      input,
      inputBytes: (await stat(input)).size,
      outDir,
      attempt,
      // Which process runs this attempt: `export-ia jobs resume` takes over a job whose process is gone.
      owner: newOwnerId(),
      resumed: plan !== undefined || Object.keys(stages).length > 0,
      renderedBefore: done.size,
      ...(plan ? {} : { stepsSaved: Object.keys(stages) }),
      options: jobOptions(options),
      ...(configFile ? { configFile } : {}),
    },
  };
  await store.append(stream, [{ ...started, metadata }], { expectedVersion: events.length === 0 ? 'no_stream' : events.length }).catch((err: unknown) => {
    if ((err as { code?: string }).code === 'EIA_STORE_CONFLICT')
      throw new ExportIaError('EIA_USAGE', { detail: `clip job ${id} was just started by another process: it runs there` });
    throw err;
  });
  const checkpoint: ClipCheckpoint = {
    ...(plan ? { plan, done } : {}),
    ...(!plan && Object.keys(stages).length > 0 ? { stages } : {}),
    stageDone: async (stage, result) => {
      const blob = await blobs.put(Buffer.from(JSON.stringify(result)));
      await append({ type: 'ClipStageSaved', data: { stage, blob } });
    },
    planned: async (p) => {
      const planBlob = await blobs.put(Buffer.from(JSON.stringify(p)));
      await append({ type: 'ClipPlanned', data: { planBlob, clips: p.planned.length } });
    },
    rendered: async (clip) =>
      append({ type: 'ClipRendered', data: { clip, outDir, files: await stampsOf(outDir, [clip.file, clip.srt, clip.vtt, clip.thumbnail]) } }),
  };
  return {
    id,
    stream,
    resumed: plan !== undefined || checkpoint.stages !== undefined,
    checkpoint,
    stageFinished: (stage, note) => append({ type: 'ClipStageFinished', data: { stage, ...(note ? { note } : {}) } }),
    finished: (manifest, clips) => append({ type: 'ClipJobFinished', data: { manifest, clips } }),
    failed: (error) => append({ type: 'ClipJobFailed', data: { error } }),
  };
}

/**
 * The clip job: a long video in, ranked short clips out. Audio first, pixels only where needed:
 *
 *   probe → audio pass (pauses, loudness, 16 kHz WAV) → transcript (captions or ASR)
 *   → candidates (whole sentences) → scores without pictures → scene cuts decoded around the
 *   best candidates only → final scores → selection → subject track per chosen clip (frames
 *   sampled at a few fps) → render (one ffmpeg pass per clip, in parallel) → thumbnails,
 *   SRT/VTT, clips.json, report.html.
 *
 * Every step's result is plain data; `onEvent` reports stage progress, warnings and clips.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { CORE_VERSION, type Diagnostic, diagnostic, ExportIaError } from '@export-ia/core';
import { analyzeAudio } from './audio.js';
import { captionFont, captionLines, captionMaxChars, DEFAULT_CAPTION_STYLE, loadCaptionStyle, safeAreaFor, toSrt, toVtt } from './captions/index.js';
import { type FfmpegTools, findFfmpeg } from './ffmpeg.js';
import {
  addLlmScores,
  cutList,
  fallbackCandidates,
  fillerSpans,
  findCandidates,
  type LlmScorer,
  OpenAiChatScorer,
  type OpenAiScorerOptions,
  selectClips,
  type Weights,
} from './highlights/index.js';
import { probe } from './probe.js';
import { type Reframing, reframeClip } from './reframe-step.js';
import { outputFps, renderClip, renderedDuration, thumbnail } from './render.js';
import { renderReport } from './report.js';
import { detectScenes } from './scenes.js';
import {
  captionerEngine,
  defaultVideoSteps,
  detectorEngine,
  pickStep,
  type StepCallContext,
  scorerEngine,
  stepLabel,
  transcriberEngine,
  transcriberIds,
  type VideoSteps,
} from './steps.js';
import { type AsrConfig, getTranscript } from './transcript/index.js';
import type {
  Aspect,
  AudioAnalysis,
  CaptionMode,
  CaptionStyle,
  ClipRecord,
  ClipsManifest,
  Layout,
  MediaInfo,
  PlannedClip,
  SceneAnalysis,
  ScoredCandidate,
  Span,
  Transcript,
  Word,
} from './types.js';

export const STAGES = ['probe', 'audio', 'transcript', 'score', 'scenes', 'reframe', 'render', 'report'] as const;
export type Stage = (typeof STAGES)[number];

export type ClipEvent =
  | { type: 'stage'; stage: Stage; fraction: number; note?: string }
  | { type: 'warning'; diagnostic: Diagnostic }
  | { type: 'clip'; clip: ClipRecord; resumed?: boolean };

export interface ClipOptions {
  input: string;
  /** Name for messages (what the user typed). */
  name?: string;
  outDir: string;
  /** Clips to make. Default 5. */
  count?: number;
  /** Clip length bounds, seconds. Default 15 / 60. */
  min?: number;
  max?: number;
  aspect?: Aspect;
  /** Short side of the output, pixels. Default 1080. */
  resolution?: 720 | 1080;
  layout?: Layout;
  captions?: CaptionMode;
  /** A caption style file, or a style. */
  captionStyle?: string | CaptionStyle;
  /** An SRT or WebVTT file to use as the transcript. */
  transcript?: string;
  /** Spoken language (`en`); default: the transcript's, else `en`. */
  language?: string;
  removeSilence?: boolean;
  removeFillers?: boolean;
  keywords?: string[];
  weights?: Partial<Weights>;
  asr?: AsrConfig;
  /** Clips rendered at once. Default: the core count (at most the clip count). */
  concurrency?: number;
  /** Seconds between chosen clips. Default 2. */
  minGap?: number;
  /** x264 preset. Default veryfast. */
  preset?: string;
  /**
   * When a clip's render is stopped as stuck: after `perSecond` × its length, and never before
   * `minSeconds`. Default 40 × and 300 s.
   */
  renderLimit?: { perSecond?: number; minSeconds?: number };
  signal?: AbortSignal;
  onEvent?: (event: ClipEvent) => void;
  env?: NodeJS.ProcessEnv;
  tools?: FfmpegTools;
  /** Resume an interrupted job, and record progress. */
  resume?: ClipCheckpoint;
  /**
   * An optional second opinion from a language model (an OpenAI-compatible chat endpoint): its
   * score is shown apart (`llmScore`), never mixed into `score`; a failure is a warning.
   */
  llm?: Omit<OpenAiScorerOptions, 'env' | 'fetch'> | LlmScorer;
  /**
   * The steps to choose from: a host's registry (`host.registry`: the `video-standard` plugin's
   * built-in steps and any plugin's). Default: the built-in steps, without a host.
   */
  steps?: VideoSteps;
  /** The subject detector step for reframing. Default `face`; `none`: motion, then the centre. */
  detector?: string;
  /** The highlight scorer step. Default `standard`. */
  scorer?: string;
  /** The captioner step (the ASS script of burned captions). Default `standard`. */
  captioner?: string;
  /** Where relative paths of plugin configuration resolve from. Default: the working directory. */
  configDir?: string;
}

/** Everything decided before rendering: what an interrupted job resumes from. Plain data. */
export interface ClipPlan {
  media: MediaInfo;
  audio: AudioAnalysis;
  transcript: Transcript;
  language: string;
  scenes: SceneAnalysis;
  /** Candidates scored. */
  candidates: number;
  planned: PlannedClip[];
  framing: Reframing[];
  warnings: Diagnostic[];
  /** The steps that made the plan: `id (plugin@version)`. */
  steps?: { transcriber?: string; detector: string; scorer: string; captioner?: string };
}

/**
 * How a job keeps its progress (the CLI records it as events): the plan and the clips of an
 * earlier, interrupted run of the same job, and callbacks as each is made.
 */
export interface ClipCheckpoint {
  plan?: ClipPlan;
  /**
   * Results of the costly steps of an earlier attempt that stopped before its plan was made:
   * a resumed job does not run them again (speech recognition of an hour of talk takes minutes).
   * Probe and the audio pass (seconds even for an hour) always run again.
   */
  stages?: StageResults;
  /** Called as each costly step finishes, with its result (plain data). */
  stageDone?<S extends keyof StageResults>(stage: S, result: NonNullable<StageResults[S]>): Promise<void>;
  /** Rank → the clip an earlier run finished (used when its files are still in the folder). */
  done?: ReadonlyMap<number, ClipRecord>;
  planned?(plan: ClipPlan): Promise<void>;
  rendered?(clip: ClipRecord): Promise<void>;
}

/** The costly steps' results, as a resumed job reads them back. */
export interface StageResults {
  transcript?: { transcript: Transcript; warnings: Diagnostic[] };
  scenes?: SceneAnalysis;
  /** The reframing of each chosen clip, by its cut (`start-end` in source seconds). */
  reframe?: Record<string, Reframing>;
}

/**
 * The spans to remove from a clip, on the output's frame grid (so picture and sound lose exactly
 * the same time: a span of k frames is k/fps seconds of both), and only as many as keep the clip
 * at least `min` long (the longest pauses go first).
 */
export function boundedRemovals(spans: readonly Span[], cut: Span, min: number, fps: number): Span[] {
  const snap = (t: number) => cut.start + Math.round((t - cut.start) * fps) / fps;
  const snapped = spans
    .map((span) => ({ start: snap(Math.max(span.start, cut.start)), end: snap(Math.min(span.end, cut.end)) }))
    .filter((span) => span.end - span.start >= 0.5 / fps);
  const budget = cut.end - cut.start - min;
  const kept: Span[] = [];
  let removed = 0;
  for (const span of [...snapped].sort((a, b) => b.end - b.start - (a.end - a.start))) {
    if (removed + (span.end - span.start) > budget) continue;
    removed += span.end - span.start;
    kept.push(span);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/**
 * Removes the files of clips an earlier run listed in this folder's clips.json that this run did
 * not make again (a smaller --count): only files that manifest names, never anything else.
 */
async function removeOldClips(manifestPath: string, outDir: string, current: readonly ClipRecord[]): Promise<void> {
  let previous: { clips?: Partial<ClipRecord>[] };
  try {
    previous = JSON.parse(await readFile(manifestPath, 'utf8')) as { clips?: Partial<ClipRecord>[] };
  } catch {
    return;
  }
  const keep = new Set(current.flatMap((c) => [c.file, c.srt, c.vtt, c.thumbnail]));
  for (const clip of Array.isArray(previous.clips) ? previous.clips : []) {
    for (const file of [clip.file, clip.srt, clip.vtt, clip.thumbnail]) {
      // Only plain names of the form this job writes (clip-NN.ext): the manifest is just a file.
      if (typeof file !== 'string' || keep.has(file) || !/^clip-\d{2,}\.(mp4|srt|vtt|jpg)$/.test(file)) continue;
      await rm(join(outDir, file), { force: true });
    }
  }
}

/** Is the process that named a partial file still running? */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes partial renders an interrupted run left behind: those of a process that is gone, and any
 * older than 10 minutes (a recycled process id).
 */
async function removeStalePartials(outDir: string): Promise<void> {
  const cutoff = Date.now() - 10 * 60_000;
  for (const entry of await readdir(outDir).catch(() => [] as string[])) {
    const match = /^\.clip-\d+\.(\d+)-[0-9a-f]+\.partial\.mp4$/.exec(entry);
    if (!match) continue;
    const info = await stat(join(outDir, entry)).catch(() => undefined);
    if (info && (!alive(Number(match[1])) || info.mtimeMs < cutoff)) await rm(join(outDir, entry), { force: true });
  }
}

async function renderedFilesExist(outDir: string, clip: ClipRecord): Promise<boolean> {
  for (const file of [clip.file, clip.srt, clip.vtt, clip.thumbnail]) {
    const info = await stat(join(outDir, file)).catch(() => undefined);
    if (!info?.isFile() || info.size === 0) return false;
  }
  return true;
}

export interface ClipResult {
  manifest: ClipsManifest;
  /** Absolute paths of clips.json and report.html. */
  manifestPath: string;
  reportPath: string;
  warnings: Diagnostic[];
}

/** Output size for an aspect and a short-side resolution (even numbers, as H.264 needs). */
export function outputSize(aspect: Aspect, resolution: number): { width: number; height: number } {
  const [a, b] = aspect.split(':').map(Number) as [number, number];
  const even = (n: number) => Math.round(n / 2) * 2;
  return a <= b ? { width: resolution, height: even((resolution * b) / a) } : { width: even((resolution * a) / b), height: resolution };
}

const MAX_CAPTION_WORD = 48;

/**
 * A word as captions show it. libass lays out every glyph on every frame, so one 10 MB "word"
 * from a broken or hostile transcript would take minutes per clip: long ones are cut short.
 */
function captionWord(word: Word): Word {
  if (word.text.length <= MAX_CAPTION_WORD) return word;
  return { ...word, text: `${word.text.slice(0, MAX_CAPTION_WORD - 1).replace(/[\uD800-\uDBFF]$/, '')}…` };
}

/** Cut margins: a little before the first word and after the last, never into a neighbour's word. */
export function cutBounds(clip: Span, transcript: Transcript, duration: number): Span {
  let before = 0;
  let after = duration;
  for (const word of transcript.words) {
    if (word.end <= clip.start + 0.001) before = Math.max(before, word.end);
    if (word.start >= clip.end - 0.001) after = Math.min(after, word.start);
  }
  const start = Math.max(0, before, clip.start - 0.15);
  const end = Math.min(duration, after, clip.end + 0.35);
  return { start: Math.min(start, clip.start), end: Math.max(end, clip.end) };
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolveHash, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolveHash(hash.digest('hex')));
  });
}

/** Runs the whole clip job for one video. */
export async function clipVideo(options: ClipOptions): Promise<ClipResult> {
  const name = options.name ?? options.input;
  const emit = options.onEvent ?? (() => {});
  const warnings: Diagnostic[] = [];
  const warn = (d: Diagnostic) => {
    warnings.push(d);
    emit({ type: 'warning', diagnostic: d });
  };
  const stage = (s: Stage, fraction: number, note?: string) =>
    emit(note === undefined ? { type: 'stage', stage: s, fraction } : { type: 'stage', stage: s, fraction, note });
  const count = options.count ?? 5;
  const min = options.min ?? 15;
  const max = options.max ?? 60;
  if (!(min > 0 && max >= min)) throw new ExportIaError('EIA_USAGE', { detail: `--min (${min}) must be above 0 and at most --max (${max})` });
  const aspect = options.aspect ?? '9:16';
  const { width, height } = outputSize(aspect, options.resolution ?? 1080);
  const captionMode = options.captions ?? 'karaoke';
  const style: CaptionStyle =
    typeof options.captionStyle === 'string' ? loadCaptionStyle(options.captionStyle) : (options.captionStyle ?? { ...DEFAULT_CAPTION_STYLE });
  const tools = options.tools ?? findFfmpeg(options.env ?? process.env);
  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  // The steps are chosen before any work, so a mistyped id fails at once.
  const steps = options.steps ?? defaultVideoSteps(() => tools);
  const scorerStep = pickStep(steps, 'scorer', options.scorer ?? 'standard');
  const detectorId = options.detector ?? 'face';
  const detectorStep = detectorId === 'none' ? undefined : pickStep(steps, 'detector', detectorId);
  const asrChoice = transcriberIds(options.asr, steps);
  const captionerStep = captionMode === 'none' ? undefined : pickStep(steps, 'captioner', options.captioner ?? 'standard');
  const call = (progress?: (f: number) => void): StepCallContext => ({
    file: name,
    cwd: process.cwd(),
    configDir: options.configDir ?? process.cwd(),
    signal: options.signal,
    report: warn,
    ...(progress ? { progress } : {}),
  });
  const scratch = await mkdtemp(join(tmpdir(), 'export-ia-clip-'));
  try {
    const makePlan = async (): Promise<ClipPlan> => {
      // 1. Probe.
      stage('probe', 0);
      const media = await probe(tools, options.input, { name, signal: options.signal, requireAudio: !options.transcript });
      const video = media.video as NonNullable<MediaInfo['video']>;
      stage('probe', 1, `${Math.round(media.duration)} s, ${video.displayWidth}×${video.displayHeight}`);
      if (media.duration < min) throw new ExportIaError('EIA_VIDEO_TOO_SHORT', { file: name, duration: media.duration.toFixed(1), min });

      // 2. Audio pass (+ the WAV a speech recogniser needs, from the same decode).
      const wavPath = join(scratch, 'audio-16k.wav');
      const earlier = options.resume?.stages ?? {};
      const needsWav = !earlier.transcript && !options.transcript && !media.subtitles.some((s) => s.text);
      stage('audio', 0);
      let decodedTo = 0;
      const audio: AudioAnalysis = await analyzeAudio(tools, media, {
        ...(needsWav ? { wavPath } : {}),
        signal: options.signal,
        name,
        onProgress: (f) => {
          decodedTo = Math.max(decodedTo, f * media.duration);
          stage('audio', f);
        },
      });
      stage('audio', 1, `${audio.silences.length} pauses, ${audio.integrated.toFixed(1)} LUFS`);
      // The index of a cut-off download still promises the whole length: the sound stopping well
      // before the end says where the data does.
      // (Against the sound track's own length: a track that simply ends before the picture, as in
      // many screen recordings, is not damage.)
      const audioLength = Math.min(media.duration, media.audio?.duration ?? media.duration);
      if (media.audio && decodedTo > 0 && decodedTo < audioLength - Math.max(1, audioLength * 0.01)) {
        warn(
          diagnostic(
            'EIA_VIDEO_CORRUPT',
            {
              file: name,
              at: `${decodedTo.toFixed(1)} s of ${media.duration.toFixed(1)} s`,
              detail: 'the data stops there (truncated?); clips come from what is there',
            },
            { severity: 'warning' },
          ),
        );
        media.duration = decodedTo;
        if (media.duration < min) throw new ExportIaError('EIA_VIDEO_TOO_SHORT', { file: name, duration: media.duration.toFixed(1), min });
      }

      // 3. Transcript.
      stage('transcript', 0);
      const got =
        earlier.transcript ??
        (await getTranscript({
          tools,
          media,
          ...(options.transcript ? { transcriptPath: options.transcript } : {}),
          ...(needsWav ? { audioPath: wavPath } : {}),
          language: options.language,
          asr: options.asr,
          engines: asrChoice.ids.map((id) => transcriberEngine(pickStep(steps, 'transcriber', id), call(), options.asr ?? {})),
          explicit: asrChoice.explicit,
          scratchDir: scratch,
          signal: options.signal,
          onProgress: (f: number) => stage('transcript', f),
        }));
      // Saved only when it is the transcript the job asked for: no words, or words from a fallback
      // after a recogniser failed or could not run, may be better next time (a key set, a
      // package installed), so they are not kept.
      const source = got.transcript.source;
      const complete = got.transcript.words.length > 0 && (!source.startsWith('asr:') || source === `asr:${asrChoice.ids[0]}`);
      if (!earlier.transcript && complete) await options.resume?.stageDone?.('transcript', got);
      for (const w of got.warnings) warn(w);
      const transcript = got.transcript;
      const language = options.language ?? transcript.language ?? 'en';
      stage('transcript', 1, `${transcript.words.length} words from ${transcript.source}${earlier.transcript ? ' (from the earlier run)' : ''}`);

      // 4–5. Candidates, scored without pictures first.
      stage('score', 0);
      let candidates = findCandidates(transcript, { min, max, duration: media.duration });
      if (candidates.length === 0) candidates = fallbackCandidates(audio, { min, max, duration: media.duration });
      const scoreOptions = { transcript, audio, language, keywords: options.keywords ?? [] };
      const scoreCandidates = scorerEngine(scorerStep, call(), options.weights as Record<string, number> | undefined);
      const firstPass = await scoreCandidates(candidates, scoreOptions);
      stage('score', 1, `${candidates.length} candidates`);

      // 3b. Scene cuts, decoded only around the best candidates; then the final scores.
      // Twice the clips asked for: enough for the visual factor to reorder the close calls (three
      // times covered 84 % of a 10-minute talk, most of the decoding the job exists to avoid).
      const shortlist = selectClips(firstPass, { count: Math.max(count * 2, count + 2), minGap: 0 });
      stage('scenes', 0);
      const scenes: SceneAnalysis =
        earlier.scenes ?? (await detectScenes(tools, media, shortlist, { signal: options.signal, name, onProgress: (f) => stage('scenes', f) }));
      if (!earlier.scenes) await options.resume?.stageDone?.('scenes', scenes);
      stage('scenes', 1, `${scenes.cuts.length} cuts in ${Math.round(scenes.scanned.reduce((s, x) => s + x.end - x.start, 0))} s decoded`);
      const inScanned = (c: Span) => scenes.scanned.some((s) => c.start >= s.start && c.end <= s.end);
      const rescored = await scoreCandidates(
        firstPass.filter((c) => inScanned(c)),
        { ...scoreOptions, scenes },
      );
      // 6. Selection.
      const chosen: ScoredCandidate[] = selectClips(rescored.length ? rescored : firstPass, { count, minGap: options.minGap ?? 2 });
      if (chosen.length < count) {
        warn(diagnostic('EIA_VIDEO_FEWER_CLIPS', { file: name, found: chosen.length, count, min, max }));
      }

      // The optional language-model score, for the chosen clips only.
      if (options.llm) {
        const scorer = 'score' in options.llm ? options.llm : new OpenAiChatScorer({ ...options.llm, env: options.env ?? process.env });
        const rated = await addLlmScores(chosen, scorer, { language, keywords: options.keywords ?? [], title: basename(media.path) });
        chosen.splice(0, chosen.length, ...rated.clips);
        for (const w of rated.warnings) warn(diagnostic('EIA_VIDEO_LLM_FAILED', { detail: w.message }));
      }

      // 7. Reframe each chosen clip.
      stage('reframe', 0);
      const detector = detectorStep ? detectorEngine(detectorStep, call()) : null;
      const planned: PlannedClip[] = [];
      const framing: Reframing[] = [];
      try {
        for (const [i, clip] of chosen.entries()) {
          const cut = cutBounds(clip, transcript, media.duration);
          // The margins never take a clip past --max (platforms cut at their limit).
          if (cut.end - cut.start > max) cut.start = Math.min(clip.start, Math.max(cut.start, cut.end - max));
          if (cut.end - cut.start > max) cut.end = Math.max(clip.end, cut.start + max);
          const removed =
            options.removeSilence || options.removeFillers
              ? boundedRemovals(
                  cutList(cut, {
                    silences: options.removeSilence ? audio.silences : [],
                    fillers: options.removeFillers ? fillerSpans(transcript, cut, language) : [],
                    words: transcript.words,
                  }),
                  cut,
                  min,
                  outputFps(video.fps),
                )
              : [];
          const key = `${cut.start}-${cut.end}`;
          const frame =
            earlier.reframe?.[key] ??
            (await reframeClip({
              tools,
              media,
              span: cut,
              cuts: scenes.cuts,
              aspect,
              layout: options.layout ?? 'auto',
              detector,
              ...(options.signal ? { signal: options.signal } : {}),
            }));
          if (!earlier.reframe?.[key]) await options.resume?.stageDone?.('reframe', { [key]: frame });
          planned.push({ ...clip, rank: i + 1, cutStart: cut.start, cutEnd: cut.end, removed, track: frame.track, layout: frame.layout });
          framing.push(frame);
          stage(
            'reframe',
            (i + 1) / chosen.length,
            `${framing.map((f) => f.layout).join(', ')}; faces in ${framing.reduce((n, f) => n + Math.min(f.faces, f.frames), 0)} of ${framing.reduce((n, f) => n + f.frames, 0)} frames`,
          );
        }
      } finally {
        await detector?.close();
      }
      const transcriberUsed = transcript.source.startsWith('asr:') ? steps.transcribers.get(transcript.source.slice(4)) : undefined;
      const used = {
        ...(transcriberUsed ? { transcriber: stepLabel(transcriberUsed) } : {}),
        detector: detectorStep ? stepLabel(detectorStep) : 'none',
        scorer: stepLabel(scorerStep),
        ...(captionerStep ? { captioner: stepLabel(captionerStep) } : {}),
      };
      return { media, audio, transcript, language, scenes, candidates: candidates.length, planned, framing, warnings: [...warnings], steps: used };
    };
    const resumed = options.resume?.plan;
    let plan: ClipPlan;
    if (resumed) {
      plan = resumed;
      for (const w of plan.warnings) warn(w);
      for (const s of STAGES.slice(0, STAGES.indexOf('render'))) stage(s, 1, 'from the earlier run');
    } else {
      plan = await makePlan();
      await options.resume?.planned?.(plan);
    }
    const { media, audio, transcript, language, scenes, planned, framing } = plan;
    const video = media.video as NonNullable<MediaInfo['video']>;

    // 8. Render, in parallel.
    stage('render', 0);
    await removeStalePartials(outDir);
    const fps = outputFps(video.fps);
    const font = captionFont(style);
    const captionScript = captionerStep ? captionerEngine(captionerStep, call()) : undefined;
    const progress = new Array<number>(planned.length).fill(0);
    const records: ClipRecord[] = new Array(planned.length);
    const parallel = Math.max(1, Math.min(planned.length, options.concurrency ?? availableParallelism()));
    const threads = Math.max(1, Math.floor(availableParallelism() / parallel));
    // The first failure stops the other renders (their ffmpeg is killed) before the error is thrown.
    const stop = new AbortController();
    const renderSignal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    // Longest first, so the last clip does not render alone while the other cores idle.
    const order = planned.map((_, i) => i).sort((a, b) => renderedDuration(planned[b] as PlannedClip) - renderedDuration(planned[a] as PlannedClip));
    let next = 0;
    const worker = async () => {
      while (next < order.length && !stop.signal.aborted) {
        const index = order[next++] as number;
        const clip = planned[index] as PlannedClip;
        const frame = framing[index] as Reframing;
        const stem = `clip-${String(clip.rank).padStart(2, '0')}`;
        const earlier = options.resume?.done?.get(clip.rank);
        if (earlier && (await renderedFilesExist(outDir, earlier))) {
          records[index] = earlier;
          progress[index] = 1;
          emit({ type: 'clip', clip: earlier, resumed: true });
          continue;
        }
        const lines = captionLines(transcript.words.map(captionWord), {
          maxWords: style.maxWords,
          maxChars: captionMaxChars(style, width, height),
          clipStart: clip.cutStart,
          clipEnd: clip.cutEnd,
          removed: clip.removed,
        });
        let captions: { assPath: string; fontsDir?: string } | undefined;
        if (captionScript && captionMode !== 'none' && lines.length > 0) {
          const assPath = join(scratch, `${stem}.ass`);
          const script = await captionScript({
            lines,
            width,
            height,
            mode: captionMode,
            style,
            fontFamily: font.family,
            safeArea: safeAreaFor(width, height),
            duration: renderedDuration(clip),
          });
          await writeFile(assPath, script);
          captions = font.fontsDir ? { assPath, fontsDir: font.fontsDir } : { assPath };
        }
        // A clip renders at about 2-3× its length on 2 cores: one taking 40× that (at least 5
        // minutes) is stuck on something (a plugin's caption script asking libass for heavy
        // effects), and is stopped with a coded error instead of holding the job for hours.
        const clipSeconds = renderedDuration(clip);
        const positive = (value: number | undefined, fallback: number) => (value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback);
        const limit = Math.max(positive(options.renderLimit?.minSeconds, 300), Math.ceil(clipSeconds * positive(options.renderLimit?.perSecond, 40) * 10) / 10);
        const slow = new AbortController();
        const timer = setTimeout(
          () => slow.abort(new ExportIaError('EIA_VIDEO_RENDER_TIMEOUT', { clip: stem, file: name, limit, duration: clipSeconds.toFixed(1) })),
          limit * 1000,
        );
        timer.unref();
        const clipSignal = AbortSignal.any([renderSignal, slow.signal]);
        // Named per run: an ffmpeg orphaned by a killed run may still be writing its own.
        const partial = join(outDir, `.${stem}.${process.pid}-${randomBytes(3).toString('hex')}.partial.mp4`);
        await renderClip(tools, {
          media,
          cutStart: clip.cutStart,
          cutEnd: clip.cutEnd,
          removed: clip.removed,
          output: partial,
          width,
          height,
          fps,
          layout: clip.layout,
          ...(frame.crop ? { crop: frame.crop } : {}),
          ...(frame.cropBottom ? { cropBottom: frame.cropBottom } : {}),
          ...(captions ? { captions } : {}),
          ...(options.preset ? { preset: options.preset } : {}),
          threads,
          signal: clipSignal,
          name,
          title: `${basename(media.path)} — clip ${clip.rank}`,
          onProgress: (f) => {
            progress[index] = f;
            stage('render', progress.reduce((a, b) => a + b, 0) / planned.length, `${planned.length} clips, ${parallel} at once`);
          },
        })
          .catch(async (error: unknown) => {
            // ffmpeg stopped by the limit answers an AbortError: the limit's coded error says why.
            const timedOut = slow.signal.aborted && !renderSignal.aborted;
            await rm(partial, { force: true });
            throw timedOut ? slow.signal.reason : error;
          })
          .finally(() => clearTimeout(timer));
        await rename(partial, join(outDir, `${stem}.mp4`));
        await writeFile(join(outDir, `${stem}.srt`), toSrt(lines));
        await writeFile(join(outDir, `${stem}.vtt`), toVtt(lines, { karaoke: captionMode === 'karaoke' }));
        await thumbnail(tools, join(outDir, `${stem}.mp4`), join(outDir, `${stem}.jpg`), { signal: renderSignal, width: Math.min(width, 720) });
        const record: ClipRecord = {
          rank: clip.rank,
          file: `${stem}.mp4`,
          srt: `${stem}.srt`,
          vtt: `${stem}.vtt`,
          thumbnail: `${stem}.jpg`,
          start: clip.start,
          end: clip.end,
          cutStart: clip.cutStart,
          cutEnd: clip.cutEnd,
          duration: Math.round(renderedDuration(clip) * 1000) / 1000,
          score: clip.score,
          reasons: clip.reasons,
          ...(clip.llmScore === undefined ? {} : { llmScore: clip.llmScore }),
          text: clip.text,
          words: lines.flatMap((line) => line.words),
          removed: clip.removed,
          layout: clip.layout,
          track: clip.track,
          width,
          height,
          fps,
        };
        records[index] = record;
        await options.resume?.rendered?.(record);
        emit({ type: 'clip', clip: record });
      }
    };
    const runs = await Promise.allSettled(
      Array.from({ length: parallel }, () =>
        worker().catch((error: unknown) => {
          stop.abort(error);
          throw error;
        }),
      ),
    );
    const failure = runs.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    // The first failure in time (the others are renders it stopped, answering AbortError).
    if (failure) throw stop.signal.aborted ? stop.signal.reason : failure.reason;
    stage('render', 1, `${planned.length} clip${planned.length === 1 ? '' : 's'}, ${parallel} at once, ${fps} fps`);

    // 9. clips.json and report.html.
    stage('report', 0);
    const manifest: ClipsManifest = {
      version: 1,
      source: {
        file: name,
        duration: media.duration,
        width: video.displayWidth,
        height: video.displayHeight,
        fps: video.fps,
        sha256: await sha256File(media.path),
      },
      generatedAt: new Date().toISOString(),
      generator: `export-ia ${CORE_VERSION}`,
      settings: {
        count,
        min,
        max,
        aspect,
        resolution: options.resolution ?? 1080,
        layout: options.layout ?? 'auto',
        captions: captionMode,
        language,
        removeSilence: options.removeSilence ?? false,
        removeFillers: options.removeFillers ?? false,
        keywords: options.keywords ?? [],
        ffmpeg: `${tools.version} (${tools.origin})`,
        ...(plan.steps ? { steps: plan.steps } : {}),
      },
      transcript: { source: transcript.source, language: transcript.language, words: transcript.words.length, sentences: transcript.sentences },
      analysis: {
        silences: audio.silences.length,
        integratedLoudness: audio.integrated,
        sceneCuts: scenes.cuts,
        scanned: scenes.scanned,
        loudness: audio.loudness,
      },
      candidates: plan.candidates,
      clips: records,
      warnings: warnings.map((w) => ({ code: w.code, message: w.message, hint: w.hint })),
    };
    const manifestPath = join(outDir, 'clips.json');
    const reportPath = join(outDir, 'report.html');
    await removeOldClips(manifestPath, outDir, records);
    await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    await writeFile(reportPath, renderReport(manifest));
    stage('report', 1, 'clips.json, report.html');
    return { manifest, manifestPath, reportPath, warnings };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

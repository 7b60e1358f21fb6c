/**
 * The clip job's replaceable steps: speech recognisers (`transcriber`), subject detectors
 * (`detector`) and highlight scorers (`scorer`) are plugin components, chosen by id
 * (`--asr`, `--detector`, `--scorer`). The built-in ones are registered by the `video-standard`
 * plugin from the implementations below; embedding this package without a host uses the same
 * objects ({@link defaultVideoSteps}).
 *
 * Whatever a step answers is checked here, for every plugin alike (a trusted plugin can be wrong
 * too): words, boxes and scores are bounded, finite and in range before the job uses them.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Diagnostic, diagnostic, ExportIaError, isExportIaError } from '@export-ia/core';
import type {
  CandidateScore,
  Captioner,
  CaptionInput,
  Detector,
  ScoreReason,
  Scorer,
  SubjectBox,
  Transcriber,
  VideoStepContext,
  VideoStepDescriptor,
  VideoStepKind,
  Word,
} from '@export-ia/core/plugin';
import { toAss } from './captions/index.js';
import { type FfmpegTools, findFfmpeg } from './ffmpeg.js';
import { type ScoreOptions, scoreCandidates } from './highlights/index.js';
import { createFaceDetector, type SubjectDetector } from './reframe/index.js';
import { type AsrConfig, type AsrEngine, type Availability, parseWav, wavFile, wavSeconds } from './transcript/asr.js';
import { MAX_WORDS_PER_SECOND } from './transcript/get-transcript.js';
import { chunkBounds, openAiEngine } from './transcript/openai.js';
import { pocketSphinxEngine } from './transcript/pocketsphinx.js';
import { whisperEngine } from './transcript/whisper.js';
import type { Candidate, ScoredCandidate, Span } from './types.js';

/** A step as the host registered it (structurally the core's `Registered`). */
export interface VideoStep<I> {
  readonly descriptor: VideoStepDescriptor;
  readonly plugin: {
    readonly manifest: { readonly id: string; readonly version: string };
    readonly config: Readonly<Record<string, unknown>>;
    readonly sandboxed?: boolean;
  };
  readonly implementation: I;
}

/** The steps a clip job can choose from (a host's registry has these three maps). */
export interface VideoSteps {
  readonly transcribers: ReadonlyMap<string, VideoStep<Transcriber>>;
  readonly detectors: ReadonlyMap<string, VideoStep<Detector>>;
  readonly scorers: ReadonlyMap<string, VideoStep<Scorer>>;
  readonly captioners: ReadonlyMap<string, VideoStep<Captioner>>;
}

/** The plugin that registers the built-in steps, and what it declares. */
export const BUILTIN_STEPS_PLUGIN = 'video-standard';
export const BUILTIN_VIDEO_STEPS: readonly VideoStepDescriptor[] = Object.freeze([
  { id: 'pocketsphinx', kind: 'transcriber', description: "PocketSphinx through ffmpeg's asr filter (offline; English models from Debian).", chunkSeconds: 0 },
  { id: 'whisper', kind: 'transcriber', description: 'whisper.cpp (@napi-rs/whisper) with a model file you supply (asr.model).', chunkSeconds: 0 },
  { id: 'openai', kind: 'transcriber', description: 'An OpenAI-compatible /audio/transcriptions endpoint (asr.openai.url).', chunkSeconds: 0 },
  { id: 'face', kind: 'detector', description: "Human's BlazeFace + FaceMesh on TensorFlow.js WASM (faces, and who speaks).", chunkSeconds: 0 },
  {
    id: 'standard',
    kind: 'scorer',
    description: 'Hook, emotion, salience, keywords, pace, energy, completeness, visual (weights in clip.weights).',
    chunkSeconds: 0,
  },
  {
    id: 'standard',
    kind: 'captioner',
    description: 'Lines of 1-4 words in the safe area, the spoken word highlighted (karaoke), in the caption style.',
    chunkSeconds: 0,
  },
]);

/** A sandboxed plugin gets at most this much sound per call (a call carries at most 16 MB). */
export const SANDBOX_CHUNK_SECONDS = 240;

// ── The built-in implementations ─────────────────────────────────────────────────────────────

type Tools = () => FfmpegTools;

/** A built-in recogniser (which reads a WAV file) as a step (which gets WAV bytes). */
function engineTranscriber(make: (options: AsrConfig) => AsrEngine, tools: Tools): Transcriber {
  return {
    async available(language, ctx): Promise<Availability> {
      const engine = make(ctx.options as AsrConfig);
      await engine.validate?.();
      return engine.available(tools(), language);
    },
    async transcribe(input, ctx) {
      const engine = make(ctx.options as AsrConfig);
      // Each call is on its own (a step keeps no state between calls): the engine checks what it
      // needs, and learns the ffmpeg to run, here too.
      const status = await engine.available(tools(), input.language);
      if (!status.ok) throw new ExportIaError('EIA_VIDEO_ASR_UNAVAILABLE', { engine: engine.id, detail: status.reason });
      const dir = await mkdtemp(join(tmpdir(), 'export-ia-asr-'));
      try {
        let audioPath = input.file;
        if (!audioPath) {
          audioPath = join(dir, 'audio-16k.wav');
          await writeFile(audioPath, input.audio);
        }
        const words = await engine.transcribe({ audioPath, language: input.language, signal: ctx.signal, onProgress: (f) => ctx.progress(f) });
        return input.offset === 0 ? words : words.map((w) => ({ ...w, start: w.start + input.offset, end: w.end + input.offset }));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

export function pocketSphinxTranscriber(tools: Tools = () => findFfmpeg()): Transcriber {
  return engineTranscriber((o) => pocketSphinxEngine(o.pocketsphinx ?? {}), tools);
}

export function whisperTranscriber(tools: Tools = () => findFfmpeg()): Transcriber {
  return engineTranscriber((o) => whisperEngine({ ...(o.model ? { model: o.model } : {}), ...(o.threads ? { threads: o.threads } : {}) }), tools);
}

export function openAiTranscriber(tools: Tools = () => findFfmpeg()): Transcriber {
  return engineTranscriber((o) => openAiEngine(o.openai ?? {}), tools);
}

/** The face detector as a step. The model is shared by the process (loaded on the first frame). */
export function faceDetectorStep(): Detector {
  let detector: SubjectDetector | undefined;
  return {
    detect(frame) {
      detector ??= createFaceDetector();
      return detector.detect(frame);
    },
  };
}

/** The built-in scorer (highlights/score.ts); `ctx.options.weights` are the job's weights. */
export function standardScorer(): Scorer {
  return {
    score(input, ctx) {
      const weights = ctx.options.weights as ScoreOptions['weights'];
      const options: ScoreOptions = {
        transcript: input.transcript,
        audio: input.audio,
        language: input.language,
        keywords: input.keywords,
        ...(input.scenes ? { scenes: input.scenes } : {}),
        ...(weights ? { weights } : {}),
      };
      return scoreCandidates(input.candidates, options).map((c) => ({ score: c.score, reasons: c.reasons }));
    },
  };
}

/** The built-in captions (captions/ass.ts): the style's font, colours and outline, karaoke highlighting. */
export function standardCaptioner(): Captioner {
  return {
    captions: (input) =>
      toAss(input.lines, {
        width: input.width,
        height: input.height,
        style: input.style,
        mode: input.mode,
        fontFamily: input.fontFamily,
        safeArea: input.safeArea,
      }),
  };
}

/** The built-in steps, for a clip job run without a host (a host registers them as plugin `video-standard`). */
export function defaultVideoSteps(tools: Tools = () => findFfmpeg()): VideoSteps {
  const plugin = { manifest: { id: BUILTIN_STEPS_PLUGIN, version: '0.1.0' }, config: {} };
  const step = <I>(id: string, implementation: I): VideoStep<I> => ({
    descriptor: BUILTIN_VIDEO_STEPS.find((d) => d.id === id && d.kind === kindOf(implementation)) as VideoStepDescriptor,
    plugin,
    implementation,
  });
  return {
    transcribers: new Map([
      ['pocketsphinx', step('pocketsphinx', pocketSphinxTranscriber(tools))],
      ['whisper', step('whisper', whisperTranscriber(tools))],
      ['openai', step('openai', openAiTranscriber(tools))],
    ]),
    detectors: new Map([['face', step('face', faceDetectorStep())]]),
    scorers: new Map([['standard', step('standard', standardScorer())]]),
    captioners: new Map([['standard', step('standard', standardCaptioner())]]),
  };
}

function kindOf(implementation: unknown): VideoStepKind {
  const i = implementation as Record<string, unknown>;
  if (typeof i.transcribe === 'function') return 'transcriber';
  if (typeof i.detect === 'function') return 'detector';
  if (typeof i.score === 'function') return 'scorer';
  return 'captioner';
}

// ── Choosing and calling steps ───────────────────────────────────────────────────────────────

/** What the job gives every step's context. */
export interface StepCallContext {
  file: string;
  cwd: string;
  configDir: string;
  signal?: AbortSignal | undefined;
  report(diagnostic: Diagnostic): void;
  progress?(fraction: number): void;
}

const KIND_MAP = { transcriber: 'transcribers', detector: 'detectors', scorer: 'scorers', captioner: 'captioners' } as const;

/** The step `id` of a kind, or a usage error listing the ones there are. */
export function pickStep<K extends VideoStepKind>(
  steps: VideoSteps,
  kind: K,
  id: string,
): VideoSteps[(typeof KIND_MAP)[K]] extends ReadonlyMap<string, infer S> ? S : never {
  const map = steps[KIND_MAP[kind]] as ReadonlyMap<string, unknown>;
  const found = map.get(id);
  if (!found) throw new ExportIaError('EIA_COMPONENT_NOT_FOUND', { kind, id, known: [...map.keys()].join(', ') || 'none' });
  return found as never;
}

/** `plugin:id@version`, for clips.json and messages. */
export function stepLabel(step: VideoStep<unknown>): string {
  return `${step.descriptor.id} (${step.plugin.manifest.id}@${step.plugin.manifest.version})`;
}

/** The most warnings one step may add to a job (a hostile one could add millions). */
export const MAX_STEP_WARNINGS = 20;
// Warnings each step has given, per job (a job's `report` is the same function throughout).
const reported = new WeakMap<StepCallContext['report'], Map<string, Set<string>>>();

/**
 * A step's warning as the job keeps it: its code, severity and message (cut to 500 characters)
 * and hint, nothing else; repeats and anything past {@link MAX_STEP_WARNINGS} are dropped.
 */
function stepReport(step: VideoStep<unknown>, call: StepCallContext): (d: Diagnostic) => void {
  return (d) => {
    if (!isDiagnostic(d)) {
      d = diagnostic('EIA_VIDEO_STEP_INVALID', invalidParams(step, 'a report() that is not a diagnostic'));
    }
    const byStep = reported.get(call.report) ?? new Map<string, Set<string>>();
    reported.set(call.report, byStep);
    const label = `${step.descriptor.kind}:${step.descriptor.id}`;
    const seen = byStep.get(label) ?? new Set<string>();
    byStep.set(label, seen);
    const message = String(d.message).slice(0, 500);
    const key = `${d.code}\0${message}`;
    if (seen.has(key) || seen.size >= MAX_STEP_WARNINGS) return;
    seen.add(key);
    call.report({
      code: String(d.code).slice(0, 64) as Diagnostic['code'],
      severity: d.severity === 'error' ? 'error' : d.severity === 'info' ? 'info' : 'warning',
      message,
      hint: typeof d.hint === 'string' ? d.hint.slice(0, 500) : '',
      source: step.plugin.manifest.id,
    });
  };
}

function stepContext(step: VideoStep<unknown>, call: StepCallContext, options: Record<string, unknown>): VideoStepContext {
  return {
    file: call.file,
    cwd: call.cwd,
    configDir: call.configDir,
    config: step.plugin.config,
    options,
    signal: call.signal ?? new AbortController().signal,
    plugin: { id: step.plugin.manifest.id, version: step.plugin.manifest.version },
    report: stepReport(step, call),
    progress: (f) => {
      if (Number.isFinite(f)) call.progress?.(Math.min(1, Math.max(0, f)));
    },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isDiagnostic = (d: unknown): d is Diagnostic => isObject(d) && typeof d.code === 'string' && typeof d.message === 'string';
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function invalidParams(step: VideoStep<unknown>, detail: string) {
  return { kind: step.descriptor.kind, id: step.descriptor.id, plugin: `${step.plugin.manifest.id}@${step.plugin.manifest.version}`, detail };
}

function invalid(step: VideoStep<unknown>, detail: string): ExportIaError {
  return new ExportIaError('EIA_VIDEO_STEP_INVALID', invalidParams(step, detail));
}

/** A plugin's own failure keeps its code when it has one; anything else says which step failed. */
function stepFailure(step: VideoStep<unknown>, error: unknown, signal?: AbortSignal): unknown {
  if (signal?.aborted || isExportIaError(error)) return error;
  return invalid(step, `it failed: ${(error as Error)?.message ?? String(error)}`);
}

/** Checks a transcriber's words for one piece: shape, finite times inside the piece, a sane count. */
export function checkWords(step: VideoStep<unknown>, value: unknown, piece: Span): { words: Word[]; trimmed: boolean } {
  if (!Array.isArray(value)) throw invalid(step, 'transcribe() must answer a list of words');
  const max = Math.max(20, Math.ceil((piece.end - piece.start) * MAX_WORDS_PER_SECOND));
  const words: Word[] = [];
  for (const [i, w] of value.entries()) {
    if (!isObject(w) || typeof w.text !== 'string' || !finite(w.start) || !finite(w.end))
      throw invalid(step, `word ${i} is not { text: string, start: number, end: number }`);
    // Control characters (a NUL ends a caption script early) are not speech.
    const text = w.text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
      .replace(/[\u0000-\u001f\u007f]/g, ' ')
      .trim()
      .slice(0, 200);
    if (!text) continue;
    const start = clamp(w.start, piece.start, piece.end + 1);
    const end = clamp(Math.max(w.end, start), start, piece.end + 1);
    const word: Word = { text, start, end };
    if (finite(w.confidence)) word.confidence = clamp(w.confidence, 0, 1);
    words.push(word);
    if (words.length >= max) break;
  }
  words.sort((a, b) => a.start - b.start);
  return { words, trimmed: words.length >= max && value.length > max };
}

/**
 * A transcriber step as the transcript step's engine: the WAV is read, cut at its quietest
 * moments into pieces of the size the step takes, and each piece's words are checked.
 */
export function transcriberEngine(step: VideoStep<Transcriber>, call: StepCallContext, options: AsrConfig): AsrEngine {
  const { implementation } = step;
  const ctx = (progress?: (f: number) => void) =>
    stepContext(step, { ...call, ...(progress ? { progress } : {}) }, { ...(options as Record<string, unknown>) });
  return {
    id: step.descriptor.id,
    async available(_tools, language) {
      if (!implementation.available) return { ok: true };
      try {
        const status = await implementation.available(language ?? 'en', ctx());
        if (!isObject(status) || typeof status.ok !== 'boolean') throw invalid(step, 'available() must answer { ok }');
        return status.ok ? { ok: true } : { ok: false, reason: String((status as { reason?: unknown }).reason ?? 'not available').slice(0, 500) };
      } catch (error) {
        throw stepFailure(step, error, call.signal);
      }
    },
    async transcribe(input) {
      const raw = await readFile(input.audioPath);
      let limit = step.descriptor.chunkSeconds;
      if (step.plugin.sandboxed) limit = limit > 0 ? Math.min(limit, SANDBOX_CHUNK_SECONDS) : SANDBOX_CHUNK_SECONDS;
      // The whole file in one piece: its bytes as read (no copy of an hour of sound), and its path
      // for a step in this process.
      const seconds = await wavSeconds(input.audioPath);
      const pcm = limit <= 0 || seconds <= limit ? undefined : parseWav(raw);
      const cuts = pcm ? chunkBounds(pcm.samples, pcm.rate, limit) : [];
      const pieces = pcm
        ? cuts.slice(1).map((end, i) => ({ from: cuts[i] as number, to: end, start: (cuts[i] as number) / pcm.rate, end: end / pcm.rate }))
        : [{ from: 0, to: 0, start: 0, end: seconds }];
      const words: Word[] = [];
      let trimmed = 0;
      for (const [i, piece] of pieces.entries()) {
        input.signal?.throwIfAborted();
        const audio = pcm ? wavFile(pcm.samples.subarray(piece.from, piece.to), pcm.rate) : raw;
        const progress = (f: number) => input.onProgress?.((i + f) / pieces.length);
        let answer: unknown;
        try {
          answer = await implementation.transcribe(
            {
              audio: new Uint8Array(audio.buffer, audio.byteOffset, audio.byteLength),
              offset: piece.start,
              duration: piece.end - piece.start,
              language: input.language,
              ...(pcm || step.plugin.sandboxed ? {} : { file: input.audioPath }),
            },
            ctx(progress),
          );
        } catch (error) {
          throw stepFailure(step, error, input.signal);
        }
        const checked = checkWords(step, answer, piece);
        if (checked.trimmed) trimmed++;
        words.push(...checked.words);
        progress(1);
      }
      if (trimmed > 0) call.report(diagnostic('EIA_VIDEO_TRANSCRIPT_TRIMMED', { file: call.file, count: trimmed, rate: MAX_WORDS_PER_SECOND }));
      return words;
    },
  };
}

/** The most subjects kept per frame. */
const MAX_BOXES = 32;

/** Checks a detector's boxes: finite, inside the frame, at most {@link MAX_BOXES}. */
export function checkBoxes(step: VideoStep<unknown>, value: unknown): SubjectBox[] {
  if (!Array.isArray(value)) throw invalid(step, 'detect() must answer a list of boxes');
  const boxes: SubjectBox[] = [];
  for (const [i, b] of value.slice(0, MAX_BOXES).entries()) {
    if (!isObject(b) || !finite(b.x) || !finite(b.y) || !finite(b.w) || !finite(b.h) || !finite(b.score))
      throw invalid(step, `box ${i} is not { x, y, w, h, score } with finite numbers`);
    const x = clamp(b.x, 0, 1);
    const y = clamp(b.y, 0, 1);
    const w = clamp(b.w, 0, 1 - x);
    const h = clamp(b.h, 0, 1 - y);
    if (w <= 0 || h <= 0) continue;
    const box: SubjectBox = { x, y, w, h, score: clamp(b.score, 0, 1) };
    if (finite(b.mouth) && b.mouth >= 0) box.mouth = Math.min(b.mouth, 10);
    boxes.push(box);
  }
  return boxes;
}

/** A detector step as the reframe step's detector. */
export function detectorEngine(step: VideoStep<Detector>, call: StepCallContext): SubjectDetector {
  const ctx = stepContext(step, call, {});
  return {
    id: `${step.plugin.manifest.id}:${step.descriptor.id}`,
    async detect(frame) {
      let answer: unknown;
      try {
        answer = await step.implementation.detect({ t: frame.t, width: frame.width, height: frame.height, rgb: frame.rgb }, ctx);
      } catch (error) {
        throw stepFailure(step, error, call.signal);
      }
      return checkBoxes(step, answer);
    },
    async close() {},
  };
}

/** Checks a scorer's answer: one score per candidate, 0…100, with bounded reasons. */
export function checkScores(step: VideoStep<unknown>, value: unknown, count: number): CandidateScore[] {
  if (!Array.isArray(value) || value.length !== count) throw invalid(step, `score() must answer a list of ${count} scores, one per candidate`);
  return value.map((s, i) => {
    if (!isObject(s) || !finite(s.score)) throw invalid(step, `score ${i} is not { score: number, reasons: [...] }`);
    const reasons: ScoreReason[] = [];
    for (const r of Array.isArray(s.reasons) ? s.reasons.slice(0, 20) : []) {
      if (!isObject(r) || typeof r.factor !== 'string' || typeof r.detail !== 'string')
        throw invalid(step, `a reason of score ${i} needs factor and detail strings`);
      reasons.push({
        factor: r.factor.slice(0, 40),
        value: finite(r.value) ? clamp(r.value, 0, 1) : 0,
        weight: finite(r.weight) ? clamp(r.weight, 0, 1000) : 0,
        detail: r.detail.slice(0, 300),
      });
    }
    return { score: Math.round(clamp(s.score, 0, 100) * 10) / 10, reasons };
  });
}

/** A scorer step as a function of the score stage. */
export function scorerEngine(
  step: VideoStep<Scorer>,
  call: StepCallContext,
  weights: Record<string, number> | undefined,
): (candidates: readonly Candidate[], input: Omit<ScoreOptions, 'weights'>) => Promise<ScoredCandidate[]> {
  const ctx = stepContext(step, call, weights ? { weights } : {});
  return async (candidates, input) => {
    if (candidates.length === 0) return [];
    let answer: unknown;
    try {
      answer = await step.implementation.score(
        {
          candidates: candidates.map((c) => ({ start: c.start, end: c.end, sentenceStart: c.sentenceStart, sentenceEnd: c.sentenceEnd, text: c.text })),
          transcript: input.transcript,
          audio: input.audio,
          ...(input.scenes ? { scenes: input.scenes } : {}),
          language: input.language,
          keywords: [...(input.keywords ?? [])],
        },
        ctx,
      );
    } catch (error) {
      throw stepFailure(step, error, call.signal);
    }
    const scores = checkScores(step, answer, candidates.length);
    return candidates.map((c, i) => ({ ...c, ...(scores[i] as CandidateScore) }));
  };
}

/**
 * The recognisers `asr.engine` names, in the order they are tried: one id; none; or `auto`
 * (whisper when a model is set, openai when a URL is set, then pocketsphinx — those registered).
 */
export function transcriberIds(config: AsrConfig | undefined, steps: VideoSteps): { ids: string[]; explicit: boolean } {
  const engine = config?.engine ?? 'auto';
  if (engine === 'none') return { ids: [], explicit: false };
  if (engine !== 'auto') {
    pickStep(steps, 'transcriber', engine);
    return { ids: [engine], explicit: true };
  }
  const ids = [...(config?.model ? ['whisper'] : []), ...(config?.openai?.url ? ['openai'] : []), 'pocketsphinx'];
  return { ids: ids.filter((id) => steps.transcribers.has(id)), explicit: false };
}

/** The largest caption script a captioner may answer for one clip. */
export const MAX_ASS_BYTES = 2 * 1024 * 1024;
/** The longest line of it (a drawing is one line). */
const MAX_ASS_LINE = 8000;
/** The most captions on screen at once. */
export const MAX_ASS_OVERLAP = 24;
/** The sections libass reads that a caption script needs; everything else is dropped. */
const ASS_SECTIONS = new Set(['script info', 'v4+ styles', 'v4 styles', 'events']);

/**
 * Bounds of the override tags and style fields that make libass work hardest: a 100 000 %
 * scale rasterises gigabytes, a huge blur or border costs seconds per frame. Values past them
 * are lowered to them (a caption never needs more).
 */
function tagLimits(height: number): Record<string, number> {
  return {
    fscx: 400,
    fscy: 400,
    fs: Math.max(8, Math.round(height / 3)),
    fsp: 100,
    blur: 10,
    be: 10,
    bord: 30,
    xbord: 30,
    ybord: 30,
    shad: 30,
    xshad: 30,
    yshad: 30,
  };
}

function clampTags(text: string, limits: Record<string, number>): string {
  return text.replace(
    /\\(fscx|fscy|fsp|fs|blur|be|xbord|ybord|bord|xshad|yshad|shad)(\s*)(-?\d+(?:\.\d+)?)/gi,
    (all, tag: string, gap: string, value: string) => {
      const limit = limits[tag.toLowerCase()] as number;
      const n = Number(value);
      return Math.abs(n) > limit ? `\\${tag}${gap}${Math.sign(n) * limit}` : all;
    },
  );
}

/** `Style:` fields clamped the same way (their order is the section's `Format:` line). */
function clampStyle(line: string, format: readonly string[], limits: Record<string, number>): string {
  const [head, ...rest] = line.split(':');
  const fields = rest.join(':').split(',');
  const bound: Record<string, number> = {
    fontsize: limits.fs as number,
    scalex: limits.fscx as number,
    scaley: limits.fscy as number,
    spacing: limits.fsp as number,
    outline: limits.bord as number,
    shadow: limits.shad as number,
  };
  for (const [i, name] of format.entries()) {
    const limit = bound[name];
    const value = Number(fields[i]);
    if (limit !== undefined && Number.isFinite(value) && Math.abs(value) > limit) fields[i] = String(Math.sign(value) * limit);
  }
  return `${head}:${fields.join(',')}`;
}

/** `H:MM:SS.cc` → seconds (NaN when it is not a time). */
function parseAssTime(text: string | undefined): number {
  const m = /^\s*(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)\s*$/.exec(text ?? '');
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : Number.NaN;
}

/**
 * Checks a captioner's ASS script before libass reads it, and returns the script libass gets:
 * - text without NUL, at most 2 MB; lines split as libass splits them (`\r\n`, `\n` and a lone `\r`);
 * - only the `[Script Info]`, `[V4+ Styles]` and `[Events]` sections are kept (a line starting
 *   with `[` opens a section, as in libass): embedded fonts and pictures never reach it;
 * - lines of at most 8000 characters, at most 40 events per second of clip, at most 24 on screen
 *   at once;
 * - scale, size, spacing, blur, border and shadow (override tags and style fields) bounded.
 */
export function checkAss(step: VideoStep<unknown>, value: unknown, duration: number, height = 1920): string {
  if (typeof value !== 'string') throw invalid(step, 'captions() must answer the text of an ASS script');
  if (Buffer.byteLength(value) > MAX_ASS_BYTES) throw invalid(step, `the caption script is over ${MAX_ASS_BYTES} bytes`);
  if (value.includes('\0')) throw invalid(step, 'the caption script holds a NUL character');
  const limits = tagLimits(height);
  const maxEvents = Math.ceil(duration * 40) + 200;
  const out: string[] = [];
  const sections = new Set<string>();
  const spans: Array<[number, number]> = [];
  let section = '';
  let styleFormat: string[] = [];
  for (const raw of value.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/^[\uFEFF\s]+/, '');
    if (line.startsWith('[')) {
      section = line
        .slice(1, line.includes(']') ? line.indexOf(']') : undefined)
        .trim()
        .toLowerCase();
      if (ASS_SECTIONS.has(section)) {
        sections.add(section);
        out.push(`[${section === 'script info' ? 'Script Info' : section === 'events' ? 'Events' : section === 'v4 styles' ? 'V4 Styles' : 'V4+ Styles'}]`);
      }
      continue;
    }
    if (!ASS_SECTIONS.has(section)) continue;
    if (line.length > MAX_ASS_LINE) throw invalid(step, `a line of the caption script is over ${MAX_ASS_LINE} characters`);
    if (/^format\s*:/i.test(line) && section !== 'events' && section !== 'script info') {
      styleFormat = line
        .slice(line.indexOf(':') + 1)
        .split(',')
        .map((f) => f.trim().toLowerCase());
    }
    if (/^style\s*:/i.test(line)) {
      out.push(clampStyle(line, styleFormat, limits));
      continue;
    }
    if (/^dialogue\s*:/i.test(line)) {
      if (spans.length >= maxEvents) throw invalid(step, `the caption script has over ${maxEvents} events for a ${duration.toFixed(1)} s clip`);
      const fields = line.slice(line.indexOf(':') + 1).split(',');
      const start = parseAssTime(fields[1]);
      const end = parseAssTime(fields[2]);
      if (Number.isFinite(start) && Number.isFinite(end) && end > start) spans.push([start, end]);
      out.push(clampTags(line, limits));
      continue;
    }
    out.push(line);
  }
  if (!sections.has('script info') || !sections.has('events')) throw invalid(step, 'the caption script needs its [Script Info] and [Events] sections');
  // Most captions on screen at once: a sweep over starts and ends.
  const edges = spans.flatMap(([a, b]) => [
    [a, 1],
    [b, -1],
  ]) as Array<[number, number]>;
  edges.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let onScreen = 0;
  for (const [, d] of edges) {
    onScreen += d;
    if (onScreen > MAX_ASS_OVERLAP) throw invalid(step, `the caption script shows over ${MAX_ASS_OVERLAP} captions at once`);
  }
  return out.join('\n');
}

/** A captioner step as the render step's: the ASS script of one clip, checked. */
export function captionerEngine(step: VideoStep<Captioner>, call: StepCallContext): (input: CaptionInput) => Promise<string> {
  const ctx = stepContext(step, call, {});
  return async (input) => {
    let answer: unknown;
    try {
      answer = await step.implementation.captions(input, ctx);
    } catch (error) {
      throw stepFailure(step, error, call.signal);
    }
    return checkAss(step, answer, input.duration, input.height);
  };
}

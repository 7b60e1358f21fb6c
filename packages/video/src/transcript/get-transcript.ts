/**
 * The transcript step: the first source that gives words wins —
 * `--transcript` file → a text subtitle stream in the container → the configured speech
 * recogniser (default: PocketSphinx where this ffmpeg has it) → nothing (a warning; clips are
 * then chosen from loudness and scenes only).
 */
import { basename } from 'node:path';
import { type Diagnostic, diagnostic, ExportIaError, isExportIaError } from '@export-ia/core';
import type { FfmpegTools } from '../ffmpeg.js';
import type { MediaInfo, Transcript, Word } from '../types.js';
import { type AsrConfig, type AsrEngine, extractAudio } from './asr.js';
import { extractEmbeddedSubtitles, languageFromTag, readSubtitleFile } from './embedded.js';
import { openAiEngine } from './openai.js';
import { pocketSphinxEngine } from './pocketsphinx.js';
import { type Cue, parseSubtitles } from './subtitles.js';
import { whisperEngine } from './whisper.js';
import { buildTranscript, cuesToWords } from './words.js';

export interface GetTranscriptOptions {
  tools: FfmpegTools;
  media: MediaInfo;
  /** SRT or WebVTT file given by the user. */
  transcriptPath?: string | undefined;
  /** A 16 kHz mono WAV of the audio already made (by the audio pass); extracted when absent. */
  audioPath?: string | undefined;
  /** Spoken language; default: the subtitle stream's tag, else `en`. */
  language?: string | undefined;
  asr?: AsrConfig | undefined;
  /** For the extracted audio. */
  scratchDir: string;
  signal?: AbortSignal | undefined;
  onProgress?: ((fraction: number) => void) | undefined;
  /** Engines to use instead of the built-in ones (the clip job's transcriber steps, tests). */
  engines?: readonly AsrEngine[] | undefined;
  /**
   * The user named the engine: one that cannot run is an error, not a skip. Default: whether
   * `asr.engine` names one (when `engines` is not given), else false.
   */
  explicit?: boolean | undefined;
}

export interface TranscriptResult {
  transcript: Transcript;
  warnings: Diagnostic[];
}

/** Built-in engines for a configuration, in the order `auto` tries them. */
export function asrEngines(config: AsrConfig = {}): AsrEngine[] {
  const whisper = whisperEngine({ ...(config.model ? { model: config.model } : {}), ...(config.threads ? { threads: config.threads } : {}) });
  const openai = openAiEngine(config.openai ?? {});
  const sphinx = pocketSphinxEngine(config.pocketsphinx ?? {});
  switch (config.engine ?? 'auto') {
    case 'none':
      return [];
    case 'whisper':
      return [whisper];
    case 'openai':
      return [openai];
    case 'pocketsphinx':
      return [sphinx];
    default:
      return [...(config.model ? [whisper] : []), ...(config.openai?.url ? [openai] : []), sphinx];
  }
}

/**
 * Drops cues that start after the end of the video (and trims one that runs past it); warns when
 * the captions run well past the end, which usually means they belong to another cut.
 */
export function fitCuesToDuration(cues: Cue[], duration: number, name: string): { cues: Cue[]; warning?: Diagnostic } {
  const last = cues.reduce((max, c) => Math.max(max, c.end), 0);
  if (!(duration > 0) || last <= duration + 0.5) return { cues };
  const kept = cues.filter((c) => c.start < duration).map((c) => (c.end > duration ? { ...c, end: duration } : c));
  const dropped = cues.length - kept.length;
  const much = last > duration + Math.max(5, duration * 0.05);
  if (!much) return { cues: kept };
  return {
    cues: kept,
    warning: diagnostic('EIA_VIDEO_TRANSCRIPT_MISMATCH', {
      transcript: name,
      transcriptEnd: last.toFixed(1),
      duration: duration.toFixed(1),
      detail: dropped > 0 ? `${dropped} cue${dropped === 1 ? '' : 's'} past the end were dropped` : 'the cue past the end was trimmed',
    }),
  };
}

/** Nobody speaks faster than this (fast speech is ≈ 4-5 words/s): more words in a cue are not speech. */
export const MAX_WORDS_PER_SECOND = 12;

/**
 * Keeps at most what can be spoken in each cue's time (12 words per second, at least 20), so a
 * hostile or broken caption file cannot turn into millions of "words".
 */
export function boundCueWords(cues: readonly Cue[], name: string): { cues: Cue[]; warning?: Diagnostic } {
  let trimmed = 0;
  const out = cues.map((cue) => {
    const limit = Math.max(20, Math.ceil((cue.end - cue.start) * MAX_WORDS_PER_SECOND));
    if (cue.text.length < limit * 2) return cue;
    const words = cue.text.split(/\s+/, limit + 1);
    if (words.length <= limit && cue.text.length <= limit * 64) return cue;
    trimmed++;
    const { timed: _timed, ...rest } = cue;
    return {
      ...rest,
      text: words
        .slice(0, limit)
        .map((w) => w.slice(0, 64))
        .join(' '),
    };
  });
  if (trimmed === 0) return { cues: out };
  return {
    cues: out,
    warning: diagnostic('EIA_VIDEO_TRANSCRIPT_TRIMMED', { file: name, count: trimmed, rate: MAX_WORDS_PER_SECOND }),
  };
}

function fromCues(cues: Cue[], media: MediaInfo, language: string, source: string, name: string, warnings: Diagnostic[]): Transcript {
  const fitted = fitCuesToDuration(cues, media.duration, name);
  if (fitted.warning) warnings.push(fitted.warning);
  const bounded = boundCueWords(fitted.cues, name);
  if (bounded.warning) warnings.push(bounded.warning);
  return buildTranscript(cuesToWords(bounded.cues, language), { language, source });
}

function empty(language: string): Transcript {
  return { language, source: 'none', words: [], sentences: [] };
}

/** Finds the transcript of a video (see the module comment for the order). */
export async function getTranscript(options: GetTranscriptOptions): Promise<TranscriptResult> {
  const { tools, media } = options;
  const warnings: Diagnostic[] = [];
  const file = media.path;

  // 1. The user's captions: errors here are the user's to fix, so they are thrown.
  if (options.transcriptPath) {
    const language = options.language ?? 'en';
    const text = await readSubtitleFile(options.transcriptPath);
    const cues = parseSubtitles(text, options.transcriptPath);
    const transcript = fromCues(cues, media, language, `sidecar:${basename(options.transcriptPath)}`, options.transcriptPath, warnings);
    options.onProgress?.(1);
    return { transcript, warnings };
  }

  // 2. A text subtitle stream in the container: a broken one is a warning, then ASR.
  for (const stream of media.subtitles.filter((s) => s.text)) {
    const language = options.language ?? languageFromTag(stream.language) ?? 'en';
    try {
      const text = await extractEmbeddedSubtitles(tools, media, stream.index, options.signal);
      const name = `${basename(file)} (subtitle stream ${stream.index})`;
      const transcript = fromCues(parseSubtitles(text, name), media, language, `embedded:${stream.index}`, name, warnings);
      if (transcript.words.length > 0) {
        options.onProgress?.(1);
        return { transcript, warnings };
      }
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (!isExportIaError(error)) throw error;
      warnings.push(diagnostic(error.code, error.params, { severity: 'warning', file }));
    }
  }

  // 3. Speech recognition.
  const language = options.language ?? 'en';
  const engines = options.engines ?? asrEngines(options.asr);
  const explicit = options.explicit ?? (options.engines === undefined && options.asr?.engine !== undefined && options.asr.engine !== 'auto');
  if (!media.audio) {
    warnings.push(diagnostic('EIA_VIDEO_NO_SPEECH', { file: basename(file), detail: 'the file has no audio stream' }));
    return { transcript: empty(language), warnings };
  }
  const reasons: string[] = [];
  for (const engine of engines) {
    await engine.validate?.();
    const status = await engine.available(tools, language);
    if (!status.ok) {
      if (explicit) throw new ExportIaError('EIA_VIDEO_ASR_UNAVAILABLE', { engine: engine.id, detail: status.reason });
      reasons.push(`${engine.id}: ${status.reason}`);
      continue;
    }
    const audioPath = options.audioPath ?? (await extractAudio(tools, media, options.scratchDir, options.signal));
    let words: Word[];
    try {
      words = await engine.transcribe({
        audioPath,
        language,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
    } catch (caught) {
      // The recogniser names the audio it was given (a scratch file); the user knows the video.
      const error =
        isExportIaError(caught) && caught.code === 'EIA_VIDEO_ASR_FAILED' && caught.params.file !== basename(file)
          ? new ExportIaError(caught.code, { ...caught.params, file: basename(file) }, { cause: caught })
          : caught;
      if (options.signal?.aborted || explicit || !isExportIaError(error)) throw error;
      // auto: one engine failing (a server down) lets the next one try.
      warnings.push(diagnostic(error.code, error.params, { severity: 'warning', file }));
      reasons.push(`${engine.id}: failed`);
      continue;
    }
    const ends = words.filter((w) => w.start < media.duration + 1);
    const transcript = buildTranscript(ends, { language, source: `asr:${engine.id}` });
    if (transcript.words.length === 0) warnings.push(diagnostic('EIA_VIDEO_NO_SPEECH', { file: basename(file), detail: `${engine.id} recognised no words` }));
    options.onProgress?.(1);
    return { transcript, warnings };
  }

  // 4. Nothing.
  const detail =
    engines.length === 0
      ? 'no captions, and speech recognition is off (asr.engine: none)'
      : `no captions, and no speech recogniser could run (${reasons.join('; ')})`;
  warnings.push(diagnostic('EIA_VIDEO_NO_SPEECH', { file: basename(file), detail }));
  options.onProgress?.(1);
  return { transcript: empty(language), warnings };
}

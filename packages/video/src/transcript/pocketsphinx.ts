/**
 * PocketSphinx through ffmpeg's `asr` filter (Debian's ffmpeg has it, with the
 * `pocketsphinx-en-us` models). Low accuracy, but offline and real, so the end-to-end speech
 * path can be tested anywhere Debian's packages are.
 *
 * The filter only says *what* was said in each utterance and when the utterance ended; the same
 * pass runs `silencedetect` to find where speech really starts and stops, and the words of an
 * utterance are spread over its speech by syllables.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExportIaError, pushAll } from '@export-ia/core';
import { type FfmpegTools, filterValue, logTail, run } from '../ffmpeg.js';
import type { Span, Word } from '../types.js';
import { type AsrEngine, type AsrInput, type Availability, wavSeconds } from './asr.js';
import { distributeWords } from './words.js';

export const POCKETSPHINX_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';

export interface PocketSphinxOptions {
  /** Folder with `en-us/` (acoustic model), `cmudict-en-us.dict` and `en-us.lm.bin`. */
  modelDir?: string;
}

/** One recognised utterance: its text and the time the recogniser finished it. */
export interface Utterance {
  text: string;
  /** When the filter emitted it (end of the utterance plus the recogniser's end-of-speech wait). */
  emitted: number;
}

/** Reads the utterances and speech spans from the log of an `asr,ametadata,silencedetect` pass. */
export function parseAsrLog(log: string, duration: number): { utterances: Utterance[]; speech: Span[] } {
  const utterances: Utterance[] = [];
  const silences: Span[] = [];
  let frameTime = 0;
  let silenceStart: number | undefined;
  for (const line of log.split(/\r?\n/)) {
    const frame = /\bpts_time:([\d.]+)/.exec(line);
    if (frame && /ametadata/.test(line)) frameTime = Number(frame[1]);
    const text = /lavfi\.asr\.text=(.*)$/.exec(line);
    if (text) {
      const clean = (text[1] ?? '')
        .split(/\s+/)
        .filter((w) => w && !/^[<[].*[>\]]$/.test(w))
        .map((w) => w.replace(/\(\d+\)$/, ''))
        .join(' ');
      if (clean) utterances.push({ text: clean, emitted: frameTime });
    }
    const start = /silence_start: (-?[\d.]+)/.exec(line);
    if (start) silenceStart = Math.max(0, Number(start[1]));
    const end = /silence_end: ([\d.]+)/.exec(line);
    if (end) {
      silences.push({ start: silenceStart ?? 0, end: Number(end[1]) });
      silenceStart = undefined;
    }
  }
  if (silenceStart !== undefined) silences.push({ start: silenceStart, end: duration });
  // Speech is what lies between the silences.
  const speech: Span[] = [];
  let cursor = 0;
  for (const s of silences) {
    if (s.start > cursor + 0.02) speech.push({ start: cursor, end: s.start });
    cursor = Math.max(cursor, s.end);
  }
  if (duration > cursor + 0.02) speech.push({ start: cursor, end: duration });
  return { utterances, speech };
}

/** Spreads text over several spans of speech (skipping the gaps between them) by syllables. */
export function distributeOverSpans(text: string, spans: readonly Span[], language: string): Word[] {
  const total = spans.reduce((sum, s) => sum + (s.end - s.start), 0);
  if (spans.length === 0 || total <= 0) return [];
  const local = distributeWords(text, 0, total, language);
  const at = (t: number, isEnd: boolean) => {
    let offset = 0;
    for (const s of spans) {
      const length = s.end - s.start;
      if (t < offset + length || (isEnd ? t <= offset + length : false)) return s.start + (t - offset);
      offset += length;
    }
    const last = spans[spans.length - 1] as Span;
    return last.end;
  };
  return local.map((w) => ({ text: w.text, start: round(at(w.start, false)), end: round(at(w.end, true)) }));
}

function round(t: number): number {
  return Math.round(t * 1000) / 1000;
}

/** Timed words from utterances: each utterance's words over the speech heard since the previous one. */
export function utterancesToWords(utterances: readonly Utterance[], speech: readonly Span[], language = 'en'): Word[] {
  const words: Word[] = [];
  let previous = 0;
  for (const u of utterances) {
    const spans = speech.map((s) => ({ start: Math.max(s.start, previous), end: Math.min(s.end, u.emitted) })).filter((s) => s.end - s.start > 0.02);
    if (spans.length > 0) {
      pushAll(words, distributeOverSpans(u.text, spans, language));
    } else {
      // No speech found by level (a very quiet or noisy recording): assume ~4.5 syllables a
      // second ending 0.3 s before the recogniser finished.
      const syllables = distributeWords(u.text, 0, 1, language).length * 1.5;
      const end = Math.max(previous, u.emitted - 0.3);
      const start = Math.max(previous, end - syllables / 4.5);
      pushAll(words, distributeWords(u.text, start, end, language));
    }
    previous = u.emitted;
    // The recogniser gives no punctuation; an utterance ends where the speaker paused, which is
    // the best sentence boundary there is.
    const last = words[words.length - 1];
    if (last && !/[.?!…]$/.test(last.text)) last.text = `${last.text}.`;
  }
  return words;
}

/** PocketSphinx (English only) through ffmpeg's `asr` filter. */
export function pocketSphinxEngine(options: PocketSphinxOptions = {}): AsrEngine {
  const dir = options.modelDir ?? POCKETSPHINX_MODEL_DIR;
  const files = { hmm: join(dir, 'en-us'), dict: join(dir, 'cmudict-en-us.dict'), lm: join(dir, 'en-us.lm.bin') };
  let tools: FfmpegTools | undefined;
  const check = (t: FfmpegTools, language?: string): Availability => {
    if (!t.filters.has('asr')) return { ok: false, reason: `this ffmpeg (${t.version}, ${t.ffmpeg}) has no "asr" filter (Debian's ffmpeg has it)` };
    const missing = Object.values(files).filter((f) => !existsSync(f));
    if (missing.length > 0)
      return { ok: false, reason: `PocketSphinx model files missing: ${missing.join(', ')} (Debian: apt-get install pocketsphinx-en-us)` };
    if (language && !language.toLowerCase().startsWith('en'))
      return { ok: false, reason: `PocketSphinx here has an English model only, and the language is "${language}"` };
    return { ok: true };
  };
  return {
    id: 'pocketsphinx',
    async available(t: FfmpegTools, language?: string) {
      tools = t;
      return check(t, language);
    },
    async transcribe(input: AsrInput): Promise<Word[]> {
      if (!tools) throw new ExportIaError('EIA_VIDEO_ASR_UNAVAILABLE', { engine: 'pocketsphinx', detail: 'available() was not called with the ffmpeg tools' });
      const status = check(tools, input.language);
      if (!status.ok) throw new ExportIaError('EIA_VIDEO_ASR_UNAVAILABLE', { engine: 'pocketsphinx', detail: status.reason });
      const duration = await wavSeconds(input.audioPath);
      const graph = [
        `asr=rate=16000:hmm=${filterValue(files.hmm)}:dict=${filterValue(files.dict)}:lm=${filterValue(files.lm)}`,
        'ametadata=mode=print:key=lavfi.asr.text',
        'silencedetect=noise=-40dB:duration=0.2',
      ].join(',');
      const args = ['-hide_banner', '-nostdin', '-nostats', '-progress', 'pipe:2', '-i', input.audioPath, '-af', graph, '-f', 'null', '-'];
      const result = await run(tools.ffmpeg, args, {
        keepStderr: true,
        ...(input.signal ? { signal: input.signal } : {}),
        onTime: (t) => input.onProgress?.(duration > 0 ? Math.min(1, t / duration) : 0),
      });
      if (result.code !== 0) {
        throw new ExportIaError('EIA_VIDEO_ASR_FAILED', { engine: 'pocketsphinx', file: input.audioPath, detail: logTail(result.stderr) });
      }
      const { utterances, speech } = parseAsrLog(result.stderr, duration);
      input.onProgress?.(1);
      return utterancesToWords(utterances, speech, input.language);
    },
  };
}

/**
 * Step 3a, the audio pass: one decode of the sound track (≈ 500× real time) gives the pauses
 * (silencedetect), the loudness per second (EBU R128 momentary loudness) and, when a speech
 * recogniser needs it, a 16 kHz mono WAV — the same decode, split in the filter graph.
 */
import { ExportIaError } from '@export-ia/core';
import { type FfmpegTools, logTail, run } from './ffmpeg.js';
import { SAFE_INPUT_OPTIONS } from './probe.js';
import type { AudioAnalysis, MediaInfo, Span } from './types.js';

export interface AudioPassOptions {
  /** Write the 16 kHz mono 16-bit WAV here (for speech recognition). */
  wavPath?: string;
  /** Noise floor for pauses, dBFS. Default -35. */
  silenceDb?: number;
  /** Shortest pause, seconds. Default 0.35. */
  minSilence?: number;
  signal?: AbortSignal;
  /** 0…1 as the pass advances. */
  onProgress?: (fraction: number) => void;
  name?: string;
}

/** Parses silencedetect's log: `silence_start: 2.9` … `silence_end: 6 | silence_duration: 3`. */
export function parseSilences(log: string, duration: number): Span[] {
  const spans: Span[] = [];
  let open: number | undefined;
  for (const match of log.matchAll(/silence_(start|end): (-?[\d.]+)/g)) {
    const value = Math.max(0, Number(match[2]));
    if (match[1] === 'start') open = value;
    else if (open !== undefined) {
      spans.push({ start: open, end: Math.min(value, duration) });
      open = undefined;
    }
  }
  if (open !== undefined && open < duration) spans.push({ start: open, end: duration });
  return spans;
}

/** Parses ametadata's print of `lavfi.r128.M` (every 100 ms) into one value per second (the mean energy). */
export function parseLoudness(text: string, duration: number): number[] {
  const seconds = Math.max(1, Math.ceil(duration));
  const energy = new Array<number>(seconds).fill(0);
  const count = new Array<number>(seconds).fill(0);
  let time = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('frame:')) {
      const match = /pts_time:(-?[\d.]+)/.exec(line);
      time = match ? Number(match[1]) : time;
    } else if (line.startsWith('lavfi.r128.M=')) {
      const lufs = Number(line.slice('lavfi.r128.M='.length));
      if (!Number.isFinite(lufs)) continue;
      const second = Math.min(seconds - 1, Math.max(0, Math.floor(time)));
      // Average in the energy domain, as loudness meters do.
      energy[second] = (energy[second] ?? 0) + 10 ** (Math.max(lufs, -70) / 10);
      count[second] = (count[second] ?? 0) + 1;
    }
  }
  return energy.map((sum, i) => {
    const n = count[i] ?? 0;
    if (n === 0 || sum <= 0) return -70;
    return Math.max(-70, Math.round(10 * Math.log10(sum / n) * 10) / 10);
  });
}

/** Runs the audio pass over the whole file. */
export async function analyzeAudio(tools: FfmpegTools, media: MediaInfo, options: AudioPassOptions = {}): Promise<AudioAnalysis> {
  if (!media.audio) return { silences: [{ start: 0, end: media.duration }], loudness: [], integrated: -70 };
  const silenceDb = options.silenceDb ?? -35;
  const minSilence = options.minSilence ?? 0.35;
  const split = options.wavPath !== undefined;
  const analysis = `silencedetect=n=${silenceDb}dB:d=${minSilence},ebur128=metadata=1,ametadata=mode=print:key=lavfi.r128.M:file=-`;
  const graph = split
    ? `[0:${media.audio.index}]aresample=16000,aformat=sample_fmts=s16:channel_layouts=mono,asplit=2[a][w];[a]${analysis}[o]`
    : `[0:${media.audio.index}]aresample=16000,aformat=sample_fmts=s16:channel_layouts=mono,${analysis}[o]`;
  const args = [
    '-hide_banner',
    '-nostdin',
    '-vn',
    '-sn',
    '-dn',
    ...SAFE_INPUT_OPTIONS,
    '-i',
    media.path,
    '-filter_complex',
    graph,
    '-map',
    '[o]',
    '-f',
    'null',
    '-',
  ];
  if (options.wavPath) args.push('-map', '[w]', '-c:a', 'pcm_s16le', '-y', options.wavPath);
  const chunks: Buffer[] = [];
  const result = await run(tools.ffmpeg, args, {
    signal: options.signal,
    keepStderr: true,
    onStdout: (chunk) => chunks.push(chunk),
    onTime: options.onProgress ? (seconds) => options.onProgress?.(Math.min(1, seconds / media.duration)) : undefined,
  });
  if (result.code !== 0) {
    throw new ExportIaError('EIA_VIDEO_FFMPEG_FAILED', {
      step: 'analysing the audio of',
      file: options.name ?? media.path,
      exit: result.code,
      detail: logTail(result.stderr),
    });
  }
  const integratedMatches = [...result.stderr.matchAll(/I:\s+(-?[\d.]+) LUFS/g)];
  const integrated = Number(integratedMatches.at(-1)?.[1] ?? -70);
  return {
    silences: parseSilences(result.stderr, media.duration),
    loudness: parseLoudness(Buffer.concat(chunks).toString('utf8'), media.duration),
    integrated: Number.isFinite(integrated) ? integrated : -70,
  };
}

/**
 * The speech recogniser port, and what every engine shares: the 16 kHz mono WAV they read, and
 * reading its samples back.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type FfmpegTools, ffmpegOrThrow } from '../ffmpeg.js';
import { SAFE_INPUT_OPTIONS } from '../probe.js';
import type { MediaInfo, Word } from '../types.js';

export interface AsrInput {
  /** 16 kHz mono 16-bit WAV (see {@link extractAudio}). */
  audioPath: string;
  /** BCP 47 primary subtag (`en`). */
  language: string;
  signal?: AbortSignal;
  /** 0…1. */
  onProgress?(fraction: number): void;
}

export type Availability = { ok: true } | { ok: false; reason: string };

/** A speech recogniser. Implementations: pocketsphinx, openai, whisper; plugins may add more. */
export interface AsrEngine {
  id: string;
  /** Can it run here, now (binary, model, key present)? Never throws. */
  available(tools: FfmpegTools, language?: string): Promise<Availability>;
  /**
   * Configuration checks that must fail loudly rather than fall back (a model path that does
   * not exist): called before any audio is extracted. Throws a coded error.
   */
  validate?(): Promise<void>;
  transcribe(input: AsrInput): Promise<Word[]>;
}

export interface AsrConfig {
  /**
   * `auto` (default): whisper when a model is set, else openai when a URL is set, else
   * pocketsphinx. `none`: no speech recognition. Any other value names a transcriber step
   * (built-in: pocketsphinx, whisper, openai; plugins add more).
   */
  engine?: string;
  /** whisper.cpp model file (ggml), supplied by the user. */
  model?: string;
  /** Threads for local engines. Default: the core count. */
  threads?: number;
  openai?: OpenAiAsrConfig;
  pocketsphinx?: { modelDir?: string };
}

export interface OpenAiAsrConfig {
  /** Base URL (`https://api.openai.com/v1`) or the full `…/audio/transcriptions` URL. */
  url?: string;
  /** Name of the environment variable that holds the key. Default `OPENAI_API_KEY`. */
  apiKeyEnv?: string;
  /** Default `whisper-1`. */
  model?: string;
  /** Per request. Default 600 000. */
  timeoutMs?: number;
  /** Seconds of audio per upload (a 16 kHz WAV is 32 KB/s; 25 MB is the usual limit). Default 600. */
  chunkSeconds?: number;
}

/** Extracts the first audio stream as 16 kHz mono 16-bit WAV (what every recogniser reads). */
export async function extractAudio(tools: FfmpegTools, media: MediaInfo, scratchDir: string, signal?: AbortSignal): Promise<string> {
  const out = join(scratchDir, 'asr-16k.wav');
  const map = media.audio ? `0:${media.audio.index}` : '0:a:0';
  await ffmpegOrThrow(
    tools,
    ['-y', ...SAFE_INPUT_OPTIONS, '-i', media.path, '-map', map, '-vn', '-sn', '-dn', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', '-f', 'wav', out],
    { step: 'extracting the audio of', file: media.path },
    signal ? { signal } : {},
  );
  return out;
}

export interface Pcm16 {
  rate: number;
  samples: Int16Array;
}

/** Reads a 16-bit mono PCM WAV, walking its chunks (ffmpeg adds a LIST chunk before `data`). */
export function parseWav(buf: Buffer): Pcm16 {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let offset = 12;
  let rate = 16000;
  let channels = 1;
  let bits = 16;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    let size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(body + 2);
      rate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
    }
    if (id === 'data') {
      if (bits !== 16 || channels !== 1) throw new Error(`expected 16-bit mono, got ${bits}-bit ${channels} channels`);
      // Streamed WAVs leave the size unset: take the rest of the file.
      if (size === 0 || size === 0xffffffff || body + size > buf.length) size = buf.length - body;
      const copy = Buffer.from(buf.subarray(body, body + (size & ~1)));
      return { rate, samples: new Int16Array(copy.buffer, copy.byteOffset, copy.length / 2) };
    }
    offset = body + size + (size & 1);
  }
  throw new Error('WAV file has no data chunk');
}

export async function readWav(path: string): Promise<Pcm16> {
  return parseWav(await readFile(path));
}

/** A WAV file's bytes for 16-bit mono samples. */
export function wavFile(samples: Int16Array, rate: number): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const head = Buffer.alloc(44);
  head.write('RIFF', 0, 'ascii');
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVEfmt ', 8, 'ascii');
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(1, 22);
  head.writeUInt32LE(rate, 24);
  head.writeUInt32LE(rate * 2, 28);
  head.writeUInt16LE(2, 32);
  head.writeUInt16LE(16, 34);
  head.write('data', 36, 'ascii');
  head.writeUInt32LE(data.length, 40);
  return Buffer.concat([head, data]);
}

/** Seconds of audio in a 16 kHz mono 16-bit WAV, from its size. */
export async function wavSeconds(path: string): Promise<number> {
  const { size } = await stat(path);
  return Math.max(0, size - 44) / 32000;
}

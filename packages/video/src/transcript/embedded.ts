/**
 * Captions that come with the video: a text subtitle stream in its container (mov_text, subrip,
 * ass, webvtt), or a sidecar file in whatever encoding the tool that wrote it chose.
 */
import { readFile } from 'node:fs/promises';
import { ExportIaError } from '@export-ia/core';
import { type FfmpegTools, logTail, run } from '../ffmpeg.js';
import { SAFE_INPUT_OPTIONS } from '../probe.js';
import type { MediaInfo } from '../types.js';

/** Reads one subtitle stream of the container as SRT text (ffmpeg converts any text format). */
export async function extractEmbeddedSubtitles(tools: FfmpegTools, media: MediaInfo, streamIndex: number, signal?: AbortSignal): Promise<string> {
  const args = [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    ...SAFE_INPUT_OPTIONS,
    '-i',
    media.path,
    '-map',
    `0:${streamIndex}`,
    '-c:s',
    'srt',
    '-f',
    'srt',
    '-',
  ];
  const result = await run(tools.ffmpeg, args, signal ? { signal } : {});
  if (result.code !== 0) {
    throw new ExportIaError('EIA_VIDEO_TRANSCRIPT_INVALID', {
      file: `${media.path} (subtitle stream ${streamIndex})`,
      detail: `ffmpeg could not read it: ${logTail(result.stderr)}`,
    });
  }
  return decodeSubtitleBytes(result.stdout);
}

/** Subtitle files come in UTF-8 (with or without BOM), UTF-16 (with BOM) or Windows-1252. */
export function decodeSubtitleBytes(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

export async function readSubtitleFile(path: string): Promise<string> {
  try {
    return decodeSubtitleBytes(await readFile(path));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ExportIaError('EIA_VIDEO_TRANSCRIPT_INVALID', { file: path, detail: `cannot be read (${detail})` }, { cause: error });
  }
}

const ISO639_2: Record<string, string> = {
  eng: 'en',
  spa: 'es',
  fra: 'fr',
  fre: 'fr',
  deu: 'de',
  ger: 'de',
  ita: 'it',
  por: 'pt',
  nld: 'nl',
  dut: 'nl',
  rus: 'ru',
  jpn: 'ja',
  zho: 'zh',
  chi: 'zh',
  kor: 'ko',
  ara: 'ar',
  hin: 'hi',
  pol: 'pl',
  tur: 'tr',
  swe: 'sv',
};

/** `eng` → `en`, `en-US` → `en`; undefined for `und` or unknown tags. */
export function languageFromTag(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  const lower = tag.toLowerCase();
  if (lower === 'und') return undefined;
  if (/^[a-z]{2}([-_].*)?$/.test(lower)) return lower.slice(0, 2);
  return ISO639_2[lower.slice(0, 3)];
}

/**
 * Step 1, probe: what the input holds (ffprobe), with a coded error for each way a file can be
 * unusable — not media, no video, no audio, no duration, a codec this ffmpeg cannot decode,
 * corrupt data.
 */
import { spawnSync } from 'node:child_process';
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExportIaError } from '@export-ia/core';
import { type FfmpegTools, logTail, run } from './ffmpeg.js';
import type { AudioStreamInfo, MediaInfo, SubtitleStreamInfo, VideoStreamInfo } from './types.js';

interface ProbeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  pix_fmt?: string;
  sample_rate?: string;
  duration?: string;
  channels?: number;
  tags?: Record<string, string>;
  disposition?: Record<string, number>;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}

interface ProbeOutput {
  streams?: ProbeStream[];
  format?: { format_name?: string; duration?: string; size?: string };
}

const TEXT_SUBTITLES = new Set(['subrip', 'srt', 'ass', 'ssa', 'webvtt', 'mov_text', 'text']);

function rational(value: string | undefined): number {
  if (!value) return 0;
  const [num, den] = value.split('/').map(Number);
  if (num === undefined || !Number.isFinite(num)) return 0;
  if (den === undefined) return num;
  return den > 0 ? num / den : 0;
}

function rotationOf(stream: ProbeStream): number {
  // ffprobe 5 reports a display matrix whose rotation is counter-clockwise (-90: the player turns
  // the picture 90° clockwise); ffprobe 4 reports the `rotate` tag, clockwise.
  const matrix = stream.side_data_list?.find((side) => typeof side.rotation === 'number')?.rotation;
  const clockwise = matrix !== undefined ? -matrix : Number(stream.tags?.rotate ?? 0);
  if (!Number.isFinite(clockwise)) return 0;
  return (((Math.round(clockwise / 90) * 90) % 360) + 360) % 360;
}

const decoderCache = new Map<string, Set<string>>();

function decoders(tools: FfmpegTools): Set<string> {
  const hit = decoderCache.get(tools.ffmpeg);
  if (hit) return hit;
  const out = spawnSync(tools.ffmpeg, ['-hide_banner', '-decoders'], { encoding: 'utf8', timeout: 20_000 });
  const names = new Set<string>();
  for (const line of (out.stdout ?? '').split('\n')) {
    const match = /^\s[VAS][.F][.S][.X][.B][.D]\s+(\S+)/.exec(line);
    if (match?.[1]) names.add(match[1]);
  }
  decoderCache.set(tools.ffmpeg, names);
  return names;
}

/** Does the file start like a container we know (so a probe failure means "corrupt", not "not a video")? */
async function looksLikeMedia(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(16);
    await handle.read(head, 0, 16, 0);
    if (head.toString('latin1', 4, 8) === 'ftyp') return true; // MP4 / MOV
    if (head.readUInt32BE(0) === 0x1a45dfa3) return true; // Matroska / WebM
    if (head.toString('latin1', 0, 4) === 'RIFF') return true; // AVI / WAV
    if (head[0] === 0x47) return true; // MPEG-TS
    return head.toString('latin1', 0, 3) === 'FLV';
  } finally {
    await handle.close();
  }
}

/**
 * Demuxers an input may be read with. Playlists and scripts that name other files or URLs (HLS,
 * DASH, concat, IMF, SDP, VobSub…) are not on it, whatever the file's extension: a `talk.mp4`
 * that is really an m3u8 must not make us read (and clip) a file elsewhere on the disk.
 */
export const INPUT_FORMATS: readonly string[] = [
  // Video containers, raw video streams, and audio (so an audio file gets "no video stream").
  'mov mp4 matroska webm avi mpegts mpeg flv live_flv asf ogg nut mxf gxf ivf dv rm wtv gif',
  'h264 hevc m4v mpegvideo obu av1 vc1 mjpeg yuv4mpegpipe',
  'wav w64 mp3 aac flac ac3 eac3 amr caf aiff wv loas',
].flatMap((group) => group.split(' '));

/**
 * Input options for every ffmpeg/ffprobe read of a user's file: local files only (no http, rtp,
 * data… even inside a container) and only the demuxers of {@link INPUT_FORMATS}.
 */
export const SAFE_INPUT_OPTIONS: readonly string[] = ['-protocol_whitelist', 'file', '-format_whitelist', INPUT_FORMATS.join(',')];

/** Demuxers that read other files or URLs named inside the input. */
const REFERENCING = new Set(['hls', 'applehttp', 'dash', 'concat', 'imf', 'sdp', 'rtp', 'rtsp', 'vobsub', 'webm_dash_manifest', 'image2']);

export interface ProbeOptions {
  /** Name to show in messages (what the user typed). */
  name?: string;
  signal?: AbortSignal;
  /** Require an audio stream (default true). */
  requireAudio?: boolean;
}

/** Probes a file. Throws a coded error when it cannot become clips. */
export async function probe(tools: FfmpegTools, file: string, options: ProbeOptions = {}): Promise<MediaInfo> {
  const path = resolve(file);
  const name = options.name ?? file;
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new ExportIaError('EIA_INPUT_IS_DIRECTORY', { file: name });
    size = info.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ExportIaError('EIA_INPUT_NOT_FOUND', { file: name });
    throw error;
  }
  if (size === 0) throw new ExportIaError('EIA_INPUT_EMPTY', { file: name });
  const result = await run(tools.ffprobe, ['-v', 'error', ...SAFE_INPUT_OPTIONS, '-print_format', 'json', '-show_format', '-show_streams', path], {
    signal: options.signal,
  });
  let parsed: ProbeOutput = {};
  try {
    parsed = JSON.parse(result.stdout.toString('utf8') || '{}') as ProbeOutput;
  } catch {
    parsed = {};
  }
  const streams = parsed.streams ?? [];
  const refused = /\[(\w+) @ [^\]]*\] Format not on whitelist/.exec(result.stderr)?.[1];
  if (refused) {
    const detail = REFERENCING.has(refused)
      ? `it is ${refused === 'hls' ? 'an HLS playlist' : `a ${refused} file`}, which names other files or streams instead of holding the video; only self-contained files are read`
      : `it is in the ${refused} format, which is not read (convert it to MP4 first)`;
    throw new ExportIaError('EIA_VIDEO_NOT_MEDIA', { file: name, detail });
  }
  // A container that opens but holds nothing (what a recorder writes when stopped at once).
  if (result.code === 0 && parsed.format && streams.length === 0 && !(Number(parsed.format.duration) > 0.05)) {
    throw new ExportIaError('EIA_VIDEO_EMPTY', { file: name, duration: 0 });
  }
  if (result.code !== 0 || !parsed.format || streams.length === 0) {
    const detail = logTail(result.stderr, 1).replace(`${path}: `, '') || 'no streams';
    if (await looksLikeMedia(path)) throw new ExportIaError('EIA_VIDEO_CORRUPT', { file: name, at: 'the container header', detail });
    throw new ExportIaError('EIA_VIDEO_NOT_MEDIA', { file: name, detail });
  }
  const known = decoders(tools);
  const videoStream = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const audioStream = streams.find((s) => s.codec_type === 'audio');
  const kinds = [...new Set(streams.map((s) => s.codec_type ?? 'data'))].join(', ');
  if (!videoStream) throw new ExportIaError('EIA_VIDEO_NO_VIDEO_STREAM', { file: name, streams: kinds || 'nothing' });
  if (!videoStream.codec_name || !known.has(videoStream.codec_name)) {
    throw new ExportIaError('EIA_VIDEO_UNSUPPORTED_CODEC', { file: name, kind: 'video', codec: videoStream.codec_name ?? 'an unknown codec' });
  }
  if (!audioStream && options.requireAudio !== false) throw new ExportIaError('EIA_VIDEO_NO_AUDIO_STREAM', { file: name });
  if (audioStream && (!audioStream.codec_name || !known.has(audioStream.codec_name))) {
    throw new ExportIaError('EIA_VIDEO_UNSUPPORTED_CODEC', { file: name, kind: 'audio', codec: audioStream.codec_name ?? 'an unknown codec' });
  }
  const duration = Number(parsed.format.duration ?? Number.NaN);
  if (!Number.isFinite(duration) || duration <= 0.05)
    throw new ExportIaError('EIA_VIDEO_EMPTY', { file: name, duration: Number.isFinite(duration) ? duration.toFixed(2) : 0 });

  const width = videoStream.width ?? 0;
  const height = videoStream.height ?? 0;
  if (width <= 0 || height <= 0) throw new ExportIaError('EIA_VIDEO_CORRUPT', { file: name, at: 'the video stream', detail: 'no frame size' });
  const rotation = rotationOf(videoStream);
  const sar = rational(videoStream.sample_aspect_ratio) || 1;
  const shownWidth = Math.round(width * (sar > 0 ? sar : 1));
  const turned = rotation === 90 || rotation === 270;
  const avg = rational(videoStream.avg_frame_rate);
  const real = rational(videoStream.r_frame_rate);
  const fps = avg > 0 && avg < 1000 ? avg : real > 0 && real < 1000 ? real : 25;
  const video: VideoStreamInfo = {
    index: videoStream.index,
    codec: videoStream.codec_name,
    width,
    height,
    rotation,
    displayWidth: turned ? height : shownWidth,
    displayHeight: turned ? shownWidth : height,
    fps,
    variableFrameRate: avg > 0 && real > 0 && Math.abs(avg - real) / real > 0.01,
  };
  if (videoStream.pix_fmt) video.pixelFormat = videoStream.pix_fmt;
  const info: MediaInfo = {
    path,
    duration,
    format: parsed.format.format_name ?? 'unknown',
    size,
    video,
    subtitles: streams
      .filter((s) => s.codec_type === 'subtitle')
      .map((s): SubtitleStreamInfo => {
        const sub: SubtitleStreamInfo = { index: s.index, codec: s.codec_name ?? 'unknown', text: TEXT_SUBTITLES.has(s.codec_name ?? '') };
        if (s.tags?.language && s.tags.language !== 'und') sub.language = s.tags.language;
        if (s.tags?.title) sub.title = s.tags.title;
        return sub;
      }),
  };
  if (audioStream) {
    const audio: AudioStreamInfo = {
      index: audioStream.index,
      codec: audioStream.codec_name ?? 'unknown',
      sampleRate: Number(audioStream.sample_rate ?? 0),
      channels: audioStream.channels ?? 0,
    };
    const audioDuration = Number(audioStream.duration);
    if (Number.isFinite(audioDuration) && audioDuration > 0) audio.duration = audioDuration;
    info.audio = audio;
  }
  return info;
}

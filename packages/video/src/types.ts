/**
 * The data that flows between the clip pipeline's steps. Everything here is plain, serialisable
 * data (numbers in seconds, coordinates normalised to 0…1 of the source frame), so a step can run
 * in another thread or process, be stored in a job's events, and be replaced by a plugin.
 *
 * What crosses to a plugin step (words, candidates, scores, subject boxes…) is defined in the
 * plugin API (`@export-ia/core/plugin`), so a plugin and this package share one definition.
 */
import type { Candidate, ScoreReason, Sentence, Span, SubjectBox, Word } from '@export-ia/core/plugin';

export type {
  AudioAnalysis,
  Candidate,
  CaptionStyle,
  SceneAnalysis,
  ScoreReason,
  Sentence,
  Span,
  SubjectBox,
  Transcript,
  Word,
} from '@export-ia/core/plugin';

/** What ffprobe says about an input. */
export interface MediaInfo {
  /** Absolute path. */
  path: string;
  /** Seconds. */
  duration: number;
  /** Container format name(s), e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
  format: string;
  size: number;
  video?: VideoStreamInfo;
  audio?: AudioStreamInfo;
  /** Subtitle streams the container holds (usable as the transcript). */
  subtitles: SubtitleStreamInfo[];
}

export interface VideoStreamInfo {
  /** Stream index in the container (`0:v:0` is not this; this is the absolute index). */
  index: number;
  codec: string;
  /** Coded size. */
  width: number;
  height: number;
  /** Degrees clockwise the player turns the picture (phone videos): 0, 90, 180 or 270. */
  rotation: number;
  /** Size as displayed (after rotation and sample aspect ratio). */
  displayWidth: number;
  displayHeight: number;
  /** Average frame rate. */
  fps: number;
  /** True when the frame rate varies (r_frame_rate and avg_frame_rate disagree). */
  variableFrameRate: boolean;
  pixelFormat?: string;
}

export interface AudioStreamInfo {
  index: number;
  codec: string;
  /** The stream's own duration when the container says (it may end before the video). */
  duration?: number;
  sampleRate: number;
  channels: number;
}

export interface SubtitleStreamInfo {
  index: number;
  codec: string;
  language?: string;
  title?: string;
  /** Text subtitles (subrip, ass, webvtt, mov_text) can become a transcript; bitmap ones cannot. */
  text: boolean;
}

export interface ScoredCandidate extends Candidate {
  /** 0…100. */
  score: number;
  reasons: ScoreReason[];
  /** A separate score from an optional LLM scorer (not part of `score`). */
  llmScore?: number;
}

export interface FrameDetections {
  /** Seconds from the start of the source. */
  t: number;
  boxes: SubjectBox[];
}

/**
 * Where the crop window is centred over time, normalised to the source frame. The renderer moves
 * linearly between points; two points at the same time are a jump (a scene cut).
 */
export interface TrackPoint {
  t: number;
  cx: number;
  cy: number;
  /** What the point came from: a face, motion/saliency, or the frame centre. */
  kind: 'face' | 'motion' | 'center';
}

export type Aspect = '9:16' | '1:1' | '4:5' | '16:9';
export type Layout = 'auto' | 'fill' | 'fit' | 'split';
export type CaptionMode = 'none' | 'plain' | 'karaoke';

/** A clip chosen for rendering, with everything the renderer needs. */
export interface PlannedClip extends ScoredCandidate {
  /** 1-based rank by score. */
  rank: number;
  /** Margins included: where the cut really starts and ends. */
  cutStart: number;
  cutEnd: number;
  /** Parts of [cutStart, cutEnd] removed (silences, fillers), in source time. */
  removed: Span[];
  track: TrackPoint[];
  layout: Exclude<Layout, 'auto'>;
}

/** One rendered clip, as `clips.json` lists it. */
export interface ClipRecord {
  rank: number;
  /** File names, relative to the output folder. */
  file: string;
  srt: string;
  vtt: string;
  thumbnail: string;
  /** Source seconds of the chosen sentences. */
  start: number;
  end: number;
  /** Source seconds of the cut (with margins). */
  cutStart: number;
  cutEnd: number;
  /** Seconds of the rendered file. */
  duration: number;
  score: number;
  reasons: ScoreReason[];
  llmScore?: number;
  text: string;
  /** Words in clip time (after removed spans), as the captions show them. */
  words: Word[];
  removed: Span[];
  layout: Exclude<Layout, 'auto'>;
  track: TrackPoint[];
  width: number;
  height: number;
  fps: number;
}

/** `clips.json`: everything about one clip job's result. */
export interface ClipsManifest {
  version: 1;
  source: { file: string; duration: number; width: number; height: number; fps: number; sha256?: string };
  generatedAt: string;
  generator: string;
  settings: Record<string, unknown>;
  transcript: { source: string; language: string; words: number; sentences: Sentence[] };
  analysis: { silences: number; integratedLoudness: number; sceneCuts: number[]; scanned: Span[]; loudness: number[] };
  candidates: number;
  clips: ClipRecord[];
  warnings: { code: string; message: string; hint: string }[];
}

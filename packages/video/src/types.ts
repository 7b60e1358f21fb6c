/**
 * The data that flows between the clip pipeline's steps. Everything here is plain, serialisable
 * data (numbers in seconds, coordinates normalised to 0…1 of the source frame), so a step can run
 * in another thread or process, be stored in a job's events, and be replaced by a plugin.
 */

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

/** One spoken word with its timing (seconds from the start of the source). */
export interface Word {
  text: string;
  start: number;
  end: number;
  /** 0…1 when the recogniser gives one. */
  confidence?: number;
}

/** A sentence: a run of words ending with . ? ! … (or a long pause). */
export interface Sentence {
  text: string;
  start: number;
  end: number;
  /** Index of its first word in `Transcript.words`, and one past its last. */
  wordStart: number;
  wordEnd: number;
}

export interface Transcript {
  /** BCP 47 primary subtag: `en`, `es`… */
  language: string;
  /** Where it came from: `sidecar:talk.srt`, `embedded:2`, `asr:pocketsphinx`, `asr:whisper`… */
  source: string;
  words: Word[];
  sentences: Sentence[];
}

/** A time range, seconds. */
export interface Span {
  start: number;
  end: number;
}

/** What the audio pass found over the whole file. */
export interface AudioAnalysis {
  /** Pauses (below the silence threshold for at least the minimum duration). */
  silences: Span[];
  /** Momentary loudness per second (LUFS), index = second. -70 for digital silence. */
  loudness: number[];
  /** Integrated loudness of the file (LUFS). */
  integrated: number;
}

/** Scene cuts found by decoding the video (seconds), only around candidates. */
export interface SceneAnalysis {
  /** Ranges that were decoded. */
  scanned: Span[];
  cuts: number[];
}

/** A possible clip: whole sentences, within the length bounds. */
export interface Candidate extends Span {
  /** Sentence indices: first, and one past the last. */
  sentenceStart: number;
  sentenceEnd: number;
  text: string;
}

/** One reason behind a score, shown to the user. */
export interface ScoreReason {
  /** `hook`, `emotion`, `salience`, `pace`, `energy`, `completeness`, `visual`, `keywords`, `llm`. */
  factor: string;
  /** This factor's value, 0…1. */
  value: number;
  /** Its weight in the total. */
  weight: number;
  /** Plain words: `Opens with a question`, `Mentions "pricing" 3 times`. */
  detail: string;
}

export interface ScoredCandidate extends Candidate {
  /** 0…100. */
  score: number;
  reasons: ScoreReason[];
  /** A separate score from an optional LLM scorer (not part of `score`). */
  llmScore?: number;
}

/** A face or person found in one sampled frame, normalised to the (displayed) source frame. */
export interface SubjectBox {
  x: number;
  y: number;
  w: number;
  h: number;
  /** Detector confidence 0…1. */
  score: number;
  /** Mouth opening relative to face height, when landmarks are available (who speaks). */
  mouth?: number;
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

/** The look of burned captions (a brand template: `--caption-style style.yaml`). */
export interface CaptionStyle {
  font: string;
  /** Font size as a fraction of the output height (0.045 = 4.5 %). */
  size: number;
  /** `#RRGGBB` or `#RRGGBBAA`. */
  color: string;
  /** Colour of the word being spoken (karaoke). */
  highlightColor: string;
  outlineColor: string;
  /** Outline width as a fraction of the font size. */
  outline: number;
  bold: boolean;
  uppercase: boolean;
  /** Vertical position of the caption's centre, as a fraction of the height (0 = top). */
  position: number;
  /** Words per caption line, 1…4. */
  maxWords: number;
}

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

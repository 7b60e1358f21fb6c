/**
 * The contracts of the video clipping steps a plugin can provide: a speech recogniser
 * (`transcriber`), a subject detector for reframing (`detector`) and a highlight scorer
 * (`scorer`). Like the document contracts they are data only at the boundary (bytes, numbers,
 * plain objects), so a third-party step runs in its sandboxed process unchanged.
 *
 * The steps that read or write the video itself (probe, the audio pass, scene cuts, the render)
 * are the clipping engine's own ffmpeg passes: see ARCHITECTURE.md, "Video steps as plugins".
 */
import type { Diagnostic } from '../errors/export-ia-error.js';

/** One spoken word with its timing (seconds from the start of the video). */
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
  /** Where it came from: `sidecar:talk.srt`, `embedded:2`, `asr:pocketsphinx`… */
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
  /** `hook`, `emotion`, `salience`… or a plugin's own factor name. */
  factor: string;
  /** This factor's value, 0…1. */
  value: number;
  /** Its weight in the total. */
  weight: number;
  /** Plain words: `Opens with a question`, `Mentions "pricing" 3 times`. */
  detail: string;
}

/** A face or person found in one sampled frame, normalised to the frame (0…1). */
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

/** What every video step gets. */
export interface VideoStepContext {
  /** The video's name, for messages. */
  readonly file: string;
  readonly cwd: string;
  /** Where relative paths in this plugin's configuration resolve from. */
  readonly configDir: string;
  /** The plugin's configuration (`pluginConfig.<id>`), validated against its `configSchema`. */
  readonly config: Readonly<Record<string, unknown>>;
  /**
   * The job's options for this kind of step: for a transcriber the `clip.asr` section with the
   * `--asr-*` flags over it (`model`, `url`, `apiKeyEnv`, `threads`…); for a scorer the
   * `weights`. Plain data.
   */
  readonly options: Readonly<Record<string, unknown>>;
  readonly signal: AbortSignal;
  readonly plugin: Readonly<{ id: string; version: string }>;
  /** A warning for the job (shown, and kept in clips.json). */
  report(diagnostic: Diagnostic): void;
  /** Progress of this call, 0…1. */
  progress(fraction: number, note?: string): void;
}

/** One piece of a video's sound, for a speech recogniser. */
export interface TranscribeInput {
  /** 16 kHz mono 16-bit PCM WAV. */
  audio: Uint8Array;
  /** Where this piece starts in the video, seconds: word times are the video's (add it). */
  offset: number;
  /** Seconds of audio in this piece. */
  duration: number;
  /** BCP 47 primary subtag (`en`). */
  language: string;
  /**
   * The same sound as a WAV file, when the step runs in the host's process and gets the whole
   * file in one piece (`chunkSeconds: 0`): a recogniser that reads files need not write `audio`
   * out again. A sandboxed step never gets it (it cannot read the host's files).
   */
  file?: string;
}

export type StepAvailability = { ok: true } | { ok: false; reason: string };

/** A speech recogniser: sound → words with times. */
export interface Transcriber {
  /**
   * Can it run here, now (binary, model, key present)? `auto` skips one that cannot; one the
   * user named is an error with the reason. Throw a coded error for a configuration that must
   * fail loudly (a model path that does not exist). Default: available.
   */
  available?(language: string, ctx: VideoStepContext): StepAvailability | Promise<StepAvailability>;
  /** Words of this piece, with times from the start of the video (`input.offset` added). */
  transcribe(input: TranscribeInput, ctx: VideoStepContext): Word[] | Promise<Word[]>;
}

/** One sampled frame of the video. */
export interface VideoFrame {
  /** Seconds from the start of the video. */
  t: number;
  width: number;
  height: number;
  /** `width × height × 3` bytes, row-major RGB. */
  rgb: Uint8Array;
}

/** Finds the subjects (faces, people) the crop should follow, in one frame. */
export interface Detector {
  /** Boxes normalised to the frame (0…1), most confident first; an empty list when none. */
  detect(frame: VideoFrame, ctx: VideoStepContext): SubjectBox[] | Promise<SubjectBox[]>;
}

/** One word as shown, in clip time (seconds from the first frame of the rendered clip). */
export interface CaptionWord {
  text: string;
  start: number;
  end: number;
}

/** One caption on screen: shown from `start` to `end` (clip time), its words in order. */
export interface CaptionLine {
  start: number;
  end: number;
  words: CaptionWord[];
}

/** The caption style (`--caption-style`): a brand template's font, colours and placement. */
export interface CaptionStyle {
  /** A font family name, or a font file (.ttf/.otf) path. */
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

/** What a captioner gets for one clip. */
export interface CaptionInput {
  /** The captions, already split into lines (1-4 words, the style's `maxWords`), in clip time. */
  lines: CaptionLine[];
  /** Output size, pixels. */
  width: number;
  height: number;
  /** `plain`: each line as it is; `karaoke`: the word being spoken highlighted. */
  mode: 'plain' | 'karaoke';
  style: CaptionStyle;
  /** The font family to name in the script (the bundled fonts and the system's are available). */
  fontFamily: string;
  /** Margins the platforms' buttons cover, as fractions of the height (top, bottom) and width (side). */
  safeArea: { top: number; bottom: number; side: number };
  /** The clip's length, seconds. */
  duration: number;
}

/**
 * Burned captions: one clip's caption lines → an ASS (Advanced SubStation Alpha) script, which
 * libass draws onto the picture. Animated styles (pop-in words, bouncing highlights, emoji) are
 * ASS override tags.
 */
export interface Captioner {
  captions(input: CaptionInput, ctx: VideoStepContext): string | Promise<string>;
}

/** What a scorer sees: the candidates and everything known about the talk. */
export interface ScoreInput {
  candidates: Candidate[];
  transcript: Transcript;
  audio: AudioAnalysis;
  /** Scene cuts, on the second call (only around the shortlist); absent on the first. */
  scenes?: SceneAnalysis;
  language: string;
  /** `--keywords`. */
  keywords: string[];
}

/** A candidate's score. */
export interface CandidateScore {
  /** 0…100. */
  score: number;
  /** Why: shown in clips.json and the report. */
  reasons: ScoreReason[];
}

/**
 * Highlight scoring. Called twice: first on every candidate without pictures, then on the
 * shortlist with its scene cuts. Answers one score per candidate, in the same order.
 */
export interface Scorer {
  score(input: ScoreInput, ctx: VideoStepContext): CandidateScore[] | Promise<CandidateScore[]>;
}

/**
 * The transcript step: captions (sidecar or embedded) or a speech recogniser → timed words and
 * sentences.
 */
export * from './asr.js';
export * from './embedded.js';
export * from './get-transcript.js';
export * from './openai.js';
export * from './pocketsphinx.js';
export * from './subtitles.js';
export * from './whisper.js';
export * from './words.js';

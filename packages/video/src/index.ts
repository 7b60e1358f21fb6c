/**
 * `@export-ia/video`: a long video in, ranked short vertical clips out.
 */
export * from './audio.js';
export * from './captions/index.js';
export * from './clip.js';
export * from './config.js';
export * from './ffmpeg.js';
export * from './highlights/index.js';
export * from './probe.js';
export * from './reframe/index.js';
export * from './reframe-step.js';
export * from './render.js';
export * from './report.js';
export * from './scenes.js';
export * from './steps.js';
export * from './transcript/index.js';
export type * from './types.js';

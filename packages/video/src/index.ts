/**
 * `@export-ia/video`: a long video in, ranked short vertical clips out.
 */
export * from './ffmpeg.js';
export type * from './types.js';

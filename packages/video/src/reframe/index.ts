/**
 * Reframing: find the subject in sampled frames and turn it into a smooth crop track.
 */
export { type DetectOptions, detectSubjects } from './detect.js';
export { type CropGeometry, cropAt, evaluateExpression, trackToCropExpressions } from './expressions.js';
export { createFaceDetector, type FaceDetectorOptions, type SubjectDetector } from './face-detector.js';
export { type Frame, type SampleOptions, sampleFrames, sampleSize } from './frames.js';
export { decideLayout, type LayoutOptions } from './layout.js';
export { createMotionDetector, type MotionDetectorOptions } from './motion-detector.js';
export { cropSize, type Identity, linkIdentities, SPEAKING, type SubjectFrame, salience, speaking } from './subjects.js';
export { type BuildTrackInput, buildTrack, compactTrack, shotsOf, type TrackTuning } from './track.js';

/**
 * Highlights: from a transcript (and the audio and scene analyses) to ranked clips. Pure
 * TypeScript: candidates → scores with reasons → non-overlapping selection; plus the filler and
 * silence cut list used by `--remove-fillers` / `--remove-silence`.
 */
export { type CandidateOptions, fallbackCandidates, findCandidates } from './candidates.js';
export { type CutOptions, cutList, fillerSpans, keptDuration } from './cuts.js';
export { addLlmScores, type LlmContext, type LlmScorer, type LlmWarning, OpenAiChatScorer, type OpenAiScorerOptions, parseScores } from './llm-scorer.js';
export { DEFAULT_WEIGHTS, resolveWeights, type ScoreOptions, scoreCandidates, type Weights } from './score.js';
export { type SelectOptions, selectClips } from './select.js';

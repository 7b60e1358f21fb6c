/**
 * Candidate segments: runs of whole sentences within the length bounds (from the transcript), or,
 * when there is no usable transcript, runs of speech between pauses (from the audio).
 */
import type { AudioAnalysis, Candidate, Span, Transcript } from '../types.js';
import { endStrength, hasWords } from './text.js';

export interface CandidateOptions {
  /** Shortest clip, seconds. */
  min: number;
  /** Longest clip, seconds. */
  max: number;
  /** Length of the source, seconds (spans are clamped to it). */
  duration: number;
  /**
   * At most this many candidates per start sentence (the strongest ends: a full stop over a comma
   * over nothing, then the longer pause after). Keeps a long talk at O(sentences · perStart). Default 4.
   */
  perStart?: number;
}

interface End {
  index: number;
  end: number;
  strength: number;
  pause: number;
}

/**
 * Every run of whole sentences whose span lies within [min, max], starting at a sentence start
 * and ending at a sentence end (word timings included, so no word is cut), at most `perStart`
 * per start sentence. Sentences without words are never a start or an end. Sorted by start, then end.
 */
export function findCandidates(transcript: Transcript, options: CandidateOptions): Candidate[] {
  const { min, max, duration } = options;
  const perStart = Math.max(1, Math.floor(options.perStart ?? 4));
  const sentences = transcript.sentences;
  const out: Candidate[] = [];
  if (!(max > 0) || max < min) return out;

  // Each sentence's outer bounds: its own times widened to its words' times.
  const starts: number[] = [];
  const ends: number[] = [];
  for (const s of sentences) {
    const first = transcript.words[s.wordStart];
    const last = transcript.words[s.wordEnd - 1];
    starts.push(Math.max(0, Math.min(s.start, first?.start ?? s.start)));
    ends.push(Math.min(duration > 0 ? duration : Number.POSITIVE_INFINITY, Math.max(s.end, last?.end ?? s.end)));
  }

  for (let i = 0; i < sentences.length; i++) {
    const si = sentences[i];
    if (!si || !hasWords(si)) continue;
    const start = starts[i] ?? 0;
    const found: End[] = [];
    for (let j = i; j < sentences.length; j++) {
      const sj = sentences[j];
      const end = ends[j] ?? 0;
      if (!sj || end - start > max + 1e-9) break;
      if (!hasWords(sj) || end - start < min - 1e-9) continue;
      const next = starts[j + 1];
      found.push({ index: j, end, strength: endStrength(sj.text), pause: next === undefined ? Number.POSITIVE_INFINITY : next - end });
    }
    found.sort((a, b) => b.strength - a.strength || b.pause - a.pause || a.index - b.index);
    const kept = found.slice(0, perStart).sort((a, b) => a.index - b.index);
    for (const e of kept) {
      out.push({
        start,
        end: e.end,
        sentenceStart: i,
        sentenceEnd: e.index + 1,
        text: sentences
          .slice(i, e.index + 1)
          .map((s) => s.text.trim())
          .filter(Boolean)
          .join(' '),
      });
    }
  }
  return out;
}

/**
 * Candidates from the audio alone (no transcript): runs of speech between pauses, starting where a
 * pause ends and ending where one starts, within [min, max]. When the pauses give none (continuous
 * sound), overlapping windows of (min + max) / 2 seconds every half window. `sentenceStart` and
 * `sentenceEnd` are 0 and `text` is empty.
 */
export function fallbackCandidates(audio: AudioAnalysis, options: CandidateOptions): Candidate[] {
  const { min, max, duration } = options;
  const perStart = Math.max(1, Math.floor(options.perStart ?? 4));
  const out: Candidate[] = [];
  if (!(duration > 0) || !(max > 0) || max < min || duration < min) return out;

  const speech = speechRuns(audio.silences, duration);
  for (let i = 0; i < speech.length; i++) {
    const start = speech[i]?.start ?? 0;
    const ends: End[] = [];
    for (let j = i; j < speech.length; j++) {
      const end = speech[j]?.end ?? 0;
      if (end - start > max + 1e-9) break;
      if (end - start < min - 1e-9) continue;
      const next = speech[j + 1];
      ends.push({ index: j, end, strength: 0, pause: next ? next.start - end : Number.POSITIVE_INFINITY });
    }
    ends.sort((a, b) => b.pause - a.pause || a.index - b.index);
    for (const e of ends.slice(0, perStart).sort((a, b) => a.index - b.index)) {
      out.push({ start, end: e.end, sentenceStart: 0, sentenceEnd: 0, text: '' });
    }
  }
  if (out.length > 0) return out;

  const length = Math.min(duration, (min + max) / 2);
  const step = Math.max(1, length / 2);
  for (let t = 0; t + length <= duration + 1e-9; t += step) {
    out.push({ start: t, end: t + length, sentenceStart: 0, sentenceEnd: 0, text: '' });
  }
  return out;
}

/** The complement of the silences within [0, duration], sorted; runs shorter than 0.1 s are dropped. */
function speechRuns(silences: readonly Span[], duration: number): Span[] {
  const sorted = [...silences].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const runs: Span[] = [];
  let t = 0;
  for (const s of sorted) {
    if (s.start > t) runs.push({ start: t, end: Math.min(s.start, duration) });
    t = Math.max(t, s.end);
    if (t >= duration) break;
  }
  if (t < duration) runs.push({ start: t, end: duration });
  return runs.filter((r) => r.end - r.start >= 0.1);
}

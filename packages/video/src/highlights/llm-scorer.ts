/**
 * An optional second opinion: a language model rates candidates 0…100. Off by default; its
 * score is kept apart (`llmScore`), never mixed into `score`, and any failure is a warning.
 */
import type { Candidate, ScoredCandidate } from '../types.js';

export interface LlmContext {
  language: string;
  keywords?: readonly string[];
  /** The video's title or file name, when known. */
  title?: string;
}

/** The port: one score 0…100 per candidate, in order. Throws (or rejects) on failure. */
export interface LlmScorer {
  score(candidates: Candidate[], context: LlmContext): Promise<number[]>;
}

export interface OpenAiScorerOptions {
  /** Base URL of an OpenAI-compatible API (`https://host/v1`); `/chat/completions` is appended unless present. */
  url: string;
  model: string;
  /** Name of the environment variable that holds the API key (the key itself is never in config). Optional for local servers. */
  apiKeyEnv?: string;
  /** Per request. Default 60 s. */
  timeoutMs?: number;
  /** Candidates per request. Default 20. */
  batchSize?: number;
  /** Characters of transcript per candidate in the prompt. Default 1,500. */
  maxChars?: number;
  env?: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
}

const SYSTEM = [
  'You rate moments of a long video as stand-alone short vertical clips for social media.',
  'For each numbered transcript excerpt give a score from 0 to 100: a strong hook in the first seconds, a complete self-contained thought, emotional or surprising content, and clear value for a viewer who saw nothing else.',
  'Answer with JSON only, exactly of the shape {"scores":[n0,n1,...]}: one integer per excerpt, in the given order, nothing else.',
].join(' ');

/** An `LlmScorer` over an OpenAI-compatible chat completions endpoint (JSON mode). */
export class OpenAiChatScorer implements LlmScorer {
  readonly #o: OpenAiScorerOptions;

  constructor(options: OpenAiScorerOptions) {
    if (!options.url || !options.model) throw new TypeError('OpenAiChatScorer needs a url and a model');
    this.#o = options;
  }

  async score(candidates: Candidate[], context: LlmContext): Promise<number[]> {
    const size = Math.max(1, this.#o.batchSize ?? 20);
    const out: number[] = [];
    for (let i = 0; i < candidates.length; i += size) out.push(...(await this.#batch(candidates.slice(i, i + size), context)));
    return out;
  }

  async #batch(candidates: Candidate[], context: LlmContext): Promise<number[]> {
    const o = this.#o;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (o.apiKeyEnv) {
      const key = (o.env ?? process.env)[o.apiKeyEnv];
      if (!key) throw new Error(`the environment variable ${o.apiKeyEnv} (the API key) is not set`);
      headers.authorization = `Bearer ${key}`;
    }
    const max = o.maxChars ?? 1500;
    const lines = [
      `Language: ${context.language}.`,
      context.title ? `Video: ${context.title}.` : '',
      context.keywords && context.keywords.length > 0 ? `The viewer cares about: ${context.keywords.join(', ')}.` : '',
      ...candidates.map((c, i) => `[${i}] (${(c.end - c.start).toFixed(0)} s) ${c.text.length > max ? `${c.text.slice(0, max)}…` : c.text}`),
      `Return {"scores":[...]} with exactly ${candidates.length} integers.`,
    ].filter(Boolean);
    const url = /\/chat\/completions\/?$/.test(o.url) ? o.url : `${o.url.replace(/\/+$/, '')}/chat/completions`;
    let res: Response;
    try {
      res = await (o.fetch ?? fetch)(url, {
        method: 'POST',
        headers,
        signal: AbortSignal.timeout(o.timeoutMs ?? 60_000),
        body: JSON.stringify({
          model: o.model,
          temperature: 0,
          response_format: { type: 'json_object' },
          messages: [
            { role: 'system', content: SYSTEM },
            { role: 'user', content: lines.join('\n') },
          ],
        }),
      });
    } catch (err) {
      if (err instanceof Error && err.name === 'TimeoutError') throw new Error(`no answer from ${url} within ${o.timeoutMs ?? 60_000} ms`);
      // fetch says only "fetch failed": the cause holds ECONNREFUSED, ENOTFOUND…
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
      throw new Error(`cannot reach ${url}: ${why}`);
    }
    const body = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}: ${body.slice(0, 200)}`);
    return parseScores(body, candidates.length);
  }
}

/**
 * The scores in a chat completion response: `choices[0].message.content` must be JSON (a ```json
 * fence is tolerated) of exactly the shape `{"scores":[…]}` with `expected` numbers in 0…100.
 */
export function parseScores(responseBody: string, expected: number): number[] {
  let content: unknown;
  try {
    content = (JSON.parse(responseBody) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
  } catch {
    throw new Error('the response is not JSON');
  }
  if (typeof content !== 'string') throw new Error('the response has no choices[0].message.content');
  const json = content
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error(`the model's answer is not JSON: ${content.slice(0, 120)}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.keys(parsed).join() !== 'scores') {
    throw new Error('the model\'s answer is not of the shape {"scores":[…]}');
  }
  const scores = (parsed as { scores: unknown }).scores;
  if (!Array.isArray(scores) || scores.length !== expected) {
    throw new Error(`the model gave ${Array.isArray(scores) ? scores.length : 'no'} scores for ${expected} candidates`);
  }
  return scores.map((s, i) => {
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > 100) throw new Error(`score ${i} is not a number from 0 to 100: ${JSON.stringify(s)}`);
    return s;
  });
}

/** A problem with the optional LLM scorer: reported, never fatal. */
export interface LlmWarning {
  message: string;
}

/**
 * Asks the scorer about the given clips and sets `llmScore` on copies of them; on any failure
 * the clips come back unchanged with a warning. `score` is never touched.
 */
export async function addLlmScores(
  clips: readonly ScoredCandidate[],
  scorer: LlmScorer,
  context: LlmContext,
): Promise<{ clips: ScoredCandidate[]; warnings: LlmWarning[] }> {
  if (clips.length === 0) return { clips: [], warnings: [] };
  try {
    const scores = await scorer.score(
      clips.map(({ start, end, sentenceStart, sentenceEnd, text }) => ({ start, end, sentenceStart, sentenceEnd, text })),
      context,
    );
    if (scores.length !== clips.length) throw new Error(`the scorer gave ${scores.length} scores for ${clips.length} clips`);
    return { clips: clips.map((c, i) => ({ ...c, llmScore: Math.round(scores[i] ?? 0) })), warnings: [] };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { clips: [...clips], warnings: [{ message: `The LLM scorer failed, clips keep their own scores only: ${message}` }] };
  }
}

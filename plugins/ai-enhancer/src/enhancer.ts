/**
 * The `ai` check: picks the passages, sends each to the configured model (two at a time), and
 * returns the answers as `info` findings on the passages. The metric is `ai`, which the quality
 * score does not read: an AI opinion never changes the score.
 */
import type { CheckContext, CheckResult, Finding, MergeContext, ProseBlock, SectionPart } from '@export-ia/core/plugin';
import { type ChatResult, complete, languageName, systemPrompt } from './chat.js';
import { type AiConfig, DEFAULTS, readConfig } from './config.js';
import { type Chosen, type HardestMatch, type LongSentence, longestSentences, matchHardest, pickHardest, pickLongest } from './passages.js';

/** Requests in flight at once: enough to overlap latency, gentle on a local server. */
export const CONCURRENCY = 2;
/** Kept free of the step's deadline so the findings come back before the host gives up on the step. */
const DEADLINE_MARGIN_MS = 1000;

const EXCERPT_CHARS = 200;
const excerptOf = (text: string) => {
  if (text.length <= EXCERPT_CHARS) return text;
  const cut = text.lastIndexOf(' ', EXCERPT_CHARS - 1);
  return `${text.slice(0, cut > EXCERPT_CHARS / 2 ? cut : EXCERPT_CHARS - 1)}…`;
};

function notConfigured(problems: readonly string[]): CheckResult {
  return {
    findings: [
      {
        rule: 'ai/not-configured',
        severity: 'info',
        message: `The AI enhancer is not configured (${problems.join(', ')}), so no text was sent anywhere.`,
        suggestion: `Set pluginConfig.ai-enhancer.url (an OpenAI-compatible API, e.g. https://api.openai.com/v1 or http://localhost:11434/v1) and .model in export-ia.config.yaml; put the API key, if the endpoint needs one, in the environment variable ${DEFAULTS.apiKeyEnv}.`,
      },
    ],
    metrics: { ai: { configured: false } },
  };
}

/** Runs `work` over `items`, at most `limit` at a time; results in the items' order. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** The readability checker's hardest sentences, when it ran in an earlier stage. */
function hardestOf(metrics: Readonly<Record<string, unknown>>): readonly unknown[] | undefined {
  const readability = metrics.readability as { hardest?: unknown } | undefined;
  return readability && Array.isArray(readability.hardest) ? readability.hardest : undefined;
}

/**
 * What one part of a huge document hands to `merge`: its matches of the hardest sentences, or
 * its own longest sentences (at most `maxPassages`), at document positions.
 */
export type AiPartial = { source: 'readability'; matches: Array<HardestMatch | null> } | { source: 'longest'; sentences: LongSentence[] } | { source: 'none' };

/** A part's candidates; nothing is sent from a part: merge chooses among all the parts' and sends. */
export function enhancePart(blocks: readonly ProseBlock[], ctx: CheckContext & { part: SectionPart }, raw: Readonly<Record<string, unknown>>): CheckResult {
  const read = readConfig(raw);
  if (!('config' in read)) return { findings: [], partial: { source: 'none' } satisfies AiPartial };
  const hardest = hardestOf(ctx.metrics);
  const partial: AiPartial = hardest
    ? { source: 'readability', matches: matchHardest(blocks, hardest, ctx.language, ctx.part) }
    : { source: 'longest', sentences: longestSentences(blocks, ctx.language, read.config.maxPassages, ctx.part) };
  return { findings: [], partial };
}

/** The check of a document analysed in sections: the passages chosen among the parts', then sent. */
export function enhanceMerged(parts: readonly CheckResult[], ctx: MergeContext, raw: Readonly<Record<string, unknown>>): Promise<CheckResult> {
  const read = readConfig(raw);
  if (!('config' in read)) return Promise.resolve(notConfigured(read.problems));
  const partials = parts.map((p) => p.partial as AiPartial | undefined);
  const max = read.config.maxPassages;
  if (hardestOf(ctx.metrics)) {
    const matches = partials.map((p) => (p?.source === 'readability' ? p.matches : []));
    return send(pickHardest(matches, max), 'readability', ctx, read.config);
  }
  const sentences = partials.map((p) => (p?.source === 'longest' ? p.sentences : []));
  return send(pickLongest(sentences, max), 'longest', ctx, read.config);
}

function choosePassages(blocks: readonly ProseBlock[], ctx: CheckContext, max: number): { passages: Chosen[]; source: 'readability' | 'longest' } {
  const hardest = hardestOf(ctx.metrics);
  if (hardest) return { passages: pickHardest([matchHardest(blocks, hardest, ctx.language)], max), source: 'readability' };
  return { passages: pickLongest([longestSentences(blocks, ctx.language, max)], max), source: 'longest' };
}

/** The check, on the document's prose blocks. */
export async function enhance(blocks: readonly ProseBlock[], ctx: CheckContext, raw: Readonly<Record<string, unknown>>): Promise<CheckResult> {
  const read = readConfig(raw);
  if (!('config' in read)) return notConfigured(read.problems);
  const config: AiConfig = read.config;
  const { passages, source } = choosePassages(blocks, ctx, config.maxPassages);
  return send(passages, source, ctx, config);
}

/** Sends the passages (two at a time) and turns the answers into findings on them. */
async function send(
  passages: readonly Chosen[],
  source: 'readability' | 'longest',
  ctx: Pick<CheckContext, 'language' | 'settings' | 'signal'>,
  config: AiConfig,
): Promise<CheckResult> {
  const apiKey = process.env[config.apiKeyEnv] ?? '';
  const system = systemPrompt(config.mode, languageName(config.language ?? ctx.language));
  const stepLimit = ctx.settings?.limits?.stepTimeoutMs;
  const deadline = typeof stepLimit === 'number' ? performance.now() + stepLimit - Math.min(DEADLINE_MARGIN_MS, stepLimit / 10) : Number.POSITIVE_INFINITY;
  // After an answer that will not change for the next passage (unreachable, refused key, unknown
  // route or model), the rest are not sent.
  let stop: ChatResult | undefined;

  const results = await pool(passages, CONCURRENCY, async (p): Promise<ChatResult> => {
    if (stop && !stop.ok) return { ...stop, message: `Not sent after an earlier failure: ${stop.message}` };
    const left = deadline - performance.now();
    if (left < 1) return { ok: false, reason: 'timeout', message: "Not sent: the analysis step's time limit (limits.stepTimeoutMs) is reached." };
    const r = await complete({
      endpoint: config.endpoint,
      model: config.model,
      apiKey,
      system,
      user: p.text,
      temperature: config.temperature,
      ...(config.maxTokens === undefined ? {} : { maxTokens: config.maxTokens }),
      timeoutMs: Math.min(config.timeoutMs, Math.floor(left)),
      signal: ctx.signal,
    });
    if (!r.ok && (r.reason === 'network' || r.reason === 'aborted' || (r.reason === 'http' && [401, 403, 404].includes(r.status ?? 0)))) stop ??= r;
    return r;
  });

  const findings: Finding[] = [];
  const model = config.model.slice(0, 100);
  let answered = 0;
  for (const [i, p] of passages.entries()) {
    const r = results[i] as ChatResult;
    const position = p.position;
    let finding: Finding;
    if (r.ok) {
      answered++;
      finding = {
        rule: config.mode === 'rewrite' ? 'ai/rewrite' : 'ai/explain',
        severity: 'info',
        message:
          config.mode === 'rewrite'
            ? `A plainer wording suggested by ${model} (AI output: check that it keeps the meaning).`
            : `Why this sentence reads hard, according to ${model} (AI output).`,
        suggestion: r.text,
        excerpt: excerptOf(p.text),
        data: { model, original: p.text, mode: config.mode },
      };
    } else {
      finding = {
        rule: 'ai/request-failed',
        severity: 'info',
        message: `The AI request for this passage failed: ${r.message}`,
        excerpt: excerptOf(p.text),
        data: { model, reason: r.reason, ...(r.status === undefined ? {} : { status: r.status }), endpoint: config.endpoint.origin },
      };
    }
    if (position) finding.position = position;
    findings.push(finding);
  }
  return {
    findings,
    metrics: { ai: { configured: true, model, mode: config.mode, source, passages: passages.length, answered, failed: passages.length - answered } },
  };
}

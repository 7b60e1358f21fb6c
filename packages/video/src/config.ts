/**
 * The `clip:` section of export-ia.config.yaml: defaults for `export-ia clip` (command-line flags
 * win). Checked here key by key; an unknown key or a wrong value is refused with the key's path.
 *
 *   clip:
 *     count: 8
 *     aspect: "9:16"
 *     captionStyle: brand/captions.yaml
 *     keywords: [pricing, launch]
 *     weights: { hook: 0.4, visual: 0.1 }
 *     asr: { engine: whisper, model: models/ggml-base.en.bin }
 *     detector: face          # a detector step (plugins add more); none = motion only
 *     scorer: standard        # a scorer step
 *     captioner: standard     # a captioner step (the look of burned captions)
 */
import { isAbsolute, resolve } from 'node:path';
import { ExportIaError } from '@export-ia/core';
import type { ClipOptions } from './clip.js';
import { DEFAULT_WEIGHTS } from './highlights/index.js';
import type { AsrConfig } from './transcript/index.js';

type Check = (value: unknown) => string | undefined;
type Spec = { [key: string]: Check | Spec };

const oneOf =
  (...values: readonly (string | number)[]): Check =>
  (v) =>
    values.includes(v as string | number) ? undefined : `must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}`;
const positive: Check = (v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? undefined : 'must be a number above 0');
const nonNegative: Check = (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? undefined : 'must be a number, 0 or more');
const wholePositive: Check = (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 ? undefined : 'must be a whole number, 1 or more');
const bool: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');
const text: Check = (v) => (typeof v === 'string' && v.trim() !== '' ? undefined : 'must be a non-empty string');
/** A step id (`pocketsphinx`, `acme-asr`): which ones exist is known once plugins load. */
const stepId: Check = (v) => (typeof v === 'string' && /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(v) ? undefined : 'must be a step id such as face or standard');
const words: Check = (v) =>
  typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')) ? undefined : 'must be a list of words, or one comma-separated string';

const SPEC: Spec = {
  count: wholePositive,
  min: positive,
  max: positive,
  minGap: nonNegative,
  aspect: oneOf('9:16', '1:1', '4:5', '16:9'),
  resolution: oneOf(720, 1080),
  layout: oneOf('auto', 'fill', 'fit', 'split'),
  captions: oneOf('none', 'plain', 'karaoke'),
  captionStyle: text,
  language: (v) => (typeof v === 'string' && /^[a-zA-Z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(v) ? undefined : 'must be a language tag such as en, es or pt-BR'),
  keywords: words,
  removeSilence: bool,
  removeFillers: bool,
  x264Preset: oneOf('ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'),
  detector: stepId,
  scorer: stepId,
  captioner: stepId,
  weights: Object.fromEntries(Object.keys(DEFAULT_WEIGHTS).map((k) => [k, nonNegative])),
  llm: { url: text, model: text, apiKeyEnv: text, timeoutMs: positive, batchSize: wholePositive, maxChars: wholePositive },
  asr: {
    // auto, none, or a transcriber step: pocketsphinx, whisper, openai, or a plugin's.
    engine: stepId,
    model: text,
    threads: wholePositive,
    openai: { url: text, apiKeyEnv: text, model: text, timeoutMs: positive, chunkSeconds: positive },
    pocketsphinx: { modelDir: text },
  },
};

function check(value: unknown, spec: Spec, path: string, source: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ExportIaError('EIA_CONFIG_INVALID', { source, detail: `${path || 'clip'} must be a mapping of keys to values` });
  }
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : `clip.${key}`;
    const rule = Object.hasOwn(spec, key) ? spec[key] : undefined;
    if (!rule) {
      throw new ExportIaError('EIA_CONFIG_INVALID', { source, detail: `unknown key ${at} (known: ${Object.keys(spec).join(', ')})` });
    }
    if (typeof rule === 'function') {
      const problem = rule(item);
      if (problem) throw new ExportIaError('EIA_CONFIG_INVALID', { source, detail: `${at} ${problem} (got ${JSON.stringify(item)?.slice(0, 60)})` });
    } else check(item, rule, at, source);
  }
}

/**
 * Checks the `clip:` section of a config file and turns it into clip options. Relative paths
 * (captionStyle, asr.model, asr.pocketsphinx.modelDir) resolve from the config file's folder.
 */
export function clipConfig(raw: unknown, dir: string, source: string): Partial<ClipOptions> {
  if (raw === undefined || raw === null) return {};
  check(raw, SPEC, '', source);
  const data = raw as Record<string, unknown> & { asr?: AsrConfig; keywords?: string | string[]; llm?: { url?: string; model?: string } };
  if (data.llm && (!data.llm.url || !data.llm.model)) {
    throw new ExportIaError('EIA_CONFIG_INVALID', { source, detail: 'clip.llm needs both url (an OpenAI-compatible API) and model' });
  }
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
  const { x264Preset, ...rest } = data as Record<string, unknown> & { x264Preset?: string };
  const out = { ...rest, ...(x264Preset ? { preset: x264Preset } : {}) } as Partial<ClipOptions> & Record<string, unknown>;
  if (typeof data.captionStyle === 'string') out.captionStyle = abs(data.captionStyle);
  if (typeof data.keywords === 'string')
    out.keywords = data.keywords
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
  if (data.asr) {
    const asr: AsrConfig = { ...data.asr };
    if (asr.model) asr.model = abs(asr.model);
    if (asr.pocketsphinx?.modelDir) asr.pocketsphinx = { modelDir: abs(asr.pocketsphinx.modelDir) };
    out.asr = asr;
  }
  return out;
}

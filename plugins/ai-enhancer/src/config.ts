/**
 * The AI enhancer's configuration (`pluginConfig.ai-enhancer`), with its defaults. The host has
 * validated it against the manifest's `configSchema`; this only fills what is missing and tells
 * what still is (an endpoint and a model are the user's choice, never a default).
 */

export type Mode = 'rewrite' | 'explain';

export interface AiConfig {
  /** The chat-completions address (`…/v1/chat/completions`). */
  endpoint: URL;
  model: string;
  /** Name of the environment variable that holds the API key (read at run time). */
  apiKeyEnv: string;
  mode: Mode;
  maxPassages: number;
  timeoutMs: number;
  maxTokens?: number;
  temperature: number;
  /** Language to answer in (BCP 47); default: the document's. */
  language?: string;
}

export const DEFAULTS = { apiKeyEnv: 'EXPORT_IA_AI_KEY', mode: 'rewrite', maxPassages: 5, timeoutMs: 30_000, temperature: 0.2 } as const;

// Which variables may hold the key: ours, or ones named like an API key. A project's config file
// may be hostile: it must not be able to send AWS_SECRET_ACCESS_KEY or GITHUB_TOKEN to its server.
const ENV_NAME = /^(?:EXPORT_IA_[A-Z0-9_]+|[A-Z][A-Z0-9_]*_API_KEY)$/;

/** Loopback hosts, the only ones a key may be sent to over plain http (a local model server). */
const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const int = (v: unknown, min: number) => (typeof v === 'number' && Number.isInteger(v) && v >= min ? v : undefined);

/** `…/v1` → `…/v1/chat/completions`; an address that already names the route is kept. */
export function chatEndpoint(base: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (!/\/chat\/completions\/?$/.test(url.pathname)) url.pathname = `${url.pathname.replace(/\/+$/, '')}/chat/completions`;
  return url;
}

/** The configuration with defaults, or what is missing or wrong (for `ai/not-configured`). */
export function readConfig(raw: Readonly<Record<string, unknown>> | undefined): { config: AiConfig } | { problems: string[] } {
  const problems: string[] = [];
  const url = str(raw?.url);
  const endpoint = url === undefined ? undefined : chatEndpoint(url);
  if (url === undefined) problems.push('`url` is not set');
  else if (!endpoint) problems.push('`url` is not an http(s) address');
  const model = str(raw?.model);
  if (model === undefined) problems.push('`model` is not set');
  if (!endpoint || model === undefined) return { problems };

  const apiKeyEnv = str(raw?.apiKeyEnv);
  if (apiKeyEnv !== undefined && !ENV_NAME.test(apiKeyEnv))
    return { problems: [`\`apiKeyEnv\` "${apiKeyEnv.slice(0, 60)}" is refused: the key must be in a variable named EXPORT_IA_… or …_API_KEY`] };
  if (endpoint.protocol === 'http:' && !LOOPBACK.test(endpoint.hostname) && process.env[apiKeyEnv ?? DEFAULTS.apiKeyEnv])
    return { problems: [`\`url\` is plain http to ${endpoint.hostname}: an API key is sent only over https (or to this machine)`] };
  const temperature = raw?.temperature;
  const language = str(raw?.language);
  const config: AiConfig = {
    endpoint,
    model,
    apiKeyEnv: apiKeyEnv ?? DEFAULTS.apiKeyEnv,
    mode: raw?.mode === 'explain' ? 'explain' : 'rewrite',
    maxPassages: int(raw?.maxPassages, 0) ?? DEFAULTS.maxPassages,
    timeoutMs: int(raw?.timeoutMs, 1) ?? DEFAULTS.timeoutMs,
    temperature: typeof temperature === 'number' && temperature >= 0 && temperature <= 2 ? temperature : DEFAULTS.temperature,
  };
  const maxTokens = int(raw?.maxTokens, 1);
  if (maxTokens !== undefined) config.maxTokens = maxTokens;
  if (language !== undefined && LANGUAGE.test(language)) config.language = language;
  return { config };
}

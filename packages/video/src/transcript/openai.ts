/**
 * An OpenAI-compatible transcription endpoint (`POST …/audio/transcriptions`, OpenAI, Groq, a
 * local whisper server…): the 16 kHz WAV is uploaded in chunks small enough for the usual 25 MB
 * limit, cut in the quietest moment near each chunk's end so no word is split, and word times
 * come from `verbose_json` with `timestamp_granularities[]=word` (segments, then the chunk, when
 * a server gives less).
 */
import { ExportIaError, pushAll } from '@export-ia/core';
import type { Word } from '../types.js';
import { type AsrEngine, type AsrInput, type OpenAiAsrConfig, readWav, wavFile } from './asr.js';
import { distributeWords } from './words.js';

const DEFAULT_URL = 'https://api.openai.com/v1';

function endpoint(url: string): string {
  const base = url.replace(/\/+$/, '');
  return /\/audio\/transcriptions$/.test(base) ? base : `${base}/audio/transcriptions`;
}

/** Chunk boundaries (sample indices): about `chunk` samples each, cut at the quietest 50 ms in the last 15 %. */
export function chunkBounds(samples: Int16Array, rate: number, chunkSeconds: number): number[] {
  const chunk = Math.max(rate, Math.round(chunkSeconds * rate));
  const bounds = [0];
  const win = Math.round(rate * 0.05);
  let start = 0;
  while (samples.length - start > chunk) {
    const searchFrom = start + Math.round(chunk * 0.85);
    const searchTo = start + chunk;
    let best = searchTo;
    let bestEnergy = Number.POSITIVE_INFINITY;
    for (let at = searchFrom; at + win <= searchTo; at += win) {
      let energy = 0;
      for (let j = at; j < at + win; j++) energy += Math.abs(samples[j] as number);
      if (energy < bestEnergy) {
        bestEnergy = energy;
        best = at + Math.round(win / 2);
      }
    }
    bounds.push(best);
    start = best;
  }
  bounds.push(samples.length);
  return bounds;
}

interface VerboseJson {
  text?: string;
  duration?: number;
  words?: { word?: string; start?: number; end?: number }[];
  segments?: { text?: string; start?: number; end?: number }[];
}

/** Words from a `verbose_json` answer, offset to the chunk's place in the audio. */
export function wordsFromResponse(body: VerboseJson, offset: number, chunkDuration: number, language: string): Word[] {
  const good = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
  if (Array.isArray(body.words) && body.words.length > 0) {
    return body.words
      .filter((w) => typeof w.word === 'string' && w.word.trim() && good(w.start) && good(w.end))
      .map((w) => ({ text: (w.word as string).trim(), start: offset + (w.start as number), end: offset + Math.max(w.start as number, w.end as number) }));
  }
  if (Array.isArray(body.segments) && body.segments.length > 0) {
    return body.segments.flatMap((s) => (good(s.start) && good(s.end) && s.text ? distributeWords(s.text, offset + s.start, offset + s.end, language) : []));
  }
  return body.text ? distributeWords(body.text, offset, offset + chunkDuration, language) : [];
}

/** Words punctuated by the segment text: `words` come bare (no commas, full stops), segments do not. */
function punctuate(words: Word[], body: VerboseJson): Word[] {
  const text = body.text ?? body.segments?.map((s) => s.text ?? '').join(' ');
  if (!text || !body.words?.length) return words;
  const tokens = text.split(/\s+/).filter(Boolean);
  const bare = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  let t = 0;
  return words.map((w) => {
    for (let look = t; look < Math.min(tokens.length, t + 4); look++) {
      if (bare(tokens[look] as string) === bare(w.text)) {
        t = look + 1;
        return { ...w, text: tokens[look] as string };
      }
    }
    return w;
  });
}

export function openAiEngine(config: OpenAiAsrConfig = {}, fetchImpl: typeof fetch = fetch): AsrEngine {
  const keyEnv = config.apiKeyEnv ?? 'OPENAI_API_KEY';
  const url = endpoint(config.url ?? DEFAULT_URL);
  const model = config.model ?? 'whisper-1';
  const timeoutMs = config.timeoutMs ?? 600_000;
  const chunkSeconds = config.chunkSeconds ?? 600;
  const key = () => process.env[keyEnv];
  return {
    id: 'openai',
    async available() {
      // A key is required for the public API only; a local server may need none.
      if (!config.url && !key()) return { ok: false, reason: `no API key in the environment variable ${keyEnv}` };
      return { ok: true };
    },
    async transcribe(input: AsrInput): Promise<Word[]> {
      if (!config.url && !key())
        throw new ExportIaError('EIA_VIDEO_ASR_UNAVAILABLE', { engine: 'openai', detail: `no API key in the environment variable ${keyEnv}` });
      const pcm = await readWav(input.audioPath);
      const bounds = chunkBounds(pcm.samples, pcm.rate, chunkSeconds);
      const words: Word[] = [];
      for (let c = 0; c < bounds.length - 1; c++) {
        const from = bounds[c] as number;
        const to = bounds[c + 1] as number;
        const body = await upload(wavFile(pcm.samples.subarray(from, to), pcm.rate), input, c);
        const offset = from / pcm.rate;
        pushAll(words, punctuate(wordsFromResponse(body, offset, (to - from) / pcm.rate, input.language), body));
        input.onProgress?.((c + 1) / (bounds.length - 1));
      }
      return words;
    },
  };

  async function upload(wav: Buffer, input: AsrInput, index: number): Promise<VerboseJson> {
    let lastError = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(wav)], { type: 'audio/wav' }), `chunk-${index}.wav`);
      form.append('model', model);
      form.append('response_format', 'verbose_json');
      form.append('timestamp_granularities[]', 'word');
      form.append('timestamp_granularities[]', 'segment');
      if (input.language) form.append('language', input.language);
      const signals = [AbortSignal.timeout(timeoutMs), ...(input.signal ? [input.signal] : [])];
      const headers: Record<string, string> = {};
      const k = key();
      if (k) headers.authorization = `Bearer ${k}`;
      let response: Response;
      try {
        response = await fetchImpl(url, { method: 'POST', body: form, headers, signal: AbortSignal.any(signals) });
      } catch (error) {
        if (input.signal?.aborted) throw input.signal.reason ?? error;
        lastError = error instanceof Error ? error.message : String(error);
        await sleep(500 * 2 ** attempt);
        continue;
      }
      const text = await response.text();
      if (response.ok) {
        try {
          return JSON.parse(text) as VerboseJson;
        } catch {
          throw new ExportIaError('EIA_VIDEO_ASR_FAILED', {
            engine: 'openai',
            file: input.audioPath,
            detail: `the server answered with something other than JSON: ${text.slice(0, 120)}`,
          });
        }
      }
      lastError = `HTTP ${response.status}: ${text.slice(0, 200)}`;
      if (response.status === 401 || response.status === 403) {
        throw new ExportIaError('EIA_VIDEO_ASR_UNAVAILABLE', { engine: 'openai', detail: `${url} refused the key from ${keyEnv} (${lastError})` });
      }
      if (response.status !== 429 && response.status < 500) break;
      await sleep(500 * 2 ** attempt);
    }
    throw new ExportIaError('EIA_VIDEO_ASR_FAILED', { engine: 'openai', file: input.audioPath, detail: `${url}: ${lastError}` });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

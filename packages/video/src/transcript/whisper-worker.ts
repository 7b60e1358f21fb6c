/**
 * Child process for {@link ./whisper.ts}: receives one job on its IPC channel, loads the binding
 * and the model, runs whisper.cpp over the audio in chunks (cut in quiet moments), one segment per
 * word, sends the words back and exits.
 */
import { Worker } from 'node:worker_threads';
import type { Word } from '../types.js';
import { readWav } from './asr.js';
import { chunkBounds } from './openai.js';

interface Job {
  pkg: string;
  model: string;
  audioPath: string;
  language: string;
  threads: number;
}

interface Segment {
  text: string;
  /** Centiseconds (whisper.cpp's t0/t1). */
  start: number;
  end: number;
}

interface Binding {
  Whisper: new (model: string) => { full(params: unknown, samples: Float32Array): string };
  WhisperFullParams: new (strategy: number) => Record<string, unknown>;
  WhisperSamplingStrategy: { Greedy: number };
}

/** whisper.cpp could not load the model file. */
class Unusable extends Error {}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 10));

async function main(job: Job): Promise<Word[]> {
  const binding = (await import(job.pkg)) as Binding;
  let whisper: InstanceType<Binding['Whisper']>;
  try {
    whisper = new binding.Whisper(job.model);
  } catch (error) {
    throw new Unusable(error instanceof Error ? error.message : String(error));
  }
  const pcm = await readWav(job.audioPath);
  const samples = new Float32Array(pcm.samples.length);
  for (let i = 0; i < samples.length; i++) samples[i] = (pcm.samples[i] as number) / 32768;
  const bounds = chunkBounds(pcm.samples, pcm.rate, 300);
  const words: Word[] = [];
  for (let c = 0; c < bounds.length - 1; c++) {
    const from = bounds[c] as number;
    const offset = from / pcm.rate;
    const segments: Segment[] = [];
    const params = new binding.WhisperFullParams(binding.WhisperSamplingStrategy.Greedy);
    params.language = job.language;
    params.nThreads = job.threads;
    // One segment per word: whisper.cpp's word-level timestamps.
    params.tokenTimestamps = true;
    params.maxLen = 1;
    params.splitOnWord = true;
    params.printProgress = false;
    params.printRealtime = false;
    params.onNewSegment = (segment: Segment) => segments.push(segment);
    whisper.full(params, samples.subarray(from, bounds[c + 1]));
    // The parent went away (killed, crashed): no one waits for the rest.
    if (!process.connected) process.exit(1);
    // Segment callbacks are queued to this thread's event loop while full() blocks it.
    let seen = -1;
    while (seen !== segments.length) {
      seen = segments.length;
      await tick();
    }
    for (const s of segments) {
      const text = s.text.trim();
      if (!text || /^\[.*\]$|^\(.*\)$/.test(text)) continue;
      words.push({ text, start: offset + s.start / 100, end: offset + Math.max(s.start, s.end) / 100 });
    }
    void send({ type: 'progress', fraction: (c + 1) / (bounds.length - 1) });
  }
  return words;
}

const send = (message: unknown) =>
  new Promise<void>((resolve) => {
    if (!process.send) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });

// Whoever asked is gone (killed, crashed): stop. full() blocks this thread for minutes at a time,
// so a watchdog thread checks that the parent is still there (a dead parent's child is re-parented).
process.once('disconnect', () => process.exit(1));
new Worker(
  `const { workerData } = require('node:worker_threads');
   setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL'); }, 500);`,
  { eval: true, workerData: process.ppid },
).unref();

process.once('message', (job: Job) => {
  main(job)
    .then(
      (words) => send({ type: 'done', words }),
      (error: unknown) => send({ type: error instanceof Unusable ? 'unusable' : 'error', message: error instanceof Error ? error.message : String(error) }),
    )
    .finally(() => process.exit(0));
});

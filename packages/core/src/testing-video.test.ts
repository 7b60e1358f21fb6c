/**
 * The video step contract suites themselves: well-behaved steps pass every case, and each
 * mistake the clip engine refuses or silently repairs (times without the piece's offset, a box
 * outside the frame or with NaN, one score too few, a scorer that sorts its input in place)
 * fails the case that is about it.
 */
import { describe, expect, it } from 'vitest';
import { definePlugin } from './plugins/contracts.js';
import type { Detector, Scorer, Transcriber } from './plugins/video-contracts.js';
import { type ContractCase, detectorContract, pcmSamples, rgbFrame, sampleScoreInput, scorerContract, transcriberContract, wavBytes } from './testing.js';

/** A transcriber that hears anything louder than silence as one word at the start of the piece. */
const hears: Transcriber = {
  transcribe(input) {
    const loud = input.audio.subarray(44).some((b) => b !== 0);
    return loud ? [{ text: 'sound', start: input.offset, end: input.offset + Math.min(input.duration, 0.5), confidence: 0.5 }] : [];
  },
};

const steps = {
  transcribers: {
    hears,
    'no-offset': { transcribe: (input) => (input.duration > 1 ? [{ text: 'late', start: 0.1, end: 0.2 }] : []) } satisfies Transcriber,
    unavailable: {
      available: () => ({ ok: false, reason: 'no model here' }),
      transcribe: () => {
        throw new Error('called although not available');
      },
    } satisfies Transcriber,
  },
  detectors: {
    centre: { detect: (frame) => (frame.width > 2 ? [{ x: 0.25, y: 0.25, w: 0.5, h: 0.5, score: 0.8 }] : []) } satisfies Detector,
    outside: { detect: () => [{ x: 0.9, y: 0.1, w: 0.5, h: 0.2, score: 0.5 }] } satisfies Detector,
    nan: { detect: () => [{ x: Number.NaN, y: 0, w: 0.1, h: 0.1, score: 1 }] } satisfies Detector,
  },
  scorers: {
    length: { score: (input) => input.candidates.map((c) => ({ score: Math.min(100, (c.end - c.start) * 5), reasons: [] })) } satisfies Scorer,
    short: { score: (input) => input.candidates.slice(1).map(() => ({ score: 50, reasons: [] })) } satisfies Scorer,
    sorts: {
      score(input) {
        input.candidates.sort((a, b) => b.end - b.start - (a.end - a.start));
        return input.candidates.map(() => ({ score: 50, reasons: [{ factor: 'x', value: 0.5, weight: 1, detail: 'sorted' }] }));
      },
    } satisfies Scorer,
  },
};

const plugins = [
  {
    definition: definePlugin({
      manifest: {
        id: 'video-steps',
        version: '1.0.0',
        engines: { 'export-ia': '*' },
        apiVersion: 1,
        contributes: {
          videoSteps: [
            ...Object.keys(steps.transcribers).map((id) => ({ id, kind: 'transcriber' as const })),
            ...Object.keys(steps.detectors).map((id) => ({ id, kind: 'detector' as const })),
            ...Object.keys(steps.scorers).map((id) => ({ id, kind: 'scorer' as const })),
          ],
        },
      },
      setup(api) {
        for (const [id, t] of Object.entries(steps.transcribers)) api.transcriber(id, t);
        for (const [id, d] of Object.entries(steps.detectors)) api.detector(id, d);
        for (const [id, s] of Object.entries(steps.scorers)) api.scorer(id, s);
      },
    }),
  },
];

/** Each case's outcome: undefined when it passed, else the first line of its failure. */
async function outcomes(cases: ContractCase[]): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for (const c of cases) {
    try {
      await c.run();
      out[c.name] = undefined;
    } catch (error) {
      out[c.name] = String((error as Error).message).split('\n')[0];
    }
  }
  return out;
}

const failures = (results: Record<string, string | undefined>) => Object.entries(results).filter(([, f]) => f !== undefined);

describe('test inputs', () => {
  it('builds a 16 kHz mono 16-bit WAV of tones and silences', () => {
    const samples = pcmSamples([{ seconds: 0.5 }, { seconds: 0.25, frequency: 1000, amplitude: 1 }]);
    expect(samples.length).toBe(12000);
    expect(samples.subarray(0, 8000).every((v) => v === 0)).toBe(true);
    expect(Math.max(...samples)).toBeGreaterThan(32000);
    const wav = wavBytes(samples);
    expect(new TextDecoder().decode(wav.subarray(0, 4))).toBe('RIFF');
    expect(wav.length).toBe(44 + 24000);
    expect(new DataView(wav.buffer).getUint32(24, true)).toBe(16000);
  });

  it('paints frames and builds score inputs whose candidates are whole sentences', () => {
    const frame = rgbFrame(3, 2, (x, y) => [x, y, 7]);
    expect([...frame.rgb]).toEqual([0, 0, 7, 1, 0, 7, 2, 0, 7, 0, 1, 7, 1, 1, 7, 2, 1, 7]);
    const input = sampleScoreInput({ candidates: 5, scenes: true, keywords: ['pricing'] });
    expect(input.candidates).toHaveLength(5);
    for (const c of input.candidates) {
      expect(c.text).toBe(
        input.transcript.sentences
          .slice(c.sentenceStart, c.sentenceEnd)
          .map((s) => s.text)
          .join(' '),
      );
      expect(c.start).toBe(input.transcript.sentences[c.sentenceStart]?.start);
    }
    expect(input.scenes?.cuts.length).toBeGreaterThan(0);
    expect(input.audio.loudness.length).toBeGreaterThanOrEqual(Math.ceil(input.candidates.at(-1)?.end ?? 0));
  });
});

describe('transcriberContract', () => {
  it('passes a transcriber that gives times in the video', async () => {
    expect(failures(await outcomes(transcriberContract({ plugins, transcriber: 'hears' })))).toEqual([]);
  });

  it('fails one that forgets the piece’s offset, in the case of a piece deep into the video', async () => {
    const results = failures(await outcomes(transcriberContract({ plugins, transcriber: 'no-offset' })));
    expect(results).toHaveLength(1);
    expect(results[0]?.[0]).toMatch(/95\.5 s into the video/);
    expect(results[0]?.[1]).toMatch(/add input\.offset/);
  });

  it('does not call one that says it is not available', async () => {
    expect(failures(await outcomes(transcriberContract({ plugins, transcriber: 'unavailable' })))).toEqual([]);
  });
});

describe('detectorContract', () => {
  it('passes a detector with boxes inside the frame, and finds the sample’s subject', async () => {
    const sample = { frame: rgbFrame(40, 20), subject: { x: 0.4, y: 0.4, w: 0.2, h: 0.2 } };
    const results = await outcomes(detectorContract({ plugins, detector: 'centre', sample }));
    expect(Object.keys(results)).toHaveLength(5);
    expect(failures(results)).toEqual([]);
  });

  it('fails boxes outside the frame, or with NaN', async () => {
    const outside = failures(await outcomes(detectorContract({ plugins, detector: 'outside' })));
    expect(outside).toHaveLength(4);
    expect(outside[0]?.[1]).toMatch(/inside the frame/);
    const nan = failures(await outcomes(detectorContract({ plugins, detector: 'nan' })));
    expect(nan[0]?.[1]).toMatch(/x is a finite number in 0…1/);
  });
});

describe('scorerContract', () => {
  it('passes a scorer with one score per candidate', async () => {
    expect(failures(await outcomes(scorerContract({ plugins, scorer: 'length' })))).toEqual([]);
  });

  it('fails one score too few, and a scorer that changes its input', async () => {
    const short = failures(await outcomes(scorerContract({ plugins, scorer: 'short' })));
    // With no candidates, "one fewer" is still none.
    expect(short).toHaveLength(4);
    expect(short[0]?.[1]).toMatch(/one score per candidate/);
    const sorts = failures(await outcomes(scorerContract({ plugins, scorer: 'sorts' })));
    expect(sorts.map(([name]) => name)).toEqual([expect.stringMatching(/deep-frozen input/)]);
  });
});

/**
 * The video step contract suites themselves: well-behaved steps pass every case, and each
 * mistake the clip engine refuses or silently repairs (times without the piece's offset, a box
 * outside the frame or with NaN, one score too few, a scorer that sorts its input in place, a
 * caption script without its sections or with caption text that becomes override tags) fails
 * the case that is about it.
 */
import { describe, expect, it } from 'vitest';
import { definePlugin } from './plugins/contracts.js';
import type { Captioner, CaptionInput, CaptionLine, Detector, Scorer, Transcriber } from './plugins/video-contracts.js';
import {
  type ContractCase,
  captionerContract,
  detectorContract,
  pcmSamples,
  rgbFrame,
  sampleCaptionInput,
  sampleScoreInput,
  scorerContract,
  transcriberContract,
  wavBytes,
} from './testing.js';

/** A transcriber that hears anything louder than silence as one word at the start of the piece. */
const hears: Transcriber = {
  transcribe(input) {
    const loud = input.audio.subarray(44).some((b) => b !== 0);
    return loud ? [{ text: 'sound', start: input.offset, end: input.offset + Math.min(input.duration, 0.5), confidence: 0.5 }] : [];
  },
};

/** Caption text kept literal by libass: `\\` followed by a word joiner, braces as `\\{` `\\}`. */
const escapeText = (text: string) => text.replace(/\s+/g, ' ').replace(/[\\{}]/g, (c) => (c === '\\' ? '\\\u2060' : `\\${c}`));
const pad = (n: number) => String(n).padStart(2, '0');
const assTime = (seconds: number) => {
  const cs = Math.max(0, Math.round(seconds * 100));
  return `${Math.floor(cs / 360000)}:${pad(Math.floor(cs / 6000) % 60)}:${pad(Math.floor(cs / 100) % 60)}.${pad(cs % 100)}`;
};

/** A caption script with one event per line, its text from `text`, times shifted by `shift` seconds. */
function script(input: CaptionInput, text: (line: CaptionLine) => string, shift = 0): string {
  return [
    '[Script Info]',
    'ScriptType: v4.00+',
    `PlayResX: ${input.width}`,
    `PlayResY: ${input.height}`,
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
    ...input.lines.map((l) => `Dialogue: 0,${assTime(l.start + shift)},${assTime(l.end + shift)},Default,,0,0,0,,{\\an5}${text(l)}`),
  ].join('\n');
}

const words = (line: CaptionLine, word: (text: string) => string) => line.words.map((w) => word(w.text)).join(' ');

const captioners = {
  // Words cut to 100 characters, then escaped; the spoken word coloured in karaoke.
  escaped: {
    captions: (input) =>
      script(input, (l) =>
        input.mode === 'plain' ? words(l, (w) => escapeText(w.slice(0, 100))) : `{\\1c&H00E6FF&}${words(l, (w) => escapeText(w.slice(0, 100)))}{\\r}`,
      ),
  } satisfies Captioner,
  unescaped: { captions: (input) => script(input, (l) => words(l, (w) => w.slice(0, 100))) } satisfies Captioner,
  uncut: { captions: (input) => script(input, (l) => words(l, escapeText)) } satisfies Captioner,
  'no-events': { captions: (input) => script(input, () => '').replace('[Events]', '') } satisfies Captioner,
  'source-time': { captions: (input) => script(input, (l) => words(l, escapeText), 95.5) } satisfies Captioner,
  'hides-words': { captions: (input) => script(input, (l) => `{${words(l, escapeText)}}`) } satisfies Captioner,
  'in-place': {
    captions(input) {
      for (const line of input.lines) line.words.reverse();
      return script(input, (l) => words(l, escapeText));
    },
  } satisfies Captioner,
  flood: {
    captions: (input) =>
      `[Script Info]\n[Events]\n${Array.from({ length: Math.ceil(input.duration * 50) + 200 }, (_, i) => `Dialogue: 0,${assTime((i / 50) % input.duration)},${assTime((i / 50) % input.duration)},Default,,0,0,0,,x`).join('\n')}`,
  } satisfies Captioner,
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
            ...Object.keys(captioners).map((id) => ({ id, kind: 'captioner' as const })),
          ],
        },
      },
      setup(api) {
        for (const [id, t] of Object.entries(steps.transcribers)) api.transcriber(id, t);
        for (const [id, d] of Object.entries(steps.detectors)) api.detector(id, d);
        for (const [id, s] of Object.entries(steps.scorers)) api.scorer(id, s);
        for (const [id, c] of Object.entries(captioners)) api.captioner(id, c);
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

describe('captionerContract', () => {
  it('builds caption inputs: lines of 1…maxWords words inside the clip, each word inside its line, the safe area of the size', () => {
    const input = sampleCaptionInput({ lines: 180, duration: 60 });
    expect(input.lines).toHaveLength(180);
    expect(input.lines.at(-1)?.end).toBe(60);
    for (const line of input.lines) {
      expect(line.words.length).toBeGreaterThanOrEqual(1);
      expect(line.words.length).toBeLessThanOrEqual(3);
      for (const w of line.words) {
        expect(w.start).toBeGreaterThanOrEqual(line.start);
        expect(w.end).toBeLessThanOrEqual(line.end);
        expect(w.start).toBeLessThan(w.end);
      }
    }
    expect(input.safeArea).toEqual({ top: 0.1, bottom: 0.2, side: 0.11 });
    expect(sampleCaptionInput({ width: 1920, height: 1080 }).safeArea).toEqual({ top: 0.05, bottom: 0.05, side: 0.06 });
    expect(sampleCaptionInput({ style: { maxWords: 4 } }).lines.some((l) => l.words.length === 4)).toBe(true);
    expect(sampleCaptionInput({ text: [['a', 'b'], []], duration: 4 }).lines.map((l) => [l.start, l.end, l.words.length])).toEqual([
      [0, 2, 2],
      [2, 4, 0],
    ]);
  });

  it('passes a captioner that escapes caption text and shortens a word too long for a line', async () => {
    const results = await outcomes(captionerContract({ plugins, captioner: 'escaped' }));
    expect(Object.keys(results)).toHaveLength(10);
    expect(failures(results)).toEqual([]);
  });

  it('fails caption text that becomes override tags, and a word left too long for a line', async () => {
    const unescaped = failures(await outcomes(captionerContract({ plugins, captioner: 'unescaped' })));
    expect(unescaped.map(([name]) => name)).toEqual([expect.stringMatching(/hostile words.*karaoke/), expect.stringMatching(/hostile words.*plain/)]);
    expect(unescaped[0]?.[1]).toMatch(/holds no "\{\\fs200\}" override block/);
    const uncut = failures(await outcomes(captionerContract({ plugins, captioner: 'uncut' })));
    expect(uncut).toHaveLength(2);
    expect(uncut[0]?.[1]).toMatch(/is at most 8000 characters/);
  });

  it('fails a script without [Events], times in the source video, hidden words, too many events, and a changed input', async () => {
    const noEvents = failures(await outcomes(captionerContract({ plugins, captioner: 'no-events' })));
    expect(noEvents).toHaveLength(10);
    expect(noEvents[0]?.[1]).toMatch(/\[Events\] section header/);
    const late = failures(await outcomes(captionerContract({ plugins, captioner: 'source-time' })));
    // Only the case without lines has no event to be late.
    expect(late).toHaveLength(9);
    expect(late[0]?.[1]).toMatch(/the start time 0:01:35\.50 is inside the 2 s clip/);
    const hidden = failures(await outcomes(captionerContract({ plugins, captioner: 'hides-words' })));
    expect(hidden).toHaveLength(9);
    expect(hidden[1]?.[1]).toMatch(/is shown: in the text of a Dialogue event, not in an override block/);
    const flood = failures(await outcomes(captionerContract({ plugins, captioner: 'flood', style: { uppercase: true } })));
    expect(flood).toHaveLength(10);
    expect(flood[0]?.[1]).toMatch(/at most 600 Dialogue events for a 10 s clip/);
    const inPlace = failures(await outcomes(captionerContract({ plugins, captioner: 'in-place' })));
    // A line of one word and no lines at all stay the same when reversed.
    expect(inPlace.map(([, f]) => f).every((f) => /unchanged|read only|read-only/.test(f ?? ''))).toBe(true);
    expect(inPlace.length).toBeGreaterThanOrEqual(7);
  });
});

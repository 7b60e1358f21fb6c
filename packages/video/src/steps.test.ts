import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Diagnostic, ExportIaError, isExportIaError } from '@export-ia/core';
import type { Captioner, Detector, Scorer, TranscribeInput, Transcriber, VideoStepDescriptor } from '@export-ia/core/plugin';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPTION_STYLE } from './captions/index.js';
import {
  captionerEngine,
  checkAss,
  checkBoxes,
  checkScores,
  checkWords,
  defaultVideoSteps,
  detectorEngine,
  SANDBOX_CHUNK_SECONDS,
  scorerEngine,
  transcriberEngine,
  transcriberIds,
  type VideoStep,
} from './steps.js';
import { wavFile } from './transcript/asr.js';
import type { AudioAnalysis, Candidate, Transcript } from './types.js';

function step<I>(kind: VideoStepDescriptor['kind'], implementation: I, extra: Partial<VideoStepDescriptor> = {}, sandboxed = false): VideoStep<I> {
  return {
    descriptor: { id: 'acme', kind, chunkSeconds: 0, ...extra },
    plugin: { manifest: { id: 'acme-plugin', version: '2.0.0' }, config: { key: 'value' }, ...(sandboxed ? { sandboxed: true } : {}) },
    implementation,
  };
}

function call(reports: Diagnostic[] = []) {
  return { file: 'talk.mp4', cwd: '/work', configDir: '/work', report: (d: Diagnostic) => reports.push(d) };
}

/** A WAV of `seconds` at 16 kHz: a tone with a 0.5 s pause every 7 s (where pieces can be cut). */
function wav(seconds: number): string {
  const rate = 16000;
  const samples = new Int16Array(seconds * rate);
  for (let i = 0; i < samples.length; i++) {
    const t = i / rate;
    samples[i] = t % 7 > 6.5 ? 0 : Math.round(8000 * Math.sin(2 * Math.PI * 220 * t));
  }
  const path = join(mkdtempSync(join(tmpdir(), 'eia-steps-')), 'audio.wav');
  writeFileSync(path, wavFile(samples, rate));
  return path;
}

async function errorOf(promise: Promise<unknown> | (() => unknown)): Promise<ExportIaError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (isExportIaError(error)) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('transcriber steps', () => {
  it('get the sound in pieces of at most chunkSeconds, cut at quiet moments, with their offsets', async () => {
    const calls: { offset: number; duration: number; bytes: number }[] = [];
    const transcriber: Transcriber = {
      transcribe(input: TranscribeInput, ctx) {
        expect(ctx.config).toEqual({ key: 'value' });
        expect(ctx.options).toEqual({ engine: 'acme', model: 'm.bin' });
        calls.push({ offset: input.offset, duration: input.duration, bytes: input.audio.length });
        return [{ text: 'word', start: input.offset + 1, end: input.offset + 1.5 }];
      },
    };
    const progress: number[] = [];
    const engine = transcriberEngine(step('transcriber', transcriber, { chunkSeconds: 10 }), call(), { engine: 'acme', model: 'm.bin' });
    const words = await engine.transcribe({ audioPath: wav(35), language: 'en', onProgress: (f) => progress.push(f) });
    expect(calls.length).toBe(4);
    expect(calls[0]?.offset).toBe(0);
    let end = 0;
    for (const c of calls) {
      expect(c.offset).toBeCloseTo(end, 6);
      expect(c.duration).toBeLessThanOrEqual(10);
      expect(c.bytes).toBe(44 + Math.round(c.duration * 16000) * 2);
      end = c.offset + c.duration;
    }
    expect(end).toBeCloseTo(35, 3);
    expect(words.map((w) => w.start)).toEqual(calls.map((c) => c.offset + 1));
    expect(progress.at(-1)).toBe(1);
  });

  it('give a sandboxed plugin at most 240 s per call, and an in-process one the whole file when it asks', async () => {
    const durations: number[] = [];
    const transcriber: Transcriber = {
      transcribe(input) {
        durations.push(input.duration);
        return [];
      },
    };
    const path = wav(250);
    await transcriberEngine(step('transcriber', transcriber, {}, true), call(), {}).transcribe({ audioPath: path, language: 'en' });
    expect(durations.length).toBe(2);
    expect(Math.max(...durations)).toBeLessThanOrEqual(SANDBOX_CHUNK_SECONDS);
    durations.length = 0;
    await transcriberEngine(step('transcriber', transcriber), call(), {}).transcribe({ audioPath: path, language: 'en' });
    expect(durations).toEqual([250]);
  });

  it('check the words: not finite is refused, outside the piece is clamped, too many are trimmed with a warning', async () => {
    const s = step('transcriber', {});
    expect((await errorOf(() => checkWords(s, [{ text: 'a', start: Number.POSITIVE_INFINITY, end: 1 }], { start: 0, end: 10 }))).code).toBe(
      'EIA_VIDEO_STEP_INVALID',
    );
    expect((await errorOf(() => checkWords(s, { words: [] }, { start: 0, end: 10 }))).message).toContain(
      'The transcriber "acme" of plugin acme-plugin@2.0.0 answered what the clip job cannot use: transcribe() must answer a list of words',
    );
    const { words } = checkWords(
      s,
      [
        { text: ' late ', start: 50, end: 60, confidence: 7 },
        { text: 'early', start: -5, end: -4 },
        { text: '   ', start: 1, end: 2 },
      ],
      { start: 10, end: 20 },
    );
    expect(words).toEqual([
      { text: 'early', start: 10, end: 10 },
      { text: 'late', start: 21, end: 21, confidence: 1 },
    ]);
    const flood = Array.from({ length: 100_000 }, (_, i) => ({ text: 'x', start: i / 10_000, end: i / 10_000 }));
    const reports: Diagnostic[] = [];
    const engine = transcriberEngine(step('transcriber', { transcribe: () => flood }), call(reports), {});
    const kept = await engine.transcribe({ audioPath: wav(5), language: 'en' });
    expect(kept.length).toBe(60);
    expect(reports.map((r) => r.code)).toEqual(['EIA_VIDEO_TRANSCRIPT_TRIMMED']);
  });

  it('say which step failed when a plugin throws a plain error, and keep a coded error as it is', async () => {
    const plain = transcriberEngine(
      step('transcriber', {
        transcribe() {
          throw new TypeError('boom');
        },
      }),
      call(),
      {},
    );
    const e = await errorOf(plain.transcribe({ audioPath: wav(2), language: 'en' }));
    expect(e.code).toBe('EIA_VIDEO_STEP_INVALID');
    expect(e.message).toContain('it failed: boom');
    const coded = transcriberEngine(
      step('transcriber', {
        transcribe() {
          throw new ExportIaError('EIA_VIDEO_ASR_FAILED', { engine: 'acme', file: 'x', detail: 'server down' });
        },
      }),
      call(),
      {},
    );
    expect((await errorOf(coded.transcribe({ audioPath: wav(2), language: 'en' }))).code).toBe('EIA_VIDEO_ASR_FAILED');
    const unavailable = transcriberEngine(step('transcriber', { available: () => ({ ok: false, reason: 'no key' }), transcribe: () => [] }), call(), {});
    expect(await unavailable.available({} as never, 'en')).toEqual({ ok: false, reason: 'no key' });
    const lying = transcriberEngine(step('transcriber', { available: () => 'yes', transcribe: () => [] } as unknown as Transcriber), call(), {});
    expect((await errorOf(lying.available({} as never, 'en'))).code).toBe('EIA_VIDEO_STEP_INVALID');
  });

  it('are tried in the order asr.engine says', () => {
    const steps = defaultVideoSteps();
    expect(transcriberIds(undefined, steps)).toEqual({ ids: ['pocketsphinx'], explicit: false });
    expect(transcriberIds({ model: 'm.bin', openai: { url: 'http://x' } }, steps)).toEqual({ ids: ['whisper', 'openai', 'pocketsphinx'], explicit: false });
    expect(transcriberIds({ engine: 'none' }, steps)).toEqual({ ids: [], explicit: false });
    expect(transcriberIds({ engine: 'openai' }, steps)).toEqual({ ids: ['openai'], explicit: true });
    expect(() => transcriberIds({ engine: 'acme' }, steps)).toThrow(/No transcriber named "acme" is registered/);
  });
});

describe('detector steps', () => {
  it('keep at most 32 boxes, inside the frame, with a score of 0…1', async () => {
    const boxes = [
      { x: -0.5, y: 0.2, w: 0.8, h: 0.3, score: 2, mouth: 0.2 },
      { x: 0.9, y: 0.9, w: 0.5, h: 0.5, score: 0.5 },
      { x: 1.5, y: 0.5, w: 0.1, h: 0.1, score: 0.5 },
      ...Array.from({ length: 100 }, () => ({ x: 0.1, y: 0.1, w: 0.1, h: 0.1, score: 0.1 })),
    ];
    const checked = checkBoxes(step('detector', {}), boxes);
    expect(checked[0]).toEqual({ x: 0, y: 0.2, w: 0.8, h: 0.3, score: 1, mouth: 0.2 });
    expect(checked[1]?.w).toBeCloseTo(0.1, 9);
    expect(checked.length).toBe(31);
    expect((await errorOf(() => checkBoxes(step('detector', {}), [{ x: 0, y: 0, w: 1, h: Number.NaN, score: 1 }]))).code).toBe('EIA_VIDEO_STEP_INVALID');
  });

  it('get each sampled frame as plain data', async () => {
    const seen: unknown[] = [];
    const detector: Detector = {
      detect(frame) {
        seen.push(Object.keys(frame).sort());
        return [{ x: 0.4, y: 0.4, w: 0.2, h: 0.2, score: 0.9 }];
      },
    };
    const engine = detectorEngine(step('detector', detector), call());
    const boxes = await engine.detect({ t: 1, width: 2, height: 2, rgb: new Uint8Array(12), extra: 'x' } as never);
    expect(boxes).toHaveLength(1);
    expect(seen).toEqual([['height', 'rgb', 't', 'width']]);
    expect(engine.id).toBe('acme-plugin:acme');
  });
});

describe('scorer steps', () => {
  const candidates: Candidate[] = [
    { start: 0, end: 20, sentenceStart: 0, sentenceEnd: 2, text: 'one' },
    { start: 30, end: 45, sentenceStart: 3, sentenceEnd: 4, text: 'two' },
  ];
  const transcript: Transcript = { language: 'en', source: 'test', words: [], sentences: [] };
  const audio: AudioAnalysis = { silences: [], loudness: [], integrated: -20 };

  it('answer one bounded score per candidate, or the job stops with a coded error', async () => {
    expect(
      checkScores(
        step('scorer', {}),
        [
          { score: 140, reasons: [] },
          { score: -3, reasons: null },
        ],
        2,
      ).map((s) => s.score),
    ).toEqual([100, 0]);
    const reasons = Array.from({ length: 50 }, () => ({ factor: 'f'.repeat(100), value: 3, weight: -1, detail: 'd'.repeat(1000) }));
    const [capped] = checkScores(step('scorer', {}), [{ score: 50, reasons }], 1);
    expect(capped?.reasons.length).toBe(20);
    expect(capped?.reasons[0]).toEqual({ factor: 'f'.repeat(40), value: 1, weight: 0, detail: 'd'.repeat(300) });
    for (const bad of [[{ score: 1, reasons: [] }], [{ score: Number.NaN }, { score: 1 }], [{ score: 1, reasons: [{ factor: 1 }] }, { score: 1 }]]) {
      expect((await errorOf(() => checkScores(step('scorer', {}), bad, 2))).code).toBe('EIA_VIDEO_STEP_INVALID');
    }
  });

  it('get the candidates, the talk and the job weights, and their scores become the candidates’ scores', async () => {
    let weights: unknown;
    const scorer: Scorer = {
      score(input, ctx) {
        weights = ctx.options.weights;
        expect(input.scenes).toBeUndefined();
        return input.candidates.map((c) => ({ score: c.end - c.start, reasons: [{ factor: 'length', value: 1, weight: 1, detail: c.text }] }));
      },
    };
    const score = scorerEngine(step('scorer', scorer), call(), { hook: 0.5 });
    const scored = await score(candidates, { transcript, audio, language: 'en', keywords: [] });
    expect(scored.map((c) => [c.text, c.score, c.reasons[0]?.detail])).toEqual([
      ['one', 20, 'one'],
      ['two', 15, 'two'],
    ]);
    expect(weights).toEqual({ hook: 0.5 });
    expect(await score([], { transcript, audio, language: 'en', keywords: [] })).toEqual([]);
  });
});

describe('step warnings and files', () => {
  it('keep at most 20 different warnings per step and job, with only the known fields', async () => {
    const reports: Diagnostic[] = [];
    const noisy: Transcriber = {
      transcribe(_input, ctx) {
        for (let i = 0; i < 500; i++)
          ctx.report({
            code: 'EIA_PLUGIN_NOTE',
            severity: 'warning',
            message: `note ${i % 50} ${'x'.repeat(1000)}`,
            hint: 'h',
            params: { big: 'y'.repeat(1e5) },
          } as never);
        ctx.report('not a diagnostic' as never);
        return [];
      },
    };
    const c = call(reports);
    await transcriberEngine(step('transcriber', noisy), c, {}).transcribe({ audioPath: wav(1), language: 'en' });
    await transcriberEngine(step('transcriber', noisy), c, {}).transcribe({ audioPath: wav(1), language: 'en' });
    expect(reports.length).toBe(20);
    expect(Object.keys(reports[0] as object).sort()).toEqual(['code', 'hint', 'message', 'severity', 'source']);
    expect(reports[0]?.message.length).toBe(500);
  });

  it('give an in-process step the whole file by path too, and a sandboxed one only bytes', async () => {
    const files: Array<string | undefined> = [];
    const transcriber: Transcriber = {
      transcribe(input) {
        files.push(input.file);
        return [];
      },
    };
    const path = wav(3);
    await transcriberEngine(step('transcriber', transcriber), call(), {}).transcribe({ audioPath: path, language: 'en' });
    await transcriberEngine(step('transcriber', transcriber, {}, true), call(), {}).transcribe({ audioPath: path, language: 'en' });
    await transcriberEngine(step('transcriber', transcriber, { chunkSeconds: 1 }), call(), {}).transcribe({ audioPath: path, language: 'en' });
    // In process and whole: the path; sandboxed: no path; in pieces (≈ 1 s each): no path.
    expect(files[0]).toBe(path);
    expect(files.length).toBeGreaterThanOrEqual(5);
    expect(files.slice(1).every((f) => f === undefined)).toBe(true);
  });
});

describe('captioner steps', () => {
  const s = step('captioner', {});
  const script = (...lines: string[]) => ['[Script Info]', 'ScriptType: v4.00+', '[Events]', ...lines].join('\n');

  it('keep the script, without embedded fonts and pictures', () => {
    const checked = checkAss(
      s,
      script(
        'Dialogue: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,hi',
        '[Fonts]',
        'fontname: x.ttf',
        'M!!!',
        '[Graphics]',
        'g.png',
        '[Events]',
        'Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,there',
      ),
      10,
    );
    expect(checked).not.toMatch(/Fonts|fontname|Graphics|g\.png|M!!!/);
    expect(checked.match(/^Dialogue/gm)).toHaveLength(2);
  });

  it('refuse what is not a caption script: not text, no sections, NUL, too big, too many events, a huge line', async () => {
    const bad: unknown[] = [
      42,
      'hello',
      script('x\0y'),
      script('Dialogue: x'.repeat(1)) + 'y'.repeat(3 * 1024 * 1024),
      script(...Array.from({ length: 700 }, () => 'Dialogue: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,x')),
      script(`Dialogue: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,{\\p1}${'m 0 0 l 1 1 '.repeat(1000)}`),
    ];
    for (const value of bad) expect((await errorOf(() => checkAss(s, value, 10))).code).toBe('EIA_VIDEO_STEP_INVALID');
  });

  it('read sections as libass does: a header with text after it, a lone \\r, a BOM; only the caption sections are kept', () => {
    const fonts = ['fontname: evil.ttf', 'M!!!!!!!!'];
    const variants = [
      ['[Script Info]', '[Fonts] ;x', ...fonts, '[Events]', 'Dialogue: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,hi'].join('\n'),
      ['[Script Info]', 'Comment: x\r[Fonts]', ...fonts, '[Events]', 'Dialogue: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,hi'].join('\n'),
      [
        '\uFEFF[Script Info]',
        ' \t[fonts]junk',
        ...fonts,
        '[Aegisub Project Garbage]',
        'Video File: /etc/passwd',
        '[Events]',
        'Dialogue: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,hi',
      ].join('\r'),
    ];
    for (const script of variants) {
      const checked = checkAss(s, script, 10);
      expect(checked).not.toMatch(/evil|M!!!|passwd|Garbage/);
      expect(checked).toContain('[Events]');
      expect(checked.split('\n').filter((l) => l.startsWith('Dialogue'))).toHaveLength(1);
    }
    // Events joined by a lone \r are counted too.
    const many = [
      '[Script Info]',
      '[Events]',
      ...Array.from(
        { length: 3000 },
        (_, i) => `Dialogue: 0,0:00:${String(i % 60).padStart(2, '0')}.00,0:00:${String(i % 60).padStart(2, '0')}.50,Default,,0,0,0,,x`,
      ),
    ].join('\r');
    expect(() => checkAss(s, many, 10)).toThrow(/events for a 10.0 s clip/);
  });

  it('bound what makes libass work hardest: scale, size, blur, border, shadow, captions at once', () => {
    const checked = checkAss(
      s,
      [
        '[Script Info]',
        '[V4+ Styles]',
        'Format: Name, Fontname, Fontsize, PrimaryColour, ScaleX, ScaleY, Spacing, Outline, Shadow',
        'Style: Big,Sans,100000,&H00FFFFFF,90000,100,5000,9999,-9999',
        '[Events]',
        'Dialogue: 0,0:00:00.00,0:00:01.00,Big,,0,0,0,,{\\fscx100000\\fscy100000\\blur500\\t(\\fs9000\\bord800)}W',
      ].join('\n'),
      10,
      1280,
    );
    expect(checked).toContain('Style: Big,Sans,427,&H00FFFFFF,400,100,100,30,-30');
    expect(checked).toContain('{\\fscx400\\fscy400\\blur10\\t(\\fs427\\bord30)}W');
    const crowd = ['[Script Info]', '[Events]', ...Array.from({ length: 30 }, () => 'Dialogue: 0,0:00:00.00,0:00:05.00,Default,,0,0,0,,x')].join('\n');
    expect(() => checkAss(s, crowd, 10)).toThrow(/over 24 captions at once/);
  });

  it('the built-in one writes the style and the highlighted word', async () => {
    const captions = captionerEngine(defaultVideoSteps().captioners.get('standard') as VideoStep<Captioner>, call());
    const ass = await captions({
      lines: [
        {
          start: 0,
          end: 1,
          words: [
            { text: 'hello', start: 0, end: 0.5 },
            { text: 'world', start: 0.5, end: 1 },
          ],
        },
      ],
      width: 1080,
      height: 1920,
      mode: 'karaoke',
      style: DEFAULT_CAPTION_STYLE,
      fontFamily: 'Source Sans 3',
      safeArea: { top: 0.1, bottom: 0.2, side: 0.11 },
      duration: 1,
    });
    expect(ass).toContain('PlayResY: 1920');
    expect(ass).toContain('Source Sans 3');
    expect(ass.match(/^Dialogue/gm)?.length).toBeGreaterThanOrEqual(2);
  });
});

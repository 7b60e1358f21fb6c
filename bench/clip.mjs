#!/usr/bin/env node
/**
 * npm run bench:clip — the clip job on a synthetic 1080p talk, side by side with its physical
 * floor in the same run, ASR excluded (the transcript is given as an SRT).
 *
 * 1. The talk (cached in the temp folder, keyed by a version and the options): espeak-ng speaks a
 *    script with planted highlights (hooks, numbers, questions), coloured scenes with hard cuts
 *    every few sentences, light per-frame grain (so the source decodes at a realistic ≈ 10× real
 *    time instead of the ≈ 25× of flat colour), NASA's astronaut portrait moving from side to
 *    side; 1920×1080, 30 fps, H.264 veryfast CRF 23 (≈ 3 Mb/s), AAC 48 kHz stereo.
 * 2. clipVideo (packages/video/dist) with `transcript: talk.srt, count: N, min: 30, max: 60`,
 *    timed per stage from its `onEvent` stage events (a stage lasts from its first event to the
 *    next stage's first event), with the CPU time of this process and its children per stage
 *    (/proc/self/stat), so an idle or oversubscribed core shows.
 * 3. The floor, in the same run: `ffmpeg -i talk.mp4 -f null -` (the whole source decoded once,
 *    video and audio), then the same clip spans (clips.json cutStart/cutEnd) encoded with the same
 *    x264/AAC settings, output size and parallelism as clipVideo — a fixed centre crop, no
 *    captions, no tracking, no loudnorm.
 * 4. Medians over the repetitions, and the extrapolation to a 60-minute talk → 10 clips of 45 s,
 *    stage by stage (see `extrapolate`).
 *
 * Environment: BENCH_CLIP_MINUTES (default 10), BENCH_CLIP_COUNT (clips, default 4),
 * BENCH_CLIP_REPS (default 2). Writes .bench-out/clip.json and .bench-out/clip.md.
 * Targets (issue 6): total ≤ 1.3× the floor; 60 minutes → 10 clips in ≤ 7.5 min (≥ 8× real time).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { clipVideo } from '../packages/video/dist/clip.js';
import { findFfmpeg } from '../packages/video/dist/ffmpeg.js';
import { parseWav, wavFile } from '../packages/video/dist/transcript/asr.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const MINUTES = Number(process.env.BENCH_CLIP_MINUTES ?? 10);
const COUNT = Number(process.env.BENCH_CLIP_COUNT ?? 4);
const REPS = Number(process.env.BENCH_CLIP_REPS ?? 2);
const MIN = 30;
const MAX = 60;
const WIDTH = 1920;
const HEIGHT = 1080;
const FPS = 30;
/** Bump when the generated talk changes. */
const TALK_VERSION = 1;
const ASTRONAUT_PNG = '/usr/lib/python3/dist-packages/skimage/data/astronaut.png';
const STAGES = ['probe', 'audio', 'transcript', 'score', 'scenes', 'reframe', 'render', 'report'];
const ANALYSIS = ['probe', 'audio', 'transcript', 'score', 'scenes', 'reframe'];

const tools = findFfmpeg();
const execFileAsync = promisify(execFile);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const now = () => performance.now() / 1000;

/** CPU seconds of this process and its reaped children (utime, stime, cutime, cstime). */
function cpuSeconds() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // Fields after "(comm) ": state is index 0, utime is field 14 of the full line → index 11 here.
  const ticks = [11, 12, 13, 14].reduce((s, i) => s + Number(fields[i]), 0);
  return ticks / 100;
}

/** Busy CPU seconds of the whole machine (/proc/stat): minus ours, what other processes took. */
function machineBusySeconds() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
  return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / 100;
}

async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

function runFfmpeg(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(tools.ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${stderr}`))));
  });
}

// ── 1. The synthetic talk ───────────────────────────────────────────────────────────────
// The script follows packages/video/test/fixtures/script.ts: bland filler about a made-up
// product, with a planted hook, number and question in every block of 25 sentences.

const BASE = [
  'Good morning everyone, and thank you for coming today.',
  'My name is Sam and I work on the product team at Ledgerly.',
  'Ledgerly is a tool that helps small teams keep track of their accounts.',
  'Today I will talk about a few things we have been working on.',
  'First, some background on the company and the people involved.',
  'We started the project a while ago with a small group of people.',
  'The office is in a building near the train station.',
  'We have meetings on most days of the week.',
  ["Here's why most startups fail at pricing.", 'hook'],
  'They guess a number, they never test it, and they leave money on the table.',
  'That was our problem too, for a long time.',
  'Anyway, let me go back to the agenda for a moment.',
  'The next part of the talk covers the general process.',
  'We collect the data, then we sort it, then we look at it.',
  ['We cut costs by 73 percent in 6 weeks.', 'number'],
  'The team was quite happy with that result.',
  'There are some slides about the schedule that I will skip.',
  'The schedule is the same as it was last quarter.',
  'Some of the details are in the handout.',
  ['What if you never had to write another report?', 'question'],
  'Ledgerly writes the report for you, every Monday morning.',
  'That is more or less the main idea of the product.',
  'There are a few other features that are also available.',
  'You can read about them on the website later.',
  'Thank you for listening, and have a nice day.',
].map((line) => (Array.isArray(line) ? { text: line[0], highlight: line[1] } : { text: line }));
const EXTRA = {
  hook: ['Here is the secret nobody tells you about onboarding.', 'This one mistake killed our first launch.', "Here's why your dashboard is lying to you."],
  number: [
    'Our churn dropped from 12 percent to 3 percent in 90 days.',
    'We went from 40 customers to 4000 in one year.',
    'Support tickets fell by 58 percent after a single change.',
  ],
  question: [
    'What would you do with ten extra hours every week?',
    'Why do we still send spreadsheets by email?',
    'What if your books closed themselves at the end of the month?',
  ],
};
const SUBJECTS = ['The team', 'Our group', 'The company', 'The project', 'The office', 'The staff'];
const VERBS = ['looked at', 'talked about', 'worked on', 'went over', 'wrote down', 'checked'];
const OBJECTS = ['the plan for the month', 'some of the numbers', 'the usual list of tasks', 'the notes from the meeting', 'a few ideas', 'the normal process'];
const TAILS = ['on a regular day.', 'as usual.', 'in the afternoon.', 'before the weekend.', 'like every week.', 'without any surprises.'];

function scriptLine(i) {
  const block = Math.floor(i / BASE.length);
  const within = i % BASE.length;
  if (block === 0) return BASE[within];
  const planted = BASE[within].highlight;
  if (planted) return { text: EXTRA[planted][(block - 1) % 3], highlight: planted };
  const text = `${SUBJECTS[i % 6]} ${VERBS[(i * 5 + block) % 6]} ${OBJECTS[(i * 7 + 3 * block) % 6]} ${TAILS[(i * 11 + block) % 6]}`;
  return { text };
}

/** First and last 5 ms window above -45 dBFS: espeak-ng pads each sentence with silence. */
function speechBounds({ rate, samples }) {
  const threshold = Math.round(32768 * 10 ** (-45 / 20));
  const step = Math.round(rate * 0.005);
  let first = -1;
  let last = -1;
  for (let i = 0; i < samples.length; i += step) {
    let peak = 0;
    const stop = Math.min(samples.length, i + step);
    for (let j = i; j < stop; j++) peak = Math.max(peak, Math.abs(samples[j]));
    if (peak >= threshold) {
      if (first < 0) first = i;
      last = stop;
    }
  }
  return first < 0 ? { start: 0, end: 0 } : { start: first / rate, end: last / rate };
}

const stamp = (s) => {
  const ms = Math.round(s * 1000);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(Math.floor(ms / 3_600_000))}:${p(Math.floor(ms / 60_000) % 60)}:${p(Math.floor(ms / 1000) % 60)},${p(ms % 1000, 3)}`;
};

const PALETTE = ['0x2e4a7d', '0xd9c27a', '0x7d2e4a', '0x9fd9b0', '0x3d3d3d', '0xe08a5a', '0x4a2e7d', '0xb0c4de'];

async function generateTalk(dir) {
  const target = MINUTES * 60;
  // Speak sentences in batches until the talk is long enough.
  const script = [];
  const placements = [];
  let cursor = 0.5;
  let rate = 22050;
  for (let i = 0; cursor < target - 4; ) {
    const batch = Array.from({ length: 16 }, (_, k) => i + k);
    const pcms = await mapLimit(batch, 4, async (n) => {
      const file = join(dir, `s${n}.wav`);
      await execFileAsync('espeak-ng', ['-v', 'en-us+f2', '-s', '160', '-w', file, '--', scriptLine(n).text]);
      const pcm = parseWav(await readFile(file));
      await rm(file);
      return pcm;
    });
    for (const [k, pcm] of pcms.entries()) {
      const n = batch[k];
      rate = pcm.rate;
      const bounds = speechBounds(pcm);
      if (cursor + bounds.end - bounds.start > target - 1) break;
      const at = Math.round((cursor - bounds.start) * rate) / rate;
      placements.push({ at, pcm });
      const line = scriptLine(n);
      script.push({ text: line.text, start: at + bounds.start, end: at + bounds.end, ...(line.highlight ? { highlight: line.highlight } : {}) });
      const nextHighlight = scriptLine(n + 1).highlight;
      cursor = at + bounds.end + (nextHighlight === 'hook' ? 1.3 : [0.55, 0.7, 0.45, 0.85, 0.6][n % 5]);
      if (cursor >= target - 4) break;
    }
    i += batch.length;
  }
  const frames = Math.ceil((script.at(-1).end + 0.8) * FPS);
  const duration = frames / FPS;
  const samples = new Int16Array(Math.ceil(duration * rate));
  for (const { at, pcm } of placements) {
    const offset = Math.round(at * rate);
    samples.set(pcm.samples.subarray(0, Math.max(0, samples.length - offset)), offset);
  }
  await writeFile(join(dir, 'speech.wav'), wavFile(samples, rate));
  await writeFile(join(dir, 'talk.srt'), script.map((s, i) => `${i + 1}\n${stamp(s.start)} --> ${stamp(s.end)}\n${s.text}\n`).join('\n'));

  // Cuts in the pause after every 4th sentence, and mid-sentence in every 9th; the subject jumps
  // to the other side at each cut and drifts towards the middle within a scene.
  const cuts = [];
  script.forEach((s, i) => {
    if (i % 9 === 7) cuts.push((s.start + s.end) / 2);
    if (script[i + 1] && i % 4 === 3) cuts.push((s.end + script[i + 1].start) / 2);
  });
  const cutFrames = [...new Set(cuts.map((t) => Math.round(t * FPS)))].filter((f) => f > 1 && f < frames - 1).sort((a, b) => a - b);
  const bounds = [0, ...cutFrames, frames];
  const scenes = bounds.slice(0, -1).map((start, k) => {
    const n = bounds[k + 1] - start;
    return `color=c=${PALETTE[k % PALETTE.length]}:s=${WIDTH}x${HEIGHT}:r=${FPS}:d=${((n + 0.5) / FPS).toFixed(6)},trim=end_frame=${n}[s${k}]`;
  });
  let expr = '0.5';
  for (let k = bounds.length - 2; k >= 0; k--) {
    const [a, b] = [bounds[k] / FPS, bounds[k + 1] / FPS];
    const from = k % 2 ? 0.7 : 0.3;
    const slope = ((k % 2 ? 0.62 : 0.38) - from) / (b - a);
    const piece = `(${from}+${slope.toFixed(8)}*(t-${a.toFixed(6)}))`;
    expr = k === bounds.length - 2 ? piece : `if(lt(t,${b.toFixed(6)}),${piece},${expr})`;
  }
  await writeFile(join(dir, 'x.expr'), expr);
  const size = 540;
  const graph = [
    ...scenes,
    `${scenes.map((_, k) => `[s${k}]`).join('')}concat=n=${scenes.length}:v=1:a=0,noise=alls=10,format=yuv420p[bg]`,
    `[0:v]crop=200:200:126:20,scale=${size}:${size},format=yuv420p[face]`,
    `[bg][face]overlay=x='W*${expr}-w/2':y='H*0.55-h/2':eval=frame[v]`,
  ].join(';');
  await writeFile(join(dir, 'graph.txt'), graph);
  await runFfmpeg([
    '-y',
    '-i',
    ASTRONAUT_PNG,
    '-i',
    join(dir, 'speech.wav'),
    '-filter_complex_script',
    join(dir, 'graph.txt'),
    '-map',
    '[v]',
    '-map',
    '1:a',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '23',
    '-g',
    String(FPS * 2),
    '-r',
    String(FPS),
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-ar',
    '48000',
    '-ac',
    '2',
    '-t',
    duration.toFixed(6),
    '-movflags',
    '+faststart',
    join(dir, 'talk.mp4'),
  ]);
  return { duration, sentences: script.length, cuts: cutFrames.map((f) => f / FPS), highlights: script.filter((s) => s.highlight).length };
}

async function talk() {
  const root = join(tmpdir(), 'export-ia-bench-clip');
  const dir = join(root, `v${TALK_VERSION}-${MINUTES}min-${WIDTH}x${HEIGHT}-${FPS}`);
  const metaFile = join(dir, 'talk.json');
  if (existsSync(metaFile)) return { dir, ...JSON.parse(await readFile(metaFile, 'utf8')), generatedSeconds: 0 };
  await mkdir(root, { recursive: true });
  const work = `${dir}.tmp-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const t = now();
  const meta = await generateTalk(work);
  const generatedSeconds = now() - t;
  await writeFile(join(work, 'talk.json'), JSON.stringify({ ...meta, generatedIn: generatedSeconds }));
  await rename(work, dir);
  return { dir, ...meta, generatedSeconds };
}

// ── 2. clipVideo, per stage ─────────────────────────────────────────────────────────────

async function runClip(source) {
  const out = await mkdtemp(join(tmpdir(), 'eia-bench-clip-'));
  const starts = {};
  const cpuAt = {};
  let renderNote = '';
  const t0 = now();
  const c0 = cpuSeconds();
  const m0 = machineBusySeconds();
  const result = await clipVideo({
    input: source.video,
    outDir: out,
    transcript: source.srt,
    count: COUNT,
    min: MIN,
    max: MAX,
    onEvent: (event) => {
      if (event.type !== 'stage') return;
      if (!(event.stage in starts)) {
        starts[event.stage] = now();
        cpuAt[event.stage] = cpuSeconds();
      }
      if (event.stage === 'render' && event.note) renderNote = event.note;
    },
  });
  const end = now();
  const cEnd = cpuSeconds();
  const foreign = machineBusySeconds() - m0 - (cEnd - c0);
  const stages = {};
  for (const [i, stage] of STAGES.entries()) {
    const next = STAGES.slice(i + 1).find((s) => s in starts);
    stages[stage] = { wall: (next ? starts[next] : end) - starts[stage], cpu: (next ? cpuAt[next] : cEnd) - cpuAt[stage] };
  }
  const manifest = result.manifest;
  const clips = manifest.clips.map((c) => ({ cutStart: c.cutStart, cutEnd: c.cutEnd, duration: c.duration, layout: c.layout, score: c.score }));
  const scanned = sum(manifest.analysis.scanned.map((s) => s.end - s.start));
  await rm(out, { recursive: true, force: true });
  return { total: end - t0, cpu: cEnd - c0, foreign, stages, clips, scanned, candidates: manifest.candidates, renderNote };
}

// ── 3. The floor ────────────────────────────────────────────────────────────────────────

/** The crop clipVideo uses for 9:16 from 16:9 (even width), fixed at the centre. */
function centreCrop() {
  const w = Math.max(2, Math.floor(((9 / 16 / (WIDTH / HEIGHT)) * WIDTH) / 2) * 2);
  return { w, h: HEIGHT, x: (WIDTH - w) / 2 };
}

async function floor(source, clips) {
  const t0 = now();
  const c0 = cpuSeconds();
  const m0 = machineBusySeconds();
  await runFfmpeg(['-i', source.video, '-map', '0:v', '-map', '0:a', '-f', 'null', '-']);
  const decode = now() - t0;
  const cDecode = cpuSeconds();
  const out = await mkdtemp(join(tmpdir(), 'eia-bench-floor-'));
  const { w, h, x } = centreCrop();
  // The same pool as clipVideo: up to availableParallelism() clips at once, cores / parallel threads each.
  const parallel = Math.max(1, Math.min(clips.length, availableParallelism()));
  const threads = Math.max(1, Math.floor(availableParallelism() / parallel));
  const t1 = now();
  await mapLimit(clips, parallel, (clip, i) =>
    runFfmpeg([
      '-ss',
      clip.cutStart.toFixed(3),
      '-t',
      (clip.cutEnd - clip.cutStart).toFixed(3),
      '-i',
      source.video,
      '-filter_complex',
      `[0:v]crop=${w}:${h}:${x}:0,scale=1080:1920:flags=bicubic,setsar=1,fps=${FPS},format=yuv420p[v];[0:a]aresample=48000[a]`,
      '-map',
      '[v]',
      '-map',
      '[a]',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-crf',
      '21',
      '-profile:v',
      'high',
      '-pix_fmt',
      'yuv420p',
      '-g',
      String(FPS * 2),
      '-threads',
      String(threads),
      '-c:a',
      'aac',
      '-b:a',
      '160k',
      '-ac',
      '2',
      '-movflags',
      '+faststart',
      '-y',
      join(out, `floor-${i}.mp4`),
    ]),
  );
  const encode = now() - t1;
  await rm(out, { recursive: true, force: true });
  const cpu = cpuSeconds();
  return {
    decode,
    encode,
    total: decode + encode,
    cpuDecode: cDecode - c0,
    cpuEncode: cpu - cDecode,
    foreign: machineBusySeconds() - m0 - (cpu - c0),
    parallel,
    threads,
  };
}

// ── 4. Run, medians, extrapolation ──────────────────────────────────────────────────────

/**
 * A 60-minute talk → 10 clips of 45 s, stage by stage from this run's medians:
 * - probe: constant;
 * - audio, transcript, score, report (the source's SHA-256): proportional to the duration;
 * - scenes: seconds per *scanned* second × the span a 60-minute shortlist would scan —
 *   max(3 × count, count + 4) = 30 candidates of ≈ 45 s + 1 s padding each side (no overlap
 *   assumed: an upper bound; merging only lowers it), capped at the duration;
 * - reframe: seconds per clip second × 10 × 45 s;
 * - render: seconds per clip second × 10 × 45 s (same pool: availableParallelism() at once);
 * - floor: decode proportional to the duration, encode per clip second × 450 s.
 */
function extrapolate(m, source) {
  const scale = 3600 / source.duration;
  const clipSeconds60 = 10 * 45;
  const scanned60 = Math.min(3600, 30 * (45 + 2));
  const s = m.stages;
  const stages = {
    probe: s.probe,
    audio: s.audio * scale,
    transcript: s.transcript * scale,
    score: s.score * scale,
    scenes: (s.scenes / m.scanned) * scanned60,
    reframe: (s.reframe / m.clipSeconds) * clipSeconds60,
    render: (s.render / m.clipSeconds) * clipSeconds60,
    report: s.report * scale,
  };
  const analysis = sum(ANALYSIS.map((k) => stages[k]));
  const total = sum(Object.values(stages));
  const floorTotal = m.floor.decode * scale + (m.floor.encode / m.clipSeconds) * clipSeconds60;
  return { stages, analysis, render: stages.render, total, floor: floorTotal, clipSeconds: clipSeconds60, scanned: scanned60 };
}

const source0 = await talk();
const source = { ...source0, video: join(source0.dir, 'talk.mp4'), srt: join(source0.dir, 'talk.srt') };
console.log(
  `${cpus()[0]?.model}, ${availableParallelism()} cores, Node ${process.version}, ffmpeg ${tools.version} (${tools.origin}); ` +
    `talk: ${(source.duration / 60).toFixed(1)} min ${WIDTH}×${HEIGHT} ${FPS} fps, ${source.sentences} sentences, ${source.cuts.length} cuts — ` +
    (source.generatedSeconds
      ? `generated in ${source.generatedSeconds.toFixed(0)} s`
      : `cached (generated in ${source.generatedIn.toFixed(0)} s) in ${source.dir}`),
);

const runs = [];
for (let rep = 0; rep < REPS; rep++) {
  const clip = await runClip(source);
  // The floor encodes the clips clipVideo chose in this repetition.
  const fl = await floor(source, clip.clips);
  runs.push({ ...clip, floor: fl });
  const analysis = sum(ANALYSIS.map((k) => clip.stages[k].wall));
  console.log(
    `  rep ${rep + 1}: clipVideo ${clip.total.toFixed(1)} s (analysis ${analysis.toFixed(1)} s, render ${clip.stages.render.wall.toFixed(1)} s), floor ${fl.total.toFixed(1)} s (decode ${fl.decode.toFixed(1)} s, encode ${fl.encode.toFixed(1)} s); other processes took ${clip.foreign.toFixed(0)} + ${fl.foreign.toFixed(0)} CPU-s meanwhile`,
  );
}

const clipSeconds = median(runs.map((r) => sum(r.clips.map((c) => c.duration))));
const m = {
  total: median(runs.map((r) => r.total)),
  cpu: median(runs.map((r) => r.cpu)),
  stages: Object.fromEntries(STAGES.map((k) => [k, median(runs.map((r) => r.stages[k].wall))])),
  stageCpu: Object.fromEntries(STAGES.map((k) => [k, median(runs.map((r) => r.stages[k].cpu))])),
  analysis: median(runs.map((r) => sum(ANALYSIS.map((k) => r.stages[k].wall)))),
  scanned: median(runs.map((r) => r.scanned)),
  clipSeconds,
  floor: {
    decode: median(runs.map((r) => r.floor.decode)),
    encode: median(runs.map((r) => r.floor.encode)),
    total: median(runs.map((r) => r.floor.total)),
    cpuDecode: median(runs.map((r) => r.floor.cpuDecode)),
    cpuEncode: median(runs.map((r) => r.floor.cpuEncode)),
  },
};
const x = extrapolate(m, source);
const cores = availableParallelism();
const f1 = (v) => v.toFixed(1);
const rtf = (media, seconds) => `${(media / seconds).toFixed(1)}×`;
const busy = (cpu, wall) => `${((100 * cpu) / wall / cores).toFixed(0)}%`;
const first = runs[0];
const lines = [];
lines.push(
  `clipVideo: ${COUNT} clips (min ${MIN}, max ${MAX}) of a ${f1(source.duration)} s talk; ${first.candidates} candidates, ${f1(m.scanned)} s decoded for scene cuts, clips ${f1(clipSeconds)} s in all (${first.clips.map((c) => `${f1(c.duration)} s ${c.layout}`).join(', ')}); render: ${first.renderNote}. Medians of ${REPS}.`,
);
lines.push('');
lines.push(`| stage | wall s | CPU s | cores busy | real-time factor | 60 min → 10 × 45 s, s |`);
lines.push('|---|---:|---:|---:|---:|---:|');
const stageRtf = {
  probe: source.duration,
  audio: source.duration,
  transcript: source.duration,
  score: source.duration,
  scenes: m.scanned,
  reframe: clipSeconds,
  render: clipSeconds,
  report: source.duration,
};
for (const k of STAGES) {
  lines.push(
    `| ${k} | ${f1(m.stages[k])} | ${f1(m.stageCpu[k])} | ${busy(m.stageCpu[k], m.stages[k])} | ${rtf(stageRtf[k], m.stages[k])}${k === 'scenes' ? ' of scanned' : k === 'reframe' || k === 'render' ? ' of clip' : ''} | ${f1(x.stages[k])} |`,
  );
}
lines.push(
  `| **analysis** (probe…reframe) | ${f1(m.analysis)} | | | **${rtf(source.duration, m.analysis)}** of source | ${f1(x.analysis)} (${rtf(3600, x.analysis)}) |`,
);
lines.push(
  `| **render** (render+report) | ${f1(m.stages.render + m.stages.report)} | | | **${rtf(clipSeconds, m.stages.render + m.stages.report)}** of clip | ${f1(x.stages.render + x.stages.report)} |`,
);
lines.push(
  `| **total clipVideo** | ${f1(m.total)} | ${f1(m.cpu)} | ${busy(m.cpu, m.total)} | ${rtf(source.duration, m.total)} of source | **${f1(x.total)}** (${rtf(3600, x.total)}; target ≤ 450 s, ≥ 8×) |`,
);
lines.push(
  `| floor: decode source (video+audio) | ${f1(m.floor.decode)} | ${f1(m.floor.cpuDecode)} | ${busy(m.floor.cpuDecode, m.floor.decode)} | ${rtf(source.duration, m.floor.decode)} | ${f1(m.floor.decode * (3600 / source.duration))} |`,
);
lines.push(
  `| floor: encode the same spans (${first.floor.parallel} at once, ${first.floor.threads} thread${first.floor.threads > 1 ? 's' : ''} each) | ${f1(m.floor.encode)} | ${f1(m.floor.cpuEncode)} | ${busy(m.floor.cpuEncode, m.floor.encode)} | ${rtf(clipSeconds, m.floor.encode)} of clip | ${f1(x.floor - m.floor.decode * (3600 / source.duration))} |`,
);
lines.push(`| **floor total** | ${f1(m.floor.total)} | | | | ${f1(x.floor)} |`);
lines.push(`| **ratio total / floor** | **${(m.total / m.floor.total).toFixed(2)}** | | | target ≤ 1.3 | ${(x.total / x.floor).toFixed(2)} |`);
const foreignShare = sum(runs.map((r) => r.foreign + r.floor.foreign)) / sum(runs.map((r) => r.total + r.floor.total)) / cores;
if (foreignShare > 0.05)
  lines.push(`\nWarning: other processes used ${(100 * foreignShare).toFixed(0)}% of the machine's CPU during the measurements: wall times are inflated.`);
lines.push('');
lines.push(
  'Extrapolation: probe constant; audio, transcript, score and report (SHA-256 of the source) × duration; scenes per scanned second × 30 shortlisted candidates × 47 s (upper bound, capped at the duration); reframe and render per clip second × 450 s; floor decode × duration, floor encode per clip second × 450 s.',
);
const text = lines.join('\n');
console.log(text);
await mkdir(join(repo, '.bench-out'), { recursive: true });
await writeFile(
  join(repo, '.bench-out/clip.json'),
  `${JSON.stringify({ machine: { cpu: cpus()[0]?.model, cores, node: process.version, ffmpeg: tools.version }, source, runs, medians: m, extrapolated: x }, null, 2)}\n`,
);
await writeFile(join(repo, '.bench-out/clip.md'), `${text}\n`);

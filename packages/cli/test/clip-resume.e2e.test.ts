/**
 * A clip job killed in the middle (the whole process group, ffmpeg included, as a power cut
 * would) resumes from its last finished step when run again: the plan is read back from the
 * job's events and the clips already rendered are kept.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openSqliteEventStore } from '../../core/src/events/sqlite-event-store.js';
import { makeTalk } from '../../video/test/fixtures/talk.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
/** Debian's ffmpeg with the asr filter and the English model (CI installs them). */
const pocketSphinx =
  existsSync('/usr/share/pocketsphinx/model/en-us') && spawnSync('ffmpeg', ['-hide_banner', '-filters'], { encoding: 'utf8' }).stdout?.includes(' asr ');
const bin = join(repo, 'packages/cli/bin/export-ia.js');

interface JsonEvent {
  type: string;
  resumed?: boolean;
  clip?: { rank: number };
  stream?: string;
}

describe('export-ia clip resumes a killed job', () => {
  it('keeps the plan and the finished clips, renders only the rest, and records both attempts as events', async () => {
    const talk = await makeTalk({ sentences: 25 });
    const work = mkdtempSync(join(tmpdir(), 'eia-clip-resume-'));
    const dataDir = join(work, 'data');
    const args = [
      bin,
      'clip',
      talk.video,
      '--transcript',
      talk.srt,
      '-o',
      join(work, 'out'),
      '-n',
      '3',
      '--min',
      '8',
      '--max',
      '20',
      '--resolution',
      '720',
      '--data-dir',
      dataDir,
      '--json',
      '--no-config',
    ];

    // First attempt: killed (with its ffmpeg children) as soon as one clip is finished.
    const first = spawn(process.execPath, args, { cwd: work, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const firstEvents: JsonEvent[] = [];
    await new Promise<void>((resolve, reject) => {
      first.stdout.setEncoding('utf8');
      first.stdout.on('data', (chunk: string) => {
        out += chunk;
        const lines = out.split('\n');
        out = lines.pop() ?? '';
        for (const line of lines) {
          const event = JSON.parse(line) as JsonEvent;
          firstEvents.push(event);
          if (event.type === 'clip') {
            process.kill(-(first.pid as number), 'SIGKILL');
            resolve();
          }
        }
      });
      first.on('exit', () => resolve());
      first.on('error', reject);
    });
    await new Promise((r) => first.once('close', r));
    const done = firstEvents.filter((e) => e.type === 'clip');
    expect(done).toHaveLength(1);
    const firstRank = done[0]?.clip?.rank as number;
    const firstFile = join(work, 'out', `clip-${String(firstRank).padStart(2, '0')}.mp4`);
    const firstMtime = statSync(firstFile).mtimeMs;
    expect(existsSync(join(work, 'out', 'clips.json'))).toBe(false);

    // Second attempt: same command.
    const second = spawnSync(process.execPath, args, { cwd: work, encoding: 'utf8', timeout: 240_000 });
    expect(second.status, second.stderr).toBe(0);
    const events = second.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as JsonEvent);
    const job = events.find((e) => e.type === 'job');
    expect(job?.resumed).toBe(true);
    const clips = events.filter((e) => e.type === 'clip');
    expect(clips).toHaveLength(3);
    expect(clips.filter((e) => e.resumed).map((e) => e.clip?.rank)).toEqual([firstRank]);
    // The analysis stages were not run again.
    const stages = events.filter((e) => e.type === 'stage') as Array<JsonEvent & { stage: string; note?: string }>;
    expect(stages.filter((e) => e.stage === 'scenes').every((e) => e.note === 'from the earlier run')).toBe(true);
    // The finished clip was kept as it was; the others exist; no partial file is left.
    expect(statSync(firstFile).mtimeMs).toBe(firstMtime);
    const files = readdirSync(join(work, 'out'));
    expect(files.filter((f) => f.endsWith('.mp4') && !f.startsWith('.'))).toHaveLength(3);
    expect(files.filter((f) => f.includes('.partial.'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(work, 'out', 'clips.json'), 'utf8')) as { clips: unknown[] };
    expect(manifest.clips).toHaveLength(3);

    // The job's stream holds both attempts.
    const store = openSqliteEventStore(join(dataDir, 'export-ia.db'));
    try {
      const stream = await store.readStream(job?.stream as string);
      const types = stream.map((e) => e.type);
      expect(types.filter((t) => t === 'ClipJobStarted')).toHaveLength(2);
      expect(types.filter((t) => t === 'ClipPlanned')).toHaveLength(1);
      expect(types.filter((t) => t === 'ClipRendered')).toHaveLength(3);
      expect(types.at(-1)).toBe('ClipJobFinished');
    } finally {
      await store.close();
    }
  }, 300_000);

  it.skipIf(!pocketSphinx)(
    'killed before its plan, `export-ia jobs resume` takes it over and keeps the steps that finished: speech recognition is not run again',
    async () => {
      const talk = await makeTalk({ sentences: 25 });
      const work = mkdtempSync(join(tmpdir(), 'eia-clip-resume-steps-'));
      const dataDir = join(work, 'data');
      const args = [bin, 'clip', talk.video, '--asr', 'pocketsphinx', '-o', join(work, 'out'), '-n', '2', '--min', '8', '--max', '20', '--resolution', '720'];
      args.push('--captions', 'none', '--data-dir', dataDir, '--json', '--no-config');

      // First attempt: killed as soon as the scene cuts are found (speech recognised, reframing not done).
      const first = spawn(process.execPath, args, { cwd: work, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      const closed = new Promise((r) => first.once('close', r));
      let out = '';
      let killedAfter = '';
      await new Promise<void>((resolve, reject) => {
        first.stdout.setEncoding('utf8');
        first.stdout.on('data', (chunk: string) => {
          out += chunk;
          const lines = out.split('\n');
          out = lines.pop() ?? '';
          for (const line of lines) {
            const event = JSON.parse(line) as JsonEvent & { stage?: string; note?: string };
            // The stage's closing note comes once its result is saved.
            if (event.type === 'stage' && event.stage === 'scenes' && event.note && !killedAfter) {
              killedAfter = 'scenes';
              process.kill(-(first.pid as number), 'SIGKILL');
              resolve();
            }
          }
        });
        first.on('exit', () => resolve());
        first.on('error', reject);
      });
      await closed;
      expect(killedAfter).toBe('scenes');

      const jobsCli = (...rest: string[]) =>
        spawnSync(process.execPath, [bin, 'jobs', ...rest, '--data-dir', dataDir], { cwd: work, encoding: 'utf8', timeout: 240_000 });
      type Row = { jobId: string; kind: string; status: string; formats: string[]; outputs: { path: string }[]; retries: number };
      const listed = () => JSON.parse(jobsCli('--json').stdout) as Row[];
      // The killed job is listed as running (its process is gone).
      const before = listed().find((j) => j.kind === 'clip');
      expect(before?.status).toBe('running');
      // A clip job is not cancelled through the jobs table: it is stopped where it runs.
      const cancel = jobsCli('cancel', before?.jobId as string);
      expect(cancel.status).toBe(2);
      expect(cancel.stderr).toContain('is a clip job: stop it with Ctrl-C');

      const second = jobsCli('resume', '--json');
      expect(second.status, second.stderr).toBe(0);
      const events = second.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as JsonEvent & { stage?: string; note?: string; fraction?: number })
        .filter((e) => e.type === 'job' || e.type === 'stage' || e.type === 'clip' || e.type === 'done');
      expect(events.find((e) => e.type === 'job')?.resumed).toBe(true);
      const transcriptDone = events.find((e) => e.type === 'stage' && e.stage === 'transcript' && e.fraction === 1);
      expect(transcriptDone?.note).toMatch(/words from asr:pocketsphinx \(from the earlier run\)$/);
      // No progress of the recogniser: it did not run.
      expect(events.filter((e) => e.type === 'stage' && e.stage === 'transcript' && (e.fraction ?? 0) > 0 && (e.fraction ?? 0) < 1)).toEqual([]);
      expect(events.filter((e) => e.type === 'clip')).toHaveLength(2);

      const store = openSqliteEventStore(join(dataDir, 'export-ia.db'));
      try {
        const stream = await store.readStream((events.find((e) => e.type === 'job') as JsonEvent).stream as string);
        const saved = stream.filter((e) => e.type === 'ClipStageSaved').map((e) => (e.data as { stage: string }).stage);
        // Transcript and scenes once (first attempt); each clip's reframing in the second.
        expect(saved.filter((x) => x === 'transcript')).toHaveLength(1);
        expect(saved.filter((x) => x === 'scenes')).toHaveLength(1);
        const started = stream.filter((e) => e.type === 'ClipJobStarted').map((e) => e.data as { stepsSaved?: string[] });
        expect(started[1]?.stepsSaved?.sort()).toEqual(['scenes', 'transcript']);
      } finally {
        await store.close();
      }
      // The read model shows it finished, with its two clips and the second attempt.
      const jobId = before?.jobId ?? '';
      const after = listed().find((j) => j.jobId === jobId);
      expect(after).toMatchObject({ kind: 'clip', status: 'completed', formats: ['mp4', 'mp4'], retries: 1 });
      expect((after?.outputs ?? []).map((o) => o.path.replace(`${join(work, 'out')}/`, '')).sort()).toEqual(['clip-01.mp4', 'clip-02.mp4']);
      const show = jobsCli('show', jobId.slice(0, 8));
      expect(show.stdout).toContain('clips     mp4×2');
      expect(show.stdout).toContain('completed');
      // A finished clip job is not run again by retry (its clips are there).
      const retry = jobsCli('retry', jobId.slice(0, 8));
      expect(retry.status).toBe(2);
      expect(retry.stderr).toContain('error EIA_JOB_STATE');
      // Nothing left to resume.
      expect(jobsCli('resume').status).toBe(0);
      expect(listed().filter((j) => j.status === 'running')).toEqual([]);
    },
    300_000,
  );
});

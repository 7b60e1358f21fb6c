/**
 * Jobs from the command line, end to end with real processes: history and audit trail after an
 * export, kill -9 in the middle of a batch and a re-run that finishes from the last completed
 * step, two processes on one data directory, and a damaged database file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(repo, 'packages/cli/bin/export-ia.js');
const samples = join(repo, 'examples/documents');

function run(args: string[], cwd: string, dataDir: string) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    input: '',
    env: { ...process.env, NO_COLOR: '1', EXPORT_IA_DATA_DIR: dataDir },
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

function workspace(copies = 1): { work: string; data: string } {
  const work = mkdtempSync(join(tmpdir(), 'eia-jobs-cli-'));
  mkdirSync(join(work, 'docs'));
  for (let i = 0; i < copies; i++) copyFileSync(join(samples, 'report.md'), join(work, 'docs', `r${i}.md`));
  for (const f of ['letter.md', 'articulo.md']) copyFileSync(join(samples, f), join(work, 'docs', f));
  // The report's images are relative to it.
  spawnSync('cp', ['-r', join(samples, 'images'), join(work, 'docs', 'images')]);
  return { work, data: join(work, 'data') };
}

type Row = Record<string, unknown>;
const query = (data: string, sql: string): Row[] => {
  const db = new Database(join(data, 'export-ia.db'), { readonly: true });
  try {
    return db.prepare(sql).all() as Row[];
  } finally {
    db.close();
  }
};

describe('jobs from the command line', () => {
  it('records every export: jobs, jobs show, history, events, stats and a rebuild that changes nothing', () => {
    const { work, data } = workspace();
    expect(run(['export', 'docs/letter.md', '--to', 'html,docx', '-o', 'out/'], work, data).code).toBe(0);
    writeFileSync(join(work, 'docs', 'letter.md'), `${readFileSync(join(work, 'docs', 'letter.md'), 'utf8')}\nOne more line.\n`);
    expect(run(['export', 'docs/letter.md', '--to', 'html', '-o', 'out/'], work, data).code).toBe(0);

    const list = run(['jobs'], work, data);
    expect(list.code).toBe(0);
    expect(list.out.match(/completed/g)).toHaveLength(2);
    const jobs = JSON.parse(run(['jobs', '--json'], work, data).out) as Array<{ jobId: string; formats: string[] }>;
    // `jobs list` is the same listing, with the same options.
    expect(run(['jobs', 'list', '--json'], work, data).out).toBe(run(['jobs', '--json'], work, data).out);
    expect(JSON.parse(run(['jobs', 'list', '--json', '-n', '1'], work, data).out)).toHaveLength(1);
    expect(JSON.parse(run(['jobs', 'list', '--status', 'failed', '--json'], work, data).out)).toEqual([]);
    // An option of `jobs` that a subcommand does not have is refused, not silently dropped.
    expect(run(['jobs', 'show', (jobs[0] as { jobId: string }).jobId, '--status', 'failed'], work, data)).toMatchObject({
      code: 2,
      err: expect.stringContaining('--status is not an option of `export-ia jobs show`'),
    });
    expect(jobs.map((j) => j.formats)).toEqual([['html'], ['html', 'docx']]);

    const show = run(['jobs', 'show', (jobs[1] as { jobId: string }).jobId.slice(0, 8)], work, data);
    expect(show.code).toBe(0);
    expect(show.out).toMatch(/exporter:docx\s+exporter-docx@\d+\.\d+\.\d+/);
    expect(show.out).toContain('out/letter.docx');

    const history = run(['history', 'docs/letter.md'], work, data);
    expect(
      history.out
        .trim()
        .split('\n')
        .filter((l) => / export /.test(l)),
    ).toHaveLength(2);
    expect(history.out).toContain('(content changed)');

    const events = run(['events', '--type', 'JobCompleted', '--json'], work, data);
    expect(
      events.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).type),
    ).toEqual(['JobCompleted', 'JobCompleted']);

    const stats = run(['stats'], work, data);
    expect(stats.out).toMatch(/exporter:html\s+exporter-html@\S+\s+2\s+0\.0%/);

    const before = run(['jobs', '--json'], work, data).out;
    expect(run(['projections', 'rebuild'], work, data).out).toMatch(/rebuilt jobs, document-history, analytics from \d+ events/);
    expect(run(['jobs', '--json'], work, data).out).toBe(before);

    const fetched = run(['jobs', 'fetch', (jobs[1] as { jobId: string }).jobId.slice(0, 8), '--format', 'docx', '-o', 'copy.docx'], work, data);
    expect(fetched.code).toBe(0);
    expect(readFileSync(join(work, 'copy.docx'))).toEqual(readFileSync(join(work, 'out', 'letter.docx')));

    expect(run(['jobs', 'show', 'ffffffff'], work, data)).toMatchObject({ code: 2, err: expect.stringContaining('EIA_JOB_NOT_FOUND') });
    expect(run(['jobs', 'cancel', (jobs[0] as { jobId: string }).jobId], work, data)).toMatchObject({ code: 2, err: expect.stringContaining('EIA_JOB_STATE') });
  });

  it('after kill -9 in the middle of a batch, `jobs resume` finishes every job without redoing completed steps', async () => {
    const { work, data } = workspace(6);
    const args = ['export', 'docs/r*.md', '--to', 'pdf,docx,html', '-o', 'out/', '--jobs', '1', '--json'];
    const child = spawn(process.execPath, [bin, ...args], { cwd: work, env: { ...process.env, EXPORT_IA_DATA_DIR: data }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((r) => child.on('close', r));
    // Kill once one document is done and another has durably produced some of its outputs.
    const partlyDoneSql =
      "SELECT count(*) AS n FROM events WHERE type = 'ArtifactProduced' AND stream_id NOT IN (SELECT stream_id FROM events WHERE type = 'JobCompleted')";
    const deadline = Date.now() + 60_000;
    while (child.exitCode === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
      if (!existsSync(join(data, 'export-ia.db'))) continue;
      try {
        const done = query(data, "SELECT count(*) AS n FROM events WHERE type = 'JobCompleted'")[0]?.n as number;
        if (done >= 1 && (query(data, partlyDoneSql)[0]?.n as number) >= 1) {
          child.kill('SIGKILL');
          break;
        }
      } catch {
        // The schema may not exist yet.
      }
    }
    await exited;
    const completedBefore = query(data, "SELECT count(*) AS n FROM events WHERE type = 'JobCompleted'")[0]?.n as number;
    expect(completedBefore).toBeGreaterThanOrEqual(1);
    expect(completedBefore).toBeLessThan(6);
    // The kill landed inside a job that had already produced some of its outputs.
    expect(query(data, partlyDoneSql)[0]?.n as number).toBeGreaterThanOrEqual(1);

    const again = run(['jobs', 'resume'], work, data);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(new RegExp(`${6 - completedBefore} exported`));
    for (let i = 0; i < 6; i++) for (const ext of ['pdf', 'docx', 'html']) expect(existsSync(join(work, 'out', `r${i}.${ext}`))).toBe(true);
    // Still six jobs, each completed exactly once…
    expect(query(data, "SELECT count(*) AS n FROM events WHERE type = 'JobRequested'")[0]?.n).toBe(6);
    expect(query(data, "SELECT stream_id, count(*) AS n FROM events WHERE type = 'JobCompleted' GROUP BY stream_id").map((r) => r.n)).toEqual([
      1, 1, 1, 1, 1, 1,
    ]);
    // …and no exporter produced the same output twice.
    const produced = query(
      data,
      "SELECT stream_id, json_extract(data, '$.format') AS f, count(*) AS n FROM events WHERE type = 'ArtifactProduced' GROUP BY 1, 2",
    );
    expect(produced).toHaveLength(18);
    expect(produced.every((r) => r.n === 1)).toBe(true);
    expect(query(data, 'SELECT count(*) AS n FROM job_queue')[0]?.n).toBe(0);
  }, 120_000);

  it('follows the audit trail live: `events --follow` prints what another process records', async () => {
    const { work, data } = workspace();
    expect(run(['export', 'docs/letter.md', '--to', 'html', '-o', 'out/'], work, data).code).toBe(0);
    const follower = spawn(process.execPath, [bin, 'events', '--follow', '--json', '--type', 'JobCompleted'], {
      cwd: work,
      env: { ...process.env, EXPORT_IA_DATA_DIR: data },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let seen = '';
    const twoCompleted = new Promise<void>((resolve) =>
      follower.stdout.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.split('"JobCompleted"').length > 2) resolve();
      }),
    );
    expect(run(['export', 'docs/articulo.md', '--to', 'html', '-o', 'out/'], work, data).code).toBe(0);
    await Promise.race([twoCompleted, new Promise((r) => setTimeout(r, 15_000))]);
    follower.kill('SIGINT');
    await new Promise((r) => follower.on('close', r));
    const lines = seen
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; data: { outputs: Array<{ path: string }> } });
    expect(lines.map((l) => l.type)).toEqual(['JobCompleted', 'JobCompleted']);
    expect(lines[1]?.data.outputs[0]?.path).toBe(join(work, 'out', 'articulo.html'));
  }, 60_000);

  it('lets two processes export into one data directory at the same time', async () => {
    const { work, data } = workspace(2);
    // stderr is kept: a failure here (seen once under full-suite load) must say why.
    const errors: string[] = [];
    const start = (args: string[]) =>
      new Promise<number>((resolve) => {
        const c = spawn(process.execPath, [bin, ...args], {
          cwd: work,
          env: { ...process.env, EXPORT_IA_DATA_DIR: data },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        c.stderr.on('data', (d: Buffer) => errors.push(d.toString('utf8')));
        c.on('close', (code) => resolve(code ?? -1));
      });
    const codes = await Promise.all([
      start(['export', 'docs/r0.md', 'docs/letter.md', '--to', 'html,docx', '-o', 'a/']),
      start(['export', 'docs/r1.md', 'docs/articulo.md', '--to', 'html,pdf', '-o', 'b/']),
    ]);
    expect(codes, errors.join('')).toEqual([0, 0]);
    expect(query(data, "SELECT count(*) AS n FROM events WHERE type = 'JobCompleted'")[0]?.n).toBe(4);
    const versions = query(data, 'SELECT stream_id, group_concat(version) AS v, count(*) AS n, max(version) AS m FROM events GROUP BY stream_id');
    expect(versions.every((r) => r.n === r.m)).toBe(true);
  }, 120_000);

  it('refuses a damaged database with a clear error naming the file, and leaves it as it was', () => {
    const { work, data } = workspace();
    mkdirSync(data, { recursive: true });
    const file = join(data, 'export-ia.db');
    const junk = Buffer.alloc(8192, 0x42);
    writeFileSync(file, junk);
    const r = run(['export', 'docs/letter.md', '--to', 'html', '-o', 'out/'], work, data);
    expect(r.code).toBe(2);
    expect(r.err).toContain('EIA_STORE_CORRUPT');
    expect(r.err).toContain(file);
    expect(r.err).toContain('mv ');
    expect(readFileSync(file).equals(junk)).toBe(true);
    expect(existsSync(join(work, 'out', 'letter.html'))).toBe(false);
    expect(run(['jobs'], work, data)).toMatchObject({ code: 2, err: expect.stringContaining('EIA_STORE_CORRUPT') });
  });
});

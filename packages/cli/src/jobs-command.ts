/**
 * History and control of jobs: `jobs` (list, show, retry, cancel, resume, fetch, prune),
 * `history <file>`, `events` (the audit trail), `stats` (analytics) and `projections`.
 * Reads go through the read models, caught up from the events first.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import {
  cancelJob,
  displayPath,
  documentHistory,
  ExportIaError,
  findJob,
  foldJob,
  type Host,
  type InputOutcome,
  isFinished,
  type JobRow,
  JobRunner,
  type JobStore,
  jobSteps,
  jobStream,
  listJobs,
  openJobStore,
  Projector,
  pruneStoredContent,
  READ_MODELS,
  resolveDataDir,
  retryJob,
  type StoredEvent,
  stats,
  writeFileAtomic,
} from '@export-ia/core';
import type { Command } from 'commander';
import type { OrphanClipJob } from './clip-command.js';
import type { CliContext } from './export-command.js';
import { humanReporter, jsonReporter } from './reporter.js';

export interface JobsDeps {
  ctx: CliContext;
  setExit: (code: number) => void;
  printError: (ctx: CliContext, err: unknown) => number;
  withHost: <T>(ctx: CliContext, fn: (host: Host) => Promise<T>) => Promise<T>;
  /** Clip jobs (`export-ia clip`): finding the unfinished ones and running them on. */
  clips: {
    orphans(jobs: JobStore, ids: readonly string[]): Promise<OrphanClipJob[]>;
    resume(orphans: readonly OrphanClipJob[], flags: StoreFlags): Promise<number>;
  };
}

interface StoreFlags {
  dataDir?: string;
  json?: boolean;
}

const DATA_DIR_HELP = 'where job history lives (default: EXPORT_IA_DATA_DIR or ~/.local/share/export-ia)';

function when(ms: number | null): string {
  if (ms === null) return '—';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function duration(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1000
    ? `${Math.round(ms)} ms`
    : ms < 60_000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const bytes = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

/** A horizontal bar of `width` cells for value/max. */
function bar(value: number, max: number, width = 24): string {
  if (max <= 0 || value <= 0) return '';
  const cells = (value / max) * width;
  const full = Math.floor(cells);
  const parts = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
  return '█'.repeat(full) + (parts[Math.round((cells - full) * 7)] ?? '');
}

const SPARK = '▁▂▃▄▅▆▇█';
const sparkline = (values: readonly number[]) => values.map((v) => SPARK[Math.min(7, Math.max(0, Math.floor((v / 100) * 8)))] ?? '').join('');

function open(flags: StoreFlags, ctx: CliContext): { jobs: JobStore; projector: Projector } {
  const jobs = openJobStore(resolveDataDir(flags.dataDir, ctx.env, ctx.cwd));
  const projector = new Projector(jobs.store, READ_MODELS, {
    log: (m) => ctx.streams.stderr.write(`warning: ${m}\n`),
    debug: (m) => {
      if (ctx.env.EXPORT_IA_DEBUG) ctx.streams.stderr.write(`debug: ${m}\n`);
    },
  });
  return { jobs, projector };
}

/** `pdf,html`; a clip job's `mp4×5` (one per planned clip), `clips` before its plan. */
function formatsLabel(j: JobRow): string {
  if (j.kind !== 'clip') return j.formats.join(',');
  return j.formats.length === 0 ? 'clips' : `mp4×${j.formats.length}`;
}

function jobLine(j: JobRow): string {
  const progress = isFinished(j.status as never) || j.status === 'partial' ? '' : ` ${Math.round(j.progress * 100)}%`;
  return `${j.jobId.slice(0, 8)}  ${`${j.status}${progress}`.padEnd(12)} ${when(j.requestedAt)}  ${duration(j.durationMs).padStart(8)}  ${formatsLabel(j).padEnd(14)} ${j.input.name}${j.score === null ? '' : `  score ${Math.round(j.score)}`}\n`;
}

function showJob(j: JobRow, steps: ReturnType<typeof jobSteps>, out: NodeJS.WritableStream, cwd: string): void {
  const w = (s: string) => out.write(`${s}\n`);
  w(`job ${j.jobId}  ${j.status}${j.retries > 0 ? ` (${j.retries} retr${j.retries === 1 ? 'y' : 'ies'})` : ''}`);
  w(
    `  input     ${j.input.path ? displayPath(j.input.path, cwd) : j.input.name}  (${bytes(j.input.bytes)}${j.input.sha256 ? `, sha256 ${j.input.sha256.slice(0, 12)}…` : ''})`,
  );
  w(`  ${j.kind === 'clip' ? 'clips  ' : 'formats'}   ${j.kind === 'clip' ? formatsLabel(j) : j.formats.join(', ')}`);
  w(`  requested ${when(j.requestedAt)}${j.actor ? ` by ${j.actor}` : ''}   finished ${when(j.finishedAt)}   took ${duration(j.durationMs)}`);
  if (j.score !== null) w(`  score     ${Math.round(j.score)}/100`);
  if (j.findings) {
    const codes = Object.entries(j.findings.codes)
      .map(([c, n]) => `${c}×${n}`)
      .join(', ');
    w(`  findings  ${j.findings.errors} errors, ${j.findings.warnings} warnings, ${j.findings.infos} notes${codes ? ` (${codes})` : ''}`);
  }
  for (const o of j.outputs) w(`  output    ${o.format.padEnd(5)} ${o.path === '-' ? 'stdout' : displayPath(o.path, cwd)} (${bytes(o.bytes)})`);
  for (const a of j.artifacts)
    w(
      `  stored    ${a.format.padEnd(5)} sha256 ${a.sha256.slice(0, 12)}… (${bytes(a.bytes)})  \`export-ia jobs fetch ${j.jobId.slice(0, 8)} --format ${a.format} -o <file>\``,
    );
  for (const f of j.failures) w(`  failed    ${f.format.padEnd(5)} ${f.error.code} ${f.error.message}`);
  if (j.error) w(`  error     ${j.error.code} ${j.error.message}`);
  if (j.pluginVersions)
    w(
      `  plugins   ${Object.entries(j.pluginVersions)
        .map(([id, v]) => `${id}@${v}`)
        .join(', ')}`,
    );
  w('  steps');
  for (const s of steps) {
    const what =
      ({ StepStarted: 'started', StepCompleted: 'completed', StepFailed: 'failed', StepRetried: 'retry', JobRetried: 'retried' } as Record<string, string>)[
        s.event
      ] ?? s.event;
    const extra = s.errorCode ? `  ${s.errorCode} ${s.errorMessage ?? ''}` : '';
    const ms = s.event === 'StepRetried' ? `in ${duration(s.ms)}` : s.ms === null ? '' : duration(s.ms);
    w(
      `    ${when(s.time).slice(11)}  ${what.padEnd(9)} ${s.step.padEnd(22)} ${(s.plugin ?? '').padEnd(28)} ${s.attempt === null ? '' : `#${s.attempt}`.padEnd(3)} ${ms.padStart(8)}${extra}`,
    );
  }
}

function describeEvent(e: StoredEvent): string {
  const d = e.data as Record<string, unknown>;
  switch (e.type) {
    case 'JobRequested': {
      const input = d.input as { name: string };
      return `${input.name} → ${(d.formats as string[]).join(', ')}`;
    }
    case 'StepStarted':
    case 'StepCompleted':
      return `${d.step}${typeof d.ms === 'number' ? ` ${duration(d.ms)}` : ''}`;
    case 'StepFailed':
      return `${d.step} ${(d.error as { code: string }).code}${d.willRetry ? ' (will retry)' : ''}`;
    case 'StepRetried':
      return `${d.step} attempt ${d.attempt} in ${duration(d.delayMs as number)}`;
    case 'ArtifactProduced':
      return `${d.format} ${bytes(d.bytes as number)} sha256 ${(d.sha256 as string).slice(0, 12)}…`;
    case 'JobCompleted':
      return `${d.status} in ${duration(d.ms as number)}`;
    case 'JobFailed':
      return (d.error as { code: string; message: string }).code;
    case 'JobCancelled':
      return String(d.reason);
    default:
      return JSON.stringify(d).slice(0, 80);
  }
}

/** A clip job's last attempt as it was started (to run it again, whatever its outcome). */
async function clipJobAgain(jobs: JobStore, id: string): Promise<OrphanClipJob[]> {
  const events = await jobs.store.readStream(`clip-${id}`);
  const started = events.findLast((e) => e.type === 'ClipJobStarted');
  if (!started) return [];
  const d = started.data as OrphanClipJob & { configFile?: string };
  return [{ id, input: d.input, outDir: d.outDir, options: d.options, ...(d.configFile ? { configFile: d.configFile } : {}) }];
}

/** Registers the commands on the program. */
export function registerJobCommands(program: Command, deps: JobsDeps): void {
  const { ctx, setExit, printError } = deps;
  const out = ctx.streams.stdout;
  const guard =
    <A extends unknown[]>(fn: (...args: A) => Promise<number> | number) =>
    async (...args: A) => {
      // `jobs` itself takes --data-dir, --json, -n and --status, so commander gives them to it when
      // they follow a subcommand (`jobs show ID --data-dir D`): the subcommand takes those it has,
      // and one it does not have is a usage error, not silently ignored.
      const command = args.at(-1) as Command | undefined;
      const flags = args.at(-2) as Record<string, unknown> | undefined;
      const parent = command?.parent;
      if (command && flags && typeof flags === 'object' && parent?.name() === 'jobs') {
        const own = new Set(command.options.map((o) => o.attributeName()));
        for (const [key, value] of Object.entries(parent.opts())) {
          if (parent.getOptionValueSource(key) !== 'cli' || command.getOptionValueSource(key) === 'cli') continue;
          if (own.has(key)) flags[key] = value;
          else {
            const flag = parent.options.find((o) => o.attributeName() === key)?.long ?? key;
            setExit(printError(ctx, new ExportIaError('EIA_USAGE', { detail: `${flag} is not an option of \`export-ia jobs ${command.name()}\`` })));
            return;
          }
        }
      }
      try {
        setExit(await fn(...args));
      } catch (err) {
        setExit(printError(ctx, err));
      }
    };
  const withStore = async <T>(flags: StoreFlags, fn: (s: { jobs: JobStore; projector: Projector }) => Promise<T> | T): Promise<T> => {
    const s = open(flags, ctx);
    try {
      return await fn(s);
    } finally {
      await s.jobs.close();
    }
  };
  /** Runs jobs this process now holds, reporting like `export`. */
  const runJobs = async (flags: StoreFlags, jobs: JobStore, take: (runner: JobRunner) => Promise<string[]>): Promise<number> =>
    deps.withHost(ctx, async (host) => {
      const reporter = flags.json
        ? jsonReporter(ctx.streams, { dataOnStdout: false })
        : humanReporter(ctx.streams, { cwd: ctx.cwd, quiet: false, dataOnStdout: false });
      const runner = new JobRunner({
        store: jobs.store,
        blobs: jobs.blobs,
        host,
        isolate: !host.corpus,
        metadata: { correlationId: randomUUID() },
        onEvent: (e) => reporter.event(e),
      });
      try {
        const ids = await take(runner);
        reporter.start(ids.length, []);
        const outcomes: InputOutcome[] = await runner.runAll(ids);
        const code = outcomes.some((o) => o.status !== 'ok') ? 3 : 0;
        reporter.done(outcomes, code);
        return code;
      } finally {
        await runner.close();
      }
    });

  /** `jobs` and `jobs list`: the same listing, options and output. */
  const listing = (command: Command) =>
    command
      .option('--status <list>', 'only these statuses (queued, running, completed, partial, failed, cancelled), comma-separated')
      .option('-n, --limit <n>', 'at most this many', '20')
      .option('--json', 'print JSON')
      .option('--data-dir <dir>', DATA_DIR_HELP)
      .action(
        guard(async (flags: StoreFlags & { status?: string; limit: string }) =>
          withStore(flags, ({ jobs: s, projector }) => {
            projector.catchUp();
            const limit = Number(flags.limit);
            if (!Number.isInteger(limit) || limit < 1)
              throw new ExportIaError('EIA_USAGE', { detail: `--limit must be a positive whole number, not "${flags.limit}"` });
            const known = ['queued', 'running', 'completed', 'partial', 'failed', 'cancelled'];
            const status = flags.status
              ?.split(',')
              .map((x) => x.trim().toLowerCase())
              .filter(Boolean);
            const unknown = status?.find((x) => !known.includes(x));
            if (unknown) throw new ExportIaError('EIA_USAGE', { detail: `unknown status "${unknown}" (use ${known.join(', ')})` });
            const rows = listJobs(s.store.database, { ...(status ? { status } : {}), limit });
            if (flags.json) out.write(`${JSON.stringify(rows, null, 2)}\n`);
            else if (rows.length === 0) out.write('No jobs yet. Every `export-ia export` is recorded here.\n');
            else {
              out.write(`${'id'.padEnd(8)}  ${'status'.padEnd(12)} ${'requested'.padEnd(19)}  ${'took'.padStart(8)}  ${'formats'.padEnd(14)} input\n`);
              for (const j of rows) out.write(jobLine(j));
            }
            return 0;
          }),
        ),
      );

  const jobs = listing(
    program
      .command('jobs')
      .description('List jobs (every export and every clip job is one), newest first; subcommands list, show, retry, cancel, resume, fetch, prune.'),
  );
  listing(jobs.command('list').description('List jobs, newest first (the same as `export-ia jobs`).'));

  jobs
    .command('show <id>')
    .description('One job: input, outputs, findings, every step with its plugin version and timing.')
    .option('--json', 'print JSON')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(
      guard(async (id: string, flags: StoreFlags) =>
        withStore(flags, ({ jobs: s, projector }) => {
          projector.catchUp();
          const job = findJob(s.store.database, id);
          const steps = jobSteps(s.store.database, job.jobId);
          if (flags.json) out.write(`${JSON.stringify({ ...job, steps }, null, 2)}\n`);
          else showJob(job, steps, out, ctx.cwd);
          return 0;
        }),
      ),
    );

  jobs
    .command('cancel <id>')
    .description('Cancel a queued or running job (also one running in another process).')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(
      guard(async (id: string, flags: StoreFlags) =>
        withStore(flags, async ({ jobs: s, projector }) => {
          projector.catchUp();
          const job = findJob(s.store.database, id);
          if (job.kind === 'clip')
            throw new ExportIaError('EIA_USAGE', {
              detail: `job ${job.jobId.slice(0, 8)} is a clip job: stop it with Ctrl-C (or by ending its process); \`export-ia jobs resume\` or the same \`export-ia clip\` command goes on from its last finished step`,
            });
          await cancelJob(s.store, job.jobId, 'cancelled from the command line', { actor: 'cli' });
          out.write(`cancelled ${job.jobId.slice(0, 8)} (${job.input.name})\n`);
          return 0;
        }),
      ),
    );

  jobs
    .command('retry <id>')
    .description('Run a failed, cancelled or partly failed job again (only what failed), from its stored input.')
    .option('--json', 'print one JSON event per line')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(
      guard(async (id: string, flags: StoreFlags) =>
        withStore(flags, async ({ jobs: s, projector }) => {
          projector.catchUp();
          const job = findJob(s.store.database, id);
          if (job.kind === 'clip') {
            if (job.status === 'completed') throw new ExportIaError('EIA_JOB_STATE', { id: job.jobId.slice(0, 8), status: job.status, action: 'retried' });
            // A failed clip job runs again from its last finished step; one still running is refused.
            const [orphan] = job.status === 'running' ? await deps.clips.orphans(s, [job.jobId]) : await clipJobAgain(s, job.jobId);
            if (!orphan) throw new ExportIaError('EIA_USAGE', { detail: `clip job ${job.jobId.slice(0, 8)} is still running in another process` });
            return deps.clips.resume([orphan], flags);
          }
          await retryJob(s.store, job.jobId, { actor: 'cli' });
          return runJobs(flags, s, (runner) => runner.adopt([job.jobId]));
        }),
      ),
    );

  jobs
    .command('resume')
    .description('Finish jobs left unfinished by a run that stopped (crash, kill, power loss), from their last completed step.')
    .option('--json', 'print one JSON event per line')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(
      guard(async (flags: StoreFlags) =>
        withStore(flags, async ({ jobs: s, projector }) => {
          const code = await runJobs(flags, s, (runner) => runner.adoptOrphans());
          // Clip jobs whose process is gone go on too.
          projector.catchUp();
          const running = listJobs(s.store.database, { status: ['running'], limit: 10_000 }).filter((j) => j.kind === 'clip');
          const orphans = await deps.clips.orphans(
            s,
            running.map((j) => j.jobId),
          );
          return Math.max(code, await deps.clips.resume(orphans, flags));
        }),
      ),
    );

  jobs
    .command('fetch <id>')
    .description("Write a job's stored output (kept for the retention period) to a file or stdout.")
    .requiredOption('-f, --format <format>', 'which output (pdf, docx, html…)')
    .requiredOption('-o, --output <file>', 'destination file, or - for stdout')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(
      guard(async (id: string, flags: StoreFlags & { format: string; output: string }) =>
        withStore(flags, async ({ jobs: s, projector }) => {
          projector.catchUp();
          const job = findJob(s.store.database, id);
          const state = foldJob(s.store.readStreamSync(jobStream(job.jobId)));
          const art = state.artifacts[flags.format.toLowerCase()];
          if (!art)
            throw new ExportIaError('EIA_USAGE', {
              detail: `job ${job.jobId.slice(0, 8)} has no stored ${flags.format} output (it has: ${Object.keys(state.artifacts).join(', ') || 'none'})`,
            });
          const data = await s.blobs.get(art.sha256, `${art.format} output of ${job.input.name}`);
          if (flags.output === '-') await new Promise<void>((r) => out.write(data, () => r()));
          else {
            const dest = resolve(ctx.cwd, flags.output);
            writeFileAtomic(dest, data, flags.output);
            ctx.streams.stderr.write(`wrote ${flags.output} (${bytes(data.byteLength)})\n`);
          }
          return 0;
        }),
      ),
    );

  jobs
    .command('prune')
    .description('Delete stored inputs and outputs of finished jobs older than the retention period (events stay: the audit trail is kept).')
    .option('--older-than <days>', 'retention in days (default: EXPORT_IA_RETENTION_DAYS or 30)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(
      guard(async (flags: StoreFlags & { olderThan?: string }) =>
        withStore(flags, async ({ jobs: s }) => {
          const raw = flags.olderThan ?? ctx.env.EXPORT_IA_RETENTION_DAYS ?? '30';
          const days = Number(raw);
          if (!Number.isFinite(days) || days < 0) throw new ExportIaError('EIA_USAGE', { detail: `retention must be a number of days, not "${raw}"` });
          const r = await pruneStoredContent(s, days);
          out.write(`removed ${r.removed} stored file(s), ${bytes(r.bytes)}; kept ${r.kept}\n`);
          return 0;
        }),
      ),
    );

  program
    .command('history <file>')
    .description('Every job that touched this document, with its quality score trend.')
    .option('--json', 'print JSON')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(
      guard(async (file: string, flags: StoreFlags) =>
        withStore(flags, ({ jobs: s, projector }) => {
          projector.catchUp();
          const rows = documentHistory(s.store.database, file === '-' ? '-' : resolve(ctx.cwd, file));
          if (flags.json) {
            out.write(`${JSON.stringify(rows, null, 2)}\n`);
            return 0;
          }
          if (rows.length === 0) {
            out.write(`No jobs have touched ${file} yet.\n`);
            return 0;
          }
          let lastSha = '';
          for (const r of rows) {
            const changed = r.sha256 !== lastSha ? (lastSha ? ' (content changed)' : '') : '';
            lastSha = r.sha256;
            out.write(
              `${when(r.time)}  ${r.jobId.slice(0, 8)}  ${r.kind.padEnd(7)} ${r.status.padEnd(10)} ${r.formats.join(',').padEnd(14)}${r.score === null ? '' : ` score ${Math.round(r.score)}`}${changed}\n`,
            );
          }
          const scores = rows.flatMap((r) => (r.score === null ? [] : [r.score]));
          out.write(
            scores.length > 0
              ? `score trend ${sparkline(scores)}  ${Math.round(scores[0] as number)} → ${Math.round(scores.at(-1) as number)}\n`
              : 'no quality scores recorded for this document yet\n',
          );
          return 0;
        }),
      ),
    );

  program
    .command('events')
    .description('The audit trail: every event, oldest first (filter by stream or type; --follow waits for new ones).')
    .option('--stream <id>', 'one stream (a job id or its prefix: job-<id>)')
    .option('--type <list>', 'only these event types, comma-separated')
    .option('--after <position>', 'start after this global position', '0')
    .option('-n, --limit <n>', 'at most this many (without --follow)', '1000')
    .option('--follow', 'keep printing new events as they are recorded (Ctrl-C to stop)')
    .option('--json', 'one JSON event per line')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(
      guard(async (flags: StoreFlags & { stream?: string; type?: string; after: string; limit: string; follow?: boolean }) =>
        withStore(flags, async ({ jobs: s }) => {
          const types = flags.type
            ?.split(',')
            .map((t) => t.trim())
            .filter(Boolean);
          let prefix = flags.stream;
          if (prefix && /^[0-9a-f-]{4,36}$/i.test(prefix)) prefix = jobStream(prefix.toLowerCase());
          const after = Number(flags.after);
          const limit = Number(flags.limit);
          if (!Number.isInteger(after) || after < 0 || !Number.isInteger(limit) || limit < 1)
            throw new ExportIaError('EIA_USAGE', { detail: '--after and --limit take whole numbers' });
          const print = (e: StoredEvent) =>
            out.write(
              flags.json
                ? `${JSON.stringify(e)}\n`
                : `${String(e.position).padStart(6)}  ${when(e.time)}  ${e.streamId.slice(0, 12).padEnd(12)} v${String(e.version).padEnd(3)} ${e.type.padEnd(16)} ${describeEvent(e)}\n`,
            );
          const filter = { ...(types && types.length > 0 ? { types } : {}), ...(prefix ? { streamPrefix: prefix } : {}) };
          if (!flags.follow) {
            for (const e of await s.store.readAll({ after, maxCount: limit, ...filter })) print(e);
            return 0;
          }
          const sub = s.store.subscribe({ after, ...filter, handler: (e) => void print(e) });
          // The store's poll timer does not hold the process open; following must.
          const keepAlive = setInterval(() => {}, 1 << 30);
          await new Promise<void>((resolveStop) => {
            const stop = () => {
              clearInterval(keepAlive);
              resolveStop();
            };
            process.once('SIGINT', stop);
            process.once('SIGTERM', stop);
            sub.done.then(stop, stop);
          });
          await sub.stop();
          return 0;
        }),
      ),
    );

  program
    .command('stats')
    .description('Analytics: jobs per day, failure rate and p50/p95 duration per step and plugin, score distribution.')
    .option('--days <n>', 'days to show', '14')
    .option('--json', 'print JSON')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(
      guard(async (flags: StoreFlags & { days: string }) =>
        withStore(flags, ({ jobs: s, projector }) => {
          projector.catchUp();
          const days = Number(flags.days);
          if (!Number.isInteger(days) || days < 1)
            throw new ExportIaError('EIA_USAGE', { detail: `--days must be a positive whole number, not "${flags.days}"` });
          const st = stats(s.store.database, { days });
          if (flags.json) {
            out.write(`${JSON.stringify(st, null, 2)}\n`);
            return 0;
          }
          if (st.days.length === 0) {
            out.write('No jobs yet.\n');
            return 0;
          }
          out.write('Jobs per day (█ finished  ▒ failed or cancelled)\n');
          const max = Math.max(...st.days.map((d) => d.requested));
          for (const d of st.days) {
            const bad = d.failed + d.cancelled;
            const good = d.completed + d.partial;
            const width = 30;
            const g = Math.round((good / max) * width);
            const b = Math.round((bad / max) * width);
            out.write(
              `  ${d.day}  ${'█'.repeat(g)}${'▒'.repeat(b)} ${d.requested} (${good} ok${d.partial ? `, ${d.partial} partial` : ''}${bad ? `, ${bad} failed/cancelled` : ''})\n`,
            );
          }
          out.write('\nSteps                    plugin                          runs  fail%     p50     p95\n');
          for (const r of st.steps) {
            out.write(
              `  ${r.step.padEnd(22)} ${(r.plugin ?? '').padEnd(30)} ${String(r.runs).padStart(5)} ${(r.failureRate * 100).toFixed(1).padStart(5)}% ${duration(r.p50).padStart(7)} ${duration(r.p95).padStart(7)}\n`,
            );
          }
          out.write('\nQuality scores\n');
          if (st.scores.count === 0) out.write('  none recorded yet\n');
          else {
            const top = Math.max(...st.scores.buckets.map((b) => b.count));
            for (const b of st.scores.buckets) out.write(`  ${String(b.from).padStart(3)}-${String(b.to).padEnd(3)} ${bar(b.count, top)} ${b.count || ''}\n`);
          }
          return 0;
        }),
      ),
    );

  const projections = program.command('projections').description('Read models (jobs, document history, analytics): status and rebuild.');
  projections
    .command('rebuild')
    .description('Drop every read model and replay all events into it.')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(
      guard(async (flags: StoreFlags) =>
        withStore(flags, ({ projector }) => {
          const started = performance.now();
          const n = projector.rebuild();
          out.write(`rebuilt ${READ_MODELS.map((p) => p.name).join(', ')} from ${n} events in ${duration(performance.now() - started)}\n`);
          return 0;
        }),
      ),
    );
  projections
    .command('status')
    .description('Each read model with its checkpoint and last error.')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(
      guard(async (flags: StoreFlags) =>
        withStore(flags, ({ jobs: s, projector }) => {
          projector.catchUp();
          const head = s.store.headPositionSync();
          for (const p of projector.status())
            out.write(`${p.name.padEnd(18)} v${p.version}  at ${p.position}/${head}${p.error ? `  error: ${p.error}` : ''}\n`);
          return 0;
        }),
      ),
    );
}

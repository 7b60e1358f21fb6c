/**
 * What the user sees: a progress bar on a terminal, plain lines when piped, or one JSON event
 * per line with --json. Human output goes to stdout, or to stderr when stdout carries the
 * document (`-o -`).
 */
import type { BatchEvent, Diagnostic, InputOutcome, SerializedError } from '@export-ia/core';
import { displayPath } from '@export-ia/core';

export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

const useColor = (s: { isTTY?: boolean }) => Boolean(s.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';

function paint(enabled: boolean) {
  const wrap = (code: string) => (text: string) => (enabled ? `\x1b[${code}m${text}\x1b[0m` : text);
  return { red: wrap('31'), green: wrap('32'), yellow: wrap('33'), dim: wrap('2'), bold: wrap('1'), cyan: wrap('36') };
}

export interface Reporter {
  start(inputs: number, formats: readonly string[]): void;
  event(event: BatchEvent): void;
  /** A usage or configuration error before any work started. */
  fatal(error: SerializedError): void;
  done(outcomes: readonly InputOutcome[], exitCode: number): void;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function where(d: Diagnostic): string {
  const pos = d.position ? `:${d.position.line}:${d.position.column}` : '';
  return `${d.file ?? ''}${pos}`;
}

/** Human output: progress bar on a TTY, plain lines otherwise. */
export function humanReporter(streams: Streams, options: { cwd: string; quiet: boolean; dataOnStdout: boolean }): Reporter {
  const out = options.dataOnStdout ? streams.stderr : streams.stdout;
  const err = streams.stderr;
  const c = paint(useColor(out));
  const bar = Boolean(streams.stderr.isTTY) && !options.quiet;
  let total = 0;
  let finished = 0;
  let current = '';
  let barShown = false;

  const clearBar = () => {
    if (barShown) {
      err.write('\r\x1b[2K');
      barShown = false;
    }
  };
  const drawBar = () => {
    if (!bar || total < 1) return;
    const width = Math.max(10, Math.min(30, (streams.stderr.columns ?? 80) - 50));
    const filled = Math.round((finished / total) * width);
    const label = current.length > 40 ? `…${current.slice(-39)}` : current;
    err.write(`\r\x1b[2K${c.cyan('█'.repeat(filled))}${c.dim('░'.repeat(width - filled))} ${finished}/${total} ${c.dim(label)}`);
    barShown = true;
  };
  const line = (stream: NodeJS.WritableStream, text: string) => {
    clearBar();
    stream.write(`${text}\n`);
    drawBar();
  };
  const printDiagnostic = (d: Diagnostic) => {
    const tag = d.severity === 'error' ? c.red('error') : d.severity === 'warning' ? c.yellow('warning') : c.dim('info');
    line(err, `  ${tag} ${c.dim(d.code)} ${where(d)} ${d.message}`);
    if (d.hint) line(err, `    ${c.dim(`hint: ${d.hint}`)}`);
  };
  const printError = (input: string, e: SerializedError) => {
    line(err, `${c.red('✗')} ${input}: ${c.dim(e.code)} ${e.message}`);
    line(err, `    ${c.dim(`hint: ${e.hint}`)}`);
  };

  return {
    start(inputs) {
      total = inputs;
      drawBar();
    },
    event(event) {
      if (event.type === 'input-started') {
        current = event.file;
        drawBar();
      } else if (event.type === 'input-finished') {
        finished += 1;
        const o = event.outcome;
        for (const d of o.diagnostics) if (!options.quiet || d.severity === 'error') printDiagnostic(d);
        if (o.error) printError(o.input, o.error);
        for (const f of o.failures) printError(`${o.input} → ${f.format}`, f.error);
        const written = o.written.filter((w) => w.path !== '-').map((w) => displayPath(w.path, options.cwd));
        if (written.length > 0 && !options.quiet) line(out, `${c.green('✓')} ${o.input} → ${written.join(', ')} ${c.dim(`(${formatMs(o.ms)})`)}`);
        drawBar();
      }
    },
    fatal(e) {
      clearBar();
      err.write(`${c.red('error')} ${c.dim(e.code)} ${e.message}\n  ${c.dim(`hint: ${e.hint}`)}\n`);
    },
    done(outcomes, exitCode) {
      clearBar();
      if (options.quiet || outcomes.length < 2) return;
      const failed = outcomes.filter((o) => o.status === 'failed').length;
      const partial = outcomes.filter((o) => o.status === 'partial').length;
      const ok = outcomes.length - failed - partial;
      const summary = `${ok} exported${partial ? `, ${partial} partly` : ''}${failed ? `, ${failed} failed` : ''} (exit ${exitCode})`;
      out.write(`${failed || partial ? c.yellow(summary) : c.green(summary)}\n`);
    },
  };
}

/** One JSON object per line: machine-readable progress, results and errors. */
export function jsonReporter(streams: Streams, options: { dataOnStdout: boolean }): Reporter {
  const out = options.dataOnStdout ? streams.stderr : streams.stdout;
  const emit = (obj: Record<string, unknown>) => out.write(`${JSON.stringify({ ...obj, time: new Date().toISOString() })}\n`);
  return {
    start: (inputs, formats) => emit({ type: 'start', inputs, formats }),
    event(event) {
      if (event.type === 'input-finished') {
        const o = event.outcome;
        for (const d of o.diagnostics) emit({ type: 'diagnostic', ...d });
        for (const w of o.written) emit({ type: 'output', input: o.input, format: w.format, path: w.path, bytes: w.bytes });
        emit({ type: 'input-finished', input: o.input, status: o.status, ms: Math.round(o.ms), ...(o.error ? { error: o.error } : {}), failures: o.failures });
        return;
      }
      emit(event as unknown as Record<string, unknown>);
    },
    fatal: (e) => emit({ type: 'error', ...e }),
    done(outcomes, exitCode) {
      const failed = outcomes.filter((o) => o.status === 'failed').length;
      const partial = outcomes.filter((o) => o.status === 'partial').length;
      emit({ type: 'done', exported: outcomes.length - failed - partial, partial, failed, exitCode });
    },
  };
}

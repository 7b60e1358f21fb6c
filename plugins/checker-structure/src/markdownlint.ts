/**
 * markdownlint for Markdown sources. Its own micromark parse costs ~20-30 ms per 6,000 words,
 * more than all our other rules together, so on the main thread it runs in a worker thread,
 * started before the other rules so the two overlap (and with the other checkers of the stage).
 * Inside a worker thread (batches) it runs in place, like the PDF exporter's compiles.
 */
import { isMainThread } from 'node:worker_threads';
import { type Finding, type FindingSeverity, type Fix, WorkerPool, workerFile } from '@export-ia/core/plugin';
import type { LintIssue, LintOutcome, LintTask } from './markdownlint-run.js';

/** Rules whose markdownlint fix only changes whitespace that never changes the rendering. */
const SAFE_FIXES = new Set(['MD012', 'MD019', 'MD021', 'MD047']);

export class MarkdownLinter {
  #pool: WorkerPool<LintTask, LintOutcome> | undefined;
  #inline: Promise<typeof import('./markdownlint-run.js')> | undefined;

  /** Starts linting now; the promise settles with markdownlint's issues. */
  lint(task: LintTask): Promise<LintOutcome> {
    if (isMainThread) {
      try {
        this.#pool ??= new WorkerPool<LintTask, LintOutcome>({
          filename: workerFile(import.meta.url, './markdownlint-worker.js'),
          size: 1,
          name: 'markdownlint',
        });
        return this.#pool.run(task);
      } catch {
        // No built worker file (running from sources): lint in place.
      }
    }
    this.#inline ??= import('./markdownlint-run.js');
    return this.#inline.then((m) => m.lintMarkdown(task));
  }

  async close(): Promise<void> {
    await this.#pool?.close();
    this.#pool = undefined;
  }
}

/** Above these sizes markdownlint is not run (its parser slows down badly on pathological sources). */
export const MAX_LINT_CHARS = 2_000_000;
export const MAX_LINT_LINE = 20_000;

/** Length of the longest line of `text`, in one linear pass (a regex like /[^\n]{20000}/ rescans every line from each position). */
export function longestLine(text: string): number {
  let longest = 0;
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    if (end - start > longest) longest = end - start;
    if (nl === -1) return longest;
    start = nl + 1;
  }
}

/** Offsets where each line of `text` starts (any line ending). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** The text's first line ending (fixes insert the same). */
export const lineEnding = (text: string): string => /\r\n|\r|\n/.exec(text)?.[0] ?? '\n';

/** The last line of `text` as markdownlint counts lines (any line ending): 1-based number, start offset. */
export function lastLine(text: string): { line: number; offset: number } {
  let line = 1;
  let offset = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    line++;
    offset = i + 1;
  }
  return { line, offset };
}

function toFix(issue: LintIssue, text: string, starts: number[], eol: string): Fix | undefined {
  const f = issue.fix;
  if (!f || !SAFE_FIXES.has(issue.rule)) return undefined;
  const line = f.lineNumber ?? issue.line;
  const start = starts[line - 1];
  if (start === undefined) return undefined;
  const next = starts[line] ?? text.length;
  if (f.deleteCount === -1) return { start, end: next, text: '' };
  const at = start + (f.editColumn ?? 1) - 1;
  const end = Math.min(at + Math.max(0, f.deleteCount ?? 0), text.length);
  return { start: at, end, text: (f.insertText ?? '').replace(/\n/g, eol) };
}

/**
 * markdownlint issues as findings `structure/markdownlint/MD0xx` at their line and column. `eol`
 * is what fixes insert for a line ending (the text's own, unless it is a piece of a larger one).
 */
export function lintFindings(issues: readonly LintIssue[], text: string, severity: Exclude<FindingSeverity, 'info'>, eol = lineEnding(text)): Finding[] {
  const starts = lineStarts(text);
  return issues.map((issue) => {
    const lineStart = starts[issue.line - 1];
    const column = issue.range?.[0] ?? 1;
    const position: Finding['position'] = { line: issue.line, column };
    if (issue.range) {
      position.endLine = issue.line;
      position.endColumn = issue.range[0] + issue.range[1];
    }
    if (lineStart !== undefined) {
      position.offset = lineStart + column - 1;
      if (issue.range) position.endOffset = lineStart + issue.range[0] - 1 + issue.range[1];
    }
    const finding: Finding = {
      rule: `structure/markdownlint/${issue.rule}`,
      severity,
      message: `${issue.description}${issue.detail ? ` (${issue.detail})` : ''}`,
      position,
      data: {
        markdownlint: [issue.rule, ...issue.aliases],
        information: `https://github.com/DavidAnson/markdownlint/blob/v0.40.0/doc/${issue.rule.toLowerCase()}.md`,
      },
    };
    if (issue.context) finding.excerpt = issue.context;
    const fix = toFix(issue, text, starts, eol);
    if (fix) finding.fix = fix;
    return finding;
  });
}

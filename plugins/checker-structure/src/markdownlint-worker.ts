/** Worker thread for markdownlint: its parse costs tens of milliseconds, run beside the other checkers. */
import { serveWorker } from '@export-ia/core/plugin';
import { type LintIssue, type LintTask, lintMarkdown } from './markdownlint-run.js';

serveWorker<LintTask, LintIssue[]>((task) => ({ result: lintMarkdown(task) }));

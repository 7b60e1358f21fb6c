/** Worker thread for markdownlint: its parse costs tens of milliseconds, run beside the other checkers. */
import { serveWorker } from '@export-ia/core/plugin';
import { type LintOutcome, type LintTask, lintMarkdown } from './markdownlint-run.js';

serveWorker<LintTask, LintOutcome>((task) => ({ result: lintMarkdown(task) }));

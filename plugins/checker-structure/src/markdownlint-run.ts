/**
 * Runs markdownlint on one text and returns plain data (it crosses a thread boundary). Loaded
 * only when markdownlint runs: the library and its micromark parser cost ~100 ms to import.
 */
import { lint } from 'markdownlint/sync';

export interface LintIssue {
  line: number;
  /** `MD040`. */
  rule: string;
  /** Other names (`fenced-code-language`). */
  aliases: string[];
  description: string;
  detail: string | null;
  context: string | null;
  /** [column, length], 1-based. */
  range: [number, number] | null;
  fix: { lineNumber?: number; editColumn?: number; deleteCount?: number; insertText?: string } | null;
}

export interface LintTask {
  text: string;
  config: Record<string, unknown>;
}

// markdownlint's default, plus YAML front matter closed by `...` (our parser accepts both).
const FRONT_MATTER =
  /((^---[^\S\r\n\u2028\u2029]*$[\s\S]+?^(?:---|\.\.\.)\s*)|(^\+\+\+[^\S\r\n\u2028\u2029]*$[\s\S]+?^(\+\+\+|\.\.\.)\s*)|(^\{[^\S\r\n\u2028\u2029]*$[\s\S]+?^\}\s*))(\r\n|\r|\n|$)/m;

export function lintMarkdown(task: LintTask): LintIssue[] {
  const results = lint({ strings: { doc: task.text }, config: task.config as never, frontMatter: FRONT_MATTER });
  return (results.doc ?? []).map((e) => ({
    line: e.lineNumber,
    rule: e.ruleNames[0] ?? 'MD000',
    aliases: e.ruleNames.slice(1),
    description: e.ruleDescription,
    detail: e.errorDetail,
    context: e.errorContext,
    range: e.errorRange && e.errorRange.length >= 2 ? [e.errorRange[0] ?? 1, e.errorRange[1] ?? 0] : null,
    fix: e.fixInfo ? { ...e.fixInfo } : null,
  }));
}

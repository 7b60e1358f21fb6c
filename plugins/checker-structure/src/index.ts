/**
 * @export-ia/plugin-checker-structure — two checkers on the document's shape:
 * `structure` (title, outline, sections, anchors, local files, long sentences, markdownlint) and
 * `accessibility` (alt text, heading order, link text, table headers, language).
 */
import { type CheckResult, definePlugin, diagnostic, type Finding, type MergeContext } from '@export-ia/core/plugin';
import { checkAccessibility, type EmitA11y } from './accessibility.js';
import { ACCESSIBILITY_RULES, type Impact, type RuleLevel, readConfig, type StructureRule } from './config.js';
import { lintFindings, longestLine, MAX_LINT_CHARS, MAX_LINT_LINE, MarkdownLinter } from './markdownlint.js';
import type { LintOutcome } from './markdownlint-run.js';
import { type LintPartial, lintPartial, mergeLintFindings, partIssues, skippedLint } from './markdownlint-sections.js';
import { scanDocument } from './scan.js';
import {
  type AccessibilityPartial,
  accessibilityPartial,
  mergeAccessibilityRules,
  mergeStructureRules,
  type StructurePartial,
  structurePartial,
} from './sections.js';
import { checkStructure, type Emit } from './structure.js';

const validation = (findings: readonly Finding[]) => {
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  return { validation: { errors: count('error'), warnings: count('warning'), suggestions: count('suggestion') } };
};

export default definePlugin({
  setup(api) {
    // Read once: an unknown rule id fails at start-up with a "did you mean", not per document.
    const config = readConfig(api.config);
    const level = (rule: string): RuleLevel => config.levels.get(rule) ?? 'off';
    const linter = new MarkdownLinter();
    api.onClose(() => linter.close());

    const structureEmit =
      (findings: Finding[]): Emit =>
      (rule, message, position, extra) => {
        const severity = level(`structure/${rule}`);
        if (severity === 'off') return;
        const finding: Finding = { rule: `structure/${rule}`, severity, message, ...extra };
        if (position) finding.position = position;
        findings.push(finding);
      };
    const accessibilityEmit =
      (findings: Finding[], impacts: Record<Impact, number>): EmitA11y =>
      (rule, message, position, extra) => {
        const severity = level(`accessibility/${rule}`);
        if (severity === 'off') return;
        const impact = ACCESSIBILITY_RULES[rule].impact;
        impacts[impact]++;
        const finding: Finding = { rule: `accessibility/${rule}`, severity, message, ...extra, data: { impact, ...extra?.data } };
        if (position) finding.position = position;
        findings.push(finding);
      };
    const lintFailed = (ctx: { report: MergeContext['report']; file: string }, err: unknown) =>
      // markdownlint failing must not take the structure findings down with it.
      ctx.report(
        diagnostic('EIA_CHECKER_FAILED', { checker: 'structure (markdownlint)', file: ctx.file, detail: (err as Error).message }, { severity: 'warning' }),
      );

    api.checker('structure', {
      async check(doc, ctx): Promise<CheckResult> {
        // Started first so markdownlint's parse overlaps with everything below.
        const markdownlintLevel = level('structure/markdownlint');
        const wantLint = config.markdownlint && markdownlintLevel !== 'off' && doc.source.format === 'markdown' && ctx.text !== undefined;
        // markdownlint's own parser slows down badly on pathological sources (a 200k-character
        // line of emphasis markers, a 1000×200 table): above these sizes it is not started, and said so.
        const tooBig = wantLint && ctx.text !== undefined && (ctx.text.length > MAX_LINT_CHARS || longestLine(ctx.text) > MAX_LINT_LINE);
        const lint =
          wantLint && !tooBig && config.markdownlint && ctx.text !== undefined
            ? linter.lint({ text: ctx.text, config: config.markdownlint, ...(ctx.part ? { references: true } : {}) })
            : undefined;
        // Rejections are handled below; this keeps an early failure from being "unhandled" meanwhile.
        lint?.catch(() => undefined);

        const findings: Finding[] = [];
        const scan = scanDocument(doc.root);
        checkStructure(doc, ctx, config, scan, structureEmit(findings), (rule: StructureRule) => level(`structure/${rule}`) !== 'off');

        if (tooBig) findings.push(skippedLint());
        let outcome: LintOutcome | undefined;
        if (lint && ctx.text !== undefined && markdownlintLevel !== 'off') {
          try {
            outcome = await lint;
            // In a part, the end of the file is merge's (the document's last line).
            for (const f of lintFindings(ctx.part ? partIssues(outcome.issues) : outcome.issues, ctx.text, markdownlintLevel)) findings.push(f);
          } catch (err) {
            lintFailed(ctx, err);
          }
        }
        const result: CheckResult = { findings, metrics: validation(findings) };
        if (ctx.part) {
          const partial = structurePartial(doc, ctx, scan, ctx.part);
          // Only when markdownlint ran (or was skipped) on the part: merge redoes the document's rules from it.
          if (tooBig || outcome) partial.lint = lintPartial(outcome, tooBig, ctx.part);
          result.partial = partial;
        }
        return result;
      },

      async merge(parts, ctx): Promise<CheckResult> {
        const partials = parts.map((p) => p.partial as StructurePartial | undefined);
        const complete = partials.every((p) => p !== undefined) ? (partials as StructurePartial[]) : [];
        let findings = parts.flatMap((p) => p.findings);
        const lints = complete.map((p) => p.lint);
        const markdownlintLevel = level('structure/markdownlint');
        // When markdownlint ran on every part; else (it failed on one) the parts' findings stand.
        if (lints.length > 0 && lints.every((l) => l !== undefined) && config.markdownlint && markdownlintLevel !== 'off' && ctx.text !== undefined) {
          const options = config.markdownlint;
          try {
            const lint = async (text: string) => (await linter.lint({ text, config: options })).issues;
            findings = await mergeLintFindings(findings, lints as LintPartial[], ctx.text, lint, markdownlintLevel);
          } catch (err) {
            lintFailed(ctx, err);
          }
        }
        mergeStructureRules(complete, structureEmit(findings));
        return { findings, metrics: validation(findings) };
      },
    });

    api.checker('accessibility', {
      check(doc, ctx): CheckResult {
        const findings: Finding[] = [];
        const impacts: Record<Impact, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 };
        const scan = scanDocument(doc.root);
        checkAccessibility(doc, ctx, config, scan, accessibilityEmit(findings, impacts));
        const result: CheckResult = { findings, metrics: { accessibility: impacts } };
        if (ctx.part) result.partial = accessibilityPartial(doc, scan, ctx.part);
        return result;
      },

      merge(parts, ctx): CheckResult {
        const findings = parts.flatMap((p) => p.findings);
        const partials = parts.map((p) => p.partial as AccessibilityPartial | undefined);
        const impacts: Record<Impact, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 };
        if (partials.every((p) => p !== undefined)) {
          mergeAccessibilityRules(partials as AccessibilityPartial[], ctx, accessibilityEmit(findings, { critical: 0, serious: 0, moderate: 0, minor: 0 }));
        }
        // Counted from what is reported: the parts' findings and the document's.
        for (const f of findings) {
          const impact = f.data?.impact;
          if (typeof impact === 'string' && impact in impacts) impacts[impact as Impact]++;
        }
        return { findings, metrics: { accessibility: impacts } };
      },
    });
  },
});

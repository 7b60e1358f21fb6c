/**
 * @export-ia/plugin-checker-structure — two checkers on the document's shape:
 * `structure` (title, outline, sections, anchors, local files, long sentences, markdownlint) and
 * `accessibility` (alt text, heading order, link text, table headers, language).
 */
import { type CheckResult, definePlugin, diagnostic, type Finding } from '@export-ia/core/plugin';
import { checkAccessibility, type EmitA11y } from './accessibility.js';
import { ACCESSIBILITY_RULES, type Impact, type RuleLevel, readConfig, type StructureRule } from './config.js';
import { lintFindings, longestLine, MAX_LINT_CHARS, MAX_LINT_LINE, MarkdownLinter } from './markdownlint.js';
import { scanDocument } from './scan.js';
import { checkStructure, type Emit } from './structure.js';

export default definePlugin({
  setup(api) {
    // Read once: an unknown rule id fails at start-up with a "did you mean", not per document.
    const config = readConfig(api.config);
    const level = (rule: string): RuleLevel => config.levels.get(rule) ?? 'off';
    const linter = new MarkdownLinter();
    api.onClose(() => linter.close());

    api.checker('structure', {
      async check(doc, ctx): Promise<CheckResult> {
        // Started first so markdownlint's parse overlaps with everything below.
        const markdownlintLevel = level('structure/markdownlint');
        const wantLint = config.markdownlint && markdownlintLevel !== 'off' && doc.source.format === 'markdown' && ctx.text !== undefined;
        // markdownlint's own parser slows down badly on pathological sources (a 200k-character
        // line of emphasis markers, a 1000×200 table): above these sizes it is not started, and said so.
        const tooBig = wantLint && ctx.text !== undefined && (ctx.text.length > MAX_LINT_CHARS || longestLine(ctx.text) > MAX_LINT_LINE);
        const lint =
          wantLint && !tooBig && config.markdownlint && ctx.text !== undefined ? linter.lint({ text: ctx.text, config: config.markdownlint }) : undefined;
        // Rejections are handled below; this keeps an early failure from being "unhandled" meanwhile.
        lint?.catch(() => undefined);

        const findings: Finding[] = [];
        const emit: Emit = (rule, message, position, extra) => {
          const severity = level(`structure/${rule}`);
          if (severity === 'off') return;
          const finding: Finding = { rule: `structure/${rule}`, severity, message, ...extra };
          if (position) finding.position = position;
          findings.push(finding);
        };
        const scan = scanDocument(doc.root);
        checkStructure(doc, ctx, config, scan, emit, (rule: StructureRule) => level(`structure/${rule}`) !== 'off');

        if (tooBig) {
          findings.push({
            rule: 'structure/markdownlint-skipped',
            severity: 'info',
            message: 'markdownlint was not run: the source has a line over 20,000 characters or is over 2 MB.',
          });
        }
        if (lint && ctx.text !== undefined && markdownlintLevel !== 'off') {
          try {
            for (const f of lintFindings(await lint, ctx.text, markdownlintLevel)) findings.push(f);
          } catch (err) {
            // markdownlint failing must not take the structure findings down with it.
            ctx.report(
              diagnostic(
                'EIA_CHECKER_FAILED',
                { checker: 'structure (markdownlint)', file: ctx.file, detail: (err as Error).message },
                { severity: 'warning' },
              ),
            );
          }
        }
        const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
        return { findings, metrics: { validation: { errors: count('error'), warnings: count('warning'), suggestions: count('suggestion') } } };
      },
    });

    api.checker('accessibility', {
      check(doc, ctx): CheckResult {
        const findings: Finding[] = [];
        const impacts: Record<Impact, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 };
        const emit: EmitA11y = (rule, message, position, extra) => {
          const severity = level(`accessibility/${rule}`);
          if (severity === 'off') return;
          const impact = ACCESSIBILITY_RULES[rule].impact;
          impacts[impact]++;
          const finding: Finding = { rule: `accessibility/${rule}`, severity, message, ...extra, data: { impact, ...extra?.data } };
          if (position) finding.position = position;
          findings.push(finding);
        };
        checkAccessibility(doc, ctx, config, scanDocument(doc.root), emit);
        return { findings, metrics: { accessibility: impacts } };
      },
    });
  },
});

/**
 * Runs markdownlint on one text and returns plain data (it crosses a thread boundary). Loaded
 * only when markdownlint runs: the library and its micromark parser cost ~100 ms to import.
 */
import { createRequire } from 'node:module';
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
  /** Also return the reference labels used and defined (MD053's view), for a part of a sectioned analysis. */
  references?: boolean;
}

/** Reference labels as markdownlint's MD053 sees them (normalised: lower case, spaces collapsed; footnotes `^x`). */
interface LintReferences {
  /** Labels referenced (full, collapsed, shortcut references and footnote calls, defined or not). */
  used: string[];
  /** Every definition (links and footnotes): [label, 1-based line], in line order. */
  definitions: Array<[string, number]>;
}

export interface LintOutcome {
  issues: LintIssue[];
  references?: LintReferences;
}

// markdownlint's default, plus YAML front matter closed by `...` (our parser accepts both).
const FRONT_MATTER =
  /((^---[^\S\r\n\u2028\u2029]*$[\s\S]+?^(?:---|\.\.\.)\s*)|(^\+\+\+[^\S\r\n\u2028\u2029]*$[\s\S]+?^(\+\+\+|\.\.\.)\s*)|(^\{[^\S\r\n\u2028\u2029]*$[\s\S]+?^\}\s*))(\r\n|\r|\n|$)/m;

interface ReferenceData {
  references: Map<string, unknown>;
  shortcuts: Map<string, unknown>;
  definitions: Map<string, [number, string]>;
  duplicateDefinitions: Array<[string, number]>;
}

/** The rule that reads what MD053 reads (markdownlint's own helper, on the same parse). */
const REFERENCES_RULE = 'EIA-REFERENCES';
function referencesRule(into: { data?: ReferenceData; skip?: number }) {
  const helpers = createRequire(import.meta.url)('markdownlint/helpers') as { getReferenceLinkImageData(tokens: unknown): ReferenceData };
  return {
    names: [REFERENCES_RULE],
    description: 'Reference labels used and defined (Export IA, sectioned analysis)',
    tags: ['export-ia'],
    parser: 'micromark',
    function(params: { parsers: { micromark: { tokens: unknown } }; frontMatterLines: unknown[] }) {
      into.data = helpers.getReferenceLinkImageData(params.parsers.micromark.tokens);
      // Token lines count from after the front matter; issues' lines (and ours) from the top.
      into.skip = params.frontMatterLines.length;
    },
  } as const;
}

export function lintMarkdown(task: LintTask): LintOutcome {
  const refs: { data?: ReferenceData; skip?: number } = {};
  const results = lint({
    strings: { doc: task.text },
    config: (task.references ? { ...task.config, [REFERENCES_RULE]: true } : task.config) as never,
    frontMatter: FRONT_MATTER,
    ...(task.references ? { customRules: [referencesRule(refs) as never] } : {}),
  });
  const issues = (results.doc ?? []).map(
    (e): LintIssue => ({
      line: e.lineNumber,
      rule: e.ruleNames[0] ?? 'MD000',
      aliases: e.ruleNames.slice(1),
      description: e.ruleDescription,
      detail: e.errorDetail,
      context: e.errorContext,
      range: e.errorRange && e.errorRange.length >= 2 ? [e.errorRange[0] ?? 1, e.errorRange[1] ?? 0] : null,
      fix: e.fixInfo ? { ...e.fixInfo } : null,
    }),
  );
  if (!task.references) return { issues };
  const data = refs.data;
  const first = 1 + (refs.skip ?? 0);
  const definitions: Array<[string, number]> = [];
  for (const [label, [index]] of data?.definitions ?? []) definitions.push([label, index + first]);
  for (const [label, index] of data?.duplicateDefinitions ?? []) definitions.push([label, index + first]);
  definitions.sort((a, b) => a[1] - b[1]);
  return { issues, references: { used: [...new Set([...(data?.references.keys() ?? []), ...(data?.shortcuts.keys() ?? [])])], definitions } };
}

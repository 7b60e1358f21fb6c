/**
 * markdownlint on a document analysed in sections. Each part is linted on its own text (with the
 * copies the host appends of the reference definitions it uses); merge then redoes what needs the
 * whole document: MD047 on the document's last line, MD053 (unused and duplicate definitions) from
 * every part's labels, and one "skipped" when a part had a line too long for markdownlint.
 */
import type { Finding, FindingSeverity, SectionPart } from '@export-ia/core/plugin';
import { lastLine, lineEnding, lintFindings } from './markdownlint.js';
import type { LintIssue, LintOutcome } from './markdownlint-run.js';

type Severity = Exclude<FindingSeverity, 'info'>;
/** Runs markdownlint (with the user's options) on a small text. */
type Lint = (text: string) => Promise<LintIssue[]>;

/** What a part keeps of markdownlint for merge: O(its own reference labels), never the text. */
export interface LintPartial {
  /** Not run: the part has a line over 20,000 characters (a whole analysis skips the document). */
  skipped: boolean;
  /** Labels the part references, as MD053 normalises them. */
  used: string[];
  /** The definitions in the part's own lines, at document lines: [label, line]. */
  definitions: Array<[string, number]>;
}

export const skippedLint = (): Finding => ({
  rule: 'structure/markdownlint-skipped',
  severity: 'info',
  message: 'markdownlint was not run: the source has a line over 20,000 characters or is over 2 MB.',
});

export function lintPartial(outcome: LintOutcome | undefined, skipped: boolean, part: SectionPart): LintPartial {
  const refs = outcome?.references;
  // The copies the host appends after the part's own lines are other lines' definitions: kept, they
  // would count twice and grow the partials (and merge's loop) with every part that uses them.
  // Definitions come in line order.
  const definitions: Array<[string, number]> = [];
  for (const [label, line] of refs?.definitions ?? []) {
    if (line > part.lines) break;
    definitions.push([label, line + part.line - 1]);
  }
  return { skipped, used: refs?.used ?? [], definitions };
}

/** A part's issues, less what merge decides for the whole document (the final newline). */
export const partIssues = (issues: readonly LintIssue[]): LintIssue[] => issues.filter((issue) => issue.rule !== 'MD047');

const MD053_DETAIL = /\((Unused|Duplicate) link or image reference definition: "([\s\S]*)"\)$/;
const isLint = (f: Finding) => f.rule.startsWith('structure/markdownlint/') || f.rule === 'structure/markdownlint-skipped';

interface Line {
  start: number;
  text: string;
  /** Its line ending ('' for a last line without one). */
  eol: string;
}

/** The text of the wanted lines (1-based, any line ending), in one pass. */
function linesAt(text: string, wanted: ReadonlySet<number>): Map<number, Line> {
  const out = new Map<number, Line>();
  let line = 1;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : -1;
    if (c !== 10 && c !== 13 && c !== -1) continue;
    const eol = c === 13 && text.charCodeAt(i + 1) === 10 ? '\r\n' : c === -1 ? '' : text[i];
    if (wanted.has(line)) out.set(line, { start, text: text.slice(start, i), eol: eol ?? '' });
    if (c === -1 || out.size === wanted.size) break;
    i += eol === '\r\n' ? 1 : 0;
    line++;
    start = i + 1;
  }
  return out;
}

/** A finding found on a small text moved to where its line is in the document. */
function relocate(f: Finding, lines: number, offset: number): Finding {
  const out: Finding = { ...f };
  const p = f.position;
  if (p) {
    out.position = { ...p, line: p.line + lines };
    if (p.endLine !== undefined) out.position.endLine = p.endLine + lines;
    if (p.offset !== undefined) out.position.offset = p.offset + offset;
    if (p.endOffset !== undefined) out.position.endOffset = p.endOffset + offset;
  }
  if (f.fix) out.fix = { ...f.fix, start: f.fix.start + offset, end: f.fix.end + offset };
  return out;
}

/**
 * The document's markdownlint findings from its parts' (already at document lines): parts'
 * findings kept except MD053's that only a part could believe, MD053 duplicates of a definition
 * made in an earlier part added, MD047 for the last line. markdownlint itself decides the added
 * ones (on the lines concerned alone), so the user's options apply as in a whole analysis.
 */
export async function mergeLintFindings(
  findings: readonly Finding[],
  lints: readonly LintPartial[],
  text: string,
  lint: Lint,
  severity: Severity,
): Promise<Finding[]> {
  // A whole analysis skips markdownlint for the whole document when one line is too long.
  if (lints.some((l) => l.skipped)) return [...findings.filter((f) => !isLint(f)), skippedLint()];
  const end = lastLine(text);
  const eol = lineEnding(text);

  // Definitions in document order (parts keep only their own).
  const first = new Map<string, number>();
  const duplicates = new Map<number, string>();
  for (const l of lints) {
    for (const [label, line] of l.definitions) {
      if (first.has(label)) duplicates.set(line, label);
      else first.set(label, line);
    }
  }
  const used = new Set(lints.flatMap((l) => l.used));

  const out: Finding[] = [];
  const reported = new Set<number>();
  for (const f of findings) {
    const m = f.rule === 'structure/markdownlint/MD053' ? MD053_DETAIL.exec(f.message) : null;
    if (m) {
      const [, kind, label = ''] = m;
      const line = f.position?.line ?? 0;
      // Unused in the document: referenced by no part, and reported at its first definition.
      if (kind === 'Unused' && (used.has(label) || first.get(label) !== line)) continue;
      if (kind === 'Duplicate') reported.add(line);
    }
    out.push(f);
  }

  // Duplicates of a definition made in an earlier part: their part could not see the first one.
  const missing = [...duplicates].filter(([line]) => !reported.has(line));
  if (missing.length > 0) {
    const lines = linesAt(text, new Set(missing.flatMap(([line, label]) => [line, first.get(label) as number])));
    // Each duplicate after its first definition, a blank line between every two (a definition
    // cannot interrupt a paragraph, so each line stands alone): entry j is on line 2j + 1.
    const entries: Array<{ line: Line; target?: number }> = [];
    for (const [line, label] of missing) {
      const firstLine = lines.get(first.get(label) as number);
      const own = lines.get(line);
      if (firstLine && own) entries.push({ line: firstLine }, { line: own, target: line });
    }
    let snippet = '';
    const at = new Map<number, { line: number; shift: number }>();
    entries.forEach((e, j) => {
      if (e.target !== undefined) at.set(2 * j + 1, { line: e.target, shift: e.line.start - snippet.length });
      // Its own line ending (a fix deleting the line deletes it too); only the document's last line has none.
      snippet += e.line.text + e.line.eol;
      if (j < entries.length - 1) snippet += eol;
    });
    const issues = (await lint(snippet)).filter((issue) => issue.rule === 'MD053' && issue.detail?.startsWith('Duplicate') && at.has(issue.line));
    for (const f of lintFindings(issues, snippet, severity, eol)) {
      const line = f.position?.line ?? 0;
      const target = at.get(line);
      if (target) out.push(relocate(f, target.line - line, target.shift));
    }
  }

  // MD047 (final newline) looks at the last line only: markdownlint on that line alone.
  const last = text.slice(end.offset);
  if (last !== '') {
    const issues = (await lint(last)).filter((issue) => issue.rule === 'MD047');
    for (const f of lintFindings(issues, last, severity, eol)) out.push(relocate(f, end.line - 1, end.offset));
  }
  return out;
}

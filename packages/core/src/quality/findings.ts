/**
 * Quality findings as data (like unified's VFile messages): what a checker saw, where, how bad,
 * what to do, and optionally an exact, machine-applicable fix on the source text.
 */

export type FindingSeverity = 'error' | 'warning' | 'suggestion' | 'info';

export const SEVERITY_ORDER: Readonly<Record<FindingSeverity, number>> = { error: 0, warning: 1, suggestion: 2, info: 3 };

/** A place in the source, 1-based lines and columns like editors show; offsets are UTF-16 indexes into the source text. */
export interface FindingPosition {
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  offset?: number;
  endOffset?: number;
}

/** Replace source text [start, end) with `text`. Fixes must be safe: the meaning never changes. */
export interface Fix {
  start: number;
  end: number;
  text: string;
}

export interface Finding {
  /** `<checker>/<rule>`, e.g. `style/repeated-word`. Stable: configs and CI gates name it. */
  rule: string;
  severity: FindingSeverity;
  message: string;
  position?: FindingPosition;
  /** The input, as the user named it (set by the host). */
  file?: string;
  /** Id of the checker that reported it (set by the host). */
  checker?: string;
  /** What to write instead, for a person. */
  suggestion?: string;
  fix?: Fix;
  /** The text the finding is about (a word, a sentence), for reports. */
  excerpt?: string;
  /** Rule-specific detail (scores, the matching source of a similar passage…). */
  data?: Record<string, unknown>;
}

/** What a checker returns: findings, and metrics other checkers and the scorer can read. */
export interface CheckResult {
  findings: Finding[];
  /**
   * Named results (`readability`, `language`, `spelling`…); each checker documents its keys.
   * Must be JSON data: they are stored in events and reports.
   */
  metrics?: Record<string, unknown>;
  /**
   * For documents analysed in sections: what the checker's `merge` needs from this part
   * (counts, tallies, headings…). Never reported or stored; plain data.
   */
  partial?: unknown;
}

/** Orders findings by file, position, then severity. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    cmp(a.file ?? '', b.file ?? '') ||
    (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
    (a.position?.column ?? 0) - (b.position?.column ?? 0) ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    cmp(a.rule, b.rule)
  );
}

// Code-unit order: stable across machines and locales (and no ICU collator to load).
const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

/**
 * Applies fixes to a text. Overlapping fixes are skipped (the first by position wins), so
 * applying is always safe; run again to pick up the rest.
 */
export function applyFixes(text: string, fixes: readonly Fix[]): { text: string; applied: Fix[]; skipped: Fix[] } {
  const sorted = [...fixes].filter((f) => f.start >= 0 && f.end >= f.start && f.end <= text.length).sort((a, b) => a.start - b.start || a.end - b.end);
  const applied: Fix[] = [];
  const skipped: Fix[] = fixes.filter((f) => !sorted.includes(f));
  let out = '';
  let at = 0;
  for (const f of sorted) {
    if (f.start < at) {
      skipped.push(f);
      continue;
    }
    out += text.slice(at, f.start) + f.text;
    at = f.end;
    applied.push(f);
  }
  return { text: out + text.slice(at), applied, skipped };
}

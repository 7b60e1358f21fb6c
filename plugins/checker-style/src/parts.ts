/**
 * Documents analysed in sections (the host's `limits.sectionBytes`): what one part keeps for the
 * merge, and the merge. Findings are local except where a rule counts over more than a block:
 * passive voice is capped per section (a section continues into the next part when the host cuts
 * a very long one without a heading), and occurrence rules with `scope: document` report the
 * match past their limit counted over the whole document.
 */
import { type CheckContext, type CheckResult, type DocumentModel, type Finding, walk } from '@export-ia/core/plugin';
import type { ActiveRule } from './config.js';
import type { RuleOptions } from './rule.js';
import { passiveVoice } from './rules-english.js';

type SectionPart = NonNullable<CheckContext['part']>;

/** What `mergeStyle` needs from a part: a few numbers, and at most limit + 1 findings per limited rule. */
interface StylePartial {
  words: number;
  headings: number;
  passiveMax: number;
  /** Passive-voice findings before the part's first heading: the section open at its start. */
  passiveOpen: number;
  /** Passive-voice findings in the part's last section. */
  passiveLast: number;
  /** Rules with a per-document limit: their matches in the part, and the first limit + 1 as findings at document positions. */
  limited: Array<{ rule: string; limit: number; count: number; first: Finding[] }>;
}

/**
 * The part's own findings (the host moves them to document positions) and its partial. Findings
 * of per-document limits leave the list: the merge picks the document's from the partials.
 */
export function partialOf(
  doc: DocumentModel,
  part: SectionPart,
  rules: readonly ActiveRule[],
  findings: readonly Finding[],
  counts: ReadonlyMap<string, number>,
  options: RuleOptions,
  words: number,
): CheckResult {
  let headings = 0;
  walk(doc.root, (node) => {
    if (node.type === 'heading') headings++;
  });
  const limits = new Map<string, number>();
  for (const a of rules) if (a.rule.documentLimit !== undefined) limits.set(a.rule.id, a.rule.documentLimit);
  const local: Finding[] = [];
  const first = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!limits.has(f.rule)) local.push(f);
    else {
      const list = first.get(f.rule) ?? [];
      list.push(toDocument(f, part));
      first.set(f.rule, list);
    }
  }
  const partial: StylePartial = {
    words,
    headings,
    passiveMax: options.passiveMaxPerSection,
    // The passive rule counts what it kept per section index; the part's indexes start at 0.
    passiveOpen: counts.get('passive:0') ?? 0,
    passiveLast: counts.get(`passive:${headings}`) ?? 0,
    limited: [...limits].map(([rule, limit]) => ({ rule, limit, count: counts.get(rule) ?? 0, first: first.get(rule) ?? [] })),
  };
  return { findings: local, partial };
}

/** The document's findings and metrics from its parts' results, in document order. */
export function mergeStyle(parts: readonly CheckResult[]): CheckResult {
  const findings: Finding[] = [];
  let words = 0;
  // Passive findings kept so far in the section open at the start of the next part.
  let open = 0;
  const seen = new Map<string, number>();
  for (const result of parts) {
    const p = result.partial as StylePartial | undefined;
    if (!p) {
      findings.push(...result.findings);
      continue;
    }
    words += p.words;
    // The part capped its open section on its own; the document caps it with what came before.
    const keep = Math.max(0, Math.min(p.passiveOpen, p.passiveMax - open));
    let passive = 0;
    for (const f of result.findings) {
      if (f.rule === passiveVoice.id) {
        const n = passive++;
        if (n >= keep && n < p.passiveOpen) continue;
      }
      findings.push(f);
    }
    open = p.headings === 0 ? open + keep : p.passiveLast;
    for (const l of p.limited) {
      const before = seen.get(l.rule) ?? 0;
      const nth = l.limit + 1 - before;
      const hit = nth >= 1 && nth <= l.count ? l.first[nth - 1] : undefined;
      if (hit) findings.push(hit);
      seen.set(l.rule, before + l.count);
    }
  }
  return { findings, metrics: styleMetrics(findings, words) };
}

/** `style: { words, findings, byRule, per1000 }` of a document's findings (findings: all but `info`). */
export function styleMetrics(findings: readonly Finding[], wordCount: number): Record<string, unknown> {
  const byRule: Record<string, number> = {};
  let counted = 0;
  for (const f of findings) {
    byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
    if (f.severity !== 'info') counted++;
  }
  const per1000 = wordCount === 0 ? 0 : Math.round((counted / wordCount) * 100_000) / 100;
  return { style: { words: wordCount, findings: counted, byRule, per1000 } };
}

/** A part's finding at document positions (what the host does for the findings it moves). */
function toDocument(f: Finding, part: SectionPart): Finding {
  const out: Finding = { ...f };
  const p = f.position;
  if (p) {
    out.position = { ...p, line: p.line + part.line - 1 };
    if (p.endLine !== undefined) out.position.endLine = p.endLine + part.line - 1;
    if (p.offset !== undefined) out.position.offset = p.offset + part.offset;
    if (p.endOffset !== undefined) out.position.endOffset = p.endOffset + part.offset;
  }
  if (f.fix) out.fix = { ...f.fix, start: f.fix.start + part.offset, end: f.fix.end + part.offset };
  return out;
}

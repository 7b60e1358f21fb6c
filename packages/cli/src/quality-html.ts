/**
 * The HTML quality report: one self-contained page (inline CSS and SVG, no script, a strict CSP)
 * that a person can read: the score and why, the findings, the source with the findings marked,
 * readability per section, keywords, outline and tone.
 *
 * Everything that comes from the document or a checker is hostile: text is escaped, numbers are
 * checked to be finite before they reach a style or an SVG attribute, and class names, ids and
 * links are built from our own words and integers only.
 */
import type { AnalyzedDocument, Finding, FindingSeverity } from '@export-ia/core';

export interface QualityHtmlOptions {
  /** Page heading; defaults to the document's title or file name. */
  title?: string;
  /** ISO date-time of the run; defaults to now. */
  generatedAt?: string;
  toolVersion?: string;
}

/** Lines of source shown at most; findings further down are still listed. */
export const MAX_SOURCE_LINES = 5000;
/** Findings listed at most per severity. */
const MAX_LISTED = 500;

type Rec = Record<string, unknown>;

const SEVERITIES: readonly FindingSeverity[] = ['error', 'warning', 'suggestion', 'info'];
const SEVERITY_NAME: Record<FindingSeverity, [string, string]> = {
  error: ['Error', 'Errors'],
  warning: ['Warning', 'Warnings'],
  suggestion: ['Suggestion', 'Suggestions'],
  info: ['Note', 'Notes'],
};
const SUBSCORE_LABEL: Record<string, string> = {
  validation: 'Structure',
  spelling: 'Spelling',
  style: 'Style',
  readability: 'Readability',
  accessibility: 'Accessibility',
  similarity: 'Originality',
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const rec = (v: unknown): Rec | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const pick = <T>(o: Rec | undefined, keys: readonly string[], as: (v: unknown) => T | undefined): T | undefined => {
  for (const k of keys) {
    const v = as(o?.[k]);
    if (v !== undefined) return v;
  }
  return undefined;
};
/** A count given as a number or as a list. */
const count = (v: unknown): number | undefined => num(v) ?? (Array.isArray(v) ? v.length : undefined);
const clamp = (n: number, lo = 0, hi = 100) => Math.max(lo, Math.min(hi, n));
const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const pct = (n: number) => fmt(clamp(n), 2);
const severityOf = (v: unknown): FindingSeverity => (SEVERITIES.includes(v as FindingSeverity) ? (v as FindingSeverity) : 'info');
const band = (score: number) => (score >= 85 ? 'good' : score >= 70 ? 'fair' : 'poor');
const BAND_LABEL = { good: 'Good', fair: 'Fair', poor: 'Needs work' } as const;
/** Reading-ease bands of the Flesch-like 0-100 scale. */
const easeBand = (ease: number) => (ease >= 60 ? 'good' : ease >= 30 ? 'fair' : 'poor');
const plural = (n: number, one: string, many = `${one}s`) => `${fmt(n)} ${n === 1 ? one : many}`;

/** A horizontal bar, 0-100, drawn in SVG so it scales with its column; `ticks` mark reference values. */
function bar(value: number, tone: string, label: string, ticks: readonly number[] = []): string {
  const marks = ticks.map((t) => `<rect class="tick" x="${pct(t)}" width="0.4" height="8"/>`).join('');
  return `<svg class="bar ${tone}" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label="${escapeHtml(label)}"><rect class="track" width="100" height="8"/><rect class="fill" width="${pct(value)}" height="8"/>${marks}</svg>`;
}

function section(id: string, title: string, body: string, intro = ''): string {
  return `<section class="card" id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${escapeHtml(title)}</h2>${intro ? `<p class="intro">${intro}</p>` : ''}${body}</section>`;
}

function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

// ─── header and score ─────────────────────────────────────────────────────────────────────

function scoreDial(score: number): string {
  const r = 52;
  const c = 2 * Math.PI * r;
  const b = band(score);
  return `<div class="dial ${b}"><svg viewBox="0 0 120 120" aria-hidden="true"><circle class="dial-track" cx="60" cy="60" r="${r}"/><circle class="dial-fill" cx="60" cy="60" r="${r}" stroke-dasharray="${fmt((c * clamp(score)) / 100, 2)} ${fmt(c, 2)}" transform="rotate(-90 60 60)"/></svg><div class="dial-text"><span class="dial-score">${Math.round(score)}</span><span class="dial-max">/ 100</span></div></div>`;
}

function header(doc: AnalyzedDocument, m: Metrics, options: QualityHtmlOptions, generatedAt: string): string {
  const score = clamp(num(doc.score?.score) ?? 0);
  const b = band(score);
  const words = num(doc.words) ?? pick(m.metadata, ['words', 'wordCount'], num) ?? pick(m.readability, ['words'], num);
  const minutes = pick(m.metadata, ['readingTimeMinutes', 'readingMinutes', 'readingTime', 'minutes'], num) ?? (words === undefined ? undefined : words / 230);
  const language = str(doc.language) ?? pick(m.language, ['document', 'language'], str) ?? pick(m.readability, ['language'], str);
  const confidence = num(m.language?.confidence);
  const facts: string[] = [];
  if (language)
    facts.push(
      `<div><dt>Language</dt><dd>${escapeHtml(language)}${confidence === undefined ? '' : ` <span class="muted">(${fmt(confidence <= 1 ? confidence * 100 : confidence, 0)}% sure)</span>`}</dd></div>`,
    );
  if (words !== undefined) facts.push(`<div><dt>Words</dt><dd>${fmt(words, 0)}</dd></div>`);
  if (minutes !== undefined) facts.push(`<div><dt>Reading time</dt><dd>${minutes < 1 ? 'under 1 min' : `${fmt(Math.round(minutes), 0)} min`}</dd></div>`);
  facts.push(`<div><dt>Findings</dt><dd>${fmt(doc.findings?.length ?? 0, 0)}</dd></div>`);
  facts.push(`<div><dt>Checked</dt><dd>${escapeHtml(formatDate(generatedAt))}</dd></div>`);
  const title = options.title ?? pick(m.metadata, ['title'], str) ?? doc.file;
  const subtitle = title === doc.file ? '' : `<p class="file">${escapeHtml(doc.file)}</p>`;
  return `<header class="top"><div class="top-text"><p class="eyebrow">Quality report</p><h1>${escapeHtml(title)}</h1>${subtitle}<dl class="facts">${facts.join('')}</dl></div><div class="score ${b}">${scoreDial(score)}<p class="band-label">${BAND_LABEL[b]}</p><p class="muted small">Score v${escapeHtml(num(doc.score?.version) ?? '?')}</p></div></header>`;
}

function subscores(doc: AnalyzedDocument): string {
  const subs = arr(doc.score?.subscores)
    .map(rec)
    .filter((s): s is Rec => s !== undefined);
  const total = subs.reduce((t, s) => t + (num(s.weight) ?? 0), 0);
  const rows = subs.map((s) => {
    const score = clamp(num(s.score) ?? 0);
    const weight = num(s.weight) ?? 0;
    const share = total > 0 ? (weight / total) * 100 : 0;
    const label = str(s.label) ?? SUBSCORE_LABEL[String(s.id)] ?? String(s.id ?? '');
    return `<div class="sub" data-subscore><div class="sub-label">${escapeHtml(label)}</div><div class="sub-bar">${bar(score, band(score), `${label}: ${fmt(score)} of 100`)}</div><div class="sub-score ${band(score)}">${fmt(score)}</div><div class="sub-weight" title="weight ${escapeHtml(fmt(weight))}, renormalised over the checks that ran">${fmt(share, 0)}%</div><div class="sub-reason">${escapeHtml(s.reason ?? '')}</div></div>`;
  });
  const missing = arr(doc.score?.missing).map((id) => {
    const label = SUBSCORE_LABEL[String(id)] ?? String(id);
    return `<div class="sub missing"><div class="sub-label">${escapeHtml(label)}</div><div class="sub-bar"><span class="not-checked">not checked</span></div><div class="sub-score">—</div><div class="sub-weight">—</div><div class="sub-reason">Its checker did not run, so it does not count towards the score.</div></div>`;
  });
  const head = '<div class="sub sub-head" aria-hidden="true"><div></div><div></div><div>Score</div><div>Weight</div></div>';
  const body =
    rows.length + missing.length === 0
      ? '<p class="empty">No sub-scores: no scored checker ran.</p>'
      : `<div class="subs">${head}${rows.join('')}${missing.join('')}</div>`;
  return section('score', 'Score', body, 'The score is the weighted mean of these sub-scores, each from a deterministic check.');
}

// ─── findings ─────────────────────────────────────────────────────────────────────────────

function position(f: Finding): string {
  const line = num(f.position?.line);
  if (line === undefined) return '<span class="loc muted">—</span>';
  const col = num(f.position?.column);
  return `<span class="loc">${fmt(line, 0)}${col === undefined ? '' : `:${fmt(col, 0)}`}</span>`;
}

function findingsSummary(findings: readonly Finding[]): string {
  const bySeverity = new Map<FindingSeverity, number>();
  const byRule = new Map<string, { n: number; severity: FindingSeverity }>();
  for (const f of findings) {
    const s = severityOf(f.severity);
    bySeverity.set(s, (bySeverity.get(s) ?? 0) + 1);
    const rule = String(f.rule ?? '');
    const r = byRule.get(rule);
    if (!r) byRule.set(rule, { n: 1, severity: s });
    else {
      r.n++;
      if (SEVERITIES.indexOf(s) < SEVERITIES.indexOf(r.severity)) r.severity = s;
    }
  }
  const tiles = SEVERITIES.map((s) => {
    const n = bySeverity.get(s) ?? 0;
    return `<label class="tile s-${s}${n === 0 ? ' zero' : ''}"><input type="checkbox" id="show-${s}" checked${n === 0 ? ' disabled' : ''}><span class="dot"></span><span class="tile-n">${fmt(n, 0)}</span><span class="tile-name">${SEVERITY_NAME[s][n === 1 ? 0 : 1]}</span></label>`;
  }).join('');
  const rules = [...byRule.entries()].sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]));
  const max = rules[0]?.[1].n ?? 1;
  const shown = rules.slice(0, 25);
  const ruleRows = shown
    .map(
      ([rule, { n, severity }]) =>
        `<tr><td><span class="dot s-${severity}" title="${SEVERITY_NAME[severity][0]}"></span><code>${escapeHtml(rule)}</code></td><td class="num">${fmt(n, 0)}</td><td class="chart">${bar((n / max) * 100, `s-${severity}`, `${n}`)}</td></tr>`,
    )
    .join('');
  const more = rules.length > shown.length ? `<p class="muted small">and ${plural(rules.length - shown.length, 'more rule')}.</p>` : '';
  const table = rules.length
    ? `<table class="rules"><thead><tr><th>Rule</th><th class="num">Count</th><th class="chart"><span class="sr">Share</span></th></tr></thead><tbody>${ruleRows}</tbody></table>${more}`
    : '';
  return `<div class="tiles" role="group" aria-label="Show findings by severity">${tiles}</div>${table}`;
}

function findingItem(f: Finding, linkable: (line: number) => boolean): string {
  const line = num(f.position?.line);
  const loc = position(f);
  const where = line !== undefined && linkable(line) ? `<a href="#L${Math.trunc(line)}" title="Show in the source">${loc}</a>` : loc;
  const suggestion = str(f.suggestion) ? `<p class="suggest"><span aria-hidden="true">→ </span>${escapeHtml(f.suggestion)}</p>` : '';
  // The excerpt only when the message does not already quote it.
  const ex = str(f.excerpt);
  const excerpt = ex && !String(f.message ?? '').includes(ex.trim()) ? `<blockquote class="excerpt">${escapeHtml(truncate(ex, 240))}</blockquote>` : '';
  const fix = f.fix ? '<span class="chip fix" title="Can be fixed automatically with --fix">fixable</span>' : '';
  return `<li class="finding">${where}<div class="f-body"><p class="f-msg">${escapeHtml(f.message)}</p>${suggestion}${excerpt}</div><p class="f-rule">${fix}<code>${escapeHtml(f.rule)}</code></p></li>`;
}

function findingsList(findings: readonly Finding[], linkable: (line: number) => boolean): string {
  const groups = SEVERITIES.map((s) => {
    const items = findings.filter((f) => severityOf(f.severity) === s);
    if (items.length === 0) return '';
    const sorted = [...items].sort(
      (a, b) => (num(a.position?.line) ?? 0) - (num(b.position?.line) ?? 0) || (num(a.position?.column) ?? 0) - (num(b.position?.column) ?? 0),
    );
    const shown = sorted.slice(0, MAX_LISTED);
    const more =
      sorted.length > shown.length
        ? `<p class="muted small">${plural(sorted.length - shown.length, 'more finding')} not listed; the JSON and SARIF reports have them all.</p>`
        : '';
    return `<section class="sev-group s-${s}" id="f-${s}"><h3><span class="dot"></span>${SEVERITY_NAME[s][1]} <span class="muted">${fmt(items.length, 0)}</span></h3><ol class="findings">${shown.map((f) => findingItem(f, linkable)).join('')}</ol>${more}</section>`;
  });
  return groups.join('');
}

function findingsSection(findings: readonly Finding[], linkable: (line: number) => boolean): string {
  if (findings.length === 0) return section('findings', 'Findings', '<p class="empty good-text">No findings. Nothing to fix.</p>');
  return section(
    'findings',
    'Findings',
    `${findingsSummary(findings)}${findingsList(findings, linkable)}`,
    'Untick a severity to hide it here and in the source.',
  );
}

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

// ─── source with highlights ───────────────────────────────────────────────────────────────

interface Span {
  start: number;
  end: number;
  rank: number;
  title: string;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

const WORD = /[\p{L}\p{N}\p{M}_'’-]/u;

/** Where a finding sits in the source: its offsets, else line/column to the end of the word. */
export function findingSpan(f: Finding, text: string, starts: readonly number[]): { start: number; end: number } | undefined {
  const p = f.position;
  const toOffset = (line: number | undefined, column: number | undefined) => {
    const ls = line === undefined ? undefined : starts[Math.trunc(line) - 1];
    return ls === undefined ? undefined : ls + Math.max(0, Math.trunc(column ?? 1) - 1);
  };
  let start = num(p?.offset) ?? toOffset(num(p?.line), num(p?.column));
  if (start === undefined) return undefined;
  start = clamp(Math.trunc(start), 0, text.length);
  let end = num(p?.endOffset) ?? (num(p?.endLine) !== undefined && num(p?.endColumn) !== undefined ? toOffset(num(p?.endLine), num(p?.endColumn)) : undefined);
  if (end === undefined || end <= start) {
    end = start;
    while (end < text.length && WORD.test(text[end] ?? '')) end++;
    if (end === start && start < text.length && text[start] !== '\n') end++;
  }
  end = clamp(Math.trunc(end), start, text.length);
  return end > start ? { start, end } : undefined;
}

function sourceSection(text: string, findings: readonly Finding[]): { html: string; lines: number } {
  const starts = lineStarts(text);
  const total = starts.length - (text.endsWith('\n') ? 1 : 0);
  const shownLines = Math.min(total, MAX_SOURCE_LINES);
  const perLine: Span[][] = Array.from({ length: shownLines }, () => []);
  const limit = starts[shownLines] ?? text.length;
  for (const f of findings) {
    const span = findingSpan(f, text, starts);
    if (!span || span.start >= limit) continue;
    const sev = severityOf(f.severity);
    const s: Span = { ...span, rank: SEVERITIES.indexOf(sev), title: `${SEVERITY_NAME[sev][0]} · ${String(f.rule ?? '')}: ${String(f.message ?? '')}` };
    let line = upperBound(starts, span.start) - 1;
    while (line < shownLines && (starts[line] ?? Number.POSITIVE_INFINITY) < span.end) perLine[line++]?.push(s);
  }
  const rows: string[] = [];
  for (let i = 0; i < shownLines; i++) {
    const from = starts[i] ?? 0;
    let to = (starts[i + 1] ?? text.length + 1) - 1;
    if (text[to - 1] === '\r') to--;
    // No newline between rows: they are blocks inside a <pre>, a newline would add a blank line.
    rows.push(`<span class="l" id="L${i + 1}" data-n="${i + 1}">${renderLine(text, from, to, perLine[i] ?? [])}</span>`);
  }
  const note =
    total > shownLines
      ? `<p class="note">The document has ${fmt(total, 0)} lines; the first ${fmt(shownLines, 0)} are shown. Findings further down are in the list above.</p>`
      : '';
  const legend = `<p class="legend">${SEVERITIES.map((s) => `<span class="hl s-${s}">${SEVERITY_NAME[s][0].toLowerCase()}</span>`).join(' ')} <span class="muted">Hover a marked passage to read its finding.</span></p>`;
  return { html: section('source', 'Source', `${legend}${note}<pre class="source">${rows.join('')}</pre>`), lines: shownLines };
}

function upperBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? 0) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Highlights per line; a line with more (a hostile one) shows the first ones, the list has them all. */
const MAX_SPANS_PER_LINE = 64;

function renderLine(text: string, from: number, to: number, all: readonly Span[]): string {
  if (all.length === 0) return escapeHtml(text.slice(from, to));
  const spans = all.length > MAX_SPANS_PER_LINE ? all.slice(0, MAX_SPANS_PER_LINE) : all;
  const cuts = new Set([from, to]);
  for (const s of spans) {
    if (s.start > from && s.start < to) cuts.add(s.start);
    if (s.end > from && s.end < to) cuts.add(s.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  let out = '';
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k] ?? from;
    const b = points[k + 1] ?? to;
    const piece = escapeHtml(text.slice(a, b));
    const active = spans.filter((s) => s.start <= a && s.end >= b);
    if (active.length === 0) {
      out += piece;
      continue;
    }
    const rank = Math.min(...active.map((s) => s.rank));
    const title = [...new Set(active.map((s) => s.title))].join('\n');
    out += `<mark class="hl s-${SEVERITIES[rank] ?? 'info'}" title="${escapeHtml(title)}">${piece}</mark>`;
  }
  return out;
}

// ─── readability, content, tone ───────────────────────────────────────────────────────────

function readabilitySection(r: Rec | undefined, linkable: (line: number) => boolean): string {
  if (!r) return '';
  const ease = num(r.ease);
  const stats: string[] = [];
  if (ease !== undefined) stats.push(stat('Reading ease', fmt(ease), easeBand(ease), 'Out of 100; higher is easier.'));
  const formulas = rec(r.formulas);
  if (formulas)
    for (const [name, value] of Object.entries(formulas).slice(0, 8)) if (num(value) !== undefined) stats.push(stat(name, fmt(num(value) ?? 0), '', ''));
  const words = num(r.words);
  const sentences = num(r.sentences);
  if (words !== undefined && sentences !== undefined && sentences > 0) stats.push(stat('Words per sentence', fmt(words / sentences), '', ''));
  const sections = arr(r.sections)
    .map(rec)
    .filter((s): s is Rec => s !== undefined);
  const hasGrade = sections.some((s) => num(s.grade) !== undefined);
  const rows = sections
    .slice(0, 200)
    .map((s) => {
      const e = num(s.ease);
      const title = str(s.title) ?? str(s.heading) ?? '(before the first heading)';
      const line = num(s.line);
      const at =
        line === undefined
          ? ''
          : linkable(line)
            ? ` <a class="small" href="#L${Math.trunc(line)}">line ${fmt(line, 0)}</a>`
            : ` <span class="muted small">line ${fmt(line, 0)}</span>`;
      return `<tr><td class="sec-title">${escapeHtml(title)}${at}</td><td class="num">${num(s.words) === undefined ? '—' : fmt(num(s.words) ?? 0, 0)}</td>${hasGrade ? `<td class="num">${num(s.grade) === undefined ? '—' : fmt(num(s.grade) ?? 0)}</td>` : ''}<td class="num ${e === undefined ? '' : easeBand(e)}">${e === undefined ? '—' : fmt(e)}</td><td class="chart">${e === undefined ? '' : bar(clamp(e), easeBand(e), `reading ease ${fmt(e)}`, [30, 60])}</td></tr>`;
    })
    .join('');
  const table = rows
    ? `<h3>By section</h3><table class="sections"><thead><tr><th>Section</th><th class="num">Words</th>${hasGrade ? '<th class="num">Grade</th>' : ''}<th class="num">Ease</th><th class="chart"><span class="axis"><span>0</span><span>harder · easier</span><span>100</span></span></th></tr></thead><tbody>${rows}</tbody></table>`
    : '';
  const hardest = arr(r.hardest)
    .slice(0, 5)
    .map((h) => {
      const o = rec(h);
      const text = typeof h === 'string' ? h : (pick(o, ['text', 'sentence', 'excerpt'], str) ?? '');
      if (!text) return '';
      const e = pick(o, ['ease', 'score'], num);
      const line = pick(o, ['line'], num) ?? num(rec(o?.position)?.line);
      const w = pick(o, ['words'], num);
      const at = line === undefined ? '' : linkable(line) ? `<a href="#L${Math.trunc(line)}">line ${fmt(line, 0)}</a>` : `line ${fmt(line, 0)}`;
      const meta = [at, w === undefined ? '' : `${fmt(w, 0)} words`, e === undefined ? '' : `ease ${fmt(e)}`].filter(Boolean).join(' · ');
      return `<li><p>${escapeHtml(truncate(text, 600))}</p>${meta ? `<p class="muted small">${meta}</p>` : ''}</li>`;
    })
    .join('');
  const hard = hardest ? `<h3>Hardest sentences</h3><ol class="hardest">${hardest}</ol>` : '';
  const language = str(r.language);
  const intro = `Reading ease on a 0-100 scale${language ? ` with the formulas for <b>${escapeHtml(language)}</b>` : ''}: 60 and above is plain, 30-59 asks for effort, below 30 is hard.`;
  return section('readability', 'Readability', `<div class="stats">${stats.join('')}</div>${table}${hard}`, intro);
}

function stat(label: string, value: string, tone: string, hint: string): string {
  return `<div class="stat"><div class="stat-v ${tone}">${escapeHtml(value)}</div><div class="stat-l">${escapeHtml(label)}</div>${hint ? `<div class="stat-h">${escapeHtml(hint)}</div>` : ''}</div>`;
}

function keywordsCard(meta: Rec | undefined): string {
  const items = arr(meta?.keywords)
    .map((k) => {
      const o = rec(k);
      return {
        word: typeof k === 'string' ? k : (pick(o, ['phrase', 'keyword', 'word', 'term', 'text'], str) ?? ''),
        score: pick(o, ['score', 'weight', 'count', 'frequency'], num),
        count: num(o?.count),
      };
    })
    .filter((k) => k.word)
    .slice(0, 15);
  if (items.length === 0) return '';
  const max = Math.max(...items.map((k) => k.score ?? 0)) || 1;
  const rows = items
    .map((k) => {
      // People read "12×" more easily than a relevance score; the bar shows the score.
      const value = k.count !== undefined ? `${fmt(k.count, 0)}×` : k.score !== undefined ? fmt(k.score, 2) : '';
      const chart = k.score === undefined ? '<span></span>' : bar((k.score / max) * 100, 'accent', `relevance ${fmt(k.score, 2)}`);
      return `<div class="kw"><span class="kw-word">${escapeHtml(k.word)}</span>${chart}<span class="kw-score"${k.count !== undefined ? ' title="occurrences"' : ''}>${value}</span></div>`;
    })
    .join('');
  return `<div class="sub-card"><h3>Keywords</h3><div class="kws">${rows}</div></div>`;
}

function outlineCard(meta: Rec | undefined, linkable: (line: number) => boolean): string {
  const items = arr(meta?.outline)
    .map(rec)
    .filter((o): o is Rec => o !== undefined)
    .slice(0, 300);
  if (items.length === 0) return '';
  const minDepth = Math.min(...items.map((o) => num(o.depth) ?? 1));
  const rows = items
    .map((o) => {
      const depth = clamp(Math.trunc((num(o.depth) ?? 1) - minDepth), 0, 5);
      const text = escapeHtml(pick(o, ['text', 'title'], str) ?? '');
      const line = num(o.line);
      const label = line !== undefined && linkable(line) ? `<a href="#L${Math.trunc(line)}">${text}</a>` : text;
      return `<li class="d${depth}">${label}${line === undefined ? '' : `<span class="muted small">${fmt(line, 0)}</span>`}</li>`;
    })
    .join('');
  return `<div class="sub-card"><h3>Outline</h3><ol class="outline">${rows}</ol></div>`;
}

/** Links as a number, a list, or `{ internal, external, list }`. */
function linkCount(v: unknown): number | undefined {
  const o = rec(v);
  if (!o) return count(v);
  const split = num(o.internal) !== undefined || num(o.external) !== undefined ? (num(o.internal) ?? 0) + (num(o.external) ?? 0) : undefined;
  return split ?? pick(o, ['total', 'count'], num) ?? count(o.list);
}

function contentSection(m: Metrics, linkable: (line: number) => boolean): string {
  const meta = m.metadata;
  const facts: string[] = [];
  const add = (label: string, v: number | undefined) => v !== undefined && facts.push(stat(label, fmt(v, 0), '', ''));
  add('Sentences', pick(meta, ['sentences'], num) ?? num(m.readability?.sentences));
  add('Paragraphs', pick(meta, ['paragraphs'], num));
  add('Headings', num(meta?.headings) ?? (count(meta?.outline) || undefined));
  add('Lists', count(meta?.lists));
  add('Tables', count(meta?.tables));
  add('Images', count(meta?.images));
  add('Links', linkCount(meta?.links));
  add('Footnotes', count(meta?.footnotes));
  const dates = arr(meta?.dates)
    .map((d) => (typeof d === 'string' ? d : (pick(rec(d), ['text', 'date', 'value'], str) ?? '')))
    .filter(Boolean);
  const dateList = dates.length
    ? `<div class="sub-card"><h3>Dates mentioned</h3><p class="chips">${[...new Set(dates)]
        .slice(0, 30)
        .map((d) => `<span class="chip">${escapeHtml(truncate(d, 60))}</span>`)
        .join('')}</p></div>`
    : '';
  const cards = [keywordsCard(meta), outlineCard(meta, linkable), dateList].filter(Boolean);
  if (facts.length === 0 && cards.length === 0) return '';
  return section('content', 'Content', `${facts.length ? `<div class="stats">${facts.join('')}</div>` : ''}<div class="grid2">${cards.join('')}</div>`);
}

function toneSection(tone: Rec | undefined, linkable: (line: number) => boolean): string {
  if (!tone) return '';
  if (tone.supported === false && !rec(tone.document))
    return section(
      'tone',
      'Tone',
      `<p class="empty">Not measured: there is no sentiment model for ${escapeHtml(str(tone.language) ?? 'this language')} yet.</p>`,
    );
  const docTone = rec(tone.document) ?? tone;
  const score = num(docTone.score);
  const label = str(docTone.label);
  const sections = arr(tone.sections)
    .map(rec)
    .filter((s): s is Rec => s !== undefined && num(s.score) !== undefined)
    .slice(0, 100);
  if (score === undefined && !label && sections.length === 0) return '';
  // Sentiment is -1..1 but sections rarely pass ±0.5: scale to the largest value, in quarter steps.
  const largest = Math.max(Math.abs(score ?? 0), ...sections.map((s) => Math.abs(num(s.score) ?? 0)));
  const scale = largest <= 1 ? Math.max(0.25, Math.ceil(largest * 4) / 4) : largest;
  const diverging = (v: number, name: string) => {
    const half = (clamp(Math.abs(v) / scale, 0, 1) * 50).toFixed(2);
    const x = v >= 0 ? '50' : (50 - Number(half)).toFixed(2);
    return `<svg class="bar diverge" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label="${escapeHtml(name)}"><rect class="track" width="100" height="8"/><rect class="${v >= 0 ? 'pos' : 'neg'}" x="${x}" width="${half}" height="8"/><rect class="axis" x="49.75" width="0.5" height="8"/></svg>`;
  };
  const head = `<div class="stats">${stat('Overall tone', label ?? (score === undefined ? '—' : fmt(score, 2)), '', score === undefined ? '' : `score ${fmt(score, 2)}`)}</div>`;
  const rows = sections
    .map((s) => {
      const v = num(s.score) ?? 0;
      const line = num(s.line);
      const at = line !== undefined && linkable(line) ? ` <a class="small" href="#L${Math.trunc(line)}">line ${fmt(line, 0)}</a>` : '';
      return `<tr><td class="sec-title">${escapeHtml(str(s.title) ?? str(s.section) ?? '(before the first heading)')}${at}</td><td>${escapeHtml(str(s.label) ?? '')}</td><td class="num">${fmt(v, 2)}</td><td class="chart">${diverging(v, `tone ${fmt(v, 2)}`)}</td></tr>`;
    })
    .join('');
  const table = rows
    ? `<table class="sections"><thead><tr><th>Section</th><th>Tone</th><th class="num">Score</th><th class="chart"><span class="axis"><span>−${fmt(scale, 2)}</span><span>negative · positive</span><span>+${fmt(scale, 2)}</span></span></th></tr></thead><tbody>${rows}</tbody></table>`
    : '';
  return section('tone', 'Tone', head + table, 'Sentiment of the wording; an indication, not part of the score.');
}

function languageNotes(lang: Rec | undefined, docLang: string | undefined): string {
  const sections = arr(lang?.sections);
  const other = (sections.length > 0 ? sections : arr(lang?.paragraphs))
    .map(rec)
    .filter((s): s is Rec => s !== undefined)
    .map((s) => ({
      lang: pick(s, ['language', 'lang', 'document'], str),
      title: pick(s, ['title', 'text', 'section'], str) ?? (num(s.line) === undefined ? '(before the first heading)' : 'Paragraph'),
      line: num(s.line),
      share: num(s.share),
    }))
    .filter((s) => s.lang && docLang && s.lang !== docLang)
    .slice(0, 20);
  if (other.length === 0) return '';
  return `<div class="sub-card"><h3>Passages in another language</h3><ul class="plain">${other.map((s) => `<li><span class="chip">${escapeHtml(s.lang)}</span> ${escapeHtml(truncate(s.title, 120))}${s.share === undefined ? '' : ` <span class="muted small">${fmt(s.share <= 1 ? s.share * 100 : s.share, 0)}% of its words</span>`}${s.line === undefined ? '' : ` <span class="muted small">line ${fmt(s.line, 0)}</span>`}</li>`).join('')}</ul></div>`;
}

function checksSection(doc: AnalyzedDocument, m: Metrics): string {
  const facts: string[] = [];
  const sp = m.spelling;
  if (num(sp?.words) !== undefined) facts.push(stat('Unknown words', fmt(num(sp?.misspelled) ?? 0, 0), '', `of ${fmt(num(sp?.words) ?? 0, 0)} checked`));
  if (num(m.style?.findings) !== undefined) facts.push(stat('Style findings', fmt(num(m.style?.findings) ?? 0, 0), '', ''));
  if (num(m.validation?.errors) !== undefined)
    facts.push(stat('Structure', `${fmt(num(m.validation?.errors) ?? 0, 0)} / ${fmt(num(m.validation?.warnings) ?? 0, 0)}`, '', 'errors / warnings'));
  const a = m.accessibility;
  if (num(a?.critical) !== undefined)
    facts.push(
      stat('Accessibility', `${fmt((num(a?.critical) ?? 0) + (num(a?.serious) ?? 0) + (num(a?.moderate) ?? 0) + (num(a?.minor) ?? 0), 0)}`, '', 'violations'),
    );
  const checkers = arr(doc.checkers)
    .map(rec)
    .filter((c): c is Rec => c !== undefined)
    .map((c) => {
      const failed = c.status === 'failed';
      const ms = num(c.ms);
      const err = str(rec(c.error)?.message);
      return `<li class="${failed ? 'failed' : 'ok'}"${err ? ` title="${escapeHtml(err)}"` : ''}><span aria-hidden="true">${failed ? '✗' : '✓'}</span> ${escapeHtml(c.id)}${ms === undefined ? '' : ` <span class="muted">${fmt(ms, 0)} ms</span>`}${failed ? ' <b>failed</b>' : ''}</li>`;
    })
    .join('');
  const langs = languageNotes(m.language, str(m.language?.document));
  if (facts.length === 0 && !checkers && !langs) return '';
  return section(
    'checks',
    'Checks',
    `${facts.length ? `<div class="stats">${facts.join('')}</div>` : ''}${langs}${checkers ? `<h3>Checkers that ran</h3><ul class="checkers">${checkers}</ul>` : ''}`,
  );
}

// ─── page ─────────────────────────────────────────────────────────────────────────────────

interface Metrics {
  readability?: Rec;
  metadata?: Rec;
  language?: Rec;
  tone?: Rec;
  spelling?: Rec;
  style?: Rec;
  accessibility?: Rec;
  validation?: Rec;
}

/**
 * Renders one analysed document as a self-contained HTML page. `source` is the text the
 * positions refer to (Markdown or HTML input); without it the source view is left out.
 */
export function renderQualityHtml(doc: AnalyzedDocument, source: string | undefined, options: QualityHtmlOptions = {}): string {
  const raw = rec(doc.metrics) ?? {};
  const m: Metrics = {
    readability: rec(raw.readability),
    metadata: rec(raw.metadata),
    language: rec(raw.language),
    tone: rec(raw.tone),
    spelling: rec(raw.spelling),
    style: rec(raw.style),
    accessibility: rec(raw.accessibility),
    validation: rec(raw.validation),
  };
  const findings = arr(doc.findings).filter((f): f is Finding => rec(f) !== undefined);
  const generatedAt = options.generatedAt ?? new Date().toISOString();
  const src = typeof source === 'string' && source.length > 0 ? sourceSection(source, findings) : undefined;
  const linkable = (line: number) => src !== undefined && line >= 1 && line <= src.lines;

  const parts: Array<[string, string, string]> = [
    ['score', 'Score', subscores(doc)],
    ['findings', 'Findings', findingsSection(findings, linkable)],
    ['readability', 'Readability', readabilitySection(m.readability, linkable)],
    ['content', 'Content', contentSection(m, linkable)],
    ['tone', 'Tone', toneSection(m.tone, linkable)],
    ['checks', 'Checks', checksSection(doc, m)],
    ['source', 'Source', src?.html ?? ''],
  ];
  const present = parts.filter(([, , html]) => html);
  const nav = `<nav class="toc" aria-label="Sections">${present.map(([id, label]) => `<a href="#${id}">${label}</a>`).join('')}</nav>`;
  const title = options.title ?? pick(m.metadata, ['title'], str) ?? doc.file;
  const footer = `<footer>Generated by Export IA${options.toolVersion ? ` ${escapeHtml(options.toolVersion)}` : ''} · score version ${escapeHtml(num(doc.score?.version) ?? '?')} · ${escapeHtml(formatDate(generatedAt))}</footer>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="Export IA${options.toolVersion ? ` ${escapeHtml(options.toolVersion)}` : ''}">
<title>Quality report · ${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<div class="page">
${header(doc, m, options, generatedAt)}
${nav}
<main>
${present.map(([, , html]) => html).join('\n')}
</main>
${footer}
</div>
</body>
</html>
`;
}

const CSS = `
:root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--bg:#eef1f4;--card:#fff;--accent:#3b5bdb;
--good:#1a7f37;--fair:#9a6700;--poor:#cf222e;--good-bg:#dafbe1;--fair-bg:#fff8c5;--poor-bg:#ffebe9;
--error:#cf222e;--warning:#bc4c00;--suggestion:#0969da;--info:#6e7781;
--error-bg:#ffdcd7;--warning-bg:#ffe6cc;--suggestion-bg:#d3ebff;--info-bg:#e4e8ec;color-scheme:light}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif}
.page{max-width:1180px;margin:0 auto;padding:32px 28px 48px}
h1,h2,h3{line-height:1.25;margin:0}
h1{font-size:28px;font-weight:650;letter-spacing:-.01em;overflow-wrap:anywhere}
h2{font-size:19px;font-weight:650;margin-bottom:4px}
h3{font-size:15px;font-weight:650;margin:22px 0 10px}
code,pre,.loc{font-family:ui-monospace,"SFMono-Regular","Cascadia Mono",Menlo,Consolas,"DejaVu Sans Mono",monospace}
code{font-size:12.5px;background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:1px 5px;overflow-wrap:anywhere}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
.muted{color:var(--muted);font-weight:400}.small{font-size:12.5px}
.top{display:flex;gap:32px;align-items:center;justify-content:space-between;background:var(--card);border:1px solid var(--line);border-radius:12px;padding:28px 32px}
.top-text{min-width:0;flex:1}
.eyebrow{margin:0 0 6px;text-transform:uppercase;letter-spacing:.08em;font-size:12px;font-weight:600;color:var(--muted)}
.file{margin:6px 0 0;color:var(--muted);font-size:13.5px;overflow-wrap:anywhere}
.facts{display:flex;flex-wrap:wrap;gap:10px 32px;margin:20px 0 0}
.facts div{min-width:0}.facts dt{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.facts dd{margin:2px 0 0;font-weight:600;font-size:15px}
.score{text-align:center;flex:none}
.dial{position:relative;width:132px;height:132px;margin:0 auto}
.dial svg{width:100%;height:100%}
.dial-track{fill:none;stroke:#e6e9ed;stroke-width:11}
.dial-fill{fill:none;stroke-width:11;stroke-linecap:round}
.dial.good .dial-fill{stroke:var(--good)}.dial.fair .dial-fill{stroke:#d4a72c}.dial.poor .dial-fill{stroke:var(--poor)}
.dial-text{position:absolute;inset:0;display:flex;flex-direction:column;align-items:center;justify-content:center}
.dial-score{font-size:40px;font-weight:700;line-height:1;letter-spacing:-.02em}
.dial-max{font-size:12px;color:var(--muted);margin-top:3px}
.band-label{margin:8px 0 0;font-weight:650;font-size:13px;display:inline-block;padding:2px 10px;border-radius:999px}
.score.good .band-label{background:var(--good-bg);color:var(--good)}.score.fair .band-label{background:var(--fair-bg);color:var(--fair)}.score.poor .band-label{background:var(--poor-bg);color:var(--poor)}
.score p.small{margin:6px 0 0}
.toc{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;gap:4px;margin:16px 0;padding:8px;background:rgba(238,241,244,.92);backdrop-filter:blur(4px)}
.toc a{padding:5px 12px;border-radius:999px;color:var(--ink);font-size:13.5px;font-weight:550;background:var(--card);border:1px solid var(--line)}
.toc a:hover{border-color:var(--accent);color:var(--accent);text-decoration:none}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:24px 28px;margin:0 0 16px;scroll-margin-top:64px}
.intro{margin:0 0 16px;color:var(--muted);font-size:14px}
.empty{margin:8px 0 0;color:var(--muted)}.good-text{color:var(--good);font-weight:600}
.bar{display:block;width:100%;height:10px;border-radius:3px;overflow:hidden}
.bar .track{fill:#eaeef2}.bar .tick{fill:#fff}.bar .fill{fill:var(--accent)}
.bar.good .fill{fill:#2da44e}.bar.fair .fill{fill:#d4a72c}.bar.poor .fill{fill:#e5534b}
.bar.s-error .fill{fill:var(--error)}.bar.s-warning .fill{fill:#e16f24}.bar.s-suggestion .fill{fill:#54aeff}.bar.s-info .fill{fill:#afb8c1}
.bar.accent .fill{fill:#748ffc}
.bar.diverge .pos{fill:#2da44e}.bar.diverge .neg{fill:#e5534b}.bar.diverge .axis{fill:#6e7781}
.good{color:var(--good)}.fair{color:var(--fair)}.poor{color:var(--poor)}
.subs{display:grid;grid-template-columns:minmax(110px,150px) minmax(120px,1fr) 56px 64px;column-gap:18px}
.sub{display:contents}
.sub>div{padding:10px 0 0}
.sub-head>div{padding:0;font-size:11.5px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);text-align:right}
.sub-label{font-weight:600}
.sub-bar{align-self:center;padding-top:10px}
.sub-score{text-align:right;font-weight:700;font-variant-numeric:tabular-nums}
.sub-weight{text-align:right;color:var(--muted);font-variant-numeric:tabular-nums}
.sub-reason{grid-column:2/-1;padding:2px 0 10px!important;color:var(--muted);font-size:13.5px;border-bottom:1px solid #eef0f2}
.sub.missing .sub-label,.sub.missing .sub-score{color:var(--muted);font-weight:500}
.not-checked{display:block;border:1px dashed #afb8c1;border-radius:3px;font-size:11.5px;color:var(--muted);text-align:center;line-height:16px}
.tiles{display:grid;grid-template-columns:repeat(4,1fr);gap:10px;margin:0 0 8px}
.tile{display:flex;align-items:baseline;gap:8px;padding:12px 14px;border:1px solid var(--line);border-radius:10px;cursor:pointer;user-select:none;background:var(--card)}
.tile input{margin:0;align-self:center;accent-color:var(--ink)}
.tile-n{font-size:24px;font-weight:700;font-variant-numeric:tabular-nums;line-height:1}
.tile-name{color:var(--muted);font-size:13.5px}
.tile.zero{opacity:.55;cursor:default}.tile:has(input:not(:checked)){opacity:.5;background:var(--soft)}
.tile.s-error{border-top:3px solid var(--error)}.tile.s-warning{border-top:3px solid var(--warning)}.tile.s-suggestion{border-top:3px solid var(--suggestion)}.tile.s-info{border-top:3px solid var(--info)}
.tile .dot{display:none}
.dot{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:8px;vertical-align:baseline;background:var(--info)}
.s-error .dot,.dot.s-error{background:var(--error)}.s-warning .dot,.dot.s-warning{background:var(--warning)}.s-suggestion .dot,.dot.s-suggestion{background:var(--suggestion)}
table{width:100%;border-collapse:collapse;font-size:14px;margin-top:12px}
th{font-size:11.5px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-weight:600;text-align:left;padding:6px 10px;border-bottom:1px solid var(--line)}
td{padding:7px 10px;border-bottom:1px solid #eef0f2;vertical-align:middle}
tr:last-child td{border-bottom:0}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.num.good,td.num.fair,td.num.poor{font-weight:650}
th.chart,td.chart{width:34%}
.axis{display:flex;justify-content:space-between}
.sec-title a{white-space:nowrap}
.hardest a{text-decoration:underline;text-underline-offset:2px}
.rules td:first-child{overflow-wrap:anywhere}
.sec-title{overflow-wrap:anywhere}
.sev-group{margin-top:26px}
.sev-group h3{margin:0 0 6px;font-size:16px}
.findings{list-style:none;margin:0;padding:0}
.finding{display:grid;grid-template-columns:72px minmax(0,1fr) auto;gap:4px 16px;padding:9px 0;border-top:1px solid #eef0f2}
.finding>a,.finding>.loc{align-self:start}
.loc{font-size:12.5px;color:var(--muted);padding-top:2px;display:inline-block;font-variant-numeric:tabular-nums}
a .loc{color:var(--accent)}
.f-body{min-width:0}
.f-body p{margin:0}
.f-msg{font-weight:500;overflow-wrap:anywhere}
.suggest{color:var(--good);margin-top:3px!important;overflow-wrap:anywhere}
.excerpt{margin:6px 0 0;padding:4px 10px;border-left:3px solid var(--line);color:var(--muted);font-size:13.5px;overflow-wrap:anywhere}
.f-rule{margin:0;text-align:right;white-space:nowrap}
.f-rule code{font-size:11.5px;color:var(--muted)}
.chip{display:inline-block;font-size:11.5px;padding:1px 8px;border-radius:999px;background:var(--soft);border:1px solid var(--line);margin:0 6px 4px 0}
.chip.fix{background:var(--good-bg);border-color:#aceebb;color:var(--good);margin:0 8px 0 0}
.stats{display:flex;flex-wrap:wrap;gap:12px;margin:4px 0 4px}
.stat{min-width:112px;padding:12px 16px;border:1px solid var(--line);border-radius:10px;background:var(--soft)}
.stat-v{font-size:22px;font-weight:700;font-variant-numeric:tabular-nums;line-height:1.2}
.stat-l{font-size:12.5px;color:var(--muted);font-weight:550;margin-top:2px}
.stat-h{font-size:11.5px;color:var(--muted)}
.hardest{margin:0;padding-left:22px}.hardest li{margin:0 0 12px;padding-left:4px}.hardest p{margin:0;overflow-wrap:anywhere}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:0 36px}
.sub-card{min-width:0}
.kws{display:grid;grid-template-columns:minmax(90px,auto) 1fr auto;gap:7px 12px;align-items:center}
.kw{display:contents}
.kw-word{font-weight:550;overflow-wrap:anywhere}
.kw-score{font-size:12.5px;color:var(--muted);font-variant-numeric:tabular-nums;text-align:right}
.outline{list-style:none;margin:0;padding:0;font-size:14px;max-height:600px;overflow:auto}
.outline li{display:flex;justify-content:space-between;gap:12px;padding:3px 0;border-bottom:1px dotted #e4e8ec}
.outline li.d0{font-weight:650;margin-top:6px}
.outline .d1{padding-left:18px}.outline .d2{padding-left:36px}.outline .d3{padding-left:54px}.outline .d4,.outline .d5{padding-left:72px}
.plain{list-style:none;padding:0;margin:0}.plain li{margin:0 0 6px}
.checkers{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:8px}
.checkers li{padding:4px 12px;border:1px solid var(--line);border-radius:999px;font-size:13.5px}
.checkers li.ok span[aria-hidden]{color:var(--good)}.checkers li.failed{border-color:#ffcecb;background:var(--poor-bg);color:var(--poor)}
.legend{margin:0 0 12px;font-size:13px}.legend .hl{margin-right:4px}
.note{background:var(--fair-bg);border:1px solid #eed888;border-radius:8px;padding:8px 12px;font-size:13.5px}
.source{margin:0;padding:12px 0;background:#fbfcfd;border:1px solid var(--line);border-radius:8px;font-size:13px;line-height:1.6;white-space:pre-wrap;overflow-wrap:anywhere;counter-reset:none;tab-size:4}
.l{display:block;padding:0 16px 0 64px;position:relative;min-height:1.6em;scroll-margin-top:72px}
.l::before{content:attr(data-n);position:absolute;left:0;width:48px;text-align:right;color:#6e7781;user-select:none;font-size:12px}
.l:target{background:#fff8c5}
.hl{border-radius:2px;padding:0 1px;color:inherit}
.hl.s-error{background:var(--error-bg);box-shadow:inset 0 -2px 0 var(--error)}
.hl.s-warning{background:var(--warning-bg);box-shadow:inset 0 -2px 0 var(--warning)}
.hl.s-suggestion{background:var(--suggestion-bg);box-shadow:inset 0 -2px 0 var(--suggestion)}
.hl.s-info{background:var(--info-bg);box-shadow:inset 0 -2px 0 var(--info)}
mark.hl{cursor:help}
body:has(#show-error:not(:checked)) .sev-group.s-error,body:has(#show-warning:not(:checked)) .sev-group.s-warning,
body:has(#show-suggestion:not(:checked)) .sev-group.s-suggestion,body:has(#show-info:not(:checked)) .sev-group.s-info{display:none}
body:has(#show-error:not(:checked)) mark.s-error,body:has(#show-warning:not(:checked)) mark.s-warning,
body:has(#show-suggestion:not(:checked)) mark.s-suggestion,body:has(#show-info:not(:checked)) mark.s-info{background:none;box-shadow:none;cursor:auto}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
footer{margin-top:24px;text-align:center;color:var(--muted);font-size:12.5px}
@media (max-width:640px){.top{flex-direction:column-reverse;align-items:stretch;padding:22px}}
@media (max-width:900px){.page{padding:16px 12px 32px}.top{gap:20px;padding:22px}.grid2{grid-template-columns:1fr}
.tiles{grid-template-columns:repeat(2,1fr)}.finding{grid-template-columns:64px minmax(0,1fr)}.f-rule{grid-column:2;text-align:left;white-space:normal}.card{padding:20px}th.chart,td.chart{width:28%}.subs{grid-template-columns:minmax(90px,120px) 1fr 48px 52px;column-gap:12px}}
@media print{body{background:#fff}.toc{display:none}.outline{max-height:none}.card,.top{border:0;padding:0 0 12px;break-inside:auto}.tile input{display:none}}
`;

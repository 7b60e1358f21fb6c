/**
 * The rule catalogue of both checkers (ids, default severities, accessibility impacts) and the
 * plugin configuration read once at setup: severities by rule, thresholds, markdownlint options.
 */
import { closest, ExportIaError, type FindingSeverity } from '@export-ia/core/plugin';

export type RuleLevel = Exclude<FindingSeverity, 'info'> | 'off';
export type Impact = 'critical' | 'serious' | 'moderate' | 'minor';

/** Structure rules and their default severity. `markdownlint` sets the severity of every markdownlint finding. */
export const STRUCTURE_RULES = {
  'missing-title': 'warning',
  'multiple-h1': 'warning',
  'heading-skip': 'warning',
  'empty-section': 'warning',
  'duplicate-heading': 'warning',
  'broken-anchor': 'error',
  'missing-image': 'error',
  'missing-link-target': 'error',
  'empty-link': 'warning',
  'code-language': 'warning',
  'long-sentence': 'suggestion',
  'long-paragraph': 'suggestion',
  'model-invalid': 'error',
  markdownlint: 'warning',
} as const satisfies Record<string, RuleLevel>;

/** Accessibility rules: impact (WCAG-style, as axe names them) and the severity it maps to. */
export const ACCESSIBILITY_RULES = {
  'image-alt': { impact: 'serious', severity: 'warning' },
  'image-alt-long': { impact: 'minor', severity: 'suggestion' },
  'heading-order': { impact: 'moderate', severity: 'warning' },
  'link-text': { impact: 'serious', severity: 'warning' },
  'link-url-text': { impact: 'minor', severity: 'suggestion' },
  'table-header': { impact: 'serious', severity: 'warning' },
  'document-language': { impact: 'serious', severity: 'warning' },
} as const satisfies Record<string, { impact: Impact; severity: RuleLevel }>;

export type StructureRule = keyof typeof STRUCTURE_RULES;
export type AccessibilityRule = keyof typeof ACCESSIBILITY_RULES;

/** markdownlint options that keep it from fighting our parser or repeating our own rules. */
export const MARKDOWNLINT_DEFAULTS: Readonly<Record<string, unknown>> = {
  default: true,
  MD040: false, // fenced-code-language: structure/code-language
  MD001: false, // heading-increment: structure/heading-skip
  MD013: false, // line-length: prose paragraphs are long lines
  MD024: false, // no-duplicate-heading: structure/duplicate-heading (same parent only)
  MD025: false, // single-h1: structure/multiple-h1 (front matter titles allow H1 chapters)
  MD033: false, // no-inline-html: raw HTML is allowed input
  MD034: false, // no-bare-urls: our parser links bare URLs (GFM autolink literals)
  MD041: false, // first-line-h1: structure/missing-title
  MD042: false, // no-empty-links: structure/empty-link
  MD045: false, // no-alt-text: accessibility/image-alt
  MD051: false, // link-fragments: structure/broken-anchor
  MD059: false, // descriptive-link-text: accessibility/link-text
  MD060: false, // table-column-style: cosmetic pipe alignment
};

export interface PluginConfig {
  levels: Map<string, RuleLevel>;
  maxSentenceWords: number;
  maxParagraphWords: number;
  maxAltLength: number;
  /** Resolved markdownlint `config`, or false when markdownlint is off. */
  markdownlint: Record<string, unknown> | false;
}

const invalid = (detail: string) => new ExportIaError('EIA_CONFIG_INVALID', { source: 'pluginConfig.checker-structure', detail });

const LEVELS: readonly string[] = ['off', 'error', 'warning', 'suggestion'];

/**
 * Reads the plugin configuration (already checked against the configSchema by the host, but a
 * host may pass unchecked data, so types are checked again). Rule ids may be written bare
 * (`heading-skip`) or with their checker (`structure/heading-skip`).
 */
export function readConfig(raw: Readonly<Record<string, unknown>>): PluginConfig {
  const levels = new Map<string, RuleLevel>();
  for (const [id, level] of Object.entries(STRUCTURE_RULES)) levels.set(`structure/${id}`, level);
  for (const [id, rule] of Object.entries(ACCESSIBILITY_RULES)) levels.set(`accessibility/${id}`, rule.severity);
  const known = [...Object.keys(STRUCTURE_RULES), ...Object.keys(ACCESSIBILITY_RULES)];

  const rules = raw.rules ?? {};
  if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) throw invalid('"rules" must be an object of rule id → level');
  for (const [key, level] of Object.entries(rules)) {
    const bare = key.replace(/^(structure|accessibility)\//, '');
    const full = levels.has(`structure/${bare}`) ? `structure/${bare}` : levels.has(`accessibility/${bare}`) ? `accessibility/${bare}` : undefined;
    const md = /^(?:structure\/)?markdownlint\/(\w+)$/.exec(key);
    if (md) throw invalid(`rule "${key}": set markdownlint's own rules under "markdownlint" (e.g. markdownlint: { ${md[1]}: false })`);
    if (!full || (key.includes('/') && full !== key)) {
      const suggestion = closest(bare, known);
      throw invalid(`unknown rule "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
    }
    if (typeof level !== 'string' || !LEVELS.includes(level)) throw invalid(`rule "${key}": level must be one of ${LEVELS.join(', ')}`);
    levels.set(full, level as RuleLevel);
  }

  const positive = (key: string, fallback: number): number => {
    const v = raw[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw invalid(`"${key}" must be a positive integer`);
    return v;
  };

  let markdownlint: Record<string, unknown> | false = false;
  // Off unless asked: markdownlint lints how the Markdown is written (list markers, blank lines),
  // not the document, and its second parse costs more than every other checker together.
  const ml = raw.markdownlint ?? false;
  if (ml === true) markdownlint = { ...MARKDOWNLINT_DEFAULTS };
  else if (typeof ml === 'object' && ml !== null && !Array.isArray(ml)) markdownlint = { ...MARKDOWNLINT_DEFAULTS, ...(ml as Record<string, unknown>) };
  else if (ml !== false) throw invalid('"markdownlint" must be true, false or an object of markdownlint rule options');
  if (levels.get('structure/markdownlint') === 'off') markdownlint = false;

  return {
    levels,
    maxSentenceWords: positive('maxSentenceWords', 40),
    maxParagraphWords: positive('maxParagraphWords', 150),
    maxAltLength: positive('maxAltLength', 150),
    markdownlint,
  };
}

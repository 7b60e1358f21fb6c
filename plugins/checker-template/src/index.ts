/**
 * Template checker: classifies the document (report, letter, article, academic paper, CV,
 * manual, meeting minutes, proposal, README, memo) from its structure and vocabulary with a
 * transparent points model, and proposes a theme. Metric `template` (`theme` is what
 * `export --theme auto` reads); findings `template/detected` and `template/theme-mismatch`.
 */
import { type CheckContext, type CheckResult, type DocumentModel, definePlugin, type Finding } from '@export-ia/core/plugin';
import { extractFeatures, type FeatureScan, type Features, finishFeatures, scanFeatures } from './features.js';
import { classify } from './model.js';
import { DOCUMENT_TYPES, type DocumentType } from './vocabulary.js';

/** Themes of the standard theme plugin: the only ones a mismatch is reported against. */
export const BUILT_IN_THEMES = ['default', 'report', 'academic'] as const;

/** Which theme suits each type, unless configured otherwise. */
export const DEFAULT_THEMES: Readonly<Record<DocumentType, string>> = {
  report: 'report',
  proposal: 'report',
  manual: 'report',
  minutes: 'report',
  memo: 'report',
  paper: 'academic',
  letter: 'default',
  article: 'default',
  cv: 'default',
  readme: 'default',
};

export interface TemplateConfig {
  themes: Record<DocumentType, string>;
  minConfidence: number;
  types: DocumentType[];
  fallbackTheme: string;
  fallbackBelow: number;
}

/** Reads the validated plugin configuration over the defaults. */
export function readConfig(raw: Readonly<Record<string, unknown>>): TemplateConfig {
  const themes = { ...DEFAULT_THEMES } as Record<DocumentType, string>;
  if (raw.themes && typeof raw.themes === 'object') {
    for (const [type, theme] of Object.entries(raw.themes)) if (type in themes && typeof theme === 'string') themes[type as DocumentType] = theme;
  }
  const minConfidence = typeof raw.minConfidence === 'number' ? raw.minConfidence : 0.7;
  const types = Array.isArray(raw.types) ? DOCUMENT_TYPES.filter((t) => (raw.types as unknown[]).includes(t)) : [...DOCUMENT_TYPES];
  const fallbackTheme = typeof raw.fallbackTheme === 'string' ? raw.fallbackTheme : 'default';
  const fallbackBelow = typeof raw.fallbackBelow === 'number' ? raw.fallbackBelow : 0.5;
  return { themes, minConfidence, types: types.length > 0 ? types : [...DOCUMENT_TYPES], fallbackTheme, fallbackBelow };
}

const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;

/** Classifies one document: the `template` metric and its findings. */
export function checkTemplate(doc: DocumentModel, ctx: Pick<CheckContext, 'settings' | 'text' | 'file'>, config: TemplateConfig) {
  return templateResult(extractFeatures(doc, fileNameOf(doc, ctx)), ctx, config);
}

const fileNameOf = (doc: DocumentModel, ctx: Pick<CheckContext, 'file'>) => doc.source?.name ?? ctx.file ?? '';

/**
 * A huge document analysed in sections: the scans of its parts (in `partial`, document order)
 * make the features a scan of the whole tree makes, and the document is classified once.
 */
export function mergeTemplate(parts: readonly CheckResult[], ctx: Pick<CheckContext, 'settings' | 'text' | 'file'>, config: TemplateConfig) {
  return templateResult(finishFeatures(parts.map((p) => p.partial as FeatureScan)), ctx, config);
}

/** The `template` metric and findings of a document's features. */
function templateResult(features: Features, ctx: Pick<CheckContext, 'settings' | 'text' | 'file'>, config: TemplateConfig) {
  const result = classify(features, config.types);
  // A weak guess should not give a four-line note a title page: below `fallbackBelow`, propose the fallback.
  const typeTheme = config.themes[result.type];
  const theme = result.confidence < config.fallbackBelow ? config.fallbackTheme : typeTheme;
  const { vocabulary, ...counts } = features;
  const template = {
    type: result.type,
    confidence: result.confidence,
    theme,
    typeTheme,
    reason: result.reason,
    scores: result.scores,
    points: result.points,
    features: {
      ...counts,
      listShare: round(counts.listShare),
      meanParagraphWords: round(counts.meanParagraphWords, 1),
      sections: counts.sections.map((m) => m.text),
      fields: counts.fields.map((m) => m.text),
      title: counts.title.map((m) => m.text),
      fileName: counts.fileName.map((m) => m.text),
      frontMatter: counts.frontMatter.map((m) => m.text),
      vocabulary,
    },
    evidence: result.evidence,
  };

  const pct = `${Math.round(result.confidence * 100)}%`;
  const findings: Finding[] = [
    {
      rule: 'template/detected',
      severity: 'info',
      message: `${result.reason} (confidence ${pct}; theme '${theme}').`,
      data: { type: result.type, confidence: result.confidence, theme },
    },
  ];
  const current = ctx.settings?.theme;
  if (
    typeof current === 'string' &&
    (BUILT_IN_THEMES as readonly string[]).includes(current) &&
    current !== theme &&
    result.confidence >= config.minConfidence
  ) {
    const finding: Finding = {
      rule: 'template/theme-mismatch',
      severity: 'suggestion',
      message: `The document looks like ${AS_PHRASE[result.type]} (${pct}) but uses the '${current}' theme; the '${theme}' theme suits it better.`,
      suggestion: `Export with --theme ${theme} (or set \`theme: ${theme}\` in the front matter).`,
      data: { type: result.type, confidence: result.confidence, current, proposed: theme },
    };
    const at = themeLine(ctx.text);
    if (at) finding.position = at;
    findings.push(finding);
  }
  return { findings, metrics: { template } };
}

const AS_PHRASE: Record<DocumentType, string> = {
  report: 'a report',
  letter: 'a letter',
  article: 'an article',
  paper: 'an academic paper',
  cv: 'a CV',
  manual: 'a manual',
  minutes: 'meeting minutes',
  proposal: 'a proposal',
  readme: 'a README',
  memo: 'a memo',
};

/** The `theme:` line of the front matter, when the document names its theme there. */
function themeLine(
  text: string | undefined,
): { line: number; column: number; endLine: number; endColumn: number; offset: number; endOffset: number } | undefined {
  if (!text?.startsWith('---')) return undefined;
  const end = text.indexOf('\n---', 3);
  const head = end < 0 ? '' : text.slice(0, end);
  const m = /^theme[ \t]*:.*$/m.exec(head);
  if (!m) return undefined;
  const line = head.slice(0, m.index).split('\n').length;
  return { line, column: 1, endLine: line, endColumn: m[0].length + 1, offset: m.index, endOffset: m.index + m[0].length };
}

export default definePlugin({
  setup(api) {
    const config = readConfig(api.config);
    api.checker('template', {
      check(doc, ctx) {
        // One part of a huge document: scan it; the document is classified once, in merge.
        if (ctx.part) return { findings: [], partial: scanFeatures(doc, fileNameOf(doc, ctx), ctx.part.index === 0) };
        return checkTemplate(doc, ctx, config);
      },
      merge(parts, ctx) {
        return mergeTemplate(parts, ctx, config);
      },
    });
  },
});

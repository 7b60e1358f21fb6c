/**
 * @export-ia/plugin-checker-output — the `output` checker: renders the document with the run's
 * theme through the HTML and PDF exporters and checks what a reader with assistive technology
 * gets: axe-core on the HTML (in jsdom), tags, title and language of the PDF, and the colour
 * contrast of the theme. Costly (two renders, one axe run), so it is off by default.
 */
import { type CheckResult, definePlugin, ExportIaError, type Finding, type FindingSeverity, isExportIaError } from '@export-ia/core/plugin';
import type { ImpactValue } from 'axe-core';
import { AxeRunner, type AxeViolationNode, JSDOM_DISABLED_RULES } from './axe.js';
import { type ContrastPair, themeContrast } from './contrast.js';
import { inspectPdf, type PdfFacts } from './pdf.js';
import { sourceLocator } from './source-map.js';

interface OutputConfig {
  html: boolean;
  pdf: boolean;
  contrast: boolean;
  axeRules: Record<string, 'on' | 'off'>;
}

function readConfig(raw: Readonly<Record<string, unknown>>): OutputConfig {
  return {
    html: raw.html !== false,
    pdf: raw.pdf !== false,
    contrast: raw.contrast !== false,
    axeRules: { ...((raw.axeRules as Record<string, 'on' | 'off'> | undefined) ?? {}) },
  };
}

type Impact = 'critical' | 'serious' | 'moderate' | 'minor';
const IMPACTS: readonly Impact[] = ['critical', 'serious', 'moderate', 'minor'];
const SEVERITY: Readonly<Record<Impact, FindingSeverity>> = { critical: 'error', serious: 'error', moderate: 'warning', minor: 'suggestion' };
const impactOf = (v: ImpactValue | undefined): Impact => (v && (IMPACTS as readonly string[]).includes(v) ? (v as Impact) : 'moderate');

/** The markup of a node, short and without embedded images (data URIs can be megabytes). */
function excerptOf(html: string): string {
  const clean = html.replace(/(src|href)="data:[^";,]*[;,][^"]*"/g, '$1="data:…"').replace(/\s+/g, ' ');
  return clean.length <= 160 ? clean : `${clean.slice(0, 159)}…`;
}

/** "Fix any of the following:\n  Element does not have an alt attribute\n…" → the first reason. */
function firstReason(summary: string | undefined): string | undefined {
  const line = summary
    ?.split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !/^fix (any|all) of the following:?$/i.test(l));
  return line || undefined;
}

const primary = (tag: string | null | undefined) => (tag ? (tag.toLowerCase().split(/[-_]/)[0] ?? '') : '');

/** The language the checker stage saw, when it was detected (not declared) with some confidence. */
function detectedLanguage(metrics: Readonly<Record<string, unknown>>): { language: string; confidence: number } | undefined {
  const m = metrics.language as { document?: unknown; confidence?: unknown } | undefined;
  if (typeof m?.document !== 'string' || typeof m.confidence !== 'number') return undefined;
  return m.confidence >= 0.6 ? { language: m.document, confidence: m.confidence } : undefined;
}

function exportFailure(format: string, err: unknown): Finding {
  const code = isExportIaError(err) ? err.code : 'EIA_EXPORT_FAILED';
  return {
    rule: 'output/export-failed',
    severity: 'error',
    message: `The ${format.toUpperCase()} output could not be rendered, so it was not checked: ${(err as Error).message}`,
    data: { format, code },
  };
}

export default definePlugin({
  setup(api) {
    const config = readConfig(api.config);
    const runner = new AxeRunner();
    api.onClose(() => runner.close());
    let rulesChecked: Promise<Record<string, boolean>> | undefined;

    /** axe's rule switches: jsdom-incapable rules off, then the user's; unknown ids refused once. */
    const axeRuleSwitches = () => {
      rulesChecked ??= runner.ruleIds().then((known) => {
        const switches: Record<string, boolean> = Object.fromEntries(JSDOM_DISABLED_RULES.filter((id) => known.has(id)).map((id) => [id, false]));
        for (const [id, value] of Object.entries(config.axeRules)) {
          if (!known.has(id)) {
            throw new ExportIaError('EIA_PLUGIN_CONFIG_INVALID', {
              plugin: api.id,
              key: `axeRules.${id}`,
              detail: `axe-core has no rule "${id}" (see https://dequeuniversity.com/rules/axe/ for the list)`,
            });
          }
          switches[id] = value === 'on';
        }
        return switches;
      });
      return rulesChecked;
    };

    api.checker('output', {
      async check(doc, ctx): Promise<CheckResult> {
        const findings: Finding[] = [];
        const metrics: Record<string, unknown> = {};
        const wantHtml = config.html || config.contrast;
        // Both renders start at once: the PDF compiles in a worker thread while axe runs here.
        const htmlBytes = wantHtml
          ? ctx.exportWith('html').then(
              (b) => ({ ok: true as const, html: new TextDecoder().decode(b) }),
              (err: unknown) => ({ ok: false as const, err }),
            )
          : undefined;
        const pdfBytes = config.pdf
          ? ctx.exportWith('pdf').then(
              (b) => ({ ok: true as const, bytes: b }),
              (err: unknown) => ({ ok: false as const, err }),
            )
          : undefined;
        const declared = ctx.settings.lang ?? doc.meta.lang;
        const detected = declared ? undefined : detectedLanguage(ctx.metrics);
        const wrongLanguage: Array<{ format: string; lang: string }> = [];

        if (htmlBytes) {
          const rendered = await htmlBytes;
          if (!rendered.ok) findings.push(exportFailure('html', rendered.err));
          else {
            const html = rendered.html;
            const htmlLang = /<html[^>]*\slang="([^"]*)"/i.exec(html)?.[1] ?? null;
            if (detected && htmlLang && primary(htmlLang) !== detected.language) wrongLanguage.push({ format: 'HTML', lang: htmlLang });
            if (config.contrast) contrastFindings(html, findings, metrics);
            if (config.html) {
              ctx.signal.throwIfAborted();
              await axeFindings(html, await axeRuleSwitches(), findings, metrics);
            }
          }
        }

        if (pdfBytes) {
          const rendered = await pdfBytes;
          if (!rendered.ok) findings.push(exportFailure('pdf', rendered.err));
          else {
            ctx.signal.throwIfAborted();
            const facts = await inspectPdf(rendered.bytes);
            metrics.pdf = facts;
            pdfFindings(facts, findings);
            if (detected && facts.lang && primary(facts.lang) !== detected.language) wrongLanguage.push({ format: 'PDF', lang: facts.lang });
          }
        }

        if (detected && wrongLanguage.length > 0) {
          const outputs = wrongLanguage.map((w) => `${w.format} (${w.lang})`).join(' and ');
          findings.push({
            rule: 'output/language-mismatch',
            severity: 'error',
            message: `The ${outputs} declares a language other than the text's (${detected.language}, ${Math.round(detected.confidence * 100)}% of the prose): screen readers will pronounce it with the wrong voice.`,
            suggestion: `Declare the language: \`lang: ${detected.language}\` in the front matter, or --lang ${detected.language}.`,
            data: { detected: detected.language, confidence: detected.confidence, outputs: wrongLanguage },
          });
        }
        return { findings, metrics };

        async function axeFindings(html: string, rules: Record<string, boolean>, out: Finding[], m: Record<string, unknown>): Promise<void> {
          const run = await runner.run(html, rules);
          try {
            const locate = sourceLocator(doc, run.document);
            const counts: Record<Impact, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 };
            const ruleIds = new Set<string>();
            for (const v of run.violations) out.push(axeFinding(v, locate(v.element), counts, ruleIds));
            m.axe = { ...counts, rules: ruleIds.size };
          } finally {
            run.release();
          }
        }
      },
    });
  },
});

function axeFinding(v: AxeViolationNode, position: Finding['position'], counts: Record<Impact, number>, ruleIds: Set<string>): Finding {
  const impact = impactOf(v.impact);
  counts[impact]++;
  ruleIds.add(v.ruleId);
  const reason = firstReason(v.failureSummary);
  const finding: Finding = {
    rule: `output/axe/${v.ruleId}`,
    severity: SEVERITY[impact],
    message: `${v.help.replace(/\.$/, '')}${reason ? `: ${reason.charAt(0).toLowerCase()}${reason.slice(1).replace(/\.$/, '')}` : ''}.`,
    excerpt: excerptOf(v.html),
    data: { impact, help: v.help, helpUrl: v.helpUrl, target: v.target },
  };
  if (position) finding.position = position;
  return finding;
}

function contrastFindings(html: string, findings: Finding[], metrics: Record<string, unknown>): void {
  const css = /<style[^>]*>([\s\S]*?)<\/style>/i.exec(html)?.[1];
  if (css === undefined) return;
  const pairs = themeContrast(css);
  // Exporter colours count only where the document uses them (a code comment, a warning callout).
  const used = (p: ContrastPair) =>
    p.source === 'theme' || (p.className !== undefined && new RegExp(`class="[^"]*\\b${p.className.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(html));
  const relevant = pairs.filter(used);
  metrics.contrast = relevant.map((p) => ({
    pair: p.pair,
    ratio: p.ratio,
    ok: p.ok,
    required: p.required,
    foreground: p.foreground,
    background: p.background,
  }));
  for (const p of relevant) {
    if (p.ok) continue;
    const theme = p.source === 'theme';
    findings.push({
      rule: theme ? 'output/theme-contrast' : 'output/exporter-contrast',
      severity: theme ? 'error' : 'warning',
      message: `${p.pair.charAt(0).toUpperCase()}${p.pair.slice(1)} (${p.foreground} on ${p.background}) has a contrast ratio of ${p.ratio.toFixed(2)}:1; WCAG AA needs ${p.required}:1${p.large ? ' for large text' : ''}.`,
      suggestion: theme
        ? `Change ${p.themeKeys.join(' or ')} in the theme until the ratio reaches ${p.required}:1 (darker text or a lighter background).`
        : `This colour is the HTML exporter's; override it with the theme's \`css\` key (e.g. \`.${p.className} { color: … }\`) until the ratio reaches ${p.required}:1.`,
      data: { pair: p.pair, foreground: p.foreground, background: p.background, ratio: p.ratio, required: p.required, themeKeys: p.themeKeys },
    });
  }
}

function pdfFindings(facts: PdfFacts, findings: Finding[]): void {
  if (!facts.tagged) {
    findings.push({
      rule: 'output/pdf-untagged',
      severity: 'error',
      message: 'The PDF is not tagged (no structure tree): screen readers cannot tell headings, lists and tables from body text, nor read in order.',
      data: { impact: 'serious' },
    });
  }
  if (!facts.title) {
    findings.push({
      rule: 'output/pdf-no-title',
      severity: 'error',
      message: 'The PDF has no title in its metadata: readers and screen readers show the file name instead.',
      suggestion: 'Add `title:` to the front matter, or --metadata title=….',
      data: { impact: 'serious' },
    });
  } else if (!facts.displayDocTitle) {
    findings.push({
      rule: 'output/pdf-title-not-displayed',
      severity: 'info',
      message: 'The PDF does not ask viewers to show its title (DisplayDocTitle), so most show the file name in the window title.',
      suggestion: 'Export with --pdf-standard ua-1, which sets it (PDF/UA requires it).',
      data: { impact: 'minor', title: facts.title },
    });
  }
  if (!facts.lang) {
    findings.push({
      rule: 'output/pdf-no-language',
      severity: 'error',
      message: 'The PDF declares no language (/Lang): screen readers guess the pronunciation.',
      suggestion: 'Add `lang:` to the front matter, or pass --lang.',
      data: { impact: 'serious' },
    });
  }
}

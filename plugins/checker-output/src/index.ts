/**
 * @export-ia/plugin-checker-output — the `output` checker: renders the document with the run's
 * theme through the HTML and PDF exporters and checks what a reader with assistive technology
 * gets: axe-core on the HTML (in jsdom), html-validate's standards conformance on the same HTML,
 * tags, title and language of the PDF, and the colour contrast of the theme. Costly (two renders,
 * one axe run, one validation), so it is off by default.
 */
import {
  type CheckContext,
  type CheckResult,
  type DocumentModel,
  definePlugin,
  ExportIaError,
  type Finding,
  type FindingSeverity,
  isExportIaError,
} from '@export-ia/core/plugin';
import type { ImpactValue } from 'axe-core';
import { type AxeRuleText, AxeRunner, type AxeViolationNode, JSDOM_DISABLED_RULES } from './axe.js';
import { type ContrastPair, themeContrast } from './contrast.js';
import { elementAt, type HtmlValidateLevel, type HtmlValidateMessage, HtmlValidator } from './html-validate.js';
import { inspectPdf, type PdfFacts } from './pdf.js';
import { sourceLocator } from './source-map.js';

interface OutputConfig {
  html: boolean;
  pdf: boolean;
  contrast: boolean;
  axeRules: Record<string, 'on' | 'off'>;
  htmlValidate: boolean;
  htmlValidateRules: Record<string, HtmlValidateLevel>;
}

function readConfig(raw: Readonly<Record<string, unknown>>): OutputConfig {
  return {
    html: raw.html !== false,
    pdf: raw.pdf !== false,
    contrast: raw.contrast !== false,
    axeRules: { ...((raw.axeRules as Record<string, 'on' | 'off'> | undefined) ?? {}) },
    htmlValidate: raw.htmlValidate !== false,
    htmlValidateRules: { ...((raw.htmlValidateRules as Record<string, HtmlValidateLevel> | undefined) ?? {}) },
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

/** An element's start tag and the beginning of its text, without serialising all of it (it may be the whole page). */
function elementExcerpt(el: Element): string {
  const shallow = (el.cloneNode(false) as Element).outerHTML;
  const close = `</${el.localName}>`;
  if (!shallow.endsWith(close)) return excerptOf(shallow);
  const text = el.textContent ?? '';
  return excerptOf(`${shallow.slice(0, -close.length)}${text.length > 160 ? `${text.slice(0, 160)}…` : `${text}${close}`}`);
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
    const validator = new HtmlValidator(config.htmlValidateRules);
    let validatorChecked: Promise<HtmlValidator> | undefined;

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

    /** The validator, once its rule overrides are known to exist (html-validate ignores unknown ones silently). */
    const checkedValidator = () => {
      validatorChecked ??= validator.unknownRules().then((unknown) => {
        const id = unknown[0];
        if (id !== undefined) {
          throw new ExportIaError('EIA_PLUGIN_CONFIG_INVALID', {
            plugin: api.id,
            key: `htmlValidateRules.${id}`,
            detail: `html-validate has no rule "${id}" (see https://html-validate.org/rules/ for the list)`,
          });
        }
        return validator;
      });
      return validatorChecked;
    };

    api.checker('output', {
      async check(doc, ctx): Promise<CheckResult> {
        const outcome = await render(doc, ctx);
        // One part of a huge document: its elements' findings stay; the rest is the document's, in merge.
        if (ctx.part) return { findings: outcome.findings, partial: outcome.part };
        return report([outcome.part], outcome.findings);
      },
      merge(parts) {
        return report(
          parts.map((p) => p.partial as RenderedPart),
          parts.flatMap((p) => p.findings),
        );
      },
    });

    /** Renders a document (or one part of a huge one) and checks the outputs. */
    async function render(doc: DocumentModel, ctx: CheckContext): Promise<{ findings: Finding[]; part: RenderedPart }> {
      const findings: Finding[] = [];
      const part: RenderedPart = {};
      const wantHtml = config.html || config.contrast || config.htmlValidate;
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
      if (detected) part.detected = detected;
      const wrongLanguage: Array<{ format: string; lang: string }> = [];

      if (htmlBytes) {
        const rendered = await htmlBytes;
        if (!rendered.ok) findings.push(exportFailure('html', rendered.err));
        else {
          const html = rendered.html;
          const htmlLang = /<html[^>]*\slang="([^"]*)"/i.exec(html)?.[1] ?? null;
          if (detected && htmlLang && primary(htmlLang) !== detected.language) wrongLanguage.push({ format: 'HTML', lang: htmlLang });
          if (config.contrast) {
            const contrast = contrastPairs(html);
            if (contrast) part.contrast = contrast;
          }
          let messages: HtmlValidateMessage[] = [];
          if (config.htmlValidate) {
            ctx.signal.throwIfAborted();
            messages = await (await checkedValidator()).validate(html);
            part.htmlValidate = { page: [] };
          }
          if (config.html) {
            ctx.signal.throwIfAborted();
            const switches = await axeRuleSwitches();
            await pageFindings(html, switches, messages, findings);
            part.axe = true;
            if (ctx.part && part.headings && switches['heading-order'] !== false) {
              const text = await runner.describe('heading-order');
              if (text) part.headings.rule = text;
            }
          } else if (messages.length > 0) {
            // No axe run to share: the page is parsed in the same window only to find the elements.
            await pageFindings(html, undefined, messages, findings);
          }
        }
      }

      if (pdfBytes) {
        const rendered = await pdfBytes;
        if (!rendered.ok) findings.push(exportFailure('pdf', rendered.err));
        else {
          ctx.signal.throwIfAborted();
          const facts = await inspectPdf(rendered.bytes);
          part.pdf = facts;
          if (detected && facts.lang && primary(facts.lang) !== detected.language) wrongLanguage.push({ format: 'PDF', lang: facts.lang });
        }
      }
      if (wrongLanguage.length > 0) part.wrongLanguage = wrongLanguage;
      return { findings, part };

      /**
       * axe's violations (unless `rules` is undefined) and html-validate's messages on one parsed
       * page, mapped to the source with the same locator: html-validate names elements by CSS
       * selector, found in the page axe saw (the same HTML string).
       */
      async function pageFindings(
        html: string,
        rules: Record<string, boolean> | undefined,
        messages: readonly HtmlValidateMessage[],
        out: Finding[],
      ): Promise<void> {
        const run = await (rules ? runner.run(html, rules) : runner.open(html));
        try {
          const locate = sourceLocator(doc, run.document, ctx.text);
          for (const v of run.violations) out.push(axeFinding(v, locate(v.element)));
          if (rules && ctx.part) {
            const headings = pageHeadings(run.document, locate, ctx.part);
            if (headings) part.headings = headings;
          }
          const article = run.document.querySelector('main > article');
          for (const m of messages) {
            const element = elementAt(run.document, m.selector);
            const finding = htmlValidateFinding(m, element, locate(element));
            out.push(finding);
            // The page's own markup (head, title block, table of contents): the document's, once.
            if (!element || !article?.contains(element)) part.htmlValidate?.page.push(htmlValidateKey(finding));
          }
        } finally {
          run.release();
        }
      }
    }
  },
});

/**
 * What rendering a document (or one part of a huge one) found besides its elements' findings:
 * plain data, combined by `report`. Contrast: every pair of the style sheet and the exporter
 * pairs the page uses; PDF facts; the outputs whose language is not the detected one.
 */
interface RenderedPart {
  contrast?: { pairs: ContrastPair[]; used: string[] };
  axe?: boolean;
  /** A part's page headings around its content (for heading-order across parts). */
  headings?: PartHeadings;
  pdf?: PdfFacts;
  detected?: { language: string; confidence: number };
  wrongLanguage?: Array<{ format: string; lang: string }>;
  /** html-validate ran; `page`: keys of its findings outside the article (every part's page has them). */
  htmlValidate?: { page: string[] };
}

/**
 * The document's findings and metrics from its rendered parts (one for a whole document) and
 * their findings: element findings kept (page-level ones, without a position, once), theme
 * contrast and the PDF's document-level checks once, counts added up.
 */
function report(parts: readonly RenderedPart[], partFindings: readonly Finding[]): CheckResult {
  const findings: Finding[] = [];
  const metrics: Record<string, unknown> = {};
  const once = new Set<string>();
  const fresh = (f: Finding) => {
    if (f.position) return true;
    const key = JSON.stringify([f.rule, f.message, f.excerpt, f.data]);
    if (once.has(key)) return false;
    once.add(key);
    return true;
  };
  const failed = (format: string) => partFindings.filter((f) => f.rule === 'output/export-failed' && f.data?.format === format && fresh(f));
  findings.push(...failed('html'));

  const sheets = parts.flatMap((p) => (p.contrast ? [p.contrast] : []));
  if (sheets.length > 0) {
    const used = new Set(sheets.flatMap((c) => c.used));
    const pairs = new Map<string, ContrastPair>();
    for (const c of sheets) for (const p of c.pairs) if (!pairs.has(p.pair)) pairs.set(p.pair, p);
    contrastFindings(
      [...pairs.values()].filter((p) => p.source === 'theme' || used.has(p.pair)),
      findings,
      metrics,
    );
  }

  if (parts.some((p) => p.axe)) {
    const counts: Record<Impact, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 };
    const ruleIds = new Set<string>();
    const order = headingOrderAcrossParts(parts);
    // A page-level rule that flags an absence holds for the document only if every page lacks it.
    const pages = parts.filter((p) => p.axe).length;
    const everyPage = (rule: string) => partFindings.filter((f) => f.rule === rule).length >= pages;
    const axe = [...partFindings.filter((f) => f.rule.startsWith('output/axe/') && !order.drop(f)), ...order.add];
    for (const f of axe) {
      if ((WHOLE_PAGE_RULES.has(f.rule) && !everyPage(f.rule)) || !fresh(f)) continue;
      counts[impactOf(f.data?.impact as ImpactValue | undefined)]++;
      ruleIds.add(f.rule);
      findings.push(f);
    }
    metrics.axe = { ...counts, rules: ruleIds.size };
  }

  if (parts.some((p) => p.htmlValidate)) {
    const page = new Set(parts.flatMap((p) => p.htmlValidate?.page ?? []));
    const seen = new Set<string>();
    const counts = { errors: 0, warnings: 0 };
    for (const f of partFindings) {
      if (!f.rule.startsWith('output/html-validate/')) continue;
      const key = htmlValidateKey(f);
      if (page.has(key)) {
        if (seen.has(key)) continue;
        seen.add(key);
      }
      if (f.severity === 'suggestion') counts.warnings++;
      else counts.errors++;
      findings.push(f);
    }
    metrics.htmlValidate = counts;
  }

  findings.push(...failed('pdf'));
  const facts = parts.flatMap((p) => (p.pdf ? [p.pdf] : []));
  const first = facts[0];
  if (first) {
    // The document-level facts are the first part's (every part has the document's metadata);
    // the PDF is tagged if every part's is; pages add up (each part starts a page).
    const pdf: PdfFacts = { ...first, tagged: facts.every((f) => f.tagged), pages: facts.reduce((n, f) => n + f.pages, 0) };
    metrics.pdf = pdf;
    pdfFindings(pdf, findings);
  }

  const detected = parts.find((p) => p.detected)?.detected;
  const wrongLanguage: Array<{ format: string; lang: string }> = [];
  for (const p of parts) for (const w of p.wrongLanguage ?? []) if (!wrongLanguage.some((x) => x.format === w.format)) wrongLanguage.push(w);
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
}

/** Page-level axe rules that flag something the page lacks (the document lacks it if every part's page does). */
const WHOLE_PAGE_RULES = new Set(['output/axe/page-has-heading-one', 'output/axe/bypass', 'output/axe/landmark-one-main']);

/**
 * Headings of one part's page: the level of its first content heading and of the page heading
 * before it (the title, the table of contents), the level of its last content heading, and
 * what a heading-order finding on the first one would say (document positions).
 */
interface PartHeadings {
  first: number;
  before?: number;
  last: number;
  position?: Finding['position'];
  excerpt: string;
  target: string[];
  rule?: AxeRuleText;
}

const HEADINGS = 'h1, h2, h3, h4, h5, h6, [role=heading]';

function headingLevel(e: Element): number {
  const aria = Number(e.getAttribute('aria-level'));
  if (aria > 0) return aria;
  const m = /^H([1-6])$/i.exec(e.tagName);
  return m ? Number(m[1]) : 2;
}

/** The part's page headings, as axe's heading-order sees them (the footnotes' label is not content). */
function pageHeadings(
  page: Document,
  locate: (e: Element | undefined) => Finding['position'],
  part: { line: number; offset: number },
): PartHeadings | undefined {
  const all = [...page.querySelectorAll(HEADINGS)];
  const content = all.filter((e) => e.closest('article') && !e.closest('[data-footnotes], .footnotes'));
  const first = content[0];
  const last = content[content.length - 1];
  if (!first || !last) return undefined;
  const index = all.indexOf(first);
  const before = index > 0 ? all[index - 1] : undefined;
  const at = locate(first);
  const headings: PartHeadings = {
    first: headingLevel(first),
    last: headingLevel(last),
    excerpt: excerptOf(first.outerHTML),
    target: first.id ? [`#${first.id}`] : [],
  };
  if (before) headings.before = headingLevel(before);
  if (at) {
    const lines = part.line - 1;
    const position: NonNullable<Finding['position']> = { ...at, line: at.line + lines };
    if (at.endLine !== undefined) position.endLine = at.endLine + lines;
    if (at.offset !== undefined) position.offset = at.offset + part.offset;
    if (at.endOffset !== undefined) position.endOffset = at.endOffset + part.offset;
    headings.position = position;
  }
  return headings;
}

/**
 * axe's heading-order (a heading at most one level below the one before it) across parts: a
 * part's first heading follows the title on its own page, but the previous part's last heading
 * in the document. The parts' findings on first headings the document would not flag are
 * dropped; those it would flag and the part did not are added.
 */
function headingOrderAcrossParts(parts: readonly RenderedPart[]): { drop: (f: Finding) => boolean; add: Finding[] } {
  const drop: Array<NonNullable<Finding['position']>> = [];
  const add: Finding[] = [];
  let previous: number | undefined;
  for (const p of parts) {
    const h = p.headings;
    if (!h) continue;
    if (previous !== undefined) {
      const onPage = h.before !== undefined && h.first - h.before > 1;
      const inDocument = h.first - previous > 1;
      if (onPage && !inDocument && h.position) drop.push(h.position);
      if (!onPage && inDocument && h.rule) {
        const impact = impactOf(h.rule.impact as ImpactValue);
        const finding: Finding = {
          rule: 'output/axe/heading-order',
          severity: SEVERITY[impact],
          message: `${h.rule.help.replace(/\.$/, '')}: ${h.rule.fail.charAt(0).toLowerCase()}${h.rule.fail.slice(1).replace(/\.$/, '')}.`,
          excerpt: h.excerpt,
          data: { impact, help: h.rule.help, helpUrl: h.rule.helpUrl, target: h.target },
        };
        if (h.position) finding.position = h.position;
        add.push(finding);
      }
    }
    previous = h.last;
  }
  const same = (a: NonNullable<Finding['position']>, b: Finding['position']) => b !== undefined && a.line === b.line && a.column === b.column;
  return { drop: (f) => f.rule === 'output/axe/heading-order' && drop.some((d) => same(d, f.position)), add };
}

function axeFinding(v: AxeViolationNode, position: Finding['position']): Finding {
  const impact = impactOf(v.impact);
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

/**
 * An html-validate message as a finding: its error → warning, its warning → suggestion (it judges
 * conformance; axe judges what readers lose). The position is the element's in the source, never
 * a line of the HTML file.
 */
function htmlValidateFinding(m: HtmlValidateMessage, element: Element | undefined, position: Finding['position']): Finding {
  const finding: Finding = {
    rule: `output/html-validate/${m.ruleId}`,
    severity: m.severity === 2 ? 'warning' : 'suggestion',
    message: m.message,
    data: { ruleUrl: m.ruleUrl ?? `https://html-validate.org/rules/${m.ruleId}.html`, selector: m.selector },
  };
  if (element) finding.excerpt = elementExcerpt(element);
  if (position) finding.position = position;
  return finding;
}

/** What tells one page-level html-validate finding from another across parts. */
const htmlValidateKey = (f: Finding) => JSON.stringify([f.rule, f.message, f.data?.selector]);

/** The style sheet's text/background pairs, and the exporter pairs this page uses (by class). */
function contrastPairs(html: string): { pairs: ContrastPair[]; used: string[] } | undefined {
  const css = /<style[^>]*>([\s\S]*?)<\/style>/i.exec(html)?.[1];
  if (css === undefined) return undefined;
  const pairs = themeContrast(css);
  // Exporter colours count only where the document uses them (a code comment, a warning callout).
  const used = pairs.filter(
    (p) =>
      p.source !== 'theme' && p.className !== undefined && new RegExp(`class="[^"]*\\b${p.className.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(html),
  );
  return { pairs, used: used.map((p) => p.pair) };
}

function contrastFindings(relevant: readonly ContrastPair[], findings: Finding[], metrics: Record<string, unknown>): void {
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

/**
 * Theme → Typst preamble: page, fonts, paragraphs, headings, running header and footer,
 * styles for code, quotes, tables, figures and callouts, then the title block or title page and
 * the table of contents. All theme and metadata strings are escaped (see escape.ts).
 */
import type { DocumentMeta, ExportSettings, Labels, ResolvedTheme } from '@export-ia/core/plugin';
import { fillPlaceholders } from '@export-ia/core/plugin';
import { markup, str } from './escape.js';

const PAPER: Record<string, string> = { a4: 'a4', a5: 'a5', letter: 'us-letter', legal: 'us-legal' };

function fonts(families: readonly string[]): string {
  return `(${families.map(str).join(', ')},)`;
}

function color(hex: string): string {
  return `rgb(${str(hex)})`;
}

/** `{title} — {page}` → Typst content, page tokens as counters (inside `context`). */
function running(text: string | undefined, meta: DocumentMeta): string {
  if (!text) return '[]';
  const parts = fillPlaceholders(text, meta).map((p) => {
    if ('text' in p) return markup(p.text);
    return p.page === 'page' ? '#counter(page).display()' : '#counter(page).final().first()';
  });
  return `[${parts.join('')}]`;
}

function isoDate(date: string | undefined): string | undefined {
  const m = date ? /^(\d{4})-(\d{2})-(\d{2})/.exec(date) : null;
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return `datetime(year: ${year}, month: ${month}, day: ${day})`;
}

/** Typst wants an ISO 639 language and an optional ISO 3166 region. */
export function typstLang(lang: string | undefined): { lang?: string; region?: string } {
  const m = lang ? /^([A-Za-z]{2,3})(?:-([A-Za-z]{2}))?/.exec(lang) : null;
  if (!m) return {};
  return m[2] ? { lang: (m[1] as string).toLowerCase(), region: (m[2] as string).toUpperCase() } : { lang: (m[1] as string).toLowerCase() };
}

export interface TemplateOptions {
  theme: ResolvedTheme;
  meta: DocumentMeta;
  settings: Readonly<ExportSettings>;
  labels: Labels;
  /** Path of the logo inside the compile root, when the theme has one. */
  logoPath?: string;
  /** Title used when the document has none (PDF/UA needs a title). */
  fallbackTitle: string;
}

export function preamble(o: TemplateOptions): string {
  const { theme, meta, settings, labels } = o;
  const c = theme.colors;
  const base = theme.fonts.body.size ?? 11;
  const m = theme.page.margins;
  const numbering = settings.numberSections ?? theme.headings.numbering;
  const titlePage = Boolean(meta.title) && (settings.titlePage ?? theme.titlePage.enabled);
  const toc = settings.toc ?? theme.toc.enabled;
  const { lang, region } = typstLang(meta.lang);
  const date = isoDate(meta.date);
  const docArgs = [
    `title: ${str(meta.title ?? o.fallbackTitle)}`,
    meta.author.length > 0 ? `author: (${meta.author.map(str).join(', ')},)` : '',
    meta.keywords.length > 0 ? `keywords: (${meta.keywords.map(str).join(', ')},)` : '',
    (meta.description ?? meta.subject) ? `description: ${str(meta.description ?? meta.subject ?? '')}` : '',
    `date: ${date ?? 'auto'}`,
  ].filter(Boolean);
  // Skip the running header/footer on page 1 when the theme says so, and always on a title page.
  const headerFrom = titlePage || !theme.header.firstPage ? 2 : 1;
  const footerFrom = titlePage || !theme.footer.firstPage ? 2 : 1;
  const hasHeader = Boolean(theme.header.left || theme.header.center || theme.header.right);
  const hasFooter = Boolean(theme.footer.left || theme.footer.center || theme.footer.right);
  const leading = Math.max(0.3, 0.65 + (theme.text.lineHeight - 1.35)).toFixed(3);
  const spacing = (0.55 + theme.text.paragraphSpacing).toFixed(3);
  const scale = theme.headings.scale;
  const headingWeight = theme.fonts.heading.weight ?? 700;
  const lines: string[] = [
    `#set document(${docArgs.join(', ')})`,
    `#let theme-accent = ${color(c.accent)}`,
    `#let theme-muted = ${color(c.muted)}`,
    `#let theme-rule = ${color(c.rule)}`,
    `#let theme-heading = ${color(c.heading)}`,
    `#let theme-heading-font = ${fonts(theme.fonts.heading.family)}`,
    `#set page(paper: ${str(PAPER[theme.page.size] ?? 'a4')}, margin: (top: ${m.top}mm, right: ${m.right}mm, bottom: ${m.bottom}mm, left: ${m.left}mm), fill: ${color(c.background)},`,
    hasHeader
      ? `  header: context { if here().page() >= ${headerFrom} { set text(size: ${(base * 0.8).toFixed(1)}pt, fill: theme-muted); grid(columns: (1fr, auto, 1fr), align: (left, center, right), ${running(theme.header.left, meta)}, ${running(theme.header.center, meta)}, ${running(theme.header.right, meta)}); v(-4pt); line(length: 100%, stroke: 0.4pt + theme-rule) } },`
      : '  header: none,',
    hasFooter
      ? `  footer: context { if here().page() >= ${footerFrom} { set text(size: ${(base * 0.8).toFixed(1)}pt, fill: theme-muted); grid(columns: (1fr, auto, 1fr), align: (left, center, right), ${running(theme.footer.left, meta)}, ${running(theme.footer.center, meta)}, ${running(theme.footer.right, meta)}) } },`
      : '  footer: none,',
    ')',
    `#set text(font: ${fonts(theme.fonts.body.family)}, size: ${base}pt, weight: ${theme.fonts.body.weight ?? 400}, fill: ${color(c.text)}${lang ? `, lang: ${str(lang)}` : ''}${region ? `, region: ${str(region)}` : ''}, hyphenate: ${theme.text.hyphenate})`,
    `#set par(justify: ${theme.text.justify}, leading: ${leading}em, spacing: ${spacing}em)`,
    `#set heading(numbering: ${numbering ? '"1.1"' : 'none'})`,
    `#show heading: set text(font: theme-heading-font, weight: ${headingWeight}, fill: theme-heading, hyphenate: false)`,
    '#show heading: set par(justify: false)',
    `#show heading: set block(above: 1.5em, below: 0.75em, sticky: true)`,
    ...scale.map((s, i) => `#show heading.where(level: ${i + 1}): set text(size: ${(base * s).toFixed(2)}pt)`),
    `#show heading.where(level: 6): set text(fill: theme-muted)`,
    theme.headings.uppercaseLevel1 ? '#show heading.where(level: 1): upper' : '',
    level1Rule(theme.headings.pageBreakBeforeLevel1, theme.headings.ruleBelowLevel1),
    `#show link: set text(fill: ${color(c.link)})`,
    `#show raw: set text(font: ${fonts(theme.fonts.mono.family)}, size: ${(theme.fonts.mono.size ?? base * 0.85).toFixed(1)}pt, weight: ${theme.fonts.mono.weight ?? 400})`,
    `#show raw.where(block: false): box.with(fill: ${color(c.codeBackground)}, inset: (x: 2pt), outset: (y: 2.5pt), radius: 2pt)`,
    `#show raw.where(block: true): block.with(fill: ${color(c.codeBackground)}, inset: 9pt, radius: 3pt, width: 100%, stroke: 0.5pt + theme-rule)`,
    `#set table(stroke: 0.5pt + theme-rule, inset: (x: 6pt, y: 5pt), fill: (x, y) => if y == 0 { ${color(c.tableHeaderBackground)} } else if calc.even(y) { ${color(c.tableStripe)} })`,
    `#show table.cell.where(y: 0): set text(fill: ${color(c.tableHeaderText)}, weight: "bold")`,
    `#show table: set text(size: ${(base * 0.9).toFixed(2)}pt)`,
    `#show table: set par(justify: false)`,
    `#show figure.caption: set text(size: ${(base * 0.9).toFixed(2)}pt, fill: theme-muted)`,
    `#show figure: set block(breakable: false)`,
    `#show quote.where(block: true): it => block(inset: (left: 12pt, y: 3pt), stroke: (left: 3pt + ${color(c.quoteBar)}), text(fill: ${color(c.text)}.lighten(20%), it.body))`,
    `#show footnote.entry: set text(size: ${(base * 0.85).toFixed(2)}pt)`,
    `#let export-ia-callout(col, title, body) = block(width: 100%, inset: (left: 11pt, right: 9pt, y: 8pt), stroke: (left: 3pt + col), fill: col.lighten(92%), radius: (right: 3pt), breakable: true, { text(font: theme-heading-font, weight: "bold", fill: col, title); parbreak(); body })`,
    `#let export-ia-task(done) = box(baseline: 15%, width: 0.8em, height: 0.8em, stroke: 0.7pt + theme-muted, radius: 1.5pt, align(center + horizon, if done { text(size: 0.7em, fill: theme-accent, sym.checkmark) }))`,
    `#let export-ia-math(eq, display, alt) = if eq.func() == math.equation { math.equation(block: display, alt: alt, eq.body) } else if display { block(width: 100%, align(center, eq)) } else { eq }`,
    `#let export-ia-missing(label) = box(inset: 10pt, stroke: (paint: theme-rule, thickness: 1pt, dash: "dashed"), text(fill: theme-muted, style: "italic", label))`,
  ];
  lines.push(titleBlock(o, titlePage));
  if (toc) {
    lines.push(`#outline(title: [${markup(labels.contents)}], depth: ${theme.toc.depth}, indent: auto)`);
    lines.push(titlePage || theme.headings.pageBreakBeforeLevel1 ? '#pagebreak(weak: true)' : '#v(1.5em)');
  }
  return `${lines.filter(Boolean).join('\n')}\n`;
}

/** One show rule for level-1 headings: a page break must not end up inside the rule's block. */
function level1Rule(pageBreak: boolean, rule: boolean): string {
  if (!pageBreak && !rule) return '';
  const parts = [
    pageBreak ? 'pagebreak(weak: true)' : '',
    rule ? 'block(width: 100%, below: 1em, { it; v(-0.55em); line(length: 100%, stroke: 1.2pt + theme-accent) })' : 'it',
  ];
  return `#show heading.where(level: 1): it => { ${parts.filter(Boolean).join('; ')} }`;
}

function titleBlock(o: TemplateOptions, titlePage: boolean): string {
  const { meta, theme } = o;
  if (!meta.title) return '';
  const center = theme.titlePage.align === 'center';
  const base = theme.fonts.body.size ?? 11;
  const parts: string[] = [];
  if (o.logoPath) parts.push(`image(${str(o.logoPath)}, height: 3.2em, alt: "")`, 'v(1.2em)');
  parts.push(
    `text(font: theme-heading-font, size: ${(base * (titlePage ? 2.6 : 2.1)).toFixed(1)}pt, weight: "bold", fill: theme-heading, [${markup(meta.title)}])`,
  );
  if (meta.subtitle) parts.push('v(0.45em)', `text(size: ${(base * 1.3).toFixed(1)}pt, fill: theme-muted, [${markup(meta.subtitle)}])`);
  const byline = [meta.author.join(', '), meta.date ?? ''].filter(Boolean).join(' · ');
  if (byline) parts.push('v(0.9em)', `text(fill: theme-muted, [${markup(byline)}])`);
  parts.push('v(1em)', 'line(length: 4em, stroke: 3pt + theme-accent)');
  const body = `{ set par(justify: false); set text(hyphenate: false); ${parts.join('; ')} }`;
  const aligned = center ? `align(center, ${body})` : body;
  if (titlePage) return `#page(header: none, footer: none, { v(22%); ${aligned} })`;
  return `#block(below: 2.2em, ${aligned})`;
}

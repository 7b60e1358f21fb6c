/**
 * Theme → CSS. The same theme values that drive the PDF and DOCX layouts become a screen
 * layout (a centred page) and a print layout (@page size and margins).
 */
import type { ResolvedTheme } from '@export-ia/core/plugin';

const SANS = ['-apple-system', 'BlinkMacSystemFont', '"Segoe UI"', 'Roboto', '"Helvetica Neue"', 'Arial', 'sans-serif'];
const SERIF = ['"Iowan Old Style"', '"Palatino Linotype"', 'Palatino', 'Georgia', 'Cambria', '"Times New Roman"', 'serif'];
const MONO = ['ui-monospace', '"SFMono-Regular"', '"Cascadia Code"', 'Menlo', 'Consolas', '"Liberation Mono"', 'monospace'];

function quote(family: string): string {
  return /^[a-z-]+$/i.test(family) && !/\s/.test(family) ? family : `"${family.replace(/["\\]/g, '')}"`;
}

/** A CSS font stack: the theme's families, then a fallback stack of the same kind. */
export function fontStack(families: readonly string[], kind: 'body' | 'heading' | 'mono'): string {
  const first = families[0] ?? '';
  const fallback = kind === 'mono' || /mono|code/i.test(first) ? MONO : /sans|inter|helvetica|arial|grotesk/i.test(first) ? SANS : SERIF;
  return [...families.map(quote), ...fallback].join(', ');
}

const PAGE_SIZES: Record<string, string> = { a4: 'A4', a5: 'A5', letter: 'letter', legal: 'legal' };

export function themeCss(theme: ResolvedTheme, options: { numberSections?: boolean } = {}): string {
  const c = theme.colors;
  const base = theme.fonts.body.size ?? 11;
  const scale = theme.headings.scale;
  const m = theme.page.margins;
  const headingWeight = theme.fonts.heading.weight ?? 700;
  const h = (level: number) => (scale[level - 1] ?? 1).toFixed(3);
  const numbering =
    (options.numberSections ?? theme.headings.numbering)
      ? `
article { counter-reset: h1; }
article h1 { counter-reset: h2; }
article h2 { counter-reset: h3; }
article h1::before { counter-increment: h1; content: counter(h1) ".\\2002"; color: var(--accent); }
article h2::before { counter-increment: h2; content: counter(h1) "." counter(h2) "\\2002"; color: var(--accent); }
article h3::before { counter-increment: h3; content: counter(h1) "." counter(h2) "." counter(h3) "\\2002"; color: var(--accent); }
.toc ol { counter-reset: toc; }
.toc li { counter-increment: toc; }
.toc li > a::before { content: counters(toc, ".") "\\2002"; color: var(--muted); }`
      : '';
  return `:root {
  --text: ${c.text}; --heading: ${c.heading}; --accent: ${c.accent}; --link: ${c.link}; --muted: ${c.muted};
  --rule: ${c.rule}; --bg: ${c.background}; --code-bg: ${c.codeBackground}; --th-bg: ${c.tableHeaderBackground};
  --th-text: ${c.tableHeaderText}; --stripe: ${c.tableStripe}; --quote-bar: ${c.quoteBar};
  --body: ${fontStack(theme.fonts.body.family, 'body')};
  --headings: ${fontStack(theme.fonts.heading.family, 'heading')};
  --mono: ${fontStack(theme.fonts.mono.family, 'mono')};
}
* { box-sizing: border-box; }
html { background: color-mix(in srgb, var(--rule) 35%, white); -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--text); font-family: var(--body); font-weight: ${theme.fonts.body.weight ?? 400}; font-size: ${Math.max(base * 1.45, 15).toFixed(1)}px; line-height: ${theme.text.lineHeight}; }
.page { max-width: 50rem; margin: 2.5rem auto; padding: 3.5rem clamp(1.25rem, 6vw, 4.5rem) 3rem; background: var(--bg); box-shadow: 0 1px 3px rgb(0 0 0 / 8%), 0 8px 24px rgb(0 0 0 / 6%); border-radius: 4px; }
p, ul, ol, dl, table, pre, blockquote, figure, .callout, .math-display { margin: 0 0 ${theme.text.paragraphSpacing}em; }
p { ${theme.text.justify ? 'text-align: justify; ' : ''}${theme.text.hyphenate ? 'hyphens: auto; ' : ''}}
h1, h2, h3, h4, h5, h6 { font-family: var(--headings); font-weight: ${headingWeight}; color: var(--heading); line-height: 1.25; margin: 1.6em 0 0.55em; break-after: avoid; }
h1 { font-size: ${h(1)}em; ${theme.headings.uppercaseLevel1 ? 'text-transform: uppercase; letter-spacing: 0.04em; ' : ''}${theme.headings.ruleBelowLevel1 ? 'padding-bottom: 0.25em; border-bottom: 2px solid var(--accent); ' : ''}}
h2 { font-size: ${h(2)}em; } h3 { font-size: ${h(3)}em; } h4 { font-size: ${h(4)}em; } h5 { font-size: ${h(5)}em; } h6 { font-size: ${h(6)}em; color: var(--muted); }
a { color: var(--link); text-decoration-thickness: 1px; text-underline-offset: 2px; }
a:hover { text-decoration-thickness: 2px; }
strong { font-weight: 700; }
del { color: var(--muted); }
hr { border: 0; border-top: 1px solid var(--rule); margin: 2em 0; }
code, kbd, samp, pre { font-family: var(--mono); font-weight: ${theme.fonts.mono.weight ?? 400}; font-size: ${((theme.fonts.mono.size ?? base * 0.88) / base).toFixed(3)}em; }
:not(pre) > code { background: var(--code-bg); padding: 0.12em 0.35em; border-radius: 3px; overflow-wrap: anywhere; }
pre { background: var(--code-bg); border: 1px solid var(--rule); border-radius: 6px; padding: 0.9em 1.1em; overflow-x: auto; line-height: 1.45; }
pre code { font-size: 1em; }
blockquote { margin-left: 0; padding: 0.1em 1.2em; border-left: 4px solid var(--quote-bar); color: color-mix(in srgb, var(--text) 82%, white); }
ul, ol { padding-left: 1.6em; }
li > p { margin-bottom: 0.4em; }
li.task-list-item { list-style: none; }
li.task-list-item input { margin: 0 0.45em 0 -1.3em; vertical-align: middle; }
table { border-collapse: collapse; width: 100%; font-size: 0.94em; display: block; overflow-x: auto; }
@supports (display: table) { table { display: table; } }
th, td { border: 1px solid var(--rule); padding: 0.45em 0.7em; vertical-align: top; }
th { background: var(--th-bg); color: var(--th-text); font-family: var(--headings); font-weight: 600; text-align: left; }
th.align-left, td.align-left { text-align: left; }
th.align-center, td.align-center { text-align: center; }
th.align-right, td.align-right { text-align: right; }
tbody tr:nth-child(even) { background: var(--stripe); }
figure { margin-left: 0; margin-right: 0; text-align: center; }
figure img, p img { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 0.9em; margin-top: 0.5em; }
.image-missing { display: inline-block; padding: 1.5em 2em; border: 2px dashed var(--rule); color: var(--muted); font-size: 0.9em; background: var(--code-bg); }
.math-display { overflow-x: auto; text-align: center; }
math[display="block"] { display: block math; }
.callout { border-left: 4px solid var(--callout); background: color-mix(in srgb, var(--callout) 8%, white); padding: 0.7em 1.1em; border-radius: 0 6px 6px 0; }
.callout > :last-child { margin-bottom: 0; }
.callout-title { font-family: var(--headings); font-weight: 700; color: var(--callout); margin-bottom: 0.3em; }
.callout-note { --callout: #0969da; } .callout-tip { --callout: #1a7f37; } .callout-important { --callout: #8250df; }
.callout-warning { --callout: #7d4e00; } .callout-caution { --callout: #cf222e; }
.doc-header { margin-bottom: 2.5em; ${theme.titlePage.align === 'center' ? 'text-align: center; ' : ''}}
.doc-header .logo { max-height: 3.5em; margin-bottom: 1.2em; }
.doc-header .title { font-size: ${(Number(h(1)) * 1.3).toFixed(3)}em; margin: 0 0 0.2em; border: 0; padding: 0; text-transform: none; letter-spacing: normal; }
.doc-header .title::before { content: none; }
.doc-header .subtitle { font-size: 1.2em; color: var(--muted); margin: 0 0 0.8em; }
.doc-header .byline { color: var(--muted); margin: 0; }
.doc-header::after { content: ""; display: block; width: 4rem; height: 4px; background: var(--accent); margin-top: 1.4em; ${theme.titlePage.align === 'center' ? 'margin-left: auto; margin-right: auto; ' : ''}}
.toc { background: var(--code-bg); border: 1px solid var(--rule); border-radius: 6px; padding: 1em 1.4em; margin-bottom: 2.5em; }
.toc h2 { font-size: 1.05em; margin: 0 0 0.5em; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); }
.toc h2::before { content: none; }
.toc ol { list-style: none; padding-left: 1.1em; margin: 0; }
.toc > ol { padding-left: 0; }
.toc a { text-decoration: none; color: var(--text); }
.toc a:hover { color: var(--link); text-decoration: underline; }
.footnotes { margin-top: 3em; padding-top: 1em; border-top: 1px solid var(--rule); font-size: 0.9em; color: color-mix(in srgb, var(--text) 85%, white); }
.footnotes h2 { font-size: 1em; margin-top: 0; }
.footnotes h2::before { content: none; }
[data-footnote-ref] { text-decoration: none; }
[data-footnote-ref]::before { content: "["; } [data-footnote-ref]::after { content: "]"; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
.doc-footer { margin-top: 3em; padding-top: 1em; border-top: 1px solid var(--rule); color: var(--muted); font-size: 0.85em; display: flex; justify-content: space-between; gap: 1em; }
.page-break { height: 0; }
.hljs-comment, .hljs-quote { color: #57606a; font-style: italic; }
.hljs-keyword, .hljs-selector-tag, .hljs-meta .hljs-keyword, .hljs-doctag, .hljs-section { color: #cf222e; }
.hljs-string, .hljs-regexp, .hljs-meta .hljs-string { color: #0a3069; }
.hljs-number, .hljs-literal, .hljs-variable, .hljs-template-variable, .hljs-attr, .hljs-attribute, .hljs-symbol { color: #0550ae; }
.hljs-title, .hljs-title.function_, .hljs-title.class_ { color: #8250df; }
.hljs-built_in, .hljs-type, .hljs-params { color: #953800; }
.hljs-name, .hljs-tag, .hljs-selector-id, .hljs-selector-class { color: #116329; }
.hljs-deletion { color: #82071e; background: #ffebe9; } .hljs-addition { color: #116329; background: #dafbe1; }
.hljs-emphasis { font-style: italic; } .hljs-strong { font-weight: 700; }
@media (max-width: 40rem) { .page { margin: 0; border-radius: 0; box-shadow: none; } }
@media print {
  @page { size: ${PAGE_SIZES[theme.page.size] ?? 'A4'}; margin: ${m.top}mm ${m.right}mm ${m.bottom}mm ${m.left}mm; }
  html { background: none; }
  body { font-size: ${base}pt; }
  .page { max-width: none; margin: 0; padding: 0; box-shadow: none; }
  a { color: inherit; }
  pre, table, figure, .callout, blockquote { break-inside: avoid; }
  .page-break { break-after: page; }
  ${theme.headings.pageBreakBeforeLevel1 ? 'article > h1 { break-before: page; }' : ''}
}
${numbering}
${theme.css ?? ''}
`;
}

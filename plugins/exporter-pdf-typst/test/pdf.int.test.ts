/**
 * The PDF exporter, checked by reading the PDF back with pdfjs-dist: text in order, bookmarks,
 * metadata, structure tree, PDF/A and PDF/UA, and hostile text that must stay text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost, type Host, sha256, toPlainText, walk } from '@export-ia/core';
import { labelsFor } from '@export-ia/core/plugin';
import { exporterContract, hugeDocument } from '@export-ia/core/testing';
import type { Root } from 'mdast';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TypstWriter } from '../src/markup.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '../../..');
const plugins = ['importer-markdown', 'transform-assets', 'exporter-pdf-typst', 'theme-standard'].map((p) => join(repo, 'plugins', p));
const report = join(repo, 'examples/documents/report.md');

type PdfDoc = {
  numPages: number;
  getPage(n: number): Promise<{ getTextContent(): Promise<{ items: Array<{ str?: string; hasEOL?: boolean }> }>; getStructTree(): Promise<unknown> }>;
  getOutline(): Promise<Array<{ title: string; items: unknown[] }> | null>;
  getMetadata(): Promise<{ info: Record<string, unknown>; metadata: { get(k: string): unknown } | null }>;
  destroy(): Promise<void>;
};

async function openPdf(data: Uint8Array): Promise<PdfDoc> {
  const pdfjs = (await import('pdfjs-dist/legacy/build/pdf.mjs')) as unknown as {
    getDocument(o: Record<string, unknown>): { promise: Promise<PdfDoc> };
  };
  return pdfjs.getDocument({ data: new Uint8Array(data), disableFontFace: true, isEvalSupported: false, useSystemFonts: false }).promise;
}

async function pdfText(doc: PdfDoc): Promise<string> {
  const parts: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    for (const item of content.items) parts.push(`${item.str ?? ''}${item.hasEOL ? '\n' : ''}`);
    parts.push('\n');
  }
  return parts.join('');
}

/** Text runs as they are typeset: maths becomes glyphs in the PDF, so it splits the runs. */
function typesetRuns(node: Parameters<typeof walk>[0]): string[] {
  const runs: string[] = [''];
  walk(node, (n) => {
    if (n.type === 'inlineMath' || n.type === 'math') {
      runs.push('');
      return false;
    }
    if (n.type === 'text' || n.type === 'inlineCode') runs[runs.length - 1] += n.value;
    else if (n.type === 'image') runs[runs.length - 1] += n.alt ?? '';
  });
  return runs.filter((r) => r.trim() !== '');
}

/** Letters and digits only, lower case: immune to hyphenation, ligatures, smart quotes and line breaks. */
const squash = (s: string) =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');

let host: Host;
beforeAll(async () => {
  host = await createHost({ plugins, cwd: repo });
});
afterAll(async () => {
  await host.close();
});

async function exportPdf(markdownOrPath: string, settings: Record<string, unknown> = {}, isPath = false) {
  const bytes = new Uint8Array(isPath ? readFileSync(markdownOrPath) : new TextEncoder().encode(markdownOrPath));
  const name = isPath ? markdownOrPath : 'inline.md';
  const input = { name, dir: isPath ? join(markdownOrPath, '..') : here, bytes, hash: sha256(bytes) };
  return host.exportPipeline(['pdf']).run(input, { settings: [{ to: ['pdf'], ...settings }] });
}

describe('PDF exporter (Typst)', () => {
  it('contains every heading, paragraph, table cell and footnote of the report, in order', async () => {
    const result = await exportPdf(report, { theme: 'report' }, true);
    expect(result.failures).toEqual([]);
    const pdf = await openPdf(result.outputs[0]?.data as Uint8Array);
    const text = squash(await pdfText(pdf));
    const root = result.document.root as Root;
    const expected: Array<{ kind: string; text: string }> = [];
    const add = (kind: string, node: Parameters<typeof walk>[0]) => {
      for (const run of typesetRuns(node)) expected.push({ kind, text: run.slice(0, 60) });
    };
    walk(root, (node) => {
      if (node.type === 'heading' || node.type === 'paragraph') add(node.type, node);
      else if (node.type === 'tableCell') add('cell', node);
      else if (node.type === 'footnoteDefinition') return false;
      if (node.type === 'heading' || node.type === 'paragraph' || node.type === 'tableCell') return false;
    });
    // Body content in document order (footnotes are checked separately: they sit at page feet).
    let at = 0;
    const missing: string[] = [];
    for (const e of expected) {
      const needle = squash(e.text);
      if (needle.length < 3) continue;
      const found = text.indexOf(needle, at);
      if (found < 0) missing.push(`${e.kind}: ${e.text}`);
      else at = found;
    }
    expect(missing).toEqual([]);
    expect(expected.filter((e) => e.kind === 'heading').length).toBeGreaterThan(40);
    expect(expected.filter((e) => e.kind === 'cell').length).toBeGreaterThan(60);
    const notes: string[] = [];
    walk(root, (node) => {
      if (node.type === 'footnoteDefinition') notes.push(toPlainText(node).slice(0, 50));
    });
    expect(notes.length).toBe(10);
    for (const n of notes) expect(text).toContain(squash(n));
    await pdf.destroy();
  });

  it('has bookmarks from headings, metadata, a language and a structure tree', async () => {
    const result = await exportPdf(report, { theme: 'default' }, true);
    const pdf = await openPdf(result.outputs[0]?.data as Uint8Array);
    const outline = (await pdf.getOutline()) ?? [];
    expect(outline.map((o) => o.title)).toEqual(expect.arrayContaining(['Executive summary', 'Methodology', 'Economics', 'Appendix']));
    expect(outline.find((o) => o.title === 'Economics')?.items.length).toBeGreaterThan(2);
    const meta = await pdf.getMetadata();
    expect(meta.info).toMatchObject({
      Title: 'State of Regional Renewable Energy Storage 2026',
      Author: 'Northwind Energy Analytics',
      Subject: 'Annual market report',
      Language: 'en',
    });
    expect(String(meta.info.Keywords)).toContain('batteries');
    const page = await pdf.getPage(2);
    const tree = JSON.stringify(await page.getStructTree());
    expect(tree).toMatch(/"role":"(H1|H2|P|Table|L)"/);
    await pdf.destroy();
  });

  it('writes PDF/A-2b, PDF/A-3u and PDF/UA-1 when asked', async () => {
    for (const [standard, key, value] of [
      ['a-2b', 'pdfaid:part', '2'],
      ['a-3u', 'pdfaid:part', '3'],
      ['ua-1', 'pdfuaid:part', '1'],
    ] as const) {
      const result = await exportPdf(report, { pdfStandard: standard }, true);
      expect(result.failures, standard).toEqual([]);
      const pdf = await openPdf(result.outputs[0]?.data as Uint8Array);
      const meta = await pdf.getMetadata();
      expect(String(meta.metadata?.get(key)), standard).toBe(value);
      await pdf.destroy();
    }
  });

  it('refuses PDF/UA-1 for images without alt text, naming the line to fix', async () => {
    const noAlt = await exportPdf('# T\n\n![](pic.png)\n', { pdfStandard: 'ua-1' });
    expect(noAlt.failures[0]?.error).toMatchObject({ code: 'EIA_PDF_STANDARD', message: expect.stringContaining('line 3') });
  });

  it('keeps hostile text as text: nothing in a document becomes Typst code', async () => {
    const hostile = [
      '---',
      'title: \'#import "@preview/cetz:0.2.0": canvas\'',
      'author: "#read(\\"/etc/passwd\\")"',
      '---',
      '',
      '# Heading #pagebreak() $x$ <lbl> @ref',
      '',
      'Para #import "@preview/x:1.0.0" // not a comment /* nor this */ \\ back [brackets] {braces} *star* _under_ `tick` ~tilde~ = - + 1. 2) <tag> @user $ dollar',
      '',
      '| Cell #set page("a5") | `#eval("1")` |',
      '|---|---|',
      '| [x](https://e.org/"); #read("/etc/passwd") | \\| pipe |',
      '',
      '![alt #import "@preview/y:1.0.0"](nothing.png)',
      '',
      'Note.[^n]',
      '',
      '[^n]: Footnote #include "/etc/passwd".',
      '',
      '```typst',
      '#import "@preview/z:1.0.0": *',
      '```',
    ].join('\n');
    const result = await exportPdf(hostile, { theme: 'default' });
    expect(result.failures).toEqual([]);
    const pdf = await openPdf(result.outputs[0]?.data as Uint8Array);
    const text = (await pdfText(pdf)).replace(/\s+/g, ' ');
    for (const literal of [
      '#import',
      '@preview/cetz:0.2.0',
      '#pagebreak()',
      '// not a comment',
      '[brackets]',
      '#set page',
      'Footnote #include',
      '#eval("1")',
    ]) {
      expect(text, literal).toContain(literal);
    }
    const meta = await pdf.getMetadata();
    expect(meta.info.Title).toBe('#import "@preview/cetz:0.2.0": canvas');
    await pdf.destroy();
  });

  it('keeps text right after inline code, emphasis or maths from continuing the call as Typst code', async () => {
    const md = ['See `malloc`(3) and `config`.json, **a**.func()(eval(("1","2").join())) and _b_(x).', '', 'Maths $x$(2) then $y$.field and ~~s~~.at(0).'].join(
      '\n',
    );
    const result = await exportPdf(md);
    expect(result.failures).toEqual([]);
    // Whitespace removed: a change of font (code, maths) splits pdf.js text items.
    const text = (await pdfText(await openPdf(result.outputs[0]?.data as Uint8Array))).replace(/\s+/g, '');
    // Straight quotes are typeset as curly ones.
    for (const literal of ['malloc(3)', 'config.json', 'a.func()(eval((“1”,“2”).join()))', 'b(x)', '(2)', '.field', 's.at(0)']) {
      expect(text, literal).toContain(literal);
    }
  });

  it("falls back to a formula's source even when it holds replacement patterns ($', $&)", async () => {
    const result = await exportPdf("# M\n\nOdd $$\\$' \\notacommand$$ and $\\$& \\nope$ here.\n");
    expect(result.failures).toEqual([]);
    expect(result.diagnostics.map((d) => d.code)).toContain('EIA_MATH_UNSUPPORTED');
  });

  it('shows a formula Typst cannot typeset as its source, with a warning, and still exports', async () => {
    const result = await exportPdf('# M\n\nGood $x^2$ and bad $\\notacommand{y}$ and $$\\frac{a}{b}$$\n');
    expect(result.failures).toEqual([]);
    expect(result.diagnostics.map((d) => d.code)).toContain('EIA_MATH_UNSUPPORTED');
    const pdf = await openPdf(result.outputs[0]?.data as Uint8Array);
    expect(await pdfText(pdf)).toContain('notacommand');
    await pdf.destroy();
  });

  it('draws a visible placeholder for a missing image', async () => {
    const result = await exportPdf('# I\n\n![Quarterly chart](missing.png)\n');
    expect(result.diagnostics.map((d) => d.code)).toContain('EIA_IMAGE_MISSING');
    const pdf = await openPdf(result.outputs[0]?.data as Uint8Array);
    expect(await pdfText(pdf)).toContain('Quarterly chart — Image not available');
    await pdf.destroy();
  });

  it('uses the document language for generated words', async () => {
    const result = await exportPdf('---\nlang: es\ntitle: Prueba\n---\n\n# Uno\n\n## Dos\n', { toc: true });
    const pdf = await openPdf(result.outputs[0]?.data as Uint8Array);
    expect(await pdfText(pdf)).toContain('Índice');
    expect((await pdf.getMetadata()).info.Language).toBe('es');
    await pdf.destroy();
  });
});

describe('hostile sizes', () => {
  it('writes Typst for a document past the argument-spread limit', () => {
    const doc = hugeDocument();
    const { body } = new TypstWriter(doc, labelsFor('en'), () => {}, 450).write();
    expect(body).toContain('item 129999');
  });
});

describe('PDF exporter contract', () => {
  for (const c of exporterContract({ plugins, format: 'pdf' })) it(c.name, c.run);
});

/**
 * The HTML exporter through the public API, with fixture folders: each folder under
 * fixtures/ has an input document and expect.json (settings, CSS selectors that must be
 * present or absent, text that must or must not appear, expected diagnostics). Every output
 * is also checked for the safety invariants: no script, no event handler, no script URL, a CSP.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost, type Host, mergeSettings, sha256 } from '@export-ia/core';
import { exporterContract, exporterFixtures, type FixtureExpectation, hugeDocument } from '@export-ia/core/testing';
import axe from 'axe-core';
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlDocument } from '../src/render.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '../../..');
const plugins = ['importer-markdown', 'transform-assets', 'exporter-html', 'theme-standard'].map((p) => join(repo, 'plugins', p));

interface Expectation extends FixtureExpectation {
  present?: Record<string, number>;
  absent?: string[];
  text?: string[];
  notText?: string[];
  title?: string;
  css?: string[];
  absentCss?: string[];
  diagnostics?: string[];
}

let host: Host;
beforeAll(async () => {
  host = await createHost({ plugins, cwd: repo });
});
afterAll(async () => {
  await host.close();
});

async function exportHtml(path: string, settings: Record<string, unknown> = {}) {
  const bytes = new Uint8Array(readFileSync(path));
  const input = { name: path, path, dir: join(path, '..'), bytes, hash: sha256(bytes) };
  const result = await host.exportPipeline(['html']).run(input, { settings: [{ to: ['html'], ...settings }] });
  expect(result.failures).toEqual([]);
  const html = new TextDecoder().decode(result.outputs[0]?.data);
  return { html, result };
}

function assertSafe(html: string, dom: JSDOM): void {
  const doc = dom.window.document;
  expect(doc.querySelectorAll('script').length).toBe(0);
  for (const el of Array.from(doc.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) {
      expect(attr.name.startsWith('on'), `${el.tagName} has ${attr.name}`).toBe(false);
      expect(
        /^\s*(javascript|vbscript|data:text)/i.test(attr.value) && ['href', 'src', 'action', 'xlink:href'].includes(attr.name),
        `${attr.name}=${attr.value}`,
      ).toBe(false);
    }
  }
  const csp = doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(html.startsWith('<!doctype html>')).toBe(true);
}

const fixtures = exporterFixtures<Expectation>({ plugins, format: 'html', dir: join(here, 'fixtures'), cwd: repo });
afterAll(() => fixtures.close());

describe('HTML exporter fixtures', () => {
  for (const c of fixtures.cases(({ data, result, expectation }) => {
    const html = new TextDecoder().decode(data);
    const dom = new JSDOM(html);
    const doc = dom.window.document;
    assertSafe(html, dom);
    for (const [selector, count] of Object.entries(expectation.present ?? {})) expect(doc.querySelectorAll(selector).length, selector).toBe(count);
    for (const selector of expectation.absent ?? []) expect(doc.querySelectorAll(selector).length, selector).toBe(0);
    const text = doc.body.textContent ?? '';
    for (const t of expectation.text ?? []) expect(text).toContain(t);
    for (const t of expectation.notText ?? []) expect(text).not.toContain(t);
    if (expectation.title !== undefined) expect(doc.title).toBe(expectation.title);
    for (const css of expectation.css ?? []) expect(doc.querySelector('style')?.textContent).toContain(css);
    for (const css of expectation.absentCss ?? []) expect(doc.querySelector('style')?.textContent).not.toContain(css);
    const codes = result.diagnostics.map((d) => d.code);
    for (const code of expectation.diagnostics ?? []) expect(codes).toContain(code);
  }))
    it(c.name, c.run);
});

describe('HTML accessibility (axe-core in jsdom)', () => {
  for (const [file, theme] of [
    ['report.md', 'report'],
    ['letter.md', 'default'],
    ['articulo.md', 'academic'],
  ] as const) {
    it(`finds no violation in ${file} (${theme} theme)`, async () => {
      const { html } = await exportHtml(join(repo, 'examples/documents', file), { theme, toc: true });
      const dom = new JSDOM(html, { runScripts: 'outside-only', pretendToBeVisual: true });
      assertSafe(html, dom);
      dom.window.eval(axe.source);
      const run = (dom.window as unknown as { axe: typeof axe }).axe.run(dom.window.document, { resultTypes: ['violations'] });
      const results = await run;
      const summary = results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes[0]?.html.slice(0, 120)}`);
      expect(summary).toEqual([]);
      dom.window.close();
    });
  }
});

describe('table alignment', () => {
  it('writes column alignment as classes the theme styles, not the obsolete align attribute', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eia-align-'));
    const path = join(dir, 'align.md');
    writeFileSync(path, '# T\n\n| Item | Qty | Note |\n| :--- | ---: | :---: |\n| a | 1 | x |\n\n<table><tr><td align="RIGHT">raw</td></tr></table>\n');
    const { html } = await exportHtml(path);
    const doc = new JSDOM(html).window.document;
    expect(doc.querySelectorAll('[align]')).toHaveLength(0);
    expect(Array.from(doc.querySelectorAll('thead th')).map((th) => th.className)).toEqual(['align-left', 'align-right', 'align-center']);
    expect(doc.querySelector('tbody td:nth-child(2)')?.className).toBe('align-right');
    expect(Array.from(doc.querySelectorAll('td')).at(-1)?.className).toBe('align-right');
    // The class wins over the theme's left-aligned header cells.
    expect(html).toContain('th.align-right, td.align-right { text-align: right; }');
  });
});

describe('hostile sizes', () => {
  it('renders a document past the argument-spread limit, lists in linear time', () => {
    const doc = hugeDocument();
    const html = renderHtmlDocument({ doc, theme: host.resolveTheme('default'), settings: mergeSettings({ toc: true }), report: () => {} }, 'test');
    expect(html).toContain('item 129999');
    expect(html).toContain('e129999');
  });
});

describe('HTML exporter contract', () => {
  for (const c of exporterContract({ plugins, format: 'html' })) it(c.name, c.run);
});

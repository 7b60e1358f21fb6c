/**
 * The fast cascade behind axe must give what jsdom's own getComputedStyle gives: compared on every
 * element of real exporter output, and on axe's results with either.
 */
import { join } from 'node:path';
import type { Host } from '@export-ia/core';
import { JSDOM, VirtualConsole } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AxeRunner, JSDOM_DISABLED_RULES } from '../src/axe.js';
import { compileRules, FastStyles, jsdomDefaultSheet } from '../src/fast-style.js';
import { examples, outputHost, tempDir, tinyPng } from './helpers.js';

const PROPERTIES = [
  'display',
  'visibility',
  'pointer-events',
  'position',
  'overflow',
  'overflow-x',
  'overflow-y',
  'clip',
  'clip-path',
  'opacity',
  'float',
  'z-index',
  'transform',
  'content-visibility',
  'font-weight',
  'font-style',
  'font-size',
  'font-family',
  'white-space',
  'text-indent',
  'width',
  'height',
];

let host: Host;
const pages: Record<string, string> = {};
beforeAll(async () => {
  host = await outputHost();
  const planted = tempDir({
    'doc.md':
      '# T\n\n[](https://e.org) ![](pic.png) <img src="pic.png">\n\n- [ ] task\n- [x] done\n\n> quote\n\n<p hidden>hidden</p>\n\n<details><summary>More</summary>Body</details>\n',
    'pic.png': tinyPng(),
  });
  for (const [name, file, theme] of [
    ['report', join(examples, 'report.md'), 'report'],
    ['articulo', join(examples, 'articulo.md'), 'academic'],
    ['planted', join(planted, 'doc.md'), 'default'],
  ] as const) {
    const r = await host.exportPipeline(['html']).run(host.readInput(file), { settings: [{ to: ['html'], theme, toc: true }] });
    pages[name] = new TextDecoder().decode(r.outputs[0]?.data);
  }
});
afterAll(async () => {
  await host?.close();
});

describe('fast computed styles', () => {
  it("match jsdom's getComputedStyle on every HTML element of exported documents", () => {
    for (const [name, html] of Object.entries(pages)) {
      const dom = new JSDOM(html, { virtualConsole: new VirtualConsole() });
      const { window } = dom;
      const sheet = new window.CSSStyleSheet();
      sheet.replaceSync(jsdomDefaultSheet() ?? '');
      const fast = new FastStyles(window.document, compileRules(sheet.cssRules));
      const elements = Array.from(window.document.querySelectorAll('*')).filter((el) => el.namespaceURI === 'http://www.w3.org/1999/xhtml');
      expect(elements.length, name).toBeGreaterThan(30);
      const differences: string[] = [];
      for (const el of elements) {
        const jsdom = window.getComputedStyle(el);
        for (const p of PROPERTIES) {
          const want = jsdom.getPropertyValue(p);
          const got = fast.value(el, p);
          if (want !== got) differences.push(`${name}: <${el.localName} class="${el.className}"> ${p}: jsdom ${want} / fast ${got}`);
        }
      }
      expect(differences.slice(0, 10), name).toEqual([]);
      // Not vacuous: the default sheet hides the head's elements.
      expect(elements.some((el) => fast.value(el, 'display') === 'none')).toBe(true);
      window.close();
    }
  });

  it('give axe the same violations as jsdom does', async () => {
    const runner = new AxeRunner();
    const rules = Object.fromEntries(JSDOM_DISABLED_RULES.map((id) => [id, false]));
    try {
      for (const [name, html] of Object.entries(pages)) {
        const summary = async (jsdomStyles: boolean) => {
          const run = await runner.run(html, rules, { jsdomStyles });
          run.release();
          return run.violations.map((v) => `${v.ruleId} ${v.target.join(' ')}`);
        };
        const fast = await summary(false);
        expect(fast, name).toEqual(await summary(true));
        if (name === 'planted') expect(fast.length).toBeGreaterThan(1);
      }
    } finally {
      await runner.close();
    }
  });
});

/**
 * The html-validate wrapper on its own: rule overrides checked against html-validate's rules, and
 * the elements its selectors name found in a jsdom page as `querySelector` finds them.
 */
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { elementAt, HtmlValidator } from '../src/html-validate.js';

const PAGE = `<!doctype html>
<html lang="en"><head><title>T</title></head>
<body><div class="page"><main id="main"><article>
<p id="dup">One</p><p id="dup">Two</p>
<div><span><div>Misnested</div></span></div>
<ul><li>a</li><p>b</p></ul>
<table><tbody><tr><td align="left">1</td><td align="right">2</td></tr></tbody></table>
<section id="1st"><ul><p>under an id that needs escaping</p></ul></section>
<details><p>no summary</p></details>
</article></main></div></body></html>`;

describe('HtmlValidator', () => {
  it('names the configured rules html-validate does not have', async () => {
    expect(await new HtmlValidator({ 'no-dup-id': 'off', 'no-dup-ids': 'warn', 'element-permited-content': 'error' }).unknownRules()).toEqual([
      'no-dup-ids',
      'element-permited-content',
    ]);
    expect(await new HtmlValidator({}).unknownRules()).toEqual([]);
  });

  it('reports errors as severity 2 and rules set to warn as 1', async () => {
    const messages = await new HtmlValidator({ 'no-dup-id': 'warn' }).validate(PAGE);
    const dup = messages.find((m) => m.ruleId === 'no-dup-id');
    expect(dup).toMatchObject({ severity: 1, message: 'Duplicate ID "dup"', ruleUrl: 'https://html-validate.org/rules/no-dup-id.html' });
    expect(messages.find((m) => m.ruleId === 'element-required-content')).toMatchObject({ severity: 2 });
  });

  it('finds the element each message names, as querySelector does', async () => {
    const messages = await new HtmlValidator({}).validate(PAGE);
    expect(new Set(messages.map((m) => m.ruleId))).toEqual(
      new Set(['no-dup-id', 'element-permitted-content', 'no-deprecated-attr', 'element-required-content']),
    );
    const page = new JSDOM(PAGE).window.document;
    for (const m of messages) {
      const el = elementAt(page, m.selector);
      expect(el, String(m.selector)).toBeDefined();
      expect(el, String(m.selector)).toBe(page.querySelector(m.selector as string));
    }
    expect(elementAt(page, null)).toBeUndefined();
    expect(elementAt(page, '#main > article > table > tbody > tr > td:nth-child(3)')).toBeUndefined();
    expect(elementAt(page, 'not a [valid selector')).toBeUndefined();
  });
});

import type { Root } from 'mdast';
import { describe, expect, it } from 'vitest';
import { assignHeadingIds, rawHtmlToText, slugify, walk } from './tree.js';

describe('rawHtmlToText', () => {
  it.each([
    ['<p>Hello <b>world</b></p>', 'Hello world'],
    ['a<!-- hidden -->b', 'ab'],
    ['x<script>alert(1)</script>y<style>p{}</style>z', 'xyz'],
    ['<SCRIPT type="x">evil()</SCRIPT >ok', 'ok'],
    ['&lt;b&gt; &amp; &quot;q&quot; &#39;s&#39; &#x263A;', '<b> & "q" \'s\' ☺'],
    ['&amp;lt; decodes once', '&lt; decodes once'],
    ['&bogus; &#0; &#xD800; &#99999999;', '&bogus; \uFFFD \uFFFD &#99999999;'],
    ['unterminated <!-- comment', 'unterminated'],
    ['before <script>never closed', 'before'],
    ['a < b and c > d', 'a d'],
    ['x <br/>y<scripts>z', 'x y z'],
    ['2 < 3', '2 < 3'],
    ['  many\n\n  spaces\t', 'many spaces'],
  ])('%j → %j', (html, text) => {
    expect(rawHtmlToText(html)).toBe(text);
  });

  it('stays linear on hostile input', () => {
    const hostile = `${'<a'.repeat(200_000)}${'<script'.repeat(50_000)}${'&#'.repeat(50_000)}${'&a'.repeat(50_000)}<!--${'<!--'.repeat(50_000)}`;
    const t = performance.now();
    rawHtmlToText(hostile);
    // Generous bound: a quadratic scan takes minutes on this input; a linear one, milliseconds.
    expect(performance.now() - t).toBeLessThan(5_000);
  });
});

describe('heading ids', () => {
  const heading = (text: string) => ({ type: 'heading' as const, depth: 2 as const, children: [{ type: 'text' as const, value: text }] });

  it('slugs like GitHub, keeping letters of every script', () => {
    expect(slugify('Économie & Société: 2026!')).toBe('économie--société-2026');
    expect(slugify('Ελληνικά κείμενα')).toBe('ελληνικά-κείμενα');
  });

  it('de-duplicates repeats with -1, -2 and never collides with a literal suffix', () => {
    const root: Root = { type: 'root', children: [heading('Intro'), heading('Intro'), heading('Intro 1'), heading('Intro'), heading('!!!')] };
    const ids = [...assignHeadingIds(root).keys()];
    expect(ids).toEqual(['intro', 'intro-1', 'intro-1-1', 'intro-2', 'section']);
    const onNodes: string[] = [];
    walk(root, (n) => {
      if (n.type === 'heading') onNodes.push(n.data?.id ?? '');
    });
    expect(onNodes).toEqual(ids);
  });
});

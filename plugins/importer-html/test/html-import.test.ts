/**
 * The HTML importer: metadata from <head>, what must never reach the model (scripts, styles,
 * event handlers), figures, the usual block and inline content, footnotes in Word/mammoth
 * form, and malformed markup.
 */
import { fileURLToPath } from 'node:url';
import { createHost, type Host, type SourceInput, sha256, toPlainText, walk } from '@export-ia/core';
import { importerContract } from '@export-ia/core/testing';
import type { Nodes, Root } from 'mdast';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PLUGINS = [`${ROOT}plugins/importer-html`];

function nodesOf<T extends Nodes['type']>(root: Nodes, type: T): Array<Extract<Nodes, { type: T }>> {
  const out: Array<Extract<Nodes, { type: T }>> = [];
  walk(root, (node) => {
    if (node.type === type) out.push(node as Extract<Nodes, { type: T }>);
  });
  return out;
}

function htmlInput(html: string, name = 'page.html'): SourceInput {
  const bytes = new TextEncoder().encode(html);
  return { name, dir: ROOT, bytes, hash: sha256(bytes) };
}

let host: Host;

beforeAll(async () => {
  host = await createHost({ plugins: PLUGINS });
});

afterAll(async () => {
  await host?.close();
});

const importHtml = async (html: string) => {
  const result = await host.pipeline().use('importer:html').run(htmlInput(html));
  return { root: result.document.root as Root, meta: result.document.meta, diagnostics: result.diagnostics };
};

const SAMPLE = `<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>  Storage in 2026 &amp; beyond </title>
  <meta name="author" content="Northwind Energy Analytics">
  <meta name="description" content="A short review of grid storage.">
  <meta name="keywords" content="storage, batteries, grid">
  <style>body { color: red } .secret-style-rule { display: none }</style>
  <script>window.secretHeadScript = 1;</script>
</head>
<body onload="secretOnload()">
  <h1 id="intro">Introduction</h1>
  <p onclick="secretClick()">Batteries <strong>now</strong> set the pace, <em>mostly</em>.<script>secretInlineScript()</script></p>
  <h2>Market <code>data</code></h2>
  <ul>
    <li>Lithium-ion
      <ul><li>LFP</li><li>NMC</li></ul>
    </li>
    <li>Pumped hydro</li>
  </ul>
  <ol start="3"><li>Third</li><li>Fourth</li></ol>
  <table>
    <thead><tr><th>Region</th><th>GW</th></tr></thead>
    <tbody><tr><td>Nordic</td><td>12.0</td></tr><tr><td><p>Iberian</p><p>Peninsula</p></td><td>18.3</td></tr></tbody>
  </table>
  <p>See <a href="https://example.org/report?a=1&amp;b=2" title="Report">the report</a>, the <a href="#intro">introduction</a>
     and <img src="images/chart.png" alt="A chart" onerror="secretOnerror()">.</p>
  <figure>
    <img src="images/site.png" alt="Aerial photograph of a battery site">
    <figcaption>The <em>Valdemora</em> site</figcaption>
  </figure>
  <style>.secret-body-style { }</style>
  <noscript><p>Enable JavaScript</p></noscript>
  <iframe src="https://evil.example/secretFrame"></iframe>
  <svg><script>secretSvgScript()</script></svg>
  <template><p>secretTemplate</p></template>
  <!-- secretComment <script>secretCommentScript()</script> -->
</body>
</html>
`;

describe('HTML → model', () => {
  let doc: Awaited<ReturnType<typeof importHtml>>;

  beforeAll(async () => {
    doc = await importHtml(SAMPLE);
  });

  it('takes the metadata from <head> and <html lang>', () => {
    expect(doc.meta.title).toBe('Storage in 2026 & beyond');
    expect(doc.meta.author).toEqual(['Northwind Energy Analytics']);
    expect(doc.meta.description).toBe('A short review of grid storage.');
    expect(doc.meta.keywords).toEqual(['storage', 'batteries', 'grid']);
    expect(doc.meta.lang).toBe('en-GB');
  });

  it('never lets scripts, styles or event handlers reach the model', () => {
    const texts: string[] = [];
    walk(doc.root, (node) => {
      if ('value' in node && typeof node.value === 'string') texts.push(node.value);
    });
    for (const t of texts) expect(t).not.toMatch(/secret|color: red|window\./);
    // Not in any attribute either (urls, titles, data).
    expect(JSON.stringify(doc.root)).not.toMatch(/secret/i);
    expect(nodesOf(doc.root, 'html')).toEqual([]);
  });

  it('converts headings, with ids', () => {
    const headings = nodesOf(doc.root, 'heading');
    expect(headings.map((h) => [h.depth, toPlainText(h)])).toEqual([
      [1, 'Introduction'],
      [2, 'Market data'],
    ]);
    expect(headings[0]?.data?.id).toBe('introduction');
    expect(nodesOf(headings[1] as Nodes, 'inlineCode').map((c) => c.value)).toEqual(['data']);
  });

  it('converts lists, nested and ordered with their start', () => {
    const lists = nodesOf(doc.root, 'list');
    const [bullets, nested, ordered] = lists;
    expect(lists.length).toBe(3);
    expect(bullets?.ordered).toBe(false);
    expect(bullets?.children.map((li) => toPlainText(li.children[0] as Nodes).trim())).toEqual(['Lithium-ion', 'Pumped hydro']);
    expect(nested?.children.map((li) => toPlainText(li).trim())).toEqual(['LFP', 'NMC']);
    expect(bullets?.children[0]?.children).toContain(nested);
    expect(ordered?.ordered).toBe(true);
    expect(ordered?.start).toBe(3);
    expect(ordered?.children.map((li) => toPlainText(li).trim())).toEqual(['Third', 'Fourth']);
  });

  it('converts tables, keeping cells to phrasing content', () => {
    const [table] = nodesOf(doc.root, 'table');
    expect(table?.children.map((row) => row.children.map((c) => toPlainText(c).trim()))).toEqual([
      ['Region', 'GW'],
      ['Nordic', '12.0'],
      ['Iberian Peninsula', '18.3'],
    ]);
    const cell = table?.children[2]?.children[0];
    expect(cell?.children.map((c) => c.type)).toEqual(['text', 'break', 'text']);
  });

  it('separates text and blocks mixed in a table cell with line breaks', async () => {
    const { root } = await importHtml('<table><tr><th>Head</th></tr><tr><td>before<p>first</p>between<ul><li>item</li></ul> </td></tr></table>');
    const cell = nodesOf(root, 'tableCell')[1];
    expect(cell?.children.map((c) => (c.type === 'text' ? c.value : c.type))).toEqual(['before', 'break', 'first', 'break', 'between', 'break', 'item']);
  });

  it('converts links and images', () => {
    const links = nodesOf(doc.root, 'link');
    expect(links.map((l) => [l.url, toPlainText(l)])).toEqual([
      ['https://example.org/report?a=1&b=2', 'the report'],
      ['#introduction', 'introduction'],
    ]);
    expect(links[0]?.title).toBe('Report');
    const images = nodesOf(doc.root, 'image');
    expect(images.map((i) => [i.url, i.alt])).toEqual([
      ['images/chart.png', 'A chart'],
      ['images/site.png', 'Aerial photograph of a battery site'],
    ]);
  });

  it('turns <figure><img><figcaption> into a figure', () => {
    const figures = doc.root.children.filter((n) => (n.type as string) === 'figure') as unknown as Array<{ children: Nodes[] }>;
    expect(figures.length).toBe(1);
    const [image, caption] = figures[0]?.children ?? [];
    expect(image?.type).toBe('image');
    expect(image && 'alt' in image ? image.alt : undefined).toBe('Aerial photograph of a battery site');
    expect(caption?.type as string).toBe('figureCaption');
    expect(toPlainText(caption as Nodes)).toBe('The Valdemora site');
    expect(nodesOf(caption as Nodes, 'emphasis').length).toBe(1);
  });

  it('gives every node a position', () => {
    const missing: string[] = [];
    walk(doc.root, (node) => {
      if (!node.position) missing.push(node.type);
    });
    expect(missing).toEqual([]);
  });
});

describe('footnotes and anchors', () => {
  const MAMMOTH = `<h1><a id="_Toc1"></a><a id="_h_results"></a>Results</h1>
<p>Storage grew fast.<sup><a href="#footnote-1" id="footnote-ref-1">[1]</a></sup> Costs fell.<sup><a href="#footnote-2" id="footnote-ref-2">[2]</a></sup></p>
<p>Back to <a href="#_h_results">the results</a> or the <a href="#_Toc1">contents entry</a>; <a href="#missing">nowhere</a>.</p>
<ol><li>An ordinary list item</li></ol>
<ol><li id="footnote-1"><p>Note text <a href="#footnote-ref-1">↑</a></p></li><li id="footnote-2"><p>Second <em>note</em>. <a href="#footnote-ref-2">↑</a></p></li></ol>`;

  it('turns mammoth footnotes into footnote references and definitions, without the ↑ back links', async () => {
    const { root } = await importHtml(MAMMOTH);
    const refs = nodesOf(root, 'footnoteReference');
    const defs = nodesOf(root, 'footnoteDefinition');
    expect(refs.map((r) => r.identifier)).toEqual(['1', '2']);
    expect(defs.map((d) => d.identifier)).toEqual(['1', '2']);
    expect(defs.map((d) => toPlainText(d).trim())).toEqual(['Note text', 'Second note.']);
    for (const d of defs) {
      expect(toPlainText(d)).not.toMatch(/[↑↩]/);
      expect(nodesOf(d, 'link')).toEqual([]);
    }
    expect(JSON.stringify(root)).not.toContain('footnote-ref');
    // The ordinary ordered list stays a list, and no "[1]" text is left.
    expect(nodesOf(root, 'list').map((l) => toPlainText(l))).toEqual(['An ordinary list item']);
    expect(toPlainText(root)).not.toContain('[1]');
  });

  it('makes heading anchors targets, not empty links, and points internal links at the heading id', async () => {
    const { root } = await importHtml(MAMMOTH);
    const [heading] = nodesOf(root, 'heading');
    expect(heading?.children).toEqual([expect.objectContaining({ type: 'text', value: 'Results' })]);
    expect(nodesOf(root, 'link').filter((l) => l.url === '')).toEqual([]);
    const links = Object.fromEntries(nodesOf(root, 'link').map((l) => [toPlainText(l), l.url]));
    expect(links).toEqual({ 'the results': '#results', 'contents entry': '#results', nowhere: '#missing' });
  });

  it('resolves anchors of repeated headings to their de-duplicated ids', async () => {
    const { root } = await importHtml('<h2 id="a">Notes</h2><h2 id="b">Notes</h2><p><a href="#b">second</a> <a href="#a">first</a></p>');
    expect(nodesOf(root, 'heading').map((h) => h.data?.id)).toEqual(['notes', 'notes-1']);
    expect(nodesOf(root, 'link').map((l) => l.url)).toEqual(['#notes-1', '#notes']);
  });
});

describe('malformed and edge-case HTML', () => {
  it('imports unclosed and misnested tags', async () => {
    const { root } = await importHtml(
      '<h1>Title<p>First <b>bold <i>both</b> italic</i> paragraph<p>Second<ul><li>one<li>two</ul><table><tr><td>cell<tr><td>next',
    );
    expect(toPlainText(root)).toContain('Title');
    expect(toPlainText(root)).toContain('Second');
    expect(nodesOf(root, 'listItem').map((li) => toPlainText(li).trim())).toEqual(['one', 'two']);
    // A table without header cells gets an empty header row (hast-util-to-mdast), then its rows.
    const rows = nodesOf(root, 'tableRow').map((r) => r.children.map((c) => toPlainText(c).trim()));
    expect(rows.filter((r) => r.some(Boolean))).toEqual([['cell'], ['next']]);
    expect(nodesOf(root, 'strong').length).toBeGreaterThan(0);
  });

  it('imports a fragment without <html>, <head> or <body>', async () => {
    const { root, meta } = await importHtml('Just <em>text</em>');
    expect(toPlainText(root)).toBe('Just text');
    expect(meta.title).toBeUndefined();
  });

  it('imports an empty document', async () => {
    const { root } = await importHtml('');
    expect(root.type).toBe('root');
  });

  it('keeps hostile text as text', async () => {
    const { root } = await importHtml('<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; ]]&gt; "q" \'s\'</p>');
    expect(toPlainText(root)).toBe('<script>alert(1)</script> & ]]> "q" \'s\'');
  });

  it('imports moderately deep markup', async () => {
    const { root } = await importHtml(`${'<div>'.repeat(200)}deep${'</div>'.repeat(200)}`);
    expect(toPlainText(root)).toBe('deep');
  });

  it('refuses hostile nesting with EIA_INPUT_TOO_DEEP, not a stack overflow', async () => {
    for (const html of [`${'<div>'.repeat(20_000)}deep${'</div>'.repeat(20_000)}`, `${'<table><tr><td>'.repeat(600)}deep`, `<p>${'<span>'.repeat(3000)}deep`]) {
      const error = await importHtml(html).then(
        () => undefined,
        (err: { code?: string }) => err,
      );
      expect(error?.code).toBe('EIA_INPUT_TOO_DEEP');
    }
  });

  it('drops comments, even when they hold markup', async () => {
    const { root } = await importHtml('<p>Visible<!-- <script>secretComment()</script> --></p><!-- top-level secret -->');
    expect(JSON.stringify(root)).not.toMatch(/secret/i);
    expect(nodesOf(root, 'html')).toEqual([]);
    expect(toPlainText(root)).toBe('Visible');
  });
});

describe('importer contract (html)', () => {
  for (const c of importerContract({ plugins: PLUGINS, importer: 'html', sample: { name: 'sample.html', bytes: new TextEncoder().encode(SAMPLE) } })) {
    it(c.name, c.run);
  }
});

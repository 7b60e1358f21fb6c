/**
 * The DOCX exporter, end to end: Markdown in, a Word file out, read back with jszip (the XML
 * parts) and mammoth (the text a reader sees).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHost, type Host, mergeSettings, type SourceInput, sha256 } from '@export-ia/core';
import { exporterContract, hugeDocument } from '@export-ia/core/testing';
import JSZip from 'jszip';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocxWriter } from '../src/writer.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const plugin = (name: string) => `${ROOT}plugins/${name}`;
const PLUGINS = ['importer-markdown', 'transform-assets', 'exporter-docx', 'theme-standard'].map(plugin);
const EXAMPLES = `${ROOT}examples/documents/`;
const REPORT_MD = readFileSync(`${EXAMPLES}report.md`, 'utf8');

/** Characters XML 1.0 forbids: one of them makes Word refuse the file. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for exactly these.
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function decodeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}

/** The text of the `w:t` runs in a piece of WordprocessingML. */
function runText(xml: string): string {
  return [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => decodeXml(m[1] as string)).join('');
}

interface Para {
  xml: string;
  text: string;
  numIds: string[];
  ilvl?: number;
}

function paragraphs(xml: string): Para[] {
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map(([p]) => {
    const ilvl = /<w:ilvl w:val="(\d+)"\/>/.exec(p)?.[1];
    return {
      xml: p,
      text: runText(p),
      numIds: [...p.matchAll(/<w:numId w:val="(\d+)"\/>/g)].map((m) => m[1] as string),
      ...(ilvl === undefined ? {} : { ilvl: Number(ilvl) }),
    };
  });
}

/** Headings of a Markdown source (ATX), outside fenced code. */
function markdownHeadings(md: string): string[] {
  const out: string[] = [];
  let fence = false;
  for (const line of md.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    else if (!fence) {
      const m = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
      if (m) out.push(m[1] as string);
    }
  }
  return out;
}

function textInput(name: string, text: string, dir = EXAMPLES): SourceInput {
  const bytes = new TextEncoder().encode(text);
  return { name, dir, bytes, hash: sha256(bytes) };
}

interface Exported {
  data: Uint8Array;
  zip: JSZip;
  documentXml: string;
  diagnostics: Array<{ code: string }>;
  failures: unknown[];
}

async function exportDocx(host: Host, input: SourceInput, settings: Record<string, unknown>): Promise<Exported> {
  const result = await host
    .pipeline()
    .use('importer:markdown')
    .use('transform:assets')
    .use('exporter:docx')
    .run(input, { settings: [{ to: ['docx'], ...settings }] });
  const out = result.outputs.find((o) => o.format === 'docx');
  if (!out) throw new Error(`no DOCX output: ${JSON.stringify(result.failures)}`);
  const zip = await JSZip.loadAsync(out.data);
  const documentXml = await part(zip, 'word/document.xml');
  return { data: out.data, zip, documentXml, diagnostics: result.diagnostics, failures: result.failures };
}

async function part(zip: JSZip, name: string): Promise<string> {
  const file = zip.file(name);
  if (!file) throw new Error(`the DOCX has no ${name}`);
  return file.async('string');
}

async function rawText(data: Uint8Array): Promise<string> {
  return (await mammoth.extractRawText({ buffer: Buffer.from(data) })).value;
}

let host: Host;
let report: Exported;
let reportText: string;

beforeAll(async () => {
  host = await createHost({ plugins: PLUGINS });
  report = await exportDocx(host, host.readInput(`${EXAMPLES}report.md`), { theme: 'report', toc: true });
  reportText = await rawText(report.data);
});

afterAll(async () => {
  await host?.close();
});

describe('report.md → DOCX (theme report, toc)', () => {
  it('exports without failures and unzips into a Word package', async () => {
    expect(report.failures).toEqual([]);
    expect(report.data[0]).toBe(0x50);
    expect(report.data[1]).toBe(0x4b);
    for (const name of ['[Content_Types].xml', 'word/document.xml', 'word/styles.xml', 'word/numbering.xml', 'word/footnotes.xml', 'docProps/core.xml']) {
      expect(report.zip.file(name), name).not.toBeNull();
    }
  });

  it('writes well-formed XML parts without forbidden characters', async () => {
    for (const [name, file] of Object.entries(report.zip.files)) {
      if (!/\.(xml|rels)$/.test(name)) continue;
      const xml = await file.async('string');
      expect(XML_FORBIDDEN.test(xml), name).toBe(false);
    }
  });

  it('gives every list paragraph one numbering instance, and separate ordered lists different ones', async () => {
    const paras = paragraphs(report.documentXml);
    for (const p of paras) expect(p.numIds.length).toBeLessThanOrEqual(1);
    const item = (start: string) => {
      const found = paras.find((p) => p.numIds.length === 1 && p.text.startsWith(start));
      if (!found) throw new Error(`no list paragraph starts with "${start}"`);
      return found;
    };
    // Five separate ordered lists of report.md (two top-level, three nested under bullets).
    const lists = [
      ['Harvest raw records', 'Compute regional aggregates'],
      ['Publish duration-based derating factors for all capacity auctions', 'Allow co-located storage'],
      ['Publish real-time state-of-charge', 'Procure reserves locally'],
      ['Adopt duration-based derating factors in capacity markets', 'Offer revenue floors'],
      ['Stress-test business cases', 'Diversify cell supply'],
    ] as const;
    const numIds = lists.map(([first, last]) => {
      const a = item(first);
      const b = item(last);
      expect(b.numIds[0], `"${first}" and "${last}" are one list`).toBe(a.numIds[0]);
      return a.numIds[0] as string;
    });
    expect(new Set(numIds).size).toBe(lists.length);

    // Each numbering instance restarts its levels at 1.
    const numbering = await part(report.zip, 'word/numbering.xml');
    for (const id of numIds) {
      const num = new RegExp(`<w:num w:numId="${id}">([\\s\\S]*?)</w:num>`).exec(numbering)?.[1];
      expect(num, `w:num ${id}`).toBeDefined();
      expect(num).toMatch(/<w:startOverride w:val="1"\/>/);
    }

    // Nesting: the ordered lists under bullets, and the three-level bullet list.
    expect(item('Harvest raw records').ilvl).toBe(0);
    expect(item('Publish real-time state-of-charge').ilvl).toBeGreaterThan(0);
    expect(item('Electrochemical storage').ilvl).toBe(0);
    const lithium = paras.find((p) => p.numIds.length === 1 && p.text === 'Lithium-ion batteries');
    expect(lithium?.ilvl).toBeGreaterThan(0);
    const lfp = item('Lithium iron phosphate');
    expect(lfp.ilvl).toBeGreaterThan(lithium?.ilvl ?? 0);
  });

  it('writes real footnotes, referenced once per distinct note', async () => {
    const footnotes = runText(await part(report.zip, 'word/footnotes.xml'));
    expect(footnotes).toContain('Interviews took place between March and July 2026.');
    expect(footnotes).toContain('is German for “dark doldrums”');
    expect(footnotes).toContain('Gold-plating refers to the tendency of regulated businesses to over-invest');
    const distinct = new Set([...REPORT_MD.matchAll(/^\[\^([^\]]+)\]:/gm)].map((m) => m[1]));
    expect(distinct.size).toBe(10);
    const refs = [...report.documentXml.matchAll(/<w:footnoteReference w:id="(\d+)"\/>/g)].map((m) => m[1]);
    expect(refs.length).toBe(distinct.size);
    expect(new Set(refs).size).toBe(distinct.size);
  });

  it('fills docProps/core.xml from the front matter', async () => {
    const core = await part(report.zip, 'docProps/core.xml');
    const tag = (name: string) => {
      const m = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(core);
      return m ? decodeXml(m[1] as string) : undefined;
    };
    expect(tag('dc:title')).toBe('State of Regional Renewable Energy Storage 2026');
    expect(tag('dc:creator')).toBe('Northwind Energy Analytics');
    expect(tag('dc:subject')).toBe('Annual market report');
    expect(tag('cp:keywords')).toBe('energy storage, batteries, grid, renewables');
    expect(tag('dc:language')).toBe('en');
  });

  it('reads back every heading in order, table cells and code', async () => {
    const headings = markdownHeadings(REPORT_MD);
    expect(headings.length).toBeGreaterThan(30);
    // In order in the raw text (searching after the table of contents).
    let at = reportText.indexOf('Regional electricity systems crossed') - 'Executive summary'.length - 4;
    expect(at).toBeGreaterThan(0);
    for (const heading of headings) {
      const next = reportText.indexOf(heading, at);
      expect(next, `heading "${heading}"`).toBeGreaterThanOrEqual(at);
      at = next + heading.length;
    }
    // And as Word headings, exactly.
    const html = (await mammoth.convertToHtml({ buffer: Buffer.from(report.data) })).value;
    const htmlHeadings = [...html.matchAll(/<h[1-6][^>]*>([\s\S]*?)<\/h[1-6]>/g)].map((m) => decodeXml((m[1] as string).replace(/<[^>]+>/g, '')));
    expect(htmlHeadings).toEqual(headings);

    for (const cell of ['British Isles', 'Central European', '39.1%', 'Pumped hydro (GW)', 'Maximum continuous export at the connection point']) {
      expect(reportText, cell).toContain(cell);
    }
    expect(reportText).toContain('"operator_note": "Full activation within 150 ms & no alarms"');
    expect(reportText).toContain('SELECT region,');
  });

  it('keeps images with their alt text', () => {
    const alts = [...REPORT_MD.matchAll(/!\[([^\]]*)\]\(/g)].map((m) => m[1] as string);
    expect(alts.length).toBeGreaterThanOrEqual(2);
    const descr = [...report.documentXml.matchAll(/<wp:docPr [^>]*descr="([^"]*)"/g)].map((m) => decodeXml(m[1] as string));
    expect(descr).toEqual(alts);
    expect(report.zip.file(/^word\/media\//).length).toBeGreaterThanOrEqual(2);
  });

  it('has a TOC field with hyperlinks', () => {
    expect(report.documentXml).toMatch(/<w:instrText[^>]*>[^<]*TOC \\h/);
  });

  it('bookmarks headings and links internal anchors to them', () => {
    const bookmarks = new Set([...report.documentXml.matchAll(/<w:bookmarkStart [^>]*w:name="([^"]+)"/g)].map((m) => m[1]));
    const see = paragraphs(report.documentXml).find((p) => p.text.includes('see Economics'));
    const anchor = see && /<w:hyperlink [^>]*w:anchor="([^"]+)"[^>]*>(?:(?!<\/w:hyperlink>)[\s\S])*see Economics/.exec(see.xml)?.[1];
    expect(anchor).toBeDefined();
    expect(bookmarks.has(anchor as string)).toBe(true);
    // The bookmark sits in the "Economics" heading.
    const heading = paragraphs(report.documentXml).find((p) => p.text === 'Economics' && p.xml.includes(`w:name="${anchor}"`));
    expect(heading).toBeDefined();
    // Every internal link of the document points at an existing bookmark.
    const anchors = [...report.documentXml.matchAll(/<w:hyperlink [^>]*w:anchor="([^"]+)"/g)].map((m) => m[1] as string);
    expect(anchors.length).toBeGreaterThan(5);
    for (const a of anchors) expect(bookmarks.has(a), a).toBe(true);
  });

  it('writes maths as Office Math', () => {
    expect(report.documentXml).toMatch(/<m:oMath[ >]/);
    expect(report.documentXml).toMatch(/<m:oMathPara[ >]/);
    expect(report.diagnostics.map((d) => d.code)).not.toContain('EIA_MATH_UNSUPPORTED');
  });
});

describe('DOCX edge cases', () => {
  it('has no TOC field with theme default and no toc', async () => {
    const out = await exportDocx(host, host.readInput(`${EXAMPLES}report.md`), { theme: 'default' });
    expect(out.failures).toEqual([]);
    expect(out.documentXml).not.toMatch(/TOC \\/);
    expect(out.documentXml).not.toContain('w:fldSimple w:instr="TOC');
  });

  it('reports an unsupported formula and still produces the document', async () => {
    const md = '# Maths\n\nInline $\\notacommand{x} + 1$ and fine $a^2$.\n\n$$\n\\alsonotacommand{y}\n$$\n\nAfter.\n';
    const out = await exportDocx(host, textInput('maths.md', md), { theme: 'default' });
    expect(out.failures).toEqual([]);
    const unsupported = out.diagnostics.filter((d) => d.code === 'EIA_MATH_UNSUPPORTED');
    expect(unsupported.length).toBe(2);
    expect(out.documentXml).toMatch(/<m:oMath[ >]/);
    const text = await rawText(out.data);
    expect(text).toContain('\\notacommand{x} + 1');
    expect(text).toContain('After.');
  });

  it('survives hostile text: markup, entities, CDATA ends, quotes, control characters, long words', async () => {
    const long = `${'Donaudampfschifffahrt'.repeat(300)}end`;
    const md = [
      '---',
      'title: "Hostile <script>alert(1)</script> & ]]> \\" \' \u0007 title"',
      'author: "A & B <c@d>"',
      'keywords: ["x]]>y", "<k>"]',
      '---',
      '',
      '# Heading \\<script> & ]]>',
      '',
      `Text \\<script>alert("x")\\</script> & more ]]> "double" 'single' bell\u0007bell nul\u0000nul esc\u001bend ffff\uFFFEffff.`,
      '',
      long,
      '',
      '| a & b | \\<c> |',
      '|---|---|',
      '| ]]> | "q" |',
      '',
      '```',
      'if (a < b && c > d) { x = "]]>"; } // \u0007',
      '```',
      '',
      'A [link & more](https://example.org/?a=1&b=2) and a note.[^n]',
      '',
      '[^n]: Note with <![CDATA[ ]]> & \\<tag>.',
      '',
    ].join('\n');
    const bytes = new TextEncoder().encode(md);
    // The text is given decoded: a NUL byte would otherwise be refused as binary input.
    const out = await exportDocx(host, { name: 'hostile.md', dir: EXAMPLES, bytes, text: md, hash: sha256(bytes) }, { theme: 'report' });
    expect(out.failures).toEqual([]);
    for (const [name, file] of Object.entries(out.zip.files)) {
      if (!/\.(xml|rels)$/.test(name)) continue;
      expect(XML_FORBIDDEN.test(await file.async('string')), name).toBe(false);
    }
    const text = await rawText(out.data);
    expect(text).toContain('Hostile <script>alert(1)</script> & ]]> " \' ');
    expect(text).toContain('Heading <script> & ]]>');
    expect(text).toContain('Text <script>alert("x")</script> & more ]]> "double" \'single\' bellbell');
    expect(text).toContain('esc');
    expect(text).toContain(long);
    expect(text).toContain('a & b');
    expect(text).toContain('<c>');
    expect(text).toContain('if (a < b && c > d) { x = "]]>"; }');
    expect(text).toContain('link & more');
    expect(XML_FORBIDDEN.test(text)).toBe(false);
    const footnotes = runText(await part(out.zip, 'word/footnotes.xml'));
    expect(footnotes).toContain('& <tag>.');
    const core = await part(out.zip, 'docProps/core.xml');
    expect(core).toContain('<dc:title>Hostile &lt;script&gt;alert(1)&lt;/script&gt; &amp; ]]&gt; &quot;');
    expect(core).toContain('<dc:creator>A &amp; B &lt;c@d&gt;</dc:creator>');
  });

  it('keeps unsafe links as text and reports them', async () => {
    const md = '# Links\n\n[click me](javascript:alert(1)) and [mail](mailto:someone@example.org) and [web](https://example.org).\n';
    const out = await exportDocx(host, textInput('links.md', md), { theme: 'default' });
    expect(out.failures).toEqual([]);
    expect(out.diagnostics.map((d) => d.code)).toContain('EIA_LINK_UNSAFE');
    const rels = await part(out.zip, 'word/_rels/document.xml.rels');
    expect(rels).not.toMatch(/javascript:/i);
    expect(rels).toContain('mailto:someone@example.org');
    expect(rels).toContain('https://example.org');
    expect(await rawText(out.data)).toContain('click me and mail and web.');
  });

  it('exports a document whose internal links have malformed escapes', async () => {
    // The HTML importer keeps an href as written: `#a%zz` is not valid percent-encoding.
    const withHtml = await createHost({ plugins: [...PLUGINS, plugin('importer-html')] });
    try {
      const html = '<h1>Intro</h1><p><a href="#a%zz">bad anchor</a>, <a href="#%E2%82">bad UTF-8</a>, <a href="#intro">good</a>.</p>';
      const bytes = new TextEncoder().encode(html);
      const result = await withHtml
        .pipeline()
        .use('importer:html')
        .use('exporter:docx')
        .run({ name: 'anchors.html', dir: EXAMPLES, bytes, hash: sha256(bytes) });
      expect(result.failures).toEqual([]);
      const data = result.outputs[0]?.data as Uint8Array;
      expect(await rawText(data)).toContain('bad anchor, bad UTF-8, good.');
      const xml = await part(await JSZip.loadAsync(data), 'word/document.xml');
      expect([...xml.matchAll(/<w:hyperlink [^>]*w:anchor="([^"]+)"/g)].map((m) => m[1])).toEqual(['_h_intro']);
    } finally {
      await withHtml.close();
    }
  });

  it('exports letter.md in theme default without a title page break', async () => {
    const out = await exportDocx(host, host.readInput(`${EXAMPLES}letter.md`), { theme: 'default' });
    expect(out.failures).toEqual([]);
    const text = await rawText(out.data);
    expect(text).toContain('Invitation to join the 2027 storage operator panel');
    expect(text).toContain('Dear Mr Okafor,');
    expect(text).toContain('Yours sincerely,');
    expect(out.documentXml).not.toContain('w:type="page"');
    expect(out.documentXml).not.toMatch(/TOC \\/);
    // The title comes first, and the letter follows on the same page.
    const paras = paragraphs(out.documentXml).filter((p) => p.text.trim());
    expect(paras[0]?.text).toBe('Invitation to join the 2027 storage operator panel');
  });

  it('exports articulo.md (Spanish) with dc:language es', async () => {
    const out = await exportDocx(host, host.readInput(`${EXAMPLES}articulo.md`), { theme: 'academic' });
    expect(out.failures).toEqual([]);
    expect(await part(out.zip, 'docProps/core.xml')).toContain('<dc:language>es</dc:language>');
    expect((await rawText(out.data)).length).toBeGreaterThan(1000);
  });
});

describe('hostile sizes', () => {
  it('builds a document past the argument-spread limit (130k list items, table rows, inline nodes)', () => {
    const doc = hugeDocument();
    const writer = new DocxWriter({ doc, theme: host.resolveTheme('default'), settings: mergeSettings({ toc: true }), report: () => {}, generator: 'test' });
    expect(() => writer.build(false)).not.toThrow();
  });
});

describe('exporter contract (docx)', () => {
  for (const c of exporterContract({ plugins: PLUGINS, format: 'docx' })) it(c.name, c.run);
  for (const c of exporterContract({ plugins: PLUGINS, format: 'docx', theme: 'report' })) it(`${c.name} (theme report)`, c.run);
});

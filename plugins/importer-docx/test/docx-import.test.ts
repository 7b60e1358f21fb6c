/**
 * The DOCX importer: a round trip through the DOCX exporter (report.md → .docx → model), and
 * hostile archives (not a zip, no main part, zip bombs, XML entities, truncation), each of
 * which must end in a coded error, never a crash or a leak.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHost, type Host, type SourceInput, sha256, toPlainText, walk } from '@export-ia/core';
import { importerContract } from '@export-ia/core/testing';
import JSZip from 'jszip';
import type { Nodes, Root } from 'mdast';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const plugin = (name: string) => `${ROOT}plugins/${name}`;
const EXPORT_PLUGINS = ['importer-markdown', 'transform-assets', 'exporter-docx', 'theme-standard'].map(plugin);
const IMPORT_PLUGINS = ['importer-html', 'importer-docx'].map(plugin);
const EXAMPLES = `${ROOT}examples/documents/`;
const REPORT_MD = readFileSync(`${EXAMPLES}report.md`, 'utf8');

/** Headings of a Markdown source (ATX), outside fenced code, with their depth. */
function markdownHeadings(md: string): Array<{ depth: number; text: string }> {
  const out: Array<{ depth: number; text: string }> = [];
  let fence = false;
  for (const line of md.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    else if (!fence) {
      const m = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
      if (m) out.push({ depth: (m[1] as string).length, text: m[2] as string });
    }
  }
  return out;
}

function nodesOf<T extends Nodes['type']>(root: Root, type: T): Array<Extract<Nodes, { type: T }>> {
  const out: Array<Extract<Nodes, { type: T }>> = [];
  walk(root, (node) => {
    if (node.type === type) out.push(node as Extract<Nodes, { type: T }>);
  });
  return out;
}

function docxInput(bytes: Uint8Array, name = 'input.docx'): SourceInput {
  return { name, dir: EXAMPLES, bytes, hash: sha256(bytes) };
}

/** report.md exported to DOCX by the DOCX exporter (theme report, with a table of contents). */
async function exportReport(): Promise<Uint8Array> {
  const exporter = await createHost({ plugins: EXPORT_PLUGINS });
  try {
    const result = await exporter
      .pipeline()
      .use('importer:markdown')
      .use('transform:assets')
      .use('exporter:docx')
      .run(exporter.readInput(`${EXAMPLES}report.md`), { settings: [{ theme: 'report', to: ['docx'], toc: true }] });
    const out = result.outputs[0];
    if (!out) throw new Error(`DOCX export failed: ${JSON.stringify(result.failures)}`);
    return out.data;
  } finally {
    await exporter.close();
  }
}

const REPORT_DOCX = await exportReport();

let host: Host;

beforeAll(async () => {
  host = await createHost({ plugins: IMPORT_PLUGINS });
});

afterAll(async () => {
  await host?.close();
});

const importDocx = (input: SourceInput, limits?: Record<string, number>) =>
  host
    .pipeline()
    .use('importer:docx')
    .run(input, limits ? { settings: [{ limits }] } : {});

describe('round trip: report.md → DOCX → model', () => {
  let root: Root;
  let meta: Awaited<ReturnType<typeof importDocx>>['document']['meta'];

  beforeAll(async () => {
    const result = await importDocx(docxInput(REPORT_DOCX, 'report.docx'));
    root = result.document.root;
    meta = result.document.meta;
  });

  it('takes the metadata from docProps/core.xml', () => {
    expect(meta.title).toBe('State of Regional Renewable Energy Storage 2026');
    expect(meta.author).toEqual(['Northwind Energy Analytics']);
    expect(meta.subject).toBe('Annual market report');
    expect(meta.keywords).toEqual(['energy storage', 'batteries', 'grid', 'renewables']);
    expect(meta.lang).toBe('en');
  });

  it('keeps every heading, with its level and text', () => {
    const headings = nodesOf(root, 'heading').map((h) => ({ depth: h.depth, text: toPlainText(h).trim() }));
    expect(headings).toEqual(markdownHeadings(REPORT_MD));
    // Word bookmarks inside headings are anchors, not empty links.
    for (const h of nodesOf(root, 'heading')) expect(nodesOf(h as unknown as Root, 'link')).toEqual([]);
    expect(nodesOf(root, 'link').filter((l) => !l.url && l.children.length === 0)).toEqual([]);
  });

  it('keeps lists, ordered and nested', () => {
    const lists = nodesOf(root, 'list');
    const ordered = lists.filter((l) => l.ordered);
    expect(ordered.length).toBeGreaterThanOrEqual(5);
    const steps = ordered.find((l) => toPlainText(l).startsWith('Harvest raw records'));
    expect(steps?.children.length).toBe(5);
    expect(toPlainText(steps?.children[4] as Nodes)).toMatch(/^Compute regional aggregates/);
    // Nested: the technology tree has three levels of bullets.
    const tech = lists.find((l) => !l.ordered && toPlainText(l).startsWith('Electrochemical storage'));
    expect(tech?.children.length).toBe(3);
    const level2 = nodesOf(tech?.children[0] as unknown as Root, 'list')[0];
    expect(level2 && toPlainText(level2)).toMatch(/^Lithium-ion batteries/);
    const level3 = level2 && nodesOf(level2.children[0] as unknown as Root, 'list')[0];
    expect(level3 && toPlainText(level3)).toMatch(/^Lithium iron phosphate/);
    // Ordered lists nested under bullets.
    const operators = lists.find((l) => !l.ordered && toPlainText(l).startsWith('System operators'));
    expect(operators && nodesOf(operators as unknown as Root, 'list').filter((l) => l.ordered).length).toBe(3);
  });

  it('keeps tables, with phrasing content in the cells', () => {
    const tables = nodesOf(root, 'table');
    expect(tables.length).toBeGreaterThanOrEqual(3);
    const regions = tables.find((t) => toPlainText(t).includes('British Isles'));
    expect(regions).toBeDefined();
    const rows = regions?.children ?? [];
    expect(rows.length).toBe(8);
    expect(rows[0]?.children.map((c) => toPlainText(c).trim())).toEqual([
      'Region',
      'Lithium-ion (GW)',
      'Pumped hydro (GW)',
      'Other (GW)',
      'Total (GW)',
      'Growth vs 2025',
    ]);
    expect(rows[6]?.children.map((c) => toPlainText(c).trim())).toEqual(['Baltic', '1.8', '1.1', '0.3', '3.2', '39.1%']);
    for (const cell of nodesOf(root, 'tableCell')) {
      for (const child of cell.children) expect(['paragraph', 'heading', 'list', 'code', 'blockquote']).not.toContain(child.type);
    }
  });

  it('keeps links, external and internal', () => {
    const links = nodesOf(root, 'link');
    const entsoe = links.find((l) => toPlainText(l) === 'ENTSO-E');
    expect(entsoe?.url).toBe('https://transparency.entsoe.eu');
    expect(links.some((l) => l.url === 'https://www.iea.org/energy-system/electricity/grid-scale-storage')).toBe(true);
    // An internal link points at the id of the heading it pointed at in the Word file.
    const ids = new Map(nodesOf(root, 'heading').map((h) => [h.data?.id, toPlainText(h).trim()]));
    const see = links.find((l) => toPlainText(l) === 'see Economics');
    expect(see?.url).toBe('#economics');
    expect(ids.get('economics')).toBe('Economics');
    const recommendations = links.find((l) => toPlainText(l) === 'Recommendations' && l.url.startsWith('#') && l !== see);
    expect(recommendations && ids.get(recommendations.url.slice(1))).toBe('Recommendations');
  });

  it('keeps images with their alt text', () => {
    const alts = [...REPORT_MD.matchAll(/!\[([^\]]*)\]\(/g)].map((m) => m[1]);
    const images = nodesOf(root, 'image');
    expect(images.map((i) => i.alt)).toEqual(alts);
    for (const image of images) expect(image.url).toMatch(/^data:image\/png;base64,/);
  });

  it("warns that Word equations are not imported, counting the report's formulas", async () => {
    const result = await importDocx(docxInput(REPORT_DOCX, 'report.docx'));
    const warnings = result.diagnostics.filter((d) => d.code === 'EIA_DOCX_EQUATIONS_DROPPED');
    expect(warnings).toHaveLength(1);
    // Every formula of report.md (3 display, 19 inline here) is one <m:oMath> in the exported DOCX.
    const formulas = (REPORT_MD.match(/\$\$[\s\S]+?\$\$/g) ?? []).length + (REPORT_MD.replace(/\$\$[\s\S]+?\$\$/g, '').match(/\$[^$\n]+\$/g) ?? []).length;
    expect(warnings[0]?.message).toContain(`${formulas} Word equation(s)`);
    expect(warnings[0]?.message).toContain('document.xml');
  });

  it('keeps footnotes without their back links', () => {
    const defs = nodesOf(root, 'footnoteDefinition');
    const refs = nodesOf(root, 'footnoteReference');
    expect(defs.length).toBe(10);
    expect(new Set(refs.map((r) => r.identifier))).toEqual(new Set(defs.map((d) => d.identifier)));
    const texts = defs.map((d) => toPlainText(d));
    expect(texts.some((t) => t.includes('Interviews took place between March and July 2026.'))).toBe(true);
    for (const t of texts) expect(t).not.toMatch(/[↑↩]/);
  });
});

describe('DOCX → model → DOCX', () => {
  it('re-exports an imported Word file with its tables, images, footnotes and internal links', async () => {
    const both = await createHost({ plugins: [...IMPORT_PLUGINS, ...EXPORT_PLUGINS.filter((p) => !p.endsWith('importer-markdown'))] });
    try {
      const result = await both.exportPipeline(['docx']).run(docxInput(REPORT_DOCX, 'report.docx'), { settings: [{ theme: 'default' }] });
      expect(result.failures).toEqual([]);
      expect(result.steps.map((s) => s.step)).toEqual(['importer:docx', 'transform:assets', 'exporter:docx']);
      const out = result.outputs[0]?.data as Uint8Array;
      const zip = await JSZip.loadAsync(out);
      const xml = (await zip.file('word/document.xml')?.async('string')) as string;
      const cells = [...xml.matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map(([tc]) => [...tc.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''));
      expect(cells).toContain('British Isles');
      expect(cells).toContain('39.1%');
      expect([...xml.matchAll(/<wp:docPr /g)].length).toBe(2);
      expect([...xml.matchAll(/<w:footnoteReference /g)].length).toBe(10);
      const bookmarks = new Set([...xml.matchAll(/<w:bookmarkStart [^>]*w:name="([^"]+)"/g)].map((m) => m[1]));
      const anchors = [...xml.matchAll(/<w:hyperlink [^>]*w:anchor="([^"]+)"/g)].map((m) => m[1] as string);
      expect(anchors).toContain('_h_economics');
      for (const a of anchors) expect(bookmarks.has(a), a).toBe(true);
    } finally {
      await both.close();
    }
  });
});

/** A real DOCX with some parts replaced. */
async function patchedDocx(parts: Record<string, string>): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(REPORT_DOCX);
  for (const [name, text] of Object.entries(parts)) zip.file(name, text);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

/** Rewrites the uncompressed size an entry declares, in its local and central headers. */
function declareSize(bytes: Uint8Array, entry: string, size: number): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const name = new TextEncoder().encode(entry);
  let patched = 0;
  for (let i = 0; i + 46 < bytes.length; i++) {
    const sig = view.getUint32(i, true);
    const local = sig === 0x04034b50;
    if (!local && sig !== 0x02014b50) continue;
    const nameAt = i + (local ? 30 : 46);
    const nameLength = view.getUint16(i + (local ? 26 : 28), true);
    if (nameLength !== name.length || !name.every((b, k) => bytes[nameAt + k] === b)) continue;
    view.setUint32(i + (local ? 22 : 24), size, true);
    patched++;
  }
  if (patched !== 2) throw new Error(`declared size of ${entry} patched ${patched} times, expected 2`);
  return bytes;
}

async function expectCode(run: Promise<unknown>, code: string): Promise<Record<string, unknown>> {
  const error = await run.then(
    () => undefined,
    (err: unknown) => err as Record<string, unknown>,
  );
  expect(error, `expected ${code}`).toBeDefined();
  expect(error?.code).toBe(code);
  return error as Record<string, unknown>;
}

describe('hostile and broken DOCX files', () => {
  it('refuses a file that is not a zip', async () => {
    const bytes = new TextEncoder().encode('This is plain text pretending to be a Word document.\n');
    await expectCode(importDocx(docxInput(bytes, 'fake.docx')), 'EIA_DOCX_NOT_ZIP');
  });

  it('refuses a zip without word/document.xml', async () => {
    const zip = new JSZip();
    zip.file('hello.txt', 'hello');
    zip.file('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>');
    const bytes = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
    await expectCode(importDocx(docxInput(bytes, 'not-word.docx')), 'EIA_DOCX_INVALID');
  });

  it('refuses a zip bomb (declared size past the limit)', async () => {
    const zip = await JSZip.loadAsync(REPORT_DOCX);
    zip.file('word/media/bomb.bin', new Uint8Array(4_000_000));
    const bytes = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 9 } });
    expect(bytes.byteLength).toBeLessThan(REPORT_DOCX.byteLength + 50_000);
    await expectCode(importDocx(docxInput(bytes, 'bomb.docx'), { maxUnzippedBytes: 1_000_000 }), 'EIA_DOCX_ZIP_BOMB');
  });

  it('refuses a zip bomb that lies about its size', async () => {
    const zip = new JSZip();
    zip.file('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>');
    zip.file('word/document.xml', `<?xml version="1.0"?><w:document>${' '.repeat(3_000_000)}</w:document>`);
    const bytes = declareSize(await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }), 'word/document.xml', 100);
    await expectCode(importDocx(docxInput(bytes, 'liar.docx'), { maxUnzippedBytes: 1_000_000 }), 'EIA_DOCX_ZIP_BOMB');
  });

  it('refuses a media part that lies about its size (not only XML parts are checked)', async () => {
    const zip = await JSZip.loadAsync(REPORT_DOCX);
    const media = Object.keys(zip.files).find((n) => /^word\/media\/.*\.png$/.test(n)) as string;
    zip.file(media, new Uint8Array(20_000_000));
    const bytes = declareSize(await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }), media, 100);
    await expectCode(importDocx(docxInput(bytes, 'liar-media.docx'), { maxUnzippedBytes: 1_000_000 }), 'EIA_DOCX_ZIP_BOMB');
  });

  it('refuses a zip with more entries than limits.maxZipEntries', async () => {
    const zip = await JSZip.loadAsync(REPORT_DOCX);
    for (let i = 0; i < 60; i++) zip.file(`customXml/item${i}.txt`, `item ${i}`);
    const bytes = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
    const error = await expectCode(importDocx(docxInput(bytes, 'many.docx'), { maxZipEntries: 40 }), 'EIA_DOCX_ZIP_BOMB');
    expect(String(error.message)).toMatch(/entries/);
  });

  const xxe = (root: string) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE ${root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n`;

  it('refuses an external entity in word/document.xml', async () => {
    const original = await (await JSZip.loadAsync(REPORT_DOCX)).file('word/document.xml')?.async('string');
    const body = (original as string).replace(/^<\?xml[^>]*\?>\s*/, '').replace('<w:body>', '<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>');
    const bytes = await patchedDocx({ 'word/document.xml': `${xxe('w:document')}${body}` });
    const error = await expectCode(importDocx(docxInput(bytes, 'xxe.docx')), 'EIA_DOCX_EXTERNAL_ENTITY');
    expect(JSON.stringify(error)).not.toMatch(/root:|nologin|\/bin\/(ba)?sh/);
    expect(String(error.message)).toContain('word/document.xml');
  });

  it('refuses an external entity in [Content_Types].xml', async () => {
    const original = await (await JSZip.loadAsync(REPORT_DOCX)).file('[Content_Types].xml')?.async('string');
    const body = (original as string).replace(/^<\?xml[^>]*\?>\s*/, '');
    const bytes = await patchedDocx({ '[Content_Types].xml': `${xxe('Types')}${body}` });
    const error = await expectCode(importDocx(docxInput(bytes, 'xxe-types.docx')), 'EIA_DOCX_EXTERNAL_ENTITY');
    expect(JSON.stringify(error)).not.toMatch(/root:|nologin|\/bin\/(ba)?sh/);
  });

  it('refuses a truncated DOCX with a coded error', async () => {
    const half = REPORT_DOCX.slice(0, Math.floor(REPORT_DOCX.byteLength / 2));
    const error = await importDocx(docxInput(half, 'truncated.docx')).then(
      () => undefined,
      (err: { code?: string }) => err,
    );
    expect(['EIA_DOCX_NOT_ZIP', 'EIA_DOCX_INVALID']).toContain(error?.code);
  });

  it('refuses a DOCX whose main part is not XML', async () => {
    const bytes = await patchedDocx({ 'word/document.xml': '<w:document><w:body><w:p><w:r><w:t>unclosed' });
    await expectCode(importDocx(docxInput(bytes, 'broken-xml.docx')), 'EIA_DOCX_INVALID');
  });

  it('reads hostile core properties without crashing', async () => {
    const zip = await JSZip.loadAsync(REPORT_DOCX);
    const core = (await zip.file('docProps/core.xml')?.async('string')) as string;
    zip.file(
      'docProps/core.xml',
      core
        .replace(/<dc:title>[^<]*</, '<dc:title>Bad &#x110000; &#99999999999; &#0; &#xD800; ok &amp; &lt;b&gt; &#x263A;<')
        .replace(/<dc:creator>[^<]*</, '<dc:creator>A &amp; B &unknown;<'),
    );
    const bytes = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
    const result = await importDocx(docxInput(bytes, 'core.docx'));
    expect(result.document.meta.title).toBe('Bad \uFFFD \uFFFD \uFFFD \uFFFD ok & <b> ☺');
    expect(result.document.meta.author).toEqual(['A & B &unknown;']);
  });

  it('still imports a valid file after the failures', async () => {
    const result = await importDocx(docxInput(REPORT_DOCX, 'again.docx'));
    expect(result.document.root.children.length).toBeGreaterThan(50);
  });
});

describe('importer contract (docx)', () => {
  for (const c of importerContract({ plugins: IMPORT_PLUGINS, importer: 'docx', sample: { name: 'report.docx', bytes: REPORT_DOCX } })) it(c.name, c.run);
});

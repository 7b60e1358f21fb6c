/**
 * The images transform and checker through the real host: Markdown → assets → images →
 * HTML/DOCX, with fixture images made by sharp in a temporary folder (a 12-megapixel photo with
 * GPS and a sideways EXIF orientation, small clean and metadata-laden PNGs, a WebP, an SVG).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, inflateRawSync } from 'node:zlib';
import { type Asset, createHost, type DocumentModel, type Host, type PipelineResult } from '@export-ia/core';
import type { Finding, StepContext, Transform } from '@export-ia/core/plugin';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin from '../src/index.js';

const PLUGINS = fileURLToPath(new URL('../../', import.meta.url));
const SELF = fileURLToPath(new URL('../', import.meta.url));
const BASE_PLUGINS = [
  join(PLUGINS, 'importer-markdown'),
  join(PLUGINS, 'transform-assets'),
  SELF,
  join(PLUGINS, 'exporter-html'),
  join(PLUGINS, 'exporter-docx'),
  join(PLUGINS, 'theme-standard'),
];

let dir: string;
let docPath: string;
let host: Host;
const files: Record<string, Buffer> = {};

/** A photo: left half red, right half blue, a green ramp and some noise, so it weighs what a camera file weighs. */
async function photo(width: number, height: number): Promise<sharp.Sharp> {
  const raw = Buffer.alloc(width * height * 3);
  let seed = 7;
  for (let i = 0; i < raw.length; i += 3) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const noise = (seed >>> 16) & 0x0f;
    const x = (i / 3) % width;
    const left = x < width / 2;
    raw[i] = left ? 200 + noise : noise;
    raw[i + 1] = ((x + Math.floor(i / 3 / width)) % 256) >> 2;
    raw[i + 2] = left ? noise : 200 + noise;
  }
  return sharp(raw, { raw: { width, height, channels: 3 } });
}

const GPS = { GPSLatitudeRef: 'N', GPSLatitude: '40/1 25/1 1234/100', GPSLongitudeRef: 'W', GPSLongitude: '3/1 42/1 5/1' };

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Inserts chunks right after IHDR. */
function withPngChunks(png: Buffer, chunks: Buffer[]): Buffer {
  return Buffer.concat([png.subarray(0, 33), ...chunks, png.subarray(33)]);
}

/** The entries of a zip file (DOCX), inflated; enough of the format for tests. */
function unzip(zip: Uint8Array): Map<string, Buffer> {
  const b = Buffer.from(zip);
  const out = new Map<string, Buffer>();
  let end = b.length - 22;
  while (end >= 0 && b.readUInt32LE(end) !== 0x06054b50) end--;
  let at = b.readUInt32LE(end + 16);
  for (let n = b.readUInt16LE(end + 10); n > 0; n--) {
    const method = b.readUInt16LE(at + 10);
    const size = b.readUInt32LE(at + 20);
    const nameLength = b.readUInt16LE(at + 28);
    const local = b.readUInt32LE(at + 42);
    const name = b.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
    const data = b.subarray(start, start + size);
    out.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + b.readUInt16LE(at + 30) + b.readUInt16LE(at + 32);
  }
  return out;
}

/** The images embedded in an HTML page, decoded from their data URIs, in document order. */
function htmlImages(html: string): Array<{ mediaType: string; data: Buffer }> {
  return [...html.matchAll(/<img[^>]*src="data:([^;]+);base64,([^"]+)"/g)].map((m) => ({
    mediaType: m[1] as string,
    data: Buffer.from(m[2] as string, 'base64'),
  }));
}

const MARKDOWN = [
  '# Field report', //                                   1
  '', //                                                 2
  '![The site from the north](photo.jpg)', //            3
  '', //                                                 4
  'An inline icon ![icon](small.png) in a sentence.', // 5
  '', //                                                 6
  '![Annotated chart](meta.png)', //                     7
  '', //                                                 8
  '![Logo](logo.svg)', //                                9
  '', //                                                10
  '![Thumbnail](small.png)', //                         11
  '', //                                                12
  '![Drone view](drone.webp)', //                       13
  '',
].join('\n');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eia-images-'));
  // 4000 × 3000 stored, EXIF orientation 6 (shown turned 90° clockwise: 3000 × 4000), GPS, camera.
  files['photo.jpg'] = await (await photo(4000, 3000))
    .jpeg({ quality: 92 })
    .withMetadata({ orientation: 6 })
    .withExifMerge({ IFD0: { Make: 'TestCam', Model: 'Field 1' }, IFD3: GPS })
    .toBuffer();
  files['small.png'] = await sharp({ create: { width: 200, height: 100, channels: 3, background: { r: 20, g: 120, b: 200 } } })
    .png()
    .toBuffer();
  const chart = await (await photo(800, 600)).png().toBuffer();
  files['meta.png'] = withPngChunks(chart, [
    pngChunk('tEXt', Buffer.from('Author\0Jane Doe', 'latin1')),
    pngChunk('tIME', Buffer.from([0x07, 0xe8, 1, 2, 3, 4, 5])),
  ]);
  files['logo.svg'] = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="teal"/></svg>');
  // Light in bytes but 4000 px wide: oversized by width alone.
  files['drone.webp'] = await sharp({ create: { width: 4000, height: 2000, channels: 3, background: { r: 60, g: 140, b: 60 } } })
    .webp({ quality: 80 })
    .withExif({ IFD0: { Make: 'Drone' }, IFD3: GPS })
    .toBuffer();
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
  docPath = join(dir, 'report.md');
  writeFileSync(docPath, MARKDOWN);
  host = await createHost({ plugins: BASE_PLUGINS });
}, 60_000);

afterAll(async () => {
  await host?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const asset = (r: PipelineResult, url: string) => r.document.assets[url] as Asset & { data: Uint8Array };
const findings = (r: PipelineResult, rule: string) => (r.analysis?.findings ?? []).filter((f: Finding) => f.rule === rule);

describe('the images transform in an HTML export', () => {
  let result: PipelineResult;
  beforeAll(async () => {
    result = await host.exportPipeline(['html']).run(host.readInput(docPath));
  }, 60_000);

  it('removes EXIF and GPS, turns the photo upright and downscales it to maxWidth', async () => {
    const out = asset(result, 'photo.jpg');
    const meta = await sharp(out.data).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    // Shown 3000 × 4000 (portrait) → 2400 × 3200, aspect ratio kept.
    expect([meta.width, meta.height]).toEqual([2400, 3200]);
    expect([out.width, out.height]).toEqual([2400, 3200]);
    expect(out.data.byteLength).toBeLessThan(files['photo.jpg']?.byteLength ?? 0);
    // Orientation 6 turns the stored image clockwise: its red left half is now the top half.
    const { data } = await sharp(out.data).extract({ left: 1100, top: 100, width: 200, height: 200 }).raw().toBuffer({ resolveWithObject: true });
    const [red, , blue] = [0, 1, 2].map((c) => data.filter((_, i) => i % 3 === c).reduce((s, v) => s + v, 0) / (data.length / 3));
    expect(red).toBeGreaterThan(150);
    expect(blue).toBeLessThan(80);
  });

  it('leaves a small clean image byte for byte as it was, and the SVG as well', () => {
    expect(Buffer.from(asset(result, 'small.png').data).equals(files['small.png'] as Buffer)).toBe(true);
    expect(Buffer.from(asset(result, 'logo.svg').data).equals(files['logo.svg'] as Buffer)).toBe(true);
  });

  it('strips PNG text and time chunks without touching a pixel', async () => {
    const out = asset(result, 'meta.png').data;
    const text = Buffer.from(out).toString('latin1');
    expect(text).not.toContain('tEXt');
    expect(text).not.toContain('Jane Doe');
    expect(text).not.toContain('tIME');
    const [before, after] = await Promise.all([sharp(files['meta.png']).raw().toBuffer(), sharp(out).raw().toBuffer()]);
    expect(after.equals(before)).toBe(true);
    expect(out.byteLength).toBeLessThan(files['meta.png']?.byteLength ?? 0);
  });

  it('removes GPS from the WebP and downscales it, keeping WebP (HTML and PDF take it)', async () => {
    const out = asset(result, 'drone.webp');
    const meta = await sharp(out.data).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.exif).toBeUndefined();
    expect([meta.width, meta.height]).toEqual([2400, 1200]);
  });

  it('puts the processed images in the HTML page', () => {
    const html = new TextDecoder().decode(result.outputs[0]?.data);
    const images = htmlImages(html);
    const photoOut = images.find((i) => i.mediaType === 'image/jpeg');
    expect(photoOut?.data.equals(Buffer.from(asset(result, 'photo.jpg').data))).toBe(true);
    expect(html).toContain('width="2400"');
    expect(html).not.toContain('TestCam');
    expect(images.some((i) => i.data.includes(Buffer.from('TestCam')))).toBe(false);
  });
});

describe('the images transform in a DOCX export', () => {
  it('embeds the smaller, clean photo, and a PNG rendering of the WebP at its new size', async () => {
    const result = await host.exportPipeline(['docx']).run(host.readInput(docPath));
    expect(result.failures).toEqual([]);
    const media = [...unzip(result.outputs[0]?.data as Uint8Array)].filter(([name]) => name.startsWith('word/media/'));
    const photoOut = Buffer.from(asset(result, 'photo.jpg').data);
    const jpeg = media.find(([, data]) => data.equals(photoOut));
    expect(jpeg, 'the processed photo is in word/media').toBeDefined();
    expect(photoOut.byteLength).toBeLessThan((files['photo.jpg'] as Buffer).byteLength);
    for (const [, data] of media) expect(data.includes(Buffer.from('TestCam'))).toBe(false);
    // DOCX cannot take WebP: the assets transform made a PNG rendering, this transform remade it from the new pixels.
    const drone = asset(result, 'drone.webp');
    expect(drone.fallbackPng).toBeDefined();
    const fallback = await sharp(drone.fallbackPng).metadata();
    expect([fallback.format, fallback.width, fallback.height, fallback.exif]).toEqual(['png', 2400, 1200, undefined]);
    expect(media.some(([, data]) => data.equals(Buffer.from(drone.fallbackPng as Uint8Array)))).toBe(true);
  }, 60_000);
});

describe('the images checker', () => {
  let result: PipelineResult;
  beforeAll(async () => {
    result = await host.analyzePipeline(['images'], ['html']).run(host.readInput(docPath));
  }, 60_000);

  it('reports the oversized photo at its place, with its original size and what was done', () => {
    const [photoFinding, droneFinding, ...rest] = findings(result, 'images/oversized');
    expect(photoFinding?.position).toMatchObject({ line: 3, column: 1, endLine: 3 });
    expect(photoFinding?.severity).toBe('warning');
    expect(photoFinding?.message).toMatch(/photo\.jpg" was \d+(\.\d)? MB, 3000 × 4000 px/);
    expect(photoFinding?.message).toContain('downscaled to 2400 × 3200 px');
    expect(photoFinding?.data).toMatchObject({ originalWidth: 3000, originalHeight: 4000, width: 2400, actions: ['stripped', 'rotated', 'resized'] });
    // Light in bytes, but wider than 1.5 × maxWidth.
    expect(droneFinding?.position?.line).toBe(13);
    expect(droneFinding?.message).toMatch(
      /drone\.webp" was \d+ KB, 4000 × 2000 px, over 1\.5 × the 2400 px maximum width: metadata removed, downscaled to 2400 × 1200 px; now \d+ KB\./,
    );
    expect(rest).toEqual([]);
  });

  it('says which images had metadata removed, and which had GPS coordinates', () => {
    const removed = findings(result, 'images/metadata-removed');
    const byName = new Map(removed.map((f) => [f.excerpt, f]));
    expect(byName.get('photo.jpg')?.data).toMatchObject({ gps: true });
    expect(byName.get('photo.jpg')?.message).toContain('GPS coordinates');
    expect(byName.get('photo.jpg')?.severity).toBe('info');
    expect(byName.get('drone.webp')?.data).toMatchObject({ gps: true });
    expect(byName.get('meta.png')?.data).toMatchObject({ gps: false, metadata: ['text', 'timestamp'] });
    expect(byName.get('meta.png')?.position?.line).toBe(7);
    expect(byName.has('small.png')).toBe(false);
  });

  it('suggests a larger original for a small block image, not for the same image inline', () => {
    const low = findings(result, 'images/low-resolution');
    expect(low.map((f) => f.excerpt)).toEqual(['small.png']);
    expect(low[0]?.position).toMatchObject({ line: 11, column: 1 });
    expect(low[0]?.severity).toBe('suggestion');
  });

  it('measures the images', () => {
    const metric = result.analysis?.metrics.images as Record<string, number>;
    const shown = ['photo.jpg', 'small.png', 'meta.png', 'logo.svg', 'drone.webp'];
    const total = shown.reduce((s, u) => s + asset(result, u).data.byteLength, 0);
    expect(metric).toMatchObject({ count: 5, totalBytes: total, oversized: 2, withGps: 2, metadataRemoved: 3, resized: 2, lowResolution: 1 });
    expect(metric.originalBytes).toBeGreaterThan(metric.totalBytes as number);
  });

  it('warns that GPS coordinates stay in when the transform does not run', async () => {
    const r = await host.pipeline().use('importer:markdown').use('transform:assets').use('checker:images').run(host.readInput(docPath));
    const kept = findings(r, 'images/metadata-kept');
    const photoFinding = kept.find((f) => f.excerpt === 'photo.jpg');
    expect(photoFinding?.severity).toBe('warning');
    expect(photoFinding?.message).toContain('GPS');
    expect(findings(r, 'images/metadata-removed')).toEqual([]);
    // Not processed: its original size (as shown, upright) is what is reported.
    expect(findings(r, 'images/oversized')[0]?.message).toContain('embedded as it is');
  });
});

describe('configuration and contract', () => {
  it('converts to WebP for an HTML-only run with webForHtml, and not when DOCX is also made', async () => {
    const configured = await createHost({ plugins: BASE_PLUGINS, pluginConfig: { 'transform-images': { webForHtml: true } } });
    try {
      const html = await configured.exportPipeline(['html']).run(configured.readInput(docPath));
      expect(asset(html, 'photo.jpg').mediaType).toBe('image/webp');
      expect((await sharp(asset(html, 'photo.jpg').data).metadata()).format).toBe('webp');
      expect(htmlImages(new TextDecoder().decode(html.outputs[0]?.data)).some((i) => i.mediaType === 'image/webp')).toBe(true);
      const both = await configured.exportPipeline(['html', 'docx']).run(configured.readInput(docPath));
      expect(asset(both, 'photo.jpg').mediaType).toBe('image/jpeg');
      expect(asset(both, 'meta.png').mediaType).toBe('image/png');
    } finally {
      await configured.close();
    }
  }, 60_000);

  it('never downscales with maxWidth 0, but still turns upright and strips', async () => {
    const configured = await createHost({ plugins: BASE_PLUGINS, pluginConfig: { 'transform-images': { maxWidth: 0 } } });
    try {
      const r = await configured.exportPipeline(['html']).run(configured.readInput(docPath));
      const meta = await sharp(asset(r, 'photo.jpg').data).metadata();
      expect([meta.width, meta.height, meta.exif]).toEqual([3000, 4000, undefined]);
    } finally {
      await configured.close();
    }
  }, 60_000);

  it('does not change the document it is given', async () => {
    const before = await host
      .pipeline()
      .use('importer:markdown')
      .use('transform:assets')
      .run(host.readInput(docPath), { settings: [{ to: ['html'] }] });
    const doc: DocumentModel = before.document;
    const snapshot = Object.fromEntries(Object.entries(doc.assets).map(([url, a]) => [url, { a, data: Buffer.from(a.data ?? []), width: a.width }]));
    let transform: Transform | undefined;
    await plugin.setup({
      id: 'transform-images',
      version: '0.1.0',
      dir: SELF,
      config: {},
      importer() {},
      exporter() {},
      checker() {},
      onClose() {},
      transform(_id, implementation) {
        transform = implementation;
      },
    });
    const ctx = { settings: before.settings, config: {}, signal: new AbortController().signal, progress() {}, report() {} } as unknown as StepContext;
    const after = await (transform as Transform).transform(doc, ctx);
    expect(after).not.toBe(doc);
    for (const [url, s] of Object.entries(snapshot)) {
      expect(doc.assets[url]).toBe(s.a);
      expect(Buffer.from(doc.assets[url]?.data ?? []).equals(s.data)).toBe(true);
      expect(doc.assets[url]?.width).toBe(s.width);
    }
    expect(after.assets['photo.jpg']).not.toBe(doc.assets['photo.jpg']);
    expect(after.assets['small.png']).toBe(doc.assets['small.png']);
  }, 60_000);
});

describe('a huge document analysed in sections', () => {
  const report = fileURLToPath(new URL('../../../examples/documents/report.md', import.meta.url));
  const run = (file: string, sectionBytes?: number) =>
    host.analyzePipeline(['images']).run(host.readInput(file), { settings: sectionBytes ? [{ limits: { sectionBytes } }] : [] });
  const seen = (r: PipelineResult) => (r.analysis?.findings ?? []).map((f) => ({ rule: f.rule, position: f.position, message: f.message, data: f.data }));

  it('reports report.md in 9 parts exactly as whole', async () => {
    const whole = await run(report);
    const parted = await run(report, 4000);
    expect(parted.analysis?.sections).toBeGreaterThanOrEqual(5);
    expect(seen(parted)).toEqual(seen(whole));
    expect(parted.analysis?.metrics.images).toEqual(whole.analysis?.metrics.images);
    expect(parted.analysis?.metrics.images).toMatchObject({ count: 2 });
  }, 60_000);

  it('reports an image used in several parts once, at its first use and its first block use, with every use counted', async () => {
    const filler = 'Words that make the part long enough to stand on its own. '.repeat(3);
    const text = [
      '# One',
      `An inline icon ![icon](small.png) in a sentence. ${filler}`,
      '# Two',
      `![Annotated chart](meta.png)\n\n${filler}`,
      '# Three',
      `![Thumbnail](small.png)\n\n${filler}`,
      '# Four',
      `![Again](meta.png) and ![icon](small.png) ${filler}`,
      '',
    ].join('\n\n');
    const file = join(dir, 'parts.md');
    writeFileSync(file, text);
    const whole = await run(file);
    const parted = await run(file, 150);
    expect(parted.analysis?.sections).toBe(4);
    expect(seen(parted)).toEqual(seen(whole));
    expect(parted.analysis?.metrics.images).toEqual(whole.analysis?.metrics.images);
    expect(parted.analysis?.metrics.images).toMatchObject({ count: 2, lowResolution: 1, metadataRemoved: 1 });
    const low = findings(parted, 'images/low-resolution');
    expect(low.map((f) => [f.excerpt, f.position?.line, (f.data as { uses: number }).uses])).toEqual([['small.png', 13, 3]]);
    const removed = findings(parted, 'images/metadata-removed');
    expect(removed.map((f) => [f.excerpt, f.position?.line, (f.data as { uses: number }).uses])).toEqual([['meta.png', 7, 2]]);
  }, 60_000);
});

/**
 * Security tests of the `assets` transform: which images it reads, fetches and refuses, and what
 * it reports. Fixtures are made in a temporary folder outside the working directory (which is an
 * allowed root), so "outside the allowed folders" really is outside.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import { type Asset, createHost, type Diagnostic, type Host, type PipelineResult, type SettingsLayer, type SourceInput, sha256 } from '@export-ia/core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const PLUGINS = fileURLToPath(new URL('../../', import.meta.url));
const MARKDOWN = join(PLUGINS, 'importer-markdown');
const ASSETS = join(PLUGINS, 'transform-assets');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The layer every run starts from; tests add their own on top. */
const BASE: SettingsLayer = { allowRemote: true, remoteAllowHosts: ['127.0.0.1'], limits: { maxImagePixels: 1000 }, to: ['docx'] };

let host: Host;
let root: string; // the temporary tree: root/docs/nested holds the document
let docDir: string;
let outside: string; // another temporary folder, never an allowed root unless named

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG whose header declares `width` × `height` (truecolour, 8 bits), with a tiny, truncated IDAT. */
function pngDeclaring(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]);
}

const image = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 60 } } });
const svg = (width: number, height: number, extra = '') =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${extra}<rect width="${width}" height="${height}" fill="teal"/></svg>`;

async function run(markdown: string, layer: SettingsLayer = {}, dir = docDir): Promise<PipelineResult> {
  const bytes = new TextEncoder().encode(markdown);
  const input: SourceInput = { name: 'doc.md', dir, bytes, hash: sha256(bytes) };
  return host
    .pipeline()
    .use('importer:markdown')
    .use('transform:assets')
    .run(input, { settings: [layer, BASE] });
}

function assetOf(result: PipelineResult, url: string): Asset {
  const asset = result.document.assets[url];
  expect(asset, `no asset for ${url}; have ${Object.keys(result.document.assets).join(', ')}`).toBeDefined();
  return asset as Asset;
}

const codes = (result: PipelineResult): string[] => result.diagnostics.map((d) => d.code);

function only(result: PipelineResult, code: string): Diagnostic {
  expect(codes(result)).toEqual([code]);
  return result.diagnostics[0] as Diagnostic;
}

const isPng = (data: Uint8Array | undefined) => data !== undefined && Buffer.from(data.subarray(0, 8)).equals(PNG_SIGNATURE);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eia-assets-'));
  outside = mkdtempSync(join(tmpdir(), 'eia-assets-'));
  docDir = join(root, 'docs', 'nested');
  mkdirSync(docDir, { recursive: true });
  expect(root.startsWith(process.cwd())).toBe(false);

  await image(20, 10).png().toFile(join(docDir, 'pic.png'));
  await image(20, 10).png().toFile(join(docDir, 'photo.txt')); // a PNG with a wrong extension
  await image(12, 8).jpeg().toFile(join(docDir, 'jpeg.png'));
  await image(6, 4).gif().toFile(join(docDir, 'gif.jpg'));
  await image(16, 16).webp().toFile(join(docDir, 'webp.gif'));
  writeFileSync(join(docDir, 'vector.bin'), svg(10, 10));
  writeFileSync(join(docDir, 'vector.svg'), svg(10, 10));
  writeFileSync(join(docDir, 'x.png'), 'this is plain text, not an image\n');
  writeFileSync(join(docDir, 'bomb.png'), pngDeclaring(100_000, 100_000));
  writeFileSync(
    join(docDir, 'doctype.svg'),
    `<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n${svg(10, 10)}`,
  );
  writeFileSync(
    join(docDir, 'entity.svg'),
    `<?xml version="1.0"?>\n<!doctype svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n${svg(10, 10, '<text>&b;</text>')}`,
  );
  // The DOCTYPE hidden after 70 KB of comment, behind a decoy <svg> tag in the first comment.
  writeFileSync(
    join(docDir, 'late-doctype.svg'),
    `<?xml version="1.0"?>\n<!-- ${svg(10, 10)} -->\n<!-- ${'x'.repeat(70_000)} -->\n<!DOCTYPE svg [<!ENTITY a "aaaa">]>\n${svg(10, 10, '<text>&a;</text>')}`,
  );
  mkdirSync(join(docDir, 'folder.png'));

  await image(20, 10)
    .png()
    .toFile(join(root, 'docs', 'outside.png')); // ../outside.png from the document
  await image(20, 10).png().toFile(join(outside, 'secret.png'));
  symlinkSync(join(outside, 'secret.png'), join(docDir, 'link.png'));
  symlinkSync(outside, join(docDir, 'linkdir'));

  host = await createHost({ plugins: [MARKDOWN, ASSETS] });
});

afterAll(async () => {
  await host?.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('local images', () => {
  it('reads a PNG next to the document, with its size and type', async () => {
    const result = await run('# Title\n\n![a picture](pic.png)\n');
    expect(result.diagnostics).toEqual([]);
    const asset = assetOf(result, 'pic.png');
    expect(asset).toMatchObject({ url: 'pic.png', status: 'ok', mediaType: 'image/png', width: 20, height: 10 });
    expect(Buffer.from(asset.data ?? new Uint8Array()).equals(readFileSync(join(docDir, 'pic.png')))).toBe(true);
    expect(asset.fallbackPng).toBeUndefined(); // PNG needs no fallback, even for DOCX
  });

  it.each([
    ['photo.txt', 'image/png', 20, 10],
    ['jpeg.png', 'image/jpeg', 12, 8],
    ['gif.jpg', 'image/gif', 6, 4],
    ['webp.gif', 'image/webp', 16, 16],
    ['vector.bin', 'image/svg+xml', 10, 10],
  ])('identifies %s by content as %s', async (url, mediaType, width, height) => {
    const result = await run(`![x](${url})\n`, { to: ['html'] });
    expect(result.diagnostics).toEqual([]);
    expect(assetOf(result, url)).toMatchObject({ status: 'ok', mediaType, width, height });
  });

  it('reports a missing image with its line and column, as missing', async () => {
    const result = await run('# Title\n\nSome text.\n\nMore ![gone](nope/missing.png) text.\n');
    const d = only(result, 'EIA_IMAGE_MISSING');
    expect(d.severity).toBe('warning');
    expect(d.file).toBe('doc.md');
    expect(d.position).toEqual({ line: 5, column: 6 });
    expect(assetOf(result, 'nope/missing.png')).toMatchObject({ status: 'missing' });
    expect(assetOf(result, 'nope/missing.png').data).toBeUndefined();
  });

  it('refuses a text file named x.png as invalid', async () => {
    const result = await run('![x](x.png)\n');
    only(result, 'EIA_IMAGE_INVALID');
    expect(assetOf(result, 'x.png')).toMatchObject({ status: 'invalid' });
    expect(assetOf(result, 'x.png').data).toBeUndefined();
  });

  it('refuses a folder named like an image', async () => {
    const result = await run('![x](folder.png)\n');
    only(result, 'EIA_IMAGE_INVALID');
    expect(assetOf(result, 'folder.png').status).toBe('invalid');
  });

  it('refuses a PNG declaring 100000 × 100000 pixels from its header, quickly, even with default limits', async () => {
    const started = Date.now();
    const result = await run('![bomb](bomb.png)\n', { limits: { maxImagePixels: 60_000_000 } });
    expect(Date.now() - started).toBeLessThan(5000);
    const d = only(result, 'EIA_IMAGE_TOO_LARGE');
    expect(d.message).toContain('100000 × 100000');
    expect(assetOf(result, 'bomb.png')).toMatchObject({ status: 'invalid' });
    expect(assetOf(result, 'bomb.png').data).toBeUndefined();
  });

  it('refuses an image over limits.maxImagePixels (20 × 10 > 100)', async () => {
    const result = await run('![x](pic.png)\n', { limits: { maxImagePixels: 100 } });
    only(result, 'EIA_IMAGE_TOO_LARGE');
    expect(assetOf(result, 'pic.png').status).toBe('invalid');
  });

  it('refuses an SVG declaring a huge size before rendering it', async () => {
    const result = await run(`![x](data:image/svg+xml;base64,${Buffer.from(svg(100_000, 100_000)).toString('base64')})\n`);
    only(result, 'EIA_IMAGE_TOO_LARGE');
  });

  it('refuses a file over limits.maxImageBytes', async () => {
    const size = readFileSync(join(docDir, 'pic.png')).length;
    const result = await run('![x](pic.png)\n', { limits: { maxImageBytes: size - 1 } });
    only(result, 'EIA_IMAGE_TOO_LARGE');
    expect(assetOf(result, 'pic.png')).toMatchObject({ status: 'invalid' });
    expect(assetOf(result, 'pic.png').data).toBeUndefined();
    // …and exactly at the limit it is fine.
    const atLimit = await run('![x](pic.png)\n', { limits: { maxImageBytes: size } });
    expect(atLimit.diagnostics).toEqual([]);
  });
});

describe('local paths outside the allowed folders', () => {
  it('blocks ../outside.png (the parent of the document folder is not a root)', async () => {
    const result = await run('Text\n\n![x](../outside.png)\n');
    const d = only(result, 'EIA_IMAGE_OUTSIDE_ROOT');
    expect(d.position?.line).toBe(3);
    expect(assetOf(result, '../outside.png')).toMatchObject({ status: 'blocked' });
    expect(assetOf(result, '../outside.png').data).toBeUndefined();
  });

  it('blocks a percent-encoded ../', async () => {
    const result = await run('![x](%2e%2e/outside.png)\n');
    only(result, 'EIA_IMAGE_OUTSIDE_ROOT');
    expect(assetOf(result, '%2e%2e/outside.png').status).toBe('blocked');
  });

  it('blocks an absolute path to another temporary folder', async () => {
    const url = `<${join(outside, 'secret.png')}>`;
    const result = await run(`![x](${url})\n`);
    only(result, 'EIA_IMAGE_OUTSIDE_ROOT');
    expect(assetOf(result, join(outside, 'secret.png')).status).toBe('blocked');
  });

  it('blocks a symlink inside the document folder that points outside', async () => {
    const result = await run('![x](link.png)\n');
    only(result, 'EIA_IMAGE_OUTSIDE_ROOT');
    expect(assetOf(result, 'link.png')).toMatchObject({ status: 'blocked' });
    expect(assetOf(result, 'link.png').data).toBeUndefined();
  });

  it('blocks a file reached through a symlinked folder', async () => {
    const result = await run('![x](linkdir/secret.png)\n');
    only(result, 'EIA_IMAGE_OUTSIDE_ROOT');
    expect(assetOf(result, 'linkdir/secret.png').status).toBe('blocked');
  });

  it('allows the same images once their folders are resource paths', async () => {
    const result = await run('![a](../outside.png)\n\n![b](link.png)\n\n![c](linkdir/secret.png)\n', { resourcePaths: [join(root, 'docs'), outside] });
    expect(result.diagnostics).toEqual([]);
    for (const url of ['../outside.png', 'link.png', 'linkdir/secret.png']) {
      expect(assetOf(result, url)).toMatchObject({ status: 'ok', mediaType: 'image/png', width: 20, height: 10 });
    }
  });

  it('a resource path does not open its parent', async () => {
    const result = await run('![a](../outside.png)\n', { resourcePaths: [join(root, 'docs', 'elsewhere')] });
    only(result, 'EIA_IMAGE_OUTSIDE_ROOT');
  });

  it('blocks /etc/passwd as outside the roots', async () => {
    const result = await run('![x](/etc/passwd)\n');
    only(result, 'EIA_IMAGE_OUTSIDE_ROOT');
    expect(assetOf(result, '/etc/passwd')).toMatchObject({ status: 'blocked' });
    expect(assetOf(result, '/etc/passwd').data).toBeUndefined();
  });

  it('does not reveal whether a file outside the roots exists', async () => {
    const present = await run('![x](/etc/passwd)\n');
    const absent = await run('![x](/etc/no-such-file-eia.png)\n');
    expect(codes(absent)).toEqual(codes(present));
    expect(assetOf(absent, '/etc/no-such-file-eia.png').status).toBe(assetOf(present, '/etc/passwd').status);
  });

  it('blocks a protocol-relative //host/path (read as a local absolute path)', async () => {
    const result = await run('![x](//etc/passwd)\n');
    only(result, 'EIA_IMAGE_OUTSIDE_ROOT');
  });
});

describe('URL schemes', () => {
  it.each(['file:///etc/hostname', 'file://localhost/etc/passwd', 'javascript:alert(1)', 'ftp://example.com/a.png', 'gopher://127.0.0.1:6379/_x'])(
    'blocks %s',
    async (url) => {
      const result = await run(`![x](${url})\n`);
      only(result, 'EIA_IMAGE_REMOTE_BLOCKED');
      expect(assetOf(result, url)).toMatchObject({ status: 'blocked' });
      expect(assetOf(result, url).data).toBeUndefined();
    },
  );

  it('decodes a data: PNG', async () => {
    const png = await image(7, 5).png().toBuffer();
    const url = `data:image/png;base64,${png.toString('base64')}`;
    const result = await run(`![x](${url})\n`);
    expect(result.diagnostics).toEqual([]);
    const asset = assetOf(result, url);
    expect(asset).toMatchObject({ status: 'ok', mediaType: 'image/png', width: 7, height: 5 });
    expect(Buffer.from(asset.data ?? new Uint8Array()).equals(png)).toBe(true);
  });

  it('sniffs a data: URL by content, not by its declared type', async () => {
    const url = `data:image/png;base64,${Buffer.from('<html><script>alert(1)</script></html>').toString('base64')}`;
    const result = await run(`![x](${url})\n`);
    only(result, 'EIA_IMAGE_INVALID');
    expect(assetOf(result, url).status).toBe('invalid');
  });

  it('applies maxImageBytes to data: URLs', async () => {
    const png = await image(7, 5).png().toBuffer();
    const url = `data:image/png;base64,${png.toString('base64')}`;
    const result = await run(`![x](${url})\n`, { limits: { maxImageBytes: 10 } });
    only(result, 'EIA_IMAGE_TOO_LARGE');
  });

  it('decodes a percent-encoded data: SVG with a charset parameter', async () => {
    const url = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg(10, 10))}`;
    const result = await run(`![x](${url})\n`, { to: ['html'] });
    expect(result.diagnostics).toEqual([]);
    expect(assetOf(result, url)).toMatchObject({ status: 'ok', mediaType: 'image/svg+xml', width: 10, height: 10 });
  });

  it('turns a data: URL with broken percent-encoding into a warning, not a failed export', async () => {
    const url = 'data:image/svg+xml,%E0%A4%A';
    const result = await run(`![x](${url})\n`);
    only(result, 'EIA_IMAGE_INVALID');
    expect(assetOf(result, url).status).toBe('invalid');
  });
});

describe('SVG', () => {
  it.each(['doctype.svg', 'entity.svg', 'late-doctype.svg'])('refuses %s (DOCTYPE or entities)', async (url) => {
    const result = await run(`![x](${url})\n`);
    only(result, 'EIA_IMAGE_INVALID');
    expect(assetOf(result, url)).toMatchObject({ status: 'invalid' });
    expect(assetOf(result, url).data).toBeUndefined();
    expect(assetOf(result, url).fallbackPng).toBeUndefined();
  });

  it('gives an SVG a PNG fallback for DOCX', async () => {
    const result = await run('![x](vector.svg)\n', { to: ['docx'] });
    expect(result.diagnostics).toEqual([]);
    const asset = assetOf(result, 'vector.svg');
    expect(asset).toMatchObject({ status: 'ok', mediaType: 'image/svg+xml' });
    expect(isPng(asset.fallbackPng)).toBe(true);
    const meta = await sharp(asset.fallbackPng).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBeGreaterThan(0);
  });

  it('gives a WebP a PNG fallback for DOCX', async () => {
    const result = await run('![x](webp.gif)\n', { to: ['pdf', 'docx'] });
    expect(result.diagnostics).toEqual([]);
    expect(isPng(assetOf(result, 'webp.gif').fallbackPng)).toBe(true);
  });

  it('makes no fallback when no output needs one', async () => {
    const result = await run('![x](vector.svg)\n\n![y](webp.gif)\n', { to: ['html'] });
    expect(result.diagnostics).toEqual([]);
    expect(assetOf(result, 'vector.svg').status).toBe('ok');
    expect(assetOf(result, 'vector.svg').fallbackPng).toBeUndefined();
    expect(assetOf(result, 'webp.gif').fallbackPng).toBeUndefined();
  });
});

describe('deduplication', () => {
  it('resolves an image used twice once', async () => {
    const result = await run('![a](pic.png)\n\n![b](pic.png)\n\n![c][ref]\n\n[ref]: pic.png\n');
    expect(result.diagnostics).toEqual([]);
    expect(Object.keys(result.document.assets)).toEqual(['pic.png']);
  });

  it('warns once, at the first use, for a missing image used twice', async () => {
    const result = await run('![a](gone.png)\n\ntext\n\n![b](gone.png)\n');
    const d = only(result, 'EIA_IMAGE_MISSING');
    expect(d.position?.line).toBe(1);
    expect(Object.keys(result.document.assets)).toEqual(['gone.png']);
  });
});

describe('remote images', () => {
  let server: http.Server;
  let port: number;
  const hits: string[] = [];
  let pngBytes: Buffer;

  beforeAll(async () => {
    pngBytes = await image(9, 3).png().toBuffer();
    server = http.createServer((req, res) => {
      hits.push(req.url ?? '/');
      if (req.url === '/img.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(pngBytes);
      } else if (req.url === '/page.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end('<html>not an image</html>');
      } else if (req.url === '/bomb.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(pngDeclaring(100_000, 100_000));
      } else if (req.url === '/to-localhost') {
        res.writeHead(302, { location: `http://localhost:${port}/img.png` });
        res.end();
      } else if (req.url === '/slow.png') {
        // Never answers.
      } else if (req.url === '/to-file') {
        res.writeHead(302, { location: 'file:///etc/passwd' });
        res.end();
      } else {
        res.writeHead(404);
        res.end('not found');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(() => {
    hits.length = 0;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const url = (path: string) => `http://127.0.0.1:${port}${path}`;

  it('blocks remote images unless allowRemote is on, without connecting', async () => {
    const result = await run(`![x](${url('/img.png')})\n`, { allowRemote: false });
    only(result, 'EIA_IMAGE_REMOTE_BLOCKED');
    expect(assetOf(result, url('/img.png'))).toMatchObject({ status: 'blocked' });
    expect(hits).toEqual([]);
  });

  it('blocks a loopback server that is not allow-listed, without connecting', async () => {
    const result = await run(`![x](${url('/img.png')})\n`, { remoteAllowHosts: [] });
    only(result, 'EIA_IMAGE_REMOTE_BLOCKED');
    expect(assetOf(result, url('/img.png'))).toMatchObject({ status: 'blocked' });
    expect(hits).toEqual([]);
  });

  it('blocks localhost even when 127.0.0.1 is allow-listed', async () => {
    const u = `http://localhost:${port}/img.png`;
    const result = await run(`![x](${u})\n`);
    only(result, 'EIA_IMAGE_REMOTE_BLOCKED');
    expect(hits).toEqual([]);
  });

  it('fetches from an allow-listed host', async () => {
    const result = await run(`![x](${url('/img.png')})\n`);
    expect(result.diagnostics).toEqual([]);
    const asset = assetOf(result, url('/img.png'));
    expect(asset).toMatchObject({ status: 'ok', mediaType: 'image/png', width: 9, height: 3 });
    expect(Buffer.from(asset.data ?? new Uint8Array()).equals(pngBytes)).toBe(true);
    expect(hits).toEqual(['/img.png']);
  });

  it('blocks a redirect from the allowed host to one that is not', async () => {
    const result = await run(`![x](${url('/to-localhost')})\n`);
    only(result, 'EIA_IMAGE_REMOTE_BLOCKED');
    expect(hits).toEqual(['/to-localhost']);
  });

  it('blocks a redirect to file:', async () => {
    const result = await run(`![x](${url('/to-file')})\n`);
    only(result, 'EIA_IMAGE_REMOTE_BLOCKED');
  });

  it('reports a 404 as EIA_IMAGE_REMOTE_FAILED', async () => {
    const result = await run(`![x](${url('/nothing.png')})\n`);
    only(result, 'EIA_IMAGE_REMOTE_FAILED');
    expect(assetOf(result, url('/nothing.png')).data).toBeUndefined();
  });

  it('checks fetched bytes like local ones: not an image', async () => {
    const result = await run(`![x](${url('/page.png')})\n`);
    only(result, 'EIA_IMAGE_INVALID');
  });

  it('checks fetched bytes like local ones: pixel bomb', async () => {
    const result = await run(`![x](${url('/bomb.png')})\n`);
    only(result, 'EIA_IMAGE_TOO_LARGE');
  });

  it('stops a remote image over maxRemoteBytes', async () => {
    const result = await run(`![x](${url('/img.png')})\n`, { limits: { maxRemoteBytes: 10 } });
    only(result, 'EIA_IMAGE_REMOTE_FAILED');
  });

  it('gives up on a server that never answers after remoteTimeoutMs', async () => {
    const started = Date.now();
    const result = await run(`![x](${url('/slow.png')})\n`, { limits: { remoteTimeoutMs: 300 } });
    only(result, 'EIA_IMAGE_REMOTE_FAILED');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

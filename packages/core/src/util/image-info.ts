/**
 * Reads an image's type and pixel size from its header, without decoding it: cheap, and it lets
 * callers refuse decompression bombs (a tiny file declaring 100,000 × 100,000 pixels) before any
 * decoder allocates memory.
 */

export type ImageMediaType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'image/svg+xml';

export interface ImageInfo {
  mediaType: ImageMediaType;
  width: number;
  height: number;
}

function u16be(b: Uint8Array, i: number): number {
  return ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
}
function u16le(b: Uint8Array, i: number): number {
  return (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
}
function u24le(b: Uint8Array, i: number): number {
  return u16le(b, i) | ((b[i + 2] ?? 0) << 16);
}
function u32be(b: Uint8Array, i: number): number {
  return ((b[i] ?? 0) * 0x1000000 + (((b[i + 1] ?? 0) << 16) | ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0))) >>> 0;
}
function ascii(b: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...b.subarray(start, end));
}

function png(b: Uint8Array): ImageInfo | undefined {
  // Signature, then the IHDR chunk must come first.
  if (b.length < 24 || ascii(b, 12, 16) !== 'IHDR') return undefined;
  return { mediaType: 'image/png', width: u32be(b, 16), height: u32be(b, 20) };
}

function jpeg(b: Uint8Array): ImageInfo | undefined {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1] ?? 0;
    if (marker === 0xff) {
      i += 1;
      continue;
    }
    const length = u16be(b, i + 2);
    // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { mediaType: 'image/jpeg', height: u16be(b, i + 5), width: u16be(b, i + 7) };
    }
    if (length < 2) return undefined;
    i += 2 + length;
  }
  return undefined;
}

function gif(b: Uint8Array): ImageInfo | undefined {
  if (b.length < 10) return undefined;
  return { mediaType: 'image/gif', width: u16le(b, 6), height: u16le(b, 8) };
}

function webp(b: Uint8Array): ImageInfo | undefined {
  if (b.length < 30) return undefined;
  const chunk = ascii(b, 12, 16);
  if (chunk === 'VP8 ') return { mediaType: 'image/webp', width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = (b[21] ?? 0) | ((b[22] ?? 0) << 8) | ((b[23] ?? 0) << 16) | ((b[24] ?? 0) << 24);
    return { mediaType: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') return { mediaType: 'image/webp', width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  return undefined;
}

function svgLength(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^\s*([0-9]*\.?[0-9]+)\s*(px|pt|mm|cm|in)?\s*$/.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 'px';
  const factor: Record<string, number> = { px: 1, pt: 4 / 3, mm: 96 / 25.4, cm: 96 / 2.54, in: 96 };
  return n * (factor[unit] ?? 1);
}

function svg(b: Uint8Array): ImageInfo | undefined {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, 4096));
  const tag = /<svg\b[^>]*>/i.exec(head)?.[0];
  if (!tag) return undefined;
  const attr = (name: string) => new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`, 'i').exec(tag)?.[1];
  let width = svgLength(attr('width'));
  let height = svgLength(attr('height'));
  const viewBox = attr('viewBox')
    ?.trim()
    .split(/[\s,]+/)
    .map(Number);
  if (viewBox && viewBox.length === 4 && viewBox.every(Number.isFinite)) {
    const [, , vw = 0, vh = 0] = viewBox;
    if (width === undefined && height === undefined) {
      width = vw;
      height = vh;
    } else if (width === undefined && height !== undefined && vh > 0) width = (height * vw) / vh;
    else if (height === undefined && width !== undefined && vw > 0) height = (width * vh) / vw;
  }
  return { mediaType: 'image/svg+xml', width: Math.round(width ?? 300), height: Math.round(height ?? 150) };
}

/** Identifies PNG, JPEG, GIF, WebP and SVG by content (never by extension) and reads the size. */
export function readImageInfo(bytes: Uint8Array): ImageInfo | undefined {
  const b = bytes;
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return png(b);
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpeg(b);
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return gif(b);
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return webp(b);
  const start = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, 512)).trimStart();
  if (start.startsWith('<?xml') || start.startsWith('<svg') || start.startsWith('<!--')) return svg(b);
  return undefined;
}

/**
 * Reads and removes metadata in the image containers themselves (JPEG segments, PNG chunks,
 * WebP RIFF chunks), without decoding a pixel: finding metadata costs microseconds, and removing
 * it this way is lossless, so an image that only needs its metadata removed is never re-encoded.
 * What is kept is what rendering needs (ICC profiles, transparency, gamma, animation); everything
 * else (EXIF, GPS, XMP, IPTC, comments, text chunks, maker data, appended images) is dropped.
 */

/** What a container holds besides pixels. */
export interface ContainerInfo {
  /** Metadata kinds found (`EXIF`, `XMP`, `IPTC`, `comment`, `text`, `timestamp`, `other`), each once. */
  metadata: string[];
  /** GPS coordinates found (in EXIF or XMP). */
  gps: boolean;
  /** EXIF orientation, 1 (upright) when absent. */
  orientation: number;
  /** An animation (APNG, animated WebP): never resized or rotated, only stripped. */
  animated: boolean;
  /** A lossless WebP (VP8L): re-encoded losslessly too. */
  lossless: boolean;
}

const u16be = (b: Uint8Array, i: number) => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
const u32be = (b: Uint8Array, i: number) => ((b[i] ?? 0) * 0x1000000 + (((b[i + 1] ?? 0) << 16) | ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0))) >>> 0;
const u32le = (b: Uint8Array, i: number) => ((b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16)) + (b[i + 3] ?? 0) * 0x1000000;
const ascii = (b: Uint8Array, start: number, end: number) => String.fromCharCode(...b.subarray(start, Math.min(end, b.length)));

function startsWith(b: Uint8Array, at: number, text: string): boolean {
  if (at + text.length > b.length) return false;
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.byteLength;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

class Found {
  readonly kinds = new Set<string>();
  gps = false;
  orientation = 1;
  animated = false;
  lossless = false;
  info(): ContainerInfo {
    return { metadata: [...this.kinds], gps: this.gps, orientation: this.orientation, animated: this.animated, lossless: this.lossless };
  }
}

// ── EXIF (a TIFF structure) ─────────────────────────────────────────────────────────────

const TAG_ORIENTATION = 0x0112;
const TAG_GPS_IFD = 0x8825;
const TAG_GPS_LATITUDE = 0x0002;
const TAG_GPS_LONGITUDE = 0x0004;
const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8 };

/** Reads the orientation and whether GPS coordinates are present from a TIFF-structured EXIF block. */
function readExif(tiff: Uint8Array, found: Found): void {
  found.kinds.add('EXIF');
  const b = startsWith(tiff, 0, 'Exif\0\0') ? tiff.subarray(6) : tiff;
  const le = startsWith(b, 0, 'II');
  if (!le && !startsWith(b, 0, 'MM')) return;
  const u16 = (i: number) => (le ? (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) : u16be(b, i));
  const u32 = (i: number) => (le ? u32le(b, i) : u32be(b, i));
  /** Entries of the IFD at `offset`: tag → offset of its 12-byte entry. */
  const entries = (offset: number): Map<number, number> => {
    const out = new Map<number, number>();
    if (offset < 8 || offset + 2 > b.length) return out;
    const count = Math.min(u16(offset), Math.floor((b.length - offset - 2) / 12));
    for (let k = 0; k < count; k++) out.set(u16(offset + 2 + k * 12), offset + 2 + k * 12);
    return out;
  };
  const ifd0 = entries(u32(4));
  const orientation = ifd0.get(TAG_ORIENTATION);
  if (orientation !== undefined) {
    const value = u16(orientation + 8);
    if (value >= 1 && value <= 8) found.orientation = value;
  }
  const gpsEntry = ifd0.get(TAG_GPS_IFD);
  if (gpsEntry === undefined) return;
  const gps = entries(u32(gpsEntry + 8));
  // Some cameras write a GPS directory without a fix (0/1 0/1 0/1): only real coordinates count.
  for (const tag of [TAG_GPS_LATITUDE, TAG_GPS_LONGITUDE]) {
    const entry = gps.get(tag);
    if (entry === undefined) continue;
    const type = u16(entry + 2);
    const count = Math.min(u32(entry + 4), 8);
    const size = (TYPE_SIZES[type] ?? 1) * count;
    const at = size <= 4 ? entry + 8 : u32(entry + 8);
    if (at + size > b.length) continue;
    // Rationals: numerator then denominator; a zero numerator is a zero coordinate part.
    const step = type === 5 || type === 10 ? 8 : (TYPE_SIZES[type] ?? 1);
    for (let k = 0; k < count; k++) {
      if (b.subarray(at + k * step, at + k * step + Math.min(step, 4)).some((byte) => byte !== 0)) found.gps = true;
    }
  }
}

function readXmp(xmp: Uint8Array, found: Found): void {
  found.kinds.add('XMP');
  if (/GPS(?:Latitude|Longitude)/.test(new TextDecoder('latin1').decode(xmp))) found.gps = true;
}

// ── JPEG ────────────────────────────────────────────────────────────────────────────────

const XMP_ID = 'http://ns.adobe.com/xap/1.0/\0';
const XMP_EXTENSION_ID = 'http://ns.adobe.com/xmp/extension/\0';

/** Whether a JPEG marker segment is needed to render the image (APP0 JFIF, APP2 ICC, APP14 Adobe). */
function jpegKeeps(b: Uint8Array, marker: number, start: number): boolean {
  if (marker === 0xe0) return startsWith(b, start, 'JFIF\0') || startsWith(b, start, 'JFXX\0');
  if (marker === 0xe2) return startsWith(b, start, 'ICC_PROFILE\0');
  if (marker === 0xee) return startsWith(b, start, 'Adobe');
  return !(marker >= 0xe0 && marker <= 0xef) && marker !== 0xfe;
}

function jpegNotes(b: Uint8Array, marker: number, start: number, end: number, found: Found): void {
  const body = b.subarray(start, end);
  if (marker === 0xe1 && startsWith(body, 0, 'Exif\0\0')) readExif(body.subarray(6), found);
  else if (marker === 0xe1 && (startsWith(body, 0, XMP_ID) || startsWith(body, 0, XMP_EXTENSION_ID))) readXmp(body, found);
  else if (marker === 0xed) found.kinds.add('IPTC');
  else if (marker === 0xfe) found.kinds.add('comment');
  else found.kinds.add('other');
}

/**
 * Walks a JPEG's segments through every scan to EOI. Returns the kept byte ranges, or undefined
 * when the structure is not understood (then nothing is stripped losslessly).
 */
function walkJpeg(b: Uint8Array, found: Found): Array<[number, number]> | undefined {
  if (b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  const kept: Array<[number, number]> = [[0, 2]];
  let i = 2;
  while (i + 1 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1] ?? 0;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0xd9) {
      kept.push([i, i + 2]);
      // Anything after EOI (appended MPF images, depth maps, maker trailers) is dropped.
      if (i + 2 < b.length) found.kinds.add('other');
      return kept;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      kept.push([i, i + 2]);
      i += 2;
      continue;
    }
    const length = u16be(b, i + 2);
    if (length < 2 || i + 2 + length > b.length) return undefined;
    const end = i + 2 + length;
    if (jpegKeeps(b, marker, i + 4)) kept.push([i, end]);
    else jpegNotes(b, marker, i + 4, end, found);
    i = end;
    if (marker === 0xda) {
      // Entropy-coded data: a 0xFF in it is followed by 0x00 (stuffing) or a restart marker.
      let j = i;
      while (j + 1 < b.length && !(b[j] === 0xff && b[j + 1] !== 0x00 && !((b[j + 1] ?? 0) >= 0xd0 && (b[j + 1] ?? 0) <= 0xd7))) j++;
      if (j + 1 >= b.length) {
        // Truncated before EOI: viewers show what is there, so it is kept; the metadata before it still goes.
        kept.push([i, b.length]);
        return kept;
      }
      kept.push([i, j]);
      i = j;
    }
  }
  return undefined;
}

// ── PNG ─────────────────────────────────────────────────────────────────────────────────

/** Ancillary chunks that change how the image looks (or moves); every other ancillary chunk is metadata. */
const PNG_RENDERING = new Set(['tRNS', 'gAMA', 'cHRM', 'sRGB', 'iCCP', 'sBIT', 'bKGD', 'pHYs', 'cICP', 'mDCv', 'cLLi', 'acTL', 'fcTL', 'fdAT']);
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function walkPng(b: Uint8Array, found: Found): Array<[number, number]> | undefined {
  if (!PNG_SIGNATURE.every((v, k) => b[k] === v)) return undefined;
  const kept: Array<[number, number]> = [[0, 8]];
  let i = 8;
  while (i + 12 <= b.length) {
    const length = u32be(b, i);
    const type = ascii(b, i + 4, i + 8);
    const end = i + 12 + length;
    if (end > b.length) return undefined;
    const critical = (type.charCodeAt(0) & 0x20) === 0;
    if (critical || PNG_RENDERING.has(type)) {
      kept.push([i, end]);
      if (type === 'acTL') found.animated = true;
      if (type === 'IEND') return kept;
    } else if (type === 'eXIf') readExif(b.subarray(i + 8, end - 4), found);
    else if (type === 'iTXt' && startsWith(b, i + 8, 'XML:com.adobe.xmp\0')) readXmp(b.subarray(i + 8, end - 4), found);
    else if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') found.kinds.add('text');
    else if (type === 'tIME') found.kinds.add('timestamp');
    else found.kinds.add('other');
    i = end;
  }
  return undefined;
}

// ── WebP ────────────────────────────────────────────────────────────────────────────────

const WEBP_RENDERING = new Set(['VP8 ', 'VP8L', 'VP8X', 'ALPH', 'ANIM', 'ANMF', 'ICCP']);

function walkWebp(b: Uint8Array, found: Found): Array<[number, number]> | undefined {
  if (!startsWith(b, 0, 'RIFF') || !startsWith(b, 8, 'WEBP')) return undefined;
  const kept: Array<[number, number]> = [];
  const end = Math.min(b.length, 8 + u32le(b, 4));
  let i = 12;
  while (i + 8 <= end) {
    const type = ascii(b, i, i + 4);
    const size = u32le(b, i + 4);
    const next = i + 8 + size + (size % 2);
    if (i + 8 + size > end) return undefined;
    if (WEBP_RENDERING.has(type)) {
      kept.push([i, Math.min(next, end)]);
      if (type === 'ANIM') found.animated = true;
      if (type === 'VP8L') found.lossless = true;
    } else if (type === 'EXIF') readExif(b.subarray(i + 8, i + 8 + size), found);
    else if (type === 'XMP ') readXmp(b.subarray(i + 8, i + 8 + size), found);
    else found.kinds.add('other');
    i = next;
  }
  return kept;
}

type MediaType = 'image/png' | 'image/jpeg' | 'image/webp';

const WALKERS: Record<MediaType, (b: Uint8Array, found: Found) => Array<[number, number]> | undefined> = {
  'image/jpeg': walkJpeg,
  'image/png': walkPng,
  'image/webp': walkWebp,
};

/** The raster types this module understands. */
export function isRaster(mediaType: string | undefined): mediaType is MediaType {
  return mediaType === 'image/png' || mediaType === 'image/jpeg' || mediaType === 'image/webp';
}

/** What an EXIF block (with or without its `Exif\0\0` prefix) and an XMP packet say, as sharp's metadata() returns them. */
export function inspectBlocks(exif: Uint8Array | undefined, xmp: Uint8Array | undefined): ContainerInfo {
  const found = new Found();
  if (exif) readExif(exif, found);
  if (xmp) readXmp(xmp, found);
  return found.info();
}

/** What an image holds besides pixels; undefined when its container cannot be walked. */
export function inspect(data: Uint8Array, mediaType: MediaType): ContainerInfo | undefined {
  const found = new Found();
  return WALKERS[mediaType](data, found) ? found.info() : undefined;
}

/**
 * The image without its metadata, byte for byte otherwise (no pixel is decoded or re-encoded),
 * with what was found; undefined when the container cannot be walked.
 */
export function strip(data: Uint8Array, mediaType: MediaType): { data: Uint8Array; info: ContainerInfo } | undefined {
  const found = new Found();
  const ranges = WALKERS[mediaType](data, found);
  if (!ranges) return undefined;
  const info = found.info();
  if (info.metadata.length === 0) return { data, info };
  const parts = ranges.map(([start, end]) => data.subarray(start, end));
  if (mediaType !== 'image/webp') return { data: concat(parts), info };
  // WebP: clear the EXIF and XMP flags of the extended header and write the new RIFF size.
  const body = concat(parts.map((p) => (startsWith(p, 0, 'VP8X') ? clearWebpFlags(p) : p)));
  const header = new Uint8Array(12);
  header.set([0x52, 0x49, 0x46, 0x46]); // RIFF
  new DataView(header.buffer).setUint32(4, body.byteLength + 4, true);
  header.set([0x57, 0x45, 0x42, 0x50], 8); // WEBP
  return { data: concat([header, body]), info };
}

function clearWebpFlags(chunk: Uint8Array): Uint8Array {
  const copy = chunk.slice();
  copy[8] = (copy[8] ?? 0) & ~0x0c;
  return copy;
}

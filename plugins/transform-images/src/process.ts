/**
 * Processing of one raster image: decide what it needs (nothing, metadata removal, rotation to
 * its EXIF orientation, downscaling, WebP for HTML), then do the least work that achieves it:
 * the same bytes when nothing is needed, lossless container stripping when only metadata goes,
 * and a sharp re-encode only when pixels must change. Results are cached by content hash.
 */
import { createHash } from 'node:crypto';
import type { Asset } from '@export-ia/core/plugin';
import { type ContainerInfo, inspect, inspectBlocks, isRaster, strip } from './containers.js';

type RasterType = 'image/png' | 'image/jpeg' | 'image/webp';

export interface ImageOptions {
  /** Widest output in pixels; 0 = never downscale. */
  maxWidth: number;
  /** JPEG and lossy WebP quality when an image is re-encoded. */
  quality: number;
  /** Try WebP for PNG and JPEG images (kept only when smaller). */
  webp: boolean;
  /** sharp's decoder limit: the run's `limits.maxImagePixels`, as the assets transform uses. */
  limitInputPixels: number;
}

export type ImageAction = 'stripped' | 'rotated' | 'resized' | 'converted';

/** What was done to one image, for the checker and for messages. */
export interface ImageRecord {
  originalBytes: number;
  /** Size as displayed, after the EXIF orientation. */
  originalWidth: number;
  originalHeight: number;
  originalMediaType: string;
  /** Metadata kinds found and removed (`EXIF`, `XMP`, `IPTC`, `comment`, `text`, `timestamp`, `other`). */
  metadata: string[];
  /** GPS coordinates were present. */
  gps: boolean;
  /** What was done, in order. Empty: the image is byte for byte the input. */
  actions: ImageAction[];
  /** Why processing fell short (pixels that cannot be decoded). */
  error?: string;
}

interface Result {
  data: Uint8Array;
  mediaType: RasterType;
  width: number;
  height: number;
  fallbackPng?: Uint8Array;
  record: ImageRecord;
}

/** Results by content hash and options: the same logo or photo comes back in re-exports and batches. */
const cache = new Map<string, Result>();
let cacheBytes = 0;
const CACHE_ENTRIES = 64;
const CACHE_BYTES = 128 * 1024 * 1024;
const sizeOf = (r: Result) => r.data.byteLength + (r.fallbackPng?.byteLength ?? 0);

function remember(key: string, value: Result): void {
  if (sizeOf(value) > CACHE_BYTES / 4) return;
  cache.set(key, value);
  cacheBytes += sizeOf(value);
  for (const [k, v] of cache) {
    if (cache.size <= CACHE_ENTRIES && cacheBytes <= CACHE_BYTES) break;
    cache.delete(k);
    cacheBytes -= sizeOf(v);
  }
}

type Sharp = typeof import('sharp');
let sharpModule: Promise<Sharp> | undefined;
/** sharp (native, ≈ 30 ms to load) is imported on the first image that needs pixels. */
function loadSharp(): Promise<Sharp> {
  sharpModule ??= import('sharp').then((m) => m.default);
  return sharpModule;
}

/** WebP encoder effort (0–6, sharp's default 4): 2 halves the time of a 6-megapixel encode for a few percent of size. */
const WEBP_EFFORT = 2;

/** Orientations 5–8 turn the image a quarter: width and height swap. */
const swapsAxes = (orientation: number) => orientation >= 5 && orientation <= 8;

/**
 * Processes one asset: the same asset object when nothing needed doing, a new asset otherwise
 * (the input is never changed), with what was done. Undefined for assets that are not usable
 * PNG, JPEG or WebP images (GIF, SVG and placeholders are left alone).
 */
export async function processAsset(asset: Asset, options: ImageOptions): Promise<{ asset: Asset; record: ImageRecord } | undefined> {
  const { data, mediaType, width, height } = asset;
  if (asset.status !== 'ok' || !data || !isRaster(mediaType) || !width || !height) return undefined;
  const hash = createHash('sha256').update(data).digest('hex');
  const key = `${hash}:${options.maxWidth}:${options.quality}:${options.webp}:${options.limitInputPixels}:${asset.fallbackPng ? 1 : 0}`;
  let result = cache.get(key);
  if (!result) {
    result = await compute(data, mediaType, width, height, options, asset.fallbackPng !== undefined);
    remember(key, result);
  }
  if (result.record.actions.length === 0) return { asset, record: result.record };
  const out: Asset = { ...asset, data: result.data, mediaType: result.mediaType, width: result.width, height: result.height };
  if (result.fallbackPng) out.fallbackPng = result.fallbackPng;
  return { asset: out, record: result.record };
}

/** What the container holds; sharp's header reader for containers the walker does not understand. */
async function metadataOf(data: Uint8Array, mediaType: RasterType, limitInputPixels: number): Promise<{ info: ContainerInfo; walkable: boolean }> {
  const walked = inspect(data, mediaType);
  if (walked) return { info: walked, walkable: true };
  const sharp = await loadSharp();
  const m = await sharp(data, { limitInputPixels }).metadata();
  const info = inspectBlocks(m.exif, m.xmp);
  if (m.iptc) info.metadata.push('IPTC');
  if (m.comments?.length) info.metadata.push('text');
  info.orientation = m.orientation ?? 1;
  info.animated = (m.pages ?? 1) > 1;
  return { info, walkable: false };
}

async function compute(data: Uint8Array, mediaType: RasterType, width: number, height: number, options: ImageOptions, fallback: boolean): Promise<Result> {
  let info: ContainerInfo;
  let walkable: boolean;
  try {
    ({ info, walkable } = await metadataOf(data, mediaType, options.limitInputPixels));
  } catch (err) {
    const record = { originalBytes: data.byteLength, originalWidth: width, originalHeight: height, originalMediaType: mediaType };
    return { data, mediaType, width, height, record: { ...record, metadata: [], gps: false, actions: [], error: (err as Error).message } };
  }
  const orientation = info.animated ? 1 : info.orientation;
  // The header's size is before orientation; readers see it after.
  const [shownWidth, shownHeight] = swapsAxes(orientation) ? [height, width] : [width, height];
  const record: ImageRecord = {
    originalBytes: data.byteLength,
    originalWidth: shownWidth,
    originalHeight: shownHeight,
    originalMediaType: mediaType,
    metadata: info.metadata,
    gps: info.gps,
    actions: [],
  };
  const rotate = orientation !== 1;
  const resize = options.maxWidth > 0 && shownWidth > options.maxWidth && !info.animated;
  const convert = options.webp && mediaType !== 'image/webp' && !info.animated;
  const hasMetadata = info.metadata.length > 0;
  const same = { data, mediaType, width, height, record };

  // Pixels stay as they are: drop the metadata from the container, losslessly.
  let base = same;
  if (!rotate && !resize && hasMetadata && walkable) {
    const stripped = strip(data, mediaType);
    if (stripped) {
      record.actions.push('stripped');
      base = { ...same, data: stripped.data };
    }
  }
  if (!rotate && !resize && !convert && (!hasMetadata || base !== same)) return base;

  try {
    const sharp = await loadSharp();
    // sharp writes no metadata unless asked (no withMetadata/keepExif); only the colour profile is kept.
    let pipeline = sharp(base.data, { limitInputPixels: options.limitInputPixels }).rotate().keepIccProfile();
    if (resize) pipeline = pipeline.resize({ width: options.maxWidth, withoutEnlargement: true });
    let out: Result = base;
    if (rotate || resize || (!walkable && hasMetadata)) {
      const encoded =
        mediaType === 'image/jpeg'
          ? pipeline.clone().jpeg({ quality: options.quality })
          : mediaType === 'image/png'
            ? pipeline.clone().png({ palette: data[25] === 3 }) // IHDR colour type 3: keep a palette image paletted
            : pipeline.clone().webp(info.lossless ? { lossless: true, effort: WEBP_EFFORT } : { quality: options.quality, effort: WEBP_EFFORT });
      const { data: bytes, info: size } = await encoded.toBuffer({ resolveWithObject: true });
      if (hasMetadata) record.actions.push('stripped');
      if (rotate) record.actions.push('rotated');
      if (resize) record.actions.push('resized');
      out = { data: new Uint8Array(bytes), mediaType, width: size.width, height: size.height, record };
    }
    if (convert) {
      // Photographs lossy, drawings and screenshots (PNG) lossless; kept only when smaller.
      const webp =
        mediaType === 'image/png' ? pipeline.webp({ lossless: true, effort: WEBP_EFFORT }) : pipeline.webp({ quality: options.quality, effort: WEBP_EFFORT });
      const { data: bytes, info: size } = await webp.toBuffer({ resolveWithObject: true });
      if (bytes.byteLength < out.data.byteLength) {
        record.actions.push('converted');
        out = { data: new Uint8Array(bytes), mediaType: 'image/webp', width: size.width, height: size.height, record };
      }
    }
    if (fallback && out.mediaType === 'image/webp' && (rotate || resize || out.mediaType !== mediaType)) {
      // Exporters that cannot take WebP (DOCX) use this rendering: it follows the new pixels.
      out.fallbackPng = new Uint8Array(await sharp(out.data, { limitInputPixels: options.limitInputPixels }).png().toBuffer());
    }
    return out;
  } catch (err) {
    // Pixels that cannot be decoded: what the container walk removed stays removed.
    record.error = (err as Error).message;
    record.actions = base === same ? [] : ['stripped'];
    return base;
  }
}

/**
 * One image through `processAsset`: the choices the transform makes that the end-to-end tests
 * do not reach (lossless WebP, truncated files, the content-hash cache).
 */
import type { Asset } from '@export-ia/core/plugin';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { inspect } from '../src/containers.js';
import { type ImageOptions, processAsset } from '../src/process.js';

const OPTIONS: ImageOptions = { maxWidth: 1000, quality: 85, webp: false, limitInputPixels: 60_000_000 };
const GPS = { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 3/1' };

function assetOf(data: Buffer, mediaType: Asset['mediaType'], width: number, height: number): Asset {
  return { url: 'x', status: 'ok', mediaType, width, height, data: new Uint8Array(data) };
}

describe('processAsset', () => {
  it('keeps a lossless WebP lossless when it downscales it', async () => {
    const webp = await sharp({ create: { width: 1600, height: 400, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } } })
      .webp({ lossless: true })
      .toBuffer();
    const out = await processAsset(assetOf(webp, 'image/webp', 1600, 400), OPTIONS);
    expect(out?.record.actions).toEqual(['resized']);
    expect([out?.asset.width, out?.asset.height]).toEqual([1000, 250]);
    expect(inspect(out?.asset.data as Uint8Array, 'image/webp')?.lossless).toBe(true);
  });

  it('removes the metadata of a truncated JPEG and keeps what can be shown', async () => {
    const full = await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 1, g: 2, b: 3 } } })
      .jpeg()
      .withExif({ IFD0: { Make: 'Cam' }, IFD3: GPS })
      .toBuffer();
    const truncated = full.subarray(0, full.length - 40);
    const out = await processAsset(assetOf(truncated, 'image/jpeg', 300, 200), OPTIONS);
    expect(out?.record).toMatchObject({ gps: true, actions: ['stripped'] });
    const data = Buffer.from(out?.asset.data as Uint8Array);
    expect(data.includes(Buffer.from('Cam'))).toBe(false);
    expect(data.byteLength).toBeLessThan(truncated.byteLength);
    expect(inspect(data, 'image/jpeg')?.metadata).toEqual([]);
    expect(data.subarray(-100).equals(truncated.subarray(-100))).toBe(true);
  });

  it('does the work once per content: equal bytes in another buffer come back from the cache', async () => {
    const png = await sharp({ create: { width: 2000, height: 100, channels: 3, background: { r: 9, g: 9, b: 9 } } })
      .png()
      .toBuffer();
    const first = await processAsset(assetOf(png, 'image/png', 2000, 100), OPTIONS);
    const second = await processAsset(assetOf(Buffer.from(png), 'image/png', 2000, 100), OPTIONS);
    expect(first?.record.actions).toEqual(['resized']);
    expect(second?.asset.data).toBe(first?.asset.data);
    expect(second?.asset).not.toBe(first?.asset);
    // Other options, other result.
    const wider = await processAsset(assetOf(png, 'image/png', 2000, 100), { ...OPTIONS, maxWidth: 1500 });
    expect(wider?.asset.width).toBe(1500);
  });

  it('leaves GIF and SVG images and placeholders alone', async () => {
    const svg = assetOf(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>'), 'image/svg+xml', 9, 9);
    expect(await processAsset(svg, OPTIONS)).toBeUndefined();
    expect(await processAsset({ url: 'missing.png', status: 'missing', reason: 'not found' }, OPTIONS)).toBeUndefined();
  });
});

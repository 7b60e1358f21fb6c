/**
 * Lossless metadata removal from JPEG, PNG and WebP containers: what goes (and is reported),
 * what stays (colour profiles, every scan, every pixel).
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { inspect, strip } from '../src/containers.js';

const GPS = { GPSLatitudeRef: 'S', GPSLatitude: '33/1 52/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '151/1 12/1 0/1' };
const base = () => sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 160, b: 30 } } });

/** A JPEG marker segment: FF marker, big-endian length, body. */
function segment(marker: number, body: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

const pixels = (data: Uint8Array) => sharp(data).raw().toBuffer();

describe('JPEG', () => {
  it('drops EXIF, XMP, IPTC, comments, other APP segments and what follows EOI; keeps the ICC profile and every pixel', async () => {
    const jpeg = await base()
      .withIccProfile('p3')
      .jpeg({ progressive: true })
      .withExif({ IFD0: { Make: 'Cam' }, IFD3: GPS })
      .toBuffer();
    const planted = Buffer.concat([
      jpeg.subarray(0, 2),
      segment(0xe1, Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>1,2N</exif:GPSLatitude></x:xmpmeta>', 'latin1')),
      segment(0xfe, Buffer.from('secret comment')),
      segment(0xed, Buffer.from('Photoshop 3.0\0 8BIM iptc')),
      segment(0xe2, Buffer.from('MPF\0 multi-picture')),
      jpeg.subarray(2),
      Buffer.from('TRAILER: a second image would be here'),
    ]);
    const info = inspect(planted, 'image/jpeg');
    expect(info).toMatchObject({ gps: true, orientation: 1, animated: false });
    expect(new Set(info?.metadata)).toEqual(new Set(['EXIF', 'XMP', 'comment', 'IPTC', 'other']));

    const out = strip(planted, 'image/jpeg');
    const text = Buffer.from(out?.data ?? []).toString('latin1');
    for (const gone of ['Exif', 'xmpmeta', 'secret', '8BIM', 'MPF', 'TRAILER']) expect(text).not.toContain(gone);
    expect(inspect(out?.data as Uint8Array, 'image/jpeg')?.metadata).toEqual([]);
    const meta = await sharp(out?.data).metadata();
    expect([meta.exif, meta.xmp, meta.iptc, meta.hasProfile, meta.isProgressive]).toEqual([undefined, undefined, undefined, true, true]);
    expect((await pixels(out?.data as Uint8Array)).equals(await pixels(planted))).toBe(true);
  });

  it('reads the orientation, and does not count a GPS directory without a fix as coordinates', async () => {
    const jpeg = await base()
      .jpeg()
      .withMetadata({ orientation: 8 })
      .withExifMerge({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '0/1 0/1 0/1' } })
      .toBuffer();
    expect(inspect(jpeg, 'image/jpeg')).toMatchObject({ orientation: 8, gps: false, metadata: ['EXIF'] });
  });

  it('leaves a clean JPEG as the same bytes', async () => {
    const jpeg = await base().jpeg().toBuffer();
    const out = strip(jpeg, 'image/jpeg');
    expect(out?.info.metadata).toEqual([]);
    expect(out?.data).toBe(jpeg);
  });

  it('refuses to walk what is not a JPEG it understands', () => {
    expect(inspect(Buffer.from([0xff, 0xd8, 0x00, 0x01, 0x02]), 'image/jpeg')).toBeUndefined();
    expect(strip(Buffer.from('not a jpeg'), 'image/jpeg')).toBeUndefined();
  });
});

describe('PNG', () => {
  it('drops eXIf and text chunks, keeps the colour profile and pixels', async () => {
    const png = await base()
      .withIccProfile('p3')
      .png()
      .withExif({ IFD0: { Artist: 'Jane' }, IFD3: GPS })
      .toBuffer();
    const info = inspect(png, 'image/png');
    expect(info).toMatchObject({ gps: true, animated: false });
    expect(info?.metadata).toContain('EXIF');
    const out = strip(png, 'image/png');
    const meta = await sharp(out?.data).metadata();
    expect([meta.exif, meta.hasProfile]).toEqual([undefined, true]);
    expect((await pixels(out?.data as Uint8Array)).equals(await pixels(png))).toBe(true);
  });
});

describe('WebP', () => {
  it('drops the EXIF chunk, clears its flag and writes the new RIFF size', async () => {
    const webp = await base()
      .withIccProfile('p3')
      .webp({ lossless: true })
      .withExif({ IFD0: { Make: 'Drone' }, IFD3: GPS })
      .toBuffer();
    expect(inspect(webp, 'image/webp')).toMatchObject({ gps: true, metadata: ['EXIF'] });
    const out = strip(webp, 'image/webp')?.data as Uint8Array;
    expect(Buffer.from(out).readUInt32LE(4)).toBe(out.byteLength - 8);
    expect((out[20] ?? 0) & 0x0c).toBe(0); // VP8X flags: no EXIF, no XMP
    const meta = await sharp(out).metadata();
    expect([meta.format, meta.exif, meta.hasProfile]).toEqual(['webp', undefined, true]);
    expect((await pixels(out)).equals(await pixels(webp))).toBe(true);
  });
});

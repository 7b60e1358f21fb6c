/**
 * @export-ia/plugin-transform-images — makes the images the assets transform resolved fit for
 * publishing: metadata (EXIF, GPS, XMP, IPTC, comments) removed, photos turned upright by their
 * EXIF orientation, anything wider than `maxWidth` downscaled, and optionally WebP for HTML-only
 * runs. Its `images` checker reports what was done (or would be needed) at each image's place.
 */
import { type Asset, definePlugin } from '@export-ia/core/plugin';
import { checkImages, type ImagesConfig, judgeImages, mergeShownImages, type ShownImage, shownImages } from './check.js';
import { type ImageOptions, type ImageRecord, processAsset } from './process.js';

/** Images processed at once: sharp runs each on libuv's thread pool. */
const CONCURRENCY = 4;

const DEFAULTS: ImagesConfig = { maxWidth: 2400, webForHtml: false, quality: 85, maxBytes: 1024 * 1024, minWidth: 600 };

function readConfig(raw: Readonly<Record<string, unknown>>): ImagesConfig {
  const int = (key: keyof ImagesConfig) => {
    const v = raw[key];
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : (DEFAULTS[key] as number);
  };
  return {
    maxWidth: int('maxWidth'),
    webForHtml: raw.webForHtml === true,
    quality: Math.min(100, Math.max(1, int('quality'))),
    maxBytes: int('maxBytes'),
    minWidth: int('minWidth'),
  };
}

/**
 * What the transform did to each asset it returned, for the checker of the same run. Keyed by
 * the returned asset object, so nothing is added to the document model and a record never
 * outlives its document.
 */
const records = new WeakMap<Asset, ImageRecord>();

export default definePlugin({
  setup(api) {
    api.transform('images', {
      async transform(doc, ctx) {
        const config = readConfig(ctx.config);
        const to = ctx.settings.to;
        const options: ImageOptions = {
          maxWidth: config.maxWidth,
          quality: config.quality,
          // One asset serves every format of a run: WebP only when HTML is the only output.
          webp: config.webForHtml && to.length > 0 && to.every((format) => format === 'html'),
          limitInputPixels: ctx.settings.limits.maxImagePixels,
        };
        const entries = Object.entries(doc.assets);
        if (entries.length === 0) return doc;
        const assets: Record<string, Asset> = { ...doc.assets };
        let changed = false;
        for (let i = 0; i < entries.length; i += CONCURRENCY) {
          ctx.signal.throwIfAborted();
          const batch = entries.slice(i, i + CONCURRENCY);
          const results = await Promise.all(batch.map(([, asset]) => processAsset(asset, options)));
          results.forEach((result, k) => {
            if (!result) return;
            const [url, asset] = batch[k] as [string, Asset];
            records.set(result.asset, result.record);
            if (result.asset !== asset) {
              assets[url] = result.asset;
              changed = true;
            }
          });
          ctx.progress(Math.min(1, (i + batch.length) / entries.length));
        }
        return changed ? { ...doc, assets } : doc;
      },
    });

    api.checker('images', {
      check(doc, ctx) {
        // One part of a huge document: its images go to merge, which reports each URL once.
        if (ctx.part) return { findings: [], partial: shownImages(doc, records, ctx.part) };
        return checkImages(doc, readConfig(ctx.config), records);
      },
      merge(parts, ctx) {
        return judgeImages(mergeShownImages(parts.map((p) => (p.partial as ShownImage[] | undefined) ?? [])), readConfig(ctx.config));
      },
    });
  },
});

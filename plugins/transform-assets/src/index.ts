/**
 * @export-ia/plugin-transform-assets — resolves every image a document references, once, for
 * all exporters: local files (only inside the document's folder, the working directory and
 * the configured resource paths; symlinks are followed before the check), `data:` URLs, and
 * remote http(s) images when `allowRemote` is on (public addresses only, size and time limits).
 * Every image is identified by its content, checked against pixel and byte limits before
 * anything decodes it, and given a PNG rendering when an output format needs one (SVG and WebP
 * in DOCX). Problems become warnings and a visible placeholder, never a failed export.
 */
import { createHash } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import {
  type Asset,
  type DocumentModel,
  definePlugin,
  diagnostic,
  FetchRefused,
  readImageInfo,
  type StepContext,
  safeFetch,
  walk,
} from '@export-ia/core/plugin';
import type { Definition } from 'mdast';

const CONCURRENCY = 8;

/**
 * PNG renderings by content hash: rasterising an SVG costs tens of milliseconds, and the same
 * chart or logo comes back in re-exports and across a batch. Bounded by count and bytes.
 */
const pngCache = new Map<string, Uint8Array>();
let pngCacheBytes = 0;
const PNG_CACHE_ENTRIES = 64;
const PNG_CACHE_BYTES = 64 * 1024 * 1024;

function remember(key: string, png: Uint8Array): void {
  pngCache.set(key, png);
  pngCacheBytes += png.byteLength;
  for (const [k, v] of pngCache) {
    if (pngCache.size <= PNG_CACHE_ENTRIES && pngCacheBytes <= PNG_CACHE_BYTES) break;
    pngCache.delete(k);
    pngCacheBytes -= v.byteLength;
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${Math.round(n / 1024)} KB`;
}

/** Image URLs with the position of their first use. */
function collectImages(doc: DocumentModel): Map<string, { line: number; column: number } | undefined> {
  const definitions = new Map<string, Definition>();
  walk(doc.root, (node) => {
    if (node.type === 'definition') definitions.set(node.identifier, node);
  });
  const urls = new Map<string, { line: number; column: number } | undefined>();
  walk(doc.root, (node) => {
    let url: string | undefined;
    if (node.type === 'image') url = node.url;
    else if (node.type === 'imageReference') url = definitions.get(node.identifier)?.url;
    if (url !== undefined && !urls.has(url)) {
      urls.set(url, node.position ? { line: node.position.start.line, column: node.position.start.column } : undefined);
    }
  });
  return urls;
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function realRoots(dirs: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of dirs) {
    try {
      out.push(realpathSync(d));
    } catch {
      // A resource path that does not exist cannot contain images.
    }
  }
  return out;
}

interface Resolver {
  ctx: StepContext;
  doc: DocumentModel;
  /** The allowed folders after following symlinks. */
  roots: string[];
  /** The allowed folders as named, and after following symlinks: a path outside all of these is refused before the disk is touched. */
  namedRoots: string[];
  needPng: boolean;
}

type Outcome = { asset: Asset; warning?: ReturnType<typeof diagnostic> };

async function fromBytes(r: Resolver, url: string, data: Uint8Array): Promise<Outcome> {
  const limits = r.ctx.settings.limits;
  if (data.byteLength > limits.maxImageBytes) {
    return {
      asset: { url, status: 'invalid', reason: 'file too large' },
      warning: diagnostic('EIA_IMAGE_TOO_LARGE', { url, detail: formatBytes(data.byteLength), limit: formatBytes(limits.maxImageBytes) }),
    };
  }
  const info = readImageInfo(data);
  if (!info) {
    return {
      asset: { url, status: 'invalid', reason: 'not an image' },
      warning: diagnostic('EIA_IMAGE_INVALID', { url, detail: 'it is not a PNG, JPEG, GIF, WebP or SVG image' }),
    };
  }
  if (info.width <= 0 || info.height <= 0) {
    return { asset: { url, status: 'invalid', reason: 'empty image' }, warning: diagnostic('EIA_IMAGE_INVALID', { url, detail: 'it declares a zero size' }) };
  }
  if (info.width * info.height > limits.maxImagePixels) {
    return {
      asset: { url, status: 'invalid', reason: 'too many pixels' },
      warning: diagnostic('EIA_IMAGE_TOO_LARGE', {
        url,
        detail: `${info.width} × ${info.height} pixels`,
        limit: `${(limits.maxImagePixels / 1e6).toFixed(0)} megapixels`,
      }),
    };
  }
  if (info.mediaType === 'image/svg+xml') {
    // The whole file: a DOCTYPE may follow any amount of comments (and a decoy <svg> tag in them).
    const text = new TextDecoder().decode(data);
    if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
      return {
        asset: { url, status: 'invalid', reason: 'unsafe SVG' },
        warning: diagnostic('EIA_IMAGE_INVALID', { url, detail: 'the SVG declares a DOCTYPE or entities' }),
      };
    }
  }
  const asset: Asset = { url, status: 'ok', mediaType: info.mediaType, width: info.width, height: info.height, data };
  if (r.needPng && (info.mediaType === 'image/svg+xml' || info.mediaType === 'image/webp')) {
    try {
      const key = `${createHash('sha256').update(data).digest('hex')}:${limits.maxImagePixels}`;
      let png = pngCache.get(key);
      if (!png) {
        // A full decode: bounded by limitInputPixels, so a bomb fails here instead of exhausting memory.
        const density = info.mediaType === 'image/svg+xml' ? 144 : undefined;
        const { default: sharp } = await import('sharp');
        png = new Uint8Array(
          await sharp(data, { limitInputPixels: limits.maxImagePixels, ...(density ? { density } : {}) })
            .png()
            .toBuffer(),
        );
        remember(key, png);
      }
      asset.fallbackPng = png;
    } catch (err) {
      return {
        asset: { url, status: 'invalid', reason: 'cannot be decoded' },
        warning: diagnostic('EIA_IMAGE_INVALID', { url, detail: `it cannot be decoded (${(err as Error).message})` }),
      };
    }
  }
  return { asset };
}

async function resolveLocal(r: Resolver, url: string): Promise<Outcome> {
  let path: string;
  try {
    path = decodeURIComponent(url.replace(/[?#].*$/, ''));
  } catch {
    path = url;
  }
  const absolute = resolve(r.doc.source.dir, path);
  const outside: Outcome = {
    asset: { url, status: 'blocked', reason: 'outside the allowed folders' },
    warning: diagnostic('EIA_IMAGE_OUTSIDE_ROOT', { url }),
  };
  // Checked before touching the disk, so a document cannot learn which files exist elsewhere.
  if (!r.namedRoots.some((root) => isInside(absolute, root))) return outside;
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch {
    return { asset: { url, status: 'missing', reason: 'not found' }, warning: diagnostic('EIA_IMAGE_MISSING', { url, dir: r.doc.source.dir }) };
  }
  if (!r.roots.some((root) => isInside(real, root))) return outside;
  const stat = statSync(real);
  if (!stat.isFile()) {
    return { asset: { url, status: 'invalid', reason: 'not a file' }, warning: diagnostic('EIA_IMAGE_INVALID', { url, detail: 'it is not a file' }) };
  }
  if (stat.size > r.ctx.settings.limits.maxImageBytes) {
    return {
      asset: { url, status: 'invalid', reason: 'file too large' },
      warning: diagnostic('EIA_IMAGE_TOO_LARGE', { url, detail: formatBytes(stat.size), limit: formatBytes(r.ctx.settings.limits.maxImageBytes) }),
    };
  }
  return fromBytes(r, url, new Uint8Array(await readFile(real)));
}

async function resolveRemote(r: Resolver, url: string): Promise<Outcome> {
  const s = r.ctx.settings;
  if (!s.allowRemote) {
    return {
      asset: { url, status: 'blocked', reason: 'remote images are off' },
      warning: diagnostic('EIA_IMAGE_REMOTE_BLOCKED', { url, detail: 'remote images are off (use --allow-remote)' }),
    };
  }
  try {
    const res = await safeFetch(url, {
      timeoutMs: s.limits.remoteTimeoutMs,
      maxBytes: Math.min(s.limits.maxRemoteBytes, s.limits.maxImageBytes),
      allowHosts: s.remoteAllowHosts,
      signal: r.ctx.signal,
    });
    return fromBytes(r, url, res.data);
  } catch (err) {
    const refused = err instanceof FetchRefused ? err : new FetchRefused((err as Error).message, false);
    const code = refused.blocked ? 'EIA_IMAGE_REMOTE_BLOCKED' : 'EIA_IMAGE_REMOTE_FAILED';
    return {
      asset: { url, status: refused.blocked ? 'blocked' : 'missing', reason: refused.message },
      warning: diagnostic(code, { url, detail: refused.message }),
    };
  }
}

async function resolveDataUrl(r: Resolver, url: string): Promise<Outcome> {
  const malformed: Outcome = {
    asset: { url, status: 'invalid', reason: 'malformed data URL' },
    warning: diagnostic('EIA_IMAGE_INVALID', { url: url.slice(0, 40), detail: 'malformed data URL' }),
  };
  // data:[<media type>][;<parameter>=<value>…][;base64],<data>
  const m = /^data:([^,]*?)(;base64)?,(.*)$/is.exec(url);
  if (!m) return malformed;
  const payload = m[3] as string;
  let data: Buffer;
  try {
    data = m[2] ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'utf8');
  } catch {
    return malformed;
  }
  return fromBytes(r, url, new Uint8Array(data));
}

/** Resolves one image; an unexpected error becomes a warning about that image, never a failed export. */
async function resolveOne(r: Resolver, url: string): Promise<Outcome> {
  try {
    return await resolveAny(r, url);
  } catch (err) {
    return {
      asset: { url, status: 'invalid', reason: 'cannot be read' },
      warning: diagnostic('EIA_IMAGE_INVALID', { url: url.slice(0, 200), detail: `it cannot be read (${(err as Error).message})` }),
    };
  }
}

function resolveAny(r: Resolver, url: string): Promise<Outcome> {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined || /^[a-zA-Z]$/.test(scheme)) return resolveLocal(r, url);
  if (scheme === 'http' || scheme === 'https') return resolveRemote(r, url);
  if (scheme === 'data') return resolveDataUrl(r, url);
  return Promise.resolve({
    asset: { url, status: 'blocked', reason: `${scheme}: URLs are not read` },
    warning: diagnostic('EIA_IMAGE_REMOTE_BLOCKED', { url, detail: `the ${scheme}: scheme is not allowed` }),
  });
}

export default definePlugin({
  setup(api) {
    api.transform('assets', {
      async transform(doc, ctx) {
        const urls = collectImages(doc);
        if (urls.size === 0) return doc;
        const dirs = [doc.source.dir, ctx.cwd, ...ctx.settings.resourcePaths];
        const roots = realRoots(dirs);
        const r: Resolver = {
          ctx,
          doc,
          roots,
          namedRoots: [...dirs.map((d) => resolve(d)), ...roots],
          needPng: ctx.settings.to.includes('docx'),
        };
        const entries = [...urls.entries()];
        const assets: Record<string, Asset> = { ...doc.assets };
        let done = 0;
        for (let i = 0; i < entries.length; i += CONCURRENCY) {
          const batch = entries.slice(i, i + CONCURRENCY);
          const results = await Promise.all(batch.map(([url]) => resolveOne(r, url)));
          results.forEach((outcome, k) => {
            const [url, position] = batch[k] as [string, { line: number; column: number } | undefined];
            assets[url] = outcome.asset;
            if (outcome.warning) ctx.report({ ...outcome.warning, file: doc.source.name, ...(position ? { position } : {}) });
          });
          done += batch.length;
          ctx.progress(done / entries.length);
        }
        return { ...doc, assets };
      },
    });
  },
});

/**
 * The `images` checker: what the images transform did (or would have to do) to each image the
 * document shows, as findings at the image's place in the source, and the `images` metric.
 */
import type { Asset, CheckResult, DocumentModel, Finding, FindingPosition } from '@export-ia/core/plugin';
import { walk } from '@export-ia/core/plugin';
import type { Definition, Node } from 'mdast';
import { inspect, isRaster } from './containers.js';
import type { ImageAction, ImageRecord } from './process.js';

export interface ImagesConfig {
  maxWidth: number;
  webForHtml: boolean;
  quality: number;
  maxBytes: number;
  minWidth: number;
}

/** Where a URL is used: its first use, and its first use as a block (alone in a paragraph, or a figure). */
interface Use {
  first: Node;
  block?: Node;
  count: number;
}

function uses(doc: DocumentModel): Map<string, Use> {
  const definitions = new Map<string, Definition>();
  walk(doc.root, (node) => {
    if (node.type === 'definition') definitions.set(node.identifier, node);
  });
  const out = new Map<string, Use>();
  walk(doc.root, (node, parent) => {
    let url: string | undefined;
    if (node.type === 'image') url = node.url;
    else if (node.type === 'imageReference') url = definitions.get(node.identifier)?.url;
    if (url === undefined) return;
    const block =
      parent?.type === 'figure' || (parent?.type === 'paragraph' && parent.children.every((c) => c === node || (c.type === 'text' && c.value.trim() === '')));
    const use = out.get(url);
    if (!use) out.set(url, { first: node, ...(block ? { block: node } : {}), count: 1 });
    else {
      use.count++;
      if (block && !use.block) use.block = node;
    }
  });
  return out;
}

/** Where a part of a document analysed in sections starts in the document. */
interface Shift {
  line: number;
  offset: number;
}

function positionOf(node: Node, shift?: Shift): FindingPosition | undefined {
  const p = node.position;
  if (!p) return undefined;
  const lines = shift ? shift.line - 1 : 0;
  const out: FindingPosition = { line: p.start.line + lines, column: p.start.column, endLine: p.end.line + lines, endColumn: p.end.column };
  if (p.start.offset !== undefined) out.offset = p.start.offset + (shift?.offset ?? 0);
  if (p.end.offset !== undefined) out.endOffset = p.end.offset + (shift?.offset ?? 0);
  return out;
}

/**
 * One image the document shows, as the checker judges it: plain data, so that the parts of a
 * document analysed in sections can hand theirs to `merge`.
 */
export interface ShownImage {
  url: string;
  uses: number;
  /** Its first use. */
  at?: FindingPosition;
  /** Whether it is used as a block, and where first. */
  block: boolean;
  blockAt?: FindingPosition;
  mediaType?: string;
  bytes: number;
  width?: number;
  height?: number;
  record: ImageRecord;
  /** The images transform processed it (`record` says what it did). */
  processed: boolean;
}

/**
 * The images the document (or one part of it, positions moved by `shift` to document ones)
 * shows, in order of first use; missing and refused images are the assets transform's and the
 * structure checker's business.
 */
export function shownImages(doc: DocumentModel, records: WeakMap<Asset, ImageRecord>, shift?: Shift): ShownImage[] {
  const out: ShownImage[] = [];
  for (const [url, use] of uses(doc)) {
    const asset = doc.assets[url];
    if (asset?.status !== 'ok' || !asset.data) continue;
    const { record, processed } = recordOf(asset, asset.data, records);
    const image: ShownImage = { url, uses: use.count, block: use.block !== undefined, bytes: asset.data.byteLength, record, processed };
    const at = positionOf(use.first, shift);
    if (at) image.at = at;
    const blockAt = use.block && positionOf(use.block, shift);
    if (blockAt) image.blockAt = blockAt;
    if (asset.mediaType !== undefined) image.mediaType = asset.mediaType;
    if (asset.width !== undefined) image.width = asset.width;
    if (asset.height !== undefined) image.height = asset.height;
    out.push(image);
  }
  return out;
}

/**
 * The images of a document analysed in sections, from its parts' lists (document order): one
 * entry per URL, at its first use and its first use as a block, with every use counted.
 */
export function mergeShownImages(parts: ReadonlyArray<readonly ShownImage[]>): ShownImage[] {
  const byUrl = new Map<string, ShownImage>();
  for (const list of parts) {
    for (const image of list) {
      const known = byUrl.get(image.url);
      if (!known) {
        byUrl.set(image.url, { ...image });
        continue;
      }
      known.uses += image.uses;
      if (!known.block && image.block) {
        known.block = true;
        if (image.blockAt) known.blockAt = image.blockAt;
      }
    }
  }
  return [...byUrl.values()];
}

/** Sizes for messages: 1.2 MB, 340 KB, 900 bytes. */
function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}

const DONE: Record<ImageAction, string> = {
  stripped: 'metadata removed',
  rotated: 'turned upright',
  resized: 'downscaled',
  converted: 'converted to WebP',
};

function describe(record: ImageRecord, image: ShownImage): string {
  if (record.actions.length === 0) return 'it is embedded as it is';
  const steps = record.actions.map((a) => (a === 'resized' ? `downscaled to ${image.width} × ${image.height} px` : DONE[a]));
  return `${steps.join(', ')}; now ${formatBytes(image.bytes)}`;
}

/** What the transform did to an asset: its record, or the asset as it is when the transform did not run. */
function recordOf(asset: Asset, data: Uint8Array, records: WeakMap<Asset, ImageRecord>): { record: ImageRecord; processed: boolean } {
  const record = records.get(asset);
  if (record) return { record, processed: true };
  const info = isRaster(asset.mediaType) ? inspect(data, asset.mediaType) : undefined;
  const swap = info !== undefined && info.orientation >= 5;
  return {
    record: {
      originalBytes: data.byteLength,
      originalWidth: (swap ? asset.height : asset.width) ?? 0,
      originalHeight: (swap ? asset.width : asset.height) ?? 0,
      originalMediaType: asset.mediaType ?? '',
      metadata: info?.metadata ?? [],
      gps: info?.gps ?? false,
      actions: [],
    },
    processed: false,
  };
}

/** Runs the checker over the images the document shows. */
export function checkImages(doc: DocumentModel, config: ImagesConfig, records: WeakMap<Asset, ImageRecord>): CheckResult {
  return judgeImages(shownImages(doc, records), config);
}

/** Findings and the `images` metric for the images a document shows. */
export function judgeImages(images: readonly ShownImage[], config: ImagesConfig): CheckResult {
  const findings: Finding[] = [];
  const metric = { count: 0, totalBytes: 0, originalBytes: 0, oversized: 0, withGps: 0, metadataRemoved: 0, resized: 0, lowResolution: 0 };
  for (const image of images) {
    const { url, record, processed, at } = image;
    const name = url.startsWith('data:') ? `${url.slice(0, 30)}…` : url;
    metric.count++;
    metric.totalBytes += image.bytes;
    metric.originalBytes += record.originalBytes;
    if (record.gps) metric.withGps++;
    if (record.actions.includes('resized')) metric.resized++;
    const vector = image.mediaType === 'image/svg+xml';
    const size = vector ? formatBytes(record.originalBytes) : `${formatBytes(record.originalBytes)}, ${record.originalWidth} × ${record.originalHeight} px`;
    const data = {
      url: name,
      originalBytes: record.originalBytes,
      originalWidth: record.originalWidth,
      originalHeight: record.originalHeight,
      bytes: image.bytes,
      width: image.width,
      height: image.height,
      actions: record.actions,
      uses: image.uses,
    };

    const tooHeavy = config.maxBytes > 0 && record.originalBytes > config.maxBytes;
    const tooWide = !vector && config.maxWidth > 0 && record.originalWidth > config.maxWidth * 1.5;
    if (tooHeavy || tooWide) {
      metric.oversized++;
      const over = tooHeavy ? `over the ${formatBytes(config.maxBytes)} limit` : `over 1.5 × the ${config.maxWidth} px maximum width`;
      findings.push({
        rule: 'images/oversized',
        severity: 'warning',
        message: `Image "${name}" was ${size}, ${over}: ${describe(record, image)}.`,
        suggestion:
          record.actions.includes('resized') && image.bytes <= (config.maxBytes || Number.POSITIVE_INFINITY)
            ? 'Store a smaller original next to the document so every export starts from it.'
            : 'Resize or compress the original (photos as JPEG, drawings as PNG or SVG).',
        excerpt: name,
        ...(at ? { position: at } : {}),
        data,
      });
    }

    if (record.metadata.length > 0) {
      const kinds = record.metadata.join(', ');
      const gps = record.gps ? ', including GPS coordinates of where it was taken' : '';
      if (processed && record.actions.includes('stripped')) {
        metric.metadataRemoved++;
        findings.push({
          rule: 'images/metadata-removed',
          severity: 'info',
          message: `Removed ${kinds} metadata from image "${name}"${gps}.`,
          excerpt: name,
          ...(at ? { position: at } : {}),
          data: { ...data, metadata: record.metadata, gps: record.gps },
        });
      } else {
        findings.push({
          rule: 'images/metadata-kept',
          severity: record.gps ? 'warning' : 'info',
          message: `Image "${name}" carries ${kinds} metadata${gps}, and it goes into the output as it is.`,
          suggestion: record.error
            ? `The image could not be processed (${record.error}); remove its metadata with an image editor.`
            : 'Run the images transform (transform-images, on by default) or remove the metadata with an image editor.',
          excerpt: name,
          ...(at ? { position: at } : {}),
          data: { ...data, metadata: record.metadata, gps: record.gps },
        });
      }
    }

    // As displayed: after the EXIF orientation (applied by the transform, or still pending).
    const shownWidth = processed ? (image.width ?? 0) : record.originalWidth;
    if (image.block && !vector && config.minWidth > 0 && shownWidth < config.minWidth) {
      metric.lowResolution++;
      const inches = (shownWidth / 96).toFixed(1);
      findings.push({
        rule: 'images/low-resolution',
        severity: 'suggestion',
        message: `Image "${name}" is only ${shownWidth} px wide for a block image: about ${inches} in at screen resolution, small or blurry in print.`,
        suggestion: `Use an original at least ${config.minWidth} px wide, or a vector image (SVG) for drawings and charts.`,
        excerpt: name,
        ...(image.blockAt ? { position: image.blockAt } : {}),
        data,
      });
    }
  }
  return { findings, metrics: { images: metric } };
}

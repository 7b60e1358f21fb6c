import type { Root } from 'mdast';
import type { Diagnostic } from '../errors/export-ia-error.js';
import './mdast.js';

/**
 * Document metadata, normalised from front matter, `--metadata` and configuration. Every
 * exporter writes it out (PDF info and XMP, DOCX core properties, HTML meta).
 */
export interface DocumentMeta {
  title?: string;
  subtitle?: string;
  author: string[];
  /** ISO 8601 date (YYYY-MM-DD) or free text as written. */
  date?: string;
  /** BCP 47 language tag, e.g. `en`, `es-ES`. */
  lang?: string;
  keywords: string[];
  subject?: string;
  description?: string;
  /** Custom keys, kept for templates and later checkers. */
  extra: Record<string, unknown>;
}

/** Where the document came from. */
export interface DocumentSource {
  /** What the user typed (path, `-` for stdin), used in messages. */
  name: string;
  /** Absolute path, when read from disk. */
  path?: string;
  /** Folder relative references resolve against. */
  dir: string;
  /** Importer format id (`markdown`, `html`, `docx`). */
  format: string;
  /** sha-256 of the input bytes, hex. */
  hash: string;
  bytes: number;
}

/**
 * A resolved image, shared by every exporter: read once, checked once. `data` is absent when
 * the image could not be used; exporters then draw a visible placeholder.
 */
export interface Asset {
  /** The URL as written in the document. */
  url: string;
  status: 'ok' | 'missing' | 'invalid' | 'blocked';
  mediaType?: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'image/svg+xml';
  width?: number;
  height?: number;
  data?: Uint8Array;
  /** PNG rendering of vector or uncommon formats, for exporters that need a raster. */
  fallbackPng?: Uint8Array;
  /** Why it is not usable (shown in the placeholder). */
  reason?: string;
}

/**
 * The unit every pipeline step passes on: plain data (mdast + metadata + resolved assets +
 * diagnostics), so a step can later run in another thread or process.
 */
export interface DocumentModel {
  root: Root;
  meta: DocumentMeta;
  /** Front matter as written (after YAML parsing), before normalisation. */
  frontMatter: Record<string, unknown>;
  source: DocumentSource;
  /** Images by URL as written in the document. */
  assets: Record<string, Asset>;
  diagnostics: Diagnostic[];
}

export function emptyMeta(): DocumentMeta {
  return { author: [], keywords: [], extra: {} };
}

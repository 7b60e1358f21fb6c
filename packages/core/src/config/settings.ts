/**
 * Export settings: what to produce and how. They come from four layers, highest first:
 * command-line flags (or API options) > environment (`EXPORT_IA_*`) > `export-ia.config.yaml`
 * > the document's front matter. {@link mergeSettings} applies that order.
 */
import type { ErrorObject } from 'ajv';
import { ExportIaError } from '../errors/export-ia-error.js';
import { validateSettingsLayer } from '../generated/validators.js';

import type { PDF_STANDARDS } from './settings-schema.js';

export { PDF_STANDARDS, settingsLayerSchema } from './settings-schema.js';
export type PdfStandard = (typeof PDF_STANDARDS)[number];

/** Hard limits that protect the host from hostile or accidental input. */
export interface Limits {
  /** Largest input file read, in bytes. */
  maxInputBytes: number;
  /** Deepest nesting of lists, quotes and inline markup. */
  maxNesting: number;
  /** Largest image file, in bytes. */
  maxImageBytes: number;
  /** Largest image, in pixels (width × height): stops decompression bombs before decoding. */
  maxImagePixels: number;
  /** Largest total uncompressed size of a DOCX archive. */
  maxUnzippedBytes: number;
  /** Most entries in a DOCX archive. */
  maxZipEntries: number;
  /** Time limit for one remote image, when --allow-remote is on. */
  remoteTimeoutMs: number;
  /** Largest remote image, in bytes. */
  maxRemoteBytes: number;
  /** Time limit for one pipeline step of one document. */
  stepTimeoutMs: number;
  /**
   * Analysis of a Markdown document larger than this (bytes of text) runs section by section,
   * in parts of about this size, so memory follows the part, not the document.
   */
  sectionBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxInputBytes: 20 * 1024 * 1024,
  maxNesting: 100,
  maxImageBytes: 25 * 1024 * 1024,
  maxImagePixels: 60_000_000,
  maxUnzippedBytes: 250 * 1024 * 1024,
  maxZipEntries: 10_000,
  remoteTimeoutMs: 10_000,
  maxRemoteBytes: 10 * 1024 * 1024,
  stepTimeoutMs: 120_000,
  sectionBytes: 512 * 1024,
};

/** Settings after merging every layer. */
export interface ExportSettings {
  /** Output formats, e.g. `['pdf', 'html']`. */
  to: string[];
  /** Theme id or path of a theme file. */
  theme: string;
  /** Table of contents. `undefined` = as the theme says. */
  toc?: boolean;
  /** Document language (BCP 47), overriding front matter. */
  lang?: string;
  pdfStandard?: PdfStandard;
  /** Title page. `undefined` = as the theme says. */
  titlePage?: boolean;
  /** Numbered headings. `undefined` = as the theme says. */
  numberSections?: boolean;
  /** Metadata values (title, author, keywords, …) that override the document's. */
  metadata: Record<string, string | string[]>;
  /** Input format, when the extension is not enough. */
  from?: string;
  /** Fetch remote images (http/https, public addresses only). */
  allowRemote: boolean;
  /** Hosts that may be fetched even when they resolve to private addresses. */
  remoteAllowHosts: string[];
  /** Extra folders images may be read from, besides the document's folder. */
  resourcePaths: string[];
  /** Extra font folders for PDF output. */
  fontPaths: string[];
  limits: Limits;
}

/** One layer of settings, as read from a source (every key optional). */
export type SettingsLayer = Partial<Omit<ExportSettings, 'limits' | 'metadata'>> & {
  limits?: Partial<Limits>;
  metadata?: Record<string, string | string[]>;
  /** Output path (file, directory or `-`); used by the CLI. */
  output?: string;
};

export const DEFAULT_SETTINGS: ExportSettings = {
  to: ['pdf'],
  theme: 'default',
  metadata: {},
  allowRemote: false,
  remoteAllowHosts: [],
  resourcePaths: [],
  fontPaths: [],
  limits: DEFAULT_LIMITS,
};

/** Turns Ajv errors into one readable sentence naming the key and the rule. */
export function describeSchemaErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return 'invalid value';
  return errors
    .map((e) => {
      const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(top level)';
      if (e.keyword === 'additionalProperties') return `unknown key "${(e.params as { additionalProperty: string }).additionalProperty}" in ${where}`;
      if (e.keyword === 'enum') return `${where} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
      return `${where} ${e.message ?? 'is invalid'}`;
    })
    .join('; ');
}

/** Validates a settings layer read from `source` (a file name, "environment", "flags"…). */
export function checkSettingsLayer(layer: unknown, source: string): SettingsLayer {
  const validate = validateSettingsLayer;
  if (!validate(layer)) {
    throw new ExportIaError('EIA_CONFIG_INVALID', { source, detail: describeSchemaErrors(validate.errors) });
  }
  return layer as SettingsLayer;
}

/**
 * Merges layers, highest precedence first (flags, env, file, front matter). Scalars: the first
 * layer that sets a key wins. `metadata` and `limits` merge key by key the same way.
 */
export function mergeSettings(...layers: ReadonlyArray<SettingsLayer | undefined>): ExportSettings {
  const present = layers.filter((l): l is SettingsLayer => l !== undefined);
  const merged: ExportSettings = { ...DEFAULT_SETTINGS, metadata: {}, limits: { ...DEFAULT_LIMITS } };
  // Lowest precedence first, so later assignments win.
  for (const layer of [...present].reverse()) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined || key === 'output') continue;
      if (key === 'metadata') Object.assign(merged.metadata, value);
      else if (key === 'limits') Object.assign(merged.limits, value);
      else (merged as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return merged;
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

function envBool(name: string, raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new ExportIaError('EIA_CONFIG_INVALID', { source: `environment variable ${name}`, detail: `"${raw}" is not a boolean (use true or false)` });
}

function envList(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Environment variables understood as a settings layer. */
export const SETTINGS_ENV = {
  EXPORT_IA_TO: 'to',
  EXPORT_IA_THEME: 'theme',
  EXPORT_IA_TOC: 'toc',
  EXPORT_IA_LANG: 'lang',
  EXPORT_IA_PDF_STANDARD: 'pdfStandard',
  EXPORT_IA_OUTPUT: 'output',
  EXPORT_IA_ALLOW_REMOTE: 'allowRemote',
  EXPORT_IA_RESOURCE_PATH: 'resourcePaths',
  EXPORT_IA_FONT_PATH: 'fontPaths',
} as const;

/** Reads the `EXPORT_IA_*` variables into a settings layer. */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>>): SettingsLayer {
  const layer: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(SETTINGS_ENV)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (key === 'toc' || key === 'allowRemote') layer[key] = envBool(name, raw);
    else if (key === 'to') layer[key] = envList(raw);
    else if (key === 'resourcePaths' || key === 'fontPaths') layer[key] = raw.split(':').filter(Boolean);
    else layer[key] = raw;
  }
  return checkSettingsLayer(layer, 'environment');
}

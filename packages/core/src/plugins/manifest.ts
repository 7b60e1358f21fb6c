/**
 * The plugin manifest: what a plugin is, what it needs and what it contributes, readable without
 * running its code. It lives in the plugin's package.json: `name`/`version`/`engines` as usual,
 * plus an `exportIa` field for the rest.
 *
 * ```json
 * {
 *   "name": "@acme/export-ia-plugin-epub",
 *   "version": "1.2.0",
 *   "engines": { "export-ia": "^0.1.0" },
 *   "exportIa": {
 *     "id": "exporter-epub",
 *     "apiVersion": 1,
 *     "main": "dist/index.js",
 *     "contributes": { "exporters": [{ "id": "epub", "extension": ".epub", "mediaType": "application/epub+zip", "binary": true }] },
 *     "dependencies": { "importer-markdown": "^0.1.0" },
 *     "configSchema": { "type": "object", "properties": { "cover": { "type": "string" } } },
 *     "permissions": { "fs": { "read": ["input"] } },
 *     "resources": { "memoryMb": 256, "timeoutMs": 30000 }
 *   }
 * }
 * ```
 */
import { describeSchemaErrors } from '../config/settings.js';
import { ExportIaError } from '../errors/export-ia-error.js';
import { validateManifest } from '../generated/validators.js';

export interface ImporterDescriptor {
  id: string;
  name?: string;
  /** File extensions with the dot, lower case: `.md`. */
  extensions: string[];
  mediaTypes: string[];
  /** Binary inputs (DOCX) get bytes; text inputs are checked for UTF-8 and binary content first. */
  binary: boolean;
}

export interface ExporterDescriptor {
  id: string;
  name?: string;
  extension: string;
  mediaType: string;
  binary: boolean;
}

export interface TransformDescriptor {
  id: string;
  name?: string;
  description?: string;
  /** Part of the default export pipeline (in plugin load order). */
  default: boolean;
}

/** A quality checker: reads the document and returns findings and metrics (never changes it). */
export interface CheckerDescriptor {
  id: string;
  name?: string;
  description?: string;
  /** Part of the default analysis (`export-ia analyze` without `--checkers`). Default true. */
  default: boolean;
  /**
   * Order: checkers of a lower stage run first and their metrics are visible to later ones
   * (language detection is stage 10 so spelling and readability know the language). Default 50.
   */
  stage: number;
}

export interface ThemeDescriptor {
  id: string;
  name?: string;
  /** Theme file, relative to the plugin's package folder. */
  file: string;
}

/** The kinds of video clipping step a plugin can provide (see video-contracts.ts). */
export type VideoStepKind = 'transcriber' | 'detector' | 'scorer' | 'captioner';

export interface VideoStepDescriptor {
  id: string;
  kind: VideoStepKind;
  name?: string;
  description?: string;
  /** Transcribers: the longest piece of sound per call, seconds; 0 = the whole file. */
  chunkSeconds: number;
}

export interface Contributions {
  importers: ImporterDescriptor[];
  exporters: ExporterDescriptor[];
  transforms: TransformDescriptor[];
  checkers: CheckerDescriptor[];
  themes: ThemeDescriptor[];
  videoSteps: VideoStepDescriptor[];
}

/**
 * Deny by default: what a plugin may touch. Validated and recorded now; enforced once plugins
 * can run sandboxed (a later version runs third-party plugins in a separate process).
 */
export interface Permissions {
  fs?: { read?: string[]; write?: string[] };
  net?: { hosts: string[] };
  process?: boolean;
}

export interface ResourceLimits {
  memoryMb?: number;
  timeoutMs?: number;
  concurrency?: number;
}

export interface PluginManifest {
  id: string;
  version: string;
  /** npm package name, when loaded from a package. */
  packageName?: string;
  engines: { 'export-ia': string };
  apiVersion: number;
  /** Entry module, relative to the package folder. */
  main: string;
  description?: string;
  contributes: Contributions;
  /** Other plugins this one needs: plugin id → semver range. */
  dependencies: Record<string, string>;
  configSchema?: Record<string, unknown>;
  permissions: Permissions;
  resources: ResourceLimits;
}

import { manifestSchema } from './manifest-schema.js';

export { manifestSchema };

/** Input shape accepted by {@link normalizeManifest}: the manifest with optional lists. */
export type ManifestInput = Omit<PluginManifest, 'contributes' | 'dependencies' | 'permissions' | 'resources' | 'main'> & {
  main?: string;
  contributes?: {
    importers?: Array<Omit<ImporterDescriptor, 'mediaTypes' | 'binary'> & Partial<Pick<ImporterDescriptor, 'mediaTypes' | 'binary'>>>;
    exporters?: Array<Omit<ExporterDescriptor, 'binary'> & Partial<Pick<ExporterDescriptor, 'binary'>>>;
    transforms?: Array<Omit<TransformDescriptor, 'default'> & Partial<Pick<TransformDescriptor, 'default'>>>;
    checkers?: Array<Omit<CheckerDescriptor, 'default' | 'stage'> & Partial<Pick<CheckerDescriptor, 'default' | 'stage'>>>;
    themes?: ThemeDescriptor[];
    videoSteps?: Array<Omit<VideoStepDescriptor, 'chunkSeconds'> & Partial<Pick<VideoStepDescriptor, 'chunkSeconds'>>>;
  };
  dependencies?: Record<string, string>;
  permissions?: Permissions;
  resources?: ResourceLimits;
};

/** Fills defaults and validates; throws EIA_PLUGIN_MANIFEST_INVALID naming the key. */
export function normalizeManifest(input: unknown, label: string): PluginManifest {
  const raw = (typeof input === 'object' && input !== null ? input : {}) as Partial<ManifestInput>;
  const c = raw.contributes ?? {};
  const manifest = {
    ...raw,
    main: raw.main ?? 'index.js',
    contributes: {
      importers: (c.importers ?? []).map((d) => ({ ...d, mediaTypes: d.mediaTypes ?? [], binary: d.binary ?? false })),
      exporters: (c.exporters ?? []).map((d) => ({ ...d, binary: d.binary ?? false })),
      transforms: (c.transforms ?? []).map((d) => ({ ...d, default: d.default ?? false })),
      checkers: (c.checkers ?? []).map((d) => ({ ...d, default: d.default ?? true, stage: d.stage ?? 50 })),
      themes: c.themes ?? [],
      videoSteps: (c.videoSteps ?? []).map((d) => ({ ...d, chunkSeconds: d.chunkSeconds ?? 0 })),
    },
    dependencies: raw.dependencies ?? {},
    permissions: raw.permissions ?? {},
    resources: raw.resources ?? {},
  };
  const validate = validateManifest;
  if (!validate(manifest)) {
    throw new ExportIaError('EIA_PLUGIN_MANIFEST_INVALID', { plugin: label, detail: describeSchemaErrors(validate.errors) });
  }
  return manifest as PluginManifest;
}

/** Builds the manifest from a package.json (name, version, engines + the `exportIa` field). */
export function manifestFromPackageJson(pkg: Record<string, unknown>, label: string): PluginManifest {
  const field = pkg.exportIa;
  if (typeof field !== 'object' || field === null) {
    throw new ExportIaError('EIA_PLUGIN_MANIFEST_INVALID', { plugin: label, detail: 'package.json has no "exportIa" field' });
  }
  const engines = (pkg.engines ?? {}) as Record<string, unknown>;
  const input: Record<string, unknown> = {
    ...(field as Record<string, unknown>),
    version: pkg.version,
    engines: { 'export-ia': engines['export-ia'] },
  };
  if (typeof pkg.name === 'string') input.packageName = pkg.name;
  if (typeof pkg.description === 'string' && input.description === undefined) input.description = pkg.description;
  if (input.main === undefined && typeof pkg.main === 'string') input.main = pkg.main;
  if (engines['export-ia'] === undefined) {
    throw new ExportIaError('EIA_PLUGIN_MANIFEST_INVALID', { plugin: label, detail: 'package.json has no engines["export-ia"] range' });
  }
  return normalizeManifest(input, label);
}

/**
 * The core's fixed JSON Schemas, and how their precompiled validators are generated.
 * `npm run gen:validators` writes validators.ts from these; a test keeps it in sync.
 */
import { configPluginKeysSchema } from '../config/config-file-schema.js';
import { settingsLayerSchema } from '../config/settings-schema.js';
import { pipelineFileSchema } from '../pipeline/pipeline-schema.js';
import { manifestSchema } from '../plugins/manifest-schema.js';
import { themeFileSchema } from '../themes/theme-schema.js';

/** Exported function name → schema. */
export const GENERATED_SCHEMAS = {
  validateSettingsLayer: settingsLayerSchema,
  validateManifest: manifestSchema,
  validateThemeFile: themeFileSchema,
  validatePipelineFile: pipelineFileSchema,
  validateConfigPluginKeys: configPluginKeysSchema,
} as const;

/** Options shared by generation and the sync test (the output depends on them). */
export const AJV_OPTIONS = { allErrors: true, strict: true, code: { source: true, esm: true, lines: true } } as const;

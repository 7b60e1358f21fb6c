import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parseYamlFile } from '../config/config-file.js';
import { describeSchemaErrors } from '../config/settings.js';
import { ExportIaError } from '../errors/export-ia-error.js';
import { lazy } from '../util/lazy.js';
import type { PipelineSpec } from './pipeline.js';

const id = { type: 'string', pattern: '^[a-z0-9-]+$' } as const;

/**
 * A pipeline file, e.g.
 * ```yaml
 * name: print
 * steps:
 *   - importer: markdown      # or auto: chosen from the input
 *   - transform: assets
 *   - exporters: [pdf, html]  # run concurrently
 * ```
 */
export const pipelineFileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['steps'],
  properties: {
    name: { type: 'string' },
    steps: {
      type: 'array',
      minItems: 1,
      items: {
        oneOf: [
          { type: 'object', additionalProperties: false, required: ['importer'], properties: { importer: id } },
          { type: 'object', additionalProperties: false, required: ['transform'], properties: { transform: id } },
          {
            type: 'object',
            additionalProperties: false,
            required: ['exporters'],
            properties: { exporters: { type: 'array', minItems: 1, items: id } },
          },
        ],
      },
    },
  },
} as const;

const validatePipeline = lazy(() => new Ajv({ allErrors: true, strict: true }).compile(pipelineFileSchema));

/** Parses a pipeline from YAML/JSON text; the shape is checked here, component names when run. */
export function parsePipeline(text: string, source: string): PipelineSpec {
  let data: unknown;
  try {
    data = parseYamlFile(text, source);
  } catch (err) {
    throw new ExportIaError('EIA_PIPELINE_INVALID', { source, detail: (err as ExportIaError).params?.detail ?? String(err) });
  }
  const validate = validatePipeline();
  if (!validate(data)) throw new ExportIaError('EIA_PIPELINE_INVALID', { source, detail: describeSchemaErrors(validate.errors) });
  return data as PipelineSpec;
}

export function loadPipelineFile(path: string): PipelineSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ExportIaError('EIA_PIPELINE_INVALID', { source: path, detail: `cannot read it (${(err as NodeJS.ErrnoException).code})` });
  }
  return parsePipeline(text, path);
}

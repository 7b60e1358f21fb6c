import { readFileSync } from 'node:fs';
import { parseYamlFile } from '../config/config-file.js';
import { describeSchemaErrors } from '../config/settings.js';
import { ExportIaError } from '../errors/export-ia-error.js';
import { validatePipelineFile } from '../generated/validators.js';
import type { PipelineSpec } from './pipeline.js';

import { pipelineFileSchema } from './pipeline-schema.js';

export { pipelineFileSchema };

/** Parses a pipeline from YAML/JSON text; the shape is checked here, component names when run. */
export function parsePipeline(text: string, source: string): PipelineSpec {
  let data: unknown;
  try {
    data = parseYamlFile(text, source);
  } catch (err) {
    throw new ExportIaError('EIA_PIPELINE_INVALID', { source, detail: (err as ExportIaError).params?.detail ?? String(err) });
  }
  const validate = validatePipelineFile;
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

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

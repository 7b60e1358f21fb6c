/** JSON Schema of a plugin manifest (see manifest.ts for the fields). */

const id = { type: 'string', pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$', maxLength: 64 } as const;
const ext = { type: 'string', pattern: '^\\.[a-z0-9][a-z0-9.+-]*$' } as const;
const strings = { type: 'array', items: { type: 'string', minLength: 1 } } as const;

export const manifestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'version', 'engines', 'apiVersion', 'main', 'contributes', 'dependencies', 'permissions', 'resources'],
  properties: {
    id,
    version: { type: 'string', minLength: 1 },
    packageName: { type: 'string' },
    description: { type: 'string' },
    engines: {
      type: 'object',
      required: ['export-ia'],
      properties: { 'export-ia': { type: 'string', minLength: 1 } },
    },
    apiVersion: { type: 'integer', minimum: 1 },
    main: { type: 'string', minLength: 1 },
    contributes: {
      type: 'object',
      additionalProperties: false,
      properties: {
        importers: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'extensions'],
            properties: { id, name: { type: 'string' }, extensions: { type: 'array', items: ext }, mediaTypes: strings, binary: { type: 'boolean' } },
          },
        },
        exporters: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'extension', 'mediaType'],
            properties: { id, name: { type: 'string' }, extension: ext, mediaType: { type: 'string' }, binary: { type: 'boolean' } },
          },
        },
        transforms: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id'],
            properties: { id, name: { type: 'string' }, description: { type: 'string' }, default: { type: 'boolean' } },
          },
        },
        checkers: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id'],
            properties: {
              id,
              name: { type: 'string' },
              description: { type: 'string' },
              default: { type: 'boolean' },
              stage: { type: 'integer', minimum: 0, maximum: 100 },
            },
          },
        },
        themes: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'file'],
            properties: { id, name: { type: 'string' }, file: { type: 'string', minLength: 1 } },
          },
        },
      },
    },
    dependencies: { type: 'object', propertyNames: id, additionalProperties: { type: 'string', minLength: 1 } },
    configSchema: { type: 'object' },
    permissions: {
      type: 'object',
      additionalProperties: false,
      properties: {
        fs: { type: 'object', additionalProperties: false, properties: { read: strings, write: strings } },
        net: { type: 'object', additionalProperties: false, required: ['hosts'], properties: { hosts: strings } },
        process: { type: 'boolean' },
      },
    },
    resources: {
      type: 'object',
      additionalProperties: false,
      properties: {
        memoryMb: { type: 'integer', minimum: 16 },
        timeoutMs: { type: 'integer', minimum: 1 },
        concurrency: { type: 'integer', minimum: 1 },
      },
    },
  },
} as const;

/** JSON Schema of a settings layer (config file, environment, flags, front matter). */

export const PDF_STANDARDS = ['a-2b', 'a-3u', 'ua-1'] as const;

/** Keys of `limits` (see Limits in settings.ts). */
export const LIMIT_KEYS = [
  'maxInputBytes',
  'maxNesting',
  'maxImageBytes',
  'maxImagePixels',
  'maxUnzippedBytes',
  'maxZipEntries',
  'remoteTimeoutMs',
  'maxRemoteBytes',
  'stepTimeoutMs',
  'sectionBytes',
] as const;

const stringList = { type: 'array', items: { type: 'string', minLength: 1 } } as const;

/** JSON Schema of a settings layer (the config file, env and front matter are checked with it). */
export const settingsLayerSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    to: stringList,
    theme: { type: 'string', minLength: 1 },
    toc: { type: 'boolean' },
    lang: { type: 'string', pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$' },
    pdfStandard: { enum: [...PDF_STANDARDS] },
    titlePage: { type: 'boolean' },
    numberSections: { type: 'boolean' },
    metadata: {
      type: 'object',
      additionalProperties: { anyOf: [{ type: 'string' }, stringList] },
    },
    from: { type: 'string', minLength: 1 },
    output: { type: 'string', minLength: 1 },
    allowRemote: { type: 'boolean' },
    remoteAllowHosts: stringList,
    resourcePaths: stringList,
    fontPaths: stringList,
    limits: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(LIMIT_KEYS.map((key) => [key, { type: 'integer', minimum: 1 }])),
    },
  },
} as const;

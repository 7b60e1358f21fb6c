/** The config file's own keys (the rest are settings, checked by the settings schema). */
export const configPluginKeysSchema = {
  type: 'object',
  properties: {
    plugins: { type: 'array', items: { type: 'string', minLength: 1 } },
    pluginConfig: { type: 'object', additionalProperties: { type: 'object' } },
    // `export-ia clip` defaults (speech recogniser, score weights, caption style…): the video
    // package checks its keys, so the core stays ignorant of them.
    clip: { type: 'object' },
  },
} as const;

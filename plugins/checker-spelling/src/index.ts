/**
 * Spelling checker: Hunspell (WebAssembly) with dictionaries from separate
 * `@export-ia/dictionary-<lang>` packages. See README.md for rules, configuration and metrics.
 */
import { definePlugin } from '@export-ia/core/plugin';
import { checkSpelling } from './check.js';
import { spellingOptions } from './options.js';
import { mergeSpelling } from './parts.js';

export default definePlugin({
  setup(api) {
    api.checker('spelling', {
      check: checkSpelling,
      merge: (parts, ctx) => mergeSpelling(parts, ctx.language, spellingOptions(ctx.config, ctx.plugin.id), ctx.signal),
    });
  },
});

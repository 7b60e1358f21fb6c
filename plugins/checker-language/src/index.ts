/**
 * Language, tone and metadata checkers. `language` runs first (stage 10) so later checkers get
 * the detected language as `ctx.language`; `tone` and `metadata` run with the others (stage 50).
 * Heavy models (eld's n-grams, wink's lexicon) load on first use, once per process.
 */
import { definePlugin } from '@export-ia/core/plugin';
import { fillKeywords } from './keywords-transform.js';
import { checkLanguage } from './language.js';
import { checkMetadata } from './metadata.js';
import { checkTone } from './tone.js';

export default definePlugin({
  setup(api) {
    api.checker('language', { check: checkLanguage });
    api.checker('tone', { check: checkTone });
    api.checker('metadata', { check: checkMetadata });
    api.transform('keywords', { transform: fillKeywords });
  },
});

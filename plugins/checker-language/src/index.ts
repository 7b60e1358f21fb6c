/**
 * Language, tone and metadata checkers. `language` runs first (stage 10) so later checkers get
 * the detected language as `ctx.language`; `tone` and `metadata` run with the others (stage 50).
 * Heavy models (eld's n-grams, wink's lexicon) load on first use, once per process. Huge
 * documents analysed in sections: each checker's `merge` combines its parts (see the README).
 */
import { definePlugin } from '@export-ia/core/plugin';
import { fillKeywords } from './keywords-transform.js';
import { checkLanguage, mergeLanguage } from './language.js';
import { checkMetadata, mergeMetadata } from './metadata.js';
import { checkTone, mergeTone } from './tone.js';

export default definePlugin({
  setup(api) {
    api.checker('language', { check: checkLanguage, merge: mergeLanguage });
    api.checker('tone', { check: checkTone, merge: mergeTone });
    api.checker('metadata', { check: checkMetadata, merge: mergeMetadata });
    api.transform('keywords', { transform: fillKeywords });
  },
});

/**
 * Readability checker: reading-ease and grade formulas for English (Flesch, Flesch-Kincaid,
 * Gunning fog, SMOG, Coleman-Liau, ARI), Spanish (Fernández-Huerta, Szigriszt-Pazos/INFLESZ),
 * French (Kandel-Moles), German (Amstad, Wiener Sachtextformel) and LIX for every language, on
 * the document, each section and each sentence; the hardest and the over-long sentences as
 * suggestions. Metrics: `readability` (`ease` feeds the quality score).
 */
import { definePlugin, proseBlocks } from '@export-ia/core/plugin';
import { checkReadability, readConfig } from './readability.js';

export default definePlugin({
  setup(api) {
    const config = readConfig(api.config);
    api.checker('readability', {
      check(doc, ctx) {
        const lang = (ctx.language || 'en').toLowerCase().split(/[-_]/)[0] || 'en';
        return checkReadability(proseBlocks(doc.root), lang, config);
      },
    });
  },
});

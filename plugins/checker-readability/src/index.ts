/**
 * Readability checker: reading-ease and grade formulas for English (Flesch, Flesch-Kincaid,
 * Gunning fog, SMOG, Coleman-Liau, ARI), Spanish (Fernández-Huerta, Szigriszt-Pazos/INFLESZ),
 * French (Kandel-Moles), German (Amstad, Wiener Sachtextformel) and LIX for every language, on
 * the document, each section and each sentence; the hardest and the over-long sentences as
 * suggestions. Metrics: `readability` (`ease` feeds the quality score).
 */
import { definePlugin, proseBlocks, walk } from '@export-ia/core/plugin';
import { checkReadability, mergeReadability, readConfig } from './readability.js';

const primary = (language: string) => (language || 'en').toLowerCase().split(/[-_]/)[0] || 'en';

export default definePlugin({
  setup(api) {
    const config = readConfig(api.config);
    api.checker('readability', {
      check(doc, ctx) {
        const lang = primary(ctx.language);
        if (!ctx.part) return checkReadability(proseBlocks(doc.root), lang, config);
        // Every heading opens a section (empty ones too): the next part's section indexes follow on.
        let headings = 0;
        walk(doc.root, (node) => {
          if (node.type === 'heading') headings++;
        });
        return checkReadability(proseBlocks(doc.root), lang, config, { line: ctx.part.line, offset: ctx.part.offset, headings });
      },
      merge(parts, ctx) {
        return mergeReadability(parts, primary(ctx.language), config);
      },
    });
  },
});

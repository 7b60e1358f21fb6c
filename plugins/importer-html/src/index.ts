/**
 * @export-ia/plugin-importer-html — HTML to the mdast document model. Parsed by parse5 (as a
 * browser would), converted by hast-util-to-mdast; scripts, styles and event handlers never
 * reach the model. <head> gives the metadata (title, author, description, keywords, lang).
 * Figures become figures, and common footnote markup (Word via mammoth, Pandoc, GitHub)
 * becomes real footnotes.
 */
import { definePlugin } from '@export-ia/core/plugin';

export default definePlugin({
  setup(api) {
    api.importer('html', {
      async import(input, ctx) {
        // The HTML parser loads on first use, so other commands start fast.
        const { htmlToMdast } = await import('./convert.js');
        return htmlToMdast(input, ctx.settings.limits.maxNesting);
      },
    });
  },
});

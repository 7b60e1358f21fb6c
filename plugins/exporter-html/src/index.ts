/**
 * @export-ia/plugin-exporter-html — one standalone, themed, sanitised HTML file per document.
 */
import { definePlugin } from '@export-ia/core/plugin';

export { themeCss } from './css.js';
export { renderBody, renderCommonMarkHtml, renderHtmlDocument } from './render.js';

export default definePlugin({
  setup(api) {
    const generator = `Export IA (${api.id} ${api.version})`;
    api.exporter('html', {
      async export(doc, ctx) {
        // Loaded on first use: start-up stays fast for commands that never render HTML.
        const { renderHtmlDocument } = await import('./render.js');
        const html = renderHtmlDocument({ doc, theme: ctx.theme, settings: ctx.settings, report: (d) => ctx.report(d) }, generator);
        return new TextEncoder().encode(html);
      },
    });
  },
});

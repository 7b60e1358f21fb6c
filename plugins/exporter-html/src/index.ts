/**
 * @export-ia/plugin-exporter-html — one standalone, themed, sanitised HTML file per document.
 */
import { definePlugin } from '@export-ia/core/plugin';

// The renderer is a separate entry point (`@export-ia/plugin-exporter-html/render`): re-exporting it
// here would load it, and its ~180 ms of dependencies, with the plugin.

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

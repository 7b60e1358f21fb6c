/**
 * @export-ia/plugin-exporter-docx — themed Word documents from the document model.
 */
import { definePlugin } from '@export-ia/core/plugin';

export default definePlugin({
  setup(api) {
    const generator = `Export IA (${api.id} ${api.version})`;
    api.exporter('docx', {
      async export(doc, ctx) {
        // docx and its maths/highlighting helpers load on first use (start-up cost).
        const [{ Packer }, { coreXml, DocxWriter }] = await Promise.all([import('docx'), import('./writer.js')]);
        const overrides = [{ path: 'docProps/core.xml', data: coreXml(doc, new Date()) }];
        const pack = (estimatePages: boolean) => {
          const writer = new DocxWriter({ doc, theme: ctx.theme, settings: ctx.settings, report: (d) => ctx.report(d), generator });
          return Packer.toBuffer(writer.build(estimatePages), false, overrides);
        };
        const estimate = (api.config as { tocPageNumbers?: boolean }).tocPageNumbers === true;
        let buffer: Buffer;
        try {
          buffer = await pack(estimate);
        } catch (err) {
          if (!estimate) throw err;
          // The page estimate is a nicety (TOC page numbers before Word updates fields); never fail on it.
          buffer = await pack(false);
        }
        return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      },
    });
  },
});

/**
 * @export-ia/plugin-importer-markdown — reads Markdown (CommonMark + GFM + maths + YAML front
 * matter) into the mdast document model, with a source position on every node.
 */
import { definePlugin, diagnostic } from '@export-ia/core/plugin';
import { parseMarkdown } from './parser/index.js';

export { COMMONMARK_ONLY, type ParseOptions, type ParseResult, parseMarkdown } from './parser/index.js';

export default definePlugin({
  setup(api) {
    const config = api.config as { gfm?: boolean; math?: boolean; extensions?: boolean };
    api.importer('markdown', {
      import(input, ctx) {
        const result = parseMarkdown(input.text ?? '', {
          gfm: config.gfm ?? true,
          math: config.math ?? true,
          extensions: config.extensions ?? true,
          maxNesting: ctx.settings.limits.maxNesting,
          file: input.name,
        });
        if (result.frontMatterError) {
          const e = result.frontMatterError;
          ctx.report(diagnostic('EIA_FRONT_MATTER_INVALID', { detail: `${e.message}` }, { file: input.name, position: { line: e.line, column: e.column } }));
        }
        return result.frontMatter ? { root: result.root, frontMatter: result.frontMatter } : { root: result.root };
      },
    });
  },
});

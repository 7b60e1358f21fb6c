/**
 * AI enhancer (`ai`, off by default): sends the hardest sentences (from the readability checker,
 * else the longest ones) to an OpenAI-compatible chat-completions endpoint the user configured,
 * and returns the model's plainer rewrite or explanation as `info` findings. Never fails the
 * analysis when the endpoint does, and never changes the quality score (metric `ai`).
 */
import { definePlugin, proseBlocks } from '@export-ia/core/plugin';
import { enhance, enhanceMerged, enhancePart } from './enhancer.js';

export default definePlugin({
  setup(api) {
    api.checker('ai', {
      check(doc, ctx) {
        // One part of a huge document: its candidates only; merge chooses and sends, once.
        if (ctx.part) return enhancePart(proseBlocks(doc.root), { ...ctx, part: ctx.part }, ctx.config ?? api.config);
        return enhance(proseBlocks(doc.root), ctx, ctx.config ?? api.config);
      },
      merge(parts, ctx) {
        return enhanceMerged(parts, ctx, ctx.config ?? api.config);
      },
    });
  },
});

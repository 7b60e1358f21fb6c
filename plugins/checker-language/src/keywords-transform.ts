/**
 * The `keywords` transform: when a document declares no keywords (front matter, --metadata),
 * its top keywords become `meta.keywords`, which every exporter writes (PDF keywords, DOCX core
 * properties, HTML `<meta name="keywords">`).
 */
import { type DocumentModel, proseBlocks, type StepContext } from '@export-ia/core/plugin';
import { extractKeywords } from './keywords.js';
import { configNumber, primarySubtag, proseOnly } from './text.js';

export function fillKeywords(doc: DocumentModel, ctx: StepContext): DocumentModel {
  if (doc.meta.keywords.length > 0) return doc;
  const top = configNumber(ctx.config, 'metadata', 'exportKeywords', 8);
  if (top <= 0) return doc;
  const lang = primarySubtag(ctx.settings.lang ?? doc.meta.lang) ?? 'en';
  const texts = proseBlocks(doc.root)
    .filter((b) => !b.quoted)
    .map((b) => proseOnly(b));
  const keywords = extractKeywords(texts, { lang, top }).map((k) => k.phrase);
  return keywords.length === 0 ? doc : { ...doc, meta: { ...doc.meta, keywords } };
}

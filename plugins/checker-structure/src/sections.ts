/**
 * Huge documents analysed in sections (`ctx.part`): what each part hands to `merge` (headings,
 * internal links and the ids they may point at, at document positions) and the document-level
 * rules redone from it, so a sectioned analysis reports what a whole one does.
 */
import {
  type CheckContext,
  type DocumentModel,
  type FindingPosition,
  headingIdAllocator,
  type MergeContext,
  toDocumentPosition as moveToDocument,
  type SectionPart,
  slugify,
  toPlainText,
} from '@export-ia/core/plugin';
import { documentLanguage, type EmitA11y, headingOrder, type OrderedHeading } from './accessibility.js';
import type { LintPartial } from './markdownlint-sections.js';
import type { OutlineHeading, Scan } from './scan.js';
import { type AnchorLink, brokenAnchors, type Emit, htmlIdsOf, internalLinks, outlineRules } from './structure.js';

/** A part's heading, at document positions. */
interface PartHeading extends OutlineHeading {
  /** Base of its slug id (the core's `assignHeadingIds` scheme), for ids recomputed over the whole document. */
  slug: string;
  /**
   * Absent when `data.id` is the scheme's per-part id: merge numbers it again over the document
   * (per-part ids restart their -1, -2 suffixes). Else the id another step set, or null for none.
   */
  id?: string | null;
  /** Further ids (`data.hProperties.id`). */
  more?: string[];
}

/** What `structure` hands to merge for each part. */
export interface StructurePartial {
  /** The document's front matter title (every part sees the whole document's metadata). */
  title: string | undefined;
  headings: PartHeading[];
  /** Content before the part's first heading: the previous part's last section goes on here. */
  lead: boolean;
  /** The source text was there to check anchors against (not DOCX). */
  anchors: boolean;
  links: AnchorLink[];
  footnotes: string[];
  /** Ids of raw HTML elements, in order. */
  html: string[];
  /** Present when markdownlint ran on the part (or was skipped). */
  lint?: LintPartial;
}

/** What `accessibility` hands to merge for each part. */
export interface AccessibilityPartial {
  hasTitle: boolean;
  lang: string | undefined;
  headings: OrderedHeading[];
}

/** A part-relative position moved to the document, as the host moves findings. */
function toDocumentPosition(p: FindingPosition | undefined, part: SectionPart): FindingPosition | undefined {
  return p && moveToDocument(p, part);
}

/** Heading ids from slug bases in document order, with the core's allocator (slugs slugify to themselves). */
export function headingIds(slugs: Iterable<string>): string[] {
  const next = headingIdAllocator();
  return [...slugs].map((slug) => next(slug));
}

function partHeadings(scan: Scan, part: SectionPart): PartHeading[] {
  const slugs = scan.headings.map((h) => slugify(toPlainText(h.node)) || 'section');
  const local = headingIds(slugs);
  return scan.headings.map((h, i) => {
    const data = h.node.data as { id?: unknown; hProperties?: { id?: unknown } } | undefined;
    const out: PartHeading = {
      depth: h.depth,
      text: h.text,
      hasContent: h.hasContent,
      position: toDocumentPosition(h.position, part),
      slug: slugs[i] as string,
    };
    if (typeof data?.id !== 'string') out.id = null;
    else if (data.id !== local[i]) out.id = data.id;
    if (typeof data?.hProperties?.id === 'string') out.more = [data.hProperties.id];
    return out;
  });
}

export function structurePartial(doc: DocumentModel, ctx: CheckContext, scan: Scan, part: SectionPart): StructurePartial {
  return {
    title: doc.meta.title,
    headings: partHeadings(scan, part),
    lead: scan.lead,
    anchors: ctx.text !== undefined,
    links: internalLinks(scan).map((l) => ({ ...l, position: toDocumentPosition(l.position, part) })),
    footnotes: scan.footnotes,
    html: ctx.text === undefined ? [] : [...htmlIdsOf(doc, ctx.text, scan)],
  };
}

export function accessibilityPartial(doc: DocumentModel, scan: Scan, part: SectionPart): AccessibilityPartial {
  return {
    hasTitle: Boolean(doc.meta.title?.trim()),
    lang: doc.meta.lang,
    headings: scan.headings.map((h) => ({ depth: h.depth, text: h.text, position: toDocumentPosition(h.position, part) })),
  };
}

/**
 * The outline and anchor rules over every part's headings, links and ids. Content before a
 * part's first heading belongs to the previous part's last section; heading ids are recomputed
 * in document order (a part numbers its repeated slugs from scratch).
 */
export function mergeStructureRules(partials: readonly StructurePartial[], emit: Emit): void {
  const first = partials[0];
  if (!first) return;
  const headings: PartHeading[] = [];
  for (const p of partials) {
    const last = headings[headings.length - 1];
    if (p.lead && last && !last.hasContent) headings[headings.length - 1] = { ...last, hasContent: true };
    for (const h of p.headings) headings.push(h);
  }
  outlineRules(first.title, headings, emit);

  if (!partials.every((p) => p.anchors)) return;
  const links = partials.flatMap((p) => p.links);
  if (links.length === 0) return;
  const ids = headingIds(headings.map((h) => h.slug));
  // In the order the heading's own ids come (`data.id`, then `hProperties.id`), as a whole analysis lists them.
  const headingTargets = headings.flatMap((h, i) => {
    const id = h.id === undefined ? ids[i] : h.id;
    return id === null || id === undefined ? (h.more ?? []) : [id, ...(h.more ?? [])];
  });
  brokenAnchors(links, { headings: headingTargets, footnotes: partials.flatMap((p) => p.footnotes), html: partials.flatMap((p) => p.html) }, emit);
}

/** Heading order and the document's language, once for the document. */
export function mergeAccessibilityRules(partials: readonly AccessibilityPartial[], ctx: MergeContext, emit: EmitA11y): void {
  const first = partials[0];
  if (!first) return;
  headingOrder(
    first.hasTitle,
    partials.flatMap((p) => p.headings),
    emit,
  );
  documentLanguage(first.lang, ctx, emit);
}

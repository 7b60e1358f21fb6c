/**
 * Helpers for documents analysed in sections (limits.sectionBytes): each part is checked on its
 * own, with part-relative positions and section numbers that restart at 0; `merge` puts them
 * back in document order. What a part hands to `merge` holds document positions only.
 */
import type { CheckContext, Checker, DocumentModel, FindingPosition } from '@export-ia/core/plugin';
import { toDocumentPosition, walk } from '@export-ia/core/plugin';

/** The context `merge` gets (the core does not export the name). */
export type MergeContext = Parameters<NonNullable<Checker['merge']>>[1];

/** Where a part starts in the document. */
export type SectionPart = NonNullable<CheckContext['part']>;

/** How a part's sections continue the document's numbering. */
export interface PartSections {
  /** Headings in the part: its sections 1…headings are new; its section 0 continues the previous part's last one. */
  headings: number;
  /** Title of the part's last section ('' when it has no heading). */
  lastTitle: string;
}

/**
 * Headings of a part and its last section's title, counted as `proseBlocks` numbers sections
 * (every heading node counts, even one without text).
 */
export function partSections(doc: DocumentModel, blocks: ReadonlyArray<{ kind: string; section: string; sectionIndex: number }>): PartSections {
  let headings = 0;
  walk(doc.root, (node) => {
    if (node.type !== 'heading') return;
    headings++;
    return false;
  });
  let lastTitle = '';
  for (let i = blocks.length - 1; i >= 0; i--) {
    const b = blocks[i];
    if (b && b.kind === 'heading' && b.sectionIndex === headings) {
      lastTitle = b.section;
      break;
    }
  }
  return { headings, lastTitle };
}

/**
 * For each part, the document index of its section 0 and the title that section has in the
 * whole document. Parts are cut before headings, so section 0 of a later part is usually empty;
 * when a part was cut elsewhere (a very long stretch without headings) it continues the section
 * before.
 */
export function sectionNumbering(parts: readonly PartSections[]): Array<{ offset: number; title: string }> {
  const out: Array<{ offset: number; title: string }> = [];
  let offset = 0;
  let title = '';
  for (const p of parts) {
    out.push({ offset, title });
    offset += p.headings;
    if (p.headings > 0) title = p.lastTitle;
  }
  return out;
}

/** A part-relative position moved to the document. */
export function toDocument(position: FindingPosition, part: SectionPart | undefined): FindingPosition {
  return part ? toDocumentPosition(position, part) : position;
}

/** A part-relative line moved to the document. */
export function documentLine(line: number, part: SectionPart | undefined): number {
  return part ? line + part.line - 1 : line;
}

/** The parts' `partial` values, checked to come from this plugin's `check`. */
export function partials<T>(parts: ReadonlyArray<{ partial?: unknown }>, kind: string): T[] {
  return parts.map((p, i) => {
    const partial = p.partial as { kind?: unknown } | undefined;
    if (partial?.kind !== kind) throw new Error(`part ${i} has no ${kind} data to merge`);
    return partial as T;
  });
}

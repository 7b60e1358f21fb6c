/**
 * The document model is mdast (https://github.com/syntax-tree/mdast), extended here by module
 * augmentation with what Markdown lacks: maths, page breaks, figures with captions and callouts.
 * Every node an importer produces carries a `position`, so every finding can point at
 * file:line:col.
 */
import type { BlockContent, Data, Image, Literal, Node, Parent, PhrasingContent, Table } from 'mdast';

/** Display maths (`$$…$$`), TeX source in `value`. */
export interface Math extends Literal {
  type: 'math';
  meta?: string | null;
  data?: Data;
}

/** Inline maths (`$…$`), TeX source in `value`. */
export interface InlineMath extends Literal {
  type: 'inlineMath';
  data?: Data;
}

/** A forced page break (`\pagebreak`, `\newpage` or `<!-- pagebreak -->` on its own line). */
export interface PageBreak extends Node {
  type: 'pageBreak';
  data?: Data;
}

/** The caption of a {@link Figure}. */
export interface FigureCaption extends Parent {
  type: 'figureCaption';
  children: PhrasingContent[];
  data?: Data;
}

/**
 * A figure: an image (or table) with a caption. Markdown makes one from an image that stands
 * alone in its paragraph and has alt text (like Pandoc's implicit figures); the caption repeats
 * the alt text.
 */
export interface Figure extends Parent {
  type: 'figure';
  children: Array<Image | Table | FigureCaption>;
  data?: Data;
}

export type CalloutKind = 'note' | 'tip' | 'important' | 'warning' | 'caution';

/** A highlighted aside, from GitHub's alert syntax (`> [!NOTE]`). */
export interface Callout extends Parent {
  type: 'callout';
  kind: CalloutKind;
  /** Optional custom title (`> [!WARNING] Read this first`). */
  title?: string;
  children: BlockContent[];
  data?: Data;
}

declare module 'mdast' {
  interface RootContentMap {
    math: Math;
    inlineMath: InlineMath;
    pageBreak: PageBreak;
    figure: Figure;
    figureCaption: FigureCaption;
    callout: Callout;
  }
  interface BlockContentMap {
    math: Math;
    pageBreak: PageBreak;
    figure: Figure;
    callout: Callout;
  }
  interface PhrasingContentMap {
    inlineMath: InlineMath;
  }
  interface HeadingData {
    /** Stable anchor id (GitHub-style slug), unique in the document. */
    id?: string;
  }
}

export const CALLOUT_KINDS: readonly CalloutKind[] = ['note', 'tip', 'important', 'warning', 'caution'];

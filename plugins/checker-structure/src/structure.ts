/**
 * The `structure` checker's own rules: title, heading outline, sections, internal anchors, local
 * images and linked files, empty links, long sentences and paragraphs, and the model's shape.
 * markdownlint's rules are added by index.ts (markdownlint.ts).
 */
import {
  type CheckContext,
  closest,
  type DocumentModel,
  type Finding,
  type FindingPosition,
  locate,
  type ProseBlock,
  proseBlocks,
  sentences,
  words,
} from '@export-ia/core/plugin';
import type { PluginConfig, StructureRule } from './config.js';
import { FileProbe, localPath } from './files.js';
import { type OutlineHeading, positionOf, type Scan } from './scan.js';

export type Emit = (rule: StructureRule, message: string, position: FindingPosition | undefined, extra?: Partial<Finding>) => void;

/** Scripts written without spaces between words: only the segmenter finds their words. */
const UNSPACED = new Set(['zh', 'ja', 'th', 'lo', 'km', 'my', 'bo']);
const WORD = /[\p{L}\p{M}\p{N}]+(?:['’.,-][\p{L}\p{M}\p{N}]+)*/gu;

/**
 * Where each word of a text starts. A regular expression is ~8× faster than Intl.Segmenter and
 * counts "risk-adjusted" and "2,050" as one word each, which is what a length limit wants.
 */
function wordStarts(text: string, lang: string): number[] {
  if (UNSPACED.has(lang)) return words(text, lang).map((w) => w.index);
  const out: number[] = [];
  for (const m of text.matchAll(WORD)) out.push(m.index);
  return out;
}

const excerpt = (text: string, max = 80) => (text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`);
const normalise = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Title, outline, empty and duplicate sections over every heading in document order. `metaTitle`
 * is the front matter's (`doc.meta.title`). A sectioned analysis calls it once, from merge.
 */
export function outlineRules(metaTitle: string | undefined, headings: readonly OutlineHeading[], emit: Emit): void {
  const h1 = headings.filter((h) => h.depth === 1);
  const title = metaTitle?.trim();
  if (!title && h1.length === 0) {
    emit(
      'missing-title',
      'The document has no title: no `title` in the front matter and no level-1 heading',
      { line: 1, column: 1 },
      {
        suggestion: 'Add `title:` to the front matter or start with a `# Title` heading.',
      },
    );
  }
  // With a front matter title, the title is the document's H1 and level-1 headings are chapters
  // (as Pandoc and our themes render them); without one, the first H1 is the title and must be alone.
  if (!title && h1.length > 1) {
    for (const h of h1.slice(1)) {
      emit('multiple-h1', `A second level-1 heading ("${excerpt(h.text, 60)}"): the first H1 is the document title`, h.position, {
        suggestion: 'Make it a level-2 heading, or put the title in the front matter (`title:`) so H1s become chapters.',
        excerpt: h.text,
        data: { first: h1[0]?.position?.line },
      });
    }
  }

  let previous = title ? 1 : 0;
  for (const h of headings) {
    if (previous > 0 && h.depth > previous + 1) {
      emit('heading-skip', `Heading level skips from H${previous} to H${h.depth} ("${excerpt(h.text, 60)}")`, h.position, {
        suggestion: `Use a level-${previous + 1} heading here.`,
        excerpt: h.text,
        data: { from: previous, to: h.depth },
      });
    }
    previous = h.depth;
  }

  for (let i = 0; i < headings.length; i++) {
    const h = headings[i] as OutlineHeading;
    if (h.hasContent) continue;
    const next = headings[i + 1];
    if (next && next.depth > h.depth) continue; // its content is its subsections
    emit('empty-section', `The section "${excerpt(h.text, 60)}" is empty`, h.position, {
      suggestion: next ? 'Write its content, or remove the heading.' : 'The document ends right after this heading: write its content, or remove it.',
      excerpt: h.text,
    });
  }

  // Same text at the same level under the same parent heading.
  const parents: number[] = [];
  const seen = new Map<string, OutlineHeading>();
  for (let i = 0; i < headings.length; i++) {
    const h = headings[i] as OutlineHeading;
    while (parents.length > 0 && (headings[parents[parents.length - 1] as number] as OutlineHeading).depth >= h.depth) parents.pop();
    const key = `${parents[parents.length - 1] ?? -1}\u0000${h.depth}\u0000${normalise(h.text)}`;
    const first = seen.get(key);
    if (first && h.text !== '') {
      emit('duplicate-heading', `Duplicate heading "${excerpt(h.text, 60)}" (also on line ${first.position?.line ?? '?'})`, h.position, {
        suggestion: 'Give each section a distinct heading, or merge the two sections.',
        excerpt: h.text,
        data: { firstLine: first.position?.line },
      });
    } else seen.set(key, h);
    parents.push(i);
  }
}

const ID_ATTRIBUTE = /\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/gi;

/** Ids named by `id`/`name` attributes in raw HTML, in order. */
function htmlIds(html: string, into: Set<string>): void {
  for (const m of html.matchAll(ID_ATTRIBUTE)) {
    const id = m[1] ?? m[2] ?? m[3];
    if (id) into.add(id);
  }
}

/**
 * "Did you mean" work per document: distinct broken targets × candidate ids compared. Past it,
 * broken anchors are still reported, without a suggestion (5,000 headings → the first 40 targets).
 */
const SUGGESTION_BUDGET = 200_000;

/** An internal link (`#…`) as the anchor rule sees it. */
export interface AnchorLink {
  url: string;
  text: string;
  position: FindingPosition | undefined;
}

/** What an internal link may point at, in this order (the "did you mean" picks the first closest). */
interface AnchorTargets {
  /** Heading ids, in document order. */
  headings: Iterable<string>;
  /** Footnote definition identifiers. */
  footnotes: Iterable<string>;
  /** Ids of raw HTML elements. */
  html: Iterable<string>;
}

const FOOTNOTE_PREFIXES = ['fn-', 'fnref-', 'user-content-fn-', 'user-content-fnref-', 'fn', 'fnref'];

/** Flags internal links to no known id. A sectioned analysis calls it once, from merge, with every part's ids. */
export function brokenAnchors(links: readonly AnchorLink[], targets: AnchorTargets, emit: Emit): void {
  if (links.length === 0) return;
  const ids = new Set<string>(['', 'top']);
  for (const id of targets.headings) ids.add(id);
  for (const f of targets.footnotes) {
    for (const prefix of FOOTNOTE_PREFIXES) ids.add(`${prefix}${f}`);
  }
  for (const id of targets.html) ids.add(id);
  const candidates = [...ids].filter((id) => id !== '' && id !== 'top');
  // One suggestion per distinct target, and only for the first ones: a document with thousands
  // of broken links to thousands of headings must not cost a "did you mean" for each pair.
  const suggestions = new Map<string, string | undefined>();
  for (const link of links) {
    let target = link.url.slice(1);
    try {
      target = decodeURIComponent(target);
    } catch {
      // not percent-encoded: keep as is
    }
    if (ids.has(target)) continue;
    let near = suggestions.get(target);
    if (!suggestions.has(target) && (suggestions.size + 1) * candidates.length <= SUGGESTION_BUDGET) {
      near = closest(target, candidates);
      suggestions.set(target, near);
    }
    emit(
      'broken-anchor',
      `The link "${excerpt(link.text || link.url, 60)}" points at #${target}, which no heading, footnote or anchor defines`,
      link.position,
      {
        ...(near
          ? { suggestion: `Did you mean #${near}?` }
          : { suggestion: 'Link to an existing heading (its id is its text in lower case, spaces as hyphens).' }),
        excerpt: link.url,
        data: { target, ...(near ? { closest: near } : {}) },
      },
    );
  }
}

/** The document's internal links (`#…`, also through a reference definition). */
export function internalLinks(scan: Scan): AnchorLink[] {
  const out: AnchorLink[] = [];
  for (const l of scan.links) if (l.url?.startsWith('#')) out.push({ url: l.url, text: l.text, position: positionOf(l.node) });
  return out;
}

/** Ids of the tree's raw HTML, and for HTML input every id in the source (elements the model has no node for). */
export function htmlIdsOf(doc: DocumentModel, text: string, scan: Scan): Set<string> {
  const ids = new Set<string>();
  for (const node of scan.html) htmlIds(node.value, ids);
  if (doc.source.format !== 'markdown') htmlIds(text, ids);
  return ids;
}

function anchorRules(doc: DocumentModel, ctx: CheckContext, scan: Scan, emit: Emit): void {
  // DOCX input has no source text and keeps only heading bookmarks: other targets cannot be known.
  if (ctx.text === undefined) return;
  const links = internalLinks(scan);
  if (links.length === 0) return;
  brokenAnchors(links, { headings: scan.headings.flatMap((h) => h.ids), footnotes: scan.footnotes, html: htmlIdsOf(doc, ctx.text, scan) }, emit);
}

function fileRules(doc: DocumentModel, ctx: CheckContext, scan: Scan, emit: Emit): void {
  let probe: FileProbe | undefined;
  const exists = (path: string) => {
    probe ??= new FileProbe(doc.source.dir, ctx.cwd);
    return probe.exists(path);
  };
  for (const image of scan.images) {
    if (image.url === undefined) continue;
    const asset = doc.assets[image.url];
    // The assets transform already looked (within its resource paths): trust it.
    let missing: boolean;
    if (asset) missing = asset.status === 'missing';
    else {
      const path = localPath(image.url);
      missing = path !== undefined && exists(path) === false;
    }
    if (missing) {
      emit('missing-image', `The image file "${excerpt(image.url, 80)}" does not exist`, positionOf(image.node), {
        suggestion: `Check the path: it is relative to ${doc.source.dir}.`,
        excerpt: image.url,
        data: { url: image.url },
      });
    }
  }
  for (const link of scan.links) {
    if (link.url === undefined) continue;
    if (link.url.trim() === '') {
      emit('empty-link', `The link "${excerpt(link.text, 60)}" has no destination`, positionOf(link.node), {
        suggestion: 'Add the address between the parentheses.',
        excerpt: link.text,
      });
      continue;
    }
    const path = localPath(link.url);
    if (path !== undefined && exists(path) === false) {
      emit('missing-link-target', `The linked file "${excerpt(link.url, 80)}" does not exist`, positionOf(link.node), {
        suggestion: `Check the path: it is relative to ${doc.source.dir}.`,
        excerpt: link.url,
        data: { url: link.url },
      });
    }
  }
  for (const link of scan.links) {
    if (link.text === '' && !link.hasImage)
      emit('empty-link', 'A link has no text', positionOf(link.node), {
        suggestion: 'Write what the link leads to as its text.',
        ...(link.url ? { excerpt: link.url } : {}),
      });
  }
}

function lengthRules(doc: DocumentModel, ctx: CheckContext, config: PluginConfig, emit: Emit, on: { sentence: boolean; paragraph: boolean }): void {
  const lang = ctx.language;
  for (const block of proseBlocks(doc.root) as ProseBlock[]) {
    if (block.kind !== 'paragraph') continue;
    // Soft line breaks are not sentence ends (the segmenter breaks at newlines); same length, same indexes.
    const text = block.text.replace(/\n/g, ' ');
    const ws = wordStarts(text, lang);
    if (block.quoted) continue;
    if (on.paragraph && ws.length > config.maxParagraphWords) {
      emit('long-paragraph', `Paragraph of ${ws.length} words (more than ${config.maxParagraphWords})`, locate(block, 0, text.length), {
        suggestion: 'Split it where the topic shifts.',
        excerpt: excerpt(text),
        data: { words: ws.length, max: config.maxParagraphWords },
      });
    }
    if (!on.sentence || ws.length <= config.maxSentenceWords) continue;
    let w = 0;
    for (const s of sentences(text, lang)) {
      const end = s.index + s.sentence.length;
      const start = w;
      while (w < ws.length && (ws[w] as number) < end) w++;
      const count = w - start;
      if (count <= config.maxSentenceWords) continue;
      const trimmed = s.sentence.trimEnd();
      emit('long-sentence', `Sentence of ${count} words (more than ${config.maxSentenceWords})`, locate(block, s.index, s.index + trimmed.length), {
        suggestion: 'Split it into shorter sentences.',
        excerpt: excerpt(trimmed),
        data: { words: count, max: config.maxSentenceWords },
      });
    }
  }
}

/**
 * A fenced code block with no language (markdownlint MD040): no syntax highlighting in the
 * output, and readers (and screen readers) are not told what it is. Indented blocks cannot
 * declare one, so only fences count (the source is read at the block's offset).
 */
function codeRules(text: string, scan: Scan, emit: Emit): void {
  for (const code of scan.code) {
    if (code.lang) continue;
    const at = code.position?.start.offset;
    if (at === undefined) continue;
    const fence = /^[ \t]*(`{3,}|~{3,})/.exec(text.slice(at, at + 64))?.[1];
    if (!fence) continue;
    const position = positionOf(code);
    emit('code-language', 'Fenced code block without a language (e.g. ```js): the output cannot highlight it or say what it is', position, {
      suggestion: `Name the language after the opening ${fence}: js, python, sh, json, text…`,
    });
  }
}

/**
 * Runs the structure rules (emit drops the ones that are off). On a part of a sectioned
 * analysis (`ctx.part`), the outline and anchor rules are left to merge: they need every part.
 */
export function checkStructure(
  doc: DocumentModel,
  ctx: CheckContext,
  config: PluginConfig,
  scan: Scan,
  emit: Emit,
  isOn: (rule: StructureRule) => boolean,
): void {
  for (const p of scan.invalid) emit('model-invalid', p.message, p.position);
  if (!ctx.part) {
    outlineRules(doc.meta.title, scan.headings, emit);
    anchorRules(doc, ctx, scan, emit);
  }
  fileRules(doc, ctx, scan, emit);
  if (ctx.text !== undefined && doc.source.format === 'markdown') codeRules(ctx.text, scan, emit);
  // The prose walk trusts the tree: skip it when the model is broken (a cycle would never end).
  if (scan.invalid.length > 0) return;
  const on = { sentence: isOn('long-sentence'), paragraph: isOn('long-paragraph') };
  if (on.sentence || on.paragraph) lengthRules(doc, ctx, config, emit, on);
}

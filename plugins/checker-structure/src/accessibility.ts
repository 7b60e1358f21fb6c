/**
 * The `accessibility` checker: what a screen-reader user meets in the exported document, checked
 * on the source: alt text, heading order, link text, table headers, the document's language.
 */
import type { CheckContext, DocumentModel, Finding, FindingPosition } from '@export-ia/core/plugin';
import type { AccessibilityRule, PluginConfig } from './config.js';
import { type OutlineHeading, positionOf, type Scan, textOf } from './scan.js';

export type EmitA11y = (rule: AccessibilityRule, message: string, position: FindingPosition | undefined, extra?: Partial<Finding>) => void;

const excerpt = (text: string, max = 80) => (text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`);

/**
 * Link texts that say nothing about the destination, by language (matched whole, after trimming
 * punctuation, case-insensitive). Words that often name a real target ("details", "continue")
 * are left out: a section called "Details" is a fine link.
 */
const VAGUE_LINK_TEXT: Readonly<Record<string, readonly string[]>> = {
  en: ['click here', 'click', 'here', 'read more', 'more', 'more info', 'more information', 'learn more', 'see more', 'link', 'this link', 'this', 'this page'],
  es: [
    'haz clic aquí',
    'haga clic aquí',
    'pulsa aquí',
    'pulse aquí',
    'clic aquí',
    'click aquí',
    'aquí',
    'leer más',
    'lee más',
    'más',
    'más información',
    'ver más',
    'enlace',
    'este enlace',
    'esto',
    'este',
  ],
  fr: ['cliquez ici', 'cliquer ici', 'ici', 'lire la suite', 'en savoir plus', 'plus', 'voir plus', 'suite', 'lien', 'ce lien', 'ceci', 'cela'],
  de: [
    'hier klicken',
    'klicken sie hier',
    'klick hier',
    'hier',
    'mehr',
    'weiterlesen',
    'mehr lesen',
    'mehr erfahren',
    'mehr informationen',
    'link',
    'dieser link',
    'dies',
    'details',
  ],
};

const vagueSets = new Map<string, Set<string>>();

function vagueFor(lang: string): Set<string> {
  let set = vagueSets.get(lang);
  if (!set) {
    // English phrases turn up in every language's documents.
    set = new Set([...(VAGUE_LINK_TEXT.en ?? []), ...(VAGUE_LINK_TEXT[lang] ?? [])]);
    vagueSets.set(lang, set);
  }
  return set;
}

const normaliseLinkText = (text: string) =>
  text
    .toLowerCase()
    .replace(/^[\s"'“”‘’«»‹›([{<]+|[\s.:;,!?"'“”‘’«»‹›)\]}>→»…-]+$/gu, '')
    .replace(/\s+/g, ' ');

const IMAGE_EXTENSION = /\.(?:png|jpe?g|gif|webp|svg|bmp|tiff?|avif|heic|ico)$/i;
const CAMERA_NAME = /^(?:img|dsc|dscn|dscf|dcim|pxl|mvimg|photo|image|screenshot|screen shot|capture|scan)[\s_-]*\d[\d\s_-]*$/i;
/** Alt texts that name the kind of thing, not what it shows. */
const GENERIC_ALT = new Set([
  'image',
  'img',
  'picture',
  'pic',
  'photo',
  'graphic',
  'figure',
  'screenshot',
  'imagen',
  'foto',
  'figura',
  'bild',
  'abbildung',
  'grafik',
  'illustration',
]);

/** Why an alt text does not describe its image, or undefined when it may. */
function badAlt(alt: string): string | undefined {
  const a = alt.trim();
  if (a === '') return 'has no alt text';
  if (IMAGE_EXTENSION.test(a) && !/\s/.test(a)) return `has a file name as alt text ("${excerpt(a, 40)}")`;
  if (CAMERA_NAME.test(a)) return `has a camera file name as alt text ("${excerpt(a, 40)}")`;
  if (GENERIC_ALT.has(a.toLowerCase())) return `has an alt text that does not say what it shows ("${a}")`;
  return undefined;
}

const IMG_TAG = /<img\b[^>]*>/gi;
const ALT_ATTRIBUTE = /\salt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/i;

const BARE_URL = /^(?:https?:\/\/|www\.)\S+$/i;

function images(scan: Scan, config: PluginConfig, emit: EmitA11y): void {
  for (const image of scan.images) {
    const why = badAlt(image.alt);
    const where = positionOf(image.node);
    if (why) {
      emit('image-alt', `The image ${image.url ? `"${excerpt(image.url, 60)}" ` : ''}${why}`, where, {
        suggestion: 'Describe what the image shows, as you would to someone on the phone: ![Bar chart of sales by region](…).',
        ...(image.alt ? { excerpt: image.alt } : {}),
      });
    } else if (image.alt.length > config.maxAltLength) {
      emit('image-alt-long', `Alt text of ${image.alt.length} characters (more than ${config.maxAltLength})`, where, {
        suggestion: 'Keep alt text short; put the long description in the text or a caption.',
        excerpt: excerpt(image.alt),
        data: { length: image.alt.length, max: config.maxAltLength },
      });
    }
  }
  for (const node of scan.html) {
    if (!node.value.includes('<')) continue;
    for (const m of node.value.matchAll(IMG_TAG)) {
      const attr = ALT_ATTRIBUTE.exec(m[0]);
      const alt = attr ? (attr[1] ?? attr[2] ?? attr[3] ?? '') : undefined;
      const why = alt === undefined ? 'has no alt attribute' : badAlt(alt);
      if (why)
        emit('image-alt', `An HTML <img> ${why}`, positionOf(node), { suggestion: 'Add alt="…" describing what the image shows.', excerpt: excerpt(m[0]) });
    }
  }
}

/** A heading as the order rule sees it. */
export type OrderedHeading = Pick<OutlineHeading, 'depth' | 'text' | 'position'>;

/**
 * The first heading is level 1 and no level is skipped, over every heading in document order
 * (`hasTitle`: a front matter title, rendered as the document's H1). A sectioned analysis calls
 * it once, from merge.
 */
export function headingOrder(hasTitle: boolean, headings: readonly OrderedHeading[], emit: EmitA11y): void {
  let previous = hasTitle ? 1 : 0;
  for (const h of headings) {
    const where = h.position;
    if (previous === 0 && h.depth !== 1) {
      emit('heading-order', `The first heading is level ${h.depth}, not 1 ("${excerpt(h.text, 60)}")`, where, {
        suggestion: 'Start the document with a level-1 heading (or a front matter title).',
        excerpt: h.text,
        data: { from: 0, to: h.depth },
      });
    } else if (previous > 0 && h.depth > previous + 1) {
      emit('heading-order', `Heading level jumps from ${previous} to ${h.depth} ("${excerpt(h.text, 60)}")`, where, {
        suggestion: `Screen-reader users navigate by heading level: use level ${previous + 1} here.`,
        excerpt: h.text,
        data: { from: previous, to: h.depth },
      });
    }
    previous = h.depth;
  }
}

function links(scan: Scan, lang: string, emit: EmitA11y): void {
  const vague = vagueFor(lang);
  for (const link of scan.links) {
    if (link.text === '' || link.hasImage) continue;
    const where = positionOf(link.node);
    if (vague.has(normaliseLinkText(link.text))) {
      emit('link-text', `The link text "${excerpt(link.text, 40)}" does not say where the link leads`, where, {
        suggestion: 'Use words that name the destination, e.g. "the 2025 annual report" instead of "click here".',
        excerpt: link.text,
      });
    } else if (BARE_URL.test(link.text)) {
      emit('link-url-text', 'A bare URL is the link text: screen readers spell it out', where, {
        suggestion: 'Write [what the page is](…) and keep the URL as the destination.',
        excerpt: excerpt(link.text),
      });
    }
  }
}

function tables(scan: Scan, emit: EmitA11y): void {
  for (const table of scan.tables) {
    const header = table.children[0];
    if (!header || !Array.isArray(header.children)) continue;
    const empty: number[] = [];
    header.children.forEach((cell, i) => {
      if (textOf(cell).trim() === '') empty.push(i + 1);
    });
    if (empty.length === 0) continue;
    const all = empty.length === header.children.length;
    emit(
      'table-header',
      all
        ? 'The table has no header row (every header cell is empty)'
        : `Header cell${empty.length > 1 ? 's' : ''} ${empty.join(', ')} of the table ${empty.length > 1 ? 'are' : 'is'} empty`,
      positionOf(header) ?? positionOf(table),
      { suggestion: 'Name every column in the first row: screen readers read the header with each cell.', data: { emptyColumns: empty } },
    );
  }
}

/** The document declares its language (once per document: a sectioned analysis calls it from merge). */
export function documentLanguage(declared: string | undefined, ctx: Pick<CheckContext, 'settings' | 'metrics'>, emit: EmitA11y): void {
  if (declared || ctx.settings.lang) return;
  const detected = (ctx.metrics.language as { document?: unknown } | undefined)?.document;
  const lang = typeof detected === 'string' ? detected : undefined;
  emit(
    'document-language',
    'The document does not declare its language',
    { line: 1, column: 1 },
    {
      suggestion: lang
        ? `Add \`lang: ${lang}\` to the front matter (the detected language) or pass --lang ${lang}, so screen readers use the right voice.`
        : 'Add `lang:` to the front matter or pass --lang, so screen readers use the right voice.',
      ...(lang ? { data: { detected: lang } } : {}),
    },
  );
}

/**
 * Runs the accessibility rules (emit drops the ones that are off). On a part of a sectioned
 * analysis (`ctx.part`), heading order and the document's language are left to merge.
 */
export function checkAccessibility(doc: DocumentModel, ctx: CheckContext, config: PluginConfig, scan: Scan, emit: EmitA11y): void {
  images(scan, config, emit);
  // A front matter title is rendered as the document's H1.
  if (!ctx.part) headingOrder(Boolean(doc.meta.title?.trim()), scan.headings, emit);
  links(scan, ctx.language, emit);
  tables(scan, emit);
  if (!ctx.part) documentLanguage(doc.meta.lang, ctx, emit);
}

/**
 * The `language` checker (stage 10): the language of every paragraph with eld (n-gram
 * detector, 60 languages), the document's language as the word-weighted majority, sections that
 * mix languages, and whether the declared language matches. Later checkers read the result
 * through `ctx.language` (spelling dictionaries, readability formulas).
 */
import { type CheckContext, type CheckResult, type DocumentModel, type Finding, type FindingPosition, locate, proseBlocks } from '@export-ia/core/plugin';
import { documentLine, type MergeContext, type PartSections, partials, partSections, sectionNumbering, toDocument } from './parts.js';
import { cleanForDetection, configNumber, countWords, languageName, primarySubtag, round } from './text.js';

export type EldModel = 'extrasmall' | 'small' | 'medium' | 'large';

interface Detection {
  language: string;
  isReliable(): boolean;
}

interface Detector {
  detect(text: string): Detection;
  info(): { Languages: Record<number, string> };
}

// One detector per database size for the life of the process: the medium database is ~60 MB
// of heap and ~0.4 s to load, so it is loaded on first use and never per document.
const detectors = new Map<EldModel, Promise<Detector>>();

async function importModel(model: EldModel): Promise<Detector> {
  const mod =
    model === 'extrasmall'
      ? await import('eld/extrasmall')
      : model === 'small'
        ? await import('eld/small')
        : model === 'large'
          ? await import('eld/large')
          : await import('eld/medium');
  // Our own instance: settings such as a language subset stay ours even if another plugin uses eld.
  return mod.eld.newInstance() as unknown as Detector;
}

/** The eld detector for a database size, loaded once. */
export function loadDetector(model: EldModel = 'extrasmall'): Promise<Detector> {
  let p = detectors.get(model);
  if (!p) {
    p = importModel(model);
    detectors.set(model, p);
    p.catch(() => detectors.delete(model));
  }
  return p;
}

// eld reads at most ~350 bytes of its input; longer paragraphs are detected in chunks so every
// word counts (a French quotation at the end of an English paragraph is not lost).
const CHUNK = 360;

function chunksOf(text: string): string[] {
  if (text.length <= CHUNK * 1.6) return [text];
  const out: string[] = [];
  let at = 0;
  while (at < text.length) {
    let end = Math.min(text.length, at + CHUNK);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      if (space > at + CHUNK / 2) end = space;
      // A short tail joins the previous chunk rather than being detected on its own.
      if (text.length - end < CHUNK / 2) end = text.length;
    }
    out.push(text.slice(at, end));
    at = end;
  }
  return out;
}

/** Words per language, weighted by how sure eld was. */
type Tally = Map<string, number>;

function add(t: Tally, lang: string, weight: number): void {
  t.set(lang, (t.get(lang) ?? 0) + weight);
}

function top(t: Tally): { language: string; weight: number; total: number } | undefined {
  let best: string | undefined;
  let bestWeight = 0;
  let total = 0;
  for (const [lang, w] of t) {
    total += w;
    if (w > bestWeight) {
      best = lang;
      bestWeight = w;
    }
  }
  return best === undefined ? undefined : { language: best, weight: bestWeight, total };
}

// eld's codes for tags it knows under another name.
const ALIASES: Record<string, string> = { nb: 'no', nn: 'no', fil: 'tl', ckb: 'ku', zsm: 'ms' };

export interface LanguageMetric {
  /** Detected language of the document (ISO 639-1), null when nothing could be detected. */
  document: string | null;
  /** Share of the detected (weighted) words in that language, 0-1. */
  confidence: number;
  /** Declared language (primary subtag of --lang or front matter `lang`), or null. */
  declared: string | null;
  /** Words that took part in the detection. */
  words: number;
  model: EldModel;
  paragraphs: Array<{ line: number; language: string; words: number }>;
  sections: Array<{ title: string; index: number; language: string; share: number; words: number }>;
}

/** Line of `lang:` / `language:` in the front matter, when the source text has one. */
function frontMatterLangPosition(text: string | undefined): FindingPosition | undefined {
  if (!text?.startsWith('---')) return undefined;
  const end = text.indexOf('\n---', 3);
  const head = end < 0 ? '' : text.slice(0, end);
  const m = /^(?:lang|language)[ \t]*:/m.exec(head);
  if (!m) return undefined;
  const line = head.slice(0, m.index).split('\n').length;
  return { line, column: 1, offset: m.index, endOffset: head.indexOf('\n', m.index) < 0 ? head.length : head.indexOf('\n', m.index) };
}

interface LanguageOptions {
  model: EldModel;
  minWords: number;
  minChars: number;
  mixedShare: number;
  mixedMinWords: number;
  mismatchConfidence: number;
  minDocumentWords: number;
}

function optionsOf(cfg: Readonly<Record<string, unknown>>): LanguageOptions {
  const groupValue = (cfg.language ?? {}) as Record<string, unknown>;
  return {
    model: (typeof groupValue.model === 'string' ? groupValue.model : 'extrasmall') as EldModel,
    minWords: configNumber(cfg, 'language', 'minWords', 4),
    minChars: configNumber(cfg, 'language', 'minChars', 25),
    mixedShare: configNumber(cfg, 'language', 'mixedShare', 0.2),
    mixedMinWords: configNumber(cfg, 'language', 'mixedMinWords', 15),
    mismatchConfidence: configNumber(cfg, 'language', 'mismatchConfidence', 0.8),
    minDocumentWords: configNumber(cfg, 'language', 'minDocumentWords', 30),
  };
}

/** The first paragraph of a section detected in a language: where a mixed-section finding points. */
interface FirstBlock {
  position?: FindingPosition;
  excerpt: string;
}

interface SectionTally {
  title: string;
  tally: Tally;
  /** Words detected reliably, per language. */
  reliable: Tally;
  first: Map<string, FirstBlock>;
}

/** What the detection found in a document or a part: tallies, sections and paragraphs, before any conclusion. */
interface Detected {
  document: Tally;
  sections: Map<number, SectionTally>;
  paragraphs: LanguageMetric['paragraphs'];
  words: number;
}

/** The declared language as the document gives it. */
interface Declaration {
  /** --lang, else the document's `lang` metadata. */
  tag: string | undefined;
  /** Whether the front matter wrote exactly that tag (the finding then points at it). */
  inFrontMatter: boolean;
}

async function detect(doc: DocumentModel, o: LanguageOptions, part: CheckContext['part']): Promise<Detected> {
  const detector = await loadDetector(o.model);
  const document: Tally = new Map();
  const sections = new Map<number, SectionTally>();
  const paragraphs: LanguageMetric['paragraphs'] = [];
  let detectedWords = 0;

  for (const block of proseBlocks(doc.root)) {
    // Headings are titles (names, terms); quoted text is someone else's words.
    if (block.kind === 'heading' || block.quoted) continue;
    const text = cleanForDetection(block);
    if (text.trim().length < o.minChars) continue;
    const chunks = chunksOf(text).map((chunk) => ({ chunk, words: countWords(chunk) }));
    const blockWords = chunks.reduce((n, c) => n + c.words, 0);
    if (blockWords < o.minWords) continue;

    const blockTally: Tally = new Map();
    const blockReliable: Tally = new Map();
    for (const { chunk, words: w } of chunks) {
      const d = detector.detect(chunk);
      if (!d.language) continue;
      const reliable = d.isReliable();
      // Unreliable guesses (too little text, close scores) count half.
      add(blockTally, d.language, reliable ? w : w / 2);
      if (reliable) add(blockReliable, d.language, w);
    }
    const best = top(blockTally);
    if (!best) continue;
    paragraphs.push({ line: documentLine(block.line, part), language: best.language, words: blockWords });
    detectedWords += blockWords;

    let section = sections.get(block.sectionIndex);
    if (!section) {
      section = { title: block.section, tally: new Map(), reliable: new Map(), first: new Map() };
      sections.set(block.sectionIndex, section);
    }
    for (const [lang, w] of blockTally) {
      add(document, lang, w);
      add(section.tally, lang, w);
    }
    for (const [lang, w] of blockReliable) add(section.reliable, lang, w);
    if (!section.first.has(best.language)) {
      const position = locate(block, 0);
      section.first.set(best.language, { ...(position ? { position: toDocument(position, part) } : {}), excerpt: block.text.slice(0, 80) });
    }
  }
  return { document, sections, paragraphs, words: detectedWords };
}

/** The document's language, its sections and the findings, from what the detection found. */
async function conclude(found: Detected, o: LanguageOptions, declaration: Declaration, text: string | undefined): Promise<CheckResult> {
  const detector = await loadDetector(o.model);
  const known = new Set(Object.values(detector.info().Languages));
  const docTop = top(found.document);
  const detected = docTop?.language ?? null;
  const confidence = docTop ? docTop.weight / docTop.total : 0;
  const declaredTag = declaration.tag;
  const declaredPrimary = primarySubtag(declaredTag);
  const declared = declaredPrimary === undefined ? null : declaredPrimary;

  const findings: Finding[] = [];
  const sectionMetrics: LanguageMetric['sections'] = [];
  for (const [index, s] of found.sections) {
    const st = top(s.tally);
    if (!st) continue;
    sectionMetrics.push({ title: s.title, index, language: st.language, share: round(st.weight / st.total), words: Math.round(st.total) });
    if (!detected) continue;
    // The strongest other language in the section, counted on reliable detections only.
    let other: string | undefined;
    let otherWeight = 0;
    for (const [lang, w] of s.tally) {
      if (lang !== detected && w > otherWeight) {
        other = lang;
        otherWeight = w;
      }
    }
    if (!other) continue;
    const share = otherWeight / st.total;
    if (share < o.mixedShare || (s.reliable.get(other) ?? 0) < o.mixedMinWords) continue;
    const first = s.first.get(other);
    const position = first?.position;
    const where = s.title ? `Section “${s.title}”` : 'The text before the first heading';
    const pct = Math.round(share * 100);
    findings.push({
      rule: 'language/mixed-section',
      severity: 'suggestion',
      message: `${where} is ${pct}% ${languageName(other)}; the document is ${languageName(detected)}.`,
      suggestion: `Spelling, style and readability check it as ${languageName(detected)}; translate it, or move it to its own document if both languages are intended.`,
      ...(position ? { position } : {}),
      ...(first ? { excerpt: first.excerpt } : {}),
      data: { section: s.title, sectionIndex: index, language: other, documentLanguage: detected, share: round(share) },
    });
  }

  if (detected && found.words >= o.minDocumentWords) {
    const declaredForEld = declared ? (ALIASES[declared] ?? declared) : null;
    if (declared && declaredForEld && known.has(declaredForEld) && declaredForEld !== detected && confidence >= o.mismatchConfidence) {
      const position = declaration.inFrontMatter ? frontMatterLangPosition(text) : undefined;
      findings.push({
        rule: 'language/declared-mismatch',
        severity: 'warning',
        message: `The document declares ${languageName(declared)} (${declaredTag}) but ${Math.round(confidence * 100)}% of its prose is ${languageName(detected)}.`,
        suggestion: `Spelling, hyphenation and readability follow the declared language: declare ${detected} (front matter \`lang: ${detected}\` or --lang ${detected}) if the text is right.`,
        ...(position ? { position } : {}),
        data: { declared, detected, confidence: round(confidence) },
      });
    } else if (!declared) {
      findings.push({
        rule: 'language/undeclared',
        severity: 'info',
        message: `No language is declared; the text was detected as ${languageName(detected)} (${Math.round(confidence * 100)}% of the prose), which spelling and readability use.`,
        suggestion: `Declare it with \`lang: ${detected}\` in the front matter or --lang ${detected}, so exports and checks do not depend on detection.`,
        data: { detected, confidence: round(confidence) },
      });
    }
  }

  const metric: LanguageMetric = {
    document: detected,
    confidence: round(confidence),
    declared,
    words: found.words,
    model: o.model,
    paragraphs: found.paragraphs,
    sections: sectionMetrics,
  };
  return { findings, metrics: { language: metric } };
}

type Entries = Array<[string, number]>;

/** What a part hands to `merge`: its detection as plain data (O(sections + paragraphs)), positions in the document. */
interface LanguagePartial {
  kind: 'language';
  sections: PartSections;
  declaration: Declaration;
  document: Entries;
  words: number;
  paragraphs: LanguageMetric['paragraphs'];
  /** `index` is the part's own section number (0 = before its first heading). */
  detected: Array<{ index: number; title: string; tally: Entries; reliable: Entries; first: Array<[string, FirstBlock]> }>;
}

export async function checkLanguage(doc: DocumentModel, ctx: CheckContext): Promise<CheckResult> {
  const o = optionsOf(ctx.config);
  const found = await detect(doc, o, ctx.part);
  const tag = ctx.settings.lang ?? doc.meta.lang;
  const written = doc.frontMatter.lang ?? doc.frontMatter.language;
  const declaration: Declaration = { tag, inFrontMatter: written === tag };
  if (!ctx.part) return conclude(found, o, declaration, ctx.text);
  // A part: the document's language (and so every finding) is only known once all parts are in.
  const partial: LanguagePartial = {
    kind: 'language',
    sections: partSections(doc, proseBlocks(doc.root)),
    declaration,
    document: [...found.document],
    words: found.words,
    paragraphs: found.paragraphs,
    detected: [...found.sections].map(([index, s]) => ({ index, title: s.title, tally: [...s.tally], reliable: [...s.reliable], first: [...s.first] })),
  };
  return { findings: [], partial };
}

/**
 * The document's result from its parts: tallies add up in document order (so ties break as in a
 * whole analysis), sections are renumbered, and every finding is made against the document's language.
 */
export async function mergeLanguage(parts: readonly CheckResult[], ctx: MergeContext): Promise<CheckResult> {
  const o = optionsOf(ctx.config);
  const data = partials<LanguagePartial>(parts, 'language');
  const numbering = sectionNumbering(data.map((d) => d.sections));
  const found: Detected = { document: new Map(), sections: new Map(), paragraphs: [], words: 0 };
  data.forEach((d, k) => {
    const { offset, title } = numbering[k] ?? { offset: 0, title: '' };
    for (const [lang, w] of d.document) add(found.document, lang, w);
    found.words += d.words;
    for (const p of d.paragraphs) found.paragraphs.push(p);
    for (const s of d.detected) {
      const index = offset + s.index;
      let section = found.sections.get(index);
      if (!section) {
        section = { title: s.index === 0 && k > 0 ? title : s.title, tally: new Map(), reliable: new Map(), first: new Map() };
        found.sections.set(index, section);
      }
      for (const [lang, w] of s.tally) add(section.tally, lang, w);
      for (const [lang, w] of s.reliable) add(section.reliable, lang, w);
      for (const [lang, first] of s.first) if (!section.first.has(lang)) section.first.set(lang, first);
    }
  });
  const declaration = data[0]?.declaration ?? { tag: ctx.settings.lang, inFrontMatter: false };
  return conclude(found, o, declaration, ctx.text);
}

/**
 * The `tone` checker: sentiment of English prose with wink-nlp's lexicon model (with negation:
 * "not bad" reads positive), per sentence, section and document. It reports, it rarely
 * complains: the only finding is a section that reads strongly negative (a low mean and most of
 * its sentences negative), which is worth a look in a report or a letter. Other languages get
 * no score (the lexicon is English).
 */
import { type CheckContext, type CheckResult, type DocumentModel, type Finding, type FindingPosition, locate, proseBlocks } from '@export-ia/core/plugin';
import type { WinkMethods } from 'wink-nlp';
import { documentLine, type MergeContext, type PartSections, partials, partSections, type SectionPart, sectionNumbering, toDocument } from './parts.js';
import { configNumber, proseOnly, round } from './text.js';

export type ToneLabel = 'negative' | 'neutral' | 'positive';

// Loaded on first use, once per process (~17 MB of heap, ~0.1 s).
let loading: Promise<WinkMethods> | undefined;

/** The wink-nlp pipeline with only what sentiment needs (sentences, negation, sentiment): tagging is skipped. */
export function loadTone(): Promise<WinkMethods> {
  loading ??= (async () => {
    const [{ default: winkNLP }, { default: model }] = await Promise.all([import('wink-nlp'), import('wink-eng-lite-web-model')]);
    return winkNLP(model, ['sbd', 'negation', 'sentiment']);
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

export interface TextTone {
  /** Mean of the sentence scores (wink's document score), -1…1. */
  score: number;
  /** Score of every sentence, in order. */
  sentences: number[];
  /** Text of the most negative sentence, when one is negative. */
  mostNegative?: { text: string; score: number };
}

/** Sentiment of a text: every sentence scored, the text scored as their mean. The one scoring function tone uses. */
export function scoreText(nlp: WinkMethods, text: string): TextTone {
  // wink-nlp's tokenizer is quadratic on very long tokens (200k letters: 20 s): cut tokens to 100
  // characters and a text to 20,000; sentiment words are short and a paragraph is not that long.
  const bounded = (text.length > 20_000 ? text.slice(0, 20_000) : text).replace(/\S{101,}/g, (t) => t.slice(0, 100));
  const sents = nlp.readDoc(bounded).sentences();
  const scores = sents.out(nlp.its.sentiment) as unknown as number[];
  let sum = 0;
  let min = 0;
  let minAt = -1;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] ?? 0;
    sum += s;
    if (s < min) {
      min = s;
      minAt = i;
    }
  }
  const out: TextTone = { score: scores.length > 0 ? sum / scores.length : 0, sentences: scores };
  if (minAt >= 0) out.mostNegative = { text: sents.itemAt(minAt).out(), score: min };
  return out;
}

/** Label of a score: within ±band it is neutral. */
export function toneLabel(score: number, band: number): ToneLabel {
  return score > band ? 'positive' : score < -band ? 'negative' : 'neutral';
}

export interface ToneSection {
  title: string;
  index: number;
  line: number;
  score: number;
  label: ToneLabel;
  sentences: number;
  /** Sentences with a negative score. */
  negative: number;
}

export interface ToneMetric {
  language: string;
  /** False for languages without a sentiment model: nothing is scored. */
  supported: boolean;
  document: { score: number; label: ToneLabel; sentences: number; negative: number; positive: number } | null;
  sections: ToneSection[];
}

interface ToneOptions {
  band: number;
  negativeSection: number;
  minSentences: number;
}

function optionsOf(config: Readonly<Record<string, unknown>>): ToneOptions {
  return {
    band: configNumber(config, 'tone', 'neutralBand', 0.1),
    negativeSection: configNumber(config, 'tone', 'negativeSection', -0.15),
    minSentences: configNumber(config, 'tone', 'minSentences', 3),
  };
}

/** A section's sentence scores, summed (positions in the document). */
interface SectionScore {
  title: string;
  index: number;
  line: number;
  /** Where the section's first scored paragraph starts. */
  position?: FindingPosition;
  sum: number;
  n: number;
  negative: number;
  /** Its most negative sentence (the first of equals) and where it is (`found`: its start was found in the paragraph). */
  worst?: { text: string; score: number; found: boolean; position?: FindingPosition };
}

/** Sentence scores of a document or a part, before any conclusion. */
interface Scored {
  sections: SectionScore[];
  sum: number;
  n: number;
  negative: number;
  positive: number;
}

async function score(doc: DocumentModel, part: SectionPart | undefined): Promise<Scored> {
  const nlp = await loadTone();
  const sections = new Map<number, SectionScore>();
  const out: Scored = { sections: [], sum: 0, n: 0, negative: 0, positive: 0 };

  for (const block of proseBlocks(doc.root)) {
    // Paragraphs (list items included) carry the tone; headings and table cells are labels and data,
    // quotations are someone else's voice.
    if (block.kind !== 'paragraph' || block.quoted) continue;
    const text = proseOnly(block);
    if (text.trim() === '') continue;
    const t = scoreText(nlp, text);
    let acc = sections.get(block.sectionIndex);
    if (!acc) {
      const position = locate(block, 0);
      acc = {
        title: block.section,
        index: block.sectionIndex,
        line: documentLine(block.line, part),
        ...(position ? { position: toDocument(position, part) } : {}),
        sum: 0,
        n: 0,
        negative: 0,
      };
      sections.set(block.sectionIndex, acc);
      out.sections.push(acc);
    }
    for (const s of t.sentences) {
      out.sum += s;
      out.n++;
      acc.sum += s;
      acc.n++;
      if (s < 0) {
        out.negative++;
        acc.negative++;
      } else if (s > 0) out.positive++;
    }
    if (t.mostNegative && (!acc.worst || t.mostNegative.score < acc.worst.score)) {
      const at = block.text.indexOf(t.mostNegative.text.trim().slice(0, 20));
      const position = at >= 0 ? locate(block, at) : undefined;
      acc.worst = { ...t.mostNegative, found: at >= 0, ...(position ? { position: toDocument(position, part) } : {}) };
    }
  }
  return out;
}

function conclude(scored: Scored, language: string, o: ToneOptions): CheckResult {
  const findings: Finding[] = [];
  const sectionMetrics: ToneSection[] = [];
  for (const acc of scored.sections) {
    const score = acc.n > 0 ? acc.sum / acc.n : 0;
    sectionMetrics.push({
      title: acc.title,
      index: acc.index,
      line: acc.line,
      score: round(score),
      label: toneLabel(score, o.band),
      sentences: acc.n,
      negative: acc.negative,
    });
    // Strongly negative: a low mean and most sentences negative (one harsh sentence is not a tone).
    if (acc.n < o.minSentences || score > o.negativeSection || acc.negative * 2 <= acc.n) continue;
    const where = acc.title ? `Section “${acc.title}”` : 'The text before the first heading';
    const position = acc.worst?.found ? acc.worst.position : acc.position;
    findings.push({
      rule: 'tone/negative-section',
      severity: 'suggestion',
      message: `${where} reads strongly negative (tone ${round(score, 2)} over ${acc.n} sentences, ${acc.negative} of them negative).`,
      suggestion: 'If the section should sound neutral or constructive, reword its most negative sentences (the first is quoted).',
      ...(position ? { position } : {}),
      ...(acc.worst ? { excerpt: acc.worst.text.trim() } : {}),
      data: { section: acc.title, sectionIndex: acc.index, score: round(score), sentences: acc.n, negative: acc.negative, threshold: o.negativeSection },
    });
  }

  const score = scored.n > 0 ? scored.sum / scored.n : 0;
  const metric: ToneMetric = {
    language,
    supported: true,
    document: { score: round(score), label: toneLabel(score, o.band), sentences: scored.n, negative: scored.negative, positive: scored.positive },
    sections: sectionMetrics,
  };
  return { findings, metrics: { tone: metric } };
}

function unsupported(language: string): CheckResult {
  const metric: ToneMetric = { language, supported: false, document: null, sections: [] };
  return { findings: [], metrics: { tone: metric } };
}

/** What a part hands to `merge`: sums and counts per section (section indexes are the part's own). */
interface TonePartial {
  kind: 'tone';
  sections: PartSections;
  scored: Scored;
}

export async function checkTone(doc: DocumentModel, ctx: CheckContext): Promise<CheckResult> {
  const language = ctx.language;
  if (language !== 'en') return ctx.part ? { findings: [] } : unsupported(language);
  const scored = await score(doc, ctx.part);
  if (!ctx.part) return conclude(scored, language, optionsOf(ctx.config));
  // A section could go on in the next part: findings wait for merge.
  const partial: TonePartial = { kind: 'tone', sections: partSections(doc, proseBlocks(doc.root)), scored };
  return { findings: [], partial };
}

/**
 * The document's result from its parts: sums and counts add up (the document's score is the mean
 * over all its sentences), sections are renumbered, and a section cut by a part boundary is joined.
 */
export function mergeTone(parts: readonly CheckResult[], ctx: MergeContext): CheckResult {
  if (ctx.language !== 'en') return unsupported(ctx.language);
  const data = partials<TonePartial>(parts, 'tone');
  const numbering = sectionNumbering(data.map((d) => d.sections));
  const merged: Scored = { sections: [], sum: 0, n: 0, negative: 0, positive: 0 };
  const byIndex = new Map<number, SectionScore>();
  data.forEach((d, k) => {
    const { offset, title } = numbering[k] ?? { offset: 0, title: '' };
    merged.sum += d.scored.sum;
    merged.n += d.scored.n;
    merged.negative += d.scored.negative;
    merged.positive += d.scored.positive;
    for (const s of d.scored.sections) {
      const index = offset + s.index;
      const acc = byIndex.get(index);
      if (!acc) {
        const copy: SectionScore = { ...s, index, title: s.index === 0 && k > 0 ? title : s.title };
        byIndex.set(index, copy);
        merged.sections.push(copy);
        continue;
      }
      acc.sum += s.sum;
      acc.n += s.n;
      acc.negative += s.negative;
      if (s.worst && (!acc.worst || s.worst.score < acc.worst.score)) acc.worst = s.worst;
    }
  });
  return conclude(merged, ctx.language, optionsOf(ctx.config));
}

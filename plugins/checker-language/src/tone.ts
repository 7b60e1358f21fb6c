/**
 * The `tone` checker: sentiment of English prose with wink-nlp's lexicon model (with negation:
 * "not bad" reads positive), per sentence, section and document. It reports, it rarely
 * complains: the only finding is a section that reads strongly negative (a low mean and most of
 * its sentences negative), which is worth a look in a report or a letter. Other languages get
 * no score (the lexicon is English).
 */
import { type CheckContext, type CheckResult, type DocumentModel, type Finding, locate, type ProseBlock, proseBlocks } from '@export-ia/core/plugin';
import type { WinkMethods } from 'wink-nlp';
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

export async function checkTone(doc: DocumentModel, ctx: CheckContext): Promise<CheckResult> {
  const language = ctx.language;
  if (language !== 'en') {
    const metric: ToneMetric = { language, supported: false, document: null, sections: [] };
    return { findings: [], metrics: { tone: metric } };
  }
  const band = configNumber(ctx.config, 'tone', 'neutralBand', 0.1);
  const negativeSection = configNumber(ctx.config, 'tone', 'negativeSection', -0.15);
  const minSentences = configNumber(ctx.config, 'tone', 'minSentences', 3);

  const nlp = await loadTone();
  interface Acc {
    title: string;
    index: number;
    first: ProseBlock;
    sum: number;
    n: number;
    negative: number;
    worst?: { text: string; score: number; block: ProseBlock };
  }
  const sections = new Map<number, Acc>();
  let sum = 0;
  let n = 0;
  let negative = 0;
  let positive = 0;

  for (const block of proseBlocks(doc.root)) {
    // Paragraphs (list items included) carry the tone; headings and table cells are labels and data,
    // quotations are someone else's voice.
    if (block.kind !== 'paragraph' || block.quoted) continue;
    const text = proseOnly(block);
    if (text.trim() === '') continue;
    const t = scoreText(nlp, text);
    let acc = sections.get(block.sectionIndex);
    if (!acc) {
      acc = { title: block.section, index: block.sectionIndex, first: block, sum: 0, n: 0, negative: 0 };
      sections.set(block.sectionIndex, acc);
    }
    for (const s of t.sentences) {
      sum += s;
      n++;
      acc.sum += s;
      acc.n++;
      if (s < 0) {
        negative++;
        acc.negative++;
      } else if (s > 0) positive++;
    }
    if (t.mostNegative && (!acc.worst || t.mostNegative.score < acc.worst.score)) acc.worst = { ...t.mostNegative, block };
  }

  const findings: Finding[] = [];
  const sectionMetrics: ToneSection[] = [];
  for (const acc of sections.values()) {
    const score = acc.n > 0 ? acc.sum / acc.n : 0;
    sectionMetrics.push({
      title: acc.title,
      index: acc.index,
      line: acc.first.line,
      score: round(score),
      label: toneLabel(score, band),
      sentences: acc.n,
      negative: acc.negative,
    });
    // Strongly negative: a low mean and most sentences negative (one harsh sentence is not a tone).
    if (acc.n < minSentences || score > negativeSection || acc.negative * 2 <= acc.n) continue;
    const where = acc.title ? `Section “${acc.title}”` : 'The text before the first heading';
    const at = acc.worst ? acc.worst.block.text.indexOf(acc.worst.text.trim().slice(0, 20)) : -1;
    const position = acc.worst && at >= 0 ? locate(acc.worst.block, at) : locate(acc.first, 0);
    findings.push({
      rule: 'tone/negative-section',
      severity: 'suggestion',
      message: `${where} reads strongly negative (tone ${round(score, 2)} over ${acc.n} sentences, ${acc.negative} of them negative).`,
      suggestion: 'If the section should sound neutral or constructive, reword its most negative sentences (the first is quoted).',
      ...(position ? { position } : {}),
      ...(acc.worst ? { excerpt: acc.worst.text.trim() } : {}),
      data: { section: acc.title, sectionIndex: acc.index, score: round(score), sentences: acc.n, negative: acc.negative, threshold: negativeSection },
    });
  }

  const score = n > 0 ? sum / n : 0;
  const metric: ToneMetric = {
    language,
    supported: true,
    document: { score: round(score), label: toneLabel(score, band), sentences: n, negative, positive },
    sections: sectionMetrics,
  };
  return { findings, metrics: { tone: metric } };
}

/**
 * The scoring model, kept transparent: every feature gives each type a number of points
 * (weight × strength, strength 0-1), a type's score is its points plus a prior, and the scores
 * are normalised with a softmax (temperature 1) into confidences. Every point is recorded as
 * evidence, so the reason names the features that actually won.
 */
import type { Features, Match } from './features.js';
import { DOCUMENT_TYPES, type DocumentType, type Weights } from './vocabulary.js';

export interface Evidence {
  /** Stable feature id (`salutation`, `sections`, `vocabulary`…). */
  feature: string;
  /** What was seen, for people: "salutation 'Dear Mr Okafor,'". */
  label: string;
  points: number;
}

export interface Classification {
  type: DocumentType;
  confidence: number;
  /** Softmax of the scores: every type's share, summing to 1. */
  scores: Record<string, number>;
  /** Raw points per type (prior included). */
  points: Record<string, number>;
  /** Evidence per type, strongest first (negative points included). */
  evidence: Partial<Record<DocumentType, Evidence[]>>;
  reason: string;
}

/** Names for messages. */
const TYPE_NAMES: Record<DocumentType, string> = {
  report: 'report',
  letter: 'letter',
  article: 'article',
  paper: 'academic paper',
  cv: 'CV',
  manual: 'manual',
  minutes: 'meeting minutes',
  proposal: 'proposal',
  readme: 'README',
  memo: 'memo',
};

/** An article is the fallback: running prose with nothing more specific to it. */
const PRIOR: Weights = { article: 0.5 };

/** Caps on features that add up several matches, so one kind of evidence cannot decide alone. */
const CAP = { sections: 6, fields: 5, frontMatter: 4 };

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
const quoteList = (items: string[]) => listing(items.map((s) => `'${s}'`));
function listing(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
const sat = (x: number, full: number) => (full <= 0 ? 1 : Math.max(0, Math.min(1, x / full)));

class Ledger {
  readonly evidence = new Map<DocumentType, Evidence[]>();
  constructor(private readonly types: ReadonlySet<DocumentType>) {}

  add(feature: string, label: string, weights: Weights, strength = 1): void {
    if (strength <= 0) return;
    for (const [type, weight] of Object.entries(weights) as Array<[DocumentType, number]>) {
      if (!this.types.has(type) || weight === 0) continue;
      const points = Math.round(weight * strength * 1000) / 1000;
      if (points === 0) continue;
      let list = this.evidence.get(type);
      if (!list) {
        list = [];
        this.evidence.set(type, list);
      }
      list.push({ feature, label, points });
    }
  }

  /** Several matches of one kind (sections, fields…): summed per type, capped, labelled with the strongest. */
  addMatches(feature: string, matches: Match[], label: (texts: string[]) => string, cap: number, combine: 'sum' | 'max' = 'sum'): void {
    const byType = new Map<DocumentType, Array<{ text: string; weight: number }>>();
    for (const m of matches) {
      for (const [type, weight] of Object.entries(m.weights) as Array<[DocumentType, number]>) {
        if (weight <= 0) continue;
        let list = byType.get(type);
        if (!list) {
          list = [];
          byType.set(type, list);
        }
        list.push({ text: m.text, weight });
      }
    }
    for (const [type, list] of byType) {
      list.sort((a, b) => b.weight - a.weight);
      const total = combine === 'sum' ? list.reduce((s, x) => s + x.weight, 0) : (list[0]?.weight ?? 0);
      const texts = list.slice(0, 3).map((x) => x.text);
      this.add(feature, label(texts), { [type]: Math.min(cap, total) });
    }
  }
}

/** Turns features into evidence for every candidate type. */
function weigh(f: Features, ledger: Ledger): void {
  const N = f.words;
  if (f.declared) ledger.add('declared', `declared type '${f.declared.value}' in the front matter`, { [f.declared.type]: 8 });

  // Letters and memos.
  if (f.salutation) ledger.add('salutation', `salutation '${f.salutation}'`, { letter: 4, memo: 0.5 });
  if (f.closing) ledger.add('closing', `closing '${f.closing}'`, { letter: 3.5, memo: 0.3 });
  if (f.dates > 0) ledger.add('date', f.dates === 1 ? 'a date' : `${f.dates} dates`, { letter: 1, memo: 0.5, minutes: 0.3 });
  if (f.addresses > 0)
    ledger.add('address', f.addresses === 1 ? 'an address' : plural(f.addresses, 'address', 'addresses'), { letter: 1.5, cv: 0.4 }, Math.min(2, f.addresses));

  // Named things.
  ledger.addMatches('sections', f.sections, (t) => `${t.length === 1 ? 'section' : 'sections'} ${quoteList(t)}`, CAP.sections);
  ledger.addMatches('fields', f.fields, (t) => `${t.length === 1 ? 'field' : 'fields'} ${quoteList(t)}`, CAP.fields);
  ledger.addMatches('title', f.title, (t) => `${quoteList(t)} in the title`, 4, 'max');
  ledger.addMatches(
    'file-name',
    f.fileName.map((m) => ({ ...m, weights: Object.fromEntries(Object.entries(m.weights).map(([k, v]) => [k, v * 0.8])) })),
    (t) => `${quoteList(t)} in the file name`,
    4,
    'max',
  );
  ledger.addMatches('front-matter', f.frontMatter, (t) => `front matter ${quoteList(t)}`, CAP.frontMatter);

  // Headings and length.
  const sh = f.sectionHeadings;
  if (sh === 0) {
    ledger.add('no-headings', 'no headings', {
      letter: 1.5,
      memo: 0.8,
      article: 0.2,
      report: -2.5,
      paper: -2,
      manual: -1,
      readme: -1,
      proposal: -1,
      cv: -0.5,
      minutes: -0.3,
    });
  } else {
    ledger.add('headings', plural(sh, 'heading'), { letter: -Math.min(3, sh), memo: -Math.min(1.5, sh * 0.25) });
    if (sh >= 12) ledger.add('many-headings', plural(sh, 'heading'), { report: 1.5, manual: 1, readme: 0.5, paper: 0.5 });
  }
  if (f.maxDepth >= 3) ledger.add('deep-headings', `headings ${f.maxDepth} levels deep`, { report: 1, manual: 0.8, paper: 0.5, readme: 0.3 });
  if (N < 350) {
    ledger.add('short', `a short text (${plural(N, 'word')})`, {
      memo: 0.8,
      letter: 0.5,
      cv: 0.3,
      minutes: 0.3,
      readme: 0.2,
      report: -1.5,
      paper: -1.5,
      proposal: -0.5,
    });
  } else if (N >= 2500) {
    ledger.add('long', plural(N, 'word'), { report: 1.5, paper: 1, manual: 0.5, proposal: 0.3, letter: -2, memo: -1.5, cv: -1.5, minutes: -1, article: -0.3 });
  }

  // Blocks.
  if (f.tables > 0) {
    ledger.add('tables', plural(f.tables, 'table'), { report: 0.5, proposal: 0.3, paper: 0.3, manual: 0.2, letter: -1, memo: -0.2 });
    if (f.tables >= 3) ledger.add('tables', plural(f.tables, 'table'), { report: 1 });
  }
  if (f.codeBlocks > 0) {
    const label = plural(f.codeBlocks, 'code block');
    ledger.add('code', label, { readme: 2, manual: 0.5 }, sat(f.codeBlocks, Math.max(1, N / 400)));
    ledger.add('code', label, { letter: -1.5, cv: -1, minutes: -0.5, memo: -0.5, article: -0.3 });
  }
  if (f.shellBlocks > 0) ledger.add('shell', f.shellBlocks === 1 ? 'a shell command' : 'shell commands', { readme: 1.5, manual: 0.8 }, sat(f.shellBlocks, 2));
  if (f.inlineCode >= 2 && N > 0)
    ledger.add('inline-code', plural(f.inlineCode, 'inline code span'), { readme: 1.2, manual: 0.3 }, sat((f.inlineCode / N) * 1000, 15));
  if (f.math > 0) ledger.add('maths', 'maths', { paper: 1.5, report: 0.3 }, sat(f.math, 3));
  if (f.footnotes > 0) ledger.add('footnotes', f.footnotes === 1 ? 'a footnote' : 'footnotes', { paper: 0.5, report: 0.3, article: 0.3 });
  if (f.citations > 0) {
    const like = f.citationExample ? ` like '${f.citationExample}'` : '';
    ledger.add('citations', `${plural(f.citations, 'citation')}${like}`, { paper: 3.5, report: 0.3 }, sat(f.citations, 5));
  }
  if (f.captions > 0) ledger.add('captions', 'figure and table references', { paper: 0.8, report: 0.5, manual: 0.3 }, sat(f.captions, 3));
  if (f.blockquotes > 0) ledger.add('blockquote', f.blockquotes === 1 ? 'a blockquote' : plural(f.blockquotes, 'blockquote'), { article: 0.8 });
  if (f.quotations > 0) {
    const label = f.quotations === 1 ? `a quotation ${f.quotationExample ?? ''}` : `${plural(f.quotations, 'quotation')} like ${f.quotationExample ?? ''}`;
    ledger.add('quotations', label, { article: 1.8 }, sat(f.quotations, 3));
  }
  if (f.questions > 0) ledger.add('questions', plural(f.questions, 'question'), { article: 0.8, manual: 0.2 }, sat(f.questions, 3));

  // Instructions and checklists.
  if (f.instructions > 0) {
    const numbered = f.orderedInstructions * 2 >= f.instructions;
    const label = `${plural(f.instructions, numbered ? 'numbered step' : 'instruction')} starting with ${quoteList(f.instructionVerbs)}`;
    ledger.add('instructions', label, { manual: 2.5, readme: 0.5 }, sat(f.instructions, 4));
  }
  if (f.steps > 0) ledger.add('steps', `'Step N' markers`, { manual: 2 }, sat(f.steps, 2));
  if (f.tasks > 0) ledger.add('checkboxes', plural(f.tasks, 'checkbox', 'checkboxes'), { minutes: 1.2, readme: 0.5, proposal: 0.3 }, sat(f.tasks, 2));
  if (f.callouts.length > 0) ledger.add('callouts', `callouts (${f.callouts.join(', ')})`, { manual: 1, readme: 0.5 });
  if (f.badges > 0) ledger.add('badges', plural(f.badges, 'badge'), { readme: 3 }, sat(f.badges, 2));

  // CVs and minutes.
  if (f.dateRanges > 0) ledger.add('date-ranges', `${plural(f.dateRanges, 'date range')} like '${f.dateRangeExample ?? ''}'`, { cv: 3 }, sat(f.dateRanges, 3));
  if (f.emails + f.phones > 0) {
    const parts = [f.emails > 0 ? 'an e-mail address' : '', f.phones > 0 ? 'a phone number' : ''].filter(Boolean);
    ledger.add('contact', listing(parts), { cv: 1, letter: 0.3, memo: 0.1 }, N < 2000 ? 1 : 0.3);
  }
  if (f.times > 0) ledger.add('times', `times like '${f.timeExample ?? ''}'`, { minutes: 1, memo: 0.2 }, sat(f.times, 2));

  // Shape of the prose.
  if (f.listItems >= 4 && f.listShare >= 0.5) {
    ledger.add('list-heavy', `lists (${Math.round(f.listShare * 100)}% of the words)`, {
      cv: 1.5,
      minutes: 1.2,
      readme: 0.5,
      manual: 0.5,
      article: -1,
      letter: -1.5,
      paper: -1,
    });
  }
  if (f.paragraphs >= 4 && f.meanParagraphWords >= 35 && f.listShare < 0.35) {
    const label = `running prose (${f.paragraphs} paragraphs of ${Math.round(f.meanParagraphWords)} words on average)`;
    ledger.add('prose', label, { article: 1, paper: 0.5, letter: 0.3, report: 0.3 });
  }
  if (f.numbers >= 10 && N > 0) {
    const density = (f.numbers / N) * 1000;
    ledger.add('figures', `figures in the text (${Math.round(density)} numbers per 1,000 words)`, { report: 1, proposal: 0.4, paper: 0.3 }, sat(density, 40));
  }
  if (f.paragraphs >= 4 && f.meanParagraphWords < 15) ledger.add('short-paragraphs', 'short paragraphs', { cv: 0.5, minutes: 0.5, memo: 0.2 });
  if (N > 0 && f.firstPerson >= 2)
    ledger.add('first-person', 'first-person voice', { letter: 0.8, article: 0.5, memo: 0.2 }, sat((f.firstPerson / N) * 1000, 10));
  if (N > 0 && f.secondPerson >= 2)
    ledger.add('second-person', 'second-person voice', { manual: 0.8, letter: 0.4, readme: 0.3, memo: 0.2 }, sat((f.secondPerson / N) * 1000, 15));

  // Vocabulary: hits per thousand words, full strength at 20.
  for (const [type, v] of Object.entries(f.vocabulary) as Array<[DocumentType, { hits: number; top: string[] }]>) {
    if (v.hits < 2 || N === 0) continue;
    ledger.add('vocabulary', `vocabulary ${quoteList(v.top)}`, { [type]: 2 }, sat((v.hits / N) * 1000, 20));
  }
}

/** Classifies the document among `candidates` (all types by default). */
export function classify(f: Features, candidates: readonly DocumentType[] = DOCUMENT_TYPES): Classification {
  const types = candidates.length > 0 ? candidates : DOCUMENT_TYPES;
  const ledger = new Ledger(new Set(types));
  weigh(f, ledger);

  const points: Record<string, number> = {};
  const evidence: Partial<Record<DocumentType, Evidence[]>> = {};
  for (const type of types) {
    const list = (ledger.evidence.get(type) ?? []).sort((a, b) => b.points - a.points);
    const prior = PRIOR[type] ?? 0;
    points[type] = Math.round((prior + list.reduce((s, e) => s + e.points, 0)) * 1000) / 1000;
    if (list.length > 0) evidence[type] = list;
  }
  // Softmax, shifted by the maximum for numeric safety; ties go to the earlier type in DOCUMENT_TYPES.
  let best = types[0] as DocumentType;
  for (const type of types) if ((points[type] ?? 0) > (points[best] ?? 0)) best = type;
  const max = points[best] ?? 0;
  let sum = 0;
  for (const type of types) sum += Math.exp((points[type] ?? 0) - max);
  const scores: Record<string, number> = {};
  for (const type of types) scores[type] = Math.round((Math.exp((points[type] ?? 0) - max) / sum) * 1000) / 1000;

  return { type: best, confidence: scores[best] ?? 0, scores, points, evidence, reason: reasonFor(best, evidence[best] ?? []) };
}

/** One sentence naming the strongest features of the winner: "salutation 'Dear …', closing 'Sincerely' and a date → letter". */
function reasonFor(type: DocumentType, evidence: Evidence[]): string {
  const seen = new Set<string>();
  const top: string[] = [];
  for (const e of evidence) {
    if (e.points <= 0 || seen.has(e.label)) continue;
    seen.add(e.label);
    top.push(e.label);
    if (top.length === 4) break;
  }
  const because = top.length > 0 ? listing(top) : 'no distinctive features';
  return `${because} → ${TYPE_NAMES[type]}`;
}

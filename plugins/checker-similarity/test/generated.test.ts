/**
 * Generated cases: a corpus of synthetic documents, and documents that embed a passage of one
 * of them verbatim, lightly edited, or not at all. Seeded: every run sees the same cases.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeWord, tokenize } from '../src/fingerprint.js';
import { type Analysis, analyze, passages, tempDir, tempDoc, writeFiles } from './helpers.js';
import { Prose } from './prose.js';

const CORPUS_DOCS = 150;
let corpusDir = '';
let config: Record<string, unknown> = {};
const corpus: Array<{ id: string; text: string }> = [];

beforeAll(() => {
  const prose = new Prose(20260101);
  corpusDir = tempDir('eia-similarity-corpus-');
  const files: Record<string, string> = {};
  for (let i = 0; i < CORPUS_DOCS; i++) {
    const name = `doc-${String(i).padStart(3, '0')}.md`;
    const text = prose.document(prose.int(300, 900));
    files[name] = text;
    corpus.push({ id: join(corpusDir, name), text });
  }
  writeFiles(corpusDir, files);
  config = { sources: [corpusDir] };
});

interface Embedded {
  file: string;
  source: string;
  /** Offsets of the embedded passage in the new document and in the source. */
  start: number;
  end: number;
  sourceStart: number;
  sourceEnd: number;
  words: number;
}

/** A new document with `passage` (as it will appear) between fresh paragraphs. */
function embed(prose: Prose, passage: string, before: string, after: string) {
  const head = `# ${prose.sentence().replace(/[.?]$/, '')}\n\n${prose.paragraph()}\n\n${before} `;
  const text = `${head}${passage} ${after}\n\n${prose.paragraph()}\n`;
  return { text, start: head.length, end: head.length + passage.length };
}

/** A word that differs from `not` (so a match cannot run past the passage by chance). */
function otherWord(prose: Prose, not: string | undefined): string {
  for (;;) {
    const w = prose.word();
    if (not === undefined || normalizeWord(w) !== normalizeWord(not)) return w;
  }
}

/** Picks a source document and a run of 30-120 of its words. */
function pick(prose: Prose) {
  const src = corpus[prose.int(0, corpus.length - 1)] as { id: string; text: string };
  const words = tokenize(src.text);
  // Skip the title (its first words) so the run is body prose.
  const len = prose.int(30, 120);
  const a = prose.int(20, words.count - len - 1);
  const b = a + len;
  const word = (i: number) => (i >= 0 && i < words.count ? src.text.slice(words.start[i], words.end[i]) : undefined);
  return { src, words, a, b, word };
}

function verbatim(prose: Prose): Embedded {
  const { src, words, a, b, word } = pick(prose);
  const sourceStart = words.start[a] as number;
  const sourceEnd = words.end[b - 1] as number;
  const passage = src.text.slice(sourceStart, sourceEnd);
  const before = `${prose.sentence()} ${otherWord(prose, word(a - 1))}`;
  const after = `${otherWord(prose, word(b))} ${prose.sentence()}`;
  const { text, start, end } = embed(prose, passage, before, after);
  return { file: tempDoc(text), source: src.id, start, end, sourceStart, sourceEnd, words: b - a };
}

/** ≈ 5% of the words substituted, inserted or deleted; commas added; some words capitalised. */
function edited(prose: Prose): Embedded & { edits: number } {
  const { src, a, b, word } = pick(prose);
  const out: string[] = [];
  let edits = 0;
  for (let i = a; i < b; i++) {
    let w = word(i) as string;
    const r = prose.random();
    if (r < 0.05) {
      edits++;
      const kind = prose.int(0, 2);
      if (kind === 0) continue; // deleted
      if (kind === 1)
        w = otherWord(prose, w); // substituted
      else out.push(otherWord(prose, w)); // inserted before
    }
    const caps = prose.random();
    if (caps < 0.03) w = w.toUpperCase();
    else if (caps < 0.08) w = w[0]?.toUpperCase() + w.slice(1);
    if (prose.random() < 0.05) w += prose.random() < 0.5 ? ',' : ';';
    out.push(w);
  }
  const passage = out.join(' ');
  const before = `${prose.sentence()} ${otherWord(prose, word(a - 1))}`;
  const after = `${otherWord(prose, word(b))} ${prose.sentence()}`;
  const { text, start, end } = embed(prose, passage, before, after);
  return { file: tempDoc(text), source: src.id, start, end, sourceStart: -1, sourceEnd: -1, words: b - a, edits };
}

/** The copied-passage findings naming `source` that overlap [start, end). */
function hitsOn(result: Analysis, source: string, start: number, end: number) {
  return passages(result).filter((f) => {
    const s = f.position?.offset ?? -1;
    const e = f.position?.endOffset ?? -1;
    return f.data?.source === source && s < end && e > start;
  });
}

describe('verbatim copies', () => {
  it('finds all 60 with their source, the exact offsets in both texts and the word count', async () => {
    const prose = new Prose(7);
    const misses: string[] = [];
    for (let n = 0; n < 60; n++) {
      const c = verbatim(prose);
      const result = await analyze(c.file, config);
      const found = hitsOn(result, c.source, c.start, c.end);
      const f = found[0];
      const sp = f?.data?.sourcePassage as { start: number; end: number } | undefined;
      const ok =
        found.length === 1 &&
        f?.position?.offset === c.start &&
        f.position.endOffset === c.end &&
        sp?.start === c.sourceStart &&
        sp.end === c.sourceEnd &&
        f.data?.words === c.words &&
        f.data?.matchedWords === c.words &&
        f.severity === (c.words >= 50 ? 'error' : 'warning');
      if (!ok) misses.push(`${n}: ${JSON.stringify({ expected: c, found: found.map((x) => ({ position: x.position, data: x.data })) })}`);
      // Nothing else: the rest of the document is new prose.
      expect(passages(result).length, JSON.stringify(passages(result), null, 1)).toBe(found.length);
      const share = c.words / (result.similarity?.words ?? 1);
      expect(result.similarity?.maxContainment).toBeCloseTo(share, 3);
    }
    expect(misses).toEqual([]);
  });
});

describe('lightly edited copies', () => {
  it('finds at least 95% of 60 copies with ≈5% of words changed, with their source', async () => {
    const prose = new Prose(11);
    let found = 0;
    let coveredWords = 0;
    let copiedWords = 0;
    let edits = 0;
    const missed: string[] = [];
    for (let n = 0; n < 60; n++) {
      const c = edited(prose);
      edits += c.edits;
      const result = await analyze(c.file, config);
      const hits = hitsOn(result, c.source, c.start, c.end);
      if (hits.length > 0) found++;
      else missed.push(`${c.words} words, ${c.edits} edits`);
      copiedWords += c.words;
      for (const h of hits)
        coveredWords += Math.min(c.end, h.position?.endOffset ?? 0) - Math.max(c.start, h.position?.offset ?? 0) > 0 ? (h.data?.matchedWords as number) : 0;
      // A passage never names another source: unrelated corpus documents share no 8-word run.
      expect(passages(result).every((f) => f.data?.source === c.source)).toBe(true);
    }
    expect(edits / copiedWords).toBeGreaterThan(0.03);
    expect(found / 60, missed.join('; ')).toBeGreaterThanOrEqual(0.95);
    // Most of the copied words are identified as such, not just a fragment.
    expect(coveredWords / copiedWords).toBeGreaterThan(0.75);
  });
});

describe('unrelated documents', () => {
  it('reports nothing for 60 new documents written from the same vocabulary', async () => {
    const prose = new Prose(99);
    for (let n = 0; n < 60; n++) {
      const result = await analyze(tempDoc(prose.document(prose.int(200, 1200))), config);
      expect(result.findings).toEqual([]);
      expect(result.similarity?.maxContainment).toBe(0);
      expect(result.similarity?.sources).toEqual([]);
      expect(result.similarity?.corpus.documents).toBe(CORPUS_DOCS);
    }
  });
});

describe('near-duplicates', () => {
  it('reports a corpus document rewritten at 1% of its words as a near-duplicate, not one that shares a third', async () => {
    const prose = new Prose(5);
    for (let n = 0; n < 10; n++) {
      const src = corpus[prose.int(0, corpus.length - 1)] as { id: string; text: string };
      const tokens = tokenize(src.text);
      // 1% of the words substituted, at distinct places.
      const at = new Set<number>();
      while (at.size < Math.round(tokens.count / 100)) at.add(prose.int(0, tokens.count - 1));
      let text = src.text;
      for (const i of [...at].sort((x, y) => y - x)) {
        text = text.slice(0, tokens.start[i]) + otherWord(prose, text.slice(tokens.start[i], tokens.end[i])) + text.slice(tokens.end[i]);
      }
      const near = await analyze(tempDoc(text), config);
      const dup = near.findings.filter((f) => f.rule === 'similarity/near-duplicate');
      expect(dup.map((f) => f.data?.source)).toEqual([src.id]);
      expect(dup[0]?.data?.jaccard).toBeGreaterThanOrEqual(0.8);
      // Every word but the substituted ones is found (the title and body are all prose).
      expect(near.similarity?.maxContainment).toBeGreaterThan(1 - (2 * at.size) / (near.similarity?.words ?? 1));
      expect(near.similarity?.sources[0]).toMatchObject({ doc: src.id });

      // The first third of the document, then new prose.
      const cut = tokens.start[Math.floor(tokens.count / 3)] as number;
      const third = await analyze(tempDoc(`${src.text.slice(0, cut)}\n\n${prose.document(Math.floor((tokens.count * 2) / 3))}`), config);
      expect(third.findings.filter((f) => f.rule === 'similarity/near-duplicate')).toEqual([]);
      expect(passages(third).map((f) => f.data?.source)).toContain(src.id);
      const j = third.similarity?.sources.find((s) => s.doc === src.id)?.jaccard ?? 1;
      expect(j).toBeLessThan(0.5);
    }
  });
});

describe('the corpus folder', () => {
  it('indexes every document of the folder', async () => {
    const result = await analyze(tempDoc('A short unrelated note.\n'), { sources: [join(corpusDir)] });
    expect(result.similarity?.corpus.documents).toBe(CORPUS_DOCS);
  });
});

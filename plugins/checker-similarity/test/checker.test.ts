import { readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CheckContext, DocumentModel } from '@export-ia/core/plugin';
import { describe, expect, it } from 'vitest';
import type { SimilarityMetric } from '../src/checker.js';
import { type CorpusIndex, MemoryCorpus } from '../src/corpus.js';
import { createSimilarityChecker, defaultCorpusProvider } from '../src/index.js';
import { analyze, importDoc, passages, tempDir, tempDoc, writeFiles } from './helpers.js';
import { Prose } from './prose.js';

const prose = new Prose(42);
/** A corpus folder with one document; returns it, its text and the config naming it. */
function corpusOf(files: Record<string, string | Uint8Array>) {
  const dir = writeFiles(tempDir('eia-similarity-src-'), files);
  return { dir, config: { sources: [dir] } };
}
const sentenceOf = (n: number) => prose.words(n).join(' ');

describe('without a corpus', () => {
  it('stays silent without any corpus and leaves originality out of the score (no metric)', async () => {
    const r = await analyze(tempDoc('Some prose that nobody can compare with anything.\n'));
    expect(r.findings).toEqual([]);
    expect(r.similarity).toBeUndefined();
  });

  it('treats sources that hold no document as no corpus', async () => {
    const dir = tempDir();
    const r = await analyze(tempDoc('Some prose.\n'), { sources: [dir] });
    expect(r.findings.map((f) => f.rule)).toEqual(['similarity/no-corpus']);
    expect(r.similarity).toBeUndefined();
  });
});

describe('corpus sources', () => {
  it('names every file it could not read and compares with the others', async () => {
    const copied = sentenceOf(20);
    const { dir } = corpusOf({
      'good.md': `# Notes\n\n${copied}.\n`,
      'image.md': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]),
      'latin1.txt': new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x6e, 0x6f, 0x69, 0x72]),
      'skipped.pdf': new Uint8Array([0, 1, 2]),
    });
    const r = await analyze(tempDoc(`Intro words first. ${copied}.\n`), { sources: [dir, join(dir, 'missing.md')] });
    const unreadable = r.findings.filter((f) => f.rule === 'similarity/source-unreadable');
    expect(unreadable.map((f) => [f.severity, f.data?.file, f.data?.reason])).toEqual([
      ['warning', join(dir, 'missing.md'), 'not found'],
      ['warning', join(dir, 'image.md'), 'binary file'],
      ['warning', join(dir, 'latin1.txt'), 'not UTF-8 text'],
    ]);
    expect(unreadable[1]?.message).toContain(join(dir, 'image.md'));
    expect(passages(r).map((f) => f.data?.source)).toEqual([join(dir, 'good.md')]);
    expect(r.similarity?.corpus.documents).toBe(1);
  });

  it('resolves sources from the working directory and names their documents as configured', async () => {
    const run = sentenceOf(12);
    const { dir } = corpusOf({ 'notes/a.md': `${run}.\n` });
    const configured = relative(process.cwd(), dir);
    const r = await analyze(tempDoc(`Mine. ${run}.\n`), { sources: [`${configured}/`] });
    expect(passages(r).map((f) => f.data?.source)).toEqual([`${configured}/notes/a.md`]);
  });

  it('reads a source again when it changes, and forgets a removed one', async () => {
    const first = sentenceOf(15);
    const second = sentenceOf(15);
    const { dir, config } = corpusOf({ 'a.md': `${first}.\n`, 'b.txt': 'Another document.\n' });
    const doc = tempDoc(`Start. ${first}. Middle. ${second}.\n`);
    expect(passages(await analyze(doc, config)).map((f) => f.excerpt)).toEqual([first]);
    writeFileSync(join(dir, 'a.md'), `${second}.\n`);
    utimesSync(join(dir, 'a.md'), new Date(), new Date(Date.now() + 5000));
    expect(passages(await analyze(doc, config)).map((f) => f.excerpt)).toEqual([second]);
    rmSync(join(dir, 'a.md'));
    const after = await analyze(doc, config);
    expect(passages(after)).toEqual([]);
    expect(after.similarity?.corpus.documents).toBe(1);
  });

  it('matches the prose of Markdown sources around code, links and front matter, at offsets into the file', async () => {
    const a = sentenceOf(12);
    const b = sentenceOf(12);
    const source = `---\ntitle: x\n---\n\n${a} [see the guide](https://example.org/some/long/path "Guide") <span>${b}</span> at <https://example.org/x>\n\n\`\`\`js\nconst code = 1;\n\`\`\`\n`;
    const { dir, config } = corpusOf({ 'guide.md': source });
    const r = await analyze(tempDoc(`${a} see the guide ${b} at <https://example.org/x>\n`), config);
    const [f] = passages(r);
    expect(f?.data?.words).toBe(12 + 3 + 12 + 1 + 4);
    const sp = f?.data?.sourcePassage as { start: number; end: number; excerpt: string };
    expect(readFileSync(join(dir, 'guide.md'), 'utf8').slice(sp.start, sp.end)).toBe(
      `${a} [see the guide](https://example.org/some/long/path "Guide") <span>${b}</span> at <https://example.org/x`,
    );
    expect(sp.excerpt).toBe(`${a} [see the guide] ${b} at https://example.org/x`);
  });

  it('never compares a file with its own copy in the corpus', async () => {
    const text = prose.document(300);
    const { dir, config } = corpusOf({ 'mine.md': text, 'other.md': prose.document(300) });
    const r = await analyze(join(dir, 'mine.md'), config);
    expect(r.findings).toEqual([]);
    expect(r.similarity?.maxContainment).toBe(0);
    // A copy elsewhere is compared.
    expect((await analyze(tempDoc(text), config)).similarity?.maxContainment).toBe(1);
  });
});

describe('copied passages', () => {
  it('is a warning below errorWords and an error from it, with the source named', async () => {
    const short = sentenceOf(20);
    const long = sentenceOf(60);
    const { dir, config } = corpusOf({ 'src.md': `${short}.\n\n${long}.\n` });
    const r = await analyze(tempDoc(`New words here. ${short}. Other words in between. ${long}. The end.\n`), config);
    expect(passages(r).map((f) => [f.severity, f.data?.words])).toEqual([
      ['warning', 20],
      ['error', 60],
    ]);
    expect(passages(r)[0]?.message).toBe(`This passage of 20 words matches “${join(dir, 'src.md')}” in the corpus.`);
    const lower = await analyze(tempDoc(`New words here. ${short}.\n`), { ...config, errorWords: 20 });
    expect(passages(lower).map((f) => f.severity)).toEqual(['error']);
  });

  it('reports shared runs from minPassageWords words on', async () => {
    const run = sentenceOf(10);
    const { config } = corpusOf({ 'src.md': `Alpha beta gamma. ${run}. Delta epsilon zeta.\n` });
    const doc = tempDoc(`Kappa lambda mu. ${run}. Nu xi omicron.\n`);
    expect(passages(await analyze(doc, config)).map((f) => f.data?.matchedWords)).toEqual([10]);
    expect(passages(await analyze(doc, { ...config, minPassageWords: 11 }))).toEqual([]);
  });

  it('points at a passage that runs over several paragraphs, and counts edited words apart', async () => {
    const p1 = sentenceOf(14);
    const p2 = sentenceOf(14);
    const { config } = corpusOf({ 'src.md': `${p1}\n\n${p2}\n` });
    const words2 = p2.split(' ');
    words2[6] = 'REPLACED';
    const text = `# Title\n\nOwn words first. ${p1}\n\n- ${words2.join(' ')}\n- own item\n`;
    const r = await analyze(tempDoc(text), config);
    const [f] = passages(r);
    const start = text.indexOf(p1);
    const end = text.indexOf(words2.join(' ')) + words2.join(' ').length;
    expect(f?.position).toMatchObject({ line: 3, offset: start, endLine: 5, endOffset: end });
    expect(f?.data).toMatchObject({ words: 28, matchedWords: 27, passage: { start, end } });
    expect(f?.message).toContain('passage of 28 words (27 identical)');
  });

  it('ignores quoted passages unless told not to', async () => {
    const quoted = sentenceOf(30);
    const inline = sentenceOf(25);
    // In the other order in the source, so they make two passages.
    const { config } = corpusOf({ 'src.md': `${inline}.\n\n${quoted}.\n` });
    const text = `As the author wrote:\n\n> ${quoted}.\n\nAnd elsewhere: “${inline}.” Our own conclusion follows.\n`;
    const r = await analyze(tempDoc(text), config);
    expect(passages(r)).toEqual([]);
    expect(r.similarity).toMatchObject({ maxContainment: 0, quotedWords: 55 });
    const strict = await analyze(tempDoc(text), { ...config, ignoreQuoted: false });
    expect(passages(strict).map((f) => f.data?.words)).toEqual([30, 25]);
    expect(strict.similarity?.quotedWords).toBe(0);
  });

  it('does not compare code', async () => {
    const run = sentenceOf(30);
    const { config } = corpusOf({ 'src.md': `${run}.\n` });
    const r = await analyze(tempDoc(`Our own text.\n\n\`\`\`text\n${run}\n\`\`\`\n`), config);
    expect(r.findings).toEqual([]);
    expect(r.similarity?.words).toBe(3);
  });

  it('reports a passage found in several sources once, naming the others', async () => {
    const run = sentenceOf(40);
    const { dir, config } = corpusOf({ 'a.md': `Intro of a. ${run}.\n`, 'b.md': `${run}. Tail of b.\n` });
    const r = await analyze(tempDoc(`Ours. ${run}. Ours again.\n`), config);
    expect(passages(r).map((f) => [f.data?.source, f.data?.alsoIn])).toEqual([[join(dir, 'a.md'), [join(dir, 'b.md')]]]);
    expect(r.similarity?.sources.map((s) => s.doc).sort()).toEqual([join(dir, 'a.md'), join(dir, 'b.md')]);
    expect(r.similarity?.containment).toBe(r.similarity?.maxContainment);
  });

  it('adds up passages from different sources in `containment`, keeps the largest in `maxContainment`', async () => {
    const a = sentenceOf(30);
    const b = sentenceOf(20);
    const own = sentenceOf(50);
    const { config } = corpusOf({ 'a.md': `${a}.\n`, 'b.md': `${b}.\n` });
    const r = await analyze(tempDoc(`${a}. ${own}. ${b}.\n`), config);
    expect(r.similarity).toMatchObject({ words: 100, maxContainment: 0.3, containment: 0.5 });
    expect(r.similarity?.sources.map((s) => [s.containment, s.passages])).toEqual([
      [0.3, 1],
      [0.2, 1],
    ]);
  });
});

/** Runs the checker as the host will with its own corpus index on the context. */
async function checkWith(doc: DocumentModel, corpus: CorpusIndex | undefined, config: Record<string, unknown> = {}) {
  const checker = createSimilarityChecker(defaultCorpusProvider());
  const ctx = { config, cwd: process.cwd(), file: doc.source.name, language: 'en', metrics: {}, ...(corpus ? { corpus } : {}) } as unknown as CheckContext;
  const r = await checker.check(doc, ctx);
  return { findings: r.findings, similarity: r.metrics?.similarity as SimilarityMetric | undefined };
}

describe('a corpus index from the host', () => {
  it('is used instead of `sources`, with its own fingerprint options', async () => {
    const run = sentenceOf(25);
    const corpus = new MemoryCorpus({ k: 4, window: 6, foldDiacritics: false });
    corpus.add('db:1', 'Annual report 2024', `Before. ${run}. After.`);
    const doc = await importDoc(tempDoc(`Mine. ${run}. Mine.\n`));
    const r = await checkWith(doc, corpus, { sources: ['does-not-exist'], k: 9 });
    expect(passages(r as never).map((f) => [f.data?.source, f.data?.sourceName, f.data?.words])).toEqual([['db:1', 'Annual report 2024', 25]]);
    expect(r.similarity?.corpus).toEqual({ documents: 1, scheme: 'k4/w6/exact' });
    expect(r.findings.some((f) => f.rule === 'similarity/source-unreadable')).toBe(false);
  });

  it('works without texts: passages are the spans of shared fingerprints', async () => {
    const run = sentenceOf(40);
    const full = new MemoryCorpus();
    full.add('x', 'X', `Before. ${run}. After.`);
    const { text: _, ...noText } = bind(full);
    const doc = await importDoc(tempDoc(`Mine. ${run}. Mine.\n`));
    const [f] = passages((await checkWith(doc, noText)) as never);
    expect(f?.data?.sourcePassage).not.toHaveProperty('excerpt');
    expect(f?.data?.words).toBeGreaterThanOrEqual(40 - 2 * (5 + 4 - 2));
    expect(f?.data?.words).toBeLessThanOrEqual(40);
  });

  it('drops fingerprint hits the source text does not confirm (a stale index)', async () => {
    const run = sentenceOf(30);
    const corpus = new MemoryCorpus();
    corpus.add('x', 'X', run);
    const stale: CorpusIndex = { ...bind(corpus), text: () => sentenceOf(30) };
    const doc = await importDoc(tempDoc(`${run}\n`));
    const r = await checkWith(doc, stale);
    expect(passages(r as never)).toEqual([]);
  });

  it('says there is no corpus when the host’s is empty', async () => {
    const doc = await importDoc(tempDoc('Words.\n'));
    const r = await checkWith(doc, new MemoryCorpus());
    expect(r.findings.map((f) => f.rule)).toEqual(['similarity/no-corpus']);
    expect(r.similarity).toBeUndefined();
  });
});

function bind(c: MemoryCorpus): CorpusIndex {
  return {
    options: c.options,
    count: () => c.count(),
    document: (id) => c.document(id),
    documents: () => c.documents(),
    lookup: (h) => c.lookup(h),
    signature: (d) => c.signature(d),
    text: (d) => c.text(d),
  };
}

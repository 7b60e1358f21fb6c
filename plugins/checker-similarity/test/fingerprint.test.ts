import { describe, expect, it } from 'vitest';
import { indexCorpusText, MemoryCorpus } from '../src/corpus.js';
import { fingerprintText, jaccard, kgramHashes, minhash, NO_HASH, normalizeWord, TokenStream, tokenize, winnow } from '../src/fingerprint.js';
import { Prose, rng } from './prose.js';

const grams = (text: string, fold = true, k = 5) => [...kgramHashes(tokenize(text, fold), k)];

describe('normalisation', () => {
  it('ignores case, punctuation, compatibility forms and (by default) accents', () => {
    const a = 'Le Résumé — FINAL, “ﬁnal” draft: the state-of-the-art report!';
    const b = 'le resume final final draft the state of the art report';
    expect(grams(a)).toEqual(grams(b));
    expect(grams(a, false)).not.toEqual(grams(b, false));
    expect(normalizeWord('Ｒésumé')).toBe('resume');
    expect(normalizeWord('don’t')).toBe(normalizeWord("DON'T"));
  });

  it('keeps each word’s offsets in the source text', () => {
    const text = 'Él dijo: «¡Qué   día!» — l’été, 2026.\n漢字';
    const t = tokenize(text);
    const words = Array.from({ length: t.count }, (_, i) => text.slice(t.start[i], t.end[i]));
    expect(words).toEqual(['Él', 'dijo', 'Qué', 'día', 'l’été', '2026', '漢', '字']);
  });

  it('never joins words across a barrier', () => {
    const t = new TokenStream();
    t.append('one two three', true);
    t.barrier();
    t.append('four five six', true);
    expect([...kgramHashes(t, 3)].map((h) => h === NO_HASH)).toEqual([false, true, true, false]);
  });

  it('makes 52-bit non-negative integer hashes that depend on word order', () => {
    const hashes = grams(new Prose(1).document(2000));
    for (const h of hashes) {
      expect(Number.isSafeInteger(h)).toBe(true);
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThan(2 ** 52);
    }
    expect(grams('a b c d e')).not.toEqual(grams('b a c d e'));
  });
});

describe('winnowing', () => {
  it('leaves a shared fingerprint in any two texts sharing a run of k + w − 1 words', () => {
    const prose = new Prose(2);
    const next = rng(3);
    for (const [k, w] of [
      [5, 4],
      [4, 6],
      [7, 2],
    ] as const) {
      for (let trial = 0; trial < 300; trial++) {
        const run = prose.words(k + w - 1);
        // Unique filler words so only the run can match.
        const filler = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `x${tag}${trial}n${i}`);
        const a = [...filler(Math.floor(next() * 40), 'a'), ...run, ...filler(Math.floor(next() * 40), 'b')].join(' ');
        const b = [...filler(Math.floor(next() * 40), 'c'), ...run, ...filler(Math.floor(next() * 40), 'd')].join(' ');
        const fa = new Set(winnow(kgramHashes(tokenize(a), k), w).hashes);
        const fb = winnow(kgramHashes(tokenize(b), k), w).hashes;
        expect(fb.some((h) => fa.has(h))).toBe(true);
      }
    }
  });

  it('keeps about 2 / (w + 1) of the k-grams, each with its position', () => {
    const text = new Prose(4).document(20000);
    const all = kgramHashes(tokenize(text), 5);
    const fp = winnow(all, 4);
    expect(fp.hashes.length / all.length).toBeGreaterThan(0.36);
    expect(fp.hashes.length / all.length).toBeLessThan(0.44);
    for (let i = 0; i < fp.hashes.length; i++) expect(fp.hashes[i]).toBe(all[fp.positions[i] as number]);
    // No gap longer than the window.
    for (let i = 1; i < fp.positions.length; i++) expect((fp.positions[i] as number) - (fp.positions[i - 1] as number)).toBeLessThanOrEqual(4);
  });
});

describe('MinHash', () => {
  it('estimates the Jaccard similarity of k-gram sets without bias, as closely as 128 permutations allow', () => {
    const prose = new Prose(5);
    const errors: number[] = [];
    for (let trial = 0; trial < 150; trial++) {
      const shared = prose.document(prose.int(50, 800));
      const a = `${shared}\n\n${prose.document(prose.int(0, 800))}`;
      const b = `${prose.document(prose.int(0, 800))}\n\n${shared}`;
      const ga = kgramHashes(tokenize(a), 5);
      const gb = kgramHashes(tokenize(b), 5);
      const sa = new Set(ga);
      const sb = new Set(gb);
      let inter = 0;
      for (const h of sa) if (sb.has(h)) inter++;
      const exact = inter / (sa.size + sb.size - inter);
      errors.push(jaccard(minhash(ga), minhash(gb)) - exact);
    }
    // The standard error is √(J(1 − J)/128) ≤ 0.044; its mean absolute value ≤ 0.035.
    const bias = errors.reduce((s, e) => s + e, 0) / errors.length;
    const meanAbs = errors.reduce((s, e) => s + Math.abs(e), 0) / errors.length;
    expect(Math.abs(bias)).toBeLessThan(0.01);
    expect(meanAbs).toBeLessThan(0.04);
    expect(Math.max(...errors.map(Math.abs))).toBeLessThan(0.16);
  });

  it('gives 1 for the same text and 0 when a text has no k-gram', () => {
    const text = new Prose(6).document(300);
    expect(jaccard(minhash(kgramHashes(tokenize(text), 5)), fingerprintText(text).signature)).toBe(1);
    expect(jaccard(minhash(kgramHashes(tokenize('too short'), 5)), fingerprintText(text).signature)).toBe(0);
  });
});

describe('MemoryCorpus', () => {
  it('finds where fingerprints occur, forgets removed documents and survives compaction', () => {
    const prose = new Prose(8);
    const corpus = new MemoryCorpus();
    const texts = new Map<string, string>();
    for (let i = 0; i < 60; i++) {
      const text = prose.document(prose.int(100, 400));
      texts.set(`d${i}`, text);
      corpus.add(`d${i}`, `Document ${i}`, text, { path: `/corpus/d${i}.md` });
    }
    const check = (id: string, present: boolean) => {
      const fp = fingerprintText(texts.get(id) as string);
      const found = corpus.lookup([...fp.fingerprints.hashes]);
      for (let i = 0; i < fp.fingerprints.hashes.length; i++) {
        const postings = found.get(fp.fingerprints.hashes[i] as number) ?? [];
        expect(postings.some((p) => p.doc === id && p.position === fp.fingerprints.positions[i])).toBe(present);
      }
    };
    check('d3', true);
    expect(corpus.documents().find((d) => d.id === 'd3')).toEqual({
      id: 'd3',
      name: 'Document 3',
      words: tokenize(texts.get('d3') as string).count,
      path: '/corpus/d3.md',
    });
    // Removing most documents triggers a rebuild; the others must be intact.
    for (let i = 0; i < 45; i++) expect(corpus.remove(`d${i}`)).toBe(true);
    expect(corpus.remove('d0')).toBe(false);
    expect(corpus.count()).toBe(15);
    check('d3', false);
    for (let i = 45; i < 60; i++) check(`d${i}`, true);
    expect(corpus.signature('d50')).toEqual(fingerprintText(texts.get('d50') as string).signature);
    expect(corpus.text('d50')).toBe(texts.get('d50'));
    expect(corpus.signature('d3')).toBeUndefined();
    // Replacing a document by id.
    corpus.add('d50', 'Replaced', 'a completely different and much shorter text of words here');
    check('d50', false);
    expect(
      corpus
        .documents()
        .filter((d) => d.id === 'd50')
        .map((d) => d.name),
    ).toEqual(['Replaced']);
  });

  it('takes pre-computed entries only under its own fingerprint scheme', () => {
    const corpus = new MemoryCorpus({ k: 6 });
    const text = new Prose(9).document(200);
    expect(() => corpus.addIndexed('a', 'A', text, indexCorpusText(text))).toThrow(/scheme v1\/k5\/w4\/fold/);
    corpus.addIndexed('a', 'A', text, indexCorpusText(text, corpus.options));
    expect(corpus.documents().map((d) => d.id)).toEqual(['a']);
  });
});

describe('the word scanner', () => {
  // The definition of a word, as a regular expression (the scanner's fast path must agree with it).
  const CJK = '\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}';
  const FIRST = `(?:[^\\P{L}${CJK}]|\\p{N})`;
  const NEXT = `(?:[^\\P{L}${CJK}]|[\\p{M}\\p{N}])`;
  const WORD = new RegExp(`[${CJK}]|${FIRST}${NEXT}*(?:['’]${FIRST}${NEXT}*)*`, 'gu');
  const pool = ['a', 'B', 'z', '7', ' ', ' ', '\n', "'", '’', '-', '.', ',', 'é', 'e\u0301', 'É', '漢', 'か', '—', '“', 'ﬁ', 'Ⅻ', 'ß', 'ı', '\u00a0', 'Ω'];

  it('cuts and hashes words exactly as the definition says, on random text', () => {
    const next = rng(12);
    for (let trial = 0; trial < 2000; trial++) {
      const text = Array.from({ length: Math.floor(next() * 40) }, () => pool[Math.floor(next() * pool.length)]).join('');
      const t = tokenize(text);
      const expected = [...text.matchAll(WORD)].map((m) => [m.index, m.index + m[0].length]);
      expect(
        Array.from({ length: t.count }, (_, i) => [t.start[i], t.end[i]]),
        JSON.stringify(text),
      ).toEqual(expected);
      // Same normalised word, same hashes.
      for (let i = 0; i < t.count; i++) {
        const single = tokenize(normalizeWord(text.slice(t.start[i], t.end[i])));
        if (single.count === 1) expect([single.h1[0], single.h2[0]]).toEqual([t.h1[i], t.h2[i]]);
      }
    }
  });
});

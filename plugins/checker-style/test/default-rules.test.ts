import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHost } from '@export-ia/core';
import { describe, expect, it } from 'vitest';
import { checkStyle } from '../src/index.js';
import { at, check, MARKDOWN, scratch } from './helpers.js';

describe('style/repeated-word', () => {
  it('finds a doubled word on one line and across a line break, and the fix removes the second', async () => {
    const c = await check('We saw the the cat.\n\nIt was in\nin the garden.\n');
    const found = c.of('style/repeated-word');
    expect(found).toHaveLength(2);
    expect(found[0]?.position).toMatchObject({ line: 1, column: 12, endLine: 1, endColumn: 15 });
    expect(at(c, found[0])).toBe('the');
    expect(found[1]?.position).toMatchObject({ line: 4, column: 1 });
    expect(found[1]?.severity).toBe('warning');
    expect(c.fixed).toBe('We saw the cat.\n\nIt was in the garden.\n');
  });

  it('fixes a repeat inside a list item continuation and a block quote', async () => {
    const c = await check('- an item with the\n  the repeat\n\n> quoted a\n> a word\n');
    expect(c.of('style/repeated-word')).toHaveLength(2);
    expect(c.fixed).toBe('- an item with the repeat\n\n> quoted a word\n');
  });

  it('leaves legitimate repeats, names and code alone', async () => {
    const c = await check('She had had enough. He said that that was fine. The band The The played. Run `the the` now.\n');
    expect(c.of('style/repeated-word')).toEqual([]);
  });

  it('works in every language, with each language’s own legitimate repeats', async () => {
    const fr = await check('Nous nous sommes vus vus hier.\n', { lang: 'fr' });
    expect(fr.of('style/repeated-word').map((f) => f.excerpt)).toEqual(['vus']);
    const de = await check('Die Frauen, die die Arbeit machen, sind sind hier.\n', { lang: 'de' });
    expect(de.of('style/repeated-word').map((f) => f.excerpt)).toEqual(['sind']);
  });
});

describe('style/a-an', () => {
  it('flags the wrong article by sound and the fix swaps it, keeping the case', async () => {
    const c = await check('A apple a day. We waited a hour for an university place, a MRI, an one-off test and an European visa.\n');
    const found = c.of('style/a-an');
    expect(found.map((f) => f.excerpt)).toEqual(['A', 'a', 'an', 'a', 'an', 'an']);
    expect(found[1]?.position).toMatchObject({ line: 1, column: 26, endColumn: 27, offset: 25 });
    expect(found[1]?.message).toBe('Use "an" before "hour" (it starts with a vowel sound).');
    expect(c.fixed).toBe('An apple a day. We waited an hour for a university place, an MRI, a one-off test and a European visa.\n');
  });

  it('accepts the exceptions: silent h, consonant-sound vowels, acronyms read by letter or as words', async () => {
    const c = await check(
      'An hour, an honest man, a university, a one-time fee, a European plan, a user, an umbrella, an unusual case, an MRI, an NGO, an FBI agent, a NATO summit, a URL, an SQL query, a SQL query, a USB stick, an 8-hour day, an 11-day trip, a 12-day trip, a historic day, an historic day.\n',
    );
    expect(c.of('style/a-an')).toEqual([]);
  });

  it('does not read labels, mid-sentence capitals or code as articles', async () => {
    const c = await check('Plan A offers more. Vitamin A is useful. Choose a or b. Type `a apple` here.\n');
    expect(c.of('style/a-an')).toEqual([]);
  });

  it('runs only on English documents', async () => {
    const c = await check('Compró una casa a un amigo. A otro le dio un libro.\n', { lang: 'es' });
    expect(c.of('style/a-an')).toEqual([]);
  });
});

describe('spacing', () => {
  it('sentence-spacing: two spaces after a full stop, located in the source, fixed to one', async () => {
    const c = await check('One sentence.  Another one!   And a third?  Done.\n');
    const found = c.of('style/sentence-spacing');
    expect(found).toHaveLength(3);
    expect(found[0]?.position).toMatchObject({ line: 1, column: 14, endColumn: 16, offset: 13, endOffset: 15 });
    expect(c.fixed).toBe('One sentence. Another one! And a third? Done.\n');
    expect(c.of('style/double-space')).toEqual([]);
  });

  it('sentence-spacing maps through list indentation to the right source offsets', async () => {
    const c = await check('Intro.\n\n- First point\n  continues.  Next point.\n');
    const [f] = c.of('style/sentence-spacing');
    expect(f?.position).toMatchObject({ line: 4, column: 13 });
    expect(at(c, f)).toBe('  ');
    expect(c.fixed).toBe('Intro.\n\n- First point\n  continues. Next point.\n');
  });

  it('double-space: inside a sentence, not in code, not a hard line break', async () => {
    const c = await check('Two  words here. Code `a  b` stays.\nA hard break  \nis fine.\n');
    const found = c.of('style/double-space');
    expect(found).toHaveLength(1);
    expect(found[0]?.position).toMatchObject({ line: 1, column: 4 });
    expect(c.fixed).toBe('Two words here. Code `a  b` stays.\nA hard break  \nis fine.\n');
  });
});

describe('style/wordy', () => {
  it('suggests the concise form and fixes only where it is always grammatical', async () => {
    const c = await check('In order to win, we act. Due to the fact that it rained, we left. We met in order\nto talk. The majority of people agree.\n');
    const found = c.of('style/wordy');
    expect(found.map((f) => [f.excerpt, f.suggestion, f.fix !== undefined])).toEqual([
      ['In order to', 'To', true],
      ['Due to the fact that', 'Because', true],
      ['in order to', 'to', true],
      ['The majority of', 'Most (of)', false],
    ]);
    expect(found[0]?.severity).toBe('suggestion');
    expect(c.fixed).toBe('To win, we act. Because it rained, we left. We met to talk. The majority of people agree.\n');
  });

  it('leaves fragments of the phrases and quoted passages alone', async () => {
    const c = await check('We keep things in order. To win is hard.\n\n> They met in order to talk.\n');
    expect(c.of('style/wordy')).toEqual([]);
  });
});

describe('style/passive-voice', () => {
  it('finds be + past participle (regular and irregular), as a suggestion', async () => {
    const c = await check('# One\n\nThe house was built in 1900.\n\n# Two\n\nThe reports were carefully checked.\n');
    const found = c.of('style/passive-voice');
    expect(found.map((f) => f.excerpt)).toEqual(['was built', 'were carefully checked']);
    expect(found[0]?.severity).toBe('suggestion');
    expect(found[0]?.position).toMatchObject({ line: 3, column: 11 });
    expect(found[0]?.fix).toBeUndefined();
  });

  it('reports at most passiveMaxPerSection per section (default 2)', async () => {
    const body = 'It was made. It was sold. It was shipped. It was used.';
    const c = await check(`# A\n\n${body}\n\n# B\n\n${body}\n`);
    expect(c.of('style/passive-voice').map((f) => f.position?.line)).toEqual([3, 3, 7, 7]);
    const one = await check(`# A\n\n${body}\n`, { config: { passiveMaxPerSection: 1 } });
    expect(one.of('style/passive-voice')).toHaveLength(1);
  });

  it('ignores adjectives after "be"', async () => {
    const c = await check('She is interested. The door is red. We are tired. He was good.\n');
    expect(c.of('style/passive-voice')).toEqual([]);
  });
});

describe('style/quotes', () => {
  it('English: straight pairs become “…” and ‘…’, apostrophes become ’', async () => {
    const c = await check("He said \"it's fine\" and 'maybe' the regulators' view of the '90s.\n");
    const found = c.of('style/quotes');
    expect(found.map((f) => f.excerpt)).toEqual(['"it\'s fine"', "'maybe'", "'", "'"]);
    expect(found[0]?.position).toMatchObject({ line: 1, column: 9, endColumn: 20 });
    expect(c.fixed).toBe('He said “it’s fine” and ‘maybe’ the regulators’ view of the ’90s.\n');
  });

  it('per language: es «…», fr « … » with no-break spaces, de „…“', async () => {
    expect((await check('Dijo "hola" ayer.\n', { lang: 'es' })).fixed).toContain('Dijo «hola» ayer.');
    expect((await check('Il a dit "bonjour" à l\'ami.\n', { lang: 'fr' })).fixed).toContain('Il a dit «\u00a0bonjour\u00a0» à l’ami.');
    expect((await check('Er sagte "Hallo" und geht\'s.\n', { lang: 'de' })).fixed).toContain('Er sagte „Hallo“ und geht’s.');
  });

  it('keeps quotes in code, URLs and emphasis markup intact', async () => {
    const c = await check('Run `echo "hi"` and see https://example.com/?q="x" or "*really* true".\n');
    expect(c.of('style/quotes')).toHaveLength(1);
    expect(c.fixed).toBe('Run `echo "hi"` and see https://example.com/?q="x" or “*really* true”.\n');
  });
});

describe('style/contractions (opt-in)', () => {
  it('is off by default', async () => {
    expect((await check("We don't know.\n")).of('style/contractions')).toEqual([]);
  });

  it('with formal: true, flags contractions and expands the unambiguous ones', async () => {
    const c = await check("We don't know. Can't stop. It's late.\n", { config: { formal: true } });
    const found = c.of('style/contractions');
    expect(found.map((f) => [f.excerpt, f.fix !== undefined])).toEqual([
      ["don't", true],
      ["Can't", true],
      ["It's", false],
    ]);
    expect(c.fixed).toBe('We do not know. Cannot stop. It’s late.\n');
  });
});

describe('opt-in noisy rules', () => {
  const text = 'The chairman was very angry and said damn.\n';

  it('are off by default', async () => {
    const c = await check(text);
    expect(c.findings.filter((f) => /intensifiers|equality|profanity/.test(f.rule))).toEqual([]);
  });

  it('turn on with a level in `rules`', async () => {
    const c = await check(text, { config: { rules: { 'style/intensifiers': 'warning', 'style/equality': 'suggestion', profanity: 'error' } } });
    expect(c.of('style/intensifiers').map((f) => [f.excerpt, f.severity])).toEqual([['very', 'warning']]);
    expect(c.of('style/equality').map((f) => [f.excerpt, f.suggestion])).toEqual([['chairman', 'Consider: chair, chairperson.']]);
    expect(c.of('style/profanity').map((f) => [f.excerpt, f.severity])).toEqual([['damn', 'error']]);
  });
});

describe('levels', () => {
  it('a default rule can be turned off or given another severity', async () => {
    const text = 'A apple for the the cat.\n';
    const c = await check(text, { config: { rules: { 'style/a-an': 'off', 'repeated-word': 'error' } } });
    expect(c.of('style/a-an')).toEqual([]);
    expect(c.of('style/repeated-word').map((f) => f.severity)).toEqual(['error']);
  });

  it('info findings are listed but do not count for the score', async () => {
    const c = await check('A apple for the the cat.\n', { config: { rules: { 'style/a-an': 'info' } } });
    expect(c.style.byRule).toEqual({ 'style/a-an': 1, 'style/repeated-word': 1 });
    expect(c.style.findings).toBe(1);
    expect(c.style.words).toBe(6);
  });
});

describe('inputs', () => {
  it('HTML: positions and fixes map through entities and collapsed whitespace', async () => {
    const dir = scratch();
    const file = join(dir, 'page.html');
    writeFileSync(file, '<html lang="en"><body><p>Salt &amp; the\n   the "pear" in order to eat a apple.</p></body></html>');
    const c = await check({ file });
    expect(c.of('style/repeated-word')[0]?.position).toMatchObject({ line: 2, column: 4 });
    expect(c.fixed).toBe('<html lang="en"><body><p>Salt &amp; the “pear” to eat an apple.</p></body></html>');
  });

  it('without source text (DOCX), findings keep their positions but offer no fixes', async () => {
    const c = await check('We saw the the cat and a apple.\n');
    const host = await createHost({ plugins: [MARKDOWN] });
    const path = join(scratch(), 'doc.md');
    writeFileSync(path, c.text);
    const r = await host.analyzePipeline([]).run(host.readInput(path), { settings: [] });
    await host.close();
    const result = checkStyle(r.document, { config: {}, cwd: process.cwd(), language: 'en' });
    const findings = result.findings;
    expect(findings.map((f) => [f.rule, f.position?.line, f.position?.column, f.fix])).toEqual([
      ['style/repeated-word', 1, 12, undefined],
      ['style/a-an', 1, 24, undefined],
    ]);
  });
});

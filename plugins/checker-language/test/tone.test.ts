import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTone, scoreText, type ToneMetric, toneLabel } from '../src/tone.js';
import { analyze, type Host, newHost, repo, sample, tempDoc } from './helpers.js';

/**
 * The labelled sentences shipped with the npm `sentiment` package (UCI "Sentiment Labelled
 * Sentences": 1,000 Amazon, IMDB and Yelp review sentences, class 1 positive, 0 negative).
 */
function labelled(name: 'amazon' | 'imdb' | 'yelp'): Array<{ text: string; class: number }> {
  return JSON.parse(readFileSync(join(repo, 'node_modules/sentiment/test/fixtures', `${name}.json`), 'utf8')) as Array<{ text: string; class: number }>;
}

const NEGATIVE_SECTION =
  'The launch was a disaster. The software crashed repeatedly and customers were furious. Support staff were overwhelmed, angry and exhausted. The vendor ignored our complaints and the failures caused terrible losses. Nobody trusted the broken dashboard.';

describe('tone checker', () => {
  let host: Host;
  beforeAll(async () => {
    host = await newHost();
  });
  afterAll(async () => {
    await host.close();
  });

  // The acceptance test. Each sentence is scored by scoreText, the function the checker
  // scores paragraphs with; as in the `sentiment` package's own validation, a sentence counts as
  // negative when its score is below zero (toneLabel with no neutral band), otherwise positive.
  it.each([
    ['amazon', 0.8],
    ['imdb', 0.77],
    ['yelp', 0.72],
  ] as const)('classifies the labelled %s sentences with accuracy ≥ %s', async (name, floor) => {
    const nlp = await loadTone();
    const set = labelled(name);
    expect(set.length).toBeGreaterThanOrEqual(1000);
    let right = 0;
    for (const { text, class: expected } of set) {
      const predicted = toneLabel(scoreText(nlp, text).score, 0) === 'negative' ? 0 : 1;
      if (predicted === expected) right++;
    }
    const accuracy = right / set.length;
    console.log(`tone accuracy ${name}: ${accuracy.toFixed(3)} (${right}/${set.length})`);
    expect(accuracy).toBeGreaterThanOrEqual(floor);
  });

  it('scores negation and plain sentences sensibly', async () => {
    const nlp = await loadTone();
    expect(scoreText(nlp, 'The results are excellent.').score).toBeGreaterThan(0.3);
    expect(scoreText(nlp, 'The plan is not good.').score).toBeLessThan(0);
    expect(scoreText(nlp, 'The report has five chapters.').score).toBe(0);
    const t = scoreText(nlp, NEGATIVE_SECTION);
    expect(t.sentences).toHaveLength(5);
    expect(t.mostNegative?.text).toContain('terrible losses');
  });

  it('finds the sample report neutral overall, with no finding', async () => {
    const a = await analyze(host, sample('report.md'), ['tone']);
    const m = a.metrics.tone as ToneMetric;
    expect(m).toMatchObject({ language: 'en', supported: true });
    expect(m.document?.label).toBe('neutral');
    expect(m.document?.sentences).toBeGreaterThan(250);
    expect(m.sections.find((s) => s.title === 'Executive summary')).toMatchObject({ index: 1, line: 13 });
    expect(a.findings).toEqual([]);
  });

  it('finds the warm invitation letter positive', async () => {
    const a = await analyze(host, sample('letter.md'), ['tone']);
    expect((a.metrics.tone as ToneMetric).document?.label).toBe('positive');
    expect(a.findings).toEqual([]);
  });

  it('flags a strongly negative section, quoting and pointing at its worst sentence', async () => {
    const file = tempDoc(
      `# Overview\n\nThe new warehouse opened on time and the staff settled in quickly. Customers welcomed the longer opening hours.\n\n# Incident review\n\n${NEGATIVE_SECTION}\n\n# Next steps\n\nWe will review the vendor contract and publish a plan next month.\n`,
    );
    const a = await analyze(host, file, ['tone']);
    const m = a.metrics.tone as ToneMetric;
    expect(m.sections.map((s) => s.label)).toEqual(['positive', 'negative', 'neutral']);
    expect(a.findings).toHaveLength(1);
    const f = a.findings[0];
    expect(f).toMatchObject({
      rule: 'tone/negative-section',
      severity: 'suggestion',
      excerpt: 'The vendor ignored our complaints and the failures caused terrible losses.',
    });
    expect(f?.message).toContain('Incident review');
    // Line 7, at the worst sentence (column of "The vendor…" in the paragraph).
    expect(f?.position).toMatchObject({ line: 7, column: NEGATIVE_SECTION.indexOf('The vendor') + 1 });
  });

  it('does not flag one harsh sentence in an otherwise calm section', async () => {
    const file = tempDoc(
      `# Review\n\nThe launch was a disaster. The team rebuilt the release process over the summer. Deliveries now leave on time. The new dashboard shows every order.\n`,
    );
    const a = await analyze(host, file, ['tone']);
    expect(a.findings).toEqual([]);
  });

  it('takes its threshold from the configuration', async () => {
    const lenient = await newHost({ tone: { negativeSection: -0.5 } });
    try {
      const file = tempDoc(`# Incident review\n\n${NEGATIVE_SECTION}\n`);
      expect((await analyze(lenient, file, ['tone'])).findings).toEqual([]);
      expect((await analyze(host, file, ['tone'])).findings).toHaveLength(1);
    } finally {
      await lenient.close();
    }
  });

  it('does not score languages it has no lexicon for', async () => {
    const a = await analyze(host, sample('articulo.md'), ['tone']);
    expect(a.metrics.tone).toEqual({ language: 'es', supported: false, document: null, sections: [] });
    expect(a.findings).toEqual([]);
  });
});

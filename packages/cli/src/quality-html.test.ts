import type { AnalyzedDocument, Finding } from '@export-ia/core';
import axe from 'axe-core';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { MAX_SOURCE_LINES, renderQualityHtml } from './quality-html.js';

const XSS = `<script>alert(1)</script>"><img src=x onerror=alert(2)>' onmouseover='alert(3)`;

function analyzed(over: Partial<AnalyzedDocument> = {}): AnalyzedDocument {
  return {
    file: 'docs/report.md',
    language: 'en',
    words: 1200,
    score: {
      version: 1,
      score: 78,
      subscores: [
        { id: 'spelling', label: 'Spelling', score: 96, weight: 20, reason: '2 unknown words in 1,200 (0.17%; 5% scores 0)' },
        { id: 'style', label: 'Style', score: 70, weight: 20, reason: '9 style findings: 7.5 per 1,000 words (25 scores 0)' },
        { id: 'readability', label: 'Readability', score: 64, weight: 15, reason: 'reading ease 32; a general audience needs 50' },
      ],
      missing: ['validation', 'accessibility', 'similarity'],
    },
    findings: [],
    metrics: {},
    checkers: [],
    ...over,
  };
}

function dom(html: string) {
  return new JSDOM(html).window.document;
}

/** No script, no event handler, no URL scheme that runs code: whatever the document said. */
function expectInert(html: string): void {
  const doc = dom(html);
  expect(html.startsWith('<!doctype html>')).toBe(true);
  expect(html).not.toMatch(/<script/i);
  expect(doc.querySelectorAll('script, img, iframe, object, embed, form, base').length).toBe(0);
  for (const el of Array.from(doc.querySelectorAll('*')))
    for (const attr of Array.from(el.attributes)) {
      expect(attr.name.startsWith('on'), `${el.tagName} has ${attr.name}`).toBe(false);
      if (attr.name === 'href') expect(attr.value, attr.value).toMatch(/^#[A-Za-z][\w-]*$/);
    }
  const csp = doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).not.toContain('script-src');
}

describe('renderQualityHtml: hostile input', () => {
  it('renders scripts and attribute breakouts in every document-supplied field as inert text', () => {
    const finding: Finding = {
      rule: `style/${XSS}`,
      severity: 'warning',
      message: `Message ${XSS}`,
      suggestion: `Suggestion ${XSS}`,
      excerpt: `Excerpt ${XSS}`,
      position: { line: 1, column: 7, offset: 6, endOffset: 30 },
    };
    const doc = analyzed({
      file: `${XSS}.md`,
      language: XSS,
      findings: [finding, { ...finding, severity: XSS as never, position: { line: 2, column: 1 } }],
      score: {
        version: XSS as never,
        score: `50" onload="alert(4)` as never,
        subscores: [{ id: 'style', label: XSS, score: `1;background:url(x)` as never, weight: 20, reason: XSS }],
        missing: [XSS as never],
      },
      checkers: [{ id: XSS, plugin: { id: XSS, version: '1' }, ms: 1, status: 'failed', error: { message: XSS } as never }],
      metrics: {
        language: { document: 'en', confidence: 0.9, sections: [{ title: XSS, language: XSS }] },
        readability: {
          language: XSS,
          ease: 40,
          formulas: { [XSS]: 12 },
          sections: [{ title: XSS, index: 0, words: 10, ease: `${XSS}` }],
          hardest: [{ text: XSS, ease: 5 }, XSS],
        },
        metadata: { title: XSS, outline: [{ depth: 1, text: XSS, line: 1 }], keywords: [{ keyword: XSS, score: 1 }, { term: XSS }, XSS], dates: [XSS] },
        tone: { document: { score: 0.2, label: XSS }, sections: [{ title: XSS, score: -0.4, label: XSS }] },
      },
    });
    const html = renderQualityHtml(doc, `Hello ${XSS}\n${XSS}\n`, { generatedAt: XSS });
    expectInert(html);
    const text = dom(html).body.textContent ?? '';
    // The text is still there for the reader, as text.
    expect(text).toContain('Message <script>alert(1)</script>');
    expect(text).toContain(`Suggestion ${XSS}`);
    expect(text).not.toContain('onload');
  });
});

describe('renderQualityHtml: source highlights', () => {
  const source = 'Hello wrold and more text.\nSecond line has teh typo.\nThird line.\n';

  it('marks each finding where it is: by offsets, else line and column to the end of the word', () => {
    const html = renderQualityHtml(
      analyzed({
        findings: [
          { rule: 'spelling/unknown-word', severity: 'warning', message: 'Unknown word “wrold”.', position: { line: 1, column: 7, offset: 6, endOffset: 11 } },
          { rule: 'spelling/unknown-word', severity: 'error', message: 'Unknown word “teh”.', position: { line: 2, column: 17 } },
        ],
      }),
      source,
      { generatedAt: '2026-01-01T00:00:00Z' },
    );
    const doc = dom(html);
    const marks = Array.from(doc.querySelectorAll('#source mark'));
    expect(marks.map((m) => [m.closest('.l')?.id, m.textContent, m.className])).toEqual([
      ['L1', 'wrold', 'hl s-warning'],
      ['L2', 'teh', 'hl s-error'],
    ]);
    expect(marks[0]?.getAttribute('title')).toContain('Unknown word “wrold”.');
    // The lines themselves are intact.
    expect(doc.querySelector('#L1')?.textContent).toBe('Hello wrold and more text.');
    expect(doc.querySelector('#L2')?.textContent).toBe('Second line has teh typo.');
    expect(doc.querySelectorAll('#source .l').length).toBe(3);
    // The list links to the line.
    expect(doc.querySelector('#findings a[href="#L2"]')).not.toBeNull();
  });

  it('splits a span across lines and shows the most severe finding where two overlap', () => {
    const html = renderQualityHtml(
      analyzed({
        findings: [
          { rule: 'readability/long-sentence', severity: 'suggestion', message: 'Long.', position: { line: 1, column: 17, endLine: 2, endColumn: 7 } },
          { rule: 'style/x', severity: 'error', message: 'Bad.', position: { line: 1, column: 22, offset: 21, endOffset: 25 } },
        ],
      }),
      source,
    );
    const doc = dom(html);
    const marks = Array.from(doc.querySelectorAll('#source mark')).map((m) => [m.closest('.l')?.id, m.textContent, m.className, m.getAttribute('title')]);
    expect(marks).toEqual([
      ['L1', 'more ', 'hl s-suggestion', 'Suggestion · readability/long-sentence: Long.'],
      ['L1', 'text', 'hl s-error', 'Suggestion · readability/long-sentence: Long.\nError · style/x: Bad.'],
      ['L1', '.', 'hl s-suggestion', 'Suggestion · readability/long-sentence: Long.'],
      ['L2', 'Second', 'hl s-suggestion', 'Suggestion · readability/long-sentence: Long.'],
    ]);
  });

  it('handles CRLF sources, positions past the end and findings without a position', () => {
    const html = renderQualityHtml(
      analyzed({
        findings: [
          { rule: 'a/b', severity: 'info', message: 'Second word.', position: { line: 2, column: 1 } },
          { rule: 'a/c', severity: 'info', message: 'Nowhere.', position: { line: 99, column: 1 } },
          { rule: 'a/d', severity: 'info', message: 'Whole document.' },
        ],
      }),
      'One\r\nTwo words\r\n',
    );
    const doc = dom(html);
    expect(doc.querySelector('#L1')?.textContent).toBe('One');
    expect(Array.from(doc.querySelectorAll('#source mark')).map((m) => m.textContent)).toEqual(['Two']);
    expect(doc.querySelectorAll('#findings .finding').length).toBe(3);
  });

  it('shows at most MAX_SOURCE_LINES lines of a huge document, and says so', () => {
    const lines = Array.from({ length: MAX_SOURCE_LINES + 1000 }, (_, i) => `line ${i + 1} text`);
    const html = renderQualityHtml(
      analyzed({
        findings: [
          { rule: 'a/near', severity: 'warning', message: 'Near.', position: { line: 10, column: 1 } },
          { rule: 'a/far', severity: 'warning', message: 'Far.', position: { line: MAX_SOURCE_LINES + 500, column: 1 } },
        ],
      }),
      lines.join('\n'),
    );
    const doc = dom(html);
    expect(doc.querySelectorAll('#source .l').length).toBe(MAX_SOURCE_LINES);
    expect(doc.querySelector('#source .note')?.textContent).toContain('6,000 lines');
    expect(doc.querySelectorAll('#source mark').length).toBe(1);
    // Both are listed; only the visible one links to the source.
    expect(doc.querySelectorAll('#findings .finding').length).toBe(2);
    expect(doc.querySelectorAll('#findings a[href^="#L"]').length).toBe(1);
  });
});

describe('renderQualityHtml: structure', () => {
  it('shows the score with its band, one bar per sub-score and what was not checked', () => {
    const doc = dom(renderQualityHtml(analyzed(), undefined, { generatedAt: '2026-10-16T09:30:00Z', toolVersion: '1.2.3' }));
    expect(doc.querySelector('.dial-score')?.textContent).toBe('78');
    expect(doc.querySelector('.score')?.className).toBe('score fair');
    expect(doc.querySelectorAll('[data-subscore]').length).toBe(3);
    expect(doc.querySelectorAll('[data-subscore] svg.bar').length).toBe(3);
    const rows = Array.from(doc.querySelectorAll('[data-subscore]')).map((r) => [
      r.querySelector('.sub-label')?.textContent,
      r.querySelector('.sub-score')?.textContent,
    ]);
    expect(rows).toEqual([
      ['Spelling', '96'],
      ['Style', '70'],
      ['Readability', '64'],
    ]);
    expect(doc.querySelector('[data-subscore] .sub-reason')?.textContent).toContain('2 unknown words');
    // Weights are shown renormalised over the sub-scores that ran: 20 of 55.
    expect(doc.querySelector('[data-subscore] .sub-weight')?.textContent).toBe('36%');
    expect(Array.from(doc.querySelectorAll('.sub.missing .sub-label')).map((e) => e.textContent)).toEqual(['Structure', 'Accessibility', 'Originality']);
    expect(doc.body.textContent).toContain('Score v1');
    expect(doc.querySelector('footer')?.textContent).toContain('1.2.3');
    expect(doc.querySelector('footer')?.textContent).toContain('2026-10-16 09:30 UTC');
  });

  it('bands the score: 85 and above good, 70-84 fair, below 70 poor', () => {
    const band = (score: number) => dom(renderQualityHtml(analyzed({ score: { ...analyzed().score, score } }), undefined)).querySelector('.score')?.className;
    expect([band(100), band(85), band(84), band(70), band(69), band(0)]).toEqual([
      'score good',
      'score good',
      'score fair',
      'score fair',
      'score poor',
      'score poor',
    ]);
  });

  it('counts findings by severity and by rule, and lists them grouped by severity', () => {
    const f = (rule: string, severity: Finding['severity'], line: number): Finding => ({
      rule,
      severity,
      message: `${rule} at ${line}`,
      position: { line, column: 1 },
    });
    const findings = [f('style/a', 'warning', 3), f('style/a', 'warning', 1), f('spelling/x', 'error', 2), f('style/b', 'suggestion', 5)];
    const doc = dom(renderQualityHtml(analyzed({ findings }), undefined));
    const tiles = Array.from(doc.querySelectorAll('.tile')).map((t) => [t.querySelector('input')?.id, t.querySelector('.tile-n')?.textContent]);
    expect(tiles).toEqual([
      ['show-error', '1'],
      ['show-warning', '2'],
      ['show-suggestion', '1'],
      ['show-info', '0'],
    ]);
    const rules = Array.from(doc.querySelectorAll('table.rules tbody tr')).map((r) => [
      r.querySelector('code')?.textContent,
      r.querySelector('.num')?.textContent,
    ]);
    expect(rules).toEqual([
      ['style/a', '2'],
      ['spelling/x', '1'],
      ['style/b', '1'],
    ]);
    expect(Array.from(doc.querySelectorAll('.sev-group')).map((g) => g.id)).toEqual(['f-error', 'f-warning', 'f-suggestion']);
    expect(Array.from(doc.querySelectorAll('#f-warning .f-msg')).map((m) => m.textContent)).toEqual(['style/a at 1', 'style/a at 3']);
    expect(doc.querySelector('#f-warning .loc')?.textContent).toBe('1:1');
  });

  it('renders the readability, content and tone metrics it is given', () => {
    const doc = dom(
      renderQualityHtml(
        analyzed({
          metrics: {
            readability: {
              language: 'en',
              ease: 42.5,
              formulas: { 'Flesch-Kincaid grade': 11.2 },
              words: 1200,
              sentences: 60,
              sections: [
                { title: 'Intro', index: 0, words: 300, ease: 61 },
                { title: 'Method', index: 1, words: 900, ease: 22, grade: 15 },
              ],
              hardest: [{ text: 'A very long and winding sentence.', ease: 3, line: 4 }],
            },
            metadata: {
              words: 1200,
              readingTimeMinutes: 5.2,
              outline: [
                { depth: 1, text: 'Intro', line: 1 },
                { depth: 2, text: 'Detail', line: 5 },
              ],
              keywords: [
                { keyword: 'storage', score: 0.9 },
                { word: 'grid', score: 0.45 },
              ],
            },
            tone: { document: { score: 0.3, label: 'positive' }, sections: [{ title: 'Intro', score: 0.3, label: 'positive' }] },
          },
        }),
        undefined,
      ),
    );
    expect(Array.from(doc.querySelectorAll('table.sections tbody tr')).length).toBe(3);
    expect(doc.querySelector('#readability tbody tr:nth-child(2) .num.poor')?.textContent).toBe('22');
    expect(doc.querySelector('#readability .hardest')?.textContent).toContain('A very long and winding sentence.');
    expect(doc.querySelector('#readability')?.textContent).toContain('Words per sentence');
    expect(Array.from(doc.querySelectorAll('.kw-word')).map((k) => k.textContent)).toEqual(['storage', 'grid']);
    expect(doc.querySelectorAll('.kws svg.bar').length).toBe(2);
    expect(Array.from(doc.querySelectorAll('.outline li')).map((l) => l.className)).toEqual(['d0', 'd1']);
    expect(doc.querySelector('#tone')?.textContent).toContain('positive');
    expect(doc.querySelector('.facts')?.textContent).toContain('5 min');
  });

  it('reads the shapes the language and metadata checkers produce', () => {
    const doc = dom(
      renderQualityHtml(
        analyzed({
          metrics: {
            language: {
              document: 'en',
              confidence: 1,
              sections: [
                { title: 'Intro', index: 0, language: 'en', share: 1, words: 90 },
                { title: 'Anhang', index: 1, language: 'de', share: 0.8, words: 40 },
              ],
            },
            metadata: {
              words: 5451,
              readingMinutes: 23.7,
              headings: 50,
              tables: 4,
              links: { internal: 10, external: 12, list: [] },
              keywords: [
                { phrase: 'pumped hydro', score: 40, count: 20 },
                { phrase: 'storage', score: 39, count: 39 },
              ],
              dates: [{ text: 'September 2026', iso: '2026-09', line: 3 }],
            },
            tone: {
              language: 'en',
              supported: true,
              document: { score: 0.08, label: 'neutral' },
              sections: [{ title: 'Intro', index: 0, line: 1, score: 0.3, label: 'positive' }],
            },
          },
        }),
        'Intro text.\n',
      ),
    );
    const stats = Object.fromEntries(
      Array.from(doc.querySelectorAll('#content .stat')).map((s) => [s.querySelector('.stat-l')?.textContent, s.querySelector('.stat-v')?.textContent]),
    );
    expect(stats).toMatchObject({ Headings: '50', Tables: '4', Links: '22' });
    expect(Array.from(doc.querySelectorAll('.kw-word')).map((k) => k.textContent)).toEqual(['pumped hydro', 'storage']);
    expect(Array.from(doc.querySelectorAll('.kw-score')).map((k) => k.textContent)).toEqual(['20×', '39×']);
    expect(doc.querySelector('.chips')?.textContent).toBe('September 2026');
    expect(doc.querySelector('.facts')?.textContent).toContain('24 min');
    expect(doc.querySelector('#checks')?.textContent).toContain('Anhang');
    expect(doc.querySelector('#checks')?.textContent).not.toContain('Intro');
    expect(doc.querySelector('#tone a[href="#L1"]')).not.toBeNull();
    // Tone for a language without a model: said, not drawn.
    const es = dom(renderQualityHtml(analyzed({ metrics: { tone: { language: 'es', supported: false, document: null, sections: [] } } }), undefined));
    expect(es.querySelector('#tone')?.textContent).toContain('no sentiment model for es');
  });

  it('degrades to a short, valid page when there are no metrics, no findings and no source', () => {
    const html = renderQualityHtml(
      analyzed({ language: undefined, words: undefined, score: { version: 1, score: 100, subscores: [], missing: [] } }),
      undefined,
    );
    expectInert(html);
    const doc = dom(html);
    expect(doc.querySelector('.dial-score')?.textContent).toBe('100');
    expect(doc.body.textContent).toContain('No findings');
    expect(doc.body.textContent).toContain('No sub-scores');
    for (const id of ['readability', 'content', 'tone', 'source', 'checks']) expect(doc.getElementById(id), id).toBeNull();
    expect(Array.from(doc.querySelectorAll('nav.toc a')).map((a) => a.getAttribute('href'))).toEqual(['#score', '#findings']);
  });

  it('has no accessibility violations (axe-core)', async () => {
    const findings: Finding[] = [
      { rule: 'style/a', severity: 'warning', message: 'Wordy.', suggestion: 'Shorter.', position: { line: 1, column: 1 } },
      { rule: 'style/b', severity: 'error', message: 'Bad.', position: { line: 2, column: 1 }, fix: { start: 0, end: 1, text: 'x' } },
    ];
    const html = renderQualityHtml(
      analyzed({
        findings,
        metrics: {
          readability: { ease: 40, sections: [{ title: 'One', ease: 40, words: 10 }], hardest: ['Hard one.'] },
          metadata: { keywords: [{ keyword: 'k', score: 1 }], outline: [{ depth: 1, text: 'One', line: 1 }] },
          tone: { document: { score: 0.1, label: 'neutral' }, sections: [{ title: 'One', score: 0.1 }] },
        },
        checkers: [{ id: 'style', plugin: { id: 'p', version: '1' }, ms: 2, status: 'ok' }],
      }),
      'Some text here.\nMore text.\n',
    );
    const jsdom = new JSDOM(html, { runScripts: 'outside-only', pretendToBeVisual: true });
    jsdom.window.eval(axe.source);
    const results = await (jsdom.window as unknown as { axe: typeof axe }).axe.run(jsdom.window.document, {
      resultTypes: ['violations'],
      // jsdom does not lay out or paint, so colour contrast is checked in a browser instead.
      rules: { 'color-contrast': { enabled: false } },
    });
    expect(results.violations.map((v) => `${v.id}: ${v.nodes[0]?.html.slice(0, 120)}`)).toEqual([]);
    jsdom.window.close();
  });
});

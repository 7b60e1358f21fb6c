import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RootContent } from 'mdast';
import { describe, expect, it } from 'vitest';
import { createHost } from '../host/host.js';
import { sha256 } from '../io/input.js';
import { type CheckContext, definePlugin, type SectionPart } from '../plugins/contracts.js';
import type { CheckResult } from './findings.js';
import { splitMarkdown, toDocumentFinding } from './sections.js';

const section = (i: number) => `## Section ${i}\n\nSome text of section ${i} with a [ref] link.\n\n`;

describe('splitMarkdown', () => {
  it('keeps a small text whole', () => {
    const parts = splitMarkdown('# A\n\ntext\n', 1000);
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ index: 0, count: 1, line: 1, offset: 0, length: 10, lines: 3 });
    expect(parts[0]?.text).toBe('# A\n\ntext\n');
  });

  it('cuts at headings once a part is big enough; the own texts add up to the document, lines and offsets match', () => {
    const text =
      `---\ntitle: Big\n---\n\n# Big\n\n${Array.from({ length: 40 }, (_, i) => section(i)).join('')}[ref]: https://example.org\n\n[^n]: The footnote.\n`.replace(
        /link\./g,
        'link.[^n]',
      );
    const parts = splitMarkdown(text, 300);
    expect(parts.length).toBeGreaterThan(5);
    expect(parts.map((p) => p.text.slice(0, p.length)).join('')).toBe(text);
    for (const p of parts) {
      expect(text.slice(0, p.offset).split('\n').length).toBe(p.line);
      if (p.index > 0) expect(p.text.startsWith('## Section')).toBe(true);
      // Every part can resolve the [ref] and [^n] it uses: definitions and footnote stubs follow its own text.
      if (p.index < parts.length - 1) {
        expect(p.text.slice(p.length)).toContain('[ref]: https://example.org');
        expect(p.text.slice(p.length)).toContain('[^n]: .');
      }
      expect(p.count).toBe(parts.length);
    }
    // The front matter stays in the first part.
    expect(parts[0]?.text.startsWith('---\ntitle: Big\n---')).toBe(true);
  });

  it('never cuts inside fenced code, comments, raw <pre> blocks or the front matter, nor at indented #', () => {
    const filler = 'x'.repeat(200);
    const text = [
      '---',
      '# not a heading: front matter',
      '---',
      filler,
      '```sh',
      filler,
      '# a shell comment',
      '```',
      '<!--',
      filler,
      '# commented out',
      '-->',
      '<pre>',
      filler,
      '',
      '# inside pre',
      '</pre>',
      '- item',
      '  # heading inside a list item',
      '~~~~',
      '# tilde fence',
      '~~~~',
      '# Real',
      filler,
    ].join('\n');
    const parts = splitMarkdown(text, 100);
    expect(parts.map((p) => p.text.split('\n')[0])).toEqual(['---', '# Real']);
  });

  it('reads fences as the parser does: backticks in an info string open none, `$$` maths does, `----` is no front matter', () => {
    const filler = 'x'.repeat(120);
    const inline = ['```js``` is inline code, not a fence', filler, '# One', filler, '# Two', filler].join('\n');
    expect(splitMarkdown(inline, 100).map((p) => p.text.split('\n')[0])).toEqual(['```js``` is inline code, not a fence', '# One', '# Two']);
    const maths = ['$$', filler, '# not a heading inside maths', '$$', filler, '# Real', filler].join('\n');
    expect(splitMarkdown(maths, 100).map((p) => p.text.split('\n')[0])).toEqual(['$$', '# Real']);
    const rule = ['----', filler, '# A', filler, '---', '# B', filler].join('\n');
    expect(splitMarkdown(rule, 100).map((p) => p.text.split('\n')[0])).toEqual(['----', '# A', '# B']);
  });

  it('counts a lone carriage return as a line end, as the parser does', () => {
    const text = `a\rb\rc\n${'x'.repeat(120)}\n# H\ntext\n`;
    const parts = splitMarkdown(text, 100);
    expect(parts[1]?.line).toBe(5);
    expect(parts[1]?.offset).toBe(text.indexOf('# H'));
  });

  it('gives a part only the definitions it refers to (all of them in every part would be quadratic)', () => {
    const defs = Array.from({ length: 2_000 }, (_, i) => `[l${i}]: https://example.org/${i}`).join('\n');
    const text = `# A\n\nSee [L7] and [x][l8].\n\n${'y'.repeat(200)}\n\n# B\n\n${defs}\n`;
    const parts = splitMarkdown(text, 100);
    expect(parts).toHaveLength(2);
    const tail = (parts[0] as { text: string; length: number }).text.slice(parts[0]?.length);
    expect(tail.trim().split('\n\n')).toEqual(['[l7]: https://example.org/7', '[l8]: https://example.org/8']);
    expect(parts[1]?.text.length).toBeLessThan(text.length);
  });

  it('cuts a long part without headings at a blank line before a plain paragraph, not inside a list', () => {
    const para = `${'word '.repeat(40).trim()}\n\n`;
    const list = '- one\n\n- two\n\n';
    const text = `# Only\n\n${para.repeat(10)}${list}${para.repeat(10)}`;
    const parts = splitMarkdown(text, 100);
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts.slice(1)) expect(p.text.startsWith('word')).toBe(true);
  });
});

describe('toDocumentFinding', () => {
  const part = { index: 2, count: 3, line: 41, offset: 1000, text: 'abc\ndef\n\n[r]: /x\n', length: 8, lines: 2 };

  it('moves lines, offsets and fixes; keeps columns', () => {
    const moved = toDocumentFinding(
      {
        rule: 'r',
        severity: 'warning',
        message: 'm',
        position: { line: 2, column: 2, endLine: 2, endColumn: 3, offset: 5, endOffset: 6 },
        fix: { start: 5, end: 6, text: 'E' },
      },
      part,
    );
    expect(moved?.position).toEqual({ line: 42, column: 2, endLine: 42, endColumn: 3, offset: 1005, endOffset: 1006 });
    expect(moved?.fix).toEqual({ start: 1005, end: 1006, text: 'E' });
  });

  it('drops a fix of the first part that reaches into its appended definitions', () => {
    const first = { ...part, index: 0, line: 1, offset: 0 };
    const moved = toDocumentFinding(
      { rule: 'r', severity: 'warning', message: 'm', position: { line: 1, column: 1, offset: 0 }, fix: { start: 0, end: 12, text: '' } },
      first,
    );
    expect(moved?.fix).toBeUndefined();
    expect(moved?.position).toEqual({ line: 1, column: 1, offset: 0 });
  });

  it('drops findings in the appended definitions and leaves findings without a position alone', () => {
    expect(toDocumentFinding({ rule: 'r', severity: 'info', message: 'm', position: { line: 4, column: 1, offset: 10 } }, part)).toBeUndefined();
    expect(toDocumentFinding({ rule: 'r', severity: 'info', message: 'm', position: { line: 4, column: 1 } }, part)).toBeUndefined();
    expect(toDocumentFinding({ rule: 'r', severity: 'info', message: 'm' }, part)).toEqual({ rule: 'r', severity: 'info', message: 'm' });
  });
});

describe('section-by-section analysis in the pipeline', () => {
  /** A host with a line-per-paragraph "markdown" importer and checkers that record what they saw. */
  async function sectionHost(log: Array<{ checker: string; part?: SectionPart; language: string; metrics: string }>) {
    const dir = mkdtempSync(join(tmpdir(), 'eia-sections-'));
    const host = await createHost({
      plugins: [
        {
          dir,
          definition: definePlugin({
            manifest: {
              id: 'sections',
              version: '1.0.0',
              engines: { 'export-ia': '*' },
              apiVersion: 1,
              contributes: {
                importers: [{ id: 'markdown', extensions: ['.md'] }],
                checkers: [{ id: 'lang', stage: 10 }, { id: 'count' }, { id: 'plain' }, { id: 'flaky' }],
              },
            },
            setup(api) {
              api.importer('markdown', {
                import(input) {
                  const children: RootContent[] = [];
                  let offset = 0;
                  (input.text ?? '').split('\n').forEach((line, i) => {
                    if (line.trim() !== '')
                      children.push({
                        type: 'paragraph',
                        children: [{ type: 'text', value: line }],
                        position: { start: { line: i + 1, column: 1, offset }, end: { line: i + 1, column: line.length + 1, offset: offset + line.length } },
                      });
                    offset += line.length + 1;
                  });
                  return { root: { type: 'root', children } };
                },
              });
              const record = (checker: string, ctx: CheckContext) =>
                log.push({ checker, language: ctx.language, metrics: JSON.stringify(ctx.metrics), ...(ctx.part ? { part: ctx.part } : {}) });
              api.checker('lang', {
                check(doc, ctx) {
                  record('lang', ctx);
                  const es = doc.root.children.filter((c) => JSON.stringify(c).includes('hola')).length;
                  return { findings: [], metrics: { language: { document: es > 0 ? 'es' : 'en' } }, partial: es };
                },
                merge(parts) {
                  const es = parts.reduce((n, p) => n + (p.partial as number), 0);
                  return { findings: [], metrics: { language: { document: es > 0 ? 'es' : 'en' } } };
                },
              });
              api.checker('count', {
                check(doc, ctx): CheckResult {
                  record('count', ctx);
                  const findings = doc.root.children.flatMap((c) =>
                    JSON.stringify(c).includes('TODO')
                      ? [
                          {
                            rule: 'count/todo',
                            severity: 'warning' as const,
                            message: 'TODO',
                            position: { line: c.position?.start.line ?? 0, column: 1, offset: c.position?.start.offset ?? 0 },
                          },
                        ]
                      : [],
                  );
                  return { findings, metrics: { count: { paragraphs: doc.root.children.length } }, partial: doc.root.children.length };
                },
                merge(parts, ctx) {
                  return {
                    findings: parts.flatMap((p) => p.findings),
                    metrics: { count: { paragraphs: parts.reduce((n, p) => n + (p.partial as number), 0), parts: ctx.parts, textLength: ctx.text?.length } },
                  };
                },
              });
              api.checker('plain', {
                check: () => ({
                  findings: [{ rule: 'plain/x', severity: 'info', message: 'x', position: { line: 1, column: 1, offset: 0 } }],
                  metrics: { plain: 1 },
                }),
              });
              api.checker('flaky', {
                check(_doc, ctx) {
                  if (ctx.part?.index === 2) throw new Error('part 2 is too much');
                  return { findings: [], metrics: { flaky: 1 } };
                },
                merge: () => ({ findings: [], metrics: { flaky: 'merged' } }),
              });
            },
          }),
        },
      ],
    });
    return { host, dir };
  }

  it('checks part by part, stage by stage, and merges: same findings at document lines, merged metrics', async () => {
    const log: Array<{ checker: string; part?: SectionPart; language: string; metrics: string }> = [];
    const { host, dir } = await sectionHost(log);
    const text = `# Doc\n\n${Array.from({ length: 30 }, (_, i) => `## S${i}\n\n${i === 25 ? 'hola TODO' : `text ${i}`}\n\n`).join('')}`;
    const bytes = new TextEncoder().encode(text);
    const input = { name: 'big.md', dir, bytes, hash: sha256(bytes) };
    const whole = await host.analyzePipeline().run(input, { settings: [] });
    log.length = 0;
    const parts = await host.analyzePipeline().run(input, { settings: [{ limits: { sectionBytes: 60 } }] });
    await host.close();

    const n = parts.analysis?.sections ?? 0;
    expect(n).toBeGreaterThan(5);
    expect(whole.analysis?.sections).toBeUndefined();
    // Stage 10 over every part first; stage 50 then sees the merged language (from the last part).
    const stage50 = log.filter((l) => l.checker === 'count');
    expect(log.slice(0, n).every((l) => l.checker === 'lang')).toBe(true);
    expect(stage50).toHaveLength(n);
    expect(stage50.every((l) => l.language === 'es' && l.metrics === JSON.stringify({ language: { document: 'es' } }))).toBe(true);
    expect(stage50.map((l) => l.part?.index)).toEqual([...Array(n).keys()]);

    const todo = (r: typeof whole) => r.analysis?.findings.filter((f) => f.rule === 'count/todo');
    expect(todo(parts)).toEqual(todo(whole));
    expect(todo(whole)?.[0]?.position).toMatchObject({ line: text.split('\n').indexOf('hola TODO') + 1, offset: text.indexOf('hola TODO') });
    expect(parts.analysis?.metrics.count).toEqual({ paragraphs: 61, parts: n, textLength: text.length });
    expect(whole.analysis?.metrics.count).toEqual({ paragraphs: 61, parts: undefined, textLength: undefined });

    // Without merge: findings kept (once per part here), metrics dropped, and said so.
    expect(parts.analysis?.findings.filter((f) => f.rule === 'plain/x')).toHaveLength(n);
    expect(parts.analysis?.metrics.plain).toBeUndefined();
    expect(parts.analysis?.findings.some((f) => f.rule === 'quality/not-merged' && f.checker === 'plain')).toBe(true);
    // A part failing fails the checker for the document; the others go on.
    expect(parts.analysis?.checkers.find((c) => c.id === 'flaky')).toMatchObject({ status: 'failed', error: { code: 'EIA_CHECKER_FAILED' } });
    expect(parts.analysis?.metrics.flaky).toBeUndefined();
    expect(parts.analysis?.checkers.filter((c) => c.status === 'ok').map((c) => c.id)).toEqual(['lang', 'count', 'plain']);
    expect(parts.diagnostics.some((d) => d.code === 'EIA_ANALYSIS_SECTIONED')).toBe(true);
    // The result's document is a shell: metadata, no tree.
    expect(parts.document.root.children).toEqual([]);
  });
});

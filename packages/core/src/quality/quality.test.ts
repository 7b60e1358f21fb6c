import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Root } from 'mdast';
import { describe, expect, it } from 'vitest';
import { createHost } from '../host/host.js';
import { sha256 } from '../io/input.js';
import { definePlugin } from '../plugins/contracts.js';
import { applyFixes } from './findings.js';
import { locate, proseBlocks, sentences, words } from './prose.js';
import { scoreQuality } from './score.js';

const pos = (line: number, column: number, offset: number, len: number) => ({
  start: { line, column, offset },
  end: { line, column: column + len, offset: offset + len },
});

describe('fixes', () => {
  it('applies non-overlapping fixes and skips the ones that overlap', () => {
    const r = applyFixes('the the cat  sat', [
      { start: 0, end: 4, text: '' },
      { start: 2, end: 6, text: 'X' },
      { start: 11, end: 13, text: ' ' },
    ]);
    expect(r.text).toBe('the cat sat');
    expect(r.applied).toHaveLength(2);
    expect(r.skipped).toHaveLength(1);
  });
});

describe('prose', () => {
  it('maps indexes in a block back to source lines and columns, skipping code blocks', () => {
    const root: Root = {
      type: 'root',
      children: [
        { type: 'heading', depth: 1, children: [{ type: 'text', value: 'Title', position: pos(1, 3, 2, 5) }] },
        { type: 'code', value: 'not prose' },
        {
          type: 'paragraph',
          children: [
            { type: 'text', value: 'Run ', position: pos(5, 1, 20, 4) },
            { type: 'inlineCode', value: 'npm ci', position: pos(5, 5, 24, 8) },
            { type: 'text', value: ' now.\nThen stop.', position: { start: { line: 5, column: 13, offset: 32 }, end: { line: 6, column: 11, offset: 48 } } },
          ],
        },
      ],
    };
    const blocks = proseBlocks(root);
    expect(blocks.map((b) => [b.kind, b.text, b.section])).toEqual([
      ['heading', 'Title', 'Title'],
      ['paragraph', 'Run npm ci now.\nThen stop.', 'Title'],
    ]);
    const p = blocks[1] as (typeof blocks)[number];
    expect(p.pieces.filter((x) => x.code)).toHaveLength(1);
    expect(locate(p, p.text.indexOf('Then'))).toEqual({ line: 6, column: 1, offset: 38 });
    expect(locate(p, p.text.indexOf('now'), p.text.indexOf('now') + 3)).toMatchObject({ line: 5, column: 14, endColumn: 17 });
    // An end on a run boundary closes the run before it (not the inline code after "Run ").
    expect(locate(p, 0, 4)).toMatchObject({ line: 5, column: 1, endLine: 5, endColumn: 5, endOffset: 24 });
    expect(words('Don’t stop, e.g. now.').map((w) => w.word)).toEqual(['Don’t', 'stop', 'e.g', 'now']);
    expect(sentences('One here. Two there! Three?').map((s) => s.sentence.trim())).toEqual(['One here.', 'Two there!', 'Three?']);
  });
});

describe('score', () => {
  it('is deterministic, explains each sub-score and renormalises over what ran', () => {
    const metrics = { spelling: { words: 1000, misspelled: 10 }, style: { words: 1000, findings: 5 }, readability: { ease: 40 } };
    const a = scoreQuality(metrics);
    expect(scoreQuality(metrics)).toEqual(a);
    expect(a.subscores.map((s) => [s.id, s.score])).toEqual([
      ['spelling', 80],
      ['style', 80],
      ['readability', 80],
    ]);
    expect(a.score).toBe(80);
    expect(a.missing).toEqual(['validation', 'accessibility', 'similarity']);
    expect(a.subscores[0]?.reason).toContain('10 unknown words in 1,000');
    expect(scoreQuality(metrics, { audience: 'technical' }).subscores.find((s) => s.id === 'readability')?.score).toBe(100);
    expect(scoreQuality({}).score).toBe(100);
    // Source rules and axe on the output both count; overall containment wins over the largest single source.
    expect(
      scoreQuality({ accessibility: { critical: 0, serious: 1, moderate: 0, minor: 0 }, axe: { critical: 1, serious: 0, moderate: 0, minor: 0 } }).score,
    ).toBe(65);
    expect(scoreQuality({ similarity: { maxContainment: 0.3, containment: 0.5 } }).score).toBe(50);
  });
});

describe('checkers in the pipeline', () => {
  it('run by stage, later stages see earlier metrics and the detected language; a failing checker is isolated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eia-check-'));
    writeFileSync(join(dir, 'plain.yaml'), 'id: plain\nname: Plain\n');
    const seen: string[] = [];
    const host = await createHost({
      plugins: [
        {
          dir,
          definition: definePlugin({
            manifest: {
              id: 'checks',
              version: '1.0.0',
              engines: { 'export-ia': '*' },
              apiVersion: 1,
              contributes: {
                importers: [{ id: 'text', extensions: ['.txt'] }],
                checkers: [{ id: 'lang', stage: 10 }, { id: 'words' }, { id: 'broken' }, { id: 'extra', default: false }, { id: 'output', default: false }],
                exporters: [{ id: 'txt', extension: '.txt', mediaType: 'text/plain' }],
                themes: [{ id: 'plain', file: 'plain.yaml' }],
              },
            },
            setup(api) {
              api.importer('text', {
                import: (input) => ({
                  root: {
                    type: 'root',
                    children: [{ type: 'paragraph', children: [{ type: 'text', value: input.text ?? '', position: pos(1, 1, 0, (input.text ?? '').length) }] }],
                  },
                }),
              });
              api.checker('lang', { check: () => ({ findings: [], metrics: { language: { document: 'es' } } }) });
              api.checker('words', {
                check(doc, ctx) {
                  seen.push(ctx.language, JSON.stringify(ctx.metrics), String(ctx.text));
                  const n = words(proseBlocks(doc.root)[0]?.text ?? '').length;
                  return {
                    findings: [{ rule: 'words/count', severity: 'info', message: `${n} words`, position: { line: 1, column: 1 } }],
                    metrics: { style: { words: n, findings: 0 } },
                  };
                },
              });
              api.checker('broken', {
                check() {
                  throw new Error('boom');
                },
              });
              api.checker('extra', { check: () => ({ findings: [] }) });
              api.exporter('txt', { export: (doc) => new TextEncoder().encode(`rendered ${doc.root.children.length}`) });
              api.checker('output', {
                async check(_doc, ctx) {
                  const rendered = new TextDecoder().decode(await ctx.exportWith('txt'));
                  const unknown = await ctx.exportWith('nope').then(
                    () => 'none',
                    (e: { code: string }) => e.code,
                  );
                  return { findings: [], metrics: { output: { rendered, unknown } } };
                },
              });
            },
          }),
        },
      ],
    });
    const bytes = new TextEncoder().encode('hola mundo bonito');
    const result = await host.analyzePipeline().run({ name: 'a.txt', dir, bytes, hash: sha256(bytes) }, { settings: [{ theme: 'plain' }] });
    const output = await host.analyzePipeline(['output']).run({ name: 'a.txt', dir, bytes, hash: sha256(bytes) }, { settings: [{ theme: 'plain' }] });
    await host.close();
    // A checker can render the document with an exporter to inspect the output.
    expect(output.analysis?.metrics.output).toEqual({ rendered: 'rendered 1', unknown: 'EIA_UNKNOWN_FORMAT' });
    expect(seen).toEqual(['es', JSON.stringify({ language: { document: 'es' } }), 'hola mundo bonito']);
    expect(result.analysis?.findings).toEqual([
      { rule: 'words/count', severity: 'info', message: '3 words', position: { line: 1, column: 1 }, file: 'a.txt', checker: 'words' },
    ]);
    expect(result.analysis?.metrics).toEqual({ language: { document: 'es' }, style: { words: 3, findings: 0 } });
    const broken = result.analysis?.checkers.find((c) => c.id === 'broken');
    expect(broken).toMatchObject({ status: 'failed', error: { code: 'EIA_CHECKER_FAILED' } });
    expect(result.analysis?.checkers.map((c) => c.id).sort()).toEqual(['broken', 'lang', 'words']);
  });
});

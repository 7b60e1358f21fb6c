/**
 * A malformed model (from a third-party importer or transform) must give findings, not a hang or
 * a crash. The host's own normalisation refuses cycles before checkers run, so the checkers are
 * called here directly, through the plugin API.
 */
import type { CheckContext, Checker, DocumentModel, PluginApi } from '@export-ia/core/plugin';
import type { Paragraph, Root } from 'mdast';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';

async function checkers(): Promise<Map<string, Checker>> {
  const out = new Map<string, Checker>();
  const api = {
    id: 'checker-structure',
    version: '0.1.0',
    dir: '.',
    config: { markdownlint: false },
    checker: (id: string, impl: Checker) => out.set(id, impl),
    onClose: () => undefined,
  } as unknown as PluginApi;
  await plugin.setup(api);
  return out;
}

function model(root: Root): DocumentModel {
  return {
    root,
    meta: { title: 'T', lang: 'en', author: [], keywords: [], extra: {} },
    frontMatter: {},
    source: { name: 'bad.json', dir: '.', format: 'json', hash: '0', bytes: 0 },
    assets: {},
    diagnostics: [],
  };
}

const ctx = { file: 'bad.json', cwd: '.', settings: {}, config: {}, language: 'en', metrics: {}, report: () => undefined } as unknown as CheckContext;

describe('model shape', () => {
  it('reports cycles, typeless nodes and non-list children as structure/model-invalid, and still finishes', async () => {
    const paragraph = { type: 'paragraph', children: [{ type: 'text', value: 'Loop' }] } as Paragraph;
    paragraph.children.push(paragraph as never);
    const root = {
      type: 'root',
      children: [
        { type: 'heading', depth: 1, children: [{ type: 'text', value: 'T' }], position: { start: { line: 1, column: 1 }, end: { line: 1, column: 4 } } },
        paragraph,
        { value: 'no type' },
        null,
        { type: 'list', children: 'nope' },
      ],
    } as unknown as Root;
    const all = await checkers();
    const structure = await (all.get('structure') as Checker).check(model(root), ctx);
    const invalid = structure.findings.filter((f) => f.rule === 'structure/model-invalid');
    expect(invalid.map((f) => f.message)).toEqual([
      'The paragraph node appears twice in the tree (a cycle or a shared subtree)',
      'A child of the root node has no type (object)',
      'A child of the root node has no type (null)',
      "The list node's children are not a list",
    ]);
    expect(invalid.every((f) => f.severity === 'error')).toBe(true);
    expect(structure.metrics?.validation).toMatchObject({ errors: 4 });
    // The accessibility checker walks the same scan and finishes too.
    const a11y = await (all.get('accessibility') as Checker).check(model(root), ctx);
    expect(a11y.findings).toEqual([]);
  });

  it('suggests the language an earlier checker detected when none is declared', async () => {
    const root = { type: 'root', children: [{ type: 'paragraph', children: [{ type: 'text', value: 'Hola.' }] }] } as Root;
    const doc = model(root);
    delete doc.meta.lang;
    const withDetection = { ...ctx, metrics: { language: { document: 'es', confidence: 0.9 } } } as CheckContext;
    const r = await ((await checkers()).get('accessibility') as Checker).check(doc, withDetection);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ rule: 'accessibility/document-language', data: { detected: 'es', impact: 'serious' } });
    expect(r.findings[0]?.suggestion).toContain('`lang: es`');
  });
});

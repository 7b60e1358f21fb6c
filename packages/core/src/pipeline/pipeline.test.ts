import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Root } from 'mdast';
import { describe, expect, it } from 'vitest';
import { createHost } from '../host/host.js';
import { sha256 } from '../io/input.js';
import { definePlugin } from '../plugins/contracts.js';
import type { PipelineEvent } from './pipeline.js';
import { parsePipeline } from './pipeline-file.js';

const themeDir = mkdtempSync(join(tmpdir(), 'eia-theme-'));
writeFileSync(join(themeDir, 'plain.yaml'), 'id: plain\nname: Plain\n');

/** A tiny "text" importer: one paragraph per line. Counts its calls. */
function textPlugin(calls: { imports: number }) {
  return {
    definition: definePlugin({
      manifest: {
        id: 'text-in',
        version: '1.0.0',
        engines: { 'export-ia': '*' },
        apiVersion: 1,
        contributes: { importers: [{ id: 'text', extensions: ['.txt'], mediaTypes: ['text/plain'] }], themes: [{ id: 'plain', file: 'plain.yaml' }] },
      },
      setup(api) {
        api.importer('text', {
          import(input) {
            calls.imports += 1;
            const lines = (input.text ?? '').split('\n').filter(Boolean);
            const at = (n: number) => ({ start: { line: n, column: 1, offset: 0 }, end: { line: n, column: 2, offset: 1 } });
            const root: Root = {
              type: 'root',
              position: at(1),
              children: lines.map((value, i) => ({ type: 'paragraph', position: at(i + 1), children: [{ type: 'text', value, position: at(i + 1) }] })),
            };
            return { root, frontMatter: { title: 'From importer' } };
          },
        });
      },
    }),
    dir: themeDir,
  };
}

interface Gate {
  started: string[];
  release?: () => void;
}

/** Exporters that write their format name and the paragraph count; `slow` ones wait on a gate. */
function exporters(gate: Gate, ids: string[], opts: { fail?: string; hang?: string; slow?: boolean } = {}) {
  return {
    definition: definePlugin({
      manifest: {
        id: 'outs',
        version: '2.0.0',
        engines: { 'export-ia': '*' },
        apiVersion: 1,
        contributes: {
          exporters: ids.map((id) => ({ id, extension: `.${id}`, mediaType: 'text/plain' })),
          transforms: [{ id: 'shout', default: true }],
        },
      },
      setup(api) {
        api.transform('shout', {
          transform(doc) {
            return { ...doc, meta: { ...doc.meta, title: (doc.meta.title ?? '').toUpperCase() } };
          },
        });
        for (const id of ids) {
          api.exporter(id, {
            async export(doc, ctx) {
              gate.started.push(id);
              ctx.progress(0.5, 'half');
              if (opts.fail === id) throw new Error('exporter exploded');
              if (opts.hang === id) await new Promise(() => {});
              if (opts.slow) {
                // Every exporter must have started before any finishes: they run concurrently.
                if (gate.started.length === ids.length) gate.release?.();
                else await new Promise<void>((resolve) => (gate.release = resolve));
              }
              return new TextEncoder().encode(`${id}:${doc.meta.title}:${doc.root.children.length}`);
            },
          });
        }
      },
    }),
  };
}

const input = (text: string, name = 'doc.txt') => {
  const bytes = new TextEncoder().encode(text);
  return { name, dir: themeDir, bytes, hash: sha256(bytes) };
};
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

describe('pipelines', () => {
  it('compose importer → transforms → exporters with .use(), exporters in parallel', async () => {
    const calls = { imports: 0 };
    const gate: Gate = { started: [] };
    const host = await createHost({ plugins: [textPlugin(calls), exporters(gate, ['a', 'b'], { slow: true })] });
    const events: PipelineEvent[] = [];
    const result = await host
      .pipeline()
      .use('importer:text')
      .use('transform:shout')
      .use(['exporter:a', 'exporter:b'])
      .run(input('one\ntwo'), { settings: [{ theme: 'plain' }], onEvent: (e) => events.push(e) });
    expect(result.outputs.map((o) => decode(o.data))).toEqual(['a:FROM IMPORTER:2', 'b:FROM IMPORTER:2']);
    expect(result.steps.map((s) => s.step)).toEqual(['importer:text', 'transform:shout', 'exporter:a', 'exporter:b']);
    expect(result.steps.every((s) => s.status === 'ok' && s.ms >= 0 && s.plugin.version)).toBe(true);
    expect(events.filter((e) => e.type === 'step-started').map((e) => e.step)).toEqual(['importer:text', 'transform:shout', 'exporter:a', 'exporter:b']);
    expect(events.some((e) => e.type === 'step-progress' && e.fraction === 0.5 && e.note === 'half')).toBe(true);
    await host.close();
  });

  it('is immutable: .use() returns a new pipeline, and the spec is plain data', async () => {
    const host = await createHost({ plugins: [textPlugin({ imports: 0 }), exporters({ started: [] }, ['a'])] });
    const base = host.pipeline().use('importer:text');
    const withExport = base.use('exporter:a');
    expect(base.toJSON()).toEqual({ steps: [{ importer: 'text' }] });
    expect(JSON.parse(JSON.stringify(withExport.toJSON()))).toEqual({ steps: [{ importer: 'text' }, { exporters: ['a'] }] });
    await host.close();
  });

  it('runs a pipeline written in YAML', async () => {
    const host = await createHost({ plugins: [textPlugin({ imports: 0 }), exporters({ started: [] }, ['a', 'b'])] });
    const spec = parsePipeline('name: both\nsteps:\n  - importer: auto\n  - transform: shout\n  - exporters: [a, b]\n', 'p.yaml');
    const result = await host.pipeline(spec).run(input('x'), { settings: [{ theme: 'plain' }] });
    expect(result.outputs.map((o) => o.format)).toEqual(['a', 'b']);
    await host.close();
  });

  it('refuses malformed pipelines and unknown components with coded errors', async () => {
    const host = await createHost({ plugins: [textPlugin({ imports: 0 }), exporters({ started: [] }, ['a'])] });
    expect(() => parsePipeline('steps: []\n', 'p.yaml')).toThrow(expect.objectContaining({ code: 'EIA_PIPELINE_INVALID' }));
    expect(() => parsePipeline('steps:\n  - frobnicate: x\n', 'p.yaml')).toThrow(expect.objectContaining({ code: 'EIA_PIPELINE_INVALID' }));
    expect(() => host.pipeline({ steps: [{ transform: 'nope' }] })).toThrow(expect.objectContaining({ code: 'EIA_COMPONENT_NOT_FOUND' }));
    expect(() => host.pipeline({ steps: [{ exporters: ['a'] }, { importer: 'text' }] })).toThrow(/must be the (first|last) step/);
    expect(() => host.exportPipeline(['epub'])).toThrow(expect.objectContaining({ code: 'EIA_UNKNOWN_FORMAT' }));
    await host.close();
  });

  it('keeps the other formats when one exporter fails', async () => {
    const host = await createHost({ plugins: [textPlugin({ imports: 0 }), exporters({ started: [] }, ['a', 'b'], { fail: 'a' })] });
    const result = await host.exportPipeline(['a', 'b']).run(input('x'), { settings: [{ theme: 'plain' }] });
    expect(result.outputs.map((o) => o.format)).toEqual(['b']);
    expect(result.failures).toEqual([
      { format: 'a', error: expect.objectContaining({ code: 'EIA_EXPORT_FAILED', message: expect.stringContaining('exporter exploded') }) },
    ]);
    await host.close();
  });

  it('parses a document once per content, however many times it is exported', async () => {
    const calls = { imports: 0 };
    const host = await createHost({ plugins: [textPlugin(calls), exporters({ started: [] }, ['a'])] });
    const p = host.exportPipeline(['a']);
    await p.run(input('same'), { settings: [{ theme: 'plain' }] });
    const second = await p.run(input('same'), { settings: [{ theme: 'plain' }] });
    await p.run(input('different'), { settings: [{ theme: 'plain' }] });
    expect(calls.imports).toBe(2);
    expect(second.steps[0]).toMatchObject({ step: 'importer:text', status: 'cached' });
    // Different limits never share a cached parse (an input refused under strict limits stays refused).
    await p.run(input('same'), { settings: [{ theme: 'plain', limits: { maxZipEntries: 5 } }] });
    expect(calls.imports).toBe(3);
    await host.close();
  });

  it('stops a step at its deadline with EIA_TIMEOUT, and honours cancellation', async () => {
    const host = await createHost({ plugins: [textPlugin({ imports: 0 }), exporters({ started: [] }, ['a', 'b'], { hang: 'a' })] });
    const result = await host.exportPipeline(['a', 'b']).run(input('x'), { settings: [{ theme: 'plain', limits: { stepTimeoutMs: 150 } }] });
    expect(result.failures.map((f) => f.error.code)).toEqual(['EIA_TIMEOUT']);
    expect(result.outputs.map((o) => o.format)).toEqual(['b']);
    const controller = new AbortController();
    controller.abort();
    await expect(host.exportPipeline(['b']).run(input('y'), { settings: [{ theme: 'plain' }], signal: controller.signal })).rejects.toMatchObject({
      code: 'EIA_CANCELLED',
    });
    await host.close();
  });

  it('chooses the importer by extension, refuses unknown inputs, and reports an unknown theme', async () => {
    const host = await createHost({ plugins: [textPlugin({ imports: 0 }), exporters({ started: [] }, ['a'])] });
    await expect(host.exportPipeline(['a']).run(input('x', 'doc.xyz'), { settings: [{ theme: 'plain' }] })).rejects.toMatchObject({
      code: 'EIA_INPUT_UNSUPPORTED',
    });
    await expect(host.exportPipeline(['a']).run(input('x'), { settings: [{ theme: 'no-such-theme' }] })).rejects.toMatchObject({ code: 'EIA_UNKNOWN_THEME' });
    await host.close();
  });

  it('gives every heading a unique id whatever the importer', async () => {
    const host = await createHost({
      plugins: [
        {
          definition: definePlugin({
            manifest: {
              id: 'h',
              version: '1.0.0',
              engines: { 'export-ia': '*' },
              apiVersion: 1,
              contributes: { importers: [{ id: 'h', extensions: ['.h'] }] },
            },
            setup(api) {
              api.importer('h', {
                import: () => ({
                  root: {
                    type: 'root',
                    children: ['Intro', 'Intro', 'Économie & Coûts'].map((value) => ({ type: 'heading', depth: 1, children: [{ type: 'text', value }] })),
                  } as Root,
                }),
              });
            },
          }),
        },
      ],
    });
    const result = await host.pipeline().use('importer:h').run(input('x', 'a.h'));
    expect(result.document.root.children.map((h) => (h.data as { id?: string } | undefined)?.id)).toEqual(['intro', 'intro-1', 'économie--coûts']);
    await host.close();
  });
});

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

  it('refuses an exporter listed twice, and gives transforms the exporters that will run as `to`', async () => {
    const seen: string[][] = [];
    const host = await createHost({
      plugins: [
        textPlugin({ imports: 0 }),
        exporters({ started: [] }, ['a', 'b']),
        {
          definition: definePlugin({
            manifest: { id: 'spy', version: '1.0.0', engines: { 'export-ia': '*' }, apiVersion: 1, contributes: { transforms: [{ id: 'spy' }] } },
            setup(api) {
              api.transform('spy', {
                transform(doc, ctx) {
                  seen.push([...ctx.settings.to]);
                  return doc;
                },
              });
            },
          }),
        },
      ],
    });
    expect(() => host.pipeline({ steps: [{ exporters: ['a', 'a'] }] }, 'print.yaml')).toThrow(/print\.yaml is invalid: exporter "a" is listed twice/);
    await host
      .pipeline()
      .use('importer:text')
      .use('transform:spy')
      .use(['exporter:b', 'exporter:a'])
      .run(input('x'), { settings: [{ theme: 'plain', to: ['pdf'] }] });
    expect(seen).toEqual([['b', 'a']]);
    await host.close();
  });

  it("stops a step at the plugin's own resources.timeoutMs when it is shorter", async () => {
    const host = await createHost({
      plugins: [
        textPlugin({ imports: 0 }),
        {
          definition: definePlugin({
            manifest: {
              id: 'slow',
              version: '1.0.0',
              engines: { 'export-ia': '*' },
              apiVersion: 1,
              resources: { timeoutMs: 100 },
              contributes: { exporters: [{ id: 'slow', extension: '.slow', mediaType: 'text/plain' }] },
            },
            setup(api) {
              api.exporter('slow', { export: () => new Promise(() => {}) });
            },
          }),
        },
      ],
    });
    const result = await host.exportPipeline(['slow']).run(input('x'), { settings: [{ theme: 'plain' }] });
    expect(result.failures[0]?.error).toMatchObject({ code: 'EIA_TIMEOUT', params: { timeoutMs: 100 } });
    await host.close();
  });

  it('lets an explicit limits.stepTimeoutMs override the plugin’s resources.timeoutMs', async () => {
    const host = await createHost({
      plugins: [
        textPlugin({ imports: 0 }),
        {
          definition: definePlugin({
            manifest: {
              id: 'slowish',
              version: '1.0.0',
              engines: { 'export-ia': '*' },
              apiVersion: 1,
              resources: { timeoutMs: 50 },
              contributes: { exporters: [{ id: 'slowish', extension: '.slowish', mediaType: 'text/plain' }] },
            },
            setup(api) {
              api.exporter('slowish', { export: () => new Promise((resolve) => setTimeout(() => resolve(new Uint8Array([1])), 200)) });
            },
          }),
        },
      ],
    });
    const defaulted = await host.exportPipeline(['slowish']).run(input('x'), { settings: [{ theme: 'plain' }] });
    expect(defaulted.failures[0]?.error).toMatchObject({ code: 'EIA_TIMEOUT', params: { timeoutMs: 50 } });
    const raised = await host.exportPipeline(['slowish']).run(input('x'), { settings: [{ theme: 'plain', limits: { stepTimeoutMs: 5_000 } }] });
    expect(raised.failures).toEqual([]);
    expect(raised.outputs).toHaveLength(1);
    await host.close();
  });

  it('lets a plugin call only importers of plugins it declares as dependencies', async () => {
    const caller = (id: string, dependencies: Record<string, string>) => ({
      definition: definePlugin({
        manifest: {
          id,
          version: '1.0.0',
          engines: { 'export-ia': '*' },
          apiVersion: 1,
          dependencies,
          contributes: { importers: [{ id, extensions: [`.${id}`] }] },
        },
        setup(api) {
          api.importer(id, { import: (source, ctx) => ctx.importWith('text', { ...source, name: 'inner.txt' }) });
        },
      }),
    });
    const host = await createHost({ plugins: [textPlugin({ imports: 0 }), caller('good', { 'text-in': '^1.0.0' }), caller('rogue', {})] });
    const ok = await host.pipeline().use('importer:good').run(input('line', 'x.good'));
    expect(ok.document.root.children).toHaveLength(1);
    await expect(host.pipeline().use('importer:rogue').run(input('line', 'x.rogue'))).rejects.toMatchObject({ code: 'EIA_PLUGIN_DEPENDENCY_UNDECLARED' });
    await host.close();
  });

  it('keeps the importer warnings when a parse comes from the cache', async () => {
    const host = await createHost({
      plugins: [
        {
          definition: definePlugin({
            manifest: {
              id: 'warns',
              version: '1.0.0',
              engines: { 'export-ia': '*' },
              apiVersion: 1,
              contributes: { importers: [{ id: 'w', extensions: ['.w'] }] },
            },
            setup(api) {
              api.importer('w', {
                import(_source, ctx) {
                  ctx.report({ code: 'EIA_FRONT_MATTER_INVALID', severity: 'warning', message: 'bad yaml', hint: 'fix it' });
                  return {
                    root: { type: 'root', children: [], position: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } } },
                  };
                },
              });
            },
          }),
        },
      ],
    });
    const p = host.pipeline().use('importer:w');
    const first = await p.run(input('x', 'a.w'));
    const second = await p.run(input('x', 'b.w'));
    expect(second.steps[0]?.status).toBe('cached');
    expect(first.diagnostics.map((d) => d.code)).toEqual(['EIA_FRONT_MATTER_INVALID']);
    expect(second.diagnostics).toEqual([expect.objectContaining({ code: 'EIA_FRONT_MATTER_INVALID', file: 'b.w' })]);
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

/**
 * `@export-ia/core/testing` — contract suites every implementation of a component kind must
 * pass, built-in or third-party. They are runner-agnostic: each case is `{ name, run }` and
 * throws (node:assert) on failure, so any test runner can register them:
 *
 * ```ts
 * for (const c of exporterContract({ plugins: [myPluginDir], format: 'epub' })) it(c.name, c.run);
 * ```
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Root, RootContent } from 'mdast';
import { mergeSettings } from './config/settings.js';
import { createHost, type Host } from './host/host.js';
import { sha256 } from './io/input.js';
import type { DocumentModel } from './model/document.js';
import { emptyMeta } from './model/document.js';
import { walk } from './model/tree.js';
import type { PipelineResult } from './pipeline/pipeline.js';
import type { SourceInput } from './plugins/contracts.js';
import type { PluginSpec } from './plugins/plugin-loader.js';
import type { CheckResult } from './quality/findings.js';

export { eventStoreContract, type StoreFactory } from './events/store-contract.js';

export interface ContractCase {
  name: string;
  run: () => Promise<void>;
}

const at = (line: number) => ({ start: { line, column: 1, offset: 0 }, end: { line, column: 2, offset: 1 } });

/**
 * A document with every node type of the model, including the extensions (maths, figure,
 * callout, page break), hostile strings, and an image that could not be resolved.
 */
export function kitchenSinkDocument(): DocumentModel {
  const text = (value: string) => ({ type: 'text' as const, value, position: at(1) });
  const p = (...children: RootContent[]) => ({ type: 'paragraph' as const, children, position: at(1) }) as RootContent;
  const hostile = '<script>alert(1)</script> #set page("a4") \\ $x$ {{x}} & "quotes" ]]> `tick` *star* _u_';
  const children = [
    { type: 'heading', depth: 1, children: [text('Kitchen sink')], data: { id: 'kitchen-sink' } },
    p(
      text('Plain, '),
      { type: 'emphasis', children: [text('emphasis')] } as RootContent,
      text(', '),
      { type: 'strong', children: [text('strong')] } as RootContent,
      text(', '),
      { type: 'delete', children: [text('deleted')] } as RootContent,
      text(', '),
      { type: 'inlineCode', value: 'code()' } as RootContent,
      text(', '),
      { type: 'inlineMath', value: 'E = mc^2' } as RootContent,
      { type: 'break' } as RootContent,
      { type: 'link', url: 'https://example.org/?a=1&b=2', title: 'Example', children: [text('a link')] } as RootContent,
      text(' '),
      { type: 'link', url: '#kitchen-sink', children: [text('an anchor')] } as RootContent,
      text(' and a note'),
      { type: 'footnoteReference', identifier: '1', label: '1' } as RootContent,
      text('.'),
    ),
    p(text(hostile)),
    { type: 'heading', depth: 2, children: [text('Lists')], data: { id: 'lists' } },
    {
      type: 'list',
      ordered: false,
      spread: false,
      children: [
        {
          type: 'listItem',
          spread: false,
          children: [
            p(text('one')),
            { type: 'list', ordered: true, start: 3, spread: false, children: [{ type: 'listItem', spread: false, children: [p(text('nested three'))] }] },
          ],
        },
        { type: 'listItem', spread: false, checked: true, children: [p(text('done task'))] },
        { type: 'listItem', spread: false, checked: false, children: [p(text('open task'))] },
      ],
    },
    { type: 'list', ordered: true, start: 1, spread: false, children: [{ type: 'listItem', spread: false, children: [p(text('restarts at one'))] }] },
    { type: 'blockquote', children: [p(text('A quote.')), { type: 'blockquote', children: [p(text('Nested quote.'))] }] },
    { type: 'callout', kind: 'warning', children: [p(text('A warning callout.'))] },
    { type: 'code', lang: 'python', meta: null, value: 'def f(x):\n    return x < 1 and "</code>"' },
    { type: 'code', lang: null, meta: null, value: 'plain ``` fence' },
    { type: 'math', value: '\\frac{a}{b} = \\sqrt{c}' },
    {
      type: 'table',
      align: ['left', 'center', 'right'],
      children: [
        {
          type: 'tableRow',
          children: [
            { type: 'tableCell', children: [text('A')] },
            { type: 'tableCell', children: [text('B')] },
            { type: 'tableCell', children: [text('C')] },
          ],
        },
        {
          type: 'tableRow',
          children: [
            { type: 'tableCell', children: [text('1')] },
            { type: 'tableCell', children: [{ type: 'strong', children: [text('2')] }] },
            { type: 'tableCell', children: [] },
          ],
        },
      ],
    },
    {
      type: 'figure',
      children: [
        { type: 'image', url: 'missing.png', alt: 'A missing image' },
        { type: 'figureCaption', children: [text('A missing image')] },
      ],
    },
    p({ type: 'image', url: 'inline-missing.png', alt: 'inline' } as RootContent),
    { type: 'thematicBreak' },
    { type: 'pageBreak' },
    { type: 'html', value: '<div>raw <b>html</b></div>' },
    { type: 'definition', identifier: 'ref', label: 'ref', url: 'https://example.org', title: null },
    p({ type: 'linkReference', identifier: 'ref', label: 'ref', referenceType: 'full', children: [text('reference link')] } as RootContent),
    { type: 'footnoteDefinition', identifier: '1', label: '1', children: [p(text('The footnote.'))] },
  ] as RootContent[];
  const root: Root = { type: 'root', children, position: at(1) };
  const bytes = new TextEncoder().encode('kitchen sink');
  return {
    root,
    meta: { ...emptyMeta(), title: 'Kitchen sink', author: ['Test Author'], lang: 'en', keywords: ['test'] },
    frontMatter: {},
    source: { name: 'kitchen-sink.md', dir: process.cwd(), format: 'markdown', hash: sha256(bytes), bytes: bytes.length },
    assets: {
      'missing.png': { url: 'missing.png', status: 'missing', reason: 'not found' },
      'inline-missing.png': { url: 'inline-missing.png', status: 'missing', reason: 'not found' },
    },
    diagnostics: [],
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

/**
 * A document past the sizes where `push(...items)` and `Math.max(...items)` throw RangeError
 * (~120k arguments): `n` list items, `n` table rows, one paragraph of `n` emphasis nodes and
 * `n / 10` headings. Writers must handle it without recursion or argument spreading.
 */
export function hugeDocument(n = 130_000): DocumentModel {
  const text = (value: string) => ({ type: 'text' as const, value });
  const children: RootContent[] = [];
  for (let i = 0; i < n / 10; i++) children.push({ type: 'heading', depth: 2, children: [text(`Heading ${i}`)], data: { id: `heading-${i}` } } as RootContent);
  children.push({
    type: 'list',
    ordered: false,
    spread: false,
    children: Array.from({ length: n }, (_, i) => ({ type: 'listItem', spread: false, children: [{ type: 'paragraph', children: [text(`item ${i}`)] }] })),
  } as RootContent);
  children.push({
    type: 'table',
    align: [null, null],
    children: Array.from({ length: n }, (_, i) => ({
      type: 'tableRow',
      children: [
        { type: 'tableCell', children: [text(String(i))] },
        { type: 'tableCell', children: [text('x')] },
      ],
    })),
  } as RootContent);
  children.push({ type: 'paragraph', children: Array.from({ length: n }, (_, i) => ({ type: 'emphasis', children: [text(`e${i} `)] })) } as RootContent);
  const bytes = new TextEncoder().encode('huge');
  return {
    root: { type: 'root', children },
    meta: { ...emptyMeta(), title: 'Huge', lang: 'en' },
    frontMatter: {},
    source: { name: 'huge.md', dir: process.cwd(), format: 'markdown', hash: sha256(bytes), bytes: bytes.length },
    assets: {},
    diagnostics: [],
  };
}

export interface ExporterContractOptions {
  /** The plugins needed (the exporter's plugin, plus any it depends on, plus a theme plugin). */
  plugins: readonly PluginSpec[];
  format: string;
  /** Theme id to export with. Default: `default`. */
  theme?: string;
}

async function withHost<T>(plugins: readonly PluginSpec[], fn: (host: Host) => Promise<T>): Promise<T> {
  const host = await createHost({ plugins });
  try {
    return await fn(host);
  } finally {
    await host.close();
  }
}

async function exportDoc(host: Host, format: string, doc: DocumentModel, theme: string): Promise<Uint8Array> {
  const exporter = host.registry.exporters.get(format);
  assert.ok(exporter, `exporter "${format}" is registered`);
  const settings = mergeSettings({ theme });
  return exporter.implementation.export(doc, {
    file: doc.source.name,
    cwd: host.cwd,
    configDir: host.cwd,
    settings,
    config: exporter.plugin.config,
    signal: new AbortController().signal,
    plugin: { id: exporter.plugin.manifest.id, version: exporter.plugin.manifest.version },
    report: () => {},
    progress: () => {},
    importWith: () => Promise.reject(new Error('not available in the contract suite')),
    theme: host.resolveTheme(theme),
  });
}

/** Cases every exporter must pass. */
export function exporterContract(options: ExporterContractOptions): ContractCase[] {
  const theme = options.theme ?? 'default';
  return [
    {
      name: `${options.format}: exports every node type of the model`,
      run: () =>
        withHost(options.plugins, async (host) => {
          const out = await exportDoc(host, options.format, kitchenSinkDocument(), theme);
          assert.ok(out instanceof Uint8Array && out.byteLength > 0, 'non-empty bytes');
        }),
    },
    {
      name: `${options.format}: does not mutate the document it exports`,
      run: () =>
        withHost(options.plugins, async (host) => {
          const doc = deepFreeze(kitchenSinkDocument());
          await exportDoc(host, options.format, doc, theme);
        }),
    },
    {
      name: `${options.format}: exports an empty document`,
      run: () =>
        withHost(options.plugins, async (host) => {
          const doc = kitchenSinkDocument();
          doc.root.children = [];
          const out = await exportDoc(host, options.format, doc, theme);
          assert.ok(out.byteLength > 0);
        }),
    },
    {
      name: `${options.format}: exports concurrently without mixing documents`,
      run: () =>
        withHost(options.plugins, async (host) => {
          const docs = [0, 1, 2, 3].map((i) => {
            const d = kitchenSinkDocument();
            d.meta.title = `Concurrent ${i}`;
            return d;
          });
          const outs = await Promise.all(docs.map((d) => exportDoc(host, options.format, d, theme)));
          assert.equal(outs.length, 4);
          for (const o of outs) assert.ok(o.byteLength > 0);
        }),
    },
  ];
}

export interface ImporterContractOptions {
  plugins: readonly PluginSpec[];
  importer: string;
  /** A representative input for this importer. */
  sample: { name: string; bytes: Uint8Array };
}

/** Cases every importer must pass. */
export function importerContract(options: ImporterContractOptions): ContractCase[] {
  const input = (): SourceInput => ({ name: options.sample.name, dir: process.cwd(), bytes: options.sample.bytes, hash: sha256(options.sample.bytes) });
  return [
    {
      name: `${options.importer}: produces an mdast root with a position on every node`,
      run: () =>
        withHost(options.plugins, async (host) => {
          const result = await host.pipeline().use(`importer:${options.importer}`).run(input());
          assert.equal(result.document.root.type, 'root');
          assert.ok(result.document.root.children.length > 0, 'the sample produces content');
          const missing: string[] = [];
          walk(result.document.root, (node) => {
            if (!node.position) missing.push(node.type);
          });
          assert.deepEqual(missing, [], 'every node has a position');
        }),
    },
    {
      name: `${options.importer}: gives every heading a unique id`,
      run: () =>
        withHost(options.plugins, async (host) => {
          const result = await host.pipeline().use(`importer:${options.importer}`).run(input());
          const ids: string[] = [];
          walk(result.document.root, (node) => {
            if (node.type === 'heading') ids.push(String(node.data?.id));
          });
          assert.equal(new Set(ids).size, ids.length);
        }),
    },
  ];
}

export interface ExporterFixturesOptions {
  plugins: readonly PluginSpec[];
  format: string;
  /** A folder of fixture folders, each with `input.md` and `expect.json`. */
  dir: string;
  /** The host's working directory. */
  cwd?: string;
}

/** What a fixture's `expect.json` always may hold; the rest is the caller's to check. */
export interface FixtureExpectation {
  /** Settings for the export (merged over `{ to: [format] }`). */
  settings?: Record<string, unknown>;
}

export interface FixtureResult<E> {
  /** The exported file. */
  data: Uint8Array;
  result: PipelineResult;
  expectation: E;
}

/**
 * Fixture folders through the public API: one case per folder under `dir`, exporting its
 * `input.md` to `format` (with `expect.json`'s settings), asserting the export did not fail, then
 * handing the output to `check`. The cases share one host, created on first use; call `close()`
 * after the suite (`afterAll(() => fixtures.close())`).
 */
export function exporterFixtures<E extends FixtureExpectation>(
  options: ExporterFixturesOptions,
): { cases(check: (fixture: FixtureResult<E>) => void | Promise<void>): ContractCase[]; close(): Promise<void> } {
  let host: Promise<Host> | undefined;
  const hostOf = () => {
    host ??= createHost({ plugins: options.plugins, ...(options.cwd ? { cwd: options.cwd } : {}) });
    return host;
  };
  return {
    cases: (check) =>
      readdirSync(options.dir).map((name) => ({
        name,
        run: async () => {
          const folder = join(options.dir, name);
          const expectation = JSON.parse(readFileSync(join(folder, 'expect.json'), 'utf8')) as E;
          const path = join(folder, 'input.md');
          const bytes = new Uint8Array(readFileSync(path));
          const result = await (await hostOf())
            .exportPipeline([options.format])
            .run({ name: path, dir: folder, bytes, hash: sha256(bytes) }, { settings: [{ to: [options.format], ...expectation.settings }] });
          assert.deepEqual(result.failures, [], 'the export did not fail');
          const data = result.outputs[0]?.data;
          assert.ok(data, `an ${options.format} output`);
          await check({ data, result, expectation });
        },
      })),
    close: async () => {
      if (host) await (await host).close();
    },
  };
}

// ── Checker and transform contracts ──────────────────────────────────────────────────────────
// Added with `export-ia create-plugin` (packages/cli/src/create-command.ts), whose generated
// checkers and transforms run them, as the built-in ones can.

export interface CheckerContractOptions {
  /** The plugins needed (the checker's plugin, plus any it depends on). */
  plugins: readonly PluginSpec[];
  checker: string;
  /** A document with something this checker reports (`rule`): the finding must carry a position. */
  sample?: { document: DocumentModel; rule: string };
}

function stepContextOf(host: Host, component: { plugin: { config: Readonly<Record<string, unknown>>; manifest: { id: string; version: string } } }) {
  return {
    file: 'contract',
    cwd: host.cwd,
    configDir: host.cwd,
    settings: mergeSettings(),
    config: component.plugin.config,
    signal: new AbortController().signal,
    plugin: { id: component.plugin.manifest.id, version: component.plugin.manifest.version },
    report: () => {},
    progress: () => {},
    importWith: () => Promise.reject(new Error('not available in the contract suite')),
  };
}

async function checkDoc(host: Host, id: string, doc: DocumentModel): Promise<CheckResult> {
  const checker = host.registry.checkers.get(id);
  assert.ok(checker, `checker "${id}" is registered`);
  const ctx = stepContextOf(host, checker);
  return checker.implementation.check(doc, {
    ...ctx,
    file: doc.source.name,
    language: doc.meta.lang || 'en',
    metrics: {},
    exportWith: (format) => exportDoc(host, format, doc, 'default'),
  });
}

const SEVERITIES = new Set(['error', 'warning', 'suggestion', 'info']);

function assertWellFormed(id: string, result: CheckResult): void {
  assert.ok(Array.isArray(result.findings), 'findings is an array');
  for (const f of result.findings) {
    assert.match(f.rule, new RegExp(`^${id}/[a-z0-9][a-z0-9-]*$`), `rule "${f.rule}" is named <checker>/<rule>`);
    assert.ok(SEVERITIES.has(f.severity), `severity "${f.severity}" is one of error, warning, suggestion, info`);
    assert.ok(typeof f.message === 'string' && f.message.trim() !== '', `${f.rule}: a message`);
    if (f.position) assert.ok(f.position.line >= 1 && f.position.column >= 1, `${f.rule}: 1-based line and column`);
    if (f.fix) assert.ok(f.fix.start >= 0 && f.fix.end >= f.fix.start, `${f.rule}: a fix with start <= end`);
  }
  // Metrics and findings are stored in events and reports, and cross the sandbox as JSON.
  assert.deepEqual(JSON.parse(JSON.stringify(result.findings)), result.findings, 'findings are JSON data');
  if (result.metrics !== undefined) assert.deepEqual(JSON.parse(JSON.stringify(result.metrics)), result.metrics, 'metrics are JSON data');
}

/** Cases every checker must pass. */
export function checkerContract(options: CheckerContractOptions): ContractCase[] {
  const id = options.checker;
  const cases: ContractCase[] = [
    {
      name: `${id}: returns well-formed findings and JSON metrics for every node type`,
      run: () =>
        withHost(options.plugins, async (host) => {
          assertWellFormed(id, await checkDoc(host, id, kitchenSinkDocument()));
        }),
    },
    {
      name: `${id}: does not change the document it checks`,
      run: () =>
        withHost(options.plugins, async (host) => {
          await checkDoc(host, id, deepFreeze(kitchenSinkDocument()));
        }),
    },
    {
      name: `${id}: checks an empty document`,
      run: () =>
        withHost(options.plugins, async (host) => {
          const doc = kitchenSinkDocument();
          doc.root.children = [];
          assertWellFormed(id, await checkDoc(host, id, doc));
        }),
    },
    {
      name: `${id}: gives the same result when documents are checked concurrently`,
      run: () =>
        withHost(options.plugins, async (host) => {
          const alone = await checkDoc(host, id, kitchenSinkDocument());
          const together = await Promise.all([0, 1, 2, 3].map(() => checkDoc(host, id, kitchenSinkDocument())));
          for (const r of together) assert.deepEqual(r, alone);
        }),
    },
  ];
  const sample = options.sample;
  if (sample) {
    cases.push({
      name: `${id}: reports ${sample.rule} in the sample, at a position`,
      run: () =>
        withHost(options.plugins, async (host) => {
          const result = await checkDoc(host, id, sample.document);
          assertWellFormed(id, result);
          const found = result.findings.find((f) => f.rule === sample.rule);
          assert.ok(found, `a ${sample.rule} finding (got: ${result.findings.map((f) => f.rule).join(', ') || 'none'})`);
          assert.ok(found.position && found.position.line >= 1, `${sample.rule} has a position`);
        }),
    });
  }
  return cases;
}

export interface TransformContractOptions {
  /** The plugins needed (the transform's plugin, plus any it depends on). */
  plugins: readonly PluginSpec[];
  transform: string;
}

async function transformDoc(host: Host, id: string, doc: DocumentModel): Promise<DocumentModel> {
  const transform = host.registry.transforms.get(id);
  assert.ok(transform, `transform "${id}" is registered`);
  return transform.implementation.transform(doc, { ...stepContextOf(host, transform), file: doc.source.name });
}

function assertDocument(doc: DocumentModel): void {
  assert.equal(doc?.root?.type, 'root', 'returns a document with an mdast root');
  assert.ok(doc.meta && doc.source && doc.assets && Array.isArray(doc.diagnostics), 'keeps meta, source, assets and diagnostics');
  // A sandboxed transform's document comes back as JSON: the tree must be plain data.
  assert.deepEqual(JSON.parse(JSON.stringify(doc.root)), doc.root, 'the tree is JSON data');
}

/** Cases every transform must pass. */
export function transformContract(options: TransformContractOptions): ContractCase[] {
  const id = options.transform;
  return [
    {
      name: `${id}: transforms every node type of the model`,
      run: () =>
        withHost(options.plugins, async (host) => {
          assertDocument(await transformDoc(host, id, kitchenSinkDocument()));
        }),
    },
    {
      name: `${id}: does not mutate its input (returns a new document)`,
      run: () =>
        withHost(options.plugins, async (host) => {
          assertDocument(await transformDoc(host, id, deepFreeze(kitchenSinkDocument())));
        }),
    },
    {
      name: `${id}: transforms an empty document`,
      run: () =>
        withHost(options.plugins, async (host) => {
          const doc = kitchenSinkDocument();
          doc.root.children = [];
          assertDocument(await transformDoc(host, id, doc));
        }),
    },
    {
      name: `${id}: transforms concurrently without mixing documents`,
      run: () =>
        withHost(options.plugins, async (host) => {
          const docs = [0, 1, 2, 3].map((i) => {
            const d = kitchenSinkDocument();
            d.meta.title = `Concurrent ${i}`;
            d.source = { ...d.source, name: `concurrent-${i}.md` };
            return d;
          });
          const outs = await Promise.all(docs.map((d) => transformDoc(host, id, d)));
          outs.forEach((o, i) => {
            assertDocument(o);
            assert.equal(o.source.name, `concurrent-${i}.md`);
          });
        }),
    },
  ];
}

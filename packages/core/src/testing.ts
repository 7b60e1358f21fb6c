/**
 * `@export-ia/core/testing` — contract suites every implementation of a component kind must
 * pass, built-in or third-party. They are runner-agnostic: each case is `{ name, run }` and
 * throws (node:assert) on failure, so any test runner can register them:
 *
 * ```ts
 * for (const c of exporterContract({ plugins: [myPluginDir], format: 'epub' })) it(c.name, c.run);
 * ```
 *
 * Document components: `importerContract`, `exporterContract`, `checkerContract`,
 * `transformContract`. Video clipping steps: `transcriberContract`, `detectorContract`,
 * `scorerContract`, `captionerContract`, with the inputs they use (`wavBytes`, `pcmSamples`,
 * `rgbFrame`, `sampleScoreInput`, `sampleCaptionInput`).
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
import type {
  Candidate,
  CandidateScore,
  CaptionInput,
  CaptionLine,
  CaptionStyle,
  ScoreInput,
  Sentence,
  SubjectBox,
  VideoFrame,
  VideoStepContext,
  Word,
} from './plugins/video-contracts.js';
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

// ── Video step contracts ─────────────────────────────────────────────────────────────────────
// What `export-ia clip` requires of a plugin's transcriber, detector, scorer and captioner: the
// shapes the clip engine checks on every answer (packages/video/src/steps.ts: checkWords,
// checkBoxes, checkScores, checkAss), asked of the step here, with the inputs it will really get.
// Generated by `export-ia create-plugin --type transcriber|detector|scorer|captioner`, whose tests
// run them.

/** A part of a generated sound: `seconds` of a sine (`frequency`, Hz) at `amplitude` (0…1), or of silence. */
export interface SoundPart {
  seconds: number;
  frequency?: number;
  /** 0…1 of full scale. Default 0.5 with a frequency, 0 without. */
  amplitude?: number;
}

/** 16-bit samples of the parts, one after the other (16 kHz unless `rate`). */
export function pcmSamples(parts: readonly SoundPart[], rate = 16_000): Int16Array {
  const lengths = parts.map((p) => Math.round(p.seconds * rate));
  const samples = new Int16Array(lengths.reduce((a, b) => a + b, 0));
  let at = 0;
  parts.forEach((part, i) => {
    const amplitude = part.frequency ? (part.amplitude ?? 0.5) : 0;
    const n = lengths[i] as number;
    for (let k = 0; k < n; k++) samples[at + k] = Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * (part.frequency ?? 0) * k) / rate));
    at += n;
  });
  return samples;
}

/** A mono 16-bit PCM WAV file (a transcriber gets 16 kHz mono 16-bit, as written here). */
export function wavBytes(samples: Int16Array, rate = 16_000): Uint8Array {
  const bytes = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < text.length; i++) view.setUint8(at + i, text.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(44 + i * 2, samples[i] as number, true);
  return bytes;
}

/** A frame of `width × height` RGB pixels, each from `paint` (default black). */
export function rgbFrame(
  width: number,
  height: number,
  paint: (x: number, y: number) => readonly [number, number, number] = () => [0, 0, 0],
  t = 0,
): VideoFrame {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = paint(x, y);
      const at = (y * width + x) * 3;
      rgb[at] = r;
      rgb[at + 1] = g;
      rgb[at + 2] = b;
    }
  }
  return { t, width, height, rgb };
}

const TALK = [
  'Our pricing changed three times this year.',
  'Why did the first launch fail?',
  'Nobody expected a 40% drop in a week!',
  'We rebuilt the onboarding from scratch.',
  'Here is what we learned about c++ build times.',
  'Let me show you the numbers.',
  'It is simpler than it looks.',
  'Übrigens: the same works for a naïve café owner — really.',
];

export interface SampleScoreOptions {
  /** Number of candidates (each one to three sentences). Default 6. */
  candidates?: number;
  /** Add scene cuts, as on the second call (the shortlist). Default false. */
  scenes?: boolean;
  keywords?: string[];
}

/**
 * What a scorer gets for a synthetic talk: sentences of a fixed script (a question, a number, an
 * exclamation, non-ASCII words) with word times, loudness per second, pauses, and candidates of
 * one to three sentences; with `scenes`, cuts every 7 s as on the shortlist call.
 */
export function sampleScoreInput(options: SampleScoreOptions = {}): ScoreInput {
  const count = options.candidates ?? 6;
  const words: Word[] = [];
  const sentences: Sentence[] = [];
  const silences: { start: number; end: number }[] = [];
  let t = 0.5;
  for (let s = 0; s < count + 2; s++) {
    const text = TALK[s % TALK.length] as string;
    const first = words.length;
    const start = t;
    for (const w of text.split(' ')) {
      words.push({ text: w, start: Math.round(t * 1000) / 1000, end: Math.round((t + 0.3) * 1000) / 1000 });
      t += 0.35;
    }
    sentences.push({ text, start, end: words[words.length - 1]?.end ?? start, wordStart: first, wordEnd: words.length });
    silences.push({ start: t, end: t + 0.6 });
    t += 0.6;
  }
  const candidates: Candidate[] = Array.from({ length: count }, (_, i) => {
    const last = i + 1 + (i % 3);
    const run = sentences.slice(i, last);
    return {
      start: run[0]?.start ?? 0,
      end: run[run.length - 1]?.end ?? 0,
      sentenceStart: i,
      sentenceEnd: last,
      text: run.map((x) => x.text).join(' '),
    };
  });
  const seconds = Math.ceil(t);
  const loudness = Array.from({ length: seconds }, (_, i) => Math.round((-23 + 6 * Math.sin(i / 3)) * 10) / 10);
  return {
    candidates,
    transcript: { language: 'en', source: 'contract', words, sentences },
    audio: { silences, loudness, integrated: -23 },
    ...(options.scenes
      ? { scenes: { scanned: candidates.map((c) => ({ start: c.start, end: c.end })), cuts: Array.from({ length: Math.floor(t / 7) }, (_, i) => 7 * (i + 1)) } }
      : {}),
    language: 'en',
    keywords: options.keywords ?? [],
  };
}

interface RegisteredStep<I> {
  implementation: I;
  plugin: { config: Readonly<Record<string, unknown>>; manifest: { id: string; version: string } };
}

/** The context the clip engine gives a step; what it reports is kept in `reports`. */
function videoContextOf(host: Host, step: RegisteredStep<unknown>, options: Record<string, unknown>, reports: unknown[]): VideoStepContext {
  return {
    file: 'contract.mp4',
    cwd: host.cwd,
    configDir: host.cwd,
    config: step.plugin.config,
    options,
    signal: new AbortController().signal,
    plugin: { id: step.plugin.manifest.id, version: step.plugin.manifest.version },
    report: (d) => {
      reports.push(d);
    },
    progress: () => {},
  };
}

function assertReports(reports: readonly unknown[]): void {
  for (const d of reports) {
    const r = d as { code?: unknown; message?: unknown };
    assert.ok(typeof r?.code === 'string' && typeof r.message === 'string', 'report() gets diagnostics ({ code, message }: use diagnostic())');
  }
}

const finiteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The most words the clip engine keeps per piece: 12 a second, at least 20 (more is trimmed with a warning). */
const MAX_WORDS_PER_SECOND = 12;
// Rounding of times (ms) by a recogniser is fine.
const EPSILON = 1e-6;

/** What the clip engine requires of a transcriber's answer for a piece (steps.ts checkWords). */
function assertWords(words: unknown, offset: number, duration: number): void {
  assert.ok(Array.isArray(words), 'transcribe() answers a list of words');
  const max = Math.max(20, Math.ceil(duration * MAX_WORDS_PER_SECOND));
  assert.ok(words.length <= max, `at most ${max} words for ${duration} s (${MAX_WORDS_PER_SECOND} a second): got ${words.length}`);
  words.forEach((w: unknown, i) => {
    const word = w as Partial<Word> | null;
    assert.ok(typeof word === 'object' && word !== null && typeof word.text === 'string', `word ${i} is { text: string, start, end }`);
    assert.ok(finiteNumber(word.start) && finiteNumber(word.end), `word ${i} ("${word.text}") has finite start and end`);
    assert.ok(word.start <= word.end, `word ${i} ("${word.text}"): start ${word.start} <= end ${word.end}`);
    assert.ok(
      word.start >= offset - EPSILON && word.end <= offset + duration + 1 + EPSILON,
      `word ${i} ("${word.text}") at ${word.start}–${word.end} s is inside its piece, ${offset}–${offset + duration} s (times are the video's: add input.offset)`,
    );
    if (word.confidence !== undefined) assert.ok(finiteNumber(word.confidence) && word.confidence >= 0 && word.confidence <= 1, `word ${i}: confidence 0…1`);
  });
}

export interface TranscriberContractOptions {
  /** The plugins needed (the transcriber's plugin, plus any it depends on). */
  plugins: readonly PluginSpec[];
  transcriber: string;
  /** The spoken language given to `available()` and `transcribe()`. Default `en`. */
  language?: string;
  /** `ctx.options`: the job's `clip.asr` section (`model`, `url`…), for a transcriber that needs one. */
  options?: Record<string, unknown>;
}

interface Piece {
  name: string;
  offset: number;
  parts: SoundPart[];
  /** Hand the WAV over as a view into a larger buffer (as a Node Buffer often is). */
  view?: boolean;
}

const PIECES: readonly Piece[] = [
  { name: 'two seconds of silence', offset: 0, parts: [{ seconds: 2 }] },
  { name: 'a tone between two silences', offset: 0, parts: [{ seconds: 0.5 }, { seconds: 1, frequency: 440 }, { seconds: 0.5 }] },
  {
    name: 'a piece that starts 95.5 s into the video, handed over as a view into a larger buffer',
    offset: 95.5,
    view: true,
    parts: [
      { seconds: 0.3 },
      { seconds: 0.8, frequency: 220, amplitude: 0.3 },
      { seconds: 0.4 },
      { seconds: 0.6, frequency: 330, amplitude: 0.6 },
      { seconds: 0.2 },
    ],
  },
  { name: 'a piece of 50 ms', offset: 12, parts: [{ seconds: 0.05, frequency: 440 }] },
];

/** The WAV of a piece: its own bytes, or a view with other bytes around it. */
function pieceAudio(piece: Piece): Uint8Array {
  const wav = wavBytes(pcmSamples(piece.parts));
  if (!piece.view) return wav;
  const buffer = new Uint8Array(wav.length + 16).fill(0x7f);
  buffer.set(wav, 8);
  return buffer.subarray(8, 8 + wav.length);
}

/** Cases every transcriber must pass. */
export function transcriberContract(options: TranscriberContractOptions): ContractCase[] {
  const id = options.transcriber;
  const language = options.language ?? 'en';
  const stepOf = (host: Host) => {
    const step = host.registry.transcribers.get(id);
    assert.ok(step, `transcriber "${id}" is registered (declared in videoSteps with kind "transcriber", registered with api.transcriber)`);
    return step;
  };
  /** `available()`'s answer (`{ ok: true }` without one), checked. */
  const availability = async (host: Host, reports: unknown[]) => {
    const step = stepOf(host);
    if (!step.implementation.available) return { ok: true as const };
    const status = await step.implementation.available(language, videoContextOf(host, step, options.options ?? {}, reports));
    assert.ok(typeof status === 'object' && status !== null && typeof status.ok === 'boolean', 'available() answers { ok: boolean }');
    if (!status.ok)
      assert.ok(typeof status.reason === 'string' && status.reason.trim() !== '', 'available() says why it is not available ({ ok: false, reason })');
    return status;
  };
  const cases: ContractCase[] = [
    {
      name: `${id}: available() answers { ok: true } or { ok: false, reason }`,
      run: () =>
        withHost(options.plugins, async (host) => {
          const reports: unknown[] = [];
          await availability(host, reports);
          assertReports(reports);
        }),
    },
  ];
  for (const piece of PIECES) {
    cases.push({
      name: `${id}: transcribes ${piece.name}: words with finite times inside the piece, the input unchanged`,
      run: () =>
        withHost(options.plugins, async (host) => {
          const reports: unknown[] = [];
          // What the clip engine honours: a transcriber that is not available here is not called.
          if (!(await availability(host, reports)).ok) return;
          const step = stepOf(host);
          const audio = pieceAudio(piece);
          const before = audio.slice();
          const duration = piece.parts.reduce((a, p) => a + Math.round(p.seconds * 16_000), 0) / 16_000;
          const words = await step.implementation.transcribe(
            { audio, offset: piece.offset, duration, language },
            videoContextOf(host, step, options.options ?? {}, reports),
          );
          assertWords(words, piece.offset, duration);
          assert.deepEqual(audio, before, 'the audio it was given is unchanged');
          assertReports(reports);
        }),
    });
  }
  return cases;
}

/** What the clip engine requires of a detector's answer (steps.ts checkBoxes), and the contract's 0…1 frame coordinates. */
function assertBoxes(boxes: unknown): asserts boxes is SubjectBox[] {
  assert.ok(Array.isArray(boxes), 'detect() answers a list of boxes');
  boxes.forEach((b: unknown, i) => {
    const box = b as Partial<SubjectBox> | null;
    assert.ok(typeof box === 'object' && box !== null, `box ${i} is { x, y, w, h, score }`);
    for (const key of ['x', 'y', 'w', 'h', 'score'] as const) {
      const v = box[key];
      assert.ok(finiteNumber(v) && v >= 0 && v <= 1, `box ${i}: ${key} is a finite number in 0…1 (normalised to the frame), got ${v}`);
    }
    const { x, y, w, h } = box as SubjectBox;
    assert.ok(w > 0 && h > 0, `box ${i} has a size (w and h > 0)`);
    assert.ok(x + w <= 1 + EPSILON && y + h <= 1 + EPSILON, `box ${i} is inside the frame (x + w <= 1, y + h <= 1)`);
    if (box.mouth !== undefined) assert.ok(finiteNumber(box.mouth) && box.mouth >= 0, `box ${i}: mouth is a finite number >= 0`);
  });
}

export interface DetectorContractOptions {
  /** The plugins needed (the detector's plugin, plus any it depends on). */
  plugins: readonly PluginSpec[];
  detector: string;
  /** A frame with a subject in it: the centre of the most confident box must fall inside `subject` (0…1 of the frame). */
  sample?: { frame: VideoFrame; subject: { x: number; y: number; w: number; h: number } };
}

/** Deterministic noise, so a failure can be reproduced. */
function noiseFrame(width: number, height: number): VideoFrame {
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed >>> 16) & 0xff;
  };
  return rgbFrame(width, height, () => [next(), next(), next()], 3);
}

/** Cases every detector must pass. */
export function detectorContract(options: DetectorContractOptions): ContractCase[] {
  const id = options.detector;
  const detect = async (host: Host, frame: VideoFrame) => {
    const step = host.registry.detectors.get(id);
    assert.ok(step, `detector "${id}" is registered (declared in videoSteps with kind "detector", registered with api.detector)`);
    const reports: unknown[] = [];
    const before = frame.rgb.slice();
    const boxes = await step.implementation.detect(frame, videoContextOf(host, step, {}, reports));
    assert.deepEqual(frame.rgb, before, 'the frame it was given is unchanged');
    assertReports(reports);
    assertBoxes(boxes);
    return boxes;
  };
  const frames: Array<[string, () => VideoFrame]> = [
    ['a black frame', () => rgbFrame(64, 36)],
    ['a black frame with a bright square', () => rgbFrame(160, 90, (x, y) => (x >= 60 && x < 100 && y >= 25 && y < 65 ? [255, 255, 255] : [0, 0, 0]), 1)],
    ['a 2×2 frame', () => rgbFrame(2, 2, () => [128, 128, 128], 2)],
    ['an odd-sized frame of noise (641×361)', () => noiseFrame(641, 361)],
  ];
  const cases: ContractCase[] = frames.map(([name, frame]) => ({
    name: `${id}: answers boxes inside the frame, with finite 0…1 numbers, for ${name}`,
    run: () =>
      withHost(options.plugins, async (host) => {
        await detect(host, frame());
      }),
  }));
  const sample = options.sample;
  if (sample) {
    cases.push({
      name: `${id}: finds the subject of the sample`,
      run: () =>
        withHost(options.plugins, async (host) => {
          const boxes = await detect(host, sample.frame);
          assert.ok(boxes.length > 0, 'at least one box');
          const best = boxes.reduce((a, b) => (b.score > a.score ? b : a));
          const cx = best.x + best.w / 2;
          const cy = best.y + best.h / 2;
          const s = sample.subject;
          assert.ok(
            cx >= s.x && cx <= s.x + s.w && cy >= s.y && cy <= s.y + s.h,
            `the best box's centre (${cx.toFixed(3)}, ${cy.toFixed(3)}) is on the subject`,
          );
        }),
    });
  }
  return cases;
}

/** What the clip engine requires of a scorer's answer (steps.ts checkScores): one score per candidate, in their order. */
function assertScores(scores: unknown, count: number): asserts scores is CandidateScore[] {
  assert.ok(Array.isArray(scores), 'score() answers a list');
  assert.equal(scores.length, count, `one score per candidate: ${count}`);
  scores.forEach((s: unknown, i) => {
    const score = s as Partial<CandidateScore> | null;
    assert.ok(typeof score === 'object' && score !== null, `score ${i} is { score, reasons }`);
    assert.ok(finiteNumber(score.score) && score.score >= 0 && score.score <= 100, `score ${i}: a finite number in 0…100, got ${score.score}`);
    assert.ok(Array.isArray(score.reasons), `score ${i}: reasons is a list`);
    score.reasons.forEach((r, k) => {
      assert.ok(
        typeof r === 'object' && r !== null && typeof r.factor === 'string' && typeof r.detail === 'string',
        `score ${i}, reason ${k}: factor and detail are strings`,
      );
      assert.ok(finiteNumber(r.value) && r.value >= 0 && r.value <= 1, `score ${i}, reason ${k} (${r.factor}): value is a finite number in 0…1`);
      assert.ok(finiteNumber(r.weight) && r.weight >= 0, `score ${i}, reason ${k} (${r.factor}): weight is a finite number >= 0`);
    });
  });
}

export interface ScorerContractOptions {
  /** The plugins needed (the scorer's plugin, plus any it depends on). */
  plugins: readonly PluginSpec[];
  scorer: string;
  /** `ctx.options` (`{ weights }` from the job), when the scorer reads them. */
  options?: Record<string, unknown>;
}

/** Cases every scorer must pass. */
export function scorerContract(options: ScorerContractOptions): ContractCase[] {
  const id = options.scorer;
  const score = async (host: Host, input: ScoreInput) => {
    const step = host.registry.scorers.get(id);
    assert.ok(step, `scorer "${id}" is registered (declared in videoSteps with kind "scorer", registered with api.scorer)`);
    const reports: unknown[] = [];
    const scores = await step.implementation.score(input, videoContextOf(host, step, options.options ?? {}, reports));
    assertReports(reports);
    assertScores(scores, input.candidates.length);
    return scores;
  };
  const inputs: Array<[string, () => ScoreInput]> = [
    ['no candidates', () => sampleScoreInput({ candidates: 0 })],
    ['one candidate', () => sampleScoreInput({ candidates: 1 })],
    [
      '40 candidates, with keywords that are not plain words (c++, "a.b (beta)")',
      () => sampleScoreInput({ candidates: 40, keywords: ['pricing', 'c++', 'a.b (beta)'] }),
    ],
    ['the shortlist with its scene cuts (the second call)', () => sampleScoreInput({ candidates: 5, scenes: true, keywords: ['launch'] })],
    ['a deep-frozen input (it must not change what it is given)', () => deepFreeze(sampleScoreInput({ candidates: 8, scenes: true }))],
  ];
  return inputs.map(([name, input]) => ({
    name: `${id}: answers one score (0…100, with reasons) per candidate for ${name}`,
    run: () =>
      withHost(options.plugins, async (host) => {
        await score(host, input());
      }),
  }));
}

/** The caption style of `export-ia clip` without `--caption-style`: the bundled Source Sans 3, white, the spoken word yellow. */
const SAMPLE_CAPTION_STYLE: Readonly<CaptionStyle> = Object.freeze({
  font: 'Source Sans 3',
  size: 0.048,
  color: '#FFFFFF',
  highlightColor: '#FFE600',
  outlineColor: '#000000',
  outline: 0.1,
  bold: true,
  uppercase: false,
  position: 0.7,
  maxWords: 3,
});

/**
 * The safe area the clip job gives for an output size: on vertical video (taller than 3:2) the
 * platforms' buttons cover the top 10 %, the bottom 20 % and the right edge; elsewhere 5 %.
 */
function sampleSafeArea(width: number, height: number): CaptionInput['safeArea'] {
  return height / width > 1.5 ? { top: 0.1, bottom: 0.2, side: 0.11 } : { top: 0.05, bottom: 0.05, side: 0.06 };
}

export interface SampleCaptionOptions {
  /** Caption lines. Default 8 (ignored with `text`). */
  lines?: number;
  /** The words of each line, instead of the sample talk's: one list per line. */
  text?: readonly (readonly string[])[];
  /** The clip's length, seconds; the lines are spread evenly over it. Default 2 s a line, at least 1 s. */
  duration?: number;
  /** Output size, pixels. Default 1080 × 1920 (vertical). */
  width?: number;
  height?: number;
  /** Default `karaoke`. */
  mode?: CaptionInput['mode'];
  /** Changes to the default caption style. */
  style?: Partial<CaptionStyle>;
}

// Words per line, in turn (at most the style's `maxWords`): lines of different lengths, one alone.
const WORDS_PER_LINE = [3, 2, 3, 1, 2, 4];

const ms = (t: number) => Math.round(t * 1000) / 1000;

/**
 * What a captioner gets for one clip of a synthetic talk: caption lines of one to four words
 * (words with punctuation, `c++`, `40%`, non-ASCII letters) spread evenly over the clip, each
 * word inside its line, in clip time; the output size, the safe area the clip job gives for it,
 * the default caption style and its font family.
 */
export function sampleCaptionInput(options: SampleCaptionOptions = {}): CaptionInput {
  const style: CaptionStyle = { ...SAMPLE_CAPTION_STYLE, ...options.style };
  const talk = TALK.flatMap((s) => s.split(' '));
  const perLine = (i: number) => Math.min(WORDS_PER_LINE[i % WORDS_PER_LINE.length] as number, Math.max(1, Math.min(4, style.maxWords)));
  let next = 0;
  const text =
    options.text ?? Array.from({ length: options.lines ?? 8 }, (_, i) => Array.from({ length: perLine(i) }, () => talk[next++ % talk.length] as string));
  const duration = options.duration ?? Math.max(1, text.length * 2);
  const slot = text.length > 0 ? duration / text.length : duration;
  const lines: CaptionLine[] = text.map((words, i) => {
    const start = ms(i * slot);
    const end = i === text.length - 1 ? duration : ms((i + 1) * slot);
    // Each word a share of 90 % of the line, spoken for 85 % of its share.
    const share = ((end - start) * 0.9) / Math.max(1, words.length);
    return {
      start,
      end,
      words: words.map((word, k) => ({ text: word, start: ms(start + k * share), end: ms(start + k * share + share * 0.85) })),
    };
  });
  const width = options.width ?? 1080;
  const height = options.height ?? 1920;
  return {
    lines,
    width,
    height,
    mode: options.mode ?? 'karaoke',
    style,
    fontFamily: style.font,
    safeArea: sampleSafeArea(width, height),
    duration,
  };
}

/** The largest caption script the clip job accepts, bytes, and its longest line. */
const MAX_ASS_BYTES = 2 * 1024 * 1024;
const MAX_ASS_LINE = 8000;
/** An event time: `H:MM:SS.cc`. */
const ASS_TIME = /^(\d+):([0-5]\d):([0-5]\d)\.(\d\d)$/;
/** The fields of an event when `[Events]` has no `Format` line. */
const EVENT_FIELDS = ['layer', 'start', 'end', 'style', 'name', 'marginl', 'marginr', 'marginv', 'effect', 'text'];

/** One `Dialogue` event of a caption script: its times (seconds) and its text field. */
interface AssEvent {
  line: number;
  start: number;
  end: number;
  text: string;
}

/** A `Dialogue:` line's fields by its section's `Format`: the text is everything after the last comma the format counts. */
function parseDialogue(body: string, fields: readonly string[], line: number, duration: number): AssEvent {
  const at = (name: string) => fields.indexOf(name);
  assert.ok(
    at('start') >= 0 && at('end') >= 0 && at('text') === fields.length - 1,
    `the [Events] Format line names Start, End and Text (last): ${fields.join(', ')}`,
  );
  const values: string[] = [];
  let rest = body;
  for (let i = 0; i < fields.length - 1; i++) {
    const comma = rest.indexOf(',');
    assert.ok(comma >= 0, `line ${line}: a Dialogue event has the ${fields.length} fields of its Format line`);
    values.push(rest.slice(0, comma).trim());
    rest = rest.slice(comma + 1);
  }
  const time = (name: string): number => {
    const value = values[at(name)] ?? '';
    const match = ASS_TIME.exec(value);
    assert.ok(match, `line ${line}: the ${name} time "${value}" is H:MM:SS.cc`);
    const [, h, m, s, cs] = match.map(Number) as number[];
    const seconds = (h as number) * 3600 + (m as number) * 60 + (s as number) + (cs as number) / 100;
    assert.ok(seconds >= 0 && seconds <= duration + 1, `line ${line}: the ${name} time ${value} is inside the ${duration} s clip (0 … its end + 1 s)`);
    return seconds;
  };
  const start = time('start');
  const end = time('end');
  assert.ok(start <= end, `line ${line}: the event starts (${values[at('start')]}) before it ends (${values[at('end')]})`);
  return { line, start, end, text: rest };
}

/**
 * What the clip job requires of a caption script (steps.ts checkAss): text without NUL, at most
 * 2 MB, `[Script Info]` and `[Events]` headers, lines of at most 8000 characters outside
 * `[Fonts]`/`[Graphics]` (which the job removes), at most 40 events a second and 200 more; and
 * what libass needs to show them in the clip: event times `H:MM:SS.cc` inside it.
 */
function assertAssScript(script: unknown, duration: number): AssEvent[] {
  assert.ok(typeof script === 'string', 'captions() answers the text of an ASS script (a string)');
  const bytes = Buffer.byteLength(script);
  assert.ok(bytes <= MAX_ASS_BYTES, `the script is at most ${MAX_ASS_BYTES} bytes: got ${bytes}`);
  assert.ok(!script.includes('\0'), 'the script holds no NUL character');
  assert.ok(/^\s*\[Script Info\]\s*$/im.test(script), 'the script has its [Script Info] section header');
  assert.ok(/^\s*\[Events\]\s*$/im.test(script), 'the script has its [Events] section header');
  const events: AssEvent[] = [];
  let section = '';
  let fields = EVENT_FIELDS;
  script.split(/\r?\n/).forEach((text, i) => {
    const header = /^\s*\[([^\]]*)\]\s*$/.exec(text);
    if (header) section = (header[1] ?? '').trim().toLowerCase();
    if (section === 'fonts' || section === 'graphics') return;
    assert.ok(text.length <= MAX_ASS_LINE, `line ${i + 1} is at most ${MAX_ASS_LINE} characters (shorten a word too long for a caption): got ${text.length}`);
    const format = /^\s*Format\s*:(.*)$/i.exec(text);
    if (format && section === 'events') fields = (format[1] ?? '').split(',').map((f) => f.trim().toLowerCase());
    const dialogue = /^\s*Dialogue\s*:(.*)$/i.exec(text);
    if (dialogue) events.push(parseDialogue(dialogue[1] ?? '', fields, i + 1, duration));
  });
  const max = Math.ceil(duration * 40) + 200;
  assert.ok(events.length <= max, `at most ${max} Dialogue events for a ${duration} s clip (40 a second and 200 more): got ${events.length}`);
  return events;
}

/**
 * An event's text as libass reads it: override blocks `{…}` apart, and the text shown. Outside a
 * block, `\{` and `\}` are braces, `\N` and `\n` line breaks, `\h` a space, any other backslash
 * itself. A `{` without its `}` hides the rest (the stricter reading, for the checks).
 */
function assText(text: string): { shown: string; overrides: string[] } {
  let shown = '';
  const overrides: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '{') {
      const close = text.indexOf('}', i + 1);
      overrides.push(text.slice(i + 1, close < 0 ? text.length : close));
      i = close < 0 ? text.length : close + 1;
    } else if (c === '\\') {
      const n = text[i + 1] ?? '';
      const special: Record<string, string> = { '{': '{', '}': '}', N: '\n', n: '\n', h: ' ' };
      shown += special[n] ?? '\\';
      i += n in special ? 2 : 1;
    } else {
      shown += c;
      i++;
    }
  }
  return { shown, overrides };
}

// Characters a captioner may put inside a word to keep it literal (the word joiner after a backslash).
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;
/** Text compared as shown: invisible joiners dropped, spaces collapsed, case ignored (a style may upper-case). */
const asShown = (text: string) => text.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim().normalize('NFC').toUpperCase();

const shortText = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}… (${text.length} characters)` : text);

/** Every word of the lines (or its first `prefix` characters) is in the text an event shows, not inside an override block. */
function assertWordsShown(events: readonly AssEvent[], lines: readonly CaptionLine[], prefix = Number.POSITIVE_INFINITY): void {
  const shown = asShown(events.map((e) => assText(e.text).shown).join('\n'));
  for (const line of lines) {
    for (const word of line.words) {
      const wanted = asShown(word.text.slice(0, prefix));
      assert.ok(
        shown.includes(wanted),
        `the word "${shortText(word.text)}" (line at ${line.start} s) is shown: in the text of a Dialogue event, not in an override block {…} (escape \\ { } in words)`,
      );
    }
  }
}

// Caption text comes from transcripts and subtitle files: none of it may become an override tag.
const LONG_WORD = `{\\fs200}${'o'.repeat(9992)}`;
const HOSTILE_TEXT: readonly (readonly string[])[] = [['{\\fs200}', 'said'], ['\\N', '}{', 'a\\hb'], ['{\\1c&H123456&}red', 'end\\'], [LONG_WORD], ['after']];

export interface CaptionerContractOptions {
  /** The plugins needed (the captioner's plugin, plus any it depends on). */
  plugins: readonly PluginSpec[];
  captioner: string;
  /** Changes to the default caption style, for every case (a brand's style). */
  style?: Partial<CaptionStyle>;
}

/** Cases every captioner must pass. */
export function captionerContract(options: CaptionerContractOptions): ContractCase[] {
  const id = options.captioner;
  const sample = (o: SampleCaptionOptions) => sampleCaptionInput({ ...o, style: { ...options.style, ...o.style } });
  const caption = async (host: Host, input: CaptionInput): Promise<{ script: string; events: AssEvent[] }> => {
    const step = host.registry.captioners.get(id);
    assert.ok(step, `captioner "${id}" is registered (declared in videoSteps with kind "captioner", registered with api.captioner)`);
    const reports: unknown[] = [];
    const before = structuredClone(input);
    const script = await step.implementation.captions(input, videoContextOf(host, step, {}, reports));
    assert.deepEqual(input, before, 'the input it was given is unchanged');
    assertReports(reports);
    const events = assertAssScript(script, input.duration);
    return { script: script as string, events };
  };
  const inputs: Array<[string, () => CaptionInput]> = [
    ['no caption lines', () => sample({ lines: 0, duration: 10 })],
    ['one line', () => sample({ lines: 1, duration: 2 })],
    ['180 lines in 60 s (3 a second)', () => sample({ lines: 180, duration: 60 })],
    ['karaoke at 720×1280', () => sample({ lines: 10, width: 720, height: 1280 })],
    ['plain lines at 1080×1920', () => sample({ lines: 10, mode: 'plain' })],
    [
      'plain lines at 1920×1080 (landscape, its own safe area), in capitals',
      () => sample({ lines: 6, mode: 'plain', width: 1920, height: 1080, style: { uppercase: true } }),
    ],
    ['four words a line', () => sample({ lines: 12, style: { maxWords: 4 } })],
    ['a deep-frozen input (it must not change what it is given)', () => deepFreeze(sample({ lines: 8 }))],
  ];
  const cases: ContractCase[] = inputs.map(([name, input]) => ({
    name: `${id}: answers an ASS script the clip job accepts, every word shown, for ${name}`,
    run: () =>
      withHost(options.plugins, async (host) => {
        const given = input();
        const { events } = await caption(host, given);
        assertWordsShown(events, given.lines);
      }),
  }));
  for (const mode of ['karaoke', 'plain'] as const) {
    cases.push({
      name: `${id}: shows hostile words as text, never as override tags ({\\fs200}, \\N, }{, a word of 10 000 characters), ${mode}`,
      run: () =>
        withHost(options.plugins, async (host) => {
          const given = sample({ text: HOSTILE_TEXT, mode, duration: 8 });
          const { script, events } = await caption(host, given);
          assert.ok(!script.toUpperCase().includes('{\\FS200}'), 'the word "{\\fs200}" is escaped: the script holds no "{\\fs200}" override block');
          for (const e of events) {
            for (const block of assText(e.text).overrides)
              assert.ok(!/H123456/i.test(block), `line ${e.line}: the word "{\\1c&H123456&}red" became an override tag: {${shortText(block)}}`);
          }
          // A word too long for a line may be shortened, but its beginning is shown.
          const long = given.lines.filter((l) => l.words.some((w) => w.text === LONG_WORD));
          assertWordsShown(
            events,
            given.lines.filter((l) => !long.includes(l)),
          );
          assertWordsShown(events, long, 20);
        }),
    });
  }
  return cases;
}

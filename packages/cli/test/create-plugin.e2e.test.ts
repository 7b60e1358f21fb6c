/**
 * `create-plugin` and `create-component` end to end, as a plugin author uses them: for each
 * component type, generate a plugin, run its own `build` and `test` scripts (tsc, then node --test
 * with the kind's contract suite), then load it through the real CLI from a config file — so it
 * runs sandboxed — and check what it does to a document. Then `create-component` adds a second
 * component that builds, passes and loads, and a generated plugin installs with
 * `plugins install`. The four video steps (transcriber, detector, scorer, captioner) make one
 * captioned clip of a synthetic talk together through `export-ia clip`, sandboxed.
 *
 * The generated packages need no network: `<tmp>/node_modules` links to the workspace's, which
 * holds typescript, @types/node and the `@export-ia/core` workspace link. The eight plugins build
 * and test concurrently (tsc takes about a second each).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolation } from '../../core/src/sandbox/sandbox.js';
import { CORE_VERSION } from '../../core/src/version.js';
import { makeTalk } from '../../video/test/fixtures/talk.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(repo, 'packages/cli/bin/export-ia.js');
const can = isolation();

interface Result {
  code: number;
  out: string;
  err: string;
}

/** The CLI, as a user runs it. Where the host cannot sandbox fully, the operator's way out is used. */
function cli(args: string[], cwd: string, env: Record<string, string> = {}, timeout = 60_000): Result {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    input: '',
    env: {
      ...process.env,
      NO_COLOR: '1',
      EXPORT_IA_DATA_DIR: join(cwd, '.data'),
      ...(can.namespaces ? {} : { EXPORT_IA_SANDBOX_NETWORK: 'allow' }),
      ...env,
    },
    timeout,
  });
  return { code: r.status ?? -1, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

/** An npm script of a generated package (npm finds tsc in `<tmp>/node_modules/.bin`). */
function npmRun(script: string, cwd: string): Promise<Result> {
  return new Promise((done) => {
    const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', script], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString('utf8');
    });
    child.on('close', (code) => done({ code: code ?? -1, out, err }));
  });
}

/** Passing tests in node --test's summary (TAP `# pass N`, spec `ℹ pass N`). */
const passed = (out: string) => Number(/^(?:#|ℹ) pass (\d+)$/m.exec(out)?.[1] ?? 0);
const failed = (out: string) => Number(/^(?:#|ℹ) fail (\d+)$/m.exec(out)?.[1] ?? 0);

/** `build` then `test`: what an author runs after `npm install`. */
async function buildAndTest(dir: string): Promise<{ build: Result; test: Result }> {
  const build = await npmRun('build', dir);
  const test = build.code === 0 ? await npmRun('test', dir) : build;
  return { build, test };
}

const PLUGINS = {
  exporter: {
    name: '@acme/export-ia-plugin-exporter-outline',
    folder: 'export-ia-plugin-exporter-outline',
    pluginId: 'exporter-outline',
    component: 'outline',
  },
  importer: { name: 'importer-csv', folder: 'importer-csv', pluginId: 'importer-csv', component: 'csv' },
  checker: { name: 'export-ia-plugin-notes', folder: 'export-ia-plugin-notes', pluginId: 'notes', component: 'notes' },
  transform: { name: 'transform-smart-quotes', folder: 'transform-smart-quotes', pluginId: 'transform-smart-quotes', component: 'smart-quotes' },
  transcriber: {
    name: 'export-ia-plugin-transcriber-pauses',
    folder: 'export-ia-plugin-transcriber-pauses',
    pluginId: 'transcriber-pauses',
    component: 'pauses',
  },
  detector: { name: '@acme/detector-skin', folder: 'detector-skin', pluginId: 'detector-skin', component: 'skin' },
  scorer: { name: 'scorer-topics', folder: 'scorer-topics', pluginId: 'scorer-topics', component: 'topics' },
  captioner: { name: '@acme/captioner-pop', folder: 'captioner-pop', pluginId: 'captioner-pop', component: 'pop' },
} as const;
type Type = keyof typeof PLUGINS;

const DOC = `---
title: Launch plan
---

# Launch plan

Ship it on Monday. TODO confirm the "date" with Ana.

## Risks

It's late -- maybe... Run \`TODO\` first.
`;

let tmp: string;
let project: string;
const ready = new Map<Type, Promise<{ build: Result; test: Result }>>();

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'eia-create-plugin-'));
  symlinkSync(join(repo, 'node_modules'), join(tmp, 'node_modules'), 'dir');
  for (const [type, p] of Object.entries(PLUGINS) as Array<[Type, (typeof PLUGINS)[Type]]>) {
    const r = cli(['create-plugin', p.name, '--type', type], tmp);
    if (r.code !== 0) throw new Error(`create-plugin ${p.name} failed: ${r.err}`);
    ready.set(type, buildAndTest(join(tmp, p.folder)));
  }
  // A project that lists the generated plugins in its config file: they run sandboxed.
  project = join(tmp, 'project');
  mkdirSync(project);
  writeFileSync(
    join(project, 'export-ia.config.yaml'),
    `plugins:\n${Object.values(PLUGINS)
      .map((p) => `  - ../${p.folder}\n`)
      .join('')}`,
  );
  writeFileSync(join(project, 'plan.md'), DOC);
  writeFileSync(join(project, 'cities.csv'), 'city;country;population\nLisbon;Portugal;"545 796"\n"The ""Big"" Apple";USA;8 804 190\n');
});

/** A generated plugin's build and tests: both passed, and tests really ran. */
async function expectGreen(type: Type): Promise<void> {
  const { build, test } = (await ready.get(type)) as { build: Result; test: Result };
  expect(build.code, build.out + build.err).toBe(0);
  expect(test.code, test.out + test.err).toBe(0);
  expect(passed(test.out), test.out).toBeGreaterThanOrEqual(5);
  expect(failed(test.out)).toBe(0);
  // The contract suite is among them.
  expect(test.out).toMatch(/contract/);
}

describe('create-plugin', () => {
  it('writes a complete package: manifest with the core range, TypeScript source, a contract test, README', () => {
    const dir = join(tmp, PLUGINS.exporter.folder);
    for (const f of ['package.json', 'tsconfig.json', '.gitignore', 'README.md', 'src/index.ts', 'src/outline.ts', 'test/outline.test.ts'])
      expect(existsSync(join(dir, f)), f).toBe(true);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      name: '@acme/export-ia-plugin-exporter-outline',
      engines: { 'export-ia': `^${CORE_VERSION}` },
      scripts: { build: 'tsc', test: expect.stringContaining('node --test') },
      exportIa: {
        id: 'exporter-outline',
        apiVersion: 1,
        contributes: { exporters: [{ id: 'outline', extension: '.opml', mediaType: 'text/x-opml' }] },
        permissions: {},
        resources: { memoryMb: 128, timeoutMs: 10000 },
      },
    });
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(['@export-ia/core', '@types/node', 'typescript']);
    expect(readFileSync(join(dir, 'src/index.ts'), 'utf8')).toContain("api.exporter('outline', outlineExporter());");
    expect(readFileSync(join(dir, 'test/outline.test.ts'), 'utf8')).toContain('exporterContract(');
  });

  it('refuses a folder that is not empty, an unnamed video step and widgets, with a coded error', () => {
    const taken = cli(['create-plugin', 'importer-csv', '--type', 'importer'], tmp);
    expect(taken.code).toBe(2);
    expect(taken.err).toMatch(/^error EIA_USAGE .*importer-csv is not empty/);
    const video = cli(['create-plugin', 'clip-titles', '--type', 'video-step'], tmp);
    expect(video.code).toBe(2);
    expect(video.err).toMatch(/EIA_USAGE --type video-step: say which video step: --type transcriber/);
    const widget = cli(['create-plugin', 'clip-titles', '--type', 'widget'], tmp);
    expect(widget.err).toMatch(/EIA_USAGE --type widget: widgets have no plugin contract yet/);
    expect(existsSync(join(tmp, 'clip-titles'))).toBe(false);
  });

  it('exporter: builds, passes its tests, and exports the outline through the CLI', async () => {
    await expectGreen('exporter');
    const r = cli(['export', 'plan.md', '--to', 'outline', '-o', 'out/'], project);
    expect(r.code, r.err).toBe(0);
    const opml = readFileSync(join(project, 'out/plan.opml'), 'utf8');
    expect(opml).toContain('<title>Launch plan</title>');
    expect(opml).toMatch(/<outline text="Launch plan">\n\s+<outline text="Risks"\/>\n\s+<\/outline>/);
  });

  it('importer: builds, passes its tests, and imports a CSV file as a table through the CLI', async () => {
    await expectGreen('importer');
    const r = cli(['export', 'cities.csv', '--to', 'html', '-o', 'out/'], project);
    expect(r.code, r.err).toBe(0);
    const html = readFileSync(join(project, 'out/cities.html'), 'utf8');
    expect(html).toMatch(/<th>city<\/th>\s*<th>country<\/th>/);
    expect(html).toContain('<td>545 796</td>');
  });

  it('checker: builds, passes its tests, and reports the note at its line and column through the CLI', async () => {
    await expectGreen('checker');
    const r = cli(['analyze', 'plan.md', '--checkers', 'notes', '--format', 'json'], project);
    expect(r.code, r.err).toBe(0);
    const findings = JSON.parse(r.out).documents[0].findings as Array<{ rule: string; position?: { line: number; column: number } }>;
    // One note: the TODO in inline code is skipped.
    expect(findings.filter((f) => f.rule === 'notes/note').map((f) => f.position)).toEqual([expect.objectContaining({ line: 7, column: 20 })]);
  });

  it('transform: builds, passes its tests, and sets typographic punctuation in every export', async () => {
    await expectGreen('transform');
    const r = cli(['export', 'plan.md', '--to', 'html', '-o', 'out/'], project);
    expect(r.code, r.err).toBe(0);
    const html = readFileSync(join(project, 'out/plan.html'), 'utf8');
    expect(html).toContain('confirm the \u201cdate\u201d');
    expect(html).toContain('It\u2019s late \u2013 maybe\u2026');
  });

  it('transcriber, detector, scorer and captioner: build, pass their tests, and make a captioned clip together through export-ia clip', async () => {
    await Promise.all([expectGreen('transcriber'), expectGreen('detector'), expectGreen('scorer'), expectGreen('captioner')]);
    const talk = await makeTalk({ sentences: 25 });
    const r = cli(
      [
        'clip',
        talk.video,
        ...['--asr', 'pauses', '--detector', 'skin', '--scorer', 'topics', '--captioner', 'pop', '--keywords', 'pricing'],
        ...['-n', '1', '--min', '5', '--max', '10', '--resolution', '720', '-o', 'clips'],
      ],
      project,
      {},
      120_000,
    );
    expect(r.code, r.err).toBe(0);
    const made = JSON.parse(readFileSync(join(project, 'clips/clips.json'), 'utf8')) as {
      settings: { steps: Record<string, string> };
      transcript: { source: string; words: number; sentences: Array<{ text: string; start: number }> };
      clips: Array<{ score: number; reasons: Array<{ factor: string }> }>;
    };
    expect(made.settings.steps).toEqual({
      transcriber: 'pauses (transcriber-pauses@0.1.0)',
      detector: 'skin (detector-skin@0.1.0)',
      scorer: 'topics (scorer-topics@0.1.0)',
      // The job stops when a captioner's script is refused: this one was burned in.
      captioner: 'pop (captioner-pop@0.1.0)',
    });
    // One word per stretch of speech, each a sentence of its own: every spoken sentence starts one.
    expect(made.transcript.source).toBe('asr:pauses');
    expect(made.transcript.words).toBeGreaterThanOrEqual(talk.script.length);
    expect(new Set(made.transcript.sentences.map((s) => s.text))).toEqual(new Set(['…']));
    for (const spoken of talk.script)
      expect(
        made.transcript.sentences.some((s) => Math.abs(s.start - spoken.start) < 0.15),
        spoken.text,
      ).toBe(true);
    expect(made.clips).toHaveLength(1);
    expect(made.clips[0]?.reasons.map((x) => x.factor)).toEqual(['keywords', 'length', 'loudness']);
  }, 180_000);

  it('the plugins run sandboxed, each with its one contribution', () => {
    const r = cli(['plugins'], project);
    expect(r.code, r.err).toBe(0);
    const tier = can.permission ? 'sandboxed' : '\\S+';
    for (const [type, p] of Object.entries(PLUGINS)) expect(r.out).toMatch(new RegExp(`${p.pluginId}@0\\.1\\.0\\s+${tier}\\s.*${type}:${p.component}`));
  });
});

describe('create-component', () => {
  it('adds a second component that builds, passes its contract suite, and loads beside the first', async () => {
    await ready.get('exporter'); // its folder is changed here only after its own build and tests
    const dir = join(tmp, PLUGINS.exporter.folder);
    const added = cli(['create-component', 'leftovers', '--type', 'checker'], dir);
    expect(added.code, added.err).toBe(0);
    expect(added.out).toContain('src/leftovers.ts');
    const index = readFileSync(join(dir, 'src/index.ts'), 'utf8');
    expect(index).toMatch(/api\.exporter\('outline', outlineExporter\(\)\);\n\s+api\.checker\('leftovers', leftoversChecker\(\)\);/);

    const { build, test } = await buildAndTest(dir);
    expect(build.code, build.out + build.err).toBe(0);
    expect(test.code, test.out + test.err).toBe(0);
    expect(test.out).toMatch(/leftovers: returns well-formed findings/);
    expect(test.out).toMatch(/outline: exports every node type/);

    const list = cli(['plugins'], project);
    expect(list.out).toMatch(/exporter-outline@0\.1\.0\s+\S+\s.*checker:leftovers.*exporter:outline/);
    const analysis = cli(['analyze', 'plan.md', '--checkers', 'leftovers', '--format', 'json'], project);
    expect(analysis.code, analysis.err).toBe(0);
    expect(JSON.parse(analysis.out).documents[0].findings.map((f: { rule: string }) => f.rule)).toEqual(['leftovers/note']);
    expect(cli(['export', 'plan.md', '--to', 'outline', '-o', 'out2/'], project).code).toBe(0);
  });

  it('in a plugin written by hand (no markers) prints the lines to add instead of guessing', () => {
    const dir = join(tmp, 'hand-written');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'hand-written', version: '1.0.0', exportIa: { id: 'hand-written', apiVersion: 1 } }));
    const index = "import { definePlugin } from '@export-ia/core/plugin';\nexport default definePlugin({ setup() {} });\n";
    writeFileSync(join(dir, 'src/index.ts'), index);
    const r = cli(['create-component', 'tables', '--type', 'importer', '--plugin', dir], tmp);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("import { tablesImporter } from './tables.js';");
    expect(r.out).toContain("api.importer('tables', tablesImporter());");
    expect(readFileSync(join(dir, 'src/index.ts'), 'utf8')).toBe(index);
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).exportIa.contributes.importers[0]).toMatchObject({ id: 'tables', extensions: ['.csv'] });
  });
});

describe('plugins install of a generated plugin', () => {
  it('installs with --yes and then loads without any config file', async () => {
    await expectGreen('importer');
    const r = cli(['plugins', 'install', `./${PLUGINS.importer.folder}`, '--yes'], tmp);
    expect(r.code, r.err).toBe(0);
    const list = cli(['plugins', '--no-config'], tmp);
    expect(list.out).toMatch(/importer-csv@0\.1\.0\s.*importer:csv/);
    writeFileSync(join(tmp, 'scores.csv'), 'name,score\nAda,10\n');
    const exported = cli(['export', 'scores.csv', '--to', 'html', '-o', 'installed-out/', '--no-config'], tmp);
    expect(exported.code, exported.err).toBe(0);
    expect(readFileSync(join(tmp, 'installed-out/scores.html'), 'utf8')).toContain('<td>Ada</td>');
  });
});

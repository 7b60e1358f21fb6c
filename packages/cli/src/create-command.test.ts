/**
 * create-plugin and create-component without building anything (the e2e test builds, tests and
 * loads what they write): what each type writes, that its manifest passes the loader's checks,
 * and every refusal with its code.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CORE_VERSION, manifestFromPackageJson } from '@export-ia/core';
import { describe, expect, it } from 'vitest';
import { COMPONENT_TYPES, componentIdOf, fill, pluginIdOf } from './create-command.js';
import { main } from './main.js';

async function run(args: string[], cwd: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const code = await main(args, { cwd, env: {}, streams: { stdout, stderr } });
  return { code, out, err };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'eia-create-'));

const VIDEO_STEPS: readonly string[] = ['transcriber', 'detector', 'scorer', 'captioner'];

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(dir, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

describe('create-plugin', () => {
  it('derives the plugin and component ids from the package name', () => {
    expect(pluginIdOf('@acme/export-ia-plugin-exporter-epub')).toBe('exporter-epub');
    expect(pluginIdOf('plugin-checker-notes')).toBe('checker-notes');
    expect(pluginIdOf('outline')).toBe('outline');
    expect(componentIdOf('exporter-epub', 'exporter')).toBe('epub');
    expect(componentIdOf('exporter', 'exporter')).toBe('exporter');
    expect(componentIdOf('notes', 'checker')).toBe('notes');
  });

  for (const type of COMPONENT_TYPES) {
    it(`--type ${type} writes a package whose manifest the loader accepts`, async () => {
      const cwd = tmp();
      const r = await run(['create-plugin', `export-ia-plugin-${type}-sample`, '--type', type], cwd);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toContain('npm test');
      expect(r.out).toContain('export-ia plugins install');
      const dir = join(cwd, `export-ia-plugin-${type}-sample`);
      expect(filesUnder(dir).sort()).toEqual(
        [
          '.gitignore',
          'README.md',
          'package.json',
          'tsconfig.json',
          'src/index.ts',
          'src/sample.ts',
          'test/sample.test.ts',
          ...(type === 'exporter' ? ['test/theme.json'] : []),
        ].sort(),
      );
      for (const f of filesUnder(dir)) expect(readFileSync(join(dir, f), 'utf8'), f).not.toMatch(/\{\{\w+\}\}/);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const manifest = manifestFromPackageJson(pkg, dir);
      expect(manifest).toMatchObject({ id: `${type}-sample`, apiVersion: 1, engines: { 'export-ia': `^${CORE_VERSION}` }, permissions: {} });
      if (VIDEO_STEPS.includes(type)) {
        // Video steps share one list, each entry with its kind.
        expect(manifest.contributes.videoSteps).toEqual([expect.objectContaining({ id: 'sample', kind: type })]);
      } else {
        expect(manifest.contributes[`${type}s` as 'exporters'].map((c) => c.id)).toEqual(['sample']);
        expect(manifest.contributes.videoSteps).toEqual([]);
      }
      expect(readFileSync(join(dir, 'src/index.ts'), 'utf8')).toContain(`api.${type}('sample', sample${type[0]?.toUpperCase()}${type.slice(1)}());`);
      expect(readFileSync(join(dir, 'test/sample.test.ts'), 'utf8')).toContain(`${type}Contract(`);
    });
  }

  it('refuses widgets, which have no contract yet, and asks which video step --type video-step means', async () => {
    const cwd = tmp();
    const widget = await run(['create-plugin', 'later', '--type', 'widget'], cwd);
    expect(widget.code).toBe(2);
    expect(widget.err).toMatch(
      /^error EIA_USAGE --type widget: widgets have no plugin contract yet.*Use --type exporter\|checker\|importer\|transform\|transcriber\|detector\|scorer\|captioner/,
    );
    const video = await run(['create-plugin', 'later', '--type', 'video-step'], cwd);
    expect(video.code).toBe(2);
    expect(video.err).toMatch(
      /^error EIA_USAGE --type video-step: say which video step: --type transcriber .*, detector .*, scorer .* or captioner \(how burned captions look\)/,
    );
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('refuses an unknown type, a missing type, invalid names and a folder that is not empty', async () => {
    const cwd = tmp();
    expect((await run(['create-plugin', 'x', '--type', 'theme'], cwd)).err).toContain('unknown --type "theme"');
    expect((await run(['create-plugin', 'x'], cwd)).err).toMatch(/EIA_USAGE required option '--type <type>'/);
    expect((await run(['create-plugin', 'My-Plugin', '--type', 'checker'], cwd)).err).toContain('not a valid npm package name');
    expect((await run(['create-plugin', 'my_plugin', '--type', 'checker'], cwd)).err).toContain('plugin id derived from "my_plugin" would be "my_plugin"');
    mkdirSync(join(cwd, 'taken'));
    writeFileSync(join(cwd, 'taken/notes.txt'), 'mine');
    const taken = await run(['create-plugin', 'checker-notes', '--type', 'checker', '--dir', 'taken'], cwd);
    expect(taken.code).toBe(2);
    expect(taken.err).toContain('taken is not empty');
    expect(readdirSync(join(cwd, 'taken'))).toEqual(['notes.txt']);
    expect((await run(['create-plugin', 'checker-notes', '--type', 'checker', '--dir', 'taken/notes.txt'], cwd)).err).toContain('is not a folder');
  });

  it('writes into --dir, creating it', async () => {
    const cwd = tmp();
    const r = await run(['create-plugin', '@acme/plugin-checker-notes', '--type', 'checker', '--dir', 'plugins/notes'], cwd);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Created @acme/plugin-checker-notes in ./plugins/notes: plugin "checker-notes" with the checker "notes".');
    expect(JSON.parse(readFileSync(join(cwd, 'plugins/notes/package.json'), 'utf8')).exportIa.id).toBe('checker-notes');
  });
});

describe('create-component', () => {
  it('adds a component to a generated plugin: source, test, manifest entry, setup line', async () => {
    const cwd = tmp();
    await run(['create-plugin', 'exporter-outline', '--type', 'exporter'], cwd);
    const dir = join(cwd, 'exporter-outline');
    const r = await run(['create-component', 'smart-quotes', '--type', 'transform'], dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('src/smart-quotes.ts');
    const manifest = manifestFromPackageJson(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')), dir);
    expect(manifest.contributes.transforms).toEqual([expect.objectContaining({ id: 'smart-quotes', default: true })]);
    expect(manifest.contributes.exporters.map((e) => e.id)).toEqual(['outline']);
    const index = readFileSync(join(dir, 'src/index.ts'), 'utf8');
    expect(index).toContain("import { smartQuotesTransform } from './smart-quotes.js';\n// export-ia:imports");
    expect(index).toContain("    api.transform('smart-quotes', smartQuotesTransform());\n    // export-ia:components");

    const again = await run(['create-component', 'smart-quotes', '--type', 'transform', '--plugin', dir], cwd);
    expect(again.code).toBe(2);
    expect(again.err).toContain('already contributes a transform "smart-quotes"');
    expect((await run(['create-component', 'outline', '--type', 'exporter'], dir)).err).toContain('already contributes an exporter "outline"');
    expect((await run(['create-component', 'Bad', '--type', 'checker'], dir)).err).toContain('"Bad" is not a valid component id');
  });

  it('adds video steps to a plugin: one videoSteps list, each entry with its kind, ids taken per kind', async () => {
    const cwd = tmp();
    await run(['create-plugin', 'exporter-outline', '--type', 'exporter'], cwd);
    const dir = join(cwd, 'exporter-outline');
    expect((await run(['create-component', 'pauses', '--type', 'transcriber'], dir)).code).toBe(0);
    const r = await run(['create-component', 'skin', '--type', 'detector'], dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Added the detector "skin"');
    const pop = await run(['create-component', 'pop', '--type', 'captioner'], dir);
    expect(pop.code, pop.err).toBe(0);
    expect(pop.out).toContain('Added the captioner "pop"');
    const manifest = manifestFromPackageJson(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')), dir);
    expect(manifest.contributes.videoSteps).toEqual([
      expect.objectContaining({ id: 'pauses', kind: 'transcriber', chunkSeconds: 120 }),
      expect.objectContaining({ id: 'skin', kind: 'detector' }),
      expect.objectContaining({ id: 'pop', kind: 'captioner', name: 'Pop' }),
    ]);
    expect(manifest.contributes.exporters.map((e) => e.id)).toEqual(['outline']);
    const index = readFileSync(join(dir, 'src/index.ts'), 'utf8');
    expect(index).toMatch(
      /api\.transcriber\('pauses', pausesTranscriber\(\)\);\n\s+api\.detector\('skin', skinDetector\(\)\);\n\s+api\.captioner\('pop', popCaptioner\(\)\);\n\s+\/\/ export-ia:components/,
    );
    expect(readFileSync(join(dir, 'test/skin.test.ts'), 'utf8')).toContain('detectorContract(');
    expect(readFileSync(join(dir, 'test/pop.test.ts'), 'utf8')).toContain('captionerContract(');
    expect((await run(['create-component', 'pauses', '--type', 'transcriber'], dir)).err).toContain('already contributes a transcriber "pauses"');

    // By hand: a scorer "rank" is declared; a transcriber may have the same id (files permitting).
    const hand = join(cwd, 'hand');
    mkdirSync(hand);
    writeFileSync(
      join(hand, 'package.json'),
      JSON.stringify({
        name: 'hand',
        version: '1.0.0',
        exportIa: { id: 'hand', apiVersion: 1, contributes: { videoSteps: [{ id: 'rank', kind: 'scorer' }] } },
      }),
    );
    expect((await run(['create-component', 'rank', '--type', 'scorer'], hand)).err).toContain('already contributes a scorer "rank"');
    const other = await run(['create-component', 'rank', '--type', 'transcriber'], hand);
    expect(other.code, other.err).toBe(0);
    expect(other.out).toContain("api.transcriber('rank', rankTranscriber());");
    expect(JSON.parse(readFileSync(join(hand, 'package.json'), 'utf8')).exportIa.contributes.videoSteps).toEqual([
      { id: 'rank', kind: 'scorer' },
      expect.objectContaining({ id: 'rank', kind: 'transcriber' }),
    ]);
  });

  it('refuses a folder that is not an Export IA plugin', async () => {
    const cwd = tmp();
    expect((await run(['create-component', 'notes', '--type', 'checker'], cwd)).err).toContain('has no package.json');
    writeFileSync(join(cwd, 'package.json'), '{"name":"app"}');
    expect((await run(['create-component', 'notes', '--type', 'checker'], cwd)).err).toContain('has no "exportIa" manifest');
    expect((await run(['create-component', 'clip', '--type', 'video-step'], cwd)).err).toContain('--type video-step: say which video step');
  });
});

describe('templates', () => {
  it('fills placeholders, and an unknown one is a bug', () => {
    expect(fill('{{id}}/{{id}}', { id: 'x' })).toBe('x/x');
    expect(() => fill('{{nope}}', {})).toThrow('{{nope}}');
  });
});

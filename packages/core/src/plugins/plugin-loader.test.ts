import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isExportIaError } from '../errors/export-ia-error.js';
import { definePlugin, type PluginDefinition } from './contracts.js';
import type { ManifestInput } from './manifest.js';
import { loadPlugins, orderByDependencies, validatePluginConfig } from './plugin-loader.js';

function inline(manifest: Partial<ManifestInput> & { id: string }, setup: PluginDefinition['setup'] = () => {}): { definition: PluginDefinition } {
  return { definition: definePlugin({ manifest: { version: '1.0.0', engines: { 'export-ia': '*' }, apiVersion: 1, ...manifest } as ManifestInput, setup }) };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isExportIaError(err)) return err.code;
    throw err;
  }
  return 'no error';
}

/** Writes a plugin package like an outside author would. */
function writePackage(pkg: Record<string, unknown>, main = 'export default { [Symbol.for("export-ia.plugin")]: true, setup() {} };\n'): string {
  const dir = mkdtempSync(join(tmpdir(), 'eia-plugin-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
  writeFileSync(join(dir, 'index.js'), main);
  return dir;
}

const basePkg = (exportIa: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: 'test-plugin',
  version: '1.2.3',
  type: 'module',
  engines: { 'export-ia': '>=0.1.0' },
  exportIa: { id: 'test-plugin', apiVersion: 1, main: 'index.js', ...exportIa },
  ...extra,
});

describe('plugin loader', () => {
  it('registers video steps under their declared kind, and refuses a kind or id the manifest does not declare', async () => {
    const steps = [
      { id: 'acme-asr', kind: 'transcriber' as const, chunkSeconds: 60 },
      { id: 'acme-faces', kind: 'detector' as const },
      { id: 'acme-score', kind: 'scorer' as const },
    ];
    const transcriber = { transcribe: () => [] };
    const detector = { detect: () => [] };
    const scorer = { score: () => [] };
    const set = await loadPlugins([
      inline({ id: 'acme', contributes: { videoSteps: steps } }, (api) => {
        api.transcriber('acme-asr', transcriber);
        api.detector('acme-faces', detector);
        api.scorer('acme-score', scorer);
      }),
    ]);
    expect(set.registry.transcribers.get('acme-asr')?.implementation).toBe(transcriber);
    expect(set.registry.transcribers.get('acme-asr')?.descriptor.chunkSeconds).toBe(60);
    expect(set.registry.detectors.get('acme-faces')?.descriptor.chunkSeconds).toBe(0);
    expect(set.registry.scorers.get('acme-score')?.implementation).toBe(scorer);
    await set.close();

    // Declared as a detector, registered as a scorer.
    const wrongKind = loadPlugins([
      inline({ id: 'acme', contributes: { videoSteps: [steps[1] as (typeof steps)[1]] } }, (api) => api.scorer('acme-faces', scorer)),
    ]);
    await expect(wrongKind).rejects.toMatchObject({
      code: 'EIA_PLUGIN_UNDECLARED_CONTRIBUTION',
      message: expect.stringContaining('contributes.videoSteps (with kind "scorer")'),
    });
    // Declared, never registered.
    const missing = loadPlugins([inline({ id: 'acme', contributes: { videoSteps: steps } }, (api) => api.scorer('acme-score', scorer))]);
    await expect(missing).rejects.toMatchObject({
      code: 'EIA_PLUGIN_SETUP_FAILED',
      message: expect.stringContaining('transcriber "acme-asr", detector "acme-faces"'),
    });
    // Two plugins with one step id of a kind.
    const twice = loadPlugins([
      inline({ id: 'one', contributes: { videoSteps: [steps[2] as (typeof steps)[2]] } }, (api) => api.scorer('acme-score', scorer)),
      inline({ id: 'two', contributes: { videoSteps: [steps[2] as (typeof steps)[2]] } }, (api) => api.scorer('acme-score', scorer)),
    ]);
    expect(await codeOf(twice)).toBe('EIA_PLUGIN_DUPLICATE');
    // An unknown kind is a manifest error, and so are the ids the clip options give a meaning.
    const dir = writePackage(basePkg({ contributes: { videoSteps: [{ id: 'x', kind: 'renderer' }] } }));
    expect(await codeOf(loadPlugins([dir]))).toBe('EIA_PLUGIN_MANIFEST_INVALID');
    for (const taken of ['none', 'auto']) {
      const reserved = writePackage(basePkg({ contributes: { videoSteps: [{ id: taken, kind: 'transcriber' }] } }));
      expect(await codeOf(loadPlugins([reserved]))).toBe('EIA_PLUGIN_MANIFEST_INVALID');
    }
  });

  it('loads a packaged plugin from its folder and reads the manifest from package.json', async () => {
    const dir = writePackage(basePkg({ contributes: { themes: [] } }));
    const set = await loadPlugins([dir]);
    expect(set.plugins.map((p) => `${p.manifest.id}@${p.manifest.version}`)).toEqual(['test-plugin@1.2.3']);
    expect(set.plugins[0]?.spec).toBeTruthy();
    await set.close();
  });

  it('refuses an invalid manifest, naming the key', async () => {
    const dir = writePackage(basePkg({ id: 'Not Valid!' }));
    await expect(loadPlugins([dir])).rejects.toMatchObject({ code: 'EIA_PLUGIN_MANIFEST_INVALID' });
    const noField = writePackage({ name: 'x', version: '1.0.0', engines: { 'export-ia': '*' } });
    await expect(loadPlugins([noField])).rejects.toThrow(/exportIa/);
    const noEngine = writePackage({ ...basePkg({}), engines: {} });
    await expect(loadPlugins([noEngine])).rejects.toThrow(/engines\["export-ia"\]/);
  });

  it('refuses a plugin that needs another Export IA version', async () => {
    const dir = writePackage({ ...basePkg({}), engines: { 'export-ia': '^9.0.0' } });
    expect(await codeOf(loadPlugins([dir]))).toBe('EIA_PLUGIN_ENGINE_RANGE');
  });

  it('refuses an unsupported plugin API version', async () => {
    expect(await codeOf(loadPlugins([inline({ id: 'a', apiVersion: 7 })]))).toBe('EIA_PLUGIN_API_VERSION');
  });

  it('refuses a main module outside the package, including through a symlink', async () => {
    const outside = writePackage(basePkg({ main: '../elsewhere.js' }));
    expect(await codeOf(loadPlugins([outside]))).toBe('EIA_PLUGIN_MAIN_OUTSIDE');
    const target = mkdtempSync(join(tmpdir(), 'eia-target-'));
    writeFileSync(join(target, 'evil.js'), 'export default {}');
    const linked = writePackage(basePkg({ main: 'link.js' }));
    symlinkSync(join(target, 'evil.js'), join(linked, 'link.js'));
    expect(await codeOf(loadPlugins([linked]))).toBe('EIA_PLUGIN_MAIN_OUTSIDE');
  });

  it('reports a missing plugin folder or package clearly', async () => {
    expect(await codeOf(loadPlugins(['/nonexistent/plugin']))).toBe('EIA_PLUGIN_NOT_FOUND');
    expect(await codeOf(loadPlugins(['@nobody/no-such-plugin']))).toBe('EIA_PLUGIN_NOT_FOUND');
  });

  it('refuses two plugins with the same id', async () => {
    expect(await codeOf(loadPlugins([inline({ id: 'same' }), inline({ id: 'same' })]))).toBe('EIA_PLUGIN_DUPLICATE');
  });

  it('orders plugins after their dependencies and starts them in that order, stops in reverse', async () => {
    const events: string[] = [];
    const make = (id: string, dependencies: Record<string, string> = {}) =>
      inline({ id, dependencies }, (api) => {
        events.push(`start ${id}`);
        api.onClose(() => {
          events.push(`stop ${id}`);
        });
      });
    const set = await loadPlugins([make('c', { b: '^1.0.0' }), make('a'), make('b', { a: '>=1' })]);
    expect(set.plugins.map((p) => p.manifest.id)).toEqual(['a', 'b', 'c']);
    await set.close();
    expect(events).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });

  it('refuses a missing dependency, a version mismatch and a cycle, naming the plugins', async () => {
    await expect(loadPlugins([inline({ id: 'a', dependencies: { ghost: '^1.0.0' } })])).rejects.toThrow(/a@1\.0\.0 depends on "ghost"/);
    await expect(loadPlugins([inline({ id: 'a', dependencies: { b: '^2.0.0' } }), inline({ id: 'b' })])).rejects.toMatchObject({
      code: 'EIA_PLUGIN_DEPENDENCY_RANGE',
    });
    const cycle = loadPlugins([
      inline({ id: 'a', dependencies: { b: '*' } }),
      inline({ id: 'b', dependencies: { c: '*' } }),
      inline({ id: 'c', dependencies: { a: '*' } }),
    ]);
    await expect(cycle).rejects.toMatchObject({ code: 'EIA_PLUGIN_CYCLE' });
    await expect(
      loadPlugins([
        inline({ id: 'a', dependencies: { b: '*' } }),
        inline({ id: 'b', dependencies: { c: '*' } }),
        inline({ id: 'c', dependencies: { a: '*' } }),
      ]),
    ).rejects.toThrow(/a → b → c → a/);
  });

  it('refuses a contribution the manifest does not declare, and a declared one never registered', async () => {
    const undeclared = inline({ id: 'sneaky' }, (api) => api.exporter('epub', { export: () => new Uint8Array() }));
    expect(await codeOf(loadPlugins([undeclared]))).toBe('EIA_PLUGIN_UNDECLARED_CONTRIBUTION');
    const lazy = inline({ id: 'lazy', contributes: { exporters: [{ id: 'epub', extension: '.epub', mediaType: 'application/epub+zip' }] } });
    await expect(loadPlugins([lazy])).rejects.toThrow(/never registered/);
  });

  it('refuses two plugins contributing the same exporter', async () => {
    const exp = (id: string) =>
      inline({ id, contributes: { exporters: [{ id: 'txt', extension: '.txt', mediaType: 'text/plain' }] } }, (api) =>
        api.exporter('txt', { export: () => new Uint8Array() }),
      );
    expect(await codeOf(loadPlugins([exp('one'), exp('two')]))).toBe('EIA_PLUGIN_DUPLICATE');
  });

  it('validates plugin configuration against its schema, with defaults, naming key and rule', async () => {
    let seen: unknown;
    const withSchema = (id: string) =>
      inline(
        { id, configSchema: { type: 'object', additionalProperties: false, properties: { level: { type: 'integer', minimum: 1, default: 3 } } } },
        (api) => {
          seen = api.config;
        },
      );
    const set = await loadPlugins([withSchema('cfg')]);
    expect(seen).toEqual({ level: 3 });
    await set.close();
    await expect(loadPlugins([withSchema('cfg')], { configs: { cfg: { level: 0 } } })).rejects.toMatchObject({
      code: 'EIA_PLUGIN_CONFIG_INVALID',
      params: { key: 'level' },
    });
  });

  it('refuses configuration for a plugin that is not loaded (a typo) or that takes none', async () => {
    const schema = inline({ id: 'exporter-docx', configSchema: { type: 'object', properties: { x: { type: 'boolean' } } } });
    await expect(loadPlugins([schema], { configs: { 'exporter-dcx': { x: true } } })).rejects.toThrow(
      /no plugin "exporter-dcx" is loaded \(did you mean "exporter-docx"\?\)/,
    );
    await expect(loadPlugins([inline({ id: 'plain' })], { configs: { plain: { width: 3 } } })).rejects.toThrow(/takes no configuration/);
  });

  it('validatePluginConfig checks a proposed configuration as the loader does: the error names the plugin, the key and the schema rule', async () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      properties: {
        level: { type: 'integer', minimum: 1, default: 3 },
        rules: { type: 'object', additionalProperties: false, properties: { heading: { enum: ['off', 'error'] } } },
      },
    };
    const set = await loadPlugins([inline({ id: 'cfg', configSchema: schema })]);
    const plugin = set.plugins[0] as NonNullable<(typeof set.plugins)[0]>;
    await set.close();
    expect(validatePluginConfig(plugin, { rules: { heading: 'off' } })).toEqual({ level: 3, rules: { heading: 'off' } });
    expect(validatePluginConfig(plugin, undefined)).toEqual({ level: 3 });
    const failure = (proposed: unknown) => {
      try {
        validatePluginConfig(plugin, proposed);
      } catch (err) {
        if (isExportIaError(err)) return { code: err.code, key: err.params.key, message: err.message };
        throw err;
      }
      throw new Error('accepted');
    };
    expect(failure({ level: 0 })).toEqual({
      code: 'EIA_PLUGIN_CONFIG_INVALID',
      key: 'level',
      message: 'Configuration of plugin cfg is invalid at "level": must be >= 1 (schema rule minimum: 1)',
    });
    expect(failure({ rules: { heding: 'off' } })).toMatchObject({
      key: 'rules.heding',
      message: expect.stringMatching(/did you mean "heading"\?.*additionalProperties/),
    });
    expect(failure({ rules: { heading: 'loud' } })).toMatchObject({
      key: 'rules.heading',
      message: expect.stringContaining('must be one of off, error (schema rule enum)'),
    });
    expect(failure({ level: 'high' })).toMatchObject({ key: 'level', message: expect.stringContaining('(schema rule type)') });
    // The loader says the same at load time.
    await expect(loadPlugins([inline({ id: 'cfg', configSchema: schema })], { configs: { cfg: { level: 0 } } })).rejects.toThrow(
      'Configuration of plugin cfg is invalid at "level": must be >= 1 (schema rule minimum: 1)',
    );
  });

  it('turns an exception in setup into a coded error and stops plugins already started', async () => {
    const stopped: string[] = [];
    const good = inline({ id: 'good' }, (api) => api.onClose(() => void stopped.push('good')));
    const bad = inline({ id: 'bad' }, () => {
      throw new Error('kaboom');
    });
    await expect(loadPlugins([good, bad])).rejects.toMatchObject({ code: 'EIA_PLUGIN_SETUP_FAILED' });
    expect(stopped).toEqual(['good']);
  });

  it('refuses a theme file outside the plugin package', async () => {
    const dir = writePackage(basePkg({ contributes: { themes: [{ id: 'evil', file: '../../etc/passwd' }] } }));
    expect(await codeOf(loadPlugins([dir]))).toBe('EIA_PLUGIN_MANIFEST_INVALID');
  });

  it('orderByDependencies keeps the given order when there are no dependencies', () => {
    const m = (id: string) => ({ manifest: { id, version: '1.0.0', dependencies: {} } as never });
    expect(orderByDependencies([m('x'), m('y'), m('z')]).map((p) => (p.manifest as { id: string }).id)).toEqual(['x', 'y', 'z']);
  });
});

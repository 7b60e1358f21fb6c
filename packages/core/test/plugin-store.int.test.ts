import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteEventStore, type SqliteEventStore } from '../src/events/sqlite-event-store.js';
import { createHost } from '../src/host/host.js';
import { sha256 } from '../src/io/input.js';
import { PluginStore } from '../src/plugins/store.js';
import { isolation } from '../src/sandbox/sandbox.js';
import { makeTgz, type PluginFiles, pluginFiles, pluginTgz, writeFiles } from './plugin-archives.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const builtins = [join(repo, 'plugins/importer-markdown'), join(repo, 'plugins/theme-standard')];

let root: string;
let events: SqliteEventStore;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'eia-store-'));
  events = openSqliteEventStore(join(root, 'events.db'));
});
afterAll(async () => {
  await events.close();
  rmSync(root, { recursive: true, force: true });
});

let n = 0;
/** A fresh store and a scratch folder for sources. */
function fresh(): { store: PluginStore; src: string; storeDir: string } {
  n++;
  const storeDir = join(root, `store-${n}`);
  const src = join(root, `src-${n}`);
  mkdirSync(src, { recursive: true });
  return { store: new PluginStore({ dir: storeDir, builtins, events, cwd: src, metadata: { actor: 'test' } }), src, storeDir };
}

const folder = (src: string, p: PluginFiles) => writeFiles(join(src, `${p.id}-${p.version ?? '1.0.0'}`), pluginFiles(p));
const tgzFile = (src: string, name: string, bytes: Uint8Array) => {
  const file = join(src, name);
  writeFileSync(file, bytes);
  return file;
};

async function installFrom(store: PluginStore, spec: string, options: { force?: boolean } = {}) {
  const staged = await store.stage(spec);
  return store.install(staged, options);
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return { code: (err as { code?: string }).code, message: (err as Error).message };
  }
  throw new Error('expected a failure');
};

const input = (dir: string, text: string) => {
  const bytes = new TextEncoder().encode(text);
  return { name: 'doc.md', path: join(dir, 'doc.md'), dir, bytes, hash: sha256(bytes) };
};

const can = isolation();

describe('installing plugins: sources, verification, integrity', () => {
  it('installs from a folder through npm pack, records every file hash, and the installed plugin runs sandboxed', async () => {
    const { store, src, storeDir } = fresh();
    const dir = folder(src, { id: 'alpha' });
    writeFileSync(join(dir, '.npmignore'), 'notes.txt\n');
    writeFileSync(join(dir, 'notes.txt'), 'not published');
    // Lifecycle scripts never run: npm pack and npm install get --ignore-scripts.
    const canary = join(src, 'script-ran');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    pkg.scripts = Object.fromEntries(
      ['prepack', 'prepare', 'postpack', 'preinstall', 'install', 'postinstall'].map((s) => [s, `node -e "require('fs').writeFileSync('${canary}', '${s}')"`]),
    );
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
    const record = await installFrom(store, dir);
    expect(existsSync(canary)).toBe(false);
    expect(record).toMatchObject({ id: 'alpha', version: '1.0.0', enabled: true, source: { kind: 'folder', spec: dir }, dir: 'alpha/1.0.0' });
    // What npm would publish: .npmignore applies.
    expect(Object.keys(record.files).sort()).toEqual(['README.md', 'dist/index.js', 'package.json']);
    expect(record.files['dist/index.js']).toBe(sha256(readFileSync(join(dir, 'dist/index.js'))));
    expect(JSON.parse(readFileSync(join(storeDir, 'installed.json'), 'utf8')).plugins.alpha.version).toBe('1.0.0');
    expect(existsSync(join(storeDir, '.staging')) ? readdirSync(join(storeDir, '.staging')) : []).toEqual([]);
    if (!can.permission || !can.namespaces) return;
    const host = await createHost({ plugins: [...builtins, ...store.pluginDirs()], cwd: src, sandbox: { isolate: ({ id }) => id === 'alpha' } });
    try {
      expect(host.plugins.find((p) => p.manifest.id === 'alpha')?.sandboxed).toBe(true);
      const r = await host.exportPipeline(['alpha-txt']).run(input(src, '# Hi\n'), { settings: [{ to: ['alpha-txt'] }] });
      expect(r.failures).toEqual([]);
      expect(new TextDecoder().decode(r.outputs[0]?.data)).toMatch(/^alpha 1\.0\.0: \d+$/);
    } finally {
      await host.close();
    }
  });

  it('refuses at load a file changed, added or deleted after install, naming it', async () => {
    const { store, src, storeDir } = fresh();
    await installFrom(store, folder(src, { id: 'beta' }));
    expect(store.pluginDirs()).toEqual([join(storeDir, 'beta/1.0.0')]);
    const main = join(storeDir, 'beta/1.0.0/dist/index.js');
    const original = readFileSync(main, 'utf8');
    writeFileSync(main, `${original}\nimport('node:child_process');\n`);
    expect(() => store.pluginDirs()).toThrow(
      expect.objectContaining({ code: 'EIA_PLUGIN_MODIFIED', params: expect.objectContaining({ file: 'dist/index.js', detail: 'changed' }) }),
    );
    writeFileSync(main, original);
    expect(() => store.pluginDirs()).not.toThrow();
    writeFileSync(join(storeDir, 'beta/1.0.0/dist/extra.js'), '');
    expect(() => store.pluginDirs()).toThrow(expect.objectContaining({ params: expect.objectContaining({ file: 'dist/extra.js', detail: 'added' }) }));
    rmSync(join(storeDir, 'beta/1.0.0/dist/extra.js'));
    rmSync(join(storeDir, 'beta/1.0.0/README.md'));
    expect(() => store.pluginDirs()).toThrow(expect.objectContaining({ params: expect.objectContaining({ file: 'README.md', detail: 'deleted' }) }));
    writeFileSync(join(storeDir, 'beta/1.0.0/README.md'), '# beta\n');
    symlinkSync('/etc/passwd', join(storeDir, 'beta/1.0.0/dist/link.js'));
    expect(() => store.pluginDirs()).toThrow(expect.objectContaining({ params: expect.objectContaining({ file: 'dist/link.js', detail: 'a symbolic link' }) }));
  });

  it('installs from a .tgz (package/ prefix) and from a .zip (files at the root or in one top folder)', async () => {
    const { store, src } = fresh();
    expect((await installFrom(store, tgzFile(src, 'gamma.tgz', pluginTgz({ id: 'gamma' })))).source.kind).toBe('tgz');
    const zip = new JSZip();
    for (const [name, text] of Object.entries(pluginFiles({ id: 'delta', version: '2.0.0' }))) zip.file(`delta/${name}`, text);
    const zipped = await zip.generateAsync({ type: 'uint8array', platform: 'UNIX' });
    const record = await installFrom(store, tgzFile(src, 'delta.zip', zipped));
    expect(record).toMatchObject({ id: 'delta', version: '2.0.0', source: { kind: 'zip' } });
    expect(Object.keys(record.files).sort()).toEqual(['README.md', 'dist/index.js', 'package.json']);
    expect(store.list().map((p) => p.id)).toEqual(['delta', 'gamma']);
  });

  describe('hostile archives are refused before anything is written (zip-slip and friends)', () => {
    const base = (id: string) => Object.entries(pluginFiles({ id })).map(([name, data]) => ({ name: `package/${name}`, data }));
    const cases: Array<[string, Parameters<typeof makeTgz>[0], RegExp]> = [
      ['a ".." entry', [{ name: 'package/../../evil.txt', data: 'pwned' }], /climbs out/],
      ['an absolute path', [{ name: '/tmp/eia-evil-absolute.txt', data: 'pwned' }], /absolute path/],
      ['a symbolic link', [{ name: 'package/dist/link.js', type: '2', linkname: '/etc/passwd' }], /symbolic link/],
      ['a hard link', [{ name: 'package/dist/hard.js', type: '1', linkname: 'package/package.json' }], /hard link/],
      ['a character device', [{ name: 'package/dev', type: '3' }], /not a plain file/],
      ['a path given twice by case', [{ name: 'package/README.MD', data: 'shadow' }], /appears twice/],
      ['a backslash path', [{ name: 'package\\..\\evil.txt', data: 'x' }], /backslash/],
    ];
    for (const [what, extra, message] of cases) {
      it(`tgz with ${what}`, async () => {
        const { store, src, storeDir } = fresh();
        const file = tgzFile(src, 'evil.tgz', makeTgz([...base('evil'), ...extra]));
        const e = await codeOf(store.stage(file));
        expect(e.code).toBe('EIA_PLUGIN_ARCHIVE_UNSAFE');
        expect(e.message).toMatch(message);
        // The host canary: nothing landed outside (or inside) the store.
        expect(existsSync(join(root, 'evil.txt'))).toBe(false);
        expect(existsSync('/tmp/eia-evil-absolute.txt')).toBe(false);
        expect(store.list()).toEqual([]);
        expect(existsSync(join(storeDir, 'evil'))).toBe(false);
      });
    }

    it('zip with "..", an absolute path, or a symlink', async () => {
      const { store, src } = fresh();
      const make = async (name: string, options: Record<string, unknown> = {}) => {
        const zip = new JSZip();
        for (const [file, text] of Object.entries(pluginFiles({ id: 'zevil' }))) zip.file(file, text);
        zip.file(name, 'pwned', options);
        return tgzFile(src, `z${Math.random()}.zip`, await zip.generateAsync({ type: 'uint8array', platform: 'UNIX' }));
      };
      expect((await codeOf(store.stage(await make('../../zip-evil.txt')))).message).toMatch(/climbs out/);
      expect((await codeOf(store.stage(await make('/tmp/zip-evil.txt')))).message).toMatch(/absolute path/);
      expect((await codeOf(store.stage(await make('dist/link.js', { unixPermissions: 0o120777 })))).message).toMatch(/symbolic link/);
      expect(existsSync(join(root, 'zip-evil.txt'))).toBe(false);
      expect(existsSync('/tmp/zip-evil.txt')).toBe(false);
    });

    it('a folder holding a symlink (npm pack would follow or drop it silently)', async () => {
      const { store, src } = fresh();
      const dir = folder(src, { id: 'linky' });
      symlinkSync('/etc/passwd', join(dir, 'dist', 'secret.txt'));
      const e = await codeOf(store.stage(dir));
      expect(e).toMatchObject({ code: 'EIA_PLUGIN_ARCHIVE_UNSAFE' });
      expect(e.message).toContain('dist/secret.txt');
    });

    it('a gzip bomb stops at the size limit', async () => {
      const { readTarGz } = await import('../src/plugins/archive.js');
      const bomb = makeTgz([{ name: 'package/zeros', data: new Uint8Array(8 * 1024 * 1024) }]);
      expect(bomb.length).toBeLessThan(64 * 1024);
      expect(() => readTarGz(bomb, 'bomb.tgz', { maxBytes: 1024 * 1024 })).toThrow(/more than 1 MB/);
    });
  });

  describe('the manifest is verified before install, each case with its own code', () => {
    const cases: Array<[string, PluginFiles, string]> = [
      ['schema (an unknown key)', { id: 'bad-schema', extra: { colour: 'blue' } }, 'EIA_PLUGIN_MANIFEST_INVALID'],
      ['engines["export-ia"] excluding this host', { id: 'bad-engine', engines: '^9.0.0' }, 'EIA_PLUGIN_ENGINE_RANGE'],
      ['apiVersion', { id: 'bad-api', extra: { apiVersion: 99 } }, 'EIA_PLUGIN_API_VERSION'],
      ['main outside the package', { id: 'bad-main', main: '../../../etc/passwd' }, 'EIA_PLUGIN_MAIN_OUTSIDE'],
      ['main missing (not built)', { id: 'not-built', main: 'dist/missing.js' }, 'EIA_PLUGIN_MANIFEST_INVALID'],
      ['a dependency that is not installed', { id: 'needs-x', dependencies: { 'x-plugin': '^1.0.0' } }, 'EIA_PLUGIN_DEPENDENCY_MISSING'],
      ['a dependency range a built-in does not meet', { id: 'needs-new-md', dependencies: { 'importer-markdown': '^5.0.0' } }, 'EIA_PLUGIN_DEPENDENCY_RANGE'],
      ['an invalid dependency range', { id: 'bad-range', dependencies: { 'importer-markdown': 'not a range' } }, 'EIA_PLUGIN_MANIFEST_INVALID'],
    ];
    for (const [what, files, code] of cases) {
      it(what, async () => {
        const { store, src } = fresh();
        const file = tgzFile(src, 'p.tgz', pluginTgz(files));
        const e = await codeOf(store.stage(file).then((s) => store.install(s)));
        expect(e.code).toBe(code);
        expect(store.list()).toEqual([]);
      });
    }

    it('an id taken by a built-in, or already installed (unless --force)', async () => {
      const { store, src } = fresh();
      expect((await codeOf(installFrom(store, tgzFile(src, 'md.tgz', pluginTgz({ id: 'importer-markdown' }))))).code).toBe('EIA_PLUGIN_DUPLICATE');
      await installFrom(store, tgzFile(src, 'e1.tgz', pluginTgz({ id: 'echo' })));
      expect((await codeOf(installFrom(store, tgzFile(src, 'e2.tgz', pluginTgz({ id: 'echo', version: '1.0.1' }))))).code).toBe('EIA_PLUGIN_ALREADY_INSTALLED');
      expect((await installFrom(store, tgzFile(src, 'e3.tgz', pluginTgz({ id: 'echo', version: '1.0.1' })), { force: true })).version).toBe('1.0.1');
    });

    it('a dependency cycle', async () => {
      const { store, src } = fresh();
      await installFrom(store, tgzFile(src, 'a.tgz', pluginTgz({ id: 'cyc-a' })));
      await installFrom(store, tgzFile(src, 'b.tgz', pluginTgz({ id: 'cyc-b', dependencies: { 'cyc-a': '^1.0.0' } })));
      const e = await codeOf(installFrom(store, tgzFile(src, 'a2.tgz', pluginTgz({ id: 'cyc-a', dependencies: { 'cyc-b': '^1.0.0' } })), { force: true }));
      expect(e.code).toBe('EIA_PLUGIN_CYCLE');
      expect(store.get('cyc-a')?.dependencies).toEqual({});
    });
  });
});

describe('lifecycle: enable, disable, uninstall, upgrade, with dependents and events', () => {
  it('refuses to disable, uninstall or break a plugin others depend on, naming them; every change is an event', async () => {
    const { store, src, storeDir } = fresh();
    await installFrom(store, tgzFile(src, 'base1.tgz', pluginTgz({ id: 'base' })));
    await installFrom(store, tgzFile(src, 'user.tgz', pluginTgz({ id: 'user', dependencies: { base: '^1.0.0' } })));
    for (const action of [store.disable('base'), store.uninstall('base')]) {
      const e = await codeOf(action);
      expect(e.code).toBe('EIA_PLUGIN_DEPENDENTS');
      expect(e.message).toContain('user@1.0.0');
    }
    const v2 = await store.stage(tgzFile(src, 'base2.tgz', pluginTgz({ id: 'base', version: '2.0.0' })));
    const broken = await codeOf(store.upgrade(v2));
    expect(broken.code).toBe('EIA_PLUGIN_DEPENDENTS');
    expect(broken.message).toContain('user@1.0.0 (needs base ^1.0.0)');
    v2.discard();
    expect(store.get('base')?.version).toBe('1.0.0');
    // A compatible upgrade goes through and removes the old folder.
    const v11 = await store.stage(tgzFile(src, 'base11.tgz', pluginTgz({ id: 'base', version: '1.1.0' })));
    expect((await store.upgrade(v11)).version).toBe('1.1.0');
    // The replaced version stays until the next upgrade (a running command may still use it).
    expect(existsSync(join(storeDir, 'base/1.0.0'))).toBe(true);
    await store.upgrade(await store.stage(tgzFile(src, 'base12.tgz', pluginTgz({ id: 'base', version: '1.2.0' }))));
    expect(readdirSync(join(storeDir, 'base')).sort()).toEqual(['1.1.0', '1.2.0']);
    // Once the dependent is disabled, base may go; re-enabling the dependent then fails.
    await store.disable('user');
    await store.disable('base');
    expect(store.pluginDirs()).toEqual([]);
    expect((await codeOf(store.enable('user'))).code).toBe('EIA_PLUGIN_DEPENDENCY_MISSING');
    await store.enable('base');
    await store.enable('user');
    expect(store.pluginDirs().length).toBe(2);
    await store.disable('user');
    await store.uninstall('user');
    await store.uninstall('base');
    expect(existsSync(join(storeDir, 'base'))).toBe(false);
    expect((await codeOf(store.uninstall('base'))).code).toBe('EIA_PLUGIN_NOT_INSTALLED');
    expect((await codeOf(store.disable('importer-markdown'))).message).toContain('built in');

    const types = async (id: string) => (await events.readStream(`plugin-${id}`)).map((e) => e.type);
    expect(await types('base')).toEqual(['PluginInstalled', 'PluginUpgraded', 'PluginUpgraded', 'PluginDisabled', 'PluginEnabled', 'PluginUninstalled']);
    expect(await types('user')).toEqual(['PluginInstalled', 'PluginDisabled', 'PluginEnabled', 'PluginDisabled', 'PluginUninstalled']);
    const [installed] = await events.readStream(`plugin-base`);
    expect(installed?.data).toMatchObject({ id: 'base', version: '1.0.0', integrity: expect.stringMatching(/^sha256-[0-9a-f]{64}$/), files: 3 });
    expect(installed?.metadata.actor).toBe('test');
  });

  it('one change at a time: a second process holding the lock is reported, a dead one is taken over', async () => {
    const { store, src, storeDir } = fresh();
    mkdirSync(storeDir, { recursive: true });
    writeFileSync(join(storeDir, '.lock'), String(process.ppid));
    const staged = await store.stage(tgzFile(src, 'l.tgz', pluginTgz({ id: 'locky' })));
    expect((await codeOf(store.install(staged))).code).toBe('EIA_PLUGIN_STORE_LOCKED');
    writeFileSync(join(storeDir, '.lock'), '999999999');
    expect((await store.install(staged)).id).toBe('locky');
    expect(existsSync(join(storeDir, '.lock'))).toBe(false);
  });
});

describe('installing from the npm registry with the ordinary npm client', () => {
  let server: Server;
  let registry: string;
  const tarballs = new Map<string, Buffer>();
  const packuments = new Map<string, Record<string, unknown>>();
  beforeAll(async () => {
    const publish = (name: string, version: string, tarball: Buffer, extra: Record<string, unknown> = {}) => {
      const file = `${name.replace('/', '-')}-${version}.tgz`;
      tarballs.set(`/-/${file}`, tarball);
      const doc = packuments.get(name) ?? { name, versions: {}, 'dist-tags': {} };
      (doc.versions as Record<string, unknown>)[version] = {
        name,
        version,
        ...extra,
        dist: { tarball: `${registry}/-/${file}`, integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}` },
      };
      (doc['dist-tags'] as Record<string, string>).latest = version;
      packuments.set(name, doc);
    };
    server = createServer((req, res) => {
      const url = decodeURIComponent(req.url ?? '');
      const tar = tarballs.get(url);
      if (tar) return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(tar);
      const doc = packuments.get(url.slice(1));
      if (doc) return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A runtime dependency of the plugin, also from the registry.
    const dep = makeTgz([
      { name: 'package/package.json', data: JSON.stringify({ name: 'shout-case', version: '1.2.3', type: 'module', main: 'index.js' }) },
      { name: 'package/index.js', data: 'export const shout = (s) => s.toUpperCase() + "!";\n' },
    ]);
    publish('shout-case', '1.2.3', dep);
    for (const version of ['1.0.0', '1.4.0', '2.0.0']) {
      const p: PluginFiles = {
        id: 'from-npm',
        version,
        npmDependencies: { 'shout-case': '^1.0.0' },
        setup: `api.exporter('from-npm-txt', { async export() { const { shout } = await import('shout-case'); return new TextEncoder().encode(shout('npm ${version}')); } });`,
      };
      publish('export-ia-plugin-from-npm', version, pluginTgz(p), { dependencies: { 'shout-case': '^1.0.0' } });
    }
  });
  afterAll(() => server?.close());

  it('npm-name@range: npm pack downloads it, npm installs its dependencies (no scripts), and it runs sandboxed', async () => {
    const { store, src } = fresh();
    const env = { ...process.env, npm_config_registry: registry, npm_config_cache: join(src, '.npm-cache'), npm_config_userconfig: join(src, 'npmrc') };
    const s = new PluginStore({ dir: join(src, 'store'), builtins, cwd: src, env });
    const record = await s.install(await s.stage('export-ia-plugin-from-npm@^1.0.0'));
    expect(record).toMatchObject({ id: 'from-npm', version: '1.4.0', source: { kind: 'npm', spec: 'export-ia-plugin-from-npm@^1.0.0' } });
    expect(Object.keys(record.files)).toContain('node_modules/shout-case/index.js');
    expect(s.upgradeSource('from-npm', '2.x')).toBe('export-ia-plugin-from-npm@2.x');
    const upgraded = await s.upgrade(await s.stage(s.upgradeSource('from-npm', '2.x')));
    expect(upgraded.version).toBe('2.0.0');
    void store;
    if (!can.permission || !can.namespaces) return;
    const host = await createHost({ plugins: [...builtins, ...s.pluginDirs()], cwd: src, sandbox: { isolate: () => true } });
    try {
      const r = await host.exportPipeline(['from-npm-txt']).run(input(src, '# x\n'), { settings: [{ to: ['from-npm-txt'] }] });
      expect(r.failures).toEqual([]);
      expect(new TextDecoder().decode(r.outputs[0]?.data)).toBe('NPM 2.0.0!');
    } finally {
      await host.close();
    }
  });

  it('refuses git, file, URL and alias specs, and names that are not npm names', async () => {
    const { store } = fresh();
    for (const spec of ['left-pad@git+ssh://evil/x.git', 'x@file:../y', 'x@npm:other@1', 'x@https://evil/x.tgz', 'Not A Name']) {
      expect((await codeOf(store.stage(spec))).code).toBe('EIA_PLUGIN_INSTALL_FAILED');
    }
  });

  it('a package that does not exist: a clear error from npm', async () => {
    const { src } = fresh();
    const env = { ...process.env, npm_config_registry: registry, npm_config_cache: join(src, '.npm-cache'), npm_config_userconfig: join(src, 'npmrc') };
    const s = new PluginStore({ dir: join(src, 'store'), builtins, cwd: src, env });
    const e = await codeOf(s.stage('export-ia-plugin-nope'));
    expect(e.code).toBe('EIA_PLUGIN_INSTALL_FAILED');
    expect(e.message).toMatch(/npm pack failed: .*404/);
  });
});

describe('review fixes: names, pax, dependencies, locks', () => {
  it('a scoped npm name is an npm spec, not a folder', async () => {
    const { classifySource } = await import('../src/plugins/store.js');
    expect(classifySource('@acme/export-ia-plugin-x', root)).toEqual({ kind: 'npm', spec: '@acme/export-ia-plugin-x' });
    expect(classifySource('@acme/export-ia-plugin-x@^2.1.0', root).kind).toBe('npm');
    expect(classifySource('./@acme/x', root).kind).toBe('folder');
  });

  it('reads a pax long name with non-ASCII characters by bytes; control characters in a path are refused', async () => {
    const { readTarGz } = await import('../src/plugins/archive.js');
    const long = `package/${'é'.repeat(80)}.txt`;
    const record = (key: string, value: string) => {
      const body = ` ${key}=${value}\n`;
      let n = Buffer.byteLength(body) + 1;
      while (String(n).length + Buffer.byteLength(body) !== n) n++;
      return `${n}${body}`;
    };
    const pax = `${record('path', long)}${record('mtime', '1')}`;
    const entries = readTarGz(
      makeTgz([
        { name: 'PaxHeader', type: 'x', data: pax },
        { name: 'package/short', data: 'x' },
      ]),
      'pax.tgz',
    );
    expect(entries.map((e) => e.path)).toEqual([long]);
    expect(() => readTarGz(makeTgz([{ name: 'package/a\nb', data: 'x' }]), 'ctl.tgz')).toThrow(/control character/);
  });

  it("refuses a plugin's file, git, URL or alias npm dependency at stage (before any npm runs)", async () => {
    const { store, src } = fresh();
    for (const spec of ['file:../../../etc', 'git+ssh://git@evil/x.git', 'github:evil/x', 'evil/x', 'npm:other@1', 'https://evil/x.tgz']) {
      const e = await codeOf(store.stage(tgzFile(src, `d${Math.random()}.tgz`, pluginTgz({ id: 'deps', npmDependencies: { leftish: spec } }))));
      expect(e.code, spec).toBe('EIA_PLUGIN_INSTALL_FAILED');
      expect(e.message).toContain('not a registry version or range');
    }
  });

  it('an empty lock file (a process between creating and writing it) counts as held', async () => {
    const { store, src, storeDir } = fresh();
    mkdirSync(storeDir, { recursive: true });
    writeFileSync(join(storeDir, '.lock'), '');
    const staged = await store.stage(tgzFile(src, 'e.tgz', pluginTgz({ id: 'emptylock' })));
    expect((await codeOf(store.install(staged))).code).toBe('EIA_PLUGIN_STORE_LOCKED');
    rmSync(join(storeDir, '.lock'));
    expect((await store.install(staged)).id).toBe('emptylock');
  });

  it('an id that is an Object.prototype member is just not installed', async () => {
    const { store } = fresh();
    for (const id of ['constructor', 'toString', '__proto__']) expect((await codeOf(store.enable(id))).code).toBe('EIA_PLUGIN_NOT_INSTALLED');
  });
});

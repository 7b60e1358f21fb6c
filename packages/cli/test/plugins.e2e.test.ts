/**
 * Third-party plugins from the config file, end to end: they run sandboxed (their own process,
 * no environment, no file outside their folder) unless the operator trusts them by id in
 * EXPORT_IA_TRUSTED_PLUGINS; the project's config file cannot trust anything.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isolation } from '../../core/src/sandbox/sandbox.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(repo, 'packages/cli/bin/export-ia.js');
const thirdParty = join(repo, 'packages/core/test/fixtures/sandboxed-plugin');
const hello = join(repo, 'examples/plugin-hello');
const can = isolation();

function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    input: '',
    env: { ...process.env, NO_COLOR: '1', EXPORT_IA_DATA_DIR: join(cwd, 'data'), EIA_E2E_CANARY: 'visible', ...env },
    timeout: 120_000,
  });
  return { code: r.status ?? -1, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eia-plugins-e2e-'));
  writeFileSync(join(dir, 'export-ia.config.yaml'), `plugins:\n  - ${thirdParty}\n  - ${hello}\nmetadata:\n  canary: ${join(dir, 'canary.txt')}\n`);
  writeFileSync(join(dir, 'canary.txt'), 'host secret');
  writeFileSync(join(dir, 'doc.md'), `---\ntitle: Doc\nlang: en\n---\n\n# STEAL\n\nSome words here.\n`);
  return dir;
}

const countMetric = (out: string) => {
  const report = JSON.parse(out) as { documents: Array<{ metrics: { count?: { env: number } }; findings: Array<{ rule: string; message: string }> }> };
  return report.documents[0];
};

describe.skipIf(!can.permission || !can.namespaces)('third-party plugins in the CLI', () => {
  it('run sandboxed by default: no environment, no host file', () => {
    const dir = project();
    const r = run(['analyze', 'doc.md', '--checkers', 'count', '--format', 'json'], dir);
    expect(r.err).toBe('');
    const doc = countMetric(r.out);
    expect(doc?.metrics.count?.env).toBe(0);
    const finding = doc?.findings.find((f) => f.rule === 'count/words');
    expect(finding?.message).toContain('denied ERR_ACCESS_DENIED');
    expect(finding?.message).not.toContain('host secret');
  });

  it('a plugin that imports the plugin API works sandboxed (the example plain-text exporter)', () => {
    const dir = project();
    const r = run(['export', 'doc.md', '--to', 'txt', '-o', 'out/'], dir);
    expect(r.code, r.err).toBe(0);
  });

  it('plugins list and info show the tier, the contributions, the resources and the health', () => {
    const dir = project();
    const list = run(['plugins'], dir);
    expect(list.out).toMatch(/third-party@2\.1\.0\s+sandboxed\s+enabled\s+checker:count, exporter:shout/);
    expect(list.out).toMatch(/importer-markdown@\S+\s+built-in/);
    const info = JSON.parse(run(['plugins', 'info', 'third-party', '--json'], dir).out);
    expect(info).toMatchObject({ id: 'third-party', tier: 'sandboxed', resources: { memoryMb: 96, timeoutMs: 2000 }, health: { state: 'running' } });
    expect(info.metrics.calls).toBe(1);
    const unknown = run(['plugins', 'info', 'third-part'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('did you mean "third-party"?');
    const trusted = run(['plugins'], dir, { EXPORT_IA_TRUSTED_PLUGINS: 'third-party' });
    expect(trusted.out).toMatch(/third-party@2\.1\.0\s+trusted/);
  });

  it('run in-process only when the operator trusts them by id', () => {
    const dir = project();
    const r = run(['analyze', 'doc.md', '--checkers', 'count', '--format', 'json'], dir, { EXPORT_IA_TRUSTED_PLUGINS: 'third-party' });
    expect(countMetric(r.out)?.metrics.count?.env).toBeGreaterThan(0);
    expect(countMetric(r.out)?.findings.find((f) => f.rule === 'count/words')?.message).toContain('host secret');
  });
});

describe.skipIf(!can.permission || !can.namespaces)('plugins install, lifecycle and integrity from the command line', () => {
  it('install asks first (refused without a terminal or --yes), then the installed plugin runs sandboxed; a changed file is refused at load; every change is an event', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eia-install-e2e-'));
    writeFileSync(join(dir, 'doc.md'), '# Title\n\nSome words here.\n');
    const refused = run(['plugins', 'install', hello], dir);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('EIA_CONFIRMATION_REQUIRED');
    expect(refused.err).toMatch(/permissions\s+network: none/);
    expect(run(['plugins', 'list'], dir).out).not.toContain('hello-txt');

    const installed = run(['plugins', 'install', hello, '--yes'], dir);
    expect(installed.code, installed.err).toBe(0);
    expect(installed.out).toContain('installed hello-txt@1.0.0');
    expect(run(['plugins', 'list'], dir).out).toMatch(/hello-txt@1\.0\.0\s+sandboxed\s+enabled\s+exporter:txt/);
    const info = JSON.parse(run(['plugins', 'info', 'hello-txt', '--json'], dir).out);
    expect(info).toMatchObject({ source: `installed (folder ${hello})`, tier: 'sandboxed', health: { state: 'running' } });
    expect(info.metrics).toMatchObject({ calls: 1, failures: 0, kills: 0 });
    const exported = run(['export', 'doc.md', '--to', 'txt', '-o', 'out/'], dir);
    expect(exported.code, exported.err).toBe(0);
    expect(readFileSync(join(dir, 'out/doc.txt'), 'utf8')).toContain('Some words here.');

    // Tampering with the installed code: every command refuses to load it, naming the file.
    const main = join(dir, 'data/plugins/hello-txt/1.0.0/dist/index.js');
    writeFileSync(main, `${readFileSync(main, 'utf8')}\n// changed\n`);
    const tampered = run(['export', 'doc.md', '--to', 'html', '-o', 'out/'], dir);
    expect(tampered.code).toBe(2);
    expect(tampered.err).toContain('EIA_PLUGIN_MODIFIED');
    expect(tampered.err).toContain('dist/index.js (changed)');
    expect(run(['plugins', 'install', hello, '--yes', '--force'], dir).code).toBe(0);

    expect(run(['plugins', 'disable', 'hello-txt'], dir).out).toContain('disabled hello-txt@1.0.0');
    expect(run(['export', 'doc.md', '--to', 'txt', '-o', 'out/'], dir).err).toContain('EIA_UNKNOWN_FORMAT');
    expect(run(['plugins', 'enable', 'hello-txt'], dir).code).toBe(0);
    expect(run(['plugins', 'uninstall', 'hello-txt'], dir).out).toContain('uninstalled hello-txt@1.0.0');
    expect(run(['plugins', 'uninstall', 'hello-txt'], dir).err).toContain('EIA_PLUGIN_NOT_INSTALLED');

    const events = run(['events', '--stream', 'plugin-hello-txt', '--json'], dir)
      .out.trim()
      .split('\n')
      .map((l) => JSON.parse(l).type);
    expect(events).toEqual(['PluginInstalled', 'PluginInstalled', 'PluginDisabled', 'PluginEnabled', 'PluginUninstalled']);
  });
});

describe.skipIf(!can.permission || !can.namespaces)('plugins upgrade from the command line', () => {
  it('upgrades to another folder of the same plugin, refuses another plugin, and the new version serves', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eia-upgrade-e2e-'));
    writeFileSync(join(dir, 'doc.md'), '# Title\n\nSome words here.\n');
    const v2 = join(dir, 'hello-v2');
    cpSync(hello, v2, { recursive: true, filter: (src) => !src.includes('node_modules') });
    const pkg = JSON.parse(readFileSync(join(v2, 'package.json'), 'utf8'));
    writeFileSync(join(v2, 'package.json'), JSON.stringify({ ...pkg, version: '1.1.0' }));
    expect(run(['plugins', 'install', hello, '--yes'], dir).code).toBe(0);
    const upgraded = run(['plugins', 'upgrade', 'hello-txt', v2], dir);
    expect(upgraded.code, upgraded.err).toBe(0);
    expect(upgraded.out).toContain('upgraded hello-txt 1.0.0 → 1.1.0');
    expect(run(['plugins', 'list'], dir).out).toMatch(/hello-txt@1\.1\.0\s+sandboxed\s+enabled/);
    const wrong = run(['plugins', 'upgrade', 'hello-txt', join(repo, 'packages/core/test/fixtures/sandboxed-plugin')], dir);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('is plugin "third-party", not "hello-txt"');
    const r = run(['export', 'doc.md', '--to', 'txt', '-o', 'out/', '--json'], dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('"version":"1.1.0"');
  });
});

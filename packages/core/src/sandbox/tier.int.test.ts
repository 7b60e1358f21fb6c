import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../host/host.js';
import { sha256 } from '../io/input.js';
import { isolation } from './sandbox.js';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const thirdParty = fileURLToPath(new URL('../../test/fixtures/sandboxed-plugin', import.meta.url));
const can = isolation();

let host: Host;
let dir: string;
let canary: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eia-tier-'));
  canary = join(dir, 'canary.txt');
  writeFileSync(canary, 'host secret');
  host = await createHost({
    plugins: [join(repo, 'plugins/importer-markdown'), join(repo, 'plugins/theme-standard'), thirdParty],
    cwd: repo,
    sandbox: { isolate: ({ id }) => id === 'third-party' },
  });
});
afterAll(async () => {
  await host?.close();
});

const input = (text: string) => {
  const bytes = new TextEncoder().encode(text);
  return { name: 'doc.md', path: join(dir, 'doc.md'), dir, bytes, hash: sha256(bytes) };
};
const settings = () => [{ metadata: { canary } }];

describe.skipIf(!can.permission || !can.namespaces)('the sandboxed tier: a third-party plugin in its own process', () => {
  it('checks through the sandbox: findings, metrics, diagnostics, and the step records the plugin version', async () => {
    const r = await host.analyzePipeline(['count']).run(input('# Title\n\nThree more words.\n'), { settings: settings() });
    expect(r.analysis?.findings.map((f) => f.message)).toEqual(['4 words; nothing']);
    // The plugin sees an empty environment.
    expect(r.analysis?.metrics.count).toEqual({ words: 4, env: 0 });
    expect(r.diagnostics.map((d) => d.message)).toContain('counted in en');
    expect(r.steps.find((s) => s.step === 'checker:count')?.plugin).toEqual({ id: 'third-party', version: '2.1.0' });
  });

  it('exports through the sandbox with the run theme', async () => {
    const r = await host.exportPipeline(['shout']).run(input('# Title\n\nText.\n'), { settings: [{ to: ['shout'], theme: 'default' }] });
    expect(r.failures).toEqual([]);
    expect(new TextDecoder().decode(r.outputs[0]?.data)).toMatch(/^default: \d+$/);
  });

  it('cannot read the host canary from inside a check', async () => {
    const r = await host.analyzePipeline(['count']).run(input('# STEAL\n'), { settings: settings() });
    expect(r.analysis?.findings[0]?.message).toContain('denied ERR_ACCESS_DENIED');
    expect(r.analysis?.findings[0]?.message).not.toContain('host secret');
  });

  it('a check that never yields fails at the plugin deadline (resources.timeoutMs); the host goes on', async () => {
    const r = await host.analyzePipeline(['count']).run(input('# SPIN\n'), { settings: settings() });
    // The step's deadline (the plugin's resources.timeoutMs) and the sandbox's kill coincide.
    expect(r.analysis?.checkers[0]).toMatchObject({ id: 'count', status: 'failed', error: { code: expect.stringMatching(/^EIA_(PLUGIN_)?TIMEOUT$/) } });
    const next = await host.analyzePipeline(['count']).run(input('# Fine again\n'), { settings: settings() });
    expect(next.analysis?.findings.map((f) => f.message)).toEqual(['2 words; nothing']);
  });

  it("merges a huge document's parts in the sandbox too", async () => {
    const text = Array.from({ length: 12 }, (_, i) => `# Part ${i}\n\n${'word '.repeat(40)}\n`).join('\n');
    const r = await host.analyzePipeline(['count']).run(input(text), { settings: [{ metadata: { canary }, limits: { sectionBytes: 400 } }] });
    expect(r.analysis?.sections).toBeGreaterThan(3);
    expect(r.analysis?.checkers).toEqual([expect.objectContaining({ status: 'ok' })]);
    expect(r.analysis?.metrics.count).toEqual({ words: 12 * 42, merged: r.analysis?.sections });
  });
});

describe.skipIf(!can.permission || !can.namespaces)('a sandboxed plugin folder with a link out of it', () => {
  it('is refused (the permission model follows links); a link inside the folder is fine', async () => {
    const root = mkdtempSync(join(tmpdir(), 'eia-links-'));
    const plugin = join(root, 'plugin');
    cpSync(thirdParty, plugin, { recursive: true });
    symlinkSync(join(plugin, 'index.js'), join(plugin, 'same.js'));
    const ok = await createHost({ plugins: [plugin], cwd: root, sandbox: { isolate: () => true } });
    await ok.close();
    writeFileSync(join(root, 'secret.txt'), 'host secret');
    mkdirSync(join(plugin, 'data'));
    symlinkSync(join(root, 'secret.txt'), join(plugin, 'data', 'secret.txt'));
    await expect(createHost({ plugins: [plugin], cwd: root, sandbox: { isolate: () => true } })).rejects.toMatchObject({
      code: 'EIA_PLUGIN_LINK_OUTSIDE',
      message: expect.stringContaining('data/secret.txt'),
    });
  });
});

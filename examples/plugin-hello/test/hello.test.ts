/**
 * The example plugin's own test: loaded by the ordinary loader next to the built-in plugins,
 * it exports a document to plain text, and passes the exporter contract every exporter must.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost, sha256 } from '@export-ia/core';
import { exporterContract } from '@export-ia/core/testing';
import { describe, expect, it } from 'vitest';
import { wrap } from '../src/index.js';

const pluginDir = fileURLToPath(new URL('..', import.meta.url));
const repo = join(pluginDir, '../..');
const builtins = ['importer-markdown', 'theme-standard'].map((p) => join(repo, 'plugins', p));

describe('export-ia-plugin-hello', () => {
  it('wraps words at the width', () => {
    expect(wrap('one two three four', 9)).toBe('one two\nthree\nfour');
    expect(wrap('a b', 10, '   ', '-  ')).toBe('-  a b');
  });

  it('exports Markdown to readable plain text with its config applied', async () => {
    const host = await createHost({ plugins: [...builtins, pluginDir], pluginConfig: { 'hello-txt': { width: 40 } } });
    expect(host.exporters().map((e) => e.id)).toContain('txt');
    const bytes = readFileSync(join(repo, 'examples/documents/letter.md'));
    const result = await host.exportPipeline(['txt']).run({ name: 'letter.md', dir: repo, bytes, hash: sha256(bytes) });
    const text = new TextDecoder().decode(result.outputs[0]?.data);
    expect(text.split('\n')[0]).toBe('INVITATION TO JOIN THE 2027 STORAGE OPERATOR PANEL');
    expect(text).toContain('Dear Mr Okafor,');
    expect(
      Math.max(
        ...text
          .split('\n')
          .slice(2)
          .map((l) => l.length),
      ),
    ).toBeLessThanOrEqual(40);
    await host.close();
  });

  it('refuses an invalid configuration, naming the key', async () => {
    await expect(createHost({ plugins: [...builtins, pluginDir], pluginConfig: { 'hello-txt': { width: 5 } } })).rejects.toMatchObject({
      code: 'EIA_PLUGIN_CONFIG_INVALID',
      params: { key: 'width' },
    });
  });

  describe('exporter contract', () => {
    for (const c of exporterContract({ plugins: [...builtins, pluginDir], format: 'txt' })) it(c.name, c.run);
  });
});

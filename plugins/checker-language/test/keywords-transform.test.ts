import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost } from '@export-ia/core';
import { describe, expect, it } from 'vitest';

const plugins = [fileURLToPath(new URL('../../importer-markdown', import.meta.url)), fileURLToPath(new URL('..', import.meta.url))];
const TEXT = '# Notes\n\nSolar panels and battery storage cut the energy bill. Battery storage keeps the lights on. Battery storage is cheap.\n';

async function keywordsOf(text: string, pluginConfig: Record<string, unknown> = {}): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'eia-kw-'));
  writeFileSync(join(dir, 'doc.md'), text);
  const host = await createHost({ plugins, cwd: dir, pluginConfig });
  try {
    const pipeline = host.pipeline({ steps: [{ importer: 'markdown' }, { transform: 'keywords' }] });
    return (await pipeline.run(host.readInput('doc.md'), { settings: [] })).document.meta.keywords;
  } finally {
    await host.close();
  }
}

describe('keywords transform', () => {
  it('fills the keywords every exporter writes, from the text, when the document declares none', async () => {
    const keywords = await keywordsOf(TEXT);
    expect(keywords[0]).toBe('battery storage');
    expect(keywords.length).toBeGreaterThan(2);
    expect(keywords.length).toBeLessThanOrEqual(8);
  });

  it('keeps declared keywords, and writes none when configured to', async () => {
    expect(await keywordsOf(`---\nkeywords: [given]\n---\n${TEXT}`)).toEqual(['given']);
    expect(await keywordsOf(TEXT, { 'checker-language': { metadata: { exportKeywords: 0 } } })).toEqual([]);
  });
});

/**
 * docs/manifest-reference.md is generated from the manifest's JSON Schema; this keeps the two
 * equal, as catalog.test.ts does for docs/errors.md.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderManifestReference } from '../scripts/gen-manifest-docs.mjs';
import { manifestSchema } from '../src/plugins/manifest-schema.js';

describe('manifest reference', () => {
  it('matches docs/manifest-reference.md (regenerate with `npm run docs:manifest`)', () => {
    const onDisk = readFileSync(new URL('../../../docs/manifest-reference.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderManifestReference(manifestSchema));
  });

  it('describes every field of the manifest', () => {
    const missing: string[] = [];
    const visit = (schema: { properties?: Record<string, { description?: string; type?: string; items?: { type?: string } }> }, path: string) => {
      for (const [key, prop] of Object.entries(schema.properties ?? {})) {
        if (!prop.description) missing.push(`${path}${key}`);
        visit(prop as never, `${path}${key}.`);
        if (prop.type === 'array' && prop.items?.type === 'object') visit(prop.items as never, `${path}${key}[].`);
      }
    };
    visit(manifestSchema as never, '');
    expect(missing).toEqual([]);
  });
});

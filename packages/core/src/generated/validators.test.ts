import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../config/settings.js';
import { LIMIT_KEYS } from '../config/settings-schema.js';
import { renderValidators } from './render-validators.js';

describe('precompiled validators', () => {
  it('match the schemas (regenerate with `npm run gen:validators`)', () => {
    const onDisk = readFileSync(new URL('./validators.ts', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderValidators());
  });

  it('cover every limit', () => {
    expect([...LIMIT_KEYS].sort()).toEqual(Object.keys(DEFAULT_LIMITS).sort());
  });
});

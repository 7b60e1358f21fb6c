import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderLanguages } from './render-languages.js';

describe('language table', () => {
  it('matches the installed highlight.js (regenerate with `npm run gen:highlight`)', () => {
    const onDisk = readFileSync(new URL('./languages.generated.ts', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderLanguages());
  });
});

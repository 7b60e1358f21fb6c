import { fileURLToPath } from 'node:url';
import { importerContract } from '@export-ia/core/testing';
import { describe, it } from 'vitest';
import { exampleBytes } from './helpers.js';

describe('importer contract', () => {
  const cases = importerContract({
    plugins: [fileURLToPath(new URL('..', import.meta.url))],
    importer: 'markdown',
    sample: { name: 'report.md', bytes: exampleBytes('report.md') },
  });
  for (const c of cases) it(c.name, c.run);
});

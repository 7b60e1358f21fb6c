import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the core's sources, so every test shares one copy of the core
    // (plugins are imported from their built `dist`, which imports the core by name).
    alias: [
      { find: /^@export-ia\/core$/, replacement: src('./packages/core/src/index.ts') },
      { find: /^@export-ia\/core\/plugin$/, replacement: src('./packages/core/src/plugin.ts') },
      { find: /^@export-ia\/core\/testing$/, replacement: src('./packages/core/src/testing.ts') },
    ],
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'plugins/*/src/**/*.test.ts',
      'plugins/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'examples/*/src/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two test files at once, also on a 2-core machine (vitest's default there is one): most of
    // the time goes to the CLI, ffmpeg and plugin processes the tests start and wait for, so the
    // suite takes ≈ 540 s instead of ≈ 790 s on 2 cores.
    maxWorkers: 2,
    // Job history of CLI runs goes to a scratch data directory, never the user's own.
    env: { EXPORT_IA_DATA_DIR: process.env.EXPORT_IA_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'export-ia-test-data-')) },
  },
});

#!/usr/bin/env node
// Writes packages/highlight/src/languages.generated.ts: every highlight.js language with its
// aliases and the sub-languages it embeds, so that a document's code blocks load only the
// grammars they name. Loading all of them costs ~250 ms at start-up.
// Run after upgrading highlight.js: npm run gen:highlight (a test fails until you do).
import { writeFileSync } from 'node:fs';
import { renderLanguages } from '../dist/render-languages.js';

writeFileSync(new URL('../src/languages.generated.ts', import.meta.url), renderLanguages());
console.log('wrote packages/highlight/src/languages.generated.ts');

#!/usr/bin/env node
// Writes packages/core/src/generated/validators.ts: the core's JSON Schemas compiled ahead of
// time with Ajv's standalone code generation. Compiling them at start-up cost ~90 ms each.
// Run after changing a schema: npm run gen:validators (a test fails until you do).
import { writeFileSync } from 'node:fs';
import { renderValidators } from '../dist/generated/render-validators.js';

writeFileSync(new URL('../src/generated/validators.ts', import.meta.url), renderValidators());
console.log('wrote packages/core/src/generated/validators.ts');

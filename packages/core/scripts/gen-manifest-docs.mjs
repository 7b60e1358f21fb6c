#!/usr/bin/env node
// Writes docs/manifest-reference.md from the manifest's JSON Schema (its descriptions and
// defaults), so the reference cannot drift from what the loader accepts.
// Run after changing packages/core/src/plugins/manifest-schema.ts: npm run docs:manifest
// (packages/core/test/manifest-reference.test.ts fails until you do).
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

// Manifest fields filled from package.json itself: manifest key → package.json key.
const FROM_PACKAGE_JSON = { version: 'version', engines: 'engines', packageName: 'name' };

const EXAMPLE = {
  name: '@acme/export-ia-plugin-opml',
  version: '1.0.0',
  type: 'module',
  main: 'dist/src/index.js',
  engines: { node: '>=20.19', 'export-ia': '^0.1.0' },
  exportIa: {
    id: 'opml',
    apiVersion: 1,
    main: 'dist/src/index.js',
    contributes: { exporters: [{ id: 'opml', name: 'OPML outline', extension: '.opml', mediaType: 'text/x-opml' }] },
    configSchema: { type: 'object', additionalProperties: false, properties: { depth: { type: 'integer', minimum: 1, maximum: 6, default: 6 } } },
    permissions: {},
    resources: { memoryMb: 128, timeoutMs: 10000 },
  },
  peerDependencies: { '@export-ia/core': '^0.1.0' },
};

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (value) => `\`${value}\``;

/** A schema's type, in words: `string matching …`, `integer 0–100`, `array of strings`; `id` for the id pattern. */
function typeOf(schema, idPattern) {
  if (schema.type === 'string' && schema.pattern === idPattern) return 'id';
  if (schema.type === 'string') {
    const rules = [];
    if (schema.pattern) rules.push(`matching ${code(schema.pattern)}`);
    if (schema.minLength === 1) rules.push('non-empty');
    if (schema.maxLength !== undefined) rules.push(`at most ${schema.maxLength} characters`);
    return ['string', ...rules].join(', ');
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    if (schema.minimum !== undefined && schema.maximum !== undefined) return `${schema.type} ${schema.minimum}–${schema.maximum}`;
    if (schema.minimum !== undefined) return `${schema.type} ≥ ${schema.minimum}`;
    return schema.type;
  }
  if (schema.type === 'array') {
    const item = schema.items ?? {};
    if (item.type === 'object') return 'array of objects';
    if (item.type === 'string') return `array of ${typeOf(item, idPattern).replace(/^string/, 'strings')}`;
    return `array of ${typeOf(item, idPattern)}`;
  }
  if (schema.type === 'object') {
    if (schema.properties) return 'object';
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
      return `object: ${schema.propertyNames ? typeOf(schema.propertyNames, idPattern) : 'string'} → ${typeOf(schema.additionalProperties, idPattern)}`;
    return 'object (a JSON Schema)';
  }
  return schema.type ?? 'any';
}

/** Rows for every property under `schema`, depth first, with dotted paths (`[]` for array items). */
function rows(schema, prefix, out) {
  const required = new Set(schema.required ?? []);
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const name = /^[a-z][a-zA-Z0-9]*$/.test(key) ? key : `["${key}"]`;
    const path = prefix === '' ? name : name.startsWith('[') ? `${prefix}${name}` : `${prefix}.${name}`;
    const optional = prop.default !== undefined || !required.has(key);
    out.push({ path, prop, required: !optional });
    if (prop.type === 'object' && prop.properties) rows(prop, path, out);
    if (prop.type === 'array' && prop.items?.type === 'object') rows(prop.items, `${path}[]`, out);
  }
  return out;
}

function table(list, idPattern) {
  const lines = ['| Field | Type | Required | Default | What |', '| --- | --- | --- | --- | --- |'];
  for (const r of list) {
    const def = r.prop.default === undefined ? '' : code(JSON.stringify(r.prop.default));
    lines.push(`| ${code(r.path)} | ${cell(typeOf(r.prop, idPattern))} | ${r.required ? 'yes' : ''} | ${cell(def)} | ${cell(r.prop.description ?? '')} |`);
  }
  return lines.join('\n');
}

/** The text of docs/manifest-reference.md. */
export function renderManifestReference(schema) {
  const idPattern = schema.properties.id.pattern;
  const all = rows(schema, '', []);
  const top = (r) => r.path.split(/[.[]/)[0];
  const fromPackage = all
    .filter((r) => top(r) in FROM_PACKAGE_JSON)
    .filter((r) => !(r.prop.type === 'object' && r.prop.properties))
    .map((r) => ({ ...r, path: r.path.replace(/^[a-zA-Z]+/, (k) => FROM_PACKAGE_JSON[k]) }));
  const own = all.filter((r) => !(top(r) in FROM_PACKAGE_JSON));
  return `# Plugin manifest reference

<!-- Generated from packages/core/src/plugins/manifest-schema.ts by \`npm run docs:manifest\`. Do not edit by hand: a test fails when it is stale. -->

${schema.description}

How to write a plugin, the plugin API and the permission model: [plugins.md](plugins.md).
\`export-ia create-plugin <name> --type <type>\` writes a package with a complete manifest.

\`\`\`json
${JSON.stringify(EXAMPLE, null, 2)}
\`\`\`

## From package.json

| Field | Type | Required | Default | What |
| --- | --- | --- | --- | --- |
${table(fromPackage, idPattern).split('\n').slice(2).join('\n')}

## The \`exportIa\` field

A field is required when it says so; the others may be left out (a default in the table is
filled in before the manifest is checked). An \`id\` is lower-case words of letters and digits
joined by single hyphens, ${code(idPattern)}, at most ${schema.properties.id.maxLength} characters.

${table(own, idPattern)}
`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { manifestSchema } = await import('../dist/plugins/manifest-schema.js');
  writeFileSync(new URL('../../../docs/manifest-reference.md', import.meta.url), renderManifestReference(manifestSchema));
  console.log('wrote docs/manifest-reference.md');
}

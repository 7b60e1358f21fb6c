import { type CatalogEntry, catalog, type ErrorKind, exitCodeFor } from './catalog.js';

const SECTIONS: ReadonlyArray<{ kind: ErrorKind; heading: string; intro: string }> = [
  {
    kind: 'usage',
    heading: 'Usage, configuration and plugin errors',
    intro: 'Nothing is exported; the command exits with code 2.',
  },
  {
    kind: 'input',
    heading: 'Input errors',
    intro: 'This input failed; the other inputs of a batch are still exported. The command exits with code 3.',
  },
  {
    kind: 'warning',
    heading: 'Warnings',
    intro: 'Reported with the document (in the terminal, in `--json` events and in results); the export goes on.',
  },
  { kind: 'internal', heading: 'Internal errors', intro: 'A bug; the command exits with code 70.' },
];

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Renders the error reference (docs/errors.md) from the catalogue. A test keeps them equal. */
export function renderErrorDocs(): string {
  const lines: string[] = [
    '# Error reference',
    '',
    '<!-- Generated from packages/core/src/errors/catalog.ts by `npm run docs:errors`. Do not edit by hand. -->',
    '',
    'Every error and warning has a permanent code. Codes are never renamed or reused, so you can',
    'match on them in scripts (`--json` events carry `code`). `{name}` marks a value filled in at run time.',
    '',
  ];
  const entries = Object.entries(catalog) as Array<[string, CatalogEntry]>;
  for (const section of SECTIONS) {
    lines.push(`## ${section.heading}`, '', section.intro, '', '| Code | Exit | Message | What to do |', '| --- | --- | --- | --- |');
    for (const [code, item] of entries) {
      if (item.kind !== section.kind) continue;
      lines.push(`| \`${code}\` | ${exitCodeFor(item.kind)} | ${escapeCell(item.message)} | ${escapeCell(item.hint)} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

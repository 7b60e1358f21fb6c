/**
 * Builds the language table (languages.generated.ts) from the installed highlight.js: the
 * canonical names, every alias, and for each language the sub-languages its grammar embeds
 * (HTML embeds CSS and JavaScript, Markdown embeds XML…), which must be registered first.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { HLJSApi, Language, LanguageFn } from 'highlight.js';

const require = createRequire(import.meta.url);

/** Every `subLanguage` named anywhere in a grammar (modes can be shared and self-referencing). */
function subLanguagesOf(language: Language): string[] {
  const found = new Set<string>();
  const seen = new Set<object>();
  const stack: unknown[] = [language];
  while (stack.length > 0) {
    const mode = stack.pop();
    if (typeof mode !== 'object' || mode === null || seen.has(mode)) continue;
    seen.add(mode);
    const m = mode as Record<string, unknown>;
    const sub = m.subLanguage;
    if (typeof sub === 'string') found.add(sub);
    else if (Array.isArray(sub)) for (const s of sub) if (typeof s === 'string') found.add(s);
    for (const key of ['contains', 'variants', 'starts']) {
      const child = m[key];
      if (Array.isArray(child)) stack.push(...child);
      else if (child) stack.push(child);
    }
  }
  return [...found].sort();
}

export function renderLanguages(): string {
  const dir = join(dirname(require.resolve('highlight.js/lib/core')), 'languages');
  const hljs = (require('highlight.js/lib/core') as HLJSApi).newInstance();
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.js') && !f.endsWith('.js.js'))
    .map((f) => f.slice(0, -3))
    .sort();
  const requires: Record<string, string[]> = {};
  const aliases: Record<string, string> = {};
  for (const name of names) {
    const definition = (require(join(dir, `${name}.js`)) as LanguageFn)(hljs);
    requires[name] = subLanguagesOf(definition).filter((s) => s !== name && names.includes(s));
    // As in highlight.js: an alias registered later wins, a language's own name always wins.
    for (const alias of definition.aliases ?? []) {
      const key = alias.toLowerCase();
      if (!names.includes(key)) aliases[key] = name;
    }
  }
  const version = (require('highlight.js/package.json') as { version: string }).version;
  const lines = [
    `// Generated from highlight.js ${version} by packages/highlight/scripts/gen-languages.mjs. Do not edit.`,
    '',
    '/** Every language, with the sub-languages its grammar embeds. */',
    'export const LANGUAGES: Readonly<Record<string, readonly string[]>> = {',
    ...names.map((n) => `  ${JSON.stringify(n)}: ${JSON.stringify(requires[n])},`),
    '};',
    '',
    '/** Alias (lower case) to language name. */',
    'export const ALIASES: Readonly<Record<string, string>> = {',
    ...Object.keys(aliases)
      .sort()
      .map((a) => `  ${JSON.stringify(a)}: ${JSON.stringify(aliases[a])},`),
    '};',
    '',
  ];
  return lines.join('\n');
}

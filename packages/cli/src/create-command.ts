/**
 * `export-ia create-plugin <name> --type …` and `export-ia create-component <name> --type …`: a
 * working plugin package (manifest, TypeScript source, a test running the kind's contract suite
 * from `@export-ia/core/testing`, README) from the templates shipped in `templates/`, and one more
 * component in an existing plugin. A plugin is its skeleton plus one component, added by the same
 * code that `create-component` runs, so the two cannot drift apart.
 *
 * Templates: `templates/plugin/` is the skeleton; `templates/<type>/` holds `template.json` (the
 * manifest entry, README lines, shared files), `component.ts.tmpl` and `component.test.ts.tmpl`.
 * `{{key}}` placeholders are filled from the names below; an unknown one is a bug and throws.
 * The video clipping steps (transcriber, detector, scorer, captioner) all go to
 * `contributes.videoSteps`, each entry with its `kind`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { CORE_VERSION, ExportIaError } from '@export-ia/core';
import type { Command } from 'commander';
import type { CliContext } from './export-command.js';

export interface CreateDeps {
  ctx: CliContext;
  setExit: (code: number) => void;
  printError: (ctx: CliContext, err: unknown) => number;
}

/** Component types with a template and a contract suite: the document components, then the video clipping steps. */
export const COMPONENT_TYPES = ['exporter', 'checker', 'importer', 'transform', 'transcriber', 'detector', 'scorer', 'captioner'] as const;
export type ComponentType = (typeof COMPONENT_TYPES)[number];

/** The video clipping steps: declared in `contributes.videoSteps` with their `kind`, ids unique per kind. */
const VIDEO_STEP_TYPES: ReadonlySet<ComponentType> = new Set(['transcriber', 'detector', 'scorer', 'captioner']);

// A kind of the design (design.md §5) that has no contract in the core yet: refused with a hint.
const NOT_YET = 'widget';

const MANIFEST_KEY: Record<ComponentType, 'exporters' | 'checkers' | 'importers' | 'transforms' | 'videoSteps'> = {
  exporter: 'exporters',
  checker: 'checkers',
  importer: 'importers',
  transform: 'transforms',
  transcriber: 'videoSteps',
  detector: 'videoSteps',
  scorer: 'videoSteps',
  captioner: 'videoSteps',
};

/** The plugin id pattern of the manifest schema. */
const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
// npm's rules for new package names: lower case, URL-safe, optionally scoped, at most 214 characters.
const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

// Versions the generated package builds with; `@export-ia/core` follows the running core.
const TYPESCRIPT_RANGE = '^5.9.3';
const TYPES_NODE_RANGE = '^20.19.0';

const IMPORTS_MARKER = 'export-ia:imports';
const COMPONENTS_MARKER = 'export-ia:components';

const TEMPLATES = new URL('../templates/', import.meta.url);

interface TypeTemplate {
  descriptor: Record<string, unknown>;
  summary: string;
  usage: string;
  /** A paragraph for the README after the summary: what the component is for and how to change it. */
  notes?: string;
  /** Files the component's test needs, written once per plugin: path → template file. */
  shared?: Record<string, string>;
}

const usage = (detail: string) => new ExportIaError('EIA_USAGE', { detail });

function templateText(path: string): string {
  return readFileSync(new URL(path, TEMPLATES), 'utf8');
}

/** Fills `{{key}}` placeholders; a placeholder without a value is a bug in a template. */
export function fill(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template placeholder {{${key}}} has no value`);
    return value;
  });
}

function typeOf(value: string): ComponentType {
  if ((COMPONENT_TYPES as readonly string[]).includes(value)) return value as ComponentType;
  if (value === 'video-step')
    throw usage(
      `--type video-step: say which video step: --type transcriber (speech → words), detector (who the crop follows), scorer (which clips win) or captioner (how burned captions look)`,
    );
  if (value === NOT_YET)
    throw usage(`--type widget: widgets have no plugin contract yet, so there is no template for them. Use --type ${COMPONENT_TYPES.join('|')}`);
  throw usage(`unknown --type "${value}": use one of ${COMPONENT_TYPES.join(', ')}`);
}

function loadType(type: ComponentType): TypeTemplate {
  return JSON.parse(templateText(`${type}/template.json`)) as TypeTemplate;
}

const camel = (id: string) => id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const factoryName = (id: string, type: ComponentType) => `${camel(id)}${type[0]?.toUpperCase()}${type.slice(1)}`;

/** Plugin id from a package name: the scope and an `export-ia-plugin-` or `plugin-` prefix dropped. */
export function pluginIdOf(name: string): string {
  return (name.split('/').pop() ?? name).replace(/^(export-ia-)?plugin-/, '');
}

function checkPackageName(name: string): void {
  if (!NPM_NAME.test(name) || name.length > 214)
    throw usage(`"${name}" is not a valid npm package name: lower-case letters, digits and - . _ ~, optionally scoped (@scope/name)`);
  const id = pluginIdOf(name);
  if (!ID.test(id) || id.length > 64)
    throw usage(
      `the plugin id derived from "${name}" would be "${id}", which is not valid: plugin ids are lower-case letters and digits in words joined by single hyphens, starting with a letter (${ID.source}), at most 64 characters`,
    );
}

function checkComponentId(id: string): void {
  if (!ID.test(id) || id.length > 64)
    throw usage(`"${id}" is not a valid component id: lower-case letters and digits in words joined by single hyphens, starting with a letter (${ID.source})`);
}

/** What was written, relative to the plugin's folder, and what the author must still do by hand. */
interface ComponentResult {
  files: string[];
  /** Lines to add to the entry module when it has no markers (a plugin written by hand). */
  manual?: { file: string; imports: string; register: string };
}

function writeNew(dir: string, rel: string, text: string): void {
  const path = join(dir, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { flag: 'wx' });
}

const RELATIVE_IMPORT = /^import .* from '(\.\/[^']*)';$/;

/**
 * Inserts `line` above the marker's line, with the marker's indentation; undefined when the marker
 * is missing. An import goes among the relative imports right above the marker in sorted order,
 * as formatters keep them.
 */
function insertAbove(source: string, marker: string, line: string): string | undefined {
  const lines = source.split('\n');
  let at = lines.findIndex((l) => l.includes(marker));
  if (at < 0) return undefined;
  const indent = /^\s*/.exec(lines[at] ?? '')?.[0] ?? '';
  const spec = RELATIVE_IMPORT.exec(line)?.[1];
  if (spec !== undefined) {
    for (let above = RELATIVE_IMPORT.exec(lines[at - 1] ?? ''); above && (above[1] ?? '') > spec; above = RELATIVE_IMPORT.exec(lines[at - 1] ?? '')) at--;
  }
  lines.splice(at, 0, `${indent}${line}`);
  return lines.join('\n');
}

/**
 * Adds one component to the plugin in `dir`: `src/<id>.ts`, `test/<id>.test.ts` (and the shared
 * files its test needs), its entry in the manifest's `contributes`, and its registration in
 * `src/index.ts` when that file has the markers.
 */
export function addComponent(dir: string, type: ComponentType, id: string): ComponentResult {
  checkComponentId(id);
  const pkgPath = join(dir, 'package.json');
  if (!existsSync(pkgPath)) throw usage(`${dir} is not a plugin folder: it has no package.json (use --plugin <dir>, or run create-plugin first)`);
  const raw = readFileSync(pkgPath, 'utf8');
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(raw) as Record<string, unknown>;
  } catch (err) {
    throw usage(`${pkgPath} is not valid JSON: ${(err as Error).message}`);
  }
  const manifest = pkg.exportIa;
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest))
    throw usage(`${dir} is not an Export IA plugin: its package.json has no "exportIa" manifest (create one with create-plugin)`);
  const m = manifest as { id?: unknown; contributes?: Record<string, unknown> };
  const contributes = m.contributes ?? {};
  m.contributes = contributes;
  const key = MANIFEST_KEY[type];
  const video = VIDEO_STEP_TYPES.has(type);
  const list = Array.isArray(contributes[key]) ? (contributes[key] as Array<{ id?: unknown; kind?: unknown }>) : [];
  // Video steps share one list; an id is taken only among the steps of the same kind.
  if (list.some((c) => c.id === id && (!video || c.kind === type)))
    throw usage(`the plugin already contributes ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type} "${id}"`);
  const files = [`src/${id}.ts`, `test/${id}.test.ts`];
  for (const f of files) if (existsSync(join(dir, f))) throw usage(`${join(dir, f)} already exists: choose another component name`);

  const template = loadType(type);
  const factory = factoryName(id, type);
  const values = { id, factory, pluginId: String(m.id ?? ''), packageName: String(pkg.name ?? '') };
  writeNew(dir, files[0] as string, fill(templateText(`${type}/component.ts.tmpl`), values));
  writeNew(dir, files[1] as string, fill(templateText(`${type}/component.test.ts.tmpl`), values));
  for (const [rel, source] of Object.entries(template.shared ?? {})) {
    if (existsSync(join(dir, rel))) continue;
    writeNew(dir, rel, fill(templateText(`${type}/${source}`), values));
    files.push(rel);
  }

  list.push(video ? { id, kind: type, ...template.descriptor } : { id, ...template.descriptor });
  contributes[key] = list;
  const indent = /^[ \t]+/m.exec(raw)?.[0] ?? '  ';
  writeFileSync(pkgPath, `${JSON.stringify(pkg, null, indent)}\n`);
  files.push('package.json');

  const imports = `import { ${factory} } from './${id}.js';`;
  const register = `api.${type}('${id}', ${factory}());`;
  const indexPath = join(dir, 'src/index.ts');
  const index = existsSync(indexPath) ? readFileSync(indexPath, 'utf8') : undefined;
  const withImport = index === undefined ? undefined : insertAbove(index, IMPORTS_MARKER, imports);
  const updated = withImport === undefined ? undefined : insertAbove(withImport, COMPONENTS_MARKER, register);
  if (updated === undefined) return { files, manual: { file: index === undefined ? 'your entry module' : 'src/index.ts', imports, register } };
  writeFileSync(indexPath, updated);
  files.push('src/index.ts');
  return { files };
}

function packageJson(name: string, type: ComponentType, summary: string): Record<string, unknown> {
  const coreRange = `^${CORE_VERSION}`;
  return {
    name,
    version: '0.1.0',
    description: `Export IA plugin: ${summary}.`,
    type: 'module',
    main: 'dist/src/index.js',
    exports: { '.': { types: './dist/src/index.d.ts', default: './dist/src/index.js' }, './package.json': './package.json' },
    files: ['dist/src'],
    keywords: ['export-ia-plugin', `export-ia-${type}`],
    engines: { node: '>=20.19', 'export-ia': coreRange },
    scripts: { build: 'tsc', test: 'tsc && node --test dist/test/*.test.js' },
    exportIa: {
      id: pluginIdOf(name),
      apiVersion: 1,
      main: 'dist/src/index.js',
      contributes: {},
      permissions: {},
      resources: { memoryMb: 128, timeoutMs: 10000 },
    },
    peerDependencies: { '@export-ia/core': coreRange },
    devDependencies: { '@export-ia/core': coreRange, '@types/node': TYPES_NODE_RANGE, typescript: TYPESCRIPT_RANGE },
  };
}

/** The component id of a new plugin: its plugin id without a leading `<type>-` (`exporter-opml` → `opml`). */
export function componentIdOf(pluginId: string, type: ComponentType): string {
  return pluginId.startsWith(`${type}-`) && pluginId.length > type.length + 1 ? pluginId.slice(type.length + 1) : pluginId;
}

/** Writes a new plugin package into `dir` (missing or empty). */
export function createPlugin(name: string, type: ComponentType, dir: string): { pluginId: string; componentId: string; files: string[] } {
  checkPackageName(name);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw usage(`${dir} exists and is not a folder: choose another --dir`);
    if (readdirSync(dir).length > 0) throw usage(`${dir} is not empty: choose another --dir, or remove what is in it`);
  }
  const template = loadType(type);
  const pluginId = pluginIdOf(name);
  const componentId = componentIdOf(pluginId, type);
  const folder = basename(dir);
  const values = {
    packageName: name,
    pluginId,
    id: componentId,
    folder,
    summary: template.summary,
    notes: template.notes ? `\n${fill(template.notes, { id: componentId })}\n` : '',
    usage: fill(template.usage, { id: componentId }),
    types: COMPONENT_TYPES.join('|'),
  };
  mkdirSync(dir, { recursive: true });
  writeNew(dir, 'package.json', `${JSON.stringify(packageJson(name, type, template.summary), null, 2)}\n`);
  writeNew(dir, 'tsconfig.json', templateText('plugin/tsconfig.json.tmpl'));
  // Stored without its dot: npm leaves `.gitignore` files out of published packages.
  writeNew(dir, '.gitignore', templateText('plugin/gitignore.tmpl'));
  writeNew(dir, 'README.md', fill(templateText('plugin/README.md.tmpl'), values));
  writeNew(dir, 'src/index.ts', fill(templateText('plugin/src/index.ts.tmpl'), values));
  const added = addComponent(dir, type, componentId);
  const files = ['package.json', 'tsconfig.json', '.gitignore', 'README.md', 'src/index.ts', ...added.files];
  return { pluginId, componentId, files: [...new Set(files)] };
}

/** A path as the user should type it from the working directory. */
function shown(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? path : `./${rel}`;
}

export function registerCreateCommands(program: Command, deps: CreateDeps): void {
  const { ctx, setExit, printError } = deps;
  const out = ctx.streams.stdout;
  const guard =
    <A extends unknown[]>(fn: (...args: A) => number) =>
    (...args: A) => {
      try {
        setExit(fn(...args));
      } catch (err) {
        setExit(printError(ctx, err));
      }
    };
  const types = `${COMPONENT_TYPES.join(', ')} (widget: not yet)`;

  program
    .command('create-plugin')
    .description('Create a plugin package: manifest, TypeScript source, a test running the contract suite, README.')
    .argument('<name>', 'npm package name (export-ia-plugin-opml, @acme/export-ia-plugin-csv); the plugin id is derived from it')
    .requiredOption('--type <type>', `kind of its first component: ${types}`)
    .option('--dir <path>', 'folder to create it in, missing or empty (default: ./<name without scope>)')
    .addHelpText(
      'after',
      `
Examples:
  export-ia create-plugin export-ia-plugin-opml --type exporter
  export-ia create-plugin @acme/export-ia-plugin-notes --type checker --dir plugins/notes
  export-ia create-plugin export-ia-plugin-pauses --type transcriber
  export-ia create-plugin @acme/captioner-pop --type captioner`,
    )
    .action(
      guard((name: string, flags: { type: string; dir?: string }) => {
        const type = typeOf(flags.type);
        const dir = resolve(ctx.cwd, flags.dir ?? (name.split('/').pop() || name));
        const created = createPlugin(name, type, dir);
        const where = shown(ctx.cwd, dir);
        out.write(`Created ${name} in ${where}: plugin "${created.pluginId}" with the ${type} "${created.componentId}".\n`);
        for (const f of created.files) out.write(`  ${f}\n`);
        out.write(
          [
            '',
            'Next steps:',
            `  cd ${where}`,
            '  npm install',
            '  npm test                        # builds, then runs its tests and the contract suite',
            `  export-ia plugins install .     # or, from here: export-ia plugins install ${where}`,
            '',
            `More components: export-ia create-component <name> --type ${COMPONENT_TYPES.join('|')} (in its folder).`,
            '',
          ].join('\n'),
        );
        return 0;
      }),
    );

  program
    .command('create-component')
    .description('Add a component to an existing plugin: its source, its test, its manifest entry and its line in setup.')
    .argument('<name>', 'component id (lower case, hyphens): the format for an exporter or importer, the checker or transform name')
    .requiredOption('--type <type>', `kind of component: ${types}`)
    .option('--plugin <dir>', "the plugin's folder (default: the current folder)")
    .addHelpText('after', '\nExample (in a plugin folder):\n  export-ia create-component notes --type checker')
    .action(
      guard((name: string, flags: { type: string; plugin?: string }) => {
        const type = typeOf(flags.type);
        const dir = resolve(ctx.cwd, flags.plugin ?? '.');
        const result = addComponent(dir, type, name);
        out.write(`Added the ${type} "${name}" to the plugin in ${shown(ctx.cwd, dir)}:\n`);
        for (const f of result.files) out.write(`  ${f}\n`);
        if (result.manual) {
          out.write(
            `\n${result.manual.file} has no "${IMPORTS_MARKER}"/"${COMPONENTS_MARKER}" markers, so register the ${type} yourself:\n  ${result.manual.imports}            // with the imports\n  ${result.manual.register}   // inside setup(api)\n`,
          );
        }
        out.write('\nNext steps: npm test (builds, then runs every test including the new contract suite).\n');
        return 0;
      }),
    );
}

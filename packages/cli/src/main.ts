/**
 * The `export-ia` command line. This is the composition root: the only place that knows which
 * plugins are built in. They are loaded by the same loader as any other plugin.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import {
  type ConfigFile,
  catalog,
  createHost,
  ExportIaError,
  type Host,
  type HostOptions,
  isExportIaError,
  PluginStore,
  renderErrorDocs,
} from '@export-ia/core';
import { Command, CommanderError, Option } from 'commander';
import { type AnalyzeFlags, runAnalyze } from './analyze-command.js';
import { orphanClipJobs, registerClipCommand, resumeClipJobs, type WithHost } from './clip-command.js';
import { registerCorpusCommands } from './corpus-command.js';
import { registerCreateCommands } from './create-command.js';
import { type CliContext, type ExportFlags, loadConfig, runExport } from './export-command.js';
import { registerJobCommands } from './jobs-command.js';
import { pluginStoreDir, realPath, registerPluginCommands, trustedIds } from './plugins-command.js';

/** The built-in plugins, in load order. */
export const BUILTIN_PLUGINS = [
  '@export-ia/plugin-importer-markdown',
  '@export-ia/plugin-importer-html',
  '@export-ia/plugin-importer-docx',
  '@export-ia/plugin-transform-assets',
  '@export-ia/plugin-transform-images',
  '@export-ia/plugin-exporter-html',
  '@export-ia/plugin-exporter-docx',
  '@export-ia/plugin-exporter-pdf-typst',
  '@export-ia/plugin-theme-standard',
  '@export-ia/plugin-checker-language',
  '@export-ia/plugin-checker-structure',
  '@export-ia/plugin-checker-spelling',
  '@export-ia/plugin-checker-style',
  '@export-ia/plugin-checker-readability',
  '@export-ia/plugin-checker-template',
  '@export-ia/plugin-checker-similarity',
  '@export-ia/plugin-ai-enhancer',
  '@export-ia/plugin-checker-output',
  '@export-ia/plugin-video-standard',
] as const;

const require = createRequire(import.meta.url);

/** Package folders of the built-ins, resolved from this package (so any working directory works). */
export function builtinPluginDirs(): string[] {
  return BUILTIN_PLUGINS.map((name) => dirname(require.resolve(`${name}/package.json`)));
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const EXIT_CODES = `
Exit codes:
  0   everything was exported (or analysed)
  1   a quality gate failed: a score below --min-score
  2   usage or configuration error (unknown format or theme, bad flag, invalid config,
      glob matching nothing, broken plugin); nothing was exported
  3   some inputs failed; the others were exported
  70  internal error (a bug: please report it)`;

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * A host with the built-in plugins, the plugins installed in the data directory's plugin store
 * (each verified against its recorded hashes) and those the config file names.
 */
async function withHost<T>(
  config: ConfigFile | undefined,
  ctx: CliContext,
  fn: (host: Host) => Promise<T>,
  dataDir?: string,
  select?: HostOptions['select'],
): Promise<T> {
  const builtins = builtinPluginDirs();
  const installed = new PluginStore({ dir: pluginStoreDir(dataDir, ctx) }).pluginDirs();
  const builtinDirs = new Set(builtins.map((d) => realPath(d)));
  // Only the operator trusts a plugin (an environment variable, not the project's config file,
  // which may come with a hostile repository): every other added plugin runs sandboxed.
  const trusted = trustedIds(ctx);
  const host = await createHost({
    plugins: [...builtins, ...installed, ...(config?.plugins ?? [])],
    cwd: ctx.cwd,
    pluginConfig: config?.pluginConfig ?? {},
    ...(config ? { configDir: config.dir } : {}),
    ...(select ? { select } : {}),
    sandbox: {
      isolate: ({ id, dir }) => !builtinDirs.has(realPath(dir)) && !trusted.has(id),
      // Where the host has no network namespaces, sandboxed plugins are refused unless the
      // operator accepts them without network isolation (permission model and empty env still hold).
      requireNetworkIsolation: ctx.env.EXPORT_IA_SANDBOX_NETWORK !== 'allow',
    },
  });
  try {
    return await fn(host);
  } finally {
    await host.close();
  }
}

function printError(ctx: CliContext, err: unknown): number {
  const e = isExportIaError(err) ? err : new ExportIaError('EIA_INTERNAL', { detail: (err as Error)?.message ?? String(err) });
  ctx.streams.stderr.write(`error ${e.code} ${e.message}\n  hint: ${e.hint}\n`);
  return e.exitCode;
}

function buildProgram(ctx: CliContext, setExit: (code: number) => void): Command {
  const program = new Command('export-ia')
    .description('Turn Markdown, HTML and DOCX into themed PDF, DOCX and HTML.')
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => ctx.streams.stdout.write(s),
      writeErr: (s) => ctx.streams.stderr.write(s),
      outputError: () => {
        // Usage errors are printed by main() with a code and a hint.
      },
    })
    .addHelpText('after', EXIT_CODES)
    .exitOverride();

  program
    .command('export')
    .description('Export documents (files, quoted globs, or - for stdin) to one or more formats.')
    .argument('[inputs...]', "input files, globs such as 'docs/**/*.md', or - for stdin")
    .option('-t, --to <formats>', 'output formats, comma-separated: pdf, docx, html (repeatable)', collect)
    .option('-o, --output <path>', 'output directory (ending in /), a file for one input and format, or - for stdout')
    .option('--theme <name|file|auto>', 'theme id (default, report, academic), a theme file, or auto (chosen from the document type)')
    .option('-M, --metadata <key=value>', 'set document metadata such as title or author (repeatable)', collect)
    .addOption(new Option('--pdf-standard <standard>', 'PDF standard').choices(['a-2b', 'a-3u', 'ua-1']))
    .option('--toc', 'add a table of contents')
    .option('--no-toc', 'no table of contents, even if the theme has one')
    .option('--title-page', 'start with a title page')
    .option('--no-title-page', 'no title page, even if the theme has one')
    .option('--number-sections', 'number the headings')
    .option('--no-number-sections', 'do not number the headings')
    .option('--lang <tag>', 'document language (BCP 47, e.g. en, es-ES)')
    .option('--from <format>', 'input format when the extension does not say (markdown)')
    .option('--allow-remote', 'fetch remote images (http/https, public addresses only, with size and time limits)')
    .option('--resource-path <dir>', 'another folder images may be read from (repeatable)', collect)
    .option('--font-path <dir>', 'another folder of fonts for PDF output (repeatable)', collect)
    .option('--pipeline <file>', 'run a pipeline file (YAML) instead of the default pipeline')
    .option('--config <file>', 'use this config file instead of searching for export-ia.config.yaml')
    .option('--no-config', 'do not read any config file')
    .option('-j, --jobs <n>', 'worker threads for batches (default: one per core)')
    .option('--data-dir <dir>', 'where job history and stored outputs live (default: EXPORT_IA_DATA_DIR or ~/.local/share/export-ia)')
    .option('--quality', 'also check each document and write <name>.quality.json and .html beside its outputs')
    .option('--min-score <n>', 'with the checks, exit with code 1 when a document scores below n')
    .option('--json', 'print one JSON event per line instead of text')
    .option('-q, --quiet', 'print only errors')
    .addHelpText(
      'after',
      `
Settings come from, highest first: flags, EXPORT_IA_* environment variables, export-ia.config.yaml
(searched from the working directory upward), then the document's front matter.

Examples:
  export-ia export report.md --to pdf,docx,html -o out/
  export-ia export 'docs/**/*.md' --to pdf -o out/
  export-ia export report.md --to pdf -o - > report.pdf
  cat notes.md | export-ia export - --to html -o page.html
${EXIT_CODES}`,
    )
    .action(async (inputs: string[], flags: ExportFlags & { config?: string | false }) => {
      try {
        const config = loadConfig(flags, ctx);
        setExit(await withHost(config, ctx, (host) => runExport(inputs, flags, host, config, ctx), flags.dataDir));
      } catch (err) {
        if (flags.json) {
          const e = isExportIaError(err) ? err : new ExportIaError('EIA_INTERNAL', { detail: String(err) });
          (flags.output === '-' ? ctx.streams.stderr : ctx.streams.stdout).write(`${JSON.stringify({ type: 'error', ...e.toJSON() })}\n`);
          setExit(e.exitCode);
        } else setExit(printError(ctx, err));
      }
    });

  const listing = (name: string, description: string, render: (host: Host) => string) =>
    program
      .command(name)
      .description(description)
      .option('--config <file>', 'use this config file')
      .option('--no-config', 'do not read any config file')
      .action(async (flags: { config?: string | false }) => {
        try {
          const config = loadConfig(flags, ctx);
          await withHost(config, ctx, async (host) => {
            ctx.streams.stdout.write(render(host));
          });
          setExit(0);
        } catch (err) {
          setExit(printError(ctx, err));
        }
      });

  listing('themes', 'List the available themes.', (host) =>
    host
      .themeIds()
      .map((id) => {
        const theme = host.resolveTheme(id);
        return `${id.padEnd(12)} ${theme.name}${theme.description ? ` — ${theme.description}` : ''}\n`;
      })
      .join(''),
  );
  listing('formats', 'List input and output formats.', (host) => {
    const inputs = host.importers().map((i) => `  ${i.id.padEnd(10)} ${i.extensions.join(' ')}\n`);
    const outputs = host.exporters().map((e) => `  ${e.id.padEnd(10)} ${e.extension}  ${e.name ?? ''}\n`);
    return `Input formats:\n${inputs.join('')}Output formats:\n${outputs.join('')}`;
  });
  registerPluginCommands(program, {
    ctx,
    setExit,
    printError,
    loadConfig,
    withHost,
    builtinDirs: builtinPluginDirs,
  });
  program
    .command('analyze')
    .description('Check documents (spelling, style, readability, structure, accessibility, language…) and score them 0-100.')
    .argument('[inputs...]', "input files or quoted globs such as 'docs/**/*.md'")
    .option('--checkers <list>', 'only these checkers, comma-separated (default: every default checker; see `export-ia plugins`)')
    .option('-f, --format <format>', 'report format: text, json, sarif (SARIF 2.1.0, for code scanning), html', 'text')
    .option('-o, --output <path>', 'write the report to this file (or directory/ for html), instead of stdout')
    .option('--min-score <n>', 'exit with code 1 when a document scores below n (a CI gate)')
    .option('--audience <audience>', 'who the text is for, which sets the readability target: children, general, technical, academic')
    .option('--fix', 'write fixed copies (<name>.fixed.md) with every safe fix applied')
    .option('--write', 'apply the safe fixes to the source files in place')
    .option('--lang <tag>', 'document language when it is not declared (BCP 47)')
    .option('--from <format>', 'input format when the extension does not say')
    .option('--config <file>', 'use this config file instead of searching for export-ia.config.yaml')
    .option('--no-config', 'do not read any config file')
    .option('-j, --jobs <n>', 'worker threads (default: one per core)')
    .option('--data-dir <dir>', 'where job history lives (default: EXPORT_IA_DATA_DIR or ~/.local/share/export-ia)')
    .option('-q, --quiet', 'print the text report only when something fails')
    .addHelpText(
      'after',
      `
Examples:
  export-ia analyze report.md
  export-ia analyze 'docs/**/*.md' --min-score 80          # CI gate
  export-ia analyze report.md --format sarif -o quality.sarif
  export-ia analyze report.md --format html                # report.quality.html beside it
  export-ia analyze report.md --fix                        # report.fixed.md with safe fixes
${EXIT_CODES}`,
    )
    .action(async (inputs: string[], flags: AnalyzeFlags) => {
      try {
        const config = loadConfig(flags, ctx);
        setExit(await withHost(config, ctx, (host) => runAnalyze(inputs, flags, host, config, ctx)));
      } catch (err) {
        setExit(printError(ctx, err));
      }
    });

  registerCorpusCommands(program, {
    ctx,
    setExit,
    printError,
    withHost: (c, fn) => withHost(loadConfig({}, c), c, fn),
  });

  registerJobCommands(program, {
    ctx,
    setExit,
    printError,
    withHost: (c, fn) => withHost(loadConfig({}, c), c, fn),
    clips: {
      orphans: orphanClipJobs,
      resume: (orphans, flags) => resumeClipJobs(orphans, flags, ctx, withVideoHost),
    },
  });

  registerCreateCommands(program, { ctx, setExit, printError });
  // A clip job needs only the plugins that contribute video steps: the others' code is not run.
  const withVideoHost: WithHost = (config, c, dataDir, fn) => withHost(config, c, fn, dataDir, (m) => m.contributes.videoSteps.length > 0);
  registerClipCommand(program, { ctx, setExit, printError, withHost: withVideoHost });

  program
    .command('errors')
    .description('List every error code with its meaning and what to do.')
    .option('--markdown', 'print the reference as Markdown (docs/errors.md)')
    .action((flags: { markdown?: boolean }) => {
      if (flags.markdown) ctx.streams.stdout.write(renderErrorDocs());
      else for (const [code, e] of Object.entries(catalog)) ctx.streams.stdout.write(`${code.padEnd(34)} ${e.title}\n`);
      setExit(0);
    });
  return program;
}

/** Runs the CLI with the given arguments; returns the exit code (never calls process.exit). */
export async function main(argv: readonly string[], context: Partial<CliContext> = {}): Promise<number> {
  const ctx: CliContext = {
    cwd: context.cwd ?? process.cwd(),
    env: context.env ?? process.env,
    streams: context.streams ?? { stdout: process.stdout, stderr: process.stderr },
    stdin: context.stdin ?? process.stdin,
  };
  let code = 0;
  const program = buildProgram(ctx, (c) => {
    code = c;
  });
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 2;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      const detail = err.message.replace(/^error: /, '');
      ctx.streams.stderr.write(`error EIA_USAGE ${detail}\n  hint: ${catalog.EIA_USAGE.hint}\n`);
      return 2;
    }
    return printError(ctx, err);
  }
}

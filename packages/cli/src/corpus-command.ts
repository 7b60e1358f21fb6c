/**
 * `export-ia corpus add|list|remove`: the documents the similarity checker compares others with,
 * kept in the embedded database (fingerprints and text; the files themselves are not copied).
 */
import { ExportIaError, type Host, isExportIaError, openJobStore, proseBlocks, resolveDataDir, SqliteCorpus } from '@export-ia/core';
import type { Command } from 'commander';
import type { CliContext } from './export-command.js';
import { expandInputs } from './export-command.js';

interface CorpusDeps {
  ctx: CliContext;
  setExit: (code: number) => void;
  printError: (ctx: CliContext, err: unknown) => number;
  withHost: <T>(ctx: CliContext, fn: (host: Host) => Promise<T>) => Promise<T>;
}

const DATA_DIR_HELP = 'where the corpus lives (default: EXPORT_IA_DATA_DIR or ~/.local/share/export-ia)';

/** Opens the corpus of the data directory; the caller closes the store. */
export function openCorpus(dataDir: string | undefined, ctx: CliContext) {
  const jobs = openJobStore(resolveDataDir(dataDir, ctx.env, ctx.cwd));
  return { jobs, corpus: new SqliteCorpus(jobs.store.database) };
}

export function registerCorpusCommands(program: Command, deps: CorpusDeps): void {
  const { ctx, setExit, printError } = deps;
  const out = ctx.streams.stdout;
  const guard =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A) => {
      try {
        setExit(await fn(...args));
      } catch (err) {
        setExit(printError(ctx, err));
      }
    };
  const corpusCmd = program.command('corpus').description('The documents the similarity (plagiarism) checker compares others with: add, list, remove.');

  corpusCmd
    .command('add')
    .description('Add documents (files or quoted globs) to the corpus; a document added again is replaced.')
    .argument('<inputs...>', "files or globs such as 'archive/**/*.md'")
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(
      guard(async (inputs: string[], flags: { dataDir?: string }) =>
        deps.withHost(ctx, async (host) => {
          const similarity = host.registry.checkers.get('similarity');
          const index = similarity?.implementation.indexCorpus?.bind(similarity.implementation);
          if (!index) throw new ExportIaError('EIA_COMPONENT_NOT_FOUND', { kind: 'checker', id: 'similarity', known: host.checkerIds().join(', ') || 'none' });
          const { jobs, corpus } = openCorpus(flags.dataDir, ctx);
          let added = 0;
          let skipped = 0;
          try {
            for (const p of await expandInputs(inputs, ctx.cwd)) {
              try {
                const source = host.readInput(p.input);
                const result = await host.analyzePipeline([]).run(source, { settings: [] });
                const text = proseBlocks(result.document.root)
                  .map((b) => b.text)
                  .join('\n\n');
                if (text.trim() === '') throw new ExportIaError('EIA_INPUT_EMPTY', { file: p.input });
                const entry = index(text);
                const r = await corpus.add(
                  { key: source.path ?? source.name, name: p.input, ...(source.path ? { path: source.path } : {}), sha256: source.hash, text },
                  entry,
                );
                out.write(`${r.replaced ? 'updated' : 'added'} ${p.input} (${entry.words.toLocaleString('en-US')} words)\n`);
                added++;
              } catch (err) {
                // A binary or unreadable file is skipped with a warning; the others are added.
                const e = isExportIaError(err)
                  ? err
                  : new ExportIaError('EIA_INPUT_UNREADABLE', { file: p.input, detail: (err as Error)?.message ?? String(err) });
                ctx.streams.stderr.write(`warning: skipped ${p.input}: ${e.code} ${e.message}\n`);
                skipped++;
              }
            }
            out.write(`${added} added${skipped ? `, ${skipped} skipped` : ''}; the corpus holds ${corpus.count()} document(s)\n`);
          } finally {
            await jobs.close();
          }
          return skipped > 0 ? 3 : 0;
        }),
      ),
    );

  corpusCmd
    .command('list')
    .description('The documents in the corpus.')
    .option('--json', 'print JSON')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(
      guard(async (flags: { dataDir?: string; json?: boolean }) => {
        const { jobs, corpus } = openCorpus(flags.dataDir, ctx);
        try {
          const docs = corpus.listing();
          if (flags.json) out.write(`${JSON.stringify(docs, null, 2)}\n`);
          else if (docs.length === 0) out.write('The corpus is empty. Add documents with `export-ia corpus add <files>`.\n');
          else
            for (const d of docs)
              out.write(
                `${d.id.padStart(5)}  ${d.words.toLocaleString('en-US').padStart(8)} words  ${new Date(d.addedAt).toISOString().slice(0, 10)}  ${d.name}\n`,
              );
          return 0;
        } finally {
          await jobs.close();
        }
      }),
    );

  corpusCmd
    .command('remove')
    .description('Remove documents from the corpus, by id (see `corpus list`), path or name.')
    .argument('<documents...>', 'ids, paths or names')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(
      guard(async (what: string[], flags: { dataDir?: string }) => {
        const { jobs, corpus } = openCorpus(flags.dataDir, ctx);
        try {
          let missing = 0;
          for (const w of what) {
            const n = await corpus.remove(w);
            if (n === 0) {
              ctx.streams.stderr.write(`warning: no corpus document matches "${w}"\n`);
              missing++;
            } else out.write(`removed ${w}\n`);
          }
          return missing > 0 ? 3 : 0;
        } finally {
          await jobs.close();
        }
      }),
    );
}

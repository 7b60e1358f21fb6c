/**
 * @export-ia/plugin-exporter-pdf-typst — PDF through Typst: tagged PDF, bookmarks from
 * headings, footnotes at the foot of the page, a table of contents with page numbers,
 * highlighted code, maths, document metadata, PDF/A-2b, PDF/A-3u and PDF/UA-1.
 *
 * Typst compiles synchronously, so on the main thread compiles go to a pool of worker
 * threads (one per core unless configured); inside a worker thread (batch exports) the
 * exporter compiles in place, because that thread exists to do exactly this work.
 */
import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { type DocumentModel, definePlugin, diagnostic, ExportIaError, labelsFor, toPlainText, WorkerPool, walk, workerFile } from '@export-ia/core/plugin';
import type { WorkerReply } from './compile-worker.js';
import type { CompileResult, CompileTask } from './compiler.js';
import { TypstWriter } from './markup.js';
import { preamble } from './template.js';
import { TypstError } from './typst-error.js';

export { isSafeMath, label, markup, str } from './escape.js';
export { TypstWriter } from './markup.js';
export { preamble, typstLang } from './template.js';

const PAPER_WIDTH_MM: Record<string, number> = { a4: 210, a5: 148, letter: 215.9, legal: 215.9 };
const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'image/svg+xml': 'svg' };

/** PDF/UA-1 needs a title and alt text on every image: say so before Typst does, with lines. */
function checkUa(doc: DocumentModel, file: string): void {
  const missing: string[] = [];
  walk(doc.root, (node) => {
    if ((node.type === 'image' || node.type === 'imageReference') && !(node.alt ?? '').trim()) missing.push(`line ${node.position?.start.line ?? '?'}`);
  });
  if (missing.length > 0) {
    throw new ExportIaError('EIA_PDF_STANDARD', { file, standard: 'PDF/UA-1', detail: `images without alt text at ${missing.slice(0, 5).join(', ')}` });
  }
}

function firstHeading(doc: DocumentModel): string | undefined {
  const h = doc.root.children.find((n) => n.type === 'heading');
  return h ? toPlainText(h) : undefined;
}

export default definePlugin({
  setup(api) {
    const config = api.config as { workers?: number };
    let pool: WorkerPool<CompileTask, WorkerReply> | undefined;
    // Typst's native module loads only where documents are compiled (worker threads, or this
    // thread when it is itself a worker), so the main thread starts fast.
    let inline: typeof import('./compiler.js') | undefined;
    api.onClose(async () => {
      await pool?.close();
      pool = undefined;
      inline?.disposeCompilers();
    });

    const compile = async (task: CompileTask): Promise<CompileResult> => {
      if (!isMainThread) {
        inline ??= await import('./compiler.js');
        return inline.compileTypst(task);
      }
      pool ??= new WorkerPool<CompileTask, WorkerReply>({
        filename: workerFile(import.meta.url, './compile-worker.js'),
        size: config.workers ?? availableParallelism(),
        name: 'PDF compile',
      });
      const reply = await pool.run(task);
      if ('error' in reply) throw new TypstError(reply.error.message, reply.error.standard);
      return reply.ok;
    };

    api.exporter('pdf', {
      async export(doc, ctx) {
        const file = doc.source.name;
        const standard = ctx.settings.pdfStandard;
        if (standard === 'ua-1') checkUa(doc, file);
        const theme = ctx.theme;
        const labels = labelsFor(doc.meta.lang);
        const m = theme.page.margins;
        const textWidthPt = (((PAPER_WIDTH_MM[theme.page.size] ?? 210) - m.left - m.right) * 72) / 25.4;
        const writer = new TypstWriter(doc, labels, (d) => ctx.report(d), textWidthPt);
        const logoPath = theme.logo ? writer.addFile('theme:logo', theme.logo.data, EXTENSIONS[theme.logo.mediaType] ?? 'png') : undefined;
        const { body, files, formulas } = writer.write();
        const head = preamble({
          theme,
          meta: doc.meta,
          settings: ctx.settings,
          labels,
          ...(logoPath ? { logoPath } : {}),
          fallbackTitle: firstHeading(doc) ?? file,
        });
        const task: CompileTask = {
          source: `${head}\n${body}\n`,
          files,
          formulas: formulas.map((f) => ({ id: f.id, definition: f.definition, fallback: f.fallback })),
          fontFiles: theme.fonts.files,
          fontPaths: [...ctx.settings.fontPaths],
          ...(standard ? { pdfStandard: standard } : {}),
          timestamp: Math.floor(Date.now() / 1000),
        };
        let result: CompileResult;
        try {
          result = await compile(task);
        } catch (err) {
          if (err instanceof TypstError || (err as Error)?.name === 'TypstError') {
            const te = err as TypstError;
            if (te.standard) throw new ExportIaError('EIA_PDF_STANDARD', { file, standard: standard ?? '', detail: te.message });
            throw new ExportIaError('EIA_PDF_COMPILE', { file, detail: te.message });
          }
          throw err;
        }
        for (const id of result.failedFormulas) {
          const f = formulas.find((x) => x.id === id);
          if (f) {
            ctx.report(
              diagnostic(
                'EIA_MATH_UNSUPPORTED',
                { tex: f.tex.slice(0, 60), format: 'PDF', detail: 'Typst could not typeset it' },
                f.line ? { position: { line: f.line, column: 1 } } : {},
              ),
            );
          }
        }
        for (const w of [...new Set(result.warnings)].slice(0, 5)) ctx.report(diagnostic('EIA_PDF_WARNING', { detail: w }));
        return result.pdf;
      },
    });
  },
});

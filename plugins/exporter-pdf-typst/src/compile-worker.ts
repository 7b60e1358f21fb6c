/**
 * Worker thread for PDF compiles (Typst's compile is synchronous: it must not block the main
 * thread). Errors cross back as data.
 */
import { serveWorker } from '@export-ia/core/plugin';
import { type CompileResult, type CompileTask, compileTypst, disposeCompilers, TypstError } from './compiler.js';

export type WorkerReply = { ok: CompileResult } | { error: { message: string; standard: boolean } };

serveWorker<CompileTask, WorkerReply>((task) => {
  try {
    const ok = compileTypst(task);
    const transfer = ok.pdf.byteOffset === 0 && ok.pdf.byteLength === ok.pdf.buffer.byteLength && ok.pdf.buffer instanceof ArrayBuffer ? [ok.pdf.buffer] : [];
    return { result: { ok }, transfer };
  } catch (err) {
    const standard = err instanceof TypstError ? err.standard : false;
    return { result: { error: { message: (err as Error).message, standard } } };
  }
});

process.on('exit', disposeCompilers);

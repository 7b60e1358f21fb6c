/**
 * Runs Typst. One warm compiler per thread and font set; each document's files are mapped
 * into an empty, private workspace folder (Typst refuses reads outside it) and unmapped after
 * the document, and the compiler's cache is evicted after each document so memory stays
 * bounded. When the whole document fails and it has maths, every formula is compiled on its
 * own, the failing ones are replaced by their TeX source, and the document is compiled again.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeCompiler } from '@myriaddreamin/typst-ts-node-compiler';
import type { CompileFile } from './markup.js';
import { TypstError } from './typst-error.js';

export interface CompileTask {
  source: string;
  files: CompileFile[];
  formulas: Array<{ id: number; definition: string; fallback: string }>;
  fontFiles: string[];
  fontPaths: string[];
  pdfStandard?: string;
  /** Unix seconds, for `date: auto`. */
  timestamp: number;
}

export interface CompileResult {
  pdf: Uint8Array;
  pages: number;
  warnings: string[];
  /** Formulas that failed and were replaced by their source. */
  failedFormulas: number[];
}

export { TypstError };

interface Warm {
  compiler: NodeCompiler;
  root: string;
}

const warm = new Map<string, Warm>();

function compilerFor(task: CompileTask): Warm {
  const key = JSON.stringify([task.fontFiles, task.fontPaths]);
  let entry = warm.get(key);
  if (!entry) {
    const root = mkdtempSync(join(tmpdir(), 'export-ia-typst-'));
    const fontArgs: Array<{ fontBlobs: Buffer[] } | { fontPaths: string[] }> = [];
    if (task.fontFiles.length > 0) fontArgs.push({ fontBlobs: task.fontFiles.map((f) => readFileSync(f)) });
    if (task.fontPaths.length > 0) fontArgs.push({ fontPaths: task.fontPaths });
    const compiler = NodeCompiler.create({ workspace: root, fontArgs });
    entry = { compiler, root };
    warm.set(key, entry);
  }
  return entry;
}

/** Removes the private workspace folders (at thread exit). */
export function disposeCompilers(): void {
  for (const { root } of warm.values()) rmSync(root, { recursive: true, force: true });
  warm.clear();
}

function messages(compiler: NodeCompiler, err: unknown): string[] {
  try {
    return (compiler.fetchDiagnostics(err as never) as Array<{ message: string; hints?: string[] }>).map((d) => d.message.split(', hints:')[0] ?? d.message);
  } catch {
    return [String(err)];
  }
}

function tryCompile(compiler: NodeCompiler, source: string): { doc?: unknown; errors: string[]; warnings: string[] } {
  const result = compiler.compile({ mainFileContent: source });
  const diagnostics = result.takeDiagnostics();
  const warnings = result.takeWarnings();
  const warningText = warnings ? messages(compiler, warnings) : [];
  if (diagnostics || !result.result) return { errors: diagnostics ? messages(compiler, diagnostics) : ['no document produced'], warnings: warningText };
  return { doc: result.result, errors: [], warnings: warningText };
}

export function compileTypst(task: CompileTask): CompileResult {
  const { compiler, root } = compilerFor(task);
  try {
    for (const f of task.files) compiler.mapShadow(join(root, f.path), Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength));
    let source = task.source;
    let attempt = tryCompile(compiler, source);
    const failedFormulas: number[] = [];
    if (attempt.errors.length > 0 && task.formulas.length > 0) {
      for (const f of task.formulas) {
        if (f.definition === f.fallback) continue;
        const alone = tryCompile(compiler, `${f.definition}\n#export-ia-eq-${f.id}`);
        if (alone.errors.length > 0) {
          failedFormulas.push(f.id);
          source = source.replace(f.definition, () => f.fallback);
        }
      }
      if (failedFormulas.length > 0) attempt = tryCompile(compiler, source);
    }
    if (attempt.errors.length > 0 || !attempt.doc) throw new TypstError(attempt.errors.slice(0, 3).join('; '), false);
    let pdf: Buffer;
    try {
      pdf = compiler.pdf(attempt.doc as never, { ...(task.pdfStandard ? { pdfStandard: task.pdfStandard } : {}), creationTimestamp: task.timestamp });
    } catch (err) {
      const text = String((err as Error).message ?? err);
      const found = [...text.matchAll(/message: "([^"]+)"/g)].map((m) => m[1] as string);
      throw new TypstError(found.length > 0 ? [...new Set(found)].join('; ') : text.slice(0, 300), Boolean(task.pdfStandard));
    }
    const pages = (attempt.doc as { numOfPages?: number }).numOfPages ?? 0;
    return { pdf: new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength), pages, warnings: attempt.warnings, failedFormulas };
  } finally {
    compiler.resetShadow();
    compiler.evictCache(5);
  }
}

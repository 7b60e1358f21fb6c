/**
 * Where outputs go. `-o out/` writes `<name>.<ext>` per input and format (batches mirror the
 * inputs' folders under it), `-o page.html` writes one file, `-o -` writes to stdout. Two inputs
 * that would write the same file are refused (the first keeps it): nothing is overwritten
 * silently within a run.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { ExportIaError } from '../errors/export-ia-error.js';

export interface OutputPlanItem {
  /** Input as the user named it (`-` for stdin). */
  input: string;
  /** Format id → destination path, or `-` for stdout. */
  targets: Record<string, string>;
  /** Set when this input cannot be exported because of its destination. */
  error?: ExportIaError;
}

export interface FormatInfo {
  id: string;
  extension: string;
}

/** True when the output target names a directory (ends with a separator or is an existing directory). */
export function isDirectoryTarget(target: string, exists: (p: string) => boolean): boolean {
  return /[\\/]$/.test(target) || target === '.' || target === '..' || exists(target);
}

/** An input and the folder its output path is taken relative to (the glob's base for glob matches). */
export interface PlannedInput {
  input: string;
  /** Outputs mirror the input's folders below this one. Default: the input's own folder (flat). */
  base?: string;
}

/**
 * Plans every destination up front, so collisions and ambiguous targets are reported before
 * any work starts. Explicit files land flat in an output directory; files matched by a glob keep
 * their folders below the glob's static prefix (`docs/a/index.md` → `out/a/index.pdf`).
 */
export function planOutputs(
  entries: ReadonlyArray<string | PlannedInput>,
  formats: readonly FormatInfo[],
  target: string | undefined,
  options: { cwd: string; isDirectory: (p: string) => boolean },
): OutputPlanItem[] {
  const cwd = options.cwd;
  const inputs = entries.map((e) => (typeof e === 'string' ? { input: e } : e));
  if (target === '-') {
    if (inputs.length !== 1 || formats.length !== 1) {
      throw new ExportIaError('EIA_OUTPUT_AMBIGUOUS', {
        detail: `-o - writes one document to stdout, but ${inputs.length} input(s) and ${formats.length} format(s) were given`,
      });
    }
    return [{ input: (inputs[0] as PlannedInput).input, targets: { [(formats[0] as FormatInfo).id]: '-' } }];
  }
  const toDir = target === undefined || isDirectoryTarget(target, options.isDirectory);
  if (!toDir) {
    if (inputs.length !== 1 || formats.length !== 1) {
      throw new ExportIaError('EIA_OUTPUT_AMBIGUOUS', {
        detail: `-o ${target} names one file, but ${inputs.length} input(s) and ${formats.length} format(s) were given`,
      });
    }
    return [{ input: (inputs[0] as PlannedInput).input, targets: { [(formats[0] as FormatInfo).id]: resolve(cwd, target as string) } }];
  }
  const outDir = target === undefined ? undefined : resolve(cwd, target);
  const claimed = new Map<string, string>();
  return inputs.map(({ input, base }) => {
    const abs = input === '-' ? resolve(cwd, 'stdin') : resolve(cwd, input);
    const stem = basename(abs, extname(abs));
    const own = dirname(abs);
    const below = base === undefined ? '' : relative(resolve(cwd, base), own);
    // Without -o, outputs go next to each input; with a directory, into it (mirroring glob folders).
    const folder = outDir === undefined ? own : join(outDir, below.startsWith('..') || isAbsolute(below) ? '' : below);
    const item: OutputPlanItem = { input, targets: {} };
    for (const f of formats) {
      const dest = join(folder, `${stem}${f.extension}`);
      if (dest === abs) {
        item.error = new ExportIaError('EIA_OUTPUT_COLLISION', { file: dest, first: input, second: `its own ${f.id} output` });
        break;
      }
      const owner = claimed.get(dest);
      if (owner !== undefined) {
        item.error = new ExportIaError('EIA_OUTPUT_COLLISION', { file: relative(cwd, dest) || dest, first: owner, second: input });
        break;
      }
      item.targets[f.id] = dest;
    }
    if (!item.error) for (const dest of Object.values(item.targets)) claimed.set(dest, input);
    return item;
  });
}

/**
 * Writes a file atomically (temporary file + rename), creating folders as needed, so an
 * interrupted run never leaves a half-written document behind.
 */
export function writeFileAtomic(path: string, data: Uint8Array, label: string = path): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The folder may not exist or not be a folder: nothing was left behind.
    }
    const code = (err as NodeJS.ErrnoException).code;
    const detail =
      code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'ENOSPC'
          ? 'no space left on the device'
          : code === 'EROFS'
            ? 'read-only file system'
            : code === 'ENOTDIR'
              ? 'a parent path is a file, not a folder'
              : (err as Error).message;
    throw new ExportIaError('EIA_OUTPUT_NOT_WRITABLE', { file: label, detail });
  }
}

/** Shortens an absolute path for messages (relative to cwd when inside it). */
export function displayPath(path: string, cwd: string): string {
  if (path === '-') return 'stdout';
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

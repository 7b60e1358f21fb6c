/**
 * A corpus made of files listed in the plugin configuration (`sources`: files or folders,
 * relative to the working directory). Kept in memory for the life of the host and brought up to
 * date before each check: only files whose size or modification time changed are read again.
 */
import { type Dirent, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, relative, resolve, sep } from 'node:path';
import { MemoryCorpus } from './corpus.js';
import type { FingerprintOptions } from './fingerprint.js';

/** Extensions read from folders (a file named explicitly is read whatever its extension). */
export const TEXT_EXTENSIONS: ReadonlySet<string> = new Set(['.md', '.markdown', '.mdown', '.mkd', '.txt', '.text']);
const MARKDOWN = new Set(['.md', '.markdown', '.mdown', '.mkd']);
/** Larger files are left out (a corpus is prose, not data dumps). */
export const MAX_SOURCE_BYTES = 32 * 1024 * 1024;

/** A source that could not be used, and why. */
export interface SourceProblem {
  /** The path as configured (a file found in a configured folder: the folder's path joined with its own). */
  file: string;
  reason: string;
}

interface Known {
  size: number;
  mtimeMs: number;
  id: string;
}

export class SourceCorpus {
  readonly corpus: MemoryCorpus;
  readonly #known = new Map<string, Known>();

  constructor(options: Partial<FingerprintOptions>) {
    this.corpus = new MemoryCorpus(options);
  }

  /** Brings the corpus in line with the files under `paths`; returns the ones that could not be read. */
  refresh(cwd: string, paths: readonly string[]): SourceProblem[] {
    const problems: SourceProblem[] = [];
    const files = new Map<string, string>(); // absolute path → id
    // Ids are the paths as configured (a folder's files under the folder's configured path).
    const idOf = (configured: string, within = '') => normalize(join(configured, within)).split(sep).join('/');
    for (const p of paths) {
      const abs = resolve(cwd, p);
      let stat: ReturnType<typeof statSync>;
      try {
        stat = statSync(abs);
      } catch (err) {
        problems.push({ file: p, reason: reasonOf(err) });
        continue;
      }
      if (stat.isDirectory()) for (const f of walk(abs)) files.set(f, idOf(p, relative(abs, f)));
      else files.set(abs, idOf(p));
    }
    for (const [abs, known] of this.#known) {
      if (files.has(abs)) continue;
      this.corpus.remove(known.id);
      this.#known.delete(abs);
    }
    for (const [abs, id] of files) {
      try {
        const stat = statSync(abs);
        const known = this.#known.get(abs);
        if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs) continue;
        if (known) {
          this.corpus.remove(known.id);
          this.#known.delete(abs);
        }
        if (stat.size > MAX_SOURCE_BYTES) throw new SourceError(`larger than ${MAX_SOURCE_BYTES / 1024 / 1024} MB`);
        const text = readText(abs);
        this.corpus.add(id, id, MARKDOWN.has(extname(abs).toLowerCase()) ? maskMarkdown(text) : text, { path: abs });
        this.#known.set(abs, { size: stat.size, mtimeMs: stat.mtimeMs, id });
      } catch (err) {
        problems.push({ file: id, reason: reasonOf(err) });
      }
    }
    return problems;
  }
}

class SourceError extends Error {}

function reasonOf(err: unknown): string {
  if (err instanceof SourceError) return err.message;
  const code = (err as { code?: string }).code;
  if (code === 'ENOENT') return 'not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'a folder';
  return (err as Error).message;
}

/** Text files under a folder, depth first, sorted; hidden folders and node_modules skipped. */
function walk(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop() as string;
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile() && TEXT_EXTENSIONS.has(extname(e.name).toLowerCase())) out.push(p);
    }
  }
  return out.sort();
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a UTF-8 text file; binary files (a NUL byte) and other encodings are refused. */
function readText(path: string): string {
  const bytes = readFileSync(path);
  if (bytes.subarray(0, 8192).includes(0)) throw new SourceError('binary file');
  try {
    return utf8.decode(bytes).replace(/^\uFEFF/, ' ');
  } catch {
    throw new SourceError('not UTF-8 text');
  }
}

const blank = (s: string) => s.replace(/[^\n]/g, ' ');

/**
 * Blanks out what in Markdown is not prose (front matter, fenced code, HTML tags and comments,
 * link destinations, reference definitions), keeping every other character where it was, so
 * offsets into the result are offsets into the file.
 */
export function maskMarkdown(text: string): string {
  return text
    .replace(/^---\r?\n[\s\S]*?\r?\n(?:---|\.\.\.)[ \t]*(?=\r?\n|$)/, blank)
    .replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:\n {0,3}\1[`~]*[ \t]*(?=\n|$)|$)/gm, blank)
    .replace(/<((?:https?|ftp|mailto):[^\s<>]*|[^\s<>@]+@[^\s<>]+)>/gi, (_m, inner: string) => ` ${inner} `)
    .replace(/<!--[\s\S]*?-->|<\/?[A-Za-z][^<>]*>/g, blank)
    .replace(/(\]\s?)(\([^()\s]*(?:\s+"[^"]*")?\))/g, (_m, close: string, dest: string) => close + blank(dest))
    .replace(/^ {0,3}\[[^\]\n]+\]:[^\n]*$/gm, blank);
}

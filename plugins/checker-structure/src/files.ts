/**
 * Local files a document points at (images, linked files): does the target exist? Only paths
 * inside the document's folder or the working directory are looked up, so a document cannot
 * learn which files exist elsewhere on the machine (the assets transform keeps the same rule).
 */
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** The local path of a relative reference, or undefined for URLs, fragments, root-relative and absolute paths. */
export function localPath(url: string): string | undefined {
  const trimmed = url.trim();
  if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('?') || trimmed.startsWith('/') || trimmed.startsWith('\\')) return undefined;
  // Any scheme (http:, mailto:, data:, C: on Windows) is not a relative reference.
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(trimmed)) return undefined;
  const path = trimmed.replace(/[?#].*$/s, '');
  if (path === '') return undefined;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Looks files up once per check. */
export class FileProbe {
  readonly #roots: string[];
  readonly #dir: string;
  readonly #known = new Map<string, boolean | undefined>();

  constructor(dir: string, cwd: string) {
    this.#dir = resolve(dir);
    this.#roots = [this.#dir, resolve(cwd)];
  }

  /** true/false when the path could be checked; undefined when it lies outside the allowed folders. */
  exists(path: string): boolean | undefined {
    const absolute = resolve(this.#dir, path);
    if (this.#known.has(absolute)) return this.#known.get(absolute);
    let result: boolean | undefined;
    if (!this.#roots.some((root) => isInside(absolute, root))) result = undefined;
    else {
      try {
        statSync(absolute);
        result = true;
      } catch {
        result = false;
      }
    }
    this.#known.set(absolute, result);
    return result;
  }
}

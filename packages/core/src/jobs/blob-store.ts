/**
 * Content-addressed storage for job inputs and outputs: `<data dir>/blobs/ab/cdef…` named by
 * sha-256. Events reference blobs by hash, so a job can be re-run or its outputs fetched later.
 * A blob is written to a temporary file, fsynced, then renamed: it is either whole or absent,
 * and it is on disk before the event that names it commits. Reads verify the hash.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { open, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { ExportIaError } from '../errors/export-ia-error.js';
import { sha256 } from '../io/input.js';

const HASH = /^[0-9a-f]{64}$/;
const STALE_TMP_MS = 3_600_000;

/** fsyncs a directory (its entries); platforms that cannot (Windows) skip it. */
async function syncDir(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EPERM on Windows: directory entries are durable there once the rename returns.
  } finally {
    await handle?.close().catch(() => {});
  }
}

export class BlobStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  pathOf(hash: string): string {
    if (!HASH.test(hash)) throw new ExportIaError('EIA_BLOB_MISSING', { what: 'content', hash: hash.slice(0, 80) });
    return join(this.dir, hash.slice(0, 2), hash.slice(2));
  }

  /** Stores bytes (once per content) and returns their hash. Durable when it resolves. */
  async put(bytes: Uint8Array, knownHash?: string): Promise<string> {
    const hash = knownHash ?? sha256(bytes);
    const path = this.pathOf(hash);
    try {
      if ((await stat(path)).size === bytes.byteLength) {
        // Stored already: mark it used now, so retention does not take it from the job that reuses it.
        const now = new Date();
        await utimes(path, now, now);
        return hash;
      }
    } catch {
      // Not stored yet.
    }
    const folder = join(this.dir, hash.slice(0, 2));
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      const created = !existsSync(folder);
      mkdirSync(folder, { recursive: true });
      const handle = await open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, path);
      // The names must be on disk too, or a power cut could keep the event and lose the file.
      await syncDir(folder);
      if (created) await syncDir(this.dir);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => {});
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC') throw new ExportIaError('EIA_STORE_FULL', { file: folder }, { cause: err });
      throw new ExportIaError('EIA_DATA_DIR', { dir: this.dir, detail: (err as Error).message }, { cause: err });
    }
    return hash;
  }

  /** Reads a blob and checks it is intact. */
  async get(hash: string, what = 'content'): Promise<Uint8Array> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.pathOf(hash));
    } catch (err) {
      throw new ExportIaError('EIA_BLOB_MISSING', { what, hash }, { cause: err });
    }
    if (createHash('sha256').update(bytes).digest('hex') !== hash) throw new ExportIaError('EIA_BLOB_MISSING', { what, hash });
    return bytes;
  }

  async has(hash: string): Promise<boolean> {
    try {
      await stat(this.pathOf(hash));
      return true;
    } catch {
      return false;
    }
  }

  /** Every stored hash with its size and modification time. */
  async list(): Promise<Array<{ hash: string; bytes: number; mtimeMs: number }>> {
    const out: Array<{ hash: string; bytes: number; mtimeMs: number }> = [];
    let folders: string[];
    try {
      folders = await readdir(this.dir);
    } catch {
      return out;
    }
    for (const f of folders) {
      if (!/^[0-9a-f]{2}$/.test(f)) continue;
      for (const name of await readdir(join(this.dir, f)).catch(() => [] as string[])) {
        const hash = f + name;
        if (!HASH.test(hash)) {
          // A temporary file left by a crash in the middle of `put`.
          if (name.endsWith('.tmp')) {
            const t = await stat(join(this.dir, f, name)).catch(() => undefined);
            if (t && Date.now() - t.mtimeMs > STALE_TMP_MS) await rm(join(this.dir, f, name), { force: true });
          }
          continue;
        }
        const s = await stat(join(this.dir, f, name)).catch(() => undefined);
        if (s) out.push({ hash, bytes: s.size, mtimeMs: s.mtimeMs });
      }
    }
    return out;
  }

  async remove(hash: string): Promise<void> {
    await rm(this.pathOf(hash), { force: true });
  }

  /** Removes a blob unless it was stored or reused at or after `cutoff` (checked just before). Returns whether it went. */
  async removeIfOlder(hash: string, cutoffMs: number): Promise<boolean> {
    const s = await stat(this.pathOf(hash)).catch(() => undefined);
    if (!s || s.mtimeMs >= cutoffMs) return false;
    await rm(this.pathOf(hash), { force: true });
    return true;
  }
}

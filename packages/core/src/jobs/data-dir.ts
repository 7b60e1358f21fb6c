/**
 * Where jobs, events and stored content live: `--data-dir`, else `EXPORT_IA_DATA_DIR`, else the
 * platform's per-user data folder (`$XDG_DATA_HOME/export-ia`, `~/.local/share/export-ia` on
 * Linux; `~/Library/Application Support/export-ia` on macOS; `%LOCALAPPDATA%\export-ia` on Windows).
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ExportIaError } from '../errors/export-ia-error.js';
import { openSqliteEventStore, type SqliteEventStore, type SqliteEventStoreOptions } from '../events/sqlite-event-store.js';
import { BlobStore } from './blob-store.js';

export const DATA_DIR_ENV = 'EXPORT_IA_DATA_DIR';
export const DATABASE_FILE = 'export-ia.db';

export function defaultDataDir(env: Readonly<Record<string, string | undefined>> = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'export-ia');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'export-ia');
  const xdg = env.XDG_DATA_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.local', 'share'), 'export-ia');
}

/** The data directory from a flag, the environment or the platform default; relative paths resolve from `cwd`. */
export function resolveDataDir(flag: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env, cwd = process.cwd()): string {
  const chosen = flag ?? env[DATA_DIR_ENV];
  return chosen ? resolve(cwd, chosen) : defaultDataDir(env);
}

/** The embedded job store: the database file and the blob folder in one data directory. */
export interface JobStore {
  dir: string;
  store: SqliteEventStore;
  blobs: BlobStore;
  close(): Promise<void>;
}

export function openJobStore(dir: string, options: SqliteEventStoreOptions = {}): JobStore {
  // Private to the user: it holds copies of their documents.
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new ExportIaError('EIA_DATA_DIR', { dir, detail: (err as Error).message });
  }
  const store = openSqliteEventStore(join(dir, DATABASE_FILE), options);
  return { dir, store, blobs: new BlobStore(join(dir, 'blobs')), close: () => store.close() };
}

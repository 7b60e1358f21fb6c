/**
 * Plugin archives (.tgz as `npm pack` makes them, and .zip), read whole into memory and checked
 * before a single byte is written: an archive is refused — not cleaned up — when any entry has
 * an absolute path, a `..` segment, a backslash or NUL, a symbolic or hard link, a device, or a
 * path given twice (also when only the case differs: one would overwrite the other on macOS and
 * Windows). That is the zip-slip family; a refusal names the entry.
 *
 * Our own tar reader (ustar + pax + GNU long names) rather than the `tar` package: the package
 * extracts, and its safety is a filter over extraction; here nothing is extracted until every
 * entry has been read and checked, and the sizes are bounded before decompression ends.
 */
import { gunzipSync } from 'node:zlib';
import yauzl from 'yauzl';
import { ExportIaError } from '../errors/export-ia-error.js';

export interface ArchiveEntry {
  /** Normalised relative path, `/`-separated. */
  path: string;
  data: Uint8Array;
}

export interface ArchiveLimits {
  /** Unpacked bytes, all entries together. Default 256 MiB. */
  maxBytes?: number;
  /** Number of entries. Default 20,000. */
  maxEntries?: number;
}

const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
const DEFAULT_MAX_ENTRIES = 20_000;

function unsafe(archive: string, detail: string): ExportIaError {
  return new ExportIaError('EIA_PLUGIN_ARCHIVE_UNSAFE', { archive, detail });
}

/**
 * Checks one entry's path; returns it normalised (no `.` segments, no trailing slash), or ''
 * for the archive's root folder.
 */
export function checkEntryPath(raw: string, archive: string): string {
  const shown = JSON.stringify(raw.slice(0, 200));
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw unsafe(archive, `entry ${shown} has a control character in its path`);
  if (raw.includes('\\')) throw unsafe(archive, `entry ${shown} has a backslash in its path`);
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) throw unsafe(archive, `entry ${shown} has an absolute path`);
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw unsafe(archive, `entry ${shown} climbs out of the folder with ".."`);
  return segments.join('/');
}

/** Refuses duplicate paths (exact or by case) and enforces the limits. */
function collect(archive: string, limits: ArchiveLimits) {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxEntries = limits.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const entries: ArchiveEntry[] = [];
  const seen = new Map<string, string>();
  let total = 0;
  return {
    entries,
    add(path: string, data: Uint8Array): void {
      if (entries.length >= maxEntries) throw unsafe(archive, `it has more than ${maxEntries} entries`);
      total += data.byteLength;
      if (total > maxBytes) throw unsafe(archive, `it unpacks to more than ${Math.round(maxBytes / 2 ** 20)} MB`);
      const key = path.toLowerCase();
      const prior = seen.get(key);
      if (prior !== undefined) throw unsafe(archive, `entry "${path}" appears twice${prior === path ? '' : ` (as "${prior}")`}`);
      // A file and a folder of the same name: `a` then `a/b` (or the reverse) cannot both exist.
      seen.set(key, path);
      entries.push({ path, data });
    },
    checkTree(): void {
      for (const e of entries) {
        const parts = e.path.split('/');
        for (let i = 1; i < parts.length; i++) {
          const parent = parts.slice(0, i).join('/').toLowerCase();
          if (seen.has(parent)) throw unsafe(archive, `"${seen.get(parent)}" is both a file and the folder of "${e.path}"`);
        }
      }
    },
  };
}

const text = (block: Uint8Array, start: number, length: number): string => {
  const slice = block.subarray(start, start + length);
  const end = slice.indexOf(0);
  return Buffer.from(end === -1 ? slice : slice.subarray(0, end)).toString('utf8');
};

function octal(block: Uint8Array, start: number, length: number, archive: string): number {
  if ((block[start] ?? 0) & 0x80) throw unsafe(archive, 'an entry uses a base-256 size (over 8 GB)');
  const value = text(block, start, length).trim();
  if (value === '') return 0;
  if (!/^[0-7]+$/.test(value)) throw unsafe(archive, `an entry header has a malformed number "${value.slice(0, 20)}"`);
  return Number.parseInt(value, 8);
}

/** pax extended header records: `<length> <key>=<value>\n`, the length in bytes. */
function paxRecords(data: Uint8Array, archive: string): Map<string, string> {
  const out = new Map<string, string>();
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  while (at < buf.length) {
    const space = buf.indexOf(0x20, at);
    const length = space === -1 ? Number.NaN : Number(buf.subarray(at, space).toString('latin1'));
    if (!Number.isSafeInteger(length) || length <= 0 || at + length > buf.length || buf[at + length - 1] !== 0x0a) {
      throw unsafe(archive, 'a pax header is malformed');
    }
    const record = buf.subarray(space + 1, at + length - 1);
    const eq = record.indexOf(0x3d);
    if (eq > 0) out.set(record.subarray(0, eq).toString('utf8'), record.subarray(eq + 1).toString('utf8'));
    at += length;
  }
  return out;
}

/** Reads a gzip-compressed tar archive (what `npm pack` writes). */
export function readTarGz(bytes: Uint8Array, archive: string, limits: ArchiveLimits = {}): ArchiveEntry[] {
  let tar: Buffer;
  try {
    // Bounded while it inflates: a gzip bomb stops at the limit (plus the tar framing).
    tar = gunzipSync(bytes, { maxOutputLength: (limits.maxBytes ?? DEFAULT_MAX_BYTES) + 64 * 1024 * 1024 });
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw code === 'ERR_BUFFER_TOO_LARGE'
      ? unsafe(archive, `it unpacks to more than ${Math.round((limits.maxBytes ?? DEFAULT_MAX_BYTES) / 2 ** 20)} MB`)
      : new ExportIaError('EIA_PLUGIN_INSTALL_FAILED', { source: archive, detail: `not a gzip-compressed tar archive (${(err as Error).message})` });
  }
  const out = collect(archive, limits);
  let offset = 0;
  let longName: string | undefined;
  let pax = new Map<string, string>();
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const stored = octal(header, 148, 8, archive);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (header[i] as number);
    if (sum !== stored) throw new ExportIaError('EIA_PLUGIN_INSTALL_FAILED', { source: archive, detail: `corrupt tar header at byte ${offset}` });
    const size = octal(header, 124, 12, archive);
    const type = String.fromCharCode(header[156] as number);
    const dataStart = offset + 512;
    if (dataStart + size > tar.length) throw new ExportIaError('EIA_PLUGIN_INSTALL_FAILED', { source: archive, detail: 'the archive is truncated' });
    const data = tar.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / 512) * 512;
    const magic = text(header, 257, 6);
    const prefix = magic.startsWith('ustar') ? text(header, 345, 155) : '';
    const name = pax.get('path') ?? longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    if (type === 'x') {
      pax = paxRecords(data, archive);
      continue;
    }
    if (type === 'L') {
      longName = text(data, 0, data.length);
      continue;
    }
    pax = new Map();
    longName = undefined;
    if (type === 'g') continue;
    const path = checkEntryPath(name, archive);
    if (type === '2') throw unsafe(archive, `entry "${path}" is a symbolic link`);
    if (type === '1') throw unsafe(archive, `entry "${path}" is a hard link`);
    if (type === '5') continue;
    if (type !== '0' && type !== '\0' && type !== '7') throw unsafe(archive, `entry "${path}" is not a plain file (tar type "${type}")`);
    if (path === '') throw unsafe(archive, 'a file entry has an empty path');
    out.add(path, new Uint8Array(data));
  }
  out.checkTree();
  return out.entries;
}

const S_IFMT = 0o170000;

/** Reads a zip archive. */
export async function readZip(bytes: Uint8Array, archive: string, limits: ArchiveLimits = {}): Promise<ArchiveEntry[]> {
  const out = collect(archive, limits);
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    // decodeStrings off: yauzl would refuse bad names with its own words; we check them ourselves.
    yauzl.fromBuffer(Buffer.from(bytes), { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }, (err, zipfile) =>
      err ? reject(new ExportIaError('EIA_PLUGIN_INSTALL_FAILED', { source: archive, detail: `not a zip archive (${err.message})` })) : resolve(zipfile),
    );
  });
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (err: Error) => reject(new ExportIaError('EIA_PLUGIN_INSTALL_FAILED', { source: archive, detail: err.message })));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        try {
          const path = checkEntryPath(Buffer.from(entry.fileName as unknown as Uint8Array).toString('utf8'), archive);
          const unixMode = entry.versionMadeBy >> 8 === 3 ? (entry.externalFileAttributes >>> 16) & S_IFMT : 0;
          if (unixMode === 0o120000) throw unsafe(archive, `entry "${path}" is a symbolic link`);
          const isDir = path === '' || (entry.fileName as unknown as Uint8Array).at(-1) === 0x2f || unixMode === 0o040000;
          if (isDir) {
            zip.readEntry();
            return;
          }
          if (unixMode !== 0 && unixMode !== 0o100000) throw unsafe(archive, `entry "${path}" is not a plain file`);
          if (entry.uncompressedSize > maxBytes) throw unsafe(archive, `entry "${path}" unpacks to more than ${Math.round(maxBytes / 2 ** 20)} MB`);
          zip.openReadStream(entry, (err, stream) => {
            if (err) {
              reject(new ExportIaError('EIA_PLUGIN_INSTALL_FAILED', { source: archive, detail: err.message }));
              return;
            }
            const chunks: Buffer[] = [];
            stream.on('data', (c: Buffer) => chunks.push(c));
            stream.on('error', (e: Error) => reject(new ExportIaError('EIA_PLUGIN_INSTALL_FAILED', { source: archive, detail: e.message })));
            stream.on('end', () => {
              try {
                out.add(path, new Uint8Array(Buffer.concat(chunks)));
                zip.readEntry();
              } catch (e) {
                reject(e);
              }
            });
          });
        } catch (e) {
          reject(e);
        }
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  out.checkTree();
  return out.entries;
}

/**
 * The package inside an archive: entries at the root when there is a `package.json` there,
 * else inside the one top folder every entry shares (`package/` from npm pack, `name/` from a
 * zipped folder).
 */
export function packageEntries(entries: readonly ArchiveEntry[], archive: string): ArchiveEntry[] {
  if (entries.some((e) => e.path === 'package.json')) return [...entries];
  const tops = new Set(entries.map((e) => e.path.split('/')[0]));
  const [top] = tops;
  if (tops.size === 1 && top && entries.some((e) => e.path === `${top}/package.json`)) {
    return entries.map((e) => ({ path: e.path.slice(top.length + 1), data: e.data }));
  }
  throw new ExportIaError('EIA_PLUGIN_INSTALL_FAILED', {
    source: archive,
    detail: 'no package.json at the root of the archive or of its one top folder',
  });
}

import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { ExportIaError } from '../errors/export-ia-error.js';
import type { SourceInput } from '../plugins/contracts.js';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Reads an input file with the checks a hostile or mistaken input needs: missing, directory,
 * unreadable, empty, over the size limit (checked before reading, so a 50 GB file costs
 * nothing). Returns bytes; text decoding is {@link decodeText}'s job.
 */
export function readInputFile(name: string, options: { cwd?: string; maxBytes: number }): SourceInput {
  const path = resolve(options.cwd ?? process.cwd(), name);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ExportIaError('EIA_INPUT_NOT_FOUND', { file: name });
    if (code === 'EISDIR') throw new ExportIaError('EIA_INPUT_IS_DIRECTORY', { file: name });
    throw new ExportIaError('EIA_INPUT_UNREADABLE', { file: name, detail: code ?? (err as Error).message });
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new ExportIaError('EIA_INPUT_IS_DIRECTORY', { file: name });
    if (!stat.isFile()) throw new ExportIaError('EIA_INPUT_UNREADABLE', { file: name, detail: 'not a regular file' });
    if (stat.size > options.maxBytes) {
      throw new ExportIaError('EIA_INPUT_TOO_LARGE', { file: name, size: formatBytes(stat.size), limit: formatBytes(options.maxBytes) });
    }
    if (stat.size === 0) throw new ExportIaError('EIA_INPUT_EMPTY', { file: name });
    const bytes = new Uint8Array(stat.size);
    let offset = 0;
    while (offset < bytes.length) {
      const n = readSync(fd, bytes, offset, bytes.length - offset, offset);
      if (n === 0) break;
      offset += n;
    }
    const data = offset === bytes.length ? bytes : bytes.subarray(0, offset);
    return { name, path, dir: dirname(path), bytes: data, hash: sha256(data) };
  } catch (err) {
    if (err instanceof ExportIaError) throw err;
    throw new ExportIaError('EIA_INPUT_UNREADABLE', { file: name, detail: (err as NodeJS.ErrnoException).code ?? (err as Error).message });
  } finally {
    closeSync(fd);
  }
}

/** Reads a stream (stdin) up to `maxBytes`; stops reading and fails as soon as it is over. */
export async function readInputStream(stream: Readable, options: { name?: string; dir?: string; maxBytes: number }): Promise<SourceInput> {
  const name = options.name ?? '-';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > options.maxBytes) {
      stream.destroy();
      throw new ExportIaError('EIA_INPUT_TOO_LARGE', { file: name, size: `more than ${formatBytes(options.maxBytes)}`, limit: formatBytes(options.maxBytes) });
    }
    chunks.push(buf);
  }
  if (size === 0) throw new ExportIaError('EIA_INPUT_EMPTY', { file: name });
  const bytes = new Uint8Array(Buffer.concat(chunks));
  return { name, dir: options.dir ?? process.cwd(), bytes, hash: sha256(bytes) };
}

const SIGNATURES: Array<[string, number[]]> = [
  ['a PDF file', [0x25, 0x50, 0x44, 0x46]],
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['a zip archive (DOCX, XLSX…)', [0x50, 0x4b, 0x03, 0x04]],
  ['a gzip archive', [0x1f, 0x8b]],
  ['an executable', [0x7f, 0x45, 0x4c, 0x46]],
];

/** Names what a binary file looks like, for the error message. */
function describeBinary(bytes: Uint8Array): string {
  for (const [label, sig] of SIGNATURES) if (sig.every((b, i) => bytes[i] === b)) return label;
  return 'it contains NUL bytes';
}

/**
 * Decodes UTF-8 text for text importers. Refuses binary content (NUL bytes or a known binary
 * signature) and invalid UTF-8 with the offset of the first bad byte. Strips a BOM.
 */
export function decodeText(input: SourceInput, format: string): string {
  const { bytes } = input;
  const head = bytes.subarray(0, 8192);
  if (head.includes(0) || SIGNATURES.some(([, sig]) => sig.every((b, i) => bytes[i] === b))) {
    throw new ExportIaError('EIA_INPUT_BINARY', { file: input.name, detail: describeBinary(bytes), format });
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new ExportIaError('EIA_INPUT_ENCODING', { file: input.name, offset: firstInvalidUtf8(bytes) });
  }
}

/** Offset of the first byte that breaks UTF-8. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] ?? 0;
    const need = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return i;
}

/** Lower-case extension with the dot (`.md`), or '' for none. */
export function extensionOf(name: string): string {
  return extname(name).toLowerCase();
}

import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeText, firstInvalidUtf8, readInputFile, readInputStream } from './input.js';

const dir = mkdtempSync(join(tmpdir(), 'eia-in-'));
const read = (name: string, maxBytes = 1024 * 1024) => readInputFile(name, { cwd: dir, maxBytes });
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return 'no error';
};

describe('reading inputs', () => {
  it('reports missing files, directories and empty files with codes', () => {
    expect(codeOf(() => read('nope.md'))).toBe('EIA_INPUT_NOT_FOUND');
    mkdirSync(join(dir, 'folder'));
    expect(codeOf(() => read('folder'))).toBe('EIA_INPUT_IS_DIRECTORY');
    writeFileSync(join(dir, 'empty.md'), '');
    expect(codeOf(() => read('empty.md'))).toBe('EIA_INPUT_EMPTY');
  });

  it('refuses a file over the limit before reading it (a sparse 50 MB file costs nothing)', () => {
    const path = join(dir, 'huge.md');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, 50 * 1024 * 1024);
    closeSync(fd);
    let err: { code?: string; message?: string } = {};
    try {
      read('huge.md', 20 * 1024 * 1024);
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe('EIA_INPUT_TOO_LARGE');
    expect(err.message).toContain('50.0 MB');
  });

  it('hashes what it read', () => {
    writeFileSync(join(dir, 'a.md'), '# Hi\n');
    const input = read('a.md');
    expect(input.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(input.dir).toBe(dir);
  });

  it('refuses binary and non-UTF-8 text, naming what it found and where', () => {
    const png = { name: 'x.md', dir, bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), hash: '' };
    expect(codeOf(() => decodeText(png, 'Markdown'))).toBe('EIA_INPUT_BINARY');
    expect(() => decodeText(png, 'Markdown')).toThrow(/a PNG image/);
    const latin1 = new Uint8Array([...new TextEncoder().encode('caf'), 0xe9, 0x20, 0x61]);
    expect(firstInvalidUtf8(latin1)).toBe(3);
    expect(() => decodeText({ name: 'l.md', dir, bytes: latin1, hash: '' }, 'Markdown')).toThrow(
      expect.objectContaining({ code: 'EIA_INPUT_ENCODING', message: expect.stringContaining('offset 3') }),
    );
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, 0x41]);
    expect(decodeText({ name: 'b.md', dir, bytes: bom, hash: '' }, 'Markdown')).toBe('A');
  });

  it('stops reading stdin as soon as it passes the limit', async () => {
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled += 1;
        this.push(Buffer.alloc(64 * 1024, 0x61));
      },
    });
    await expect(readInputStream(endless, { maxBytes: 1024 * 1024 })).rejects.toMatchObject({ code: 'EIA_INPUT_TOO_LARGE' });
    expect(pulled).toBeLessThan(40);
    await expect(readInputStream(Readable.from([]), { maxBytes: 10 })).rejects.toMatchObject({ code: 'EIA_INPUT_EMPTY' });
  });
});

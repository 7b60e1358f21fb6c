import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planOutputs, writeFileAtomic } from './output.js';

const formats = [
  { id: 'pdf', extension: '.pdf' },
  { id: 'html', extension: '.html' },
];
const opts = (cwd: string) => ({ cwd, isDirectory: () => false });

describe('output planning', () => {
  it('writes <name>.<ext> per format into a directory target', () => {
    const plan = planOutputs(['docs/report.md'], formats, 'out/', opts('/w'));
    expect(plan[0]?.targets).toEqual({ pdf: '/w/out/report.pdf', html: '/w/out/report.html' });
  });

  it('puts explicit files flat in the output directory, and mirrors folders below a glob base', () => {
    const flat = planOutputs(['docs/a/one.md', '/elsewhere/two.md'], formats.slice(0, 1), 'out/', opts('/w'));
    expect(flat.map((p) => p.targets.pdf)).toEqual(['/w/out/one.pdf', '/w/out/two.pdf']);
    const globbed = planOutputs(
      [
        { input: 'docs/a/index.md', base: 'docs' },
        { input: 'docs/b/index.md', base: 'docs' },
      ],
      formats.slice(0, 1),
      'out/',
      opts('/w'),
    );
    expect(globbed.map((p) => p.targets.pdf)).toEqual(['/w/out/a/index.pdf', '/w/out/b/index.pdf']);
  });

  it('refuses two inputs that would write the same file, keeping the first', () => {
    const plan = planOutputs(['docs/report.md', 'docs/report.html'], formats.slice(0, 1), 'out/', opts('/w'));
    expect(plan[0]?.error).toBeUndefined();
    expect(plan[1]?.error?.code).toBe('EIA_OUTPUT_COLLISION');
  });

  it('never lets an output overwrite its own input', () => {
    const plan = planOutputs(['page.html'], [{ id: 'html', extension: '.html' }], undefined, opts('/w'));
    expect(plan[0]?.error?.code).toBe('EIA_OUTPUT_COLLISION');
  });

  it('accepts -o - and -o file only for one input and one format', () => {
    expect(planOutputs(['a.md'], formats.slice(0, 1), '-', opts('/w'))[0]?.targets).toEqual({ pdf: '-' });
    expect(() => planOutputs(['a.md', 'b.md'], formats.slice(0, 1), '-', opts('/w'))).toThrow(expect.objectContaining({ code: 'EIA_OUTPUT_AMBIGUOUS' }));
    expect(() => planOutputs(['a.md'], formats, 'x.pdf', opts('/w'))).toThrow(expect.objectContaining({ code: 'EIA_OUTPUT_AMBIGUOUS' }));
    expect(planOutputs(['a.md'], formats.slice(0, 1), 'x.pdf', opts('/w'))[0]?.targets).toEqual({ pdf: '/w/x.pdf' });
  });
});

describe('atomic writes', () => {
  it('creates folders, leaves no temporary file, and names the file when it cannot write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eia-out-'));
    writeFileAtomic(join(dir, 'a', 'b', 'x.txt'), new TextEncoder().encode('hello'));
    expect(readFileSync(join(dir, 'a', 'b', 'x.txt'), 'utf8')).toBe('hello');
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['x.txt']);
    writeFileSync(join(dir, 'file'), 'not a folder');
    expect(() => writeFileAtomic(join(dir, 'file', 'x.txt'), new Uint8Array(1), 'out/file/x.txt')).toThrow(
      expect.objectContaining({ code: 'EIA_OUTPUT_NOT_WRITABLE', message: expect.stringContaining('out/file/x.txt') }),
    );
    if (process.getuid?.() !== 0) {
      const ro = join(dir, 'ro');
      writeFileAtomic(join(ro, 'seed'), new Uint8Array(1));
      chmodSync(ro, 0o500);
      expect(() => writeFileAtomic(join(ro, 'x.txt'), new Uint8Array(1))).toThrow(/permission denied/);
    }
  });
});

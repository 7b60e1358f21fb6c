/**
 * The export-ia command, end to end, as a user runs it: real processes, real files, exit codes,
 * stdin and stdout, globs, --json events, config discovery and every bad input the issue names.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(repo, 'packages/cli/bin/export-ia.js');
const samples = join(repo, 'examples/documents');

interface Run {
  code: number;
  stdout: Buffer;
  out: string;
  err: string;
}

function run(args: string[], opts: { cwd?: string; input?: string | Buffer; env?: Record<string, string> } = {}): Run {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: opts.cwd ?? repo,
    input: opts.input ?? '',
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'eia-cli-'));

describe('export-ia CLI', () => {
  it('documents the commands and exit codes in --help', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Exit codes:[\s\S]*0\s+everything[\s\S]*2\s+usage[\s\S]*3\s+some inputs failed/);
    const e = run(['export', '--help']);
    expect(e.out).toContain('--pdf-standard');
    expect(e.out).toContain('export-ia.config.yaml');
    expect(run([]).code).toBe(2);
  });

  it('exports one document to PDF, DOCX and HTML', () => {
    const out = tmp();
    const r = run(['export', join(samples, 'letter.md'), '--to', 'pdf,docx,html', '-o', `${out}/`]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    for (const ext of ['pdf', 'docx', 'html']) expect(existsSync(join(out, `letter.${ext}`))).toBe(true);
    expect(readFileSync(join(out, 'letter.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    expect(readFileSync(join(out, 'letter.docx')).subarray(0, 2).toString()).toBe('PK');
    expect(r.out).toMatch(/✓ .*letter\.md → .*letter\.pdf, .*letter\.docx, .*letter\.html/);
    // Piped output carries no terminal escapes.
    expect(r.out.includes(String.fromCharCode(27))).toBe(false);
  });

  it('exports a quoted glob as a batch and reports every file', () => {
    const out = tmp();
    const r = run(['export', 'examples/documents/*.md', '--to', 'html', '-o', `${out}/`, '-j', '2']);
    expect(r.code).toBe(0);
    expect(['report.html', 'letter.html', 'articulo.html'].every((f) => existsSync(join(out, f)))).toBe(true);
    expect(r.out).toContain('3 exported (exit 0)');
  });

  it('reads stdin and writes stdout', () => {
    const html = run(['export', '-', '--to', 'html', '-o', '-'], { input: '# From stdin\n\nHello *world*.\n' });
    expect(html.code).toBe(0);
    expect(html.out).toMatch(/^<!doctype html>/);
    expect(html.out).toContain('<em>world</em>');
    const pdf = run(['export', join(samples, 'letter.md'), '--to', 'pdf', '-o', '-']);
    expect(pdf.code).toBe(0);
    expect(pdf.stdout.subarray(0, 5).toString()).toBe('%PDF-');
    const out = tmp();
    const file = run(['export', '-', '--to', 'html', '-o', join(out, 'page.html')], { input: '# Piped\n' });
    expect(file.code).toBe(0);
    expect(readFileSync(join(out, 'page.html'), 'utf8')).toContain('Piped');
  });

  it('prints one JSON event per line with --json', () => {
    const out = tmp();
    const r = run(['export', join(samples, 'letter.md'), 'nope.md', '--to', 'html', '-o', `${out}/`, '--json']);
    expect(r.code).toBe(3);
    const events = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
    expect(events[0]).toMatchObject({ type: 'start', inputs: 2, formats: ['html'] });
    expect(events.filter((e) => e.type === 'output')).toEqual([expect.objectContaining({ format: 'html', path: join(out, 'letter.html') })]);
    expect(events.find((e) => e.type === 'input-finished' && e.input === 'nope.md')).toMatchObject({
      status: 'failed',
      error: { code: 'EIA_INPUT_NOT_FOUND' },
    });
    expect(events.some((e) => e.type === 'step-finished')).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'done', exported: 1, failed: 1, exitCode: 3 });
  });

  it('exits 2 for usage and configuration errors, with code and hint, exporting nothing', () => {
    const out = tmp();
    const cases: Array<[string[], string]> = [
      [['export', join(samples, 'letter.md'), '--to', 'epub', '-o', `${out}/`], 'EIA_UNKNOWN_FORMAT'],
      [['export', join(samples, 'letter.md'), '--theme', 'fancy', '-o', `${out}/`], 'EIA_UNKNOWN_THEME'],
      [['export', join(samples, 'letter.md'), '--frobnicate'], 'EIA_USAGE'],
      [['export', join(samples, 'letter.md'), '--pdf-standard', 'x-1'], 'EIA_USAGE'],
      [['export', 'nothing/**/*.md'], 'EIA_GLOB_NO_MATCH'],
      [['export', join(samples, 'letter.md'), '-M', 'novalue'], 'EIA_METADATA_INVALID'],
      [['export', join(samples, 'letter.md'), join(samples, 'report.md'), '-o', '-'], 'EIA_OUTPUT_AMBIGUOUS'],
    ];
    for (const [args, code] of cases) {
      const r = run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toContain(code);
      expect(r.err).toContain('hint:');
      expect(r.err).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace
    }
    expect(existsSync(join(out, 'letter.html'))).toBe(false);
  });

  it('finds export-ia.config.yaml upward; flags beat environment beat file beat front matter', () => {
    const root = tmp();
    const work = join(root, 'project', 'docs');
    mkdirSync(work, { recursive: true });
    writeFileSync(join(root, 'project', 'export-ia.config.yaml'), 'to: [html]\ntheme: report\nmetadata:\n  author: Config Author\n');
    writeFileSync(join(work, 'doc.md'), '---\ntitle: Front\ntheme: academic\nauthor: Front Author\n---\n\n# One\n');
    const css = (file: string) => readFileSync(file, 'utf8');
    // The config file beats front matter: report theme (numbered headings), config author.
    let r = run(['export', 'doc.md', '-o', 'a/'], { cwd: work });
    expect(r.code).toBe(0);
    expect(css(join(work, 'a', 'doc.html'))).toContain('counter(h1)');
    expect(css(join(work, 'a', 'doc.html'))).toContain('Config Author');
    // The environment beats the file; a flag beats the environment.
    r = run(['export', 'doc.md', '-o', 'b/'], { cwd: work, env: { EXPORT_IA_THEME: 'default' } });
    expect(css(join(work, 'b', 'doc.html'))).not.toContain('counter(h1)');
    r = run(['export', 'doc.md', '-o', 'c/', '--theme', 'report', '-M', 'author=Flag Author'], { cwd: work, env: { EXPORT_IA_THEME: 'default' } });
    expect(css(join(work, 'c', 'doc.html'))).toContain('counter(h1)');
    expect(css(join(work, 'c', 'doc.html'))).toContain('Flag Author');
    // --no-config ignores the file: front matter applies (academic, front author), default format pdf.
    r = run(['export', 'doc.md', '-o', 'd/', '--no-config', '--to', 'html'], { cwd: work });
    expect(css(join(work, 'd', 'doc.html'))).toContain('Front Author');
    // A broken config file is a usage error naming the line.
    writeFileSync(join(root, 'project', 'export-ia.config.yaml'), 'to: [html\n');
    r = run(['export', 'doc.md'], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/EIA_CONFIG_PARSE .*line \d+/);
  });

  it('handles every bad input with a coded error for that file while the others are exported (exit 3)', () => {
    const dir = tmp();
    const w = (name: string, data: string | Buffer) => writeFileSync(join(dir, name), data);
    w('good.md', '# Good\n\n![missing chart](chart.png)\n\n![fake](fake.png)\n');
    w('fake.png', 'this is text, not a PNG');
    w('empty.md', '');
    w('binary.md', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
    w('latin1.md', Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x0a]));
    w('deep.md', `${'- '.repeat(10_000)}x\n`);
    w('quotes.md', `${'>'.repeat(10_000)} x\n`);
    w('typo.md', '---\ntitel: Oops\n---\n\n# Typo\n');
    w('notzip.docx', 'definitely not a zip');
    const big = openSync(join(dir, 'big.md'), 'w');
    ftruncateSync(big, 50 * 1024 * 1024);
    closeSync(big);
    mkdirSync(join(dir, 'folder.md'));
    const inputs = ['good.md', 'missing.md', 'folder.md', 'empty.md', 'binary.md', 'latin1.md', 'big.md', 'deep.md', 'quotes.md', 'typo.md', 'notzip.docx'];
    const r = run(['export', ...inputs, '--to', 'html', '-o', 'out/', '--json'], { cwd: dir });
    expect(r.code).toBe(3);
    const events = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const finished = new Map(events.filter((e) => e.type === 'input-finished').map((e) => [e.input as string, e]));
    const codeOf = (input: string) => (finished.get(input)?.error as { code?: string } | undefined)?.code;
    expect(finished.get('good.md')?.status).toBe('ok');
    expect(codeOf('missing.md')).toBe('EIA_INPUT_NOT_FOUND');
    expect(codeOf('folder.md')).toBe('EIA_INPUT_IS_DIRECTORY');
    expect(codeOf('empty.md')).toBe('EIA_INPUT_EMPTY');
    expect(codeOf('binary.md')).toBe('EIA_INPUT_BINARY');
    expect(codeOf('latin1.md')).toBe('EIA_INPUT_ENCODING');
    expect(codeOf('big.md')).toBe('EIA_INPUT_TOO_LARGE');
    expect(codeOf('deep.md')).toBe('EIA_INPUT_TOO_DEEP');
    expect(codeOf('quotes.md')).toBe('EIA_INPUT_TOO_DEEP');
    expect(codeOf('notzip.docx')).toBe('EIA_DOCX_NOT_ZIP');
    expect(finished.get('typo.md')?.status).toBe('ok');
    const diagnostics = events.filter((e) => e.type === 'diagnostic');
    expect(diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'EIA_IMAGE_MISSING', file: 'good.md', position: { line: 3, column: 1 } }),
        expect.objectContaining({ code: 'EIA_IMAGE_INVALID', file: 'good.md' }),
        expect.objectContaining({ code: 'EIA_FRONT_MATTER_UNKNOWN_KEY', file: 'typo.md', message: expect.stringContaining('did you mean "title"') }),
      ]),
    );
    const html = readFileSync(join(dir, 'out', 'good.html'), 'utf8');
    expect(html).toContain('missing chart — Image not available');
  });

  it('refuses two inputs writing the same file and an unwritable output, exporting the rest', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'report.md'), '# From Markdown\n');
    writeFileSync(join(dir, 'report.html'), '<html><body><h1>From HTML</h1></body></html>');
    writeFileSync(join(dir, 'other.md'), '# Other\n');
    const r = run(['export', 'report.md', 'report.html', 'other.md', '--to', 'pdf', '-o', 'out/'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.err).toContain('EIA_OUTPUT_COLLISION');
    expect(existsSync(join(dir, 'out', 'report.pdf'))).toBe(true);
    expect(existsSync(join(dir, 'out', 'other.pdf'))).toBe(true);
    writeFileSync(join(dir, 'blocker'), 'a file where a folder should be');
    const blocked = run(['export', 'other.md', '--to', 'html', '-o', 'blocker/sub/'], { cwd: dir });
    expect(blocked.code).toBe(3);
    expect(blocked.err).toContain('EIA_OUTPUT_NOT_WRITABLE');
  });

  it('lists themes, formats, plugins and error codes', () => {
    expect(run(['themes']).out).toMatch(/default[\s\S]*report[\s\S]*academic/);
    expect(run(['formats']).out).toMatch(/Input formats:[\s\S]*markdown[\s\S]*docx[\s\S]*Output formats:[\s\S]*pdf/);
    expect(run(['plugins']).out).toContain('exporter-pdf-typst@0.1.0');
    expect(run(['errors']).out).toContain('EIA_INPUT_TOO_DEEP');
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalog, exitCodeFor } from './catalog.js';
import { renderErrorDocs } from './error-docs.js';
import { diagnostic, ExportIaError, isExportIaError, toExportIaError } from './export-ia-error.js';

describe('error catalogue', () => {
  it('matches docs/errors.md (regenerate with `npm run docs:errors`)', () => {
    const onDisk = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderErrorDocs());
  });

  it('gives every code a title, a message and a hint that says what to do', () => {
    for (const [code, entry] of Object.entries(catalog)) {
      expect(code).toMatch(/^EIA_[A-Z0-9_]+$/);
      expect(entry.title.length).toBeGreaterThan(3);
      expect(entry.message.length).toBeGreaterThan(5);
      expect(entry.hint.length).toBeGreaterThan(10);
    }
  });

  it('maps kinds to the documented exit codes', () => {
    expect(exitCodeFor('usage')).toBe(2);
    expect(exitCodeFor('input')).toBe(3);
    expect(exitCodeFor('internal')).toBe(70);
    expect(new ExportIaError('EIA_UNKNOWN_FORMAT', { format: 'epub', known: 'pdf' }).exitCode).toBe(2);
  });

  it('fills message and hint from params and survives serialisation', () => {
    const err = new ExportIaError('EIA_UNKNOWN_FORMAT', { format: 'epub', known: ['pdf', 'html'] });
    expect(err.message).toBe('Unknown output format "epub".');
    expect(err.hint).toContain('pdf, html');
    const copy = ExportIaError.fromJSON(JSON.parse(JSON.stringify(err)));
    expect(isExportIaError(copy)).toBe(true);
    expect(copy.code).toBe('EIA_UNKNOWN_FORMAT');
    expect(copy.message).toBe(err.message);
  });

  it('wraps foreign errors as internal errors, keeping the cause', () => {
    const cause = new TypeError('boom');
    const err = toExportIaError(cause);
    expect(err.code).toBe('EIA_INTERNAL');
    expect(err.cause).toBe(cause);
    expect(isExportIaError(new Error('x'))).toBe(false);
  });

  it('makes findings as data with severity from the catalogue', () => {
    const d = diagnostic('EIA_IMAGE_MISSING', { url: 'a.png', dir: '/docs' }, { file: 'r.md', position: { line: 3, column: 1 } });
    expect(d).toMatchObject({ code: 'EIA_IMAGE_MISSING', severity: 'warning', file: 'r.md', position: { line: 3, column: 1 } });
    expect(d.message).toContain('a.png');
  });
});

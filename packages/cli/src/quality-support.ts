/** Helpers shared by `analyze` and `export --quality`. */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type AnalyzedDocument, decodeText, ExportIaError, type SourceInput } from '@export-ia/core';

/** Parses and checks `--min-score`. */
export function minScoreOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || n < 0 || n > 100)
    throw new ExportIaError('EIA_USAGE', { detail: `--min-score takes a number from 0 to 100, not "${raw}"` });
  return n;
}

/** The source text of an analysed file, decoded as the pipeline decoded it (fix offsets refer to it). */
export function sourceTextOf(doc: AnalyzedDocument): string | undefined {
  if (!doc.path) return undefined;
  try {
    const bytes = readFileSync(doc.path);
    return decodeText({ name: doc.file, dir: dirname(doc.path), bytes, hash: '' } as SourceInput, 'text');
  } catch {
    return undefined;
  }
}

import { checkSettingsLayer, type SettingsLayer } from '../config/settings.js';
import { type Diagnostic, diagnostic, isExportIaError } from '../errors/export-ia-error.js';
import { closest } from '../util/closest.js';
import { type DocumentMeta, emptyMeta } from './document.js';

/** Front-matter keys that describe the document. */
const META_KEYS = ['title', 'subtitle', 'author', 'authors', 'date', 'lang', 'language', 'keywords', 'subject', 'description', 'abstract', 'extra'];

/** Front-matter keys that are export settings (lowest precedence: flags, env and config win). */
const SETTING_KEYS: Record<string, keyof SettingsLayer> = {
  theme: 'theme',
  toc: 'toc',
  'pdf-standard': 'pdfStandard',
  pdfStandard: 'pdfStandard',
  'title-page': 'titlePage',
  titlePage: 'titlePage',
  'number-sections': 'numberSections',
  numberSections: 'numberSections',
};

export const KNOWN_FRONT_MATTER_KEYS: readonly string[] = [...META_KEYS, ...Object.keys(SETTING_KEYS)];

function text(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Accepts `a`, `[a, b]`, `"a, b"` (keywords) and `{name: a}` entries (authors). */
function list(value: unknown, splitCommas: boolean): string[] {
  const items = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of items) {
    const name = typeof item === 'object' && item !== null && 'name' in item ? text((item as { name: unknown }).name) : text(item);
    if (!name) continue;
    if (splitCommas)
      out.push(
        ...name
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
    else out.push(name);
  }
  return out;
}

export interface InterpretedFrontMatter {
  meta: DocumentMeta;
  settings: SettingsLayer;
  diagnostics: Diagnostic[];
}

/**
 * Splits front matter into document metadata and export settings. Unknown keys are kept in
 * `meta.extra` with a warning (and a "did you mean" when one is close); invalid setting values
 * are ignored with a warning. Never throws: front matter is content, not configuration.
 */
export function interpretFrontMatter(data: Record<string, unknown>, file: string): InterpretedFrontMatter {
  const meta = emptyMeta();
  const settings: Record<string, unknown> = {};
  const diagnostics: Diagnostic[] = [];
  for (const [key, value] of Object.entries(data)) {
    switch (key) {
      case 'title':
      case 'subtitle':
      case 'subject':
      case 'description': {
        const v = text(value);
        if (v !== undefined) meta[key] = v;
        continue;
      }
      case 'abstract': {
        const v = text(value);
        if (v !== undefined) {
          meta.extra.abstract = v;
          meta.description ??= v;
        }
        continue;
      }
      case 'author':
      case 'authors':
        meta.author.push(...list(value, false));
        continue;
      case 'date': {
        const v = text(value);
        if (v !== undefined) meta.date = v;
        continue;
      }
      case 'lang':
      case 'language': {
        const v = text(value);
        if (v !== undefined) meta.lang = v;
        continue;
      }
      case 'keywords':
        meta.keywords.push(...list(value, true));
        continue;
      case 'extra':
        if (typeof value === 'object' && value !== null) Object.assign(meta.extra, value);
        continue;
    }
    const settingKey = SETTING_KEYS[key];
    if (settingKey) {
      try {
        checkSettingsLayer({ [settingKey]: value }, 'front matter');
        settings[settingKey] = value;
      } catch (err) {
        const detail = isExportIaError(err) ? String(err.params.detail ?? err.message) : String(err);
        diagnostics.push(diagnostic('EIA_FRONT_MATTER_VALUE', { key, detail }, { file }));
      }
      continue;
    }
    const suggestion = closest(key, KNOWN_FRONT_MATTER_KEYS);
    meta.extra[key] = value;
    diagnostics.push(
      diagnostic(
        'EIA_FRONT_MATTER_UNKNOWN_KEY',
        { key, suggestion: suggestion ? ` (did you mean "${suggestion}"?)` : '', known: KNOWN_FRONT_MATTER_KEYS.join(', ') },
        { file, position: { line: 1, column: 1 } },
      ),
    );
  }
  return { meta, settings: settings as SettingsLayer, diagnostics };
}

/** Applies `--metadata` / config `metadata` overrides onto document metadata. */
export function applyMetadataOverrides(meta: DocumentMeta, overrides: Record<string, string | string[]>): DocumentMeta {
  const out: DocumentMeta = { ...meta, author: [...meta.author], keywords: [...meta.keywords], extra: { ...meta.extra } };
  for (const [key, value] of Object.entries(overrides)) {
    const one = Array.isArray(value) ? value.join(', ') : value;
    switch (key) {
      case 'title':
      case 'subtitle':
      case 'subject':
      case 'description':
      case 'date':
      case 'lang':
        out[key] = one;
        break;
      case 'author':
      case 'authors':
        out.author = Array.isArray(value) ? [...value] : [value];
        break;
      case 'keywords':
        out.keywords = list(value, true);
        break;
      default:
        out.extra[key] = value;
    }
  }
  return out;
}

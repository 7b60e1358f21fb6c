import type { DocumentMeta } from '../model/document.js';

/**
 * Fills `{title}`, `{subtitle}`, `{author}`, `{date}` in theme header/footer text. `{page}` and
 * `{pages}` are left for the exporter, which knows how its format numbers pages; `page` maps
 * the remaining pieces (literal text and page tokens) to the format's own markup.
 */
export function fillPlaceholders(template: string, meta: DocumentMeta): Array<{ text: string } | { page: 'page' | 'pages' }> {
  const parts: Array<{ text: string } | { page: 'page' | 'pages' }> = [];
  const values: Record<string, string> = {
    title: meta.title ?? '',
    subtitle: meta.subtitle ?? '',
    author: meta.author.join(', '),
    date: meta.date ?? '',
  };
  let last = 0;
  for (const m of template.matchAll(/\{(title|subtitle|author|date|page|pages)\}/g)) {
    const index = m.index ?? 0;
    if (index > last) parts.push({ text: template.slice(last, index) });
    const key = m[1] as string;
    if (key === 'page' || key === 'pages') parts.push({ page: key });
    else parts.push({ text: values[key] ?? '' });
    last = index + m[0].length;
  }
  if (last < template.length) parts.push({ text: template.slice(last) });
  // Merge adjacent text pieces.
  const merged: typeof parts = [];
  for (const p of parts) {
    const prev = merged[merged.length - 1];
    if (prev && 'text' in prev && 'text' in p) prev.text += p.text;
    else merged.push({ ...p });
  }
  return merged.filter((p) => !('text' in p) || p.text !== '');
}

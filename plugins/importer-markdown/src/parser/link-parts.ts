/**
 * Scanners for the parts of links and link reference definitions (CommonMark §4.7, §6.3):
 * labels, destinations and titles. Each takes a string and a start index and returns where the
 * part ends, or -1 / undefined when there is none.
 */
import { normalizeLabel, unescapeString } from './common.js';

const BACKSLASH = 92;

function isEscapable(c: number): boolean {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

/** `[label]`: at most 999 characters inside, no unescaped brackets. Returns the index after `]`. */
export function scanLinkLabel(s: string, pos: number): number {
  if (s.charCodeAt(pos) !== 91) return -1;
  let i = pos + 1;
  const limit = Math.min(s.length, pos + 1001);
  while (i < limit) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH && i + 1 < s.length && isEscapable(s.charCodeAt(i + 1))) {
      i += 2;
      continue;
    }
    if (c === 91) return -1;
    if (c === 93) return i - pos - 1 <= 999 ? i + 1 : -1;
    i++;
  }
  return -1;
}

/** Skips spaces and tabs, and at most one line ending. */
export function skipSpnl(s: string, pos: number): number {
  let i = pos;
  while (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9) i++;
  if (s.charCodeAt(i) === 10) {
    i++;
    while (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9) i++;
  }
  return i;
}

/** A link destination; `url` has escapes and entities resolved. */
export function scanLinkDestination(s: string, pos: number): { end: number; url: string } | undefined {
  if (s.charCodeAt(pos) === 60 /* < */) {
    let i = pos + 1;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === BACKSLASH && i + 1 < s.length && isEscapable(s.charCodeAt(i + 1))) {
        i += 2;
        continue;
      }
      if (c === 10 || c === 60) return undefined;
      if (c === 62) return { end: i + 1, url: unescapeString(s.slice(pos + 1, i)) };
      i++;
    }
    return undefined;
  }
  let i = pos;
  let depth = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH && i + 1 < s.length && isEscapable(s.charCodeAt(i + 1))) {
      i += 2;
      continue;
    }
    if (c === 40) {
      depth++;
      // Nesting is limited (cmark uses 32) to keep pathological input linear.
      if (depth > 32) return undefined;
    } else if (c === 41) {
      if (depth === 0) break;
      depth--;
    } else if (c <= 32 || c === 127) break;
    i++;
  }
  if (depth !== 0) return undefined;
  if (i === pos && s.charCodeAt(i) !== 41) return undefined;
  return { end: i, url: unescapeString(s.slice(pos, i)) };
}

/** A link title in `"…"`, `'…'` or `(…)`. */
export function scanLinkTitle(s: string, pos: number): { end: number; title: string } | undefined {
  const open = s.charCodeAt(pos);
  const close = open === 34 ? 34 : open === 39 ? 39 : open === 40 ? 41 : -1;
  if (close < 0) return undefined;
  let i = pos + 1;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH && i + 1 < s.length && isEscapable(s.charCodeAt(i + 1))) {
      i += 2;
      continue;
    }
    if (c === close) return { end: i + 1, title: unescapeString(s.slice(pos + 1, i)) };
    if (open === 40 && c === 40) return undefined;
    // A blank line ends any title.
    if (c === 10 && /^\n[ \t]*(\n|$)/.test(s.slice(i, i + 64))) return undefined;
    i++;
  }
  return undefined;
}

export interface ReferenceDefinition {
  /** Offsets in the scanned string. */
  start: number;
  end: number;
  label: string;
  /** Normalised label (the lookup key). */
  key: string;
  url: string;
  title: string | null;
}

function atLineEnd(s: string, pos: number): number {
  let i = pos;
  while (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9) i++;
  if (i === s.length) return i;
  if (s.charCodeAt(i) === 10) return i + 1;
  return -1;
}

/** One link reference definition at `pos` (`[label]: dest "title"`), or undefined. */
export function scanReferenceDefinition(s: string, pos: number): ReferenceDefinition | undefined {
  const labelEnd = scanLinkLabel(s, pos);
  if (labelEnd < 0 || s.charCodeAt(labelEnd) !== 58 /* : */) return undefined;
  const rawLabel = s.slice(pos + 1, labelEnd - 1);
  const key = normalizeLabel(rawLabel);
  if (key === '') return undefined;
  const destStart = skipSpnl(s, labelEnd + 1);
  const dest = scanLinkDestination(s, destStart);
  if (!dest) return undefined;
  // A destination in angle brackets may be empty; a bare one may not (it would be the title).
  if (dest.end === destStart) return undefined;
  const beforeTitle = dest.end;
  const titleStart = skipSpnl(s, beforeTitle);
  let title: { end: number; title: string } | undefined;
  if (titleStart !== beforeTitle) title = scanLinkTitle(s, titleStart);
  if (title) {
    const end = atLineEnd(s, title.end);
    if (end >= 0) return { start: pos, end, label: rawLabel, key, url: dest.url, title: title.title };
  }
  // No title, or a title not at line end: the definition may still end after the destination.
  const end = atLineEnd(s, beforeTitle);
  if (end < 0) return undefined;
  return { start: pos, end, label: rawLabel, key, url: dest.url, title: null };
}

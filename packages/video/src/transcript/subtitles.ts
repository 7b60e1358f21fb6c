/**
 * SRT and WebVTT parsing, lenient where real files are sloppy (BOM, CRLF, missing indices, cue
 * settings, styling tags, ASS override blocks, blank lines inside a cue's text) and strict where
 * a guess would put words at the wrong time (a time line that does not parse is an error with
 * its line number).
 */
import { ExportIaError } from '@export-ia/core';

/** A run of words whose start the file states (VTT karaoke timestamps `<00:00:01.000>`). */
export interface TimedText {
  text: string;
  start: number;
}

/** One caption cue. */
export interface Cue {
  start: number;
  end: number;
  /** Plain text: tags removed, entities decoded, lines joined with `\n`. */
  text: string;
  /** When the cue has karaoke timestamps: its text in timed runs (the first may start at `start`). */
  timed?: TimedText[];
  /** 1-based line of the cue's time line in the file (for messages). */
  line: number;
}

const TIME = String.raw`(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[,.](\d{1,3}))?`;
const TIME_LINE = new RegExp(String.raw`^\s*${TIME}\s*-->\s*${TIME}(?:\s+.*)?$`);
const KARAOKE = /<(?:(\d+):)?(\d{1,2}):(\d{1,2})[.,](\d{1,3})>/g;

function seconds(h: string | undefined, m: string | undefined, s: string | undefined, ms: string | undefined): number {
  const fraction = ms ? Number(ms.padEnd(3, '0')) / 1000 : 0;
  return Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s) + fraction;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', nbsp: ' ', quot: '"', apos: "'", lrm: '', rlm: '' };

/** Removes styling (`<b>`, `<c.x>`, `<v Name>`, `<font …>`, `{\an8}`) and decodes entities. */
export function cleanCueText(text: string): string {
  return text
    .replace(/\{\\[^}]*\}/g, '')
    .replace(/<[\d:.,]+>/g, '')
    .replace(/<\/?[a-zA-Z][^>]*>/g, '')
    .replace(/<\/?[a-zA-Z]?>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/\\N/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

function splitKaraoke(raw: string, cueStart: number): TimedText[] | undefined {
  KARAOKE.lastIndex = 0;
  if (!KARAOKE.test(raw)) return undefined;
  KARAOKE.lastIndex = 0;
  const runs: TimedText[] = [];
  let last = 0;
  let start = cueStart;
  for (let match = KARAOKE.exec(raw); match; match = KARAOKE.exec(raw)) {
    const text = cleanCueText(raw.slice(last, match.index)).replace(/\n/g, ' ');
    if (text) runs.push({ text, start });
    start = seconds(match[1], match[2], match[3], match[4]);
    last = match.index + match[0].length;
  }
  const tail = cleanCueText(raw.slice(last)).replace(/\n/g, ' ');
  if (tail) runs.push({ text: tail, start });
  return runs;
}

function invalid(name: string, line: number, detail: string): ExportIaError {
  return new ExportIaError('EIA_VIDEO_TRANSCRIPT_INVALID', { file: name, detail: `line ${line}: ${detail}`, line });
}

/**
 * Parses SRT or WebVTT text into cues sorted by start. Throws EIA_VIDEO_TRANSCRIPT_INVALID (with
 * the line number) for a time line that does not parse or runs backwards, and for a file with no
 * cue at all.
 */
export function parseSubtitles(text: string, name: string): Cue[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const vtt = /^WEBVTT(?:[ \t].*)?$/.test(lines.find((l) => l.trim() !== '')?.trim() ?? '');
  const cues: Cue[] = [];
  let i = 0;
  const blank = (l: string | undefined) => l === undefined || l.trim() === '';
  if (vtt) {
    // Skip the header block (WEBVTT line plus header metadata up to the first blank line).
    while (i < lines.length && blank(lines[i])) i++;
    while (i < lines.length && !blank(lines[i])) i++;
  }
  while (i < lines.length) {
    while (i < lines.length && blank(lines[i])) i++;
    if (i >= lines.length) break;
    const blockStart = i;
    const block: string[] = [];
    while (i < lines.length && !blank(lines[i])) block.push(lines[i++] as string);
    const first = (block[0] as string).trim();
    if (vtt && /^(NOTE|STYLE|REGION)(\s|$)/.test(first)) continue;
    const arrow = block.findIndex((l) => l.includes('-->'));
    if (arrow < 0) {
      // A lone index, or text after a blank line inside the previous cue (common in hand-made SRT).
      if (block.length === 1 && /^\d+$/.test(first)) continue;
      const previous = cues[cues.length - 1];
      if (!previous) throw invalid(name, blockStart + 1, `expected a time line like "00:00:01,000 --> 00:00:03,500", found "${first.slice(0, 60)}"`);
      const extra = cleanCueText(block.join('\n'));
      if (extra) previous.text = previous.text ? `${previous.text}\n${extra}` : extra;
      continue;
    }
    // Lines before the arrow are the index (SRT) or identifier (VTT): anything goes.
    const lineNo = blockStart + arrow + 1;
    const timeLine = block[arrow] as string;
    const match = TIME_LINE.exec(timeLine);
    if (!match) throw invalid(name, lineNo, `cannot read the time line "${timeLine.trim().slice(0, 80)}"`);
    const start = seconds(match[1], match[2], match[3], match[4]);
    const end = seconds(match[5], match[6], match[7], match[8]);
    if (Number(match[3]) >= 60 || Number(match[7]) >= 60 || Number(match[2]) >= 60 || Number(match[6]) >= 60) {
      throw invalid(name, lineNo, `minutes and seconds must be below 60 in "${timeLine.trim().slice(0, 80)}"`);
    }
    if (end < start) throw invalid(name, lineNo, `the cue ends (${end.toFixed(3)} s) before it starts (${start.toFixed(3)} s)`);
    const raw = block.slice(arrow + 1).join('\n');
    const cue: Cue = { start, end, text: cleanCueText(raw), line: lineNo };
    const timed = splitKaraoke(raw, start);
    if (timed) cue.timed = timed;
    cues.push(cue);
  }
  if (cues.length === 0 && lines.some((l) => l.trim() !== '' && !/^WEBVTT/.test(l.trim()))) {
    throw invalid(name, 1, 'no cue found (no line with "-->")');
  }
  return dropRollUp(cues.filter((c) => c.text !== '').sort((a, b) => a.start - b.start || a.end - b.end));
}

/**
 * Roll-up captions (YouTube's automatic VTT, TV captions) repeat the previous cue's last line as
 * the first line of the next: keep each line once, or every word would be said twice.
 */
function dropRollUp(cues: Cue[]): Cue[] {
  const out: Cue[] = [];
  for (const cue of cues) {
    const previous = out[out.length - 1];
    if (previous && !cue.timed) {
      const lastLine = previous.text.split('\n').pop();
      const lines = cue.text.split('\n');
      if (lines.length > 1 && lines[0] === lastLine) cue.text = lines.slice(1).join('\n');
      else if (cue.text === previous.text && cue.start <= previous.end + 0.05) {
        // The same text again (a repeated or split cue): extend the first.
        previous.end = Math.max(previous.end, cue.end);
        continue;
      }
    }
    out.push(cue);
  }
  return out;
}

/**
 * Caption lines → sidecar subtitle files: SubRip (`clip-01.srt`) and WebVTT (`clip-01.vtt`).
 * Times are clip time, so the files play beside the rendered clip.
 */
import type { CaptionLine } from './lines.js';

function clock(seconds: number, separator: ',' | '.'): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const rest = ms % 1000;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}${separator}${String(rest).padStart(3, '0')}`;
}

function text(words: CaptionLine['words']): string {
  return words
    .map((w) => w.text.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join(' ');
}

/** A SubRip file: numbered cues, `00:00:01,000 --> 00:00:02,500`, one text line each. */
export function toSrt(lines: readonly CaptionLine[]): string {
  const cues: string[] = [];
  for (const line of lines) {
    // A caption line that reads like a time line (`-->`) would be taken for one by SRT readers.
    const body = text(line.words).replace(/-->/g, '->');
    if (!body) continue;
    cues.push(`${cues.length + 1}\n${clock(line.start, ',')} --> ${clock(line.end, ',')}\n${body}\n`);
  }
  return cues.join('\n');
}

function escapeVtt(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface VttOptions {
  /** Put a `<00:00:01.400>` timestamp before each word after the first (karaoke captions). */
  karaoke?: boolean;
}

/** A WebVTT file: `WEBVTT` header, `00:00:01.000 --> 00:00:02.500` cues, text escaped. */
export function toVtt(lines: readonly CaptionLine[], options: VttOptions = {}): string {
  const cues: string[] = ['WEBVTT\n'];
  for (const line of lines) {
    const words = line.words.map((w) => ({ ...w, text: w.text.replace(/\s+/g, ' ').trim() })).filter((w) => w.text);
    if (words.length === 0) continue;
    const startMs = Math.round(line.start * 1000);
    const endMs = Math.round(line.end * 1000);
    let body: string;
    if (options.karaoke) {
      // Timestamps must lie strictly inside the cue and increase.
      let last = startMs;
      body = words
        .map((w, i) => {
          const at = Math.round(w.start * 1000);
          const tag = i > 0 && at > last && at < endMs ? `<${clock(at / 1000, '.')}>` : '';
          if (tag) last = at;
          return `${tag}${escapeVtt(w.text)}`;
        })
        .join(' ');
    } else {
      body = escapeVtt(words.map((w) => w.text).join(' '));
    }
    cues.push(`${clock(line.start, '.')} --> ${clock(line.end, '.')}\n${body}\n`);
  }
  return cues.join('\n');
}

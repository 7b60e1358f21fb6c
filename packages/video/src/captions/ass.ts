/**
 * Caption lines → an ASS subtitle script for libass (ffmpeg's `ass` filter), and the filter that
 * burns it in.
 *
 * Placement: the caption's centre is at `style.position` of the height, clamped into the safe
 * area. On vertical video (taller than 3:2) TikTok, Reels and Shorts draw their buttons and the
 * description over the bottom ~20 % and the top ~10 %, and the like/share column over the right
 * edge: the caption block (two lines at most) is kept between 10 % and 80 % of the height, with
 * side margins of 11 % of the width. Other shapes keep 5 % off the top and bottom.
 *
 * Karaoke: one event per word's time slice, the whole line each time with the current word
 * coloured by an inline `\1c` override. libass's `\k` tags instead sweep every word already
 * spoken from SecondaryColour to PrimaryColour, so past words stay highlighted; one word at a
 * time reads better in short-form video and renders the same in libass 0.14 and 0.17.
 */
import { filterValue } from '../ffmpeg.js';
import type { CaptionStyle } from '../types.js';
import type { CaptionLine } from './lines.js';
import { captionFont } from './style.js';

/** Fractions of the frame that captions keep out of. */
export interface SafeArea {
  top: number;
  bottom: number;
  /** Left and right margins (libass wraps a line that would cross them). */
  side: number;
}

/** Vertical video: the platforms' interface covers the bottom ~20 % and the top ~10 %. */
export const VERTICAL_SAFE_AREA: Readonly<SafeArea> = Object.freeze({ top: 0.1, bottom: 0.2, side: 0.11 });
/** Square, 4:5 and landscape video. */
export const DEFAULT_SAFE_AREA: Readonly<SafeArea> = Object.freeze({ top: 0.05, bottom: 0.05, side: 0.06 });

/** The safe area used for an output size. */
export function safeAreaFor(width: number, height: number): SafeArea {
  return { ...(height / width > 1.5 ? VERTICAL_SAFE_AREA : DEFAULT_SAFE_AREA) };
}

export interface AssOptions {
  /** Output size in pixels (PlayResX/PlayResY, so sizes in the script are pixels). */
  width: number;
  height: number;
  style: CaptionStyle;
  mode: 'plain' | 'karaoke';
  /** The font name to write; by default the style's family, or the family inside its font file. */
  fontFamily?: string;
  /** Override the safe area; `false` places the caption exactly at `style.position`. */
  safeArea?: SafeArea | false;
}

/** The longest word shown as it is; a longer one (a URL, a hostile caption) is cut with an ellipsis. */
export const MAX_SHOWN_WORD = 48;

function shortWord(text: string): string {
  if (text.length <= MAX_SHOWN_WORD) return text;
  return `${text.slice(0, MAX_SHOWN_WORD - 1).replace(/[\uD800-\uDBFF]$/, '')}…`;
}

/** `#RRGGBB` or `#RRGGBBAA` (AA = opacity, FF opaque) → ASS `&HAABBGGRR` (AA = transparency). */
export function assColor(color: string): string {
  const match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})?$/i.exec(color);
  if (!match) throw new TypeError(`Not a colour #RRGGBB or #RRGGBBAA: ${color}`);
  const [, r, g, b, a] = match;
  const alpha = 255 - Number.parseInt(a ?? 'ff', 16);
  return `&H${alpha.toString(16).padStart(2, '0')}${b}${g}${r}`.toUpperCase();
}

/** The colour and alpha override tags for a colour: `\1c&HBBGGRR&\1a&HAA&`. */
function colorTags(color: string): string {
  const ass = assColor(color);
  return `\\1c&H${ass.slice(4)}&\\1a&H${ass.slice(2, 4)}&`;
}

/**
 * Text for an ASS event: `{` `}` escaped as `\{` `\}` (libass), a backslash followed by a word
 * joiner (U+2060, invisible) so `\N`, `\h` and friends in the words stay literal, whitespace,
 * newlines and control characters (a NUL would end the script) as single spaces.
 */
export function escapeAssText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
  return text.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').replace(/[\\{}]/g, (c) => (c === '\\' ? '\\\u2060' : `\\${c}`));
}

/** Seconds → `H:MM:SS.cc` (centiseconds, rounded, so equal times stay equal). */
export function assTime(seconds: number): string {
  const cs = Math.max(0, Math.round(seconds * 100));
  const h = Math.floor(cs / 360000);
  const m = Math.floor((cs % 360000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  const c = cs % 100;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(c).padStart(2, '0')}`;
}

function round1(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/**
 * The caption's vertical centre in pixels: `style.position` of the height, moved so that a block
 * of two lines (with its outline) stays inside the safe area.
 */
export function captionCenterY(style: Pick<CaptionStyle, 'position' | 'size' | 'outline'>, height: number, safeArea: SafeArea | false): number {
  const wanted = style.position * height;
  if (!safeArea) return wanted;
  const fontPx = style.size * height;
  const half = (2 * fontPx * 1.2 + 2 * style.outline * fontPx) / 2;
  const low = safeArea.top * height + half;
  const high = (1 - safeArea.bottom) * height - half;
  if (low > high) return ((safeArea.top + 1 - safeArea.bottom) / 2) * height;
  return Math.min(high, Math.max(low, wanted));
}

/**
 * About how many characters fit on one caption line (for `captionLines`' `maxChars`): the width
 * inside the safe area over an average bold glyph width (wider in capitals).
 */
export function captionMaxChars(
  style: Pick<CaptionStyle, 'size' | 'uppercase'>,
  width: number,
  height: number,
  safeArea: SafeArea | false = safeAreaFor(width, height),
): number {
  const usable = width * (1 - 2 * (safeArea ? safeArea.side : 0.04));
  const glyph = style.size * height * (style.uppercase ? 0.55 : 0.45);
  // 42: the usual longest subtitle line, however wide the frame.
  return Math.min(42, Math.max(8, Math.floor(usable / glyph)));
}

/** An ASS script (`[Script Info]`, `[V4+ Styles]`, `[Events]`) showing the lines. */
export function toAss(lines: readonly CaptionLine[], options: AssOptions): string {
  const { width, height, style, mode } = options;
  const family = options.fontFamily ?? captionFont(style).family;
  const safe = options.safeArea === undefined ? safeAreaFor(width, height) : options.safeArea;
  const fontPx = Math.max(1, Math.round(style.size * height));
  const side = Math.round((safe ? safe.side : 0.04) * width);
  const x = Math.round(width / 2);
  const y = Math.round(captionCenterY(style, height, safe));
  const pos = `{\\an5\\pos(${x},${y})}`;
  const out: string[] = [
    '[Script Info]',
    '; Generated by Export IA',
    'ScriptType: v4.00+',
    `PlayResX: ${width}`,
    `PlayResY: ${height}`,
    // 0: smart wrapping (lines of even width) for a caption too wide for the frame.
    'WrapStyle: 0',
    'ScaledBorderAndShadow: yes',
    'YCbCr Matrix: None',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    [
      'Style: Caption',
      family.replace(/[,\r\n]/g, ' '),
      fontPx,
      assColor(style.color),
      assColor(style.highlightColor),
      assColor(style.outlineColor),
      '&H80000000',
      style.bold ? -1 : 0,
      0,
      0,
      0,
      100,
      100,
      0,
      0,
      1,
      round1(style.outline * fontPx),
      0,
      5,
      side,
      side,
      0,
      1,
    ].join(','),
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
  ];
  const word = (text: string): string => escapeAssText(shortWord(style.uppercase ? text.toUpperCase() : text));
  const event = (start: number, end: number, text: string): void => {
    if (Math.round(end * 100) <= Math.round(start * 100)) return;
    out.push(`Dialogue: 0,${assTime(start)},${assTime(end)},Caption,,0,0,0,,${pos}${text}`);
  };
  const on = `{${colorTags(style.highlightColor)}}`;
  const off = `{${colorTags(style.color)}}`;
  for (const line of lines) {
    const words = line.words.map((w) => word(w.text));
    if (mode === 'plain' || words.length === 0) {
      event(line.start, line.end, words.join(' '));
      continue;
    }
    line.words.forEach((current, i) => {
      const start = i === 0 ? line.start : Math.max(line.start, current.start);
      const next = line.words[i + 1];
      const end = next ? Math.min(line.end, Math.max(start, next.start)) : line.end;
      const text = words.map((w, j) => (j === i ? `${on}${w}${off}` : w)).join(' ');
      event(start, end, text);
    });
  }
  return `${out.join('\n')}\n`;
}

/**
 * The filter-graph fragment that burns an ASS file in (`ass=filename=…:fontsdir=…`), with both
 * paths escaped for the graph. Put it after the trim/concat that makes clip time start at 0.
 */
export function assFilter(assPath: string, fontsDir?: string): string {
  const base = `ass=filename=${filterValue(assPath)}`;
  return fontsDir ? `${base}:fontsdir=${filterValue(fontsDir)}` : base;
}

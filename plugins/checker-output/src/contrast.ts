/**
 * Colour contrast of the theme, read from the CSS the HTML exporter embeds (the same colours drive
 * the PDF and DOCX). jsdom computes no colours, so axe's `color-contrast` cannot run there; this
 * reads the CSS rules for each text/background pair the exporter styles and applies WCAG 2.1's
 * contrast ratio (relative luminance, sRGB).
 */

/** One top-level style rule: its selectors and declarations (last one wins). */
interface CssRule {
  selectors: string[];
  declarations: Map<string, string>;
}

type Rgba = readonly [number, number, number, number];

/** What was measured for one pair. */
export interface ContrastPair {
  /** What the pair is, for people: `body text`, `table header`… */
  pair: string;
  foreground: string;
  background: string;
  /** WCAG ratio, 1–21, rounded to 2 decimals. */
  ratio: number;
  /** 4.5 for normal text, 3 for large text (WCAG 2.1 SC 1.4.3). */
  required: number;
  ok: boolean;
  large: boolean;
  /** The theme keys (`colors.text`) that set these colours, when they are the theme's. */
  themeKeys: string[];
  /**
   * `theme`: colours the theme sets; `exporter`: colours the HTML exporter fixes itself (syntax
   * highlighting, callout titles), which matter only where the document uses them.
   */
  source: 'theme' | 'exporter';
  /** Exporter pairs: the class that carries the colour, to check whether the document uses it. */
  className?: string;
}

/** Removes comments and splits the style sheet into top-level rules; at-rule blocks (@media print…) are skipped. */
function parseCss(css: string): CssRule[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const rules: CssRule[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0) break;
    const prelude = text.slice(i, open).trim();
    // Find the matching close brace (blocks nest inside at-rules).
    let depth = 1;
    let j = open + 1;
    while (j < text.length && depth > 0) {
      const ch = text[j];
      if (ch === '{') depth++;
      else if (ch === '}') depth--;
      j++;
    }
    const body = text.slice(open + 1, j - 1);
    i = j;
    if (prelude.startsWith('@') || body.includes('{')) continue;
    const declarations = new Map<string, string>();
    for (const decl of splitTop(body, ';')) {
      const colon = decl.indexOf(':');
      if (colon < 0) continue;
      const name = decl.slice(0, colon).trim();
      const value = decl
        .slice(colon + 1)
        .replace(/!important\s*$/i, '')
        .trim();
      if (name && value) declarations.set(name.startsWith('--') ? name : name.toLowerCase(), value);
    }
    rules.push({ selectors: splitTop(prelude, ',').map((s) => s.replace(/\s+/g, ' ').trim()), declarations });
  }
  return rules;
}

/** Splits on `sep` outside parentheses and quotes. */
function splitTop(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let k = 0; k < text.length; k++) {
    const ch = text[k];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === sep && depth === 0) {
      out.push(text.slice(start, k));
      start = k + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

const NAMED: Readonly<Record<string, Rgba>> = {
  white: [255, 255, 255, 1],
  black: [0, 0, 0, 1],
  transparent: [0, 0, 0, 0],
  gray: [128, 128, 128, 1],
  grey: [128, 128, 128, 1],
  silver: [192, 192, 192, 1],
  red: [255, 0, 0, 1],
  green: [0, 128, 0, 1],
  blue: [0, 0, 255, 1],
  yellow: [255, 255, 0, 1],
  navy: [0, 0, 128, 1],
  maroon: [128, 0, 0, 1],
  purple: [128, 0, 128, 1],
  teal: [0, 128, 128, 1],
  olive: [128, 128, 0, 1],
  orange: [255, 165, 0, 1],
};

/** Custom properties in scope: `:root`'s, then the element's own rules'. */
type Scope = ReadonlyMap<string, string>;

/**
 * A CSS colour value → RGBA: hex, rgb()/rgba(), a few names, `var()` (with fallback) and
 * `color-mix(in srgb, …)`. Anything else (currentColor, gradients) → undefined.
 */
export function parseColor(value: string, scope: Scope = new Map(), depth = 0): Rgba | undefined {
  if (depth > 20) return undefined;
  const v = value.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,8})$/.exec(v)?.[1];
  if (hex) {
    const digits = hex.length <= 4 ? [...hex].map((c) => c + c).join('') : hex;
    if (digits.length !== 6 && digits.length !== 8) return undefined;
    const at = (n: number) => Number.parseInt(digits.slice(n, n + 2), 16);
    return [at(0), at(2), at(4), digits.length === 8 ? at(6) / 255 : 1];
  }
  const named = NAMED[v];
  if (named) return named;
  const fn = /^([a-z-]+)\((.*)\)$/s.exec(v);
  if (!fn) return undefined;
  const [, name, args = ''] = fn;
  if (name === 'var') {
    const [prop, ...fallback] = splitTop(args, ',');
    const resolved = prop ? scope.get(prop.trim()) : undefined;
    if (resolved !== undefined) return parseColor(resolved, scope, depth + 1);
    return fallback.length > 0 ? parseColor(fallback.join(','), scope, depth + 1) : undefined;
  }
  if (name === 'rgb' || name === 'rgba') {
    const parts = args
      .replace(/\s*\/\s*/, ' / ')
      .split(/[\s,]+/)
      .filter((p) => p !== '' && p !== '/');
    const channel = (p: string | undefined) => (p === undefined ? Number.NaN : p.endsWith('%') ? (Number.parseFloat(p) * 255) / 100 : Number.parseFloat(p));
    const alpha = (p: string | undefined) => (p === undefined ? 1 : p.endsWith('%') ? Number.parseFloat(p) / 100 : Number.parseFloat(p));
    const rgba: Rgba = [channel(parts[0]), channel(parts[1]), channel(parts[2]), alpha(parts[3])];
    return rgba.every((n) => Number.isFinite(n)) ? rgba : undefined;
  }
  if (name === 'color-mix') {
    const [space, a, b] = splitTop(args, ',');
    if (!space || !/^in srgb$/.test(space.trim()) || !a || !b) return undefined;
    const part = (s: string) => {
      const m = /^(.*?)\s+(\d+(?:\.\d+)?)%$/.exec(s.trim());
      return m ? { color: m[1] ?? '', pct: Number(m[2]) / 100 } : { color: s.trim(), pct: undefined };
    };
    const pa = part(a);
    const pb = part(b);
    const ca = parseColor(pa.color, scope, depth + 1);
    const cb = parseColor(pb.color, scope, depth + 1);
    if (!ca || !cb) return undefined;
    const wa = pa.pct ?? (pb.pct === undefined ? 0.5 : 1 - pb.pct);
    const wb = pb.pct ?? 1 - wa;
    const total = wa + wb || 1;
    // Premultiplied alpha, as CSS Color 5 specifies; opaque colours reduce to a plain blend.
    const alpha = (ca[3] * wa + cb[3] * wb) / total;
    const mix = (k: 0 | 1 | 2) => (alpha === 0 ? 0 : (ca[k] * ca[3] * wa + cb[k] * cb[3] * wb) / total / alpha);
    return [mix(0), mix(1), mix(2), alpha];
  }
  return undefined;
}

/** `top` painted over `bottom` (an opaque colour). */
function over(top: Rgba, bottom: Rgba): Rgba {
  const a = top[3];
  return [top[0] * a + bottom[0] * (1 - a), top[1] * a + bottom[1] * (1 - a), top[2] * a + bottom[2] * (1 - a), 1];
}

/** WCAG 2.1 relative luminance. */
function luminance(c: Rgba): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

/** WCAG 2.1 contrast ratio, 1–21. */
export function contrastRatio(a: Rgba, b: Rgba): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

export function toHex(c: Rgba): string {
  const h = (v: number) =>
    Math.round(Math.min(255, Math.max(0, v)))
      .toString(16)
      .padStart(2, '0');
  return `#${h(c[0])}${h(c[1])}${h(c[2])}`;
}

/** Reads the rules: last declaration wins among rules naming exactly `selector` in their list (the exporter's CSS has no specificity fights). */
class Sheet {
  readonly #rules: CssRule[];
  readonly root: Map<string, string> = new Map();

  constructor(rules: CssRule[]) {
    this.#rules = rules;
    for (const r of rules) {
      if (!r.selectors.some((s) => s === ':root' || s === 'html')) continue;
      for (const [k, v] of r.declarations) if (k.startsWith('--')) this.root.set(k, v);
    }
  }

  get(selector: string, property: string): string | undefined {
    let found: string | undefined;
    for (const r of this.#rules) {
      if (!r.selectors.includes(selector)) continue;
      const v = r.declarations.get(property);
      if (v !== undefined) found = v;
    }
    return found;
  }

  /** Custom properties in scope for elements matched by `selectors` (`:root`'s, then those rules'). */
  scope(...selectors: string[]): Map<string, string> {
    const scope = new Map(this.root);
    for (const r of this.#rules) {
      if (!r.selectors.some((s) => selectors.includes(s))) continue;
      for (const [k, v] of r.declarations) if (k.startsWith('--')) scope.set(k, v);
    }
    return scope;
  }

  /** Selectors of rules that set only `color` on `.hljs-*` classes: the highlighting palette. */
  highlightRules(): Array<{ className: string; color: string; background?: string }> {
    const out: Array<{ className: string; color: string; background?: string }> = [];
    for (const r of this.#rules) {
      const color = r.declarations.get('color');
      if (!color) continue;
      for (const s of r.selectors) {
        const m = /^\.(hljs-[\w-]+)$/.exec(s);
        if (!m?.[1]) continue;
        const background = r.declarations.get('background') ?? r.declarations.get('background-color');
        out.push({ className: m[1], color, ...(background ? { background } : {}) });
      }
    }
    return out;
  }
}

/** The colour part of a `background` shorthand (the first colour-looking token). */
function backgroundColor(value: string | undefined): string | undefined {
  if (!value) return undefined;
  for (const token of splitTop(value, ' ')) {
    if (/^(#|rgb|var\(|color-mix|[a-z]+$)/i.test(token) && token !== 'none') return token;
  }
  return undefined;
}

const px = (v: string | undefined) => {
  const m = v ? /^([\d.]+)px$/.exec(v.trim()) : null;
  return m ? Number(m[1]) : undefined;
};
const em = (v: string | undefined) => {
  const m = v ? /^([\d.]+)em$/.exec(v.trim()) : null;
  return m ? Number(m[1]) : undefined;
};

/** WCAG "large text": at least 18 pt (24 px), or 14 pt (18.66 px) and bold. */
const isLarge = (sizePx: number, weight: number) => sizePx >= 24 || (weight >= 700 && sizePx >= 18.66);

/** Every text/background pair the exporter's CSS styles, measured. */
export function themeContrast(css: string): ContrastPair[] {
  const sheet = new Sheet(parseCss(css));
  const pairs: ContrastPair[] = [];
  const rootScope = sheet.root;
  const white: Rgba = [255, 255, 255, 1];
  const color = (selector: string, property: string, scope: Scope = rootScope) => {
    const value =
      property === 'color' ? sheet.get(selector, 'color') : backgroundColor(sheet.get(selector, 'background-color') ?? sheet.get(selector, 'background'));
    return value === undefined ? undefined : parseColor(value, scope);
  };
  const pageBg = over(color('.page', 'background') ?? color('body', 'background') ?? white, white);
  const bodyText = color('body', 'color') ?? [0, 0, 0, 1];
  const bodyPx = px(sheet.get('body', 'font-size')) ?? 16;
  const add = (pair: string, fg: Rgba | undefined, bg: Rgba | undefined, themeKeys: string[], large = false, extra: Partial<ContrastPair> = {}) => {
    if (!fg) return;
    const background = over(bg ?? pageBg, pageBg);
    const foreground = over(fg, background);
    const raw = contrastRatio(foreground, background);
    const required = large ? 3 : 4.5;
    pairs.push({
      pair,
      foreground: toHex(foreground),
      background: toHex(background),
      ratio: Math.round(raw * 100) / 100,
      required,
      ok: raw >= required,
      large,
      themeKeys,
      source: 'theme',
      ...extra,
    });
  };

  add('body text', bodyText, pageBg, ['colors.text', 'colors.background']);

  // Headings: grouped by colour and by whether their size makes them "large text".
  const weight = Number(sheet.get('h1', 'font-weight') ?? 700) || 700;
  const levels: Array<{ level: number; fg: Rgba | undefined; large: boolean }> = [];
  for (let level = 1; level <= 6; level++) {
    const size = bodyPx * (em(sheet.get(`h${level}`, 'font-size')) ?? 1);
    levels.push({ level, fg: color(`h${level}`, 'color'), large: isLarge(size, weight) });
  }
  for (let k = 0; k < levels.length; ) {
    const first = levels[k] as (typeof levels)[number];
    let last = first;
    while (k + 1 < levels.length) {
      const next = levels[k + 1] as (typeof levels)[number];
      if (next.large !== first.large || toHex(next.fg ?? white) !== toHex(first.fg ?? white)) break;
      last = next;
      k++;
    }
    k++;
    const range = first.level === last.level ? `level ${first.level}` : `levels ${first.level}–${last.level}`;
    const key = sheet.get(`h${first.level}`, 'color')?.includes('--muted') ? 'colors.muted' : 'colors.heading';
    add(`headings, ${range}${first.large ? ' (large text)' : ''}`, first.fg, pageBg, [key, 'colors.background'], first.large);
  }

  add('links', color('a', 'color'), pageBg, ['colors.link', 'colors.background']);
  add('muted text (captions, byline, footer)', color('figcaption', 'color'), pageBg, ['colors.muted', 'colors.background']);
  add('block quotes', color('blockquote', 'color'), pageBg, ['colors.text', 'colors.background']);
  add('footnotes', color('.footnotes', 'color'), pageBg, ['colors.text', 'colors.background']);
  add('inline code', bodyText, color(':not(pre) > code', 'background'), ['colors.text', 'colors.codeBackground']);
  add('code blocks', bodyText, color('pre', 'background'), ['colors.text', 'colors.codeBackground']);
  add('table header', color('th', 'color'), color('th', 'background'), ['colors.tableHeaderText', 'colors.tableHeaderBackground']);
  add('table rows (striped)', bodyText, color('tbody tr:nth-child(even)', 'background'), ['colors.text', 'colors.tableStripe']);
  const tocBg = color('.toc', 'background');
  if (tocBg) {
    add('table of contents', color('.toc a', 'color'), tocBg, ['colors.text', 'colors.codeBackground']);
    add('table of contents title', color('.toc h2', 'color'), tocBg, ['colors.muted', 'colors.codeBackground']);
  }
  // Callouts: each kind sets --callout; the title is in that colour on a tint of it.
  for (const kind of ['note', 'tip', 'important', 'warning', 'caution']) {
    const scope = sheet.scope(`.callout-${kind}`);
    if (!scope.has('--callout')) continue;
    const bg = backgroundColor(sheet.get('.callout', 'background') ?? sheet.get('.callout', 'background-color'));
    const calloutBg = bg ? parseColor(bg, scope) : undefined;
    const title = sheet.get('.callout-title', 'color');
    add(`${kind} callout title`, title ? parseColor(title, scope) : undefined, calloutBg, [], false, { source: 'exporter', className: `callout-${kind}` });
    add(`${kind} callout text`, bodyText, calloutBg, ['colors.text']);
  }

  // The syntax highlighting palette on code blocks (the exporter's, not the theme's).
  const codeBg = color('pre', 'background');
  const palette = new Map(sheet.highlightRules().map((h) => [h.className, h]));
  for (const h of palette.values()) {
    const fg = parseColor(h.color, rootScope);
    const bg = h.background ? parseColor(h.background, rootScope) : codeBg;
    add(`code highlighting .${h.className}`, fg, bg && codeBg ? over(bg, over(codeBg, pageBg)) : codeBg, [], false, {
      source: 'exporter',
      className: h.className,
    });
  }
  return pairs;
}

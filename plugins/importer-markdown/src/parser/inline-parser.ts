/**
 * Inline structure (CommonMark 0.31.2 §6, plus GFM strikethrough, footnote references and
 * autolink literals, and `$…$` maths). Emphasis and links use the delimiter-stack algorithm of
 * the spec's appendix. Nodes carry offsets into the block content, mapped to source positions
 * when they become mdast.
 */
import { ExportIaError } from '@export-ia/core/plugin';
import type { PhrasingContent } from 'mdast';
import {
  charAt,
  charBefore,
  decodeEntity,
  ENTITY_STICKY,
  footnoteKey,
  HTML_TAG_STICKY,
  isUnicodePunctuation,
  isUnicodeWhitespace,
  normalizeLabel,
} from './common.js';
import type { Content, Source } from './content.js';
import { scanLinkDestination, scanLinkLabel, scanLinkTitle, skipSpnl } from './link-parts.js';

export interface InlineOptions {
  gfm: boolean;
  math: boolean;
  refmap: ReadonlyMap<string, { url: string; title: string | null }>;
  footnotes: ReadonlySet<string>;
  maxNesting: number;
  file: string;
}

type NodeType = 'root' | 'text' | 'break' | 'inlineCode' | 'html' | 'emphasis' | 'strong' | 'delete' | 'link' | 'image' | 'footnoteReference' | 'inlineMath';

class INode {
  prev: INode | null = null;
  next: INode | null = null;
  parent: INode | null = null;
  first: INode | null = null;
  last: INode | null = null;
  url = '';
  title: string | null = null;
  label = '';
  depth = 0;
  display = false;
  /** Autolinks and link-like literals: children are not scanned for autolink literals again. */
  isLiteralLink = false;

  constructor(
    public type: NodeType,
    public value: string,
    public start: number,
    public end: number,
    /** True when `value` is exactly the source text at [start, end). */
    public verbatim = false,
  ) {}

  append(child: INode): void {
    child.parent = this;
    child.prev = this.last;
    child.next = null;
    if (this.last) this.last.next = child;
    else this.first = child;
    this.last = child;
  }

  insertAfter(sibling: INode): void {
    sibling.parent = this.parent;
    sibling.prev = this;
    sibling.next = this.next;
    if (this.next) this.next.prev = sibling;
    else if (this.parent) this.parent.last = sibling;
    this.next = sibling;
  }

  unlink(): void {
    if (this.prev) this.prev.next = this.next;
    else if (this.parent) this.parent.first = this.next;
    if (this.next) this.next.prev = this.prev;
    else if (this.parent) this.parent.last = this.prev;
    this.parent = null;
    this.prev = null;
    this.next = null;
  }
}

interface Delimiter {
  cc: number;
  numdelims: number;
  origdelims: number;
  node: INode;
  previous: Delimiter | null;
  next: Delimiter | null;
  canOpen: boolean;
  canClose: boolean;
}

interface Bracket {
  node: INode;
  previous: Bracket | null;
  previousDelimiter: Delimiter | null;
  /** Offset of `[` (for `![`, of the `[`). */
  index: number;
  image: boolean;
  active: boolean;
  bracketAfter: boolean;
}

const C_NEWLINE = 10;
const C_BANG = 33;
const C_DOLLAR = 36;
const C_AMP = 38;
const C_ASTERISK = 42;
const C_LT = 60;
const C_OPEN_BRACKET = 91;
const C_BACKSLASH = 92;
const C_CLOSE_BRACKET = 93;
const C_UNDERSCORE = 95;
const C_BACKTICK = 96;
const C_TILDE = 126;

const EMAIL_AUTOLINK =
  /<([a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*)>/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the spec excludes ASCII control characters and space from URI autolinks.
const URI_AUTOLINK = /<([A-Za-z][A-Za-z0-9.+-]{1,31}:[^<>\x00-\x20]*)>/y;
const ESCAPABLE_CODES = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'.split('').map((c) => c.charCodeAt(0)));

export class InlineParser {
  readonly #opts: InlineOptions;
  readonly #main: RegExp;
  #subject = '';
  #pos = 0;
  #delimiters: Delimiter | null = null;
  #brackets: Bracket | null = null;
  #content: Content | undefined;
  /** Backtick runs by length → sorted start offsets (built on first use). */
  #tickRuns: Map<number, number[]> | undefined;
  /** Where `$` maths may close (built on first use), so unclosed `$` stays linear. */
  #mathClosers: { single: number[]; double: number[]; blank: number[] } | undefined;

  constructor(options: InlineOptions) {
    this.#opts = options;
    const special = `\\n\`\\[\\]\\\\!<&*_${options.gfm ? '~' : ''}${options.math ? '$' : ''}`;
    this.#main = new RegExp(`[^${special}]+`, 'y');
  }

  /** Parses block content into mdast phrasing nodes with positions. */
  parse(content: Content, source: Source): PhrasingContent[] {
    this.#subject = content.text;
    this.#pos = 0;
    this.#delimiters = null;
    this.#brackets = null;
    this.#tickRuns = undefined;
    this.#mathClosers = undefined;
    this.#closers = undefined;
    this.#content = content;
    const root = new INode('root', '', 0, content.text.length);
    while (this.#pos < this.#subject.length) this.#parseInline(root);
    this.#processEmphasis(null);
    return new Converter(this.#subject, content, source, this.#opts.gfm).children(root, false);
  }

  #text(value: string, start: number, end: number, verbatim: boolean): INode {
    return new INode('text', value, start, end, verbatim);
  }

  #parseInline(block: INode): void {
    const c = this.#subject.charCodeAt(this.#pos);
    let handled = false;
    switch (c) {
      case C_NEWLINE:
        handled = this.#parseNewline(block);
        break;
      case C_BACKSLASH:
        handled = this.#parseBackslash(block);
        break;
      case C_BACKTICK:
        handled = this.#parseBackticks(block);
        break;
      case C_ASTERISK:
      case C_UNDERSCORE:
        handled = this.#handleDelim(c, block);
        break;
      case C_TILDE:
        handled = this.#opts.gfm && this.#handleDelim(c, block);
        break;
      case C_OPEN_BRACKET:
        handled = this.#parseOpenBracket(block);
        break;
      case C_BANG:
        handled = this.#parseBang(block);
        break;
      case C_CLOSE_BRACKET:
        handled = this.#parseCloseBracket(block);
        break;
      case C_LT:
        handled = this.#parseAutolink(block) || this.#parseHtmlTag(block);
        break;
      case C_AMP:
        handled = this.#parseEntity(block);
        break;
      case C_DOLLAR:
        handled = this.#opts.math && this.#parseMath(block);
        break;
      default: {
        this.#main.lastIndex = this.#pos;
        const m = this.#main.exec(this.#subject);
        if (m) {
          const start = this.#pos;
          this.#pos += m[0].length;
          block.append(this.#text(m[0], start, this.#pos, true));
          handled = true;
        }
      }
    }
    if (!handled) {
      const start = this.#pos;
      this.#pos += 1;
      block.append(this.#text(this.#subject.charAt(start), start, this.#pos, true));
    }
  }

  #parseNewline(block: INode): boolean {
    const start = this.#pos;
    this.#pos += 1;
    const last = block.last;
    let hard = false;
    if (last && last.type === 'text' && last.value.endsWith(' ')) {
      hard = last.value.endsWith('  ');
      // Not `replace(/ +$/)`: that regex is quadratic on long runs of inner spaces.
      let keep = last.value.length;
      while (keep > 0 && last.value.charCodeAt(keep - 1) === 32) keep--;
      const trimmed = last.value.slice(0, keep);
      last.end -= last.value.length - trimmed.length;
      last.value = trimmed;
      if (trimmed === '') last.unlink();
    }
    while (this.#subject.charCodeAt(this.#pos) === 32 || this.#subject.charCodeAt(this.#pos) === 9) this.#pos++;
    block.append(hard ? new INode('break', '', start, start + 1) : this.#text('\n', start, this.#pos, false));
    return true;
  }

  #parseBackslash(block: INode): boolean {
    const start = this.#pos;
    const next = this.#subject.charCodeAt(start + 1);
    if (next === C_NEWLINE) {
      this.#pos += 2;
      block.append(new INode('break', '', start, start + 1));
      while (this.#subject.charCodeAt(this.#pos) === 32 || this.#subject.charCodeAt(this.#pos) === 9) this.#pos++;
    } else if (ESCAPABLE_CODES.has(next)) {
      this.#pos += 2;
      block.append(this.#text(this.#subject.charAt(start + 1), start, start + 2, false));
    } else {
      this.#pos += 1;
      block.append(this.#text('\\', start, start + 1, true));
    }
    return true;
  }

  #tickRunsIndex(): Map<number, number[]> {
    if (this.#tickRuns) return this.#tickRuns;
    const runs = new Map<number, number[]>();
    const s = this.#subject;
    let i = 0;
    while (i < s.length) {
      if (s.charCodeAt(i) === C_BACKTICK) {
        const start = i;
        while (s.charCodeAt(i) === C_BACKTICK) i++;
        const list = runs.get(i - start) ?? [];
        list.push(start);
        runs.set(i - start, list);
      } else i++;
    }
    this.#tickRuns = runs;
    return runs;
  }

  #parseBackticks(block: INode): boolean {
    const s = this.#subject;
    const start = this.#pos;
    let i = start;
    while (s.charCodeAt(i) === C_BACKTICK) i++;
    const n = i - start;
    const afterOpen = i;
    const candidates = this.#tickRunsIndex().get(n) ?? [];
    // First run of exactly n backticks after the opener (binary search).
    let lo = 0;
    let hi = candidates.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((candidates[mid] as number) < afterOpen) lo = mid + 1;
      else hi = mid;
    }
    const close = candidates[lo];
    if (close === undefined) {
      this.#pos = afterOpen;
      block.append(this.#text(s.slice(start, afterOpen), start, afterOpen, true));
      return true;
    }
    let value = s.slice(afterOpen, close).replace(/\n/g, ' ');
    if (value.length >= 2 && value.charCodeAt(0) === 32 && value.charCodeAt(value.length - 1) === 32 && /[^ ]/.test(value)) value = value.slice(1, -1);
    this.#pos = close + n;
    block.append(new INode('inlineCode', value, start, this.#pos));
    return true;
  }

  #parseAutolink(block: INode): boolean {
    const start = this.#pos;
    for (const [re, email] of [
      [EMAIL_AUTOLINK, true],
      [URI_AUTOLINK, false],
    ] as const) {
      re.lastIndex = start;
      const m = re.exec(this.#subject);
      if (!m) continue;
      this.#pos = start + m[0].length;
      const dest = m[1] as string;
      const link = new INode('link', '', start, this.#pos);
      link.url = email ? `mailto:${dest}` : dest;
      link.isLiteralLink = true;
      link.depth = 1;
      link.append(this.#text(dest, start + 1, this.#pos - 1, true));
      block.append(link);
      return true;
    }
    return false;
  }

  /** Last offsets of `-->`, `?>` and `]]>`: unclosed comments must not make parsing quadratic. */
  #closers: { comment: number; pi: number; cdata: number; gt: number } | undefined;

  #parseHtmlTag(block: INode): boolean {
    const s = this.#subject;
    const p = this.#pos;
    this.#closers ??= { comment: s.lastIndexOf('-->'), pi: s.lastIndexOf('?>'), cdata: s.lastIndexOf(']]>'), gt: s.lastIndexOf('>') };
    // Every tag ends with `>`; without one ahead, declarations (`<!A…`) would scan to the end.
    if (this.#closers.gt < p) return false;
    if (s.charCodeAt(p + 1) === C_BANG || s.charCodeAt(p + 1) === 63 /* ? */) {
      if (s.startsWith('<!--', p) && !s.startsWith('<!-->', p) && !s.startsWith('<!--->', p) && this.#closers.comment < p + 4) return false;
      if (s.charCodeAt(p + 1) === 63 && this.#closers.pi < p + 2) return false;
      if (s.startsWith('<![CDATA[', p) && this.#closers.cdata < p + 9) return false;
    }
    HTML_TAG_STICKY.lastIndex = this.#pos;
    const m = HTML_TAG_STICKY.exec(this.#subject);
    if (!m) return false;
    const start = this.#pos;
    this.#pos += m[0].length;
    block.append(new INode('html', m[0], start, this.#pos));
    return true;
  }

  #parseEntity(block: INode): boolean {
    ENTITY_STICKY.lastIndex = this.#pos;
    const m = ENTITY_STICKY.exec(this.#subject);
    if (!m) return false;
    const decoded = decodeEntity(m[0]);
    if (decoded === undefined) return false;
    const start = this.#pos;
    this.#pos += m[0].length;
    block.append(this.#text(decoded, start, this.#pos, false));
    return true;
  }

  /**
   * `$…$` (Pandoc's rule, so prices like $20 and $30 stay text: the opener is followed by a
   * non-space, the closer preceded by a non-space and not followed by a digit) and `$$…$$`.
   */
  #parseMath(block: INode): boolean {
    const s = this.#subject;
    const start = this.#pos;
    const display = s.charCodeAt(start + 1) === C_DOLLAR;
    const open = display ? 2 : 1;
    const first = s.charCodeAt(start + open);
    if (Number.isNaN(first) || first === 32 || first === 9 || first === C_NEWLINE || first === C_DOLLAR) return false;
    // The first possible closer after the opener, unless a blank line comes first.
    const closers = this.#mathClosersIndex();
    const i = firstAtOrAfter(display ? closers.double : closers.single, start + open);
    if (i === undefined) return false;
    const blank = firstAtOrAfter(closers.blank, start + open);
    if (blank !== undefined && blank < i) return false;
    const value = s.slice(start + open, i).trim();
    if (value === '') return false;
    this.#pos = i + open;
    const node = new INode('inlineMath', value, start, this.#pos);
    node.display = display;
    block.append(node);
    return true;
  }

  /**
   * Unescaped `$` that can close `$…$` (preceded by a non-space, not followed by a digit) or
   * `$$…$$` (followed by `$`), and unescaped blank lines. A `$` is escaped by an odd run of
   * backslashes before it; that run cannot reach back past an opener, which is a `$` itself.
   */
  #mathClosersIndex(): { single: number[]; double: number[]; blank: number[] } {
    if (this.#mathClosers) return this.#mathClosers;
    const s = this.#subject;
    const single: number[] = [];
    const double: number[] = [];
    const blank: number[] = [];
    let escaped = false;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === C_BACKSLASH) {
        escaped = !escaped;
        continue;
      }
      if (!escaped) {
        if (c === C_DOLLAR) {
          const before = s.charCodeAt(i - 1);
          const after = s.charCodeAt(i + 1);
          if (i > 0 && before !== 32 && before !== 9 && before !== C_NEWLINE && !(after >= 48 && after <= 57)) single.push(i);
          if (after === C_DOLLAR) double.push(i);
        } else if (c === C_NEWLINE && s.charCodeAt(i + 1) === C_NEWLINE) blank.push(i);
      }
      escaped = false;
    }
    this.#mathClosers = { single, double, blank };
    return this.#mathClosers;
  }

  #scanDelims(cc: number): { numdelims: number; canOpen: boolean; canClose: boolean } {
    const s = this.#subject;
    const start = this.#pos;
    let i = start;
    while (s.charCodeAt(i) === cc) i++;
    const numdelims = i - start;
    const before = charBefore(s, start);
    const after = charAt(s, i);
    const afterWs = isUnicodeWhitespace(after);
    const afterPunct = isUnicodePunctuation(after);
    const beforeWs = isUnicodeWhitespace(before);
    const beforePunct = isUnicodePunctuation(before);
    const left = !afterWs && (!afterPunct || beforeWs || beforePunct);
    const right = !beforeWs && (!beforePunct || afterWs || afterPunct);
    if (cc === C_UNDERSCORE) return { numdelims, canOpen: left && (!right || beforePunct), canClose: right && (!left || afterPunct) };
    return { numdelims, canOpen: left, canClose: right };
  }

  #handleDelim(cc: number, block: INode): boolean {
    const res = this.#scanDelims(cc);
    const start = this.#pos;
    this.#pos += res.numdelims;
    const node = this.#text(this.#subject.slice(start, this.#pos), start, this.#pos, true);
    block.append(node);
    // Strikethrough takes runs of one or two tildes; longer runs are text.
    const usable = cc !== C_TILDE || res.numdelims <= 2;
    if ((res.canOpen || res.canClose) && usable) {
      const d: Delimiter = {
        cc,
        numdelims: res.numdelims,
        origdelims: res.numdelims,
        node,
        previous: this.#delimiters,
        next: null,
        canOpen: res.canOpen,
        canClose: res.canClose,
      };
      if (d.previous) d.previous.next = d;
      this.#delimiters = d;
    }
    return true;
  }

  #removeDelimiter(d: Delimiter): void {
    if (d.previous) d.previous.next = d.next;
    if (d.next === null) this.#delimiters = d.previous;
    else d.next.previous = d.previous;
  }

  #checkDepth(node: INode): void {
    let depth = 0;
    for (let c = node.first; c; c = c.next) if (c.depth > depth) depth = c.depth;
    node.depth = depth + 1;
    if (node.depth > this.#opts.maxNesting) {
      const line = this.#content ? this.#content.locate(node.start).line + 1 : '?';
      throw new ExportIaError('EIA_INPUT_TOO_DEEP', { file: this.#opts.file, depth: `more than ${this.#opts.maxNesting}`, limit: this.#opts.maxNesting, line });
    }
  }

  #processEmphasis(stackBottom: Delimiter | null): void {
    // The spec's openers_bottom, per delimiter kind (as commonmark.js): `_` and `*` each keyed by
    // the closer's length mod 3 and whether it can open (0..5 and 6..11), `~` by its length.
    const openersBottom: Array<Delimiter | null> = new Array(14).fill(stackBottom);
    let closer = this.#delimiters;
    while (closer !== null && closer.previous !== stackBottom) closer = closer.previous;
    while (closer !== null) {
      if (!closer.canClose) {
        closer = closer.next;
        continue;
      }
      const cc = closer.cc;
      const bottomIndex = cc === C_TILDE ? 12 + (closer.origdelims % 2) : (cc === C_UNDERSCORE ? 0 : 6) + (closer.canOpen ? 3 : 0) + (closer.origdelims % 3);
      let opener = closer.previous;
      let found = false;
      while (opener !== null && opener !== stackBottom && opener !== openersBottom[bottomIndex]) {
        if (cc === C_TILDE) {
          if (opener.cc === cc && opener.canOpen && opener.origdelims === closer.origdelims) {
            found = true;
            break;
          }
        } else {
          const oddMatch = (closer.canOpen || opener.canClose) && closer.origdelims % 3 !== 0 && (opener.origdelims + closer.origdelims) % 3 === 0;
          if (opener.cc === cc && opener.canOpen && !oddMatch) {
            found = true;
            break;
          }
        }
        opener = opener.previous;
      }
      const oldCloser = closer;
      if (!found || opener === null) {
        closer = closer.next;
        openersBottom[bottomIndex] = oldCloser.previous;
        if (!oldCloser.canOpen) this.#removeDelimiter(oldCloser);
        continue;
      }
      const use = cc === C_TILDE ? closer.numdelims : closer.numdelims >= 2 && opener.numdelims >= 2 ? 2 : 1;
      const openerNode = opener.node;
      const closerNode = closer.node;
      opener.numdelims -= use;
      closer.numdelims -= use;
      openerNode.value = openerNode.value.slice(0, openerNode.value.length - use);
      openerNode.end -= use;
      closerNode.value = closerNode.value.slice(0, closerNode.value.length - use);
      const type: NodeType = cc === C_TILDE ? 'delete' : use === 1 ? 'emphasis' : 'strong';
      const wrapper = new INode(type, '', openerNode.end, closerNode.start + use);
      let tmp = openerNode.next;
      while (tmp && tmp !== closerNode) {
        const next = tmp.next;
        tmp.unlink();
        wrapper.append(tmp);
        tmp = next;
      }
      this.#checkDepth(wrapper);
      openerNode.insertAfter(wrapper);
      closerNode.start += use;
      // Remove delimiters between opener and closer.
      if (opener.next !== closer) {
        opener.next = closer;
        closer.previous = opener;
      }
      if (opener.numdelims === 0) {
        openerNode.unlink();
        this.#removeDelimiter(opener);
      }
      if (closer.numdelims === 0) {
        closerNode.unlink();
        const next = closer.next;
        this.#removeDelimiter(closer);
        closer = next;
      }
    }
    while (this.#delimiters !== null && this.#delimiters !== stackBottom) this.#removeDelimiter(this.#delimiters);
  }

  #addBracket(node: INode, index: number, image: boolean): void {
    if (this.#brackets) this.#brackets.bracketAfter = true;
    this.#brackets = { node, previous: this.#brackets, previousDelimiter: this.#delimiters, index, image, active: true, bracketAfter: false };
  }

  #parseOpenBracket(block: INode): boolean {
    const start = this.#pos;
    this.#pos += 1;
    const node = this.#text('[', start, start + 1, true);
    block.append(node);
    this.#addBracket(node, start, false);
    return true;
  }

  #parseBang(block: INode): boolean {
    const start = this.#pos;
    if (this.#subject.charCodeAt(start + 1) === C_OPEN_BRACKET) {
      this.#pos += 2;
      const node = this.#text('![', start, start + 2, true);
      block.append(node);
      this.#addBracket(node, start + 1, true);
    } else {
      this.#pos += 1;
      block.append(this.#text('!', start, start + 1, true));
    }
    return true;
  }

  #parseCloseBracket(block: INode): boolean {
    const s = this.#subject;
    const closeAt = this.#pos;
    this.#pos += 1;
    const afterClose = this.#pos;
    const opener = this.#brackets;
    if (!opener) {
      block.append(this.#text(']', closeAt, afterClose, true));
      return true;
    }
    if (!opener.active) {
      block.append(this.#text(']', closeAt, afterClose, true));
      this.#brackets = opener.previous;
      return true;
    }
    // GFM footnote reference: [^label] with a defined footnote.
    if (this.#opts.gfm && !opener.image && s.charCodeAt(opener.index + 1) === 94 /* ^ */) {
      const label = s.slice(opener.index + 2, closeAt);
      if (label !== '' && !/[\s\]]/.test(label) && this.#opts.footnotes.has(footnoteKey(label))) {
        const ref = new INode('footnoteReference', '', opener.index, afterClose);
        ref.label = label;
        let tmp = opener.node.next;
        while (tmp) {
          const next = tmp.next;
          tmp.unlink();
          tmp = next;
        }
        opener.node.unlink();
        block.append(ref);
        // The label's own delimiters are gone with its text: drop them from the stack.
        this.#delimiters = opener.previousDelimiter;
        if (this.#delimiters) this.#delimiters.next = null;
        this.#brackets = opener.previous;
        return true;
      }
    }

    let matched = false;
    let url = '';
    let title: string | null = null;
    // Inline link: [text](destination "title")
    if (s.charCodeAt(afterClose) === 40 /* ( */) {
      let p = skipSpnl(s, afterClose + 1);
      const dest = scanLinkDestination(s, p);
      if (dest) {
        p = dest.end;
        const beforeTitle = p;
        p = skipSpnl(s, p);
        let t: { end: number; title: string } | undefined;
        if (p !== beforeTitle) t = scanLinkTitle(s, p);
        if (t) p = skipSpnl(s, t.end);
        if (s.charCodeAt(p) === 41 /* ) */) {
          this.#pos = p + 1;
          url = dest.url;
          title = t ? t.title : null;
          matched = true;
        }
      }
    }
    if (!matched) {
      // Reference link: full [text][label], collapsed [text][] or shortcut [text].
      let refLabel: string | undefined;
      const labelEnd = scanLinkLabel(s, afterClose);
      if (labelEnd > afterClose + 2) refLabel = s.slice(afterClose + 1, labelEnd - 1);
      else if (!opener.bracketAfter) refLabel = s.slice(opener.index + 1, closeAt);
      if (refLabel !== undefined) {
        const def = this.#opts.refmap.get(normalizeLabel(refLabel));
        if (def) {
          url = def.url;
          title = def.title;
          matched = true;
          this.#pos = Math.max(labelEnd, afterClose);
        }
      }
    }
    if (!matched) {
      this.#brackets = opener.previous;
      this.#pos = afterClose;
      block.append(this.#text(']', closeAt, afterClose, true));
      return true;
    }
    const node = new INode(opener.image ? 'image' : 'link', '', opener.image ? opener.index - 1 : opener.index, this.#pos);
    node.url = url;
    node.title = title;
    let tmp = opener.node.next;
    while (tmp) {
      const next = tmp.next;
      tmp.unlink();
      node.append(tmp);
      tmp = next;
    }
    block.append(node);
    this.#processEmphasis(opener.previousDelimiter);
    this.#brackets = opener.previous;
    opener.node.unlink();
    this.#checkDepth(node);
    if (!opener.image) {
      // No links in links: deactivate earlier link openers.
      // Openers below an inactive one were deactivated with it: stopping there keeps this linear.
      for (let o = this.#brackets; o; o = o.previous) {
        if (o.image) continue;
        if (!o.active) break;
        o.active = false;
      }
    }
    return true;
  }
}

/** Merged text: pieces remember which parts are verbatim, for exact autolink positions. */
interface Piece {
  at: number;
  start: number;
  end: number;
  verbatim: boolean;
}

const TRAILING_PUNCT = new Set(['?', '!', '.', ',', ':', '*', '_', '~']);
const CANDIDATE = /www\.|https?:\/\/|@/gi;
const WWW = /www\./iy;
const SCHEME = /https?:\/\//iy;
const DOMAIN_CHAR = /[A-Za-z0-9_-]/;
const MAX_DOMAIN = 253;

class Converter {
  constructor(
    private readonly subject: string,
    private readonly content: Content,
    private readonly source: Source,
    private readonly gfm: boolean,
  ) {}

  #position(start: number, end: number) {
    const a = this.content.locate(start);
    const b = this.content.locate(end);
    return this.source.position(a.line, a.col, b.line, b.col);
  }

  children(parent: INode, inLink: boolean): PhrasingContent[] {
    const out: PhrasingContent[] = [];
    let node = parent.first;
    while (node) {
      if (node.type === 'text') {
        let value = '';
        const pieces: Piece[] = [];
        const start = node.start;
        let end = node.end;
        while (node && node.type === 'text') {
          if (node.value !== '') {
            pieces.push({ at: value.length, start: node.start, end: node.end, verbatim: node.verbatim });
            value += node.value;
            end = node.end;
          }
          node = node.next;
        }
        if (value !== '') {
          // A loop, not push(...): a paragraph can hold more nodes than a call has arguments.
          if (this.gfm && !inLink) for (const n of this.#autolinks(value, pieces, start, end)) out.push(n);
          else out.push({ type: 'text', value, position: this.#position(start, end) });
        }
        continue;
      }
      out.push(this.#convert(node, inLink));
      node = node.next;
    }
    return out;
  }

  #convert(node: INode, inLink: boolean): PhrasingContent {
    const position = this.#position(node.start, node.end);
    switch (node.type) {
      case 'break':
        return { type: 'break', position };
      case 'inlineCode':
        return { type: 'inlineCode', value: node.value, position };
      case 'html':
        return { type: 'html', value: node.value, position };
      case 'inlineMath':
        return node.display
          ? { type: 'inlineMath', value: node.value, position, data: { display: true } as Record<string, unknown> }
          : { type: 'inlineMath', value: node.value, position };
      case 'footnoteReference':
        return { type: 'footnoteReference', identifier: footnoteKey(node.label), label: node.label, position };
      case 'emphasis':
      case 'strong':
      case 'delete':
        return { type: node.type, children: this.children(node, inLink), position } as PhrasingContent;
      case 'link':
        return { type: 'link', url: node.url, title: node.title, children: this.children(node, true), position };
      case 'image':
        return { type: 'image', url: node.url, title: node.title, alt: plainText(node), position };
      default:
        return { type: 'text', value: node.value, position };
    }
  }

  /** Source offset of a position inside merged text. */
  #offsetOf(pieces: Piece[], at: number, isEnd: boolean): number {
    // The last piece that starts before `at` (at `at` for a start), or the first piece:
    // a binary search, since a paragraph may have many pieces and many links.
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const p = pieces[mid] as Piece;
      if (at > p.at || (at === p.at && !isEnd)) lo = mid;
      else hi = mid - 1;
    }
    const p = pieces[lo];
    if (!p) return 0;
    if (p.verbatim) return p.start + (at - p.at);
    return at === p.at ? p.start : p.end;
  }

  /** GFM autolink literals (www., http(s)://, e-mail) inside merged text. */
  #autolinks(value: string, pieces: Piece[], start: number, end: number): PhrasingContent[] {
    const out: PhrasingContent[] = [];
    let last = 0;
    const emit = (from: number, to: number) => {
      if (to <= from) return;
      out.push({ type: 'text', value: value.slice(from, to), position: this.#position(this.#offsetOf(pieces, from, false), this.#offsetOf(pieces, to, true)) });
    };
    CANDIDATE.lastIndex = 0;
    for (;;) {
      const found = CANDIDATE.exec(value);
      if (!found) break;
      const i = found.index;
      if (i < last) continue;
      let match: { from: number; to: number; url: string } | undefined;
      if (found[0] === '@') match = this.#emailAround(value, pieces, i, last);
      else if (this.#boundary(value, pieces, i)) match = this.#urlAt(value, i);
      if (match) {
        emit(last, match.from);
        const a = this.#offsetOf(pieces, match.from, false);
        const b = this.#offsetOf(pieces, match.to, true);
        out.push({
          type: 'link',
          url: match.url,
          title: null,
          children: [{ type: 'text', value: value.slice(match.from, match.to), position: this.#position(a, b) }],
          position: this.#position(a, b),
        });
        last = match.to;
        CANDIDATE.lastIndex = match.to;
      }
    }
    if (last === 0) return [{ type: 'text', value, position: this.#position(start, end) }];
    emit(last, value.length);
    return out;
  }

  #boundary(value: string, pieces: Piece[], i: number): boolean {
    const prev = i > 0 ? value.charAt(i - 1) : this.subject.charAt(this.#offsetOf(pieces, 0, false) - 1);
    return prev === '' || /[\s*_~(]/.test(prev);
  }

  #domainEnd(value: string, from: number): number {
    let i = from;
    const segments: string[] = [];
    let seg = '';
    while (i < value.length) {
      // No host name is longer than 253 characters; the cap keeps runs of `www.` linear.
      if (i - from > MAX_DOMAIN) return -1;
      const c = value.charAt(i);
      if (DOMAIN_CHAR.test(c) || c.charCodeAt(0) > 127) {
        seg += c;
        i++;
      } else if (c === '.' && seg !== '' && i + 1 < value.length && DOMAIN_CHAR.test(value.charAt(i + 1))) {
        segments.push(seg);
        seg = '';
        i++;
      } else break;
    }
    if (seg !== '') segments.push(seg);
    if (segments.length < 2) return -1;
    if (segments.slice(-2).some((s) => s.includes('_'))) return -1;
    return i;
  }

  #urlAt(value: string, i: number): { from: number; to: number; url: string } | undefined {
    WWW.lastIndex = i;
    SCHEME.lastIndex = i;
    let domainStart: number;
    let prefix = '';
    if (WWW.test(value)) {
      domainStart = i;
      prefix = 'http://';
    } else if (SCHEME.test(value)) {
      domainStart = SCHEME.lastIndex;
    } else return undefined;
    const domainEnd = this.#domainEnd(value, domainStart);
    if (domainEnd < 0) return undefined;
    let to = domainEnd;
    while (to < value.length && !/[\s<]/.test(value.charAt(to))) to++;
    to = trimTrailing(value, domainEnd, to);
    return { from: i, to, url: prefix + value.slice(i, to) };
  }

  #emailAround(value: string, pieces: Piece[], at: number, floor: number): { from: number; to: number; url: string } | undefined {
    let from = at;
    while (from > floor && /[A-Za-z0-9._+-]/.test(value.charAt(from - 1))) from--;
    if (from === at) return undefined;
    if (value.slice(Math.max(floor, from - 7), from).toLowerCase() === 'mailto:') from -= 7;
    if (!this.#boundary(value, pieces, from)) return undefined;
    let to = at + 1;
    let dots = 0;
    while (to < value.length && /[A-Za-z0-9._-]/.test(value.charAt(to))) {
      if (value.charAt(to) === '.' && to + 1 < value.length && /[A-Za-z0-9_-]/.test(value.charAt(to + 1))) dots++;
      to++;
    }
    while (to > at + 1 && value.charAt(to - 1) === '.') to--;
    if (dots === 0 || /[-_]$/.test(value.slice(at + 1, to))) return undefined;
    const text = value.slice(from, to);
    return { from, to, url: text.toLowerCase().startsWith('mailto:') ? text : `mailto:${text}` };
  }
}

/** Drops trailing punctuation, unbalanced `)` and entity-like `&x;` from a literal URL. */
function trimTrailing(value: string, min: number, end: number): number {
  // Parentheses in [min, to), counted once and kept up to date, so trimming stays linear.
  let open = 0;
  let close = 0;
  for (let k = min; k < end; k++) {
    const c = value.charCodeAt(k);
    if (c === 40) open++;
    else if (c === 41) close++;
  }
  let to = end;
  for (;;) {
    if (to <= min) return min;
    const c = value.charAt(to - 1);
    if (TRAILING_PUNCT.has(c)) {
      to--;
      continue;
    }
    if (c === ')' && close > open) {
      close--;
      to--;
      continue;
    }
    if (c === ';') {
      // `&name;` at the end looks like an entity: drop it.
      let k = to - 1;
      while (k > min && /[A-Za-z0-9]/.test(value.charAt(k - 1))) k--;
      if (k < to - 1 && k > min && value.charAt(k - 1) === '&') {
        to = k - 1;
        continue;
      }
    }
    return to;
  }
}

/** The first value in a sorted list that is at least `min`. */
function firstAtOrAfter(sorted: readonly number[], min: number): number | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < min) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo];
}

function plainText(node: INode): string {
  let out = '';
  for (let c = node.first; c; c = c.next) {
    if (c.type === 'text' || c.type === 'inlineCode' || c.type === 'inlineMath') out += c.value;
    else if (c.type === 'image') out += plainText(c);
    else if (c.first) out += plainText(c);
  }
  return out;
}

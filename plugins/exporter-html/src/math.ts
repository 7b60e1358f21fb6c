/**
 * TeX → MathML (temml) → hast. MathML needs no fonts or scripts: every modern browser renders
 * it natively. temml runs with `trust: false`, so \href, \class and friends are refused.
 */
import type { Element, ElementContent, Properties } from 'hast';
import temml from 'temml';

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
    }
    return ENTITY[name] ?? whole;
  });
}

/** Parses temml's well-formed MathML output (elements, double-quoted attributes, text). */
function xmlToHast(xml: string): Element | undefined {
  const root: Element = { type: 'element', tagName: 'root', properties: {}, children: [] };
  const stack: Element[] = [root];
  const token = /<\/([a-zA-Z][\w:-]*)\s*>|<([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  for (const m of xml.matchAll(token)) {
    const top = stack[stack.length - 1] as Element;
    if (m[1]) {
      if (stack.length > 1) stack.pop();
    } else if (m[2]) {
      const properties: Properties = {};
      for (const a of (m[3] ?? '').matchAll(/([\w:-]+)="([^"]*)"/g)) {
        // Styles are dropped: sanitising keeps no style attributes anyway.
        if (a[1] !== 'style') properties[a[1] as string] = decode(a[2] as string);
      }
      const el: Element = { type: 'element', tagName: m[2], properties, children: [] };
      top.children.push(el);
      if (!m[4]) stack.push(el);
    } else if (m[5]) {
      top.children.push({ type: 'text', value: decode(m[5]) });
    }
  }
  const first = root.children[0];
  return first?.type === 'element' ? first : undefined;
}

/** MathML for a formula, or an error message when the TeX is not supported. */
export function texToMathml(tex: string, display: boolean): { element: Element } | { error: string } {
  try {
    const xml = temml.renderToString(tex, { displayMode: display, throwOnError: true, trust: false, annotate: false });
    const element = xmlToHast(xml);
    if (!element) return { error: 'no output' };
    element.properties = { ...element.properties, display: display ? 'block' : 'inline' };
    return { element };
  } catch (err) {
    return { error: (err as Error).message.replace(/^Temml parse error: /i, '').slice(0, 160) };
  }
}

export type { ElementContent };

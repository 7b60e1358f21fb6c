/**
 * html-validate on the HTML output: standards conformance (`html-validate:standard`), what
 * browsers and validators reject or parse differently from what was written (elements where the
 * content model forbids them, duplicate ids, deprecated attributes). Not `recommended`: its extra
 * rules are style opinions about markup our own exporter writes, which the document's author
 * cannot change. One validator per plugin instance, loaded on first use.
 */
import type { HtmlValidate, RuleSeverity } from 'html-validate';

/** A rule override as written in the configuration. */
export type HtmlValidateLevel = 'off' | 'warn' | 'error';

/** One html-validate message: `severity` 2 is an error, 1 a warning; `selector` null when it names no element. */
export interface HtmlValidateMessage {
  ruleId: string;
  severity: 1 | 2;
  message: string;
  selector: string | null;
  ruleUrl?: string;
}

let loaded: Promise<typeof import('html-validate')> | undefined;

/** html-validate's module graph, once per process (~150 ms); a failed load is tried again next time. */
function load() {
  loaded ??= import('html-validate');
  loaded.catch(() => {
    loaded = undefined;
  });
  return loaded;
}

export class HtmlValidator {
  readonly #rules: Readonly<Record<string, HtmlValidateLevel>>;
  #validator: Promise<HtmlValidate> | undefined;

  constructor(rules: Readonly<Record<string, HtmlValidateLevel>>) {
    this.#rules = rules;
  }

  /** The configured rule ids html-validate does not have (it would ignore them silently). */
  async unknownRules(): Promise<string[]> {
    const { ruleExists } = await load();
    return Object.keys(this.#rules).filter((id) => !ruleExists(id));
  }

  /** Validates one HTML document. */
  async validate(html: string): Promise<HtmlValidateMessage[]> {
    if (!this.#validator) {
      const created = load().then(
        ({ HtmlValidate }) => new HtmlValidate({ extends: ['html-validate:standard'], rules: { ...this.#rules } as Record<string, RuleSeverity> }),
      );
      created.catch(() => {
        this.#validator = undefined;
      });
      this.#validator = created;
    }
    const report = await (await this.#validator).validateString(html);
    return report.results.flatMap((r) =>
      r.messages.map((m) => ({
        ruleId: m.ruleId,
        severity: m.severity === 1 ? (1 as const) : (2 as const),
        message: m.message,
        selector: m.selector,
        ...(m.ruleUrl ? { ruleUrl: m.ruleUrl } : {}),
      })),
    );
  }
}

const SELECTOR_STEP = /^(?:#([A-Za-z][\w-]*)|([a-z][a-z0-9-]*)(?::nth-child\((\d+)\))?)$/;

/**
 * The page element a CSS selector names, if any (html-validate's selectors are for its own parse
 * of the same HTML). Its usual form, `#id > tag:nth-child(n) > tag`, is followed child by child:
 * jsdom compiles every new selector string (about 0.5 ms each, one per finding).
 */
export function elementAt(page: Document, selector: string | null): Element | undefined {
  if (!selector) return undefined;
  const steps = selector.split(' > ').map((s) => SELECTOR_STEP.exec(s));
  const first = steps[0];
  const simple = first && (first[1] !== undefined || first[2] === 'html') && steps.every((m, i) => m && (i === 0 || m[1] === undefined));
  if (!simple) {
    try {
      return page.querySelector(selector) ?? undefined;
    } catch {
      return undefined;
    }
  }
  // The first match in document order, as querySelector gives it.
  const find = (el: Element, k: number): Element | undefined => {
    const step = steps[k];
    if (!step) return el;
    const tag = step[2] as string;
    if (step[3] !== undefined) {
      const child = el.children[Number(step[3]) - 1];
      return child?.localName === tag ? find(child, k + 1) : undefined;
    }
    for (const child of Array.from(el.children)) {
      const found = child.localName === tag ? find(child, k + 1) : undefined;
      if (found) return found;
    }
    return undefined;
  };
  const root = first[1] !== undefined ? page.getElementById(first[1]) : page.documentElement;
  return root ? find(root, 1) : undefined;
}

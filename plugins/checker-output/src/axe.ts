/**
 * axe-core on the HTML output, in jsdom. One window per plugin instance, created on first use
 * with axe's source evaluated once; each document replaces the window's document element, so the
 * per-document cost is parsing plus the axe run (and axe's code stays warm in the JIT). Runs are
 * serialised: axe refuses concurrent runs in one window, and the work is on this thread anyway.
 *
 * The document's own scripts never run: `runScripts: 'outside-only'` only lets this module
 * evaluate axe, the exporter's HTML holds no script (and its CSP forbids them), documents parsed
 * with DOMParser are script-disabled, and jsdom loads no resources (no `resources` option).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, ImpactValue, RunOptions } from 'axe-core';
import type { DOMWindow } from 'jsdom';
import { type CompiledRule, compileRules, FastStyles, jsdomDefaultSheet } from './fast-style.js';

/**
 * Rules that cannot give a true answer in jsdom, which has no layout and computes no colours.
 * `color-contrast` is replaced by the theme contrast check; the others would only ever report
 * "incomplete" or nothing. `axeRules: { rule: 'on' }` turns one back on.
 */
export const JSDOM_DISABLED_RULES: readonly string[] = [
  'color-contrast',
  'color-contrast-enhanced',
  'link-in-text-block',
  'target-size',
  'scrollable-region-focusable',
];

export interface AxeViolationNode {
  ruleId: string;
  impact: ImpactValue;
  help: string;
  helpUrl: string;
  description: string;
  target: string[];
  html: string;
  failureSummary?: string;
  element?: Element;
}

type AxeWindow = DOMWindow & {
  axe: {
    run(context: unknown, options: RunOptions): Promise<AxeResults>;
    getRules(): Array<{ ruleId: string; help: string; helpUrl: string }>;
    /** axe's messages (its English locale): a check's impact and fail message. */
    _audit?: { data?: { checks?: Record<string, { impact?: string; messages?: { fail?: unknown } }> } };
  };
};

/** What axe says about a rule whose check fails: as its violations carry it. */
export interface AxeRuleText {
  help: string;
  helpUrl: string;
  impact: string;
  fail: string;
}

let modules: Promise<{ JSDOM: typeof import('jsdom').JSDOM; VirtualConsole: typeof import('jsdom').VirtualConsole; axeSource: string }> | undefined;

/** jsdom and axe's source, once per process (~400 ms for jsdom's module graph). */
function loadModules() {
  modules ??= (async () => {
    const { JSDOM, VirtualConsole } = await import('jsdom');
    // The minified build: the same code, a third of the text to evaluate per window.
    const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    return { JSDOM, VirtualConsole, axeSource };
  })();
  return modules;
}

const HTML_NS = 'http://www.w3.org/1999/xhtml';
const SVG_NS = 'http://www.w3.org/2000/svg';

/** Rules that read colours, which only jsdom's own getComputedStyle computes. */
const COLOUR_RULES = ['color-contrast', 'color-contrast-enhanced', 'link-in-text-block'];

interface StyleControl {
  /** Computes the cascade of the window's current document once (or falls back to jsdom's per-call cascade). */
  prepare(useJsdom: boolean): void;
  reset(): void;
}

/**
 * Patches what jsdom lacks or does slowly for axe: `getComputedStyle` comes from FastStyles
 * (one cascade per document instead of one per call) unless a colour rule is on; jsdom's own
 * throws on MathML elements (no inline style object), which then get their nearest HTML ancestor's
 * style; `elementFromPoint` does not exist (axe's modal-dialog heuristic asks it), so nothing is
 * ever "on top".
 */
function patchWindow(window: DOMWindow): StyleControl {
  const original = window.getComputedStyle.bind(window);
  const defaultSheet = jsdomDefaultSheet();
  let defaultRules: CompiledRule[] | undefined;
  if (defaultSheet !== null) {
    const sheet = new window.CSSStyleSheet();
    sheet.replaceSync(defaultSheet);
    defaultRules = compileRules(sheet.cssRules);
  }
  let fast: FastStyles | undefined;
  let memo = new WeakMap<Element, CSSStyleDeclaration>();
  const styled = (el: Element): Element | null => {
    let e: Element | null = el;
    while (e && e.namespaceURI !== HTML_NS && e.namespaceURI !== SVG_NS) e = e.parentElement;
    return e;
  };
  window.getComputedStyle = ((el: Element, pseudo?: string | null) => {
    if (pseudo) return original(el, pseudo);
    if (fast && el.ownerDocument === window.document) return fast.style(el);
    let style = memo.get(el);
    if (!style) {
      style = original(styled(el) ?? el);
      memo.set(el, style);
    }
    return style;
  }) as typeof window.getComputedStyle;
  const doc = window.document as Document & { elementFromPoint?: unknown; elementsFromPoint?: unknown };
  doc.elementFromPoint = () => null;
  doc.elementsFromPoint = () => [];
  return {
    prepare(useJsdom) {
      memo = new WeakMap();
      fast = useJsdom || !defaultRules ? undefined : new FastStyles(window.document as unknown as Document, defaultRules);
    },
    reset() {
      memo = new WeakMap();
      fast = undefined;
    },
  };
}

export interface AxeRun {
  violations: AxeViolationNode[];
  /** The document as axe saw it, for mapping elements back to the source; valid until `release()`. */
  document: Document;
  release(): void;
}

/** One jsdom window with axe in it, reused for every document of a host. */
export class AxeRunner {
  #window: Promise<{ window: AxeWindow; styles: StyleControl; ruleIds: Set<string> }> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  #setup() {
    this.#window ??= (async () => {
      const { JSDOM, VirtualConsole } = await loadModules();
      // A silent console: jsdom reports what it does not implement (canvas) there.
      const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', {
        runScripts: 'outside-only',
        pretendToBeVisual: true,
        virtualConsole: new VirtualConsole(),
      });
      const window = dom.window as AxeWindow;
      const styles = patchWindow(window);
      window.eval((await loadModules()).axeSource);
      const ruleIds = new Set(window.axe.getRules().map((r) => r.ruleId));
      return { window, styles, ruleIds };
    })();
    // A failed set-up is not cached: the next document tries again.
    this.#window.catch(() => {
      this.#window = undefined;
    });
    return this.#window;
  }

  /** The help, link, impact and fail message axe gives a violation of `ruleId` through its check `checkId`. */
  async describe(ruleId: string, checkId = ruleId): Promise<AxeRuleText | undefined> {
    const { window } = await this.#setup();
    const rule = window.axe.getRules().find((r) => r.ruleId === ruleId);
    const check = window.axe._audit?.data?.checks?.[checkId];
    const fail = check?.messages?.fail;
    if (!rule || typeof fail !== 'string') return undefined;
    return { help: rule.help, helpUrl: rule.helpUrl, impact: check?.impact ?? 'moderate', fail };
  }

  /** The rule ids this axe knows, for validating configuration. */
  async ruleIds(): Promise<ReadonlySet<string>> {
    return (await this.#setup()).ruleIds;
  }

  /**
   * Runs axe on one HTML document. `rules` maps rule ids to enabled/disabled; `jsdomStyles` uses
   * jsdom's own getComputedStyle (slow; for comparison). The caller must call `release()` when
   * done with the returned document (the next run waits for it).
   */
  run(html: string, rules: Readonly<Record<string, boolean>>, mode: { jsdomStyles?: boolean } = {}): Promise<AxeRun> {
    return this.#session(html, { rules, jsdomStyles: mode.jsdomStyles === true });
  }

  /**
   * Parses one HTML document in the window without running axe (no violations), for mapping
   * elements to the source when axe is off. The same `release()` contract as `run`.
   */
  open(html: string): Promise<AxeRun> {
    return this.#session(html, undefined);
  }

  #session(html: string, axeRun: { rules: Readonly<Record<string, boolean>>; jsdomStyles: boolean } | undefined): Promise<AxeRun> {
    const previous = this.#queue;
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#queue = previous.then(() => done);
    return previous.then(async () => {
      try {
        if (this.#closed) throw new Error('the axe runner is closed');
        const { window, styles } = await this.#setup();
        const document = window.document;
        const parsed = new window.DOMParser().parseFromString(html, 'text/html');
        document.replaceChild(document.adoptNode(parsed.documentElement), document.documentElement);
        const violations: AxeViolationNode[] = [];
        if (axeRun) {
          const { rules } = axeRun;
          styles.prepare(axeRun.jsdomStyles || COLOUR_RULES.some((id) => rules[id] === true));
          const options: RunOptions = {
            resultTypes: ['violations'],
            elementRef: true,
            rules: Object.fromEntries(Object.entries(rules).map(([id, enabled]) => [id, { enabled }])),
          };
          const results = await window.axe.run(document, options);
          for (const v of results.violations) {
            for (const n of v.nodes) {
              violations.push({
                ruleId: v.id,
                impact: n.impact ?? v.impact ?? 'moderate',
                help: v.help,
                helpUrl: v.helpUrl,
                description: v.description,
                target: n.target.map(String),
                html: n.html,
                ...(n.failureSummary ? { failureSummary: n.failureSummary } : {}),
                ...(n.element ? { element: n.element as unknown as Element } : {}),
              });
            }
          }
        }
        let released = false;
        return {
          violations,
          document: document as unknown as Document,
          release: () => {
            if (released) return;
            released = true;
            // Drop the document so its memory is not held until the next run.
            const empty = new window.DOMParser().parseFromString('<!doctype html><html><head></head><body></body></html>', 'text/html');
            document.replaceChild(document.adoptNode(empty.documentElement), document.documentElement);
            styles.reset();
            release();
          },
        };
      } catch (err) {
        release();
        throw err;
      }
    });
  }

  /** Closes the window once the runs already queued are done. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue.catch(() => undefined);
    const pending = this.#window;
    this.#window = undefined;
    const env = await pending?.catch(() => undefined);
    env?.window.close();
  }
}

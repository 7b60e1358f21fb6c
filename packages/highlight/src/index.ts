/**
 * Code highlighting for exporters: highlight.js grammars, output as a hast tree of
 * `<span class="hljs-…">` elements (the token classes the themes colour).
 *
 * Only the grammars a document names are loaded, on first use, with the grammars they embed:
 * loading all 190 costs ~250 ms per process, a CLI run typically needs two or three. The name
 * from the document is looked up in a closed table (languages.generated.ts), never used as a
 * path. Grammar state is per process and immutable once registered.
 */
import { createRequire } from 'node:module';
import type { Element, ElementContent, Root, Text } from 'hast';
import type { HLJSApi, LanguageFn } from 'highlight.js';
import { ALIASES, LANGUAGES } from './languages.generated.js';

const require = createRequire(import.meta.url);

/** The canonical highlight.js name for a code block's language tag (`js` → `javascript`). */
export function resolveLanguage(tag: string): string | undefined {
  const key = tag.trim().toLowerCase();
  if (Object.hasOwn(LANGUAGES, key)) return key;
  return Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
}

/** Whether a code block tagged `tag` will be highlighted. */
export function isSupported(tag: string): boolean {
  return resolveLanguage(tag) !== undefined;
}

/** Builds hast while highlight.js parses (the emitter API lowlight also uses). */
class HastEmitter {
  readonly root: Root = { type: 'root', children: [] };
  private readonly stack: Array<Root | Element> = [this.root];

  constructor(private readonly options: { classPrefix: string }) {}

  private get current(): Root | Element {
    return this.stack[this.stack.length - 1] as Root | Element;
  }

  addText(value: string): void {
    if (value === '') return;
    const children = this.current.children;
    const tail = children[children.length - 1];
    if (tail?.type === 'text') tail.value += value;
    else children.push({ type: 'text', value } satisfies Text);
  }

  startScope(name: string): void {
    // `title.function` → `hljs-title function_` (highlight.js's own class naming).
    const className = String(name)
      .split('.')
      .map((part, i) => (i === 0 ? this.options.classPrefix + part : part + '_'.repeat(i)));
    const element: Element = { type: 'element', tagName: 'span', properties: { className }, children: [] };
    this.current.children.push(element);
    this.stack.push(element);
  }

  endScope(): void {
    if (this.stack.length > 1) this.stack.pop();
  }

  // highlight.js calls these for grammar modes that open a scope by class name.
  openNode(name: string): void {
    this.startScope(name);
  }

  closeNode(): void {
    this.endScope();
  }

  __addSublanguage(other: HastEmitter, name?: string): void {
    const results = other.root.children as ElementContent[];
    if (name) this.current.children.push({ type: 'element', tagName: 'span', properties: { className: [name] }, children: results });
    else for (const child of results) this.current.children.push(child);
  }

  finalize(): void {}

  toHTML(): string {
    return '';
  }
}

let instance: HLJSApi | undefined;

function hljs(): HLJSApi {
  if (!instance) {
    instance = (require('highlight.js/lib/core') as HLJSApi).newInstance();
    // `__emitter` is highlight.js's documented hook for alternative output trees.
    instance.configure({ __emitter: HastEmitter, classPrefix: 'hljs-' } as Parameters<HLJSApi['configure']>[0]);
  }
  return instance;
}

function ensureLoaded(name: string, api: HLJSApi): void {
  if (api.getLanguage(name)) return;
  // Register first so that mutually embedding grammars cannot recurse forever.
  api.registerLanguage(name, require(`highlight.js/lib/languages/${name}`) as LanguageFn);
  for (const sub of LANGUAGES[name] ?? []) ensureLoaded(sub, api);
}

/** The grammars loaded so far in this process (for tests and diagnostics). */
export function loadedLanguages(): string[] {
  return instance ? instance.listLanguages().sort() : [];
}

/**
 * Highlights `code` as the language tagged `tag`; undefined when the language is unknown (the
 * caller then shows the code plain). Illegal input never throws: highlight.js is told to ignore it.
 */
export function highlight(tag: string, code: string): Root | undefined {
  const name = resolveLanguage(tag);
  if (!name) return undefined;
  const api = hljs();
  ensureLoaded(name, api);
  const result = api.highlight(code, { language: name, ignoreIllegals: true }) as unknown as { _emitter?: HastEmitter; errorRaised?: unknown };
  if (result.errorRaised || !result._emitter) return undefined;
  return result._emitter.root;
}

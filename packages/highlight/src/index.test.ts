import { toHtml } from 'hast-util-to-html';
import { describe, expect, it } from 'vitest';
import { highlight, isSupported, loadedLanguages, resolveLanguage } from './index.js';

describe('highlight', () => {
  it('loads nothing until a block needs it, then only that grammar and what it embeds', () => {
    expect(loadedLanguages()).toEqual([]);
    highlight('py', 'def f(): pass');
    expect(loadedLanguages()).toEqual(['python']);
    highlight('html', '<p>x</p>');
    // HTML embeds CSS and JavaScript in <style> and <script>.
    expect(loadedLanguages()).toEqual(expect.arrayContaining(['xml', 'css', 'javascript']));
    expect(loadedLanguages()).not.toContain('rust');
  });

  it('resolves aliases case-insensitively', () => {
    expect(resolveLanguage('JS')).toBe('javascript');
    expect(resolveLanguage('sh')).toBe('bash');
    expect(resolveLanguage('html')).toBe('xml');
    expect(resolveLanguage('py')).toBe('python');
    expect(resolveLanguage('yml')).toBe('yaml');
    expect(resolveLanguage('C++')).toBe('cpp');
    expect(resolveLanguage(' rust ')).toBe('rust');
    expect(isSupported('brainfuck')).toBe(true);
  });

  it('emits the hljs token classes the themes colour', () => {
    const html = toHtml(highlight('javascript', 'function f() { return "s"; } // c') ?? { type: 'root', children: [] });
    expect(html).toContain('<span class="hljs-keyword">function</span>');
    expect(html).toContain('<span class="hljs-title function_">f</span>');
    expect(html).toContain('<span class="hljs-string">"s"</span>');
    expect(html).toContain('<span class="hljs-comment">// c</span>');
  });

  it('highlights embedded languages inside their host', () => {
    const html = toHtml(highlight('html', '<script>let x = 1;</script>') ?? { type: 'root', children: [] });
    expect(html).toContain('<span class="javascript"><span class="hljs-keyword">let</span>');
    expect(html).toContain('<span class="hljs-keyword">let</span>');
  });

  it('keeps every character of the code, in order', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source text, not a template
    const code = 'if (a < b && c > "d") {\n  x = `t${1}`;\n}\n';
    const root = highlight('js', code);
    const text = (node: { value?: string; children?: unknown[] }): string =>
      node.value ?? (node.children ?? []).map((c) => text(c as { value?: string })).join('');
    expect(text(root as never)).toBe(code);
  });

  it('refuses names outside the table without touching the file system', () => {
    for (const tag of ['../../../package', 'core', 'languages/javascript', '__proto__', 'constructor', '', 'no-such-language']) {
      expect(resolveLanguage(tag)).toBeUndefined();
      expect(highlight(tag, 'x')).toBeUndefined();
    }
  });

  it('never throws on code that breaks the grammar', () => {
    expect(() => highlight('json', '{"a": [1, 2,, }}}} \u0000 \ud800')).not.toThrow();
    expect(() => highlight('python', '"""unterminated')).not.toThrow();
  });
});

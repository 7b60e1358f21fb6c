/**
 * @export-ia/plugin-checker-style — grammar and style findings with safe fixes: a few actionable
 * default rules, opt-in noisy ones, and Vale-style house rules from YAML. Metrics:
 * `style: { words, findings, byRule, per1000 }` (findings = everything but `info`, for the score).
 */
import {
  type CheckContext,
  type CheckResult,
  type DocumentModel,
  definePlugin,
  type Finding,
  inCode,
  type ProseBlock,
  proseBlocks,
  sentences,
  words,
} from '@export-ia/core/plugin';
import { type ActiveRule, compileStyle } from './config.js';
import { mergeStyle, partialOf, styleMetrics } from './parts.js';
import type { BlockContext, Hit } from './rule.js';
import { SourceMap } from './source-map.js';

export { BUILTIN_RULES, type StyleConfig } from './config.js';
export { mergeStyle } from './parts.js';
export { articleSound } from './rules-english.js';

// The e-mail part starts only where a run starts, with bounded parts: linear on 'a.a.a…' next to an '@' (was quadratic).
const URL = /(?:\b(?:https?|ftp):\/\/|\bwww\.|\bmailto:)[^\s<>"”’]*[^\s<>"”’.,;:!?)\]]|(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}/g;
const WORD = /[\p{L}\p{M}\p{N}]+(?:['’.-][\p{L}\p{M}\p{N}]+)*/gu;
/** Languages written without spaces between words: counted with Intl.Segmenter. */
const UNSPACED = new Set(['zh', 'ja', 'th', 'lo', 'km', 'my', 'bo']);

function countWords(block: ProseBlock, lang: string): number {
  let n = 0;
  for (const p of block.pieces) {
    if (p.code) continue;
    const text = block.text.slice(p.from, p.to);
    if (UNSPACED.has(lang)) n += words(text, lang).length;
    else {
      WORD.lastIndex = 0;
      while (WORD.exec(text)) n++;
    }
  }
  return n;
}

function urlSpans(text: string): Array<[number, number]> {
  if (!text.includes('://') && !text.includes('www.') && !text.includes('@') && !text.includes('mailto:')) return [];
  return Array.from(text.matchAll(URL), (m) => [m.index, m.index + m[0].length] as [number, number]);
}

const excerptOf = (text: string) => (text.length > 80 ? `${text.slice(0, 77)}…` : text).replace(/\s+/g, ' ');

/**
 * Runs the active rules over a document. Exported for tests and embedding. With `ctx.part`, the
 * document is one part of a document analysed in sections: what `mergeStyle` needs to apply the
 * per-document limits goes to `partial`.
 */
export function checkStyle(doc: DocumentModel, ctx: Pick<CheckContext, 'config' | 'cwd' | 'language' | 'text' | 'part'> & { configDir?: string }): CheckResult {
  // Style files named in the config file resolve from its folder (the working directory without one).
  const compiled = compileStyle(ctx.config, ctx.configDir ?? ctx.cwd);
  const lang = ctx.language;
  const rules: ActiveRule[] = compiled.active.filter((a) => !a.rule.english || lang === 'en');
  const map = new SourceMap(ctx.text);
  const findings: Finding[] = [];
  const counts = new Map<string, number>();
  let wordCount = 0;
  let current: ActiveRule | undefined;

  for (const block of proseBlocks(doc.root)) {
    wordCount += countWords(block, lang);
    let urls: Array<[number, number]> | undefined;
    const skip = (from: number, to: number) => {
      urls ??= urlSpans(block.text);
      return inCode(block, from, to) || urls.some(([a, b]) => from < b && to > a);
    };
    const run: BlockContext = {
      block,
      lang,
      map,
      options: compiled.options,
      counts,
      sectioned: ctx.part !== undefined,
      // Split once per text and language, shared with the other checkers.
      sentences: () => sentences(block.text, lang),
      skip,
      report(hit: Hit) {
        if (!current || skip(hit.from, hit.to)) return false;
        const finding: Finding = {
          rule: current.rule.id,
          severity: current.severity,
          message: hit.message,
          excerpt: excerptOf(block.text.slice(hit.from, hit.to)),
        };
        const position = map.position(block, hit.from, hit.to);
        if (position) finding.position = position;
        if (hit.suggestion !== undefined) finding.suggestion = hit.suggestion;
        if (hit.fix) finding.fix = hit.fix;
        if (hit.data) finding.data = hit.data;
        findings.push(finding);
        return true;
      },
    };
    for (const active of rules) {
      if (block.quoted && !active.rule.quoted) continue;
      current = active;
      active.rule.check(run);
    }
  }

  if (ctx.part) return partialOf(doc, ctx.part, rules, findings, counts, compiled.options, wordCount);
  return { findings, metrics: styleMetrics(findings, wordCount) };
}

export default definePlugin({
  setup(api) {
    api.checker('style', {
      check: (doc, ctx) => checkStyle(doc, ctx),
      merge: (parts) => mergeStyle(parts),
    });
  },
});

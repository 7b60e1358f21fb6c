/**
 * Similarity checker: copied passages and near-duplicates of the document in a corpus, found
 * with winnowed word 5-gram fingerprints and MinHash signatures. The corpus is the host's (a
 * `corpus` on the check context, the persistent index behind `export-ia corpus`) or, without
 * one, the files listed under `sources` in the plugin configuration. Metrics: `similarity`
 * (`maxContainment` feeds the quality score's originality; no corpus, no metric).
 */
import { type CheckContext, definePlugin } from '@export-ia/core/plugin';
import { type CorpusProvider, createSimilarityChecker, readConfig, type SimilarityConfig } from './checker.js';
import type { CorpusIndex } from './corpus.js';
import { indexCorpusText } from './corpus.js';
import { SourceCorpus } from './sources.js';

export {
  type CorpusProvider,
  createSimilarityChecker,
  DEFAULT_CONFIG,
  readConfig,
  type SimilarityConfig,
  type SimilarityMetric,
  type SourceMetric,
} from './checker.js';
export { type CorpusDocument, type CorpusEntry, type CorpusIndex, indexCorpusText, MemoryCorpus, type Posting } from './corpus.js';
export {
  DEFAULT_FINGERPRINT_OPTIONS,
  FINGERPRINT_VERSION,
  type FingerprintOptions,
  fingerprintScheme,
  fingerprintText,
  jaccard,
  minhash,
  SIGNATURE_SIZE,
} from './fingerprint.js';

/** The host's corpus, when it passes one on the check context (see README, "Corpus index"). */
function hostCorpus(ctx: CheckContext): CorpusIndex | undefined {
  const corpus = (ctx as CheckContext & { corpus?: CorpusIndex }).corpus;
  return corpus && typeof corpus.lookup === 'function' && typeof corpus.count === 'function' && typeof corpus.document === 'function' ? corpus : undefined;
}

/** The host's corpus, else one kept up to date from the configured `sources`. */
export function defaultCorpusProvider(): CorpusProvider {
  const bySettings = new Map<string, SourceCorpus>();
  return (ctx, config: SimilarityConfig, warn) => {
    const host = hostCorpus(ctx);
    if (host) return host;
    if (config.sources.length === 0) return undefined;
    const base = ctx.configDir ?? ctx.cwd;
    const key = JSON.stringify([base, config.k, config.window, config.foldDiacritics, config.sources]);
    let sources = bySettings.get(key);
    if (!sources) {
      sources = new SourceCorpus({ k: config.k, window: config.window, foldDiacritics: config.foldDiacritics });
      bySettings.set(key, sources);
    }
    for (const problem of sources.refresh(base, config.sources)) {
      warn({
        rule: 'similarity/source-unreadable',
        severity: 'warning',
        message: `The corpus source ${problem.file} could not be read (${problem.reason}), so it was left out of the comparison.`,
        suggestion: 'Fix or remove the path under `sources` in the plugin configuration; sources must be UTF-8 Markdown or plain text.',
        data: { file: problem.file, reason: problem.reason },
      });
    }
    return sources.corpus;
  };
}

export default definePlugin({
  setup(api) {
    const checker = createSimilarityChecker(defaultCorpusProvider());
    const config = readConfig(api.config);
    const options = { k: config.k, window: config.window, foldDiacritics: config.foldDiacritics };
    // `indexCorpus`: what the host stores for a text added with `export-ia corpus add`.
    api.checker('similarity', { check: checker.check, merge: checker.merge, indexCorpus: (text) => ({ ...indexCorpusText(text, options), options }) });
  },
});

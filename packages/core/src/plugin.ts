/**
 * `@export-ia/core/plugin` — the only module plugins import. Everything here is stable plugin
 * API (apiVersion 1): the contracts, the document model and the helpers components share.
 */

export type { ExportSettings, Limits, PdfStandard } from './config/settings.js';
export type { ErrorCode } from './errors/catalog.js';
export { type Diagnostic, diagnostic, ExportIaError, isExportIaError, type SourcePoint, toExportIaError } from './errors/export-ia-error.js';
export type { Asset, DocumentMeta, DocumentModel, DocumentSource } from './model/document.js';
export { type Labels, labelsFor } from './model/l10n.js';
export type { Callout, CalloutKind, Figure, FigureCaption, InlineMath, Math, PageBreak } from './model/mdast.js';
export { CALLOUT_KINDS } from './model/mdast.js';
export { assignHeadingIds, type DocumentIndex, headingIdAllocator, indexDocument, pushAll, rawHtmlToText, slugify, toPlainText, walk } from './model/tree.js';
export type {
  CheckContext,
  Checker,
  ExportContext,
  Exporter,
  Importer,
  ImportResult,
  MergeContext,
  PluginApi,
  PluginDefinition,
  SectionPart,
  SourceInput,
  StepContext,
  Transform,
} from './plugins/contracts.js';
export { definePlugin } from './plugins/contracts.js';
export type {
  CheckerDescriptor,
  Contributions,
  ExporterDescriptor,
  ImporterDescriptor,
  ManifestInput,
  Permissions,
  PluginManifest,
  ResourceLimits,
  ThemeDescriptor,
  TransformDescriptor,
  VideoStepDescriptor,
  VideoStepKind,
} from './plugins/manifest.js';
export type {
  AudioAnalysis,
  Candidate,
  CandidateScore,
  Captioner,
  CaptionInput,
  CaptionLine,
  CaptionStyle,
  CaptionWord,
  Detector,
  SceneAnalysis,
  ScoreInput,
  ScoreReason,
  Scorer,
  Sentence,
  Span,
  StepAvailability,
  SubjectBox,
  TranscribeInput,
  Transcriber,
  Transcript,
  VideoFrame,
  VideoStepContext,
  Word,
} from './plugins/video-contracts.js';
export type { CorpusDocument, CorpusEntry, CorpusIndex, CorpusPosting } from './quality/corpus.js';
export {
  applyFixes,
  type CheckResult,
  compareFindings,
  type Finding,
  type FindingPosition,
  type FindingSeverity,
  type Fix,
  SEVERITY_ORDER,
} from './quality/findings.js';
export { inCode, locate, type ProseBlock, type ProseKind, type ProsePiece, proseBlocks, sentences, wordCount, words } from './quality/prose.js';
export { toDocumentPosition } from './quality/sections.js';
export { FetchRefused, isPrivateAddress, type SafeFetchOptions, type SafeFetchResult, safeFetch } from './security/safe-fetch.js';
export { fillPlaceholders } from './themes/placeholders.js';
export type { ResolvedTheme } from './themes/theme-loader.js';
export type { FontRole, PageSize, RunningText, Theme } from './themes/theme-schema.js';
export { closest, editDistance } from './util/closest.js';
export { type ImageInfo, type ImageMediaType, readImageInfo } from './util/image-info.js';
export { serveWorker, WorkerPool, type WorkerPoolOptions, workerFile } from './util/worker-pool.js';

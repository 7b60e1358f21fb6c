/**
 * `@export-ia/core` — the host API for apps (CLI, server, worker) and for embedding Export IA
 * as a library. Plugins import `@export-ia/core/plugin` instead.
 *
 * ```ts
 * import { createHost } from '@export-ia/core';
 * const host = await createHost({ plugins: ['@export-ia/plugin-importer-markdown', '@export-ia/plugin-exporter-html'] });
 * const result = await host.exportPipeline(['html']).run(host.readInput('report.md'));
 * ```
 */

export {
  CONFIG_FILE_NAMES,
  type ConfigFile,
  editPluginConfig,
  findConfigFile,
  loadConfigFile,
  type PluginConfigChange,
  parseConfigValue,
} from './config/config-file.js';
export {
  checkSettingsLayer,
  DEFAULT_LIMITS,
  DEFAULT_SETTINGS,
  type ExportSettings,
  type Limits,
  mergeSettings,
  PDF_STANDARDS,
  type PdfStandard,
  SETTINGS_ENV,
  type SettingsLayer,
  settingsFromEnv,
  settingsLayerSchema,
} from './config/settings.js';
export { type CatalogEntry, catalog, type ErrorCode, type ErrorKind, exitCodeFor } from './errors/catalog.js';
export { renderErrorDocs } from './errors/error-docs.js';
export {
  type Diagnostic,
  diagnostic,
  ExportIaError,
  isExportIaError,
  type SerializedError,
  type SourcePoint,
  toExportIaError,
} from './errors/export-ia-error.js';
export type {
  AppendResult,
  EventFilter,
  EventMetadata,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
  Subscription,
  Upcaster,
} from './events/event-store.js';
export { newEventId } from './events/event-store.js';
export { Database, type Db, type Migration, openDatabase } from './events/sqlite-database.js';
export { MIGRATIONS, openSqliteEventStore, SqliteEventStore, type SqliteEventStoreOptions } from './events/sqlite-event-store.js';
export { type BatchEvent, type BatchItem, type BatchOptions, type InputOutcome, processInput, runBatch, type WrittenOutput } from './host/batch.js';
export { createHost, type Host, type HostOptions } from './host/host.js';
export { decodeText, readInputFile, readInputStream, sha256 } from './io/input.js';
export { displayPath, type FormatInfo, isDirectoryTarget, type OutputPlanItem, type PlannedInput, planOutputs, writeFileAtomic } from './io/output.js';
export { BlobStore } from './jobs/blob-store.js';
export { DATA_DIR_ENV, DATABASE_FILE, defaultDataDir, type JobStore, openJobStore, resolveDataDir } from './jobs/data-dir.js';
export * from './jobs/job.js';
export { isAdoptable, JobQueue, newOwnerId, ownerIsDead, type QueueRow } from './jobs/job-queue.js';
export { cancelJob, type ExportRequest, type JobOutcome, JobRunner, type JobRunnerOptions, QUALITY, retryJob } from './jobs/job-runner.js';
export { DEFAULT_RETENTION_DAYS, type PruneResult, pruneIfDue, pruneStoredContent } from './jobs/retention.js';
export type { Asset, DocumentMeta, DocumentModel, DocumentSource } from './model/document.js';
export { interpretFrontMatter, KNOWN_FRONT_MATTER_KEYS } from './model/front-matter.js';
export { assignHeadingIds, type DocumentIndex, indexDocument, pushAll, rawHtmlToText, slugify, toPlainText, walk } from './model/tree.js';
export {
  type Analysis,
  chooseImporter,
  type Output,
  Pipeline,
  type PipelineEvent,
  type PipelineResult,
  type PipelineSpec,
  type PluginRef,
  primaryLanguage,
  type RunOptions,
  type StepSpec,
  type StepTiming,
  validatePipelineSpec,
} from './pipeline/pipeline.js';
export { loadPipelineFile, parsePipeline, pipelineFileSchema } from './pipeline/pipeline-file.js';
export { type ArchiveEntry, checkEntryPath, readTarGz, readZip } from './plugins/archive.js';
export type { SourceInput } from './plugins/contracts.js';
export type { ExporterDescriptor, ImporterDescriptor, PluginManifest, ThemeDescriptor, TransformDescriptor } from './plugins/manifest.js';
export { manifestFromPackageJson, manifestSchema, normalizeManifest } from './plugins/manifest.js';
export {
  inspectPluginPackage,
  type LoadedPlugin,
  loadPlugins,
  orderByDependencies,
  type PluginSet,
  type PluginSpec,
  type Registry,
  validatePluginConfig,
} from './plugins/plugin-loader.js';
export {
  classifySource,
  type InstalledPlugin,
  type PluginSource,
  type PluginSourceKind,
  PluginStore,
  type PluginStoreOptions,
  type StagedPlugin,
} from './plugins/store.js';
export { type Projection, type ProjectionStatus, Projector, type ProjectorOptions } from './projections/projector.js';
export { documentHistory, findJob, type HistoryRow, type JobRow, jobSteps, listJobs, type Stats, type StepRow, stats } from './projections/queries.js';
export { analyticsProjection, historyProjection, jobsProjection, READ_MODELS } from './projections/read-models.js';
export { type CorpusDocument, type CorpusEntry, type CorpusIndex, type CorpusPosting, SqliteCorpus } from './quality/corpus.js';
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
export { inCode, locate, type ProseBlock, proseBlocks, sentences, words } from './quality/prose.js';
export { type AnalyzedDocument, type QualityReport, toSarif } from './quality/report-data.js';
export { AUDIENCE_EASE, type Audience, type QualityScore, SCORE_VERSION, type ScoreOptions, type SubScore, scoreQuality } from './quality/score.js';
export { loadTheme, type ResolvedTheme, type ThemeLookup } from './themes/theme-loader.js';
export { BASE_THEME, type Theme, themeFileSchema } from './themes/theme-schema.js';
export { closest } from './util/closest.js';
export { CORE_VERSION, SUPPORTED_API_VERSIONS } from './version.js';

/**
 * The contracts between the host and plugin components. They are deliberately small and
 * data-only at the boundary (bytes, mdast, plain objects), so a component can later run in a
 * worker thread or a sandboxed process without changing its code.
 */
import type { Root } from 'mdast';
import type { ExportSettings } from '../config/settings.js';
import type { Diagnostic } from '../errors/export-ia-error.js';
import type { DocumentModel } from '../model/document.js';
import type { CorpusEntry, CorpusIndex } from '../quality/corpus.js';
import type { CheckResult } from '../quality/findings.js';
import type { ResolvedTheme } from '../themes/theme-loader.js';
import type { ManifestInput } from './manifest.js';
import type { Captioner, Detector, Scorer, Transcriber } from './video-contracts.js';

/** An input document as the host read it. */
export interface SourceInput {
  /** What the user typed (`report.md`, `-`), for messages. */
  name: string;
  /** Absolute path when read from disk. */
  path?: string;
  /** Folder that relative references (images, links) resolve against. */
  dir: string;
  bytes: Uint8Array;
  /** UTF-8 text, for text importers (the host checked the encoding). */
  text?: string;
  /** sha-256 of `bytes`, hex. */
  hash: string;
}

/** What every component gets when it runs for one document. */
export interface StepContext {
  /** The input's name, for messages. */
  readonly file: string;
  /** The host's working directory (relative settings paths resolve from it). */
  readonly cwd: string;
  /**
   * Where relative paths in this plugin's configuration resolve from: the folder of the config
   * file that set it, else the working directory.
   */
  readonly configDir: string;
  readonly settings: Readonly<ExportSettings>;
  /** The plugin's configuration, validated against its `configSchema`. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly signal: AbortSignal;
  readonly plugin: Readonly<{ id: string; version: string }>;
  /** Attaches a finding (warning, info) to the document. */
  report(diagnostic: Diagnostic): void;
  /** Reports progress of this step, 0…1. */
  progress(fraction: number, note?: string): void;
  /** Runs another plugin's importer (the DOCX importer hands its HTML to the HTML importer). */
  importWith(importerId: string, input: SourceInput): Promise<ImportResult>;
}

export interface ExportContext extends StepContext {
  readonly theme: ResolvedTheme;
}

/** What an importer returns; the host adds source information and metadata. */
export interface ImportResult {
  root: Root;
  /** Front matter or the format's own metadata (HTML `<title>`, DOCX core properties). */
  frontMatter?: Record<string, unknown>;
}

export interface Importer {
  import(input: SourceInput, ctx: StepContext): ImportResult | Promise<ImportResult>;
}

/** A step between import and export. Must not mutate its input; returns the new document. */
export interface Transform {
  transform(doc: DocumentModel, ctx: StepContext): DocumentModel | Promise<DocumentModel>;
}

/** What a checker gets besides the step context. */
export interface CheckContext extends StepContext {
  /** The source text, when the input is text (Markdown, HTML): fixes and offsets refer to it. */
  readonly text?: string;
  /**
   * The document's language as a primary subtag (`en`, `es`): the one declared (--lang, front
   * matter), else the one detected by an earlier checker (metrics.language.document), else `en`.
   */
  readonly language: string;
  /** Metrics of the checkers that ran in earlier stages (language detection runs first). */
  readonly metrics: Readonly<Record<string, unknown>>;
  /** The user's corpus (`export-ia corpus add`), for similarity checkers; absent when empty or unavailable. */
  readonly corpus?: CorpusIndex;
  /**
   * Renders the document with an exporter (`html`, `pdf`…) and the run's theme, for checkers
   * that inspect the output (accessibility of the HTML, tags of the PDF). The exporter's plugin
   * must be one of the checker plugin's declared dependencies.
   */
  exportWith(format: string): Promise<Uint8Array>;
  /**
   * Set when a huge document is analysed section by section (limits.sectionBytes): this call
   * sees one part. `text`, positions and offsets are the part's own; the host moves findings to
   * document positions afterwards. Document-wide rules belong in `merge`.
   */
  readonly part?: SectionPart;
}

/** One part of a document analysed in sections. */
export interface SectionPart {
  /** 0-based, in document order. */
  readonly index: number;
  readonly count: number;
  /** Line (1-based) and offset in the document text where the part starts. */
  readonly line: number;
  readonly offset: number;
  /**
   * Length and lines of the part's own text. After it, the part's text holds copies of the
   * document's link reference definitions and footnote stubs (so references resolve): nodes
   * starting at or past `length` are not the part's content.
   */
  readonly length: number;
  readonly lines: number;
}

/** What a checker's `merge` gets: the whole document's context, without a tree. */
export interface MergeContext extends StepContext {
  /** The whole source text. */
  readonly text?: string;
  readonly language: string;
  readonly metrics: Readonly<Record<string, unknown>>;
  /** How many parts the document was analysed in. */
  readonly parts: number;
}

/** A quality checker: reads the document, never changes it; returns findings and metrics. */
export interface Checker {
  check(doc: DocumentModel, ctx: CheckContext): CheckResult | Promise<CheckResult>;
  /**
   * Combines the results of a document analysed in sections, in document order. Their findings
   * already carry document positions; their `partial` is whatever `check` put there (their
   * `metrics` are not kept: whatever merge needs goes in `partial`). Returns the
   * document's result (document-wide findings and metrics). A checker without `merge` keeps its
   * parts' findings and loses its metrics for such documents (an info finding says so).
   */
  merge?(parts: readonly CheckResult[], ctx: MergeContext): CheckResult | Promise<CheckResult>;
  /** For corpus-based checkers: what to store for a text added to the corpus (fingerprints). */
  indexCorpus?(text: string): CorpusEntry;
}

export interface Exporter {
  export(doc: DocumentModel, ctx: ExportContext): Uint8Array | Promise<Uint8Array>;
}

/** What a plugin's `setup` receives. */
export interface PluginApi {
  readonly id: string;
  readonly version: string;
  /** The plugin's package folder. */
  readonly dir: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** Registers the implementation of an importer declared in the manifest. */
  importer(id: string, implementation: Importer): void;
  exporter(id: string, implementation: Exporter): void;
  transform(id: string, implementation: Transform): void;
  checker(id: string, implementation: Checker): void;
  /** Registers a video step declared in the manifest's `videoSteps` with kind `transcriber`. */
  transcriber(id: string, implementation: Transcriber): void;
  detector(id: string, implementation: Detector): void;
  scorer(id: string, implementation: Scorer): void;
  captioner(id: string, implementation: Captioner): void;
  /** Called when the host shuts down, in reverse load order (release workers, files…). */
  onClose(callback: () => void | Promise<void>): void;
}

const PLUGIN_BRAND = Symbol.for('export-ia.plugin');

export interface PluginDefinition {
  readonly [PLUGIN_BRAND]: true;
  /** Only for plugins defined in code (tests, embedding); packaged plugins use package.json. */
  readonly manifest?: ManifestInput;
  setup(api: PluginApi): void | Promise<void>;
}

/**
 * Defines a plugin. A packaged plugin default-exports this from its `main` and keeps its
 * manifest in package.json; a plugin defined in code passes `manifest` here.
 */
export function definePlugin(definition: { manifest?: ManifestInput; setup(api: PluginApi): void | Promise<void> }): PluginDefinition {
  return { ...definition, [PLUGIN_BRAND]: true };
}

export function isPluginDefinition(value: unknown): value is PluginDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PLUGIN_BRAND] === true;
}

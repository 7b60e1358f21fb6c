import { catalog, type ErrorCode, type ErrorKind, exitCodeFor, formatTemplate } from './catalog.js';

/** Marks our errors across module copies, worker threads and (later) process boundaries. */
const BRAND = Symbol.for('export-ia.error');

/** A source position, 1-based like editors show it. */
export interface SourcePoint {
  line: number;
  column: number;
}

/**
 * A problem attached to a document or a run, as data (never thrown): importer warnings,
 * missing images, later the quality checkers' findings. Serialisable.
 */
export interface Diagnostic {
  code: ErrorCode;
  severity: 'error' | 'warning' | 'info';
  message: string;
  hint: string;
  /** The input it is about, as the user named it. */
  file?: string;
  position?: SourcePoint;
  /** Id of the plugin that reported it. */
  source?: string;
  params?: Record<string, string | number>;
}

/** The plain-data form of an error, for JSON events, worker messages and (later) event payloads. */
export interface SerializedError {
  code: ErrorCode;
  kind: ErrorKind;
  message: string;
  hint: string;
  params: Record<string, string | number>;
  cause?: string;
}

type Params = Record<string, string | number | readonly string[] | undefined>;

function cleanParams(params: Params): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    out[key] = Array.isArray(value) ? value.join(', ') : (value as string | number);
  }
  return out;
}

/**
 * The only error type Export IA throws on purpose. Carries a permanent code from the catalogue,
 * a message and a hint. Use {@link isExportIaError} rather than `instanceof` (it works across
 * copies of this module and after serialisation).
 */
export class ExportIaError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly hint: string;
  readonly params: Record<string, string | number>;
  readonly [BRAND] = true;

  constructor(code: ErrorCode, params: Params = {}, options?: { cause?: unknown }) {
    const entry = catalog[code];
    const clean = cleanParams(params);
    super(formatTemplate(entry.message, clean), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ExportIaError';
    this.code = code;
    this.kind = entry.kind;
    this.hint = formatTemplate(entry.hint, clean);
    this.params = clean;
  }

  /** CLI exit code for this error. */
  get exitCode(): number {
    return exitCodeFor(this.kind);
  }

  toJSON(): SerializedError {
    const out: SerializedError = { code: this.code, kind: this.kind, message: this.message, hint: this.hint, params: this.params };
    if (this.cause !== undefined) out.cause = this.cause instanceof Error ? this.cause.message : String(this.cause);
    return out;
  }

  /** Rebuilds an error from its serialised form (worker threads, later the job store). */
  static fromJSON(data: SerializedError): ExportIaError {
    const err = new ExportIaError(data.code in catalog ? data.code : 'EIA_INTERNAL', data.params);
    return err;
  }
}

/** True for any Export IA error, including copies made by another instance of this module. */
export function isExportIaError(value: unknown): value is ExportIaError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * Wraps anything thrown into an ExportIaError. Our own errors pass through; anything else is
 * an internal error that keeps the original as `cause` (its stack goes to debug logs, never to
 * the user's terminal).
 */
export function toExportIaError(value: unknown, fallback: ErrorCode = 'EIA_INTERNAL', params: Params = {}): ExportIaError {
  if (isExportIaError(value)) return value;
  const detail = value instanceof Error ? value.message : String(value);
  return new ExportIaError(fallback, { detail, ...params }, { cause: value });
}

/** Makes a diagnostic (a finding as data) from a catalogue code. */
export function diagnostic(
  code: ErrorCode,
  params: Params = {},
  extra: { file?: string; position?: SourcePoint; source?: string; severity?: Diagnostic['severity'] } = {},
): Diagnostic {
  const entry = catalog[code];
  const clean = cleanParams(params);
  const out: Diagnostic = {
    code,
    severity: extra.severity ?? (entry.kind === 'warning' ? 'warning' : 'error'),
    message: formatTemplate(entry.message, clean),
    hint: formatTemplate(entry.hint, clean),
    params: clean,
  };
  if (extra.file !== undefined) out.file = extra.file;
  if (extra.position !== undefined) out.position = extra.position;
  if (extra.source !== undefined) out.source = extra.source;
  return out;
}

/**
 * Machine-readable quality reports: the JSON report (ours, versioned) and SARIF 2.1.0 (what code
 * scanning tools read: GitHub code scanning, Azure DevOps, VS Code's SARIF viewer).
 */

import { relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Analysis } from '../pipeline/pipeline.js';
import type { Finding, FindingSeverity } from './findings.js';
import type { QualityScore } from './score.js';

/** One analysed input. */
export interface AnalyzedDocument {
  /** As the user named it. */
  file: string;
  /** Absolute path, when it is a file. */
  path?: string;
  title?: string;
  language?: string;
  words?: number;
  score: QualityScore;
  findings: Finding[];
  metrics: Record<string, unknown>;
  checkers: Analysis['checkers'];
  /** Fixes applied by --fix / --write. */
  fixed?: { path: string; applied: number; skipped: number };
}

export interface QualityReport {
  /** Report format version. */
  version: 1;
  tool: { name: string; version: string };
  generatedAt: string;
  documents: AnalyzedDocument[];
}

const SARIF_LEVEL: Record<FindingSeverity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', suggestion: 'note', info: 'note' };

function uriOf(doc: AnalyzedDocument, cwd: string): string {
  if (!doc.path) return doc.file === '-' ? 'stdin' : doc.file;
  const rel = relative(cwd, doc.path);
  return rel.startsWith('..') ? pathToFileURL(doc.path).href : rel.split(sep).map(encodeURIComponent).join('/');
}

/**
 * SARIF 2.1.0: one run, one rule per rule id (with its checker), one result per finding, with
 * region and (for safe fixes) a replacement. Scores go in the run's and artifacts' properties.
 */
export function toSarif(report: QualityReport, cwd: string): Record<string, unknown> {
  const rules = new Map<string, { index: number; finding: Finding }>();
  for (const d of report.documents) for (const f of d.findings) if (!rules.has(f.rule)) rules.set(f.rule, { index: rules.size, finding: f });
  const artifacts = report.documents.map((d) => ({
    location: { uri: uriOf(d, cwd), ...(d.path && !relative(cwd, d.path).startsWith('..') ? { uriBaseId: '%SRCROOT%' } : {}) },
    properties: { qualityScore: d.score.score, scoreVersion: d.score.version, language: d.language ?? null, words: d.words ?? null },
  }));
  const results = report.documents.flatMap((d, artifactIndex) =>
    d.findings.map((f) => {
      const location = { ...(artifacts[artifactIndex]?.location ?? { uri: d.file }), index: artifactIndex };
      const region = f.position
        ? {
            startLine: f.position.line,
            startColumn: f.position.column,
            ...(f.position.endLine === undefined ? {} : { endLine: f.position.endLine }),
            ...(f.position.endColumn === undefined ? {} : { endColumn: f.position.endColumn }),
          }
        : undefined;
      const result: Record<string, unknown> = {
        ruleId: f.rule,
        ruleIndex: rules.get(f.rule)?.index ?? 0,
        level: SARIF_LEVEL[f.severity],
        message: { text: f.suggestion ? `${f.message} ${f.suggestion}` : f.message },
        locations: [{ physicalLocation: { artifactLocation: location, ...(region ? { region } : {}) } }],
        properties: { severity: f.severity, ...(f.checker ? { checker: f.checker } : {}), ...(f.excerpt ? { excerpt: f.excerpt } : {}) },
      };
      if (f.fix)
        result.fixes = [
          {
            description: { text: f.suggestion ?? 'Apply the suggested change.' },
            artifactChanges: [
              {
                artifactLocation: location,
                replacements: [{ deletedRegion: { charOffset: f.fix.start, charLength: f.fix.end - f.fix.start }, insertedContent: { text: f.fix.text } }],
              },
            ],
          },
        ];
      return result;
    }),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            informationUri: 'https://github.com/export-ia/export-ia',
            rules: [...rules.entries()].map(([id, { finding }]) => ({
              id,
              name: id.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')),
              shortDescription: { text: id },
              defaultConfiguration: { level: SARIF_LEVEL[finding.severity] },
              properties: { checker: id.split('/')[0] },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd.endsWith(sep) ? cwd : `${cwd}${sep}`).href } },
        artifacts,
        results,
        properties: { generatedAt: report.generatedAt },
      },
    ],
  };
}

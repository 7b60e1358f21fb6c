import { readFileSync } from 'node:fs';
import AjvModule from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { type QualityReport, toSarif } from './report-data.js';
import { scoreQuality } from './score.js';

const schema = JSON.parse(readFileSync(new URL('../../test/fixtures/sarif-2.1.0-rtm.5.json', import.meta.url), 'utf8'));

describe('SARIF', () => {
  it('validates against the SARIF 2.1.0 schema, with regions, rules and safe fixes', () => {
    const report: QualityReport = {
      version: 1,
      tool: { name: 'export-ia', version: '0.1.0' },
      generatedAt: '2026-11-22T00:00:00.000Z',
      documents: [
        {
          file: 'docs/a.md',
          path: '/work/docs/a.md',
          score: scoreQuality({ style: { words: 100, findings: 1 } }),
          findings: [
            {
              rule: 'style/repeated-word',
              severity: 'warning',
              message: 'Repeated word "the".',
              position: { line: 3, column: 5, endLine: 3, endColumn: 12 },
              fix: { start: 40, end: 44, text: '' },
              checker: 'style',
            },
            { rule: 'readability/hard-sentence', severity: 'suggestion', message: 'Hard sentence.', position: { line: 9, column: 1 } },
            { rule: 'language/undeclared', severity: 'info', message: 'No language declared.' },
          ],
          metrics: {},
          checkers: [],
        },
      ],
    };
    const sarif = toSarif(report, '/work') as { runs: Array<{ results: Array<Record<string, unknown>>; tool: { driver: { rules: unknown[] } } }> };
    // ajv-draft-04 is CommonJS; the schema's patterns are not valid with the `u` flag.
    const Ajv = (AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule;
    const ajv = new (Ajv as unknown as new (o: object) => { compile: (s: unknown) => ((d: unknown) => boolean) & { errors?: unknown } })({
      allErrors: true,
      strict: false,
      unicodeRegExp: false,
    });
    const validate = ajv.compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // The schema really checks: a wrong version or level is refused.
    expect(validate({ ...sarif, version: '2.0.0' })).toBe(false);
    const run = sarif.runs[0];
    expect(run?.tool.driver.rules).toHaveLength(3);
    expect(run?.results[0]).toMatchObject({
      ruleId: 'style/repeated-word',
      level: 'warning',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'docs/a.md', uriBaseId: '%SRCROOT%' }, region: { startLine: 3, startColumn: 5 } } }],
      fixes: [{ artifactChanges: [{ replacements: [{ deletedRegion: { charOffset: 40, charLength: 4 } }] }] }],
    });
    expect(run?.results[1]?.level).toBe('note');
  });
});

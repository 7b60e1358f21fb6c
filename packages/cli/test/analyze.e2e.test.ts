/**
 * `export-ia analyze` and `export --quality`, end to end with real processes and the built-in
 * checkers: reports in every format, the CI gate's exit code, safe fixes, bad input, history.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(repo, 'packages/cli/bin/export-ia.js');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    input: '',
    env: { ...process.env, NO_COLOR: '1', EXPORT_IA_DATA_DIR: join(cwd, 'data') },
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

const FLAWED = `---
title: Flawed
lang: en
---

# Flawed notes

We recieve many letters every week and we answer the the letters.

![](photo.png)

## Details

#### Skipped level

For the rest, [click here](#nowhere).
`;

const CLEAN = `---
title: Clean notes
lang: en
---

# Clean notes

This short note explains how the team answers letters. Each letter gets a reply within two days.

## Replies

Replies are short and polite. They name the person who will follow up.
`;

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'eia-analyze-'));
  writeFileSync(join(dir, 'flawed.md'), FLAWED);
  writeFileSync(join(dir, 'clean.md'), CLEAN);
  return dir;
}

describe('export-ia analyze', () => {
  it('prints findings grouped by file with line:col, rule and score; JSON and SARIF carry the same findings', () => {
    const dir = workspace();
    const text = run(['analyze', 'flawed.md', 'clean.md'], dir);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/flawed\.md\s+score \d+\/100/);
    expect(text.out).toMatch(/8:4\s+warning\s+Unknown word “recieve”.*spelling\/unknown-word/);
    expect(text.out).toMatch(/accessibility\/image-alt/);
    expect(text.out).toMatch(/structure\/heading-skip|structure\/broken-anchor/);
    expect(text.out).toMatch(/finding.* in 2 files; lowest score \d+/);

    const json = JSON.parse(run(['analyze', 'flawed.md', '--format', 'json'], dir).out) as {
      documents: Array<{ file: string; score: { score: number; subscores: unknown[] }; findings: Array<{ rule: string; position: { line: number } }> }>;
    };
    const doc = json.documents[0];
    expect(doc?.file).toBe('flawed.md');
    expect(doc?.findings.some((f) => f.rule === 'spelling/unknown-word' && f.position.line === 8)).toBe(true);
    expect(doc?.score.subscores.length).toBeGreaterThan(0);

    const sarif = JSON.parse(run(['analyze', 'flawed.md', '--format', 'sarif'], dir).out) as {
      version: string;
      runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }>;
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.results.length).toBe(doc?.findings.length);
    expect(sarif.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('flawed.md');
  });

  it('applies safe fixes: --fix writes a fixed copy, --write edits the source; a second run finds nothing left to fix', () => {
    const dir = workspace();
    const fixed = run(['analyze', 'flawed.md', '--fix'], dir);
    expect(fixed.code).toBe(0);
    expect(fixed.out).toMatch(/fixed \d+ → .*flawed\.fixed\.md/);
    const copy = readFileSync(join(dir, 'flawed.fixed.md'), 'utf8');
    expect(copy).toContain('we answer the letters.');
    expect(readFileSync(join(dir, 'flawed.md'), 'utf8')).toContain('the the letters');
    expect(run(['analyze', 'flawed.md', '--write'], dir).code).toBe(0);
    expect(readFileSync(join(dir, 'flawed.md'), 'utf8')).toBe(copy);
    const again = JSON.parse(run(['analyze', 'flawed.md', '--format', 'json'], dir).out) as { documents: Array<{ findings: Array<{ fix?: unknown }> }> };
    expect(again.documents[0]?.findings.filter((f) => f.fix)).toEqual([]);
  });

  it('fails closed when a checker fails (exit 3, named in the report) instead of scoring without it', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'export-ia.config.yaml'), 'pluginConfig:\n  checker-style:\n    styles: [missing-styles]\n');
    const r = run(['analyze', 'clean.md', '--min-score', '10'], dir);
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/checker failed style: .*missing-styles/);
  });

  it('resolves paths in plugin configuration from the config file, whatever the working directory', () => {
    const dir = workspace();
    mkdirSync(join(dir, 'styles'));
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'styles', 'NoLetters.yml'), 'extends: existence\nmessage: "Avoid \'%s\'."\nlevel: warning\ntokens: [letters]\n');
    writeFileSync(join(dir, 'export-ia.config.yaml'), 'pluginConfig:\n  checker-style:\n    styles: [styles]\n');
    writeFileSync(join(dir, 'docs', 'note.md'), CLEAN);
    const r = run(['analyze', 'note.md', '--checkers', 'style'], join(dir, 'docs'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Avoid 'letters'/);
  });

  it('stays fast and whole on hostile text: huge entities, long runs, an e-mail next to 200k characters', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'hostile.md'), `# Hostile\n\nThis &#9999999; is is text. Mail me@x.com now. ${'a.'.repeat(100_000)}\n\n${'b'.repeat(200_000)}\n`);
    const started = Date.now();
    const r = run(['analyze', 'hostile.md', '--format', 'json'], dir);
    expect(r.code).toBe(0);
    const doc = (JSON.parse(r.out) as { documents: Array<{ checkers: Array<{ status: string }>; findings: Array<{ rule: string }> }> }).documents[0];
    expect(doc?.checkers.every((c) => c.status === 'ok')).toBe(true);
    expect(doc?.findings.some((f) => f.rule === 'style/repeated-word')).toBe(true);
    // This input took 25 s before (quadratic e-mail patterns in four checkers); < 1 s now.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('gates CI with --min-score: exit 1 below it, 0 above it', () => {
    const dir = workspace();
    const low = run(['analyze', 'flawed.md', '--min-score', '99'], dir);
    expect(low.code).toBe(1);
    expect(low.out).toContain('(below 99)');
    expect(run(['analyze', 'clean.md', '--min-score', '50', '-q'], dir)).toMatchObject({ code: 0, out: '' });
  });

  it('writes a self-contained HTML report beside the document', () => {
    const dir = workspace();
    expect(run(['analyze', 'flawed.md', '--format', 'html'], dir).code).toBe(0);
    const html = readFileSync(join(dir, 'flawed.quality.html'), 'utf8');
    expect(html).toMatch(/<h1[^>]*>Flawed<\/h1>/);
    expect(html).toContain('<!doctype html>'.slice(0, 9));
    expect(html).toMatch(/recieve/);
    expect(html).not.toMatch(/<script/i);
  });

  it('refuses bad usage with exit 2 and names what it knows; an unreadable input is exit 3', () => {
    const dir = workspace();
    const unknown = run(['analyze', 'flawed.md', '--checkers', 'spellling'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('EIA_COMPONENT_NOT_FOUND');
    expect(unknown.err).toContain('spelling');
    expect(run(['analyze', 'flawed.md', '--format', 'pdf'], dir).code).toBe(2);
    expect(run(['analyze', 'flawed.md', '--audience', 'aliens'], dir).code).toBe(2);
    const missing = run(['analyze', 'missing.md'], dir);
    expect(missing.code).toBe(3);
    expect(missing.out).toContain('EIA_INPUT_NOT_FOUND');
  });

  it('records analyses as jobs: history shows the score trend', () => {
    const dir = workspace();
    run(['analyze', 'flawed.md'], dir);
    writeFileSync(join(dir, 'flawed.md'), FLAWED.replace('recieve', 'receive'));
    run(['analyze', 'flawed.md'], dir);
    const history = run(['history', 'flawed.md'], dir);
    expect(history.out.match(/ analyze /g)).toHaveLength(2);
    expect(history.out).toMatch(/score trend \S+\s+\d+ → \d+/);
  });

  it('export --theme auto classifies each document and picks its theme, saying why', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'letter.md'), readFileSync(join(repo, 'examples/documents/letter.md'), 'utf8').replace(/^theme: .*$/m, ''));
    writeFileSync(
      join(dir, 'minutes.md'),
      '# Minutes of the board meeting\n\nDate: 3 March 2026\n\nPresent: A. Lee, B. Ruiz, C. Wong\n\n## Agenda\n\n1. Budget\n2. Hiring\n\n## Decisions\n\nThe board approved the budget.\n\n## Action items\n\n- B. Ruiz to draft the hiring plan by 17 March.\n',
    );
    const r = run(['export', 'letter.md', 'minutes.md', '--to', 'html', '-o', 'out/', '--theme', 'auto', '--json'], dir);
    expect(r.code).toBe(0);
    const auto = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; code?: string; file?: string; params?: { theme: string; detail: string } })
      .filter((e) => e.code === 'EIA_THEME_AUTO');
    // Documents run side by side: their events come in either order.
    auto.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? ''));
    expect(auto.map((e) => [e.file, e.params?.theme])).toEqual([
      ['letter.md', 'default'],
      ['minutes.md', 'report'],
    ]);
    expect(auto[0]?.params?.detail).toMatch(/^letter, \d+% sure: .*salutation/);
  });

  it('finds passages copied from the corpus (corpus add, list, remove) and skips binary corpus files with a warning', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'source.md'), readFileSync(join(repo, 'examples/documents/report.md'), 'utf8'));
    writeFileSync(join(dir, 'image.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]));
    const added = run(['corpus', 'add', 'source.md', 'image.md'], dir);
    expect(added.code).toBe(3);
    expect(added.out).toMatch(/added source\.md \([\d,]+ words\)/);
    expect(added.err).toMatch(/warning: skipped image\.md: EIA_INPUT_BINARY/);
    expect(run(['corpus', 'list'], dir).out).toMatch(/^\s+1\s+[\d,]+ words\s+\S+\s+source\.md$/m);
    // A document that copies two paragraphs of the source between its own sentences.
    const paragraphs = readFileSync(join(dir, 'source.md'), 'utf8')
      .split('\n\n')
      .filter((p) => /^[A-Z][^#|`>\n-]{300,}$/.test(p));
    writeFileSync(join(dir, 'essay.md'), `# My essay\n\nI wrote this opening myself.\n\n${paragraphs[2]}\n\nAnd this closing line too.\n`);
    const r = JSON.parse(run(['analyze', 'essay.md', '--checkers', 'similarity', '--format', 'json'], dir).out) as {
      documents: Array<{
        score: { subscores: Array<{ id: string; score: number }> };
        findings: Array<{ rule: string; position: { line: number }; data: { source: { name: string } } }>;
      }>;
    };
    const copied = r.documents[0]?.findings.find((f) => f.rule === 'similarity/copied-passage');
    expect(copied?.position.line).toBe(5);
    expect(JSON.stringify(copied?.data)).toContain('source.md');
    expect(r.documents[0]?.score.subscores.find((s) => s.id === 'similarity')?.score).toBeLessThan(50);
    expect(run(['corpus', 'remove', 'source.md'], dir).code).toBe(0);
    const after = JSON.parse(run(['analyze', 'essay.md', '--checkers', 'similarity', '--format', 'json'], dir).out) as {
      documents: Array<{ findings: unknown[] }>;
    };
    expect(after.documents[0]?.findings).toEqual([]);
  });

  it('export --quality writes <name>.quality.json and .html beside the outputs; --min-score gates it', () => {
    const dir = workspace();
    const r = run(['export', 'flawed.md', '--to', 'html', '-o', 'out/', '--quality', '--min-score', '99'], dir);
    expect(r.code).toBe(1);
    expect(existsSync(join(dir, 'out', 'flawed.html'))).toBe(true);
    const report = JSON.parse(readFileSync(join(dir, 'out', 'flawed.quality.json'), 'utf8')) as { score: { score: number } };
    expect(report.score.score).toBeLessThan(99);
    expect(readFileSync(join(dir, 'out', 'flawed.quality.html'), 'utf8')).toContain('flawed.md');
  });
});

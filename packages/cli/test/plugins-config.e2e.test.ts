/**
 * `export-ia plugins config <id>` end to end, with the built CLI and a built-in plugin
 * (checker-readability): show, set, unset, refusals. A refused change leaves the file as it was.
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
    env: { ...process.env, NO_COLOR: '1', EXPORT_IA_DATA_DIR: join(cwd, 'data'), EXPORT_IA_CONFIG: '' },
    timeout: 120_000,
  });
  return { code: r.status ?? -1, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

const CONFIG = `# Project settings
toc: true # keep this comment
pluginConfig:
  # tuned for short reports
  checker-readability:
    minWords: 20 # short sections too
theme: report
`;

function project(config: string | null = CONFIG): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'eia-plugin-config-e2e-'));
  const file = join(dir, 'export-ia.config.yaml');
  if (config !== null) writeFileSync(file, config);
  return { dir, file };
}

describe('export-ia plugins config', () => {
  it('shows the effective configuration (defaults applied) and the keys of the schema', () => {
    const { dir } = project();
    const text = run(['plugins', 'config', 'checker-readability'], dir);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/minWords\s+20\n/);
    expect(text.out).toMatch(/maxSentenceWords\s+40\s+\(default\)/);
    expect(text.out).toMatch(/Keys \(configSchema\):[\s\S]*hardestSentences\s+integer \(min 0\), default 5\n\s+How many of the hardest sentences/);
    const json = JSON.parse(run(['plugins', 'config', 'checker-readability', '--json'], dir).out);
    expect(json).toMatchObject({
      id: 'checker-readability',
      file: join(dir, 'export-ia.config.yaml'),
      configured: { minWords: 20 },
      effective: { minWords: 20, maxSentenceWords: 40, hardestSentences: 5 },
    });
    expect(json.keys).toContainEqual(expect.objectContaining({ key: 'minWords', type: 'integer (min 1)', default: 30 }));
  });

  it('--set validates, then writes the file keeping its comments and order', () => {
    const { dir, file } = project();
    const r = run(['plugins', 'config', 'checker-readability', '--set', 'maxSentenceWords=30', '--set', 'enabled=["flesch","smog"]', '--json'], dir);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).effective).toMatchObject({ minWords: 20, maxSentenceWords: 30, enabled: ['flesch', 'smog'], hardestSentences: 5 });
    const written = readFileSync(file, 'utf8');
    expect(written).toContain('# Project settings\ntoc: true # keep this comment\n');
    expect(written).toContain('# tuned for short reports');
    expect(written).toContain('minWords: 20 # short sections too\n    maxSentenceWords: 30\n');
    expect(written.trimEnd().endsWith('theme: report')).toBe(true);
    // What the next command loads.
    expect(run(['plugins', 'config', 'checker-readability'], dir).out).toMatch(/maxSentenceWords\s+30\n/);
  });

  it('refuses an invalid change with the config error code, naming plugin, key and rule, and leaves the file untouched', () => {
    const { dir, file } = project();
    for (const [set, key, rule] of [
      ['maxSentenceWords=-1', 'maxSentenceWords', 'schema rule minimum: 0'],
      ['maxSentenceWord=3', 'maxSentenceWord', 'did you mean "maxSentenceWords"?'],
      ['enabled=["nope"]', 'enabled.0', 'schema rule enum'],
      ['hardestSentences=many', 'hardestSentences', 'schema rule type'],
    ] as const) {
      const r = run(['plugins', 'config', 'checker-readability', '--set', set], dir);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`error EIA_PLUGIN_CONFIG_INVALID Configuration of plugin checker-readability is invalid at "${key}"`);
      expect(r.err).toContain(rule);
      expect(r.err).toContain('hint: ');
      expect(readFileSync(file, 'utf8')).toBe(CONFIG);
    }
  });

  it('--unset removes the key (its default applies again) and empty mappings with it', () => {
    const { dir, file } = project();
    const r = run(['plugins', 'config', 'checker-readability', '--unset', 'minWords'], dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/minWords\s+30\s+\(default\)/);
    const written = readFileSync(file, 'utf8');
    expect(written).not.toContain('checker-readability');
    expect(written).toContain('toc: true # keep this comment');
    expect(written).toContain('theme: report');
  });

  it('refuses an unknown plugin with a suggestion, without writing anything', () => {
    const { dir, file } = project();
    const r = run(['plugins', 'config', 'checker-readablity', '--set', 'minWords=5'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('EIA_PLUGIN_NOT_FOUND');
    expect(r.err).toContain('did you mean "checker-readability"?');
    expect(readFileSync(file, 'utf8')).toBe(CONFIG);
  });

  it('creates export-ia.config.yaml in the working directory when there is none, and fixes a configuration that no longer loads', () => {
    const { dir, file } = project(null);
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    expect(run(['plugins', 'config', 'checker-readability', '--set', 'minWords=0'], sub).code).toBe(2);
    expect(existsSync(join(sub, 'export-ia.config.yaml'))).toBe(false);
    const made = run(['plugins', 'config', 'checker-readability', '--set', 'minWords=10'], sub);
    expect(made.code, made.err).toBe(0);
    expect(readFileSync(join(sub, 'export-ia.config.yaml'), 'utf8')).toBe('pluginConfig:\n  checker-readability:\n    minWords: 10\n');
    expect(existsSync(file)).toBe(false);

    // Written by hand and invalid: every command refuses to load it, this one can still fix it.
    writeFileSync(file, 'pluginConfig:\n  checker-readability:\n    minWords: 0\n');
    expect(run(['formats'], dir).err).toContain('EIA_PLUGIN_CONFIG_INVALID');
    expect(run(['plugins', 'config', 'checker-readability'], dir).err).toContain('invalid at "minWords"');
    expect(run(['plugins', 'config', 'checker-readability', '--set', 'minWords=5', '--config', file], dir).code).toBe(0);
    expect(run(['formats'], dir).code).toBe(0);
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, scratch } from './helpers.js';

/** A working directory holding the given style files (path → YAML). */
function styles(files: Record<string, string>): string {
  const dir = scratch();
  for (const [path, yaml] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), yaml);
  }
  return dir;
}

describe('house rules from YAML files (Vale style)', () => {
  it('existence: tokens, ignorecase, %s in the message, Unicode word boundaries', async () => {
    const cwd = styles({
      'styles/Hedging.yml': 'extends: existence\nmessage: "Avoid \'%s\'."\nlevel: error\nignorecase: true\ntokens:\n  - obviously\n  - café\n',
    });
    const c = await check('Obviously the café is open, but cafés and a cafébar are not flagged.\n', { cwd, config: { styles: ['styles/Hedging.yml'] } });
    const found = c.of('style/hedging');
    expect(found.map((f) => [f.message, f.severity, f.position?.column])).toEqual([
      ["Avoid 'Obviously'.", 'error', 1],
      ["Avoid 'café'.", 'error', 15],
    ]);
  });

  it('substitution: swap map, default message, fix keeps the capital; several options give no fix', async () => {
    const cwd = styles({
      'Terms.yaml': 'extends: substitution\nlevel: warning\nignorecase: true\nswap:\n  utilise: use\n  e-mail: email\n  whilst: while|although\n',
    });
    const c = await check('Utilise the e-mail form whilst you can.\n', { cwd, config: { styles: ['Terms.yaml'] } });
    const found = c.of('style/terms');
    expect(found.map((f) => f.message)).toEqual([
      "Use 'Use' instead of 'Utilise'.",
      "Use 'email' instead of 'e-mail'.",
      "Use 'while or although' instead of 'whilst'.",
    ]);
    expect(found[2]?.fix).toBeUndefined();
    expect(c.fixed).toBe('Use the email form whilst you can.\n');
  });

  it('occurrence: more than `max` matches in a sentence, a paragraph or the document', async () => {
    const cwd = styles({
      'Commas.yml': "extends: occurrence\nmessage: 'More than %s commas in one sentence.'\nscope: sentence\nmax: 2\ntoken: ','\n",
      'Todo.yml': 'extends: occurrence\nscope: document\nmax: 1\ntoken: TODO\n',
    });
    const c = await check('One, two, three, four. Five, six.\n\nTODO first.\n\nTODO second.\n', { cwd, config: { styles: ['Commas.yml', 'Todo.yml'] } });
    expect(c.of('style/commas').map((f) => [f.message, f.position?.column])).toEqual([['More than 2 commas in one sentence.', 16]]);
    expect(c.of('style/todo').map((f) => f.position?.line)).toEqual([5]);
  });

  it('repetition: a token used again within `distance` words', async () => {
    const cwd = styles({ 'Repeat.yml': "extends: repetition\nmessage: \"'%s' again so soon.\"\nignorecase: true\ndistance: 5\ntokens: ['significant\\w*']\n" });
    const c = await check('A significant rise and a Significant fall. Then many other words came along before another significant change.\n', {
      cwd,
      config: { styles: ['Repeat.yml'] },
    });
    expect(c.of('style/repeat').map((f) => [f.message, f.position?.column])).toEqual([["'Significant' again so soon.", 26]]);
  });

  it('capitalization: headings in title case (fixed) or sentence case (suggested only)', async () => {
    const cwd = styles({
      'rules/Titles.yml': 'extends: capitalization\nmatch: $title\nscope: heading.h1\nexceptions: [iOS]\n',
      'rules/Sentence.yml': 'extends: capitalization\nmatch: $sentence\nscope: heading.h2\nlevel: suggestion\n',
    });
    const c = await check('# the state of iOS apps in a year\n\n## Why Storage Matters\n\n# Good Title for the Report\n', {
      cwd,
      config: { styles: ['rules'] },
    });
    const titles = c.of('style/titles');
    expect(titles.map((f) => [f.message, f.suggestion])).toEqual([
      ["'the state of iOS apps in a year' should use title capitalization.", 'The State of iOS Apps in a Year'],
    ]);
    const sentence = c.of('style/sentence');
    expect(sentence.map((f) => [f.suggestion, f.fix])).toEqual([['Why storage matters', undefined]]);
    expect(c.fixed).toBe('# The State of iOS Apps in a Year\n\n## Why Storage Matters\n\n# Good Title for the Report\n');
  });

  it('inline rule objects in `rules`, with levels that override the file’s', async () => {
    const cwd = styles({ 'Hype.yml': 'extends: existence\nlevel: error\ntokens: [revolutionary]\n' });
    const c = await check('A revolutionary, game-changing tool.\n', {
      cwd,
      config: {
        styles: ['Hype.yml'],
        rules: { 'style/hype': 'suggestion', 'no-game-changing': { extends: 'existence', tokens: ['game-changing'], message: "Drop '%s'." } },
      },
    });
    expect(c.of('style/hype').map((f) => f.severity)).toEqual(['suggestion']);
    expect(c.of('style/no-game-changing').map((f) => [f.message, f.severity])).toEqual([["Drop 'game-changing'.", 'warning']]);
  });
});

describe('configuration errors', () => {
  it('a malformed YAML rule file is EIA_CONFIG_PARSE with the file and line', async () => {
    const cwd = styles({ 'Broken.yml': 'extends: existence\ntokens:\n  - one\n  bad: [unclosed\n' });
    const c = await check('Text.\n', { cwd, config: { styles: ['Broken.yml'] } });
    expect(c.error?.code).toBe('EIA_CONFIG_PARSE');
    expect(c.error?.message).toContain('Broken.yml');
    expect(c.error?.message).toMatch(/\(line 4, column \d+\)/);
  });

  it('an unknown `extends` is EIA_CONFIG_INVALID naming the file and the closest kind', async () => {
    const cwd = styles({ 'Odd.yml': 'extends: existance\ntokens: [x]\n' });
    const c = await check('Text.\n', { cwd, config: { styles: ['Odd.yml'] } });
    expect(c.error?.code).toBe('EIA_CONFIG_INVALID');
    expect(c.error?.message).toContain('Odd.yml');
    expect(c.error?.message).toContain('did you mean "existence"?');
    expect(c.error?.message).toContain('(line 1)');
  });

  it('a rule without its required keys is EIA_CONFIG_INVALID', async () => {
    const cwd = styles({ 'Empty.yml': 'extends: substitution\nmessage: x\n' });
    const c = await check('Text.\n', { cwd, config: { styles: ['Empty.yml'] } });
    expect(c.error?.code).toBe('EIA_CONFIG_INVALID');
    expect(c.error?.message).toContain('"swap" must be a map');
  });

  it('an unknown rule id in `rules` is EIA_CONFIG_INVALID with the closest known id', async () => {
    const c = await check('Text.\n', { config: { rules: { 'style/pasive-voice': 'off' } } });
    expect(c.error?.code).toBe('EIA_CONFIG_INVALID');
    expect(c.error?.message).toContain('unknown rule "style/pasive-voice"');
    expect(c.error?.message).toContain('did you mean "style/passive-voice"?');
  });

  it('a missing style path is EIA_CONFIG_INVALID', async () => {
    const c = await check('Text.\n', { config: { styles: ['nowhere/Rules.yml'] } });
    expect(c.error?.code).toBe('EIA_CONFIG_INVALID');
    expect(c.error?.message).toContain('nowhere/Rules.yml');
  });
});

import { describe, expect, it } from 'vitest';
import { editPluginConfig, parseConfigValue } from './config-file.js';

const FILE = `# Project settings
to: [pdf] # the formats
pluginConfig:
  # readability tuned for reports
  checker-readability:
    minWords: 20 # short sections too
  exporter-docx: { tocPageNumbers: true }
theme: report
`;

describe('editing pluginConfig in a config file', () => {
  it('sets dotted keys, keeping comments, key order and the other plugins', () => {
    const r = editPluginConfig(FILE, 'export-ia.config.yaml', 'checker-readability', [
      { key: 'maxSentenceWords', value: 30 },
      { key: 'nested.deeper.on', value: true },
    ]);
    expect(r.config).toEqual({ minWords: 20, maxSentenceWords: 30, nested: { deeper: { on: true } } });
    expect(r.text).toContain('# Project settings\n');
    expect(r.text).toContain('# the formats');
    expect(r.text).toContain('# readability tuned for reports');
    expect(r.text).toContain('minWords: 20 # short sections too\n    maxSentenceWords: 30\n');
    expect(r.text).toContain('exporter-docx: { tocPageNumbers: true }');
    expect(r.text.indexOf('pluginConfig:')).toBeLessThan(r.text.indexOf('theme: report'));
  });

  it('unsets keys and leaves no empty mapping behind', () => {
    const r = editPluginConfig(FILE, 'export-ia.config.yaml', 'checker-readability', [{ key: 'minWords', unset: true }]);
    expect(r.config).toBeUndefined();
    expect(r.text).not.toContain('checker-readability');
    expect(r.text).toContain('exporter-docx');
    const last = editPluginConfig(r.text, 'export-ia.config.yaml', 'exporter-docx', [{ key: 'tocPageNumbers', unset: true }]);
    expect(last.text).not.toContain('pluginConfig');
    expect(last.text).toContain('theme: report');
  });

  it('starts a new file, keeps a JSON file JSON, and refuses a key under a value', () => {
    expect(editPluginConfig('', 'export-ia.config.yaml', 'hello-txt', [{ key: 'width', value: 60 }]).text).toBe('pluginConfig:\n  hello-txt:\n    width: 60\n');
    const json = editPluginConfig('{"toc": true}', 'export-ia.config.json', 'hello-txt', [{ key: 'width', value: 60 }]).text;
    expect(JSON.parse(json)).toEqual({ toc: true, pluginConfig: { 'hello-txt': { width: 60 } } });
    expect(() => editPluginConfig(FILE, 'export-ia.config.yaml', 'checker-readability', [{ key: 'minWords.x', value: 1 }])).toThrow(
      expect.objectContaining({ code: 'EIA_USAGE' }),
    );
    expect(() => editPluginConfig('a: [', 'export-ia.config.yaml', 'x', [])).toThrow(expect.objectContaining({ code: 'EIA_CONFIG_PARSE' }));
  });

  it('reads --set values as YAML scalars or JSON', () => {
    expect(parseConfigValue('30')).toBe(30);
    expect(parseConfigValue('false')).toBe(false);
    expect(parseConfigValue('en-GB')).toBe('en-GB');
    expect(parseConfigValue('"007"')).toBe('007');
    expect(parseConfigValue('["flesch", "smog"]')).toEqual(['flesch', 'smog']);
    expect(parseConfigValue('{"MD013": {"line_length": 100}}')).toEqual({ MD013: { line_length: 100 } });
    expect(parseConfigValue('Note: read me')).toBe('Note: read me');
    expect(parseConfigValue('')).toBe('');
    expect(() => parseConfigValue('[unclosed')).toThrow(expect.objectContaining({ code: 'EIA_USAGE' }));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LanguageMetric } from '../src/language.js';
import type { ToneMetric } from '../src/tone.js';
import { analyze, type Host, newHost, sample, tempDoc } from './helpers.js';

const EN_1 =
  'The storage project reached its first milestone this month. The team completed the grid connection study and submitted the planning application to the county council. Construction is expected to begin in the spring, subject to the approval of the environmental assessment.';
const EN_2 = 'Our partners confirmed the financing terms last week, and the equipment supplier agreed to deliver the battery containers in three batches.';
const EN_3 =
  'We will publish the construction schedule once the permit is granted. The commissioning tests are planned for the end of next year, and the first revenues should follow soon after.';
const FR_1 =
  "Le projet de stockage a franchi sa première étape ce mois-ci. L'équipe a terminé l'étude de raccordement au réseau et a déposé la demande de permis auprès du conseil départemental. Les travaux devraient commencer au printemps, sous réserve de l'approbation de l'évaluation environnementale.";
const FR_2 =
  'Nos partenaires ont confirmé les conditions de financement la semaine dernière, et le fournisseur a accepté de livrer les conteneurs de batteries en trois lots.';

describe('language checker', () => {
  let host: Host;
  beforeAll(async () => {
    host = await newHost();
  });
  afterAll(async () => {
    await host.close();
  });

  it('detects English in the sample report, every section, with nothing to report', async () => {
    const a = await analyze(host, sample('report.md'), ['language']);
    const m = a.metrics.language as LanguageMetric;
    expect(m.document).toBe('en');
    expect(m.confidence).toBeGreaterThanOrEqual(0.98);
    expect(m.declared).toBe('en');
    expect(m.words).toBeGreaterThan(4000);
    expect(m.paragraphs.length).toBeGreaterThan(100);
    expect(m.paragraphs.every((p) => p.language === 'en')).toBe(true);
    expect(m.sections.find((s) => s.title === 'Executive summary')).toMatchObject({ language: 'en', share: 1 });
    // The report declares `lang: en`, and it is all English: no finding at all.
    expect(a.findings).toEqual([]);
  });

  it('detects Spanish in the Spanish article', async () => {
    const a = await analyze(host, sample('articulo.md'), ['language']);
    const m = a.metrics.language as LanguageMetric;
    expect(m.document).toBe('es');
    expect(m.confidence).toBeGreaterThanOrEqual(0.95);
    expect(m.declared).toBe('es');
    expect(a.findings).toEqual([]);
  });

  it('tells German, Italian, Portuguese and Dutch paragraphs apart', async () => {
    const paragraphs = {
      de: 'Der Speicher wurde im Frühjahr an das Netz angeschlossen. Die Betreiber rechnen damit, dass sich die Anlage innerhalb von acht Jahren bezahlt macht.',
      it: "L'impianto di accumulo è stato collegato alla rete in primavera. Gli operatori prevedono che l'investimento si ripaghi entro otto anni.",
      pt: 'A central de armazenamento foi ligada à rede na primavera. Os operadores esperam que o investimento se pague em oito anos.',
      nl: 'De opslag werd in het voorjaar op het net aangesloten. De exploitanten verwachten dat de installatie zich binnen acht jaar terugverdient.',
    };
    const file = tempDoc(`${Object.values(paragraphs).join('\n\n')}\n`);
    const m = (await analyze(host, file, ['language'])).metrics.language as LanguageMetric;
    expect(m.paragraphs.map((p) => p.language)).toEqual(Object.keys(paragraphs));
    expect(m.paragraphs.map((p) => p.line)).toEqual([1, 3, 5, 7]);
  });

  it('finds the French section of an English document and says where it starts', async () => {
    const file = tempDoc(`# Project update\n\n${EN_1}\n\n${EN_2}\n\n# Note pour nos partenaires\n\n${FR_1}\n\n${FR_2}\n\n# Next steps\n\n${EN_3}\n`);
    const a = await analyze(host, file, ['language']);
    const m = a.metrics.language as LanguageMetric;
    expect(m.document).toBe('en');
    expect(m.sections.map((s) => s.language)).toEqual(['en', 'fr', 'en']);
    const mixed = a.findings.filter((f) => f.rule === 'language/mixed-section');
    expect(mixed).toHaveLength(1);
    expect(mixed[0]).toMatchObject({ severity: 'suggestion', position: { line: 9, column: 1 }, data: { language: 'fr', documentLanguage: 'en', share: 1 } });
    expect(mixed[0]?.message).toContain('French');
    expect(mixed[0]?.message).toContain('English');
    expect(mixed[0]?.message).toContain('100%');
  });

  it('reports a section that is partly in another language, with the share', async () => {
    const file = tempDoc(`---\nlang: en\n---\n\n# Update\n\n${EN_1}\n\n${EN_3}\n\n${FR_2}\n\n# Other\n\n${EN_2}\n`);
    const a = await analyze(host, file, ['language']);
    const mixed = a.findings.find((f) => f.rule === 'language/mixed-section');
    expect(mixed?.data?.language).toBe('fr');
    const share = mixed?.data?.share as number;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.5);
    expect(mixed?.message).toContain(`${Math.round(share * 100)}% French`);
  });

  it('leaves a short foreign phrase alone', async () => {
    const file = tempDoc(`---\nlang: en\n---\n\n# Update\n\n${EN_1} As the French say, c'est la vie.\n\n${EN_2}\n`);
    const a = await analyze(host, file, ['language']);
    expect(a.findings).toEqual([]);
  });

  it('warns when the declared language contradicts the text, pointing at the front matter', async () => {
    const file = tempDoc(`---\ntitle: Informe\nlang: es\n---\n\n# Summary\n\n${EN_1}\n\n${EN_2}\n`);
    const a = await analyze(host, file, ['language']);
    const m = a.metrics.language as LanguageMetric;
    expect(m).toMatchObject({ document: 'en', declared: 'es' });
    expect(a.findings).toHaveLength(1);
    expect(a.findings[0]).toMatchObject({ rule: 'language/declared-mismatch', severity: 'warning', position: { line: 3 } });
    expect(a.findings[0]?.message).toContain('Spanish');
    expect(a.findings[0]?.message).toContain('English');
  });

  it('warns about a --lang setting that contradicts the text (no position: it is not in the file)', async () => {
    const file = tempDoc(`# Résumé\n\n${FR_1}\n\n${FR_2}\n`);
    const a = await analyze(host, file, ['language'], [{ lang: 'de-DE' }]);
    expect(a.findings).toHaveLength(1);
    expect(a.findings[0]).toMatchObject({ rule: 'language/declared-mismatch', data: { declared: 'de', detected: 'fr' } });
    expect(a.findings[0]?.position).toBeUndefined();
  });

  it('does not contradict a declared language on a text too short to judge', async () => {
    const file = tempDoc(`---\nlang: es\n---\n\nThe project reached its first milestone.\n`);
    const a = await analyze(host, file, ['language']);
    expect(a.findings).toEqual([]);
  });

  it('says which language it detected when none is declared, and later checkers use it', async () => {
    const file = tempDoc(
      `# Avance\n\nEl proyecto de almacenamiento alcanzó su primer hito este mes. El equipo terminó el estudio de conexión a la red y presentó la solicitud de permiso al ayuntamiento. Las obras empezarán en primavera, si se aprueba la evaluación ambiental.\n`,
    );
    const a = await analyze(host, file, ['language', 'tone']);
    expect(a.findings).toHaveLength(1);
    expect(a.findings[0]).toMatchObject({ rule: 'language/undeclared', severity: 'info', data: { detected: 'es' } });
    expect(a.findings[0]?.message).toContain('Spanish');
    // The tone checker (stage 50) got `es` from the detection and did not score Spanish with an English lexicon.
    expect((a.metrics.tone as ToneMetric).language).toBe('es');
    expect((a.metrics.tone as ToneMetric).supported).toBe(false);
  });

  it('skips code blocks, inline code and quotations', async () => {
    const code = 'const value = computeStorage(input);\nreturn value.map((x) => x * 2);\n';
    const file = tempDoc(
      `---\nlang: en\n---\n\n# Notes\n\n${EN_1}\n\n\`\`\`js\n${code}\`\`\`\n\n> ${FR_1}\n\n${EN_2} Run \`le projet de stockage a franchi sa première étape\` first.\n`,
    );
    const a = await analyze(host, file, ['language']);
    const m = a.metrics.language as LanguageMetric;
    expect(m.paragraphs.map((p) => p.language)).toEqual(['en', 'en']);
    expect(a.findings).toEqual([]);
  });

  it('takes its thresholds from the configuration', async () => {
    const strict = await newHost({ language: { mixedShare: 0.9 } });
    try {
      const file = tempDoc(`---\nlang: en\n---\n\n# Update\n\n${EN_1}\n\n${EN_3}\n\n${FR_2}\n`);
      const a = await analyze(strict, file, ['language']);
      expect(a.findings).toEqual([]);
    } finally {
      await strict.close();
    }
  });

  it('refuses an unknown configuration key or model', async () => {
    await expect(newHost({ language: { modle: 'small' } })).rejects.toMatchObject({ code: 'EIA_PLUGIN_CONFIG_INVALID' });
    await expect(newHost({ language: { model: 'huge' } })).rejects.toMatchObject({ code: 'EIA_PLUGIN_CONFIG_INVALID' });
  });
});

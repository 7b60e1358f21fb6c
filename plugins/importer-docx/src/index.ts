/**
 * @export-ia/plugin-importer-docx — Word documents into the mdast model. Before any converter
 * touches the file, the archive is checked: it must be a zip with a main document part, at
 * most `limits.maxZipEntries` entries, at most `limits.maxUnzippedBytes` once inflated (yauzl
 * enforces the declared sizes while inflating, so a zip bomb cannot lie its way past), and no
 * XML part may declare a DOCTYPE or entities. Then mammoth converts it to HTML (external files
 * never read), and the HTML importer — a declared plugin dependency — makes the model.
 */
import { createHash } from 'node:crypto';
import { definePlugin, diagnostic, ExportIaError, type StepContext } from '@export-ia/core/plugin';
import type { Entry, ZipFile } from 'yauzl';

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${Math.round(n / 1024)} KB`;
}

async function openZip(bytes: Uint8Array, file: string): Promise<ZipFile> {
  const { default: yauzl } = await import('yauzl');
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      { lazyEntries: true, validateEntrySizes: true, decodeStrings: true },
      (err, zip) => {
        if (err || !zip) reject(new ExportIaError('EIA_DOCX_NOT_ZIP', { file, detail: err?.message ?? 'unreadable' }));
        else resolve(zip);
      },
    );
  });
}

/** Inflates an entry (yauzl checks the declared size); keeps the bytes only when `keep`. */
function readEntry(zip: ZipFile, entry: Entry, limit: number, keep = true): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) {
        reject(err ?? new Error('cannot read entry'));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          stream.destroy(new Error(`entry ${entry.fileName} inflates past the limit`));
          return;
        }
        if (keep) chunks.push(chunk);
      });
      stream.on('end', () => resolve(Buffer.concat(chunks)));
      stream.on('error', reject);
    });
  });
}

interface Inspection {
  coreXml?: string;
  /** Word equations (OMML) per part: mammoth drops them, so the user is told. */
  equations: Map<string, number>;
}

/** `<m:oMath>` elements (an `<m:oMathPara>` display block holds one or more of them). */
function countEquations(xml: string): number {
  let count = 0;
  for (let i = xml.indexOf('<m:oMath'); i >= 0; i = xml.indexOf('<m:oMath', i + 8)) {
    const next = xml.charCodeAt(i + 8);
    // `<m:oMath>` or `<m:oMath …>`, not `<m:oMathPara`/`<m:oMathParaPr`.
    if (next === 62 /* > */ || next === 32 || next === 9 || next === 10 || next === 13 || next === 47 /* / */) count += 1;
  }
  return count;
}

/** Structural checks on the archive (see the module comment). */
export async function inspectDocx(bytes: Uint8Array, file: string, limits: StepContext['settings']['limits']): Promise<Inspection> {
  const zip = await openZip(bytes, file);
  const result: Inspection = { equations: new Map() };
  let entries = 0;
  let declared = 0;
  let hasDocument = false;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (err: Error) => reject(new ExportIaError('EIA_DOCX_INVALID', { file, detail: err.message })));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: Entry) => {
        entries += 1;
        declared += entry.uncompressedSize;
        if (entries > limits.maxZipEntries) {
          reject(
            new ExportIaError('EIA_DOCX_ZIP_BOMB', { file, size: `${entries}+ entries`, detail: 'too many entries', limit: `${limits.maxZipEntries} entries` }),
          );
          return;
        }
        if (declared > limits.maxUnzippedBytes) {
          reject(
            new ExportIaError('EIA_DOCX_ZIP_BOMB', {
              file,
              size: formatBytes(declared),
              detail: `declared by ${entries} entries`,
              limit: formatBytes(limits.maxUnzippedBytes),
            }),
          );
          return;
        }
        const name = entry.fileName;
        if (name === 'word/document.xml') hasDocument = true;
        // Every entry is inflated, not only the XML parts: the converter reads media too, and
        // only inflating shows an entry that lies about its size.
        const xml = /\.(xml|rels)$/i.test(name);
        readEntry(zip, entry, limits.maxUnzippedBytes, xml)
          .then((data) => {
            if (!xml) {
              zip.readEntry();
              return;
            }
            const text = data.toString('utf8');
            if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
              reject(new ExportIaError('EIA_DOCX_EXTERNAL_ENTITY', { file, part: name }));
              return;
            }
            if (name === 'docProps/core.xml') result.coreXml = text;
            if (name.startsWith('word/')) {
              const equations = countEquations(text);
              if (equations > 0) result.equations.set(name.slice(5), equations);
            }
            zip.readEntry();
          })
          .catch((err: Error) => {
            // yauzl refuses data that inflates to more than the declared size: a crafted archive.
            const bomb = /too many|size|limit/i.test(err.message);
            reject(
              bomb
                ? new ExportIaError('EIA_DOCX_ZIP_BOMB', { file, size: 'more than declared', detail: err.message, limit: formatBytes(limits.maxUnzippedBytes) })
                : new ExportIaError('EIA_DOCX_INVALID', { file, detail: err.message }),
            );
          });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  if (!hasDocument) throw new ExportIaError('EIA_DOCX_INVALID', { file, detail: 'the archive has no word/document.xml (is it a Word document?)' });
  return result;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** A character reference as text; one XML forbids (NUL, surrogates, past U+10FFFF) as U+FFFD. */
function charRef(code: number): string {
  const allowed =
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  return allowed ? String.fromCodePoint(code) : '\uFFFD';
}

function xmlText(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return charRef(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return charRef(Number.parseInt(name.slice(1), 10));
    return XML_ENTITIES[name] ?? whole;
  });
}

/** Title, author, subject, keywords, description and language from docProps/core.xml. */
export function coreProperties(xml: string | undefined): Record<string, unknown> {
  if (!xml) return {};
  const pick = (tag: string) => {
    const m = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`).exec(xml);
    const v = m ? xmlText(m[1] as string).trim() : '';
    return v || undefined;
  };
  const out: Record<string, unknown> = {};
  const map: Array<[string, string]> = [
    ['dc:title', 'title'],
    ['dc:creator', 'author'],
    ['dc:subject', 'subject'],
    ['cp:keywords', 'keywords'],
    ['dc:description', 'description'],
    ['dc:language', 'lang'],
  ];
  for (const [tag, key] of map) {
    const v = pick(tag);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

export default definePlugin({
  setup(api) {
    api.importer('docx', {
      async import(input, ctx) {
        const inspection = await inspectDocx(input.bytes, input.name, ctx.settings.limits);
        if (inspection.equations.size > 0) {
          const count = [...inspection.equations.values()].reduce((a, b) => a + b, 0);
          ctx.report(diagnostic('EIA_DOCX_EQUATIONS_DROPPED', { file: input.name, count, parts: [...inspection.equations.keys()].join(', ') }));
        }
        let html: string;
        const { default: mammoth } = await import('mammoth');
        try {
          const result = await mammoth.convertToHtml(
            { buffer: Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength) },
            {
              externalFileAccess: false,
              convertImage: mammoth.images.imgElement(async (image) => ({ src: `data:${image.contentType};base64,${await image.read('base64')}` })),
            },
          );
          html = result.value;
        } catch (err) {
          throw new ExportIaError('EIA_DOCX_INVALID', { file: input.name, detail: (err as Error).message });
        }
        const bytes = new TextEncoder().encode(html);
        const hash = createHash('sha256').update(bytes).digest('hex');
        const imported = await ctx.importWith('html', { name: input.name, dir: input.dir, bytes, text: html, hash });
        const frontMatter = { ...(imported.frontMatter ?? {}), ...coreProperties(inspection.coreXml) };
        return Object.keys(frontMatter).length > 0 ? { root: imported.root, frontMatter } : { root: imported.root };
      },
    });
  },
});

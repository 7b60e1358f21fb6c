/**
 * What a PDF tells assistive technology about itself, read back with pdf.js: whether it is
 * tagged (MarkInfo /Marked and a StructTreeRoot), its title (Info or XMP) and whether viewers are
 * asked to show it (DisplayDocTitle), its language (/Lang) and its page count.
 */

/** The `pdf` metric. */
export interface PdfFacts {
  tagged: boolean;
  /** The document title (Info /Title, else XMP dc:title); null when there is none. */
  title: string | null;
  /** ViewerPreferences /DisplayDocTitle: viewers show the title, not the file name. */
  displayDocTitle: boolean;
  /** The catalog's /Lang; null when there is none. */
  lang: string | null;
  pages: number;
}

interface PdfDocument {
  numPages: number;
  getMarkInfo(): Promise<{ Marked?: boolean } | null>;
  getMetadata(): Promise<{ info: Record<string, unknown>; metadata: { get(key: string): unknown } | null }>;
  getViewerPreferences(): Promise<Record<string, unknown> | null>;
  getPage(n: number): Promise<{ getStructTree(): Promise<unknown> }>;
  destroy(): Promise<void>;
}

interface PdfJs {
  getDocument(options: Record<string, unknown>): { promise: Promise<PdfDocument> };
}

let pdfjs: Promise<PdfJs> | undefined;

/** pdf.js loads once per process, on first use (~100 ms). Its legacy build is the one for Node. */
function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs') as unknown as Promise<PdfJs>;
  return pdfjs;
}

const text = (v: unknown): string | null => {
  const s = Array.isArray(v) ? v.find((x) => typeof x === 'string') : v;
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : null;
};

export async function inspectPdf(bytes: Uint8Array): Promise<PdfFacts> {
  const lib = await loadPdfJs();
  // pdf.js may detach the buffer it is given: hand it a copy.
  const task = lib.getDocument({
    data: new Uint8Array(bytes),
    disableFontFace: true,
    isEvalSupported: false,
    useSystemFonts: false,
    verbosity: 0,
  });
  const pdf = await task.promise;
  try {
    const [mark, meta, prefs, firstPage] = await Promise.all([pdf.getMarkInfo(), pdf.getMetadata(), pdf.getViewerPreferences(), pdf.getPage(1)]);
    const structTree = await firstPage.getStructTree();
    return {
      tagged: mark?.Marked === true && structTree !== null && structTree !== undefined,
      title: text(meta.info.Title) ?? text(meta.metadata?.get('dc:title')),
      displayDocTitle: prefs?.DisplayDocTitle === true,
      lang: text(meta.info.Language),
      pages: pdf.numPages,
    };
  } finally {
    await pdf.destroy();
  }
}

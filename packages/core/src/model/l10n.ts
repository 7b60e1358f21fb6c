/**
 * Words the exporters print themselves (table of contents title, callout labels, "Figure"),
 * per document language. Falls back to English.
 */
export interface Labels {
  contents: string;
  figure: string;
  table: string;
  footnotes: string;
  page: string;
  note: string;
  tip: string;
  important: string;
  warning: string;
  caution: string;
  imageMissing: string;
}

const LABELS: Record<string, Labels> = {
  en: {
    contents: 'Contents',
    figure: 'Figure',
    table: 'Table',
    footnotes: 'Notes',
    page: 'Page',
    note: 'Note',
    tip: 'Tip',
    important: 'Important',
    warning: 'Warning',
    caution: 'Caution',
    imageMissing: 'Image not available',
  },
  es: {
    contents: 'Índice',
    figure: 'Figura',
    table: 'Tabla',
    footnotes: 'Notas',
    page: 'Página',
    note: 'Nota',
    tip: 'Consejo',
    important: 'Importante',
    warning: 'Advertencia',
    caution: 'Precaución',
    imageMissing: 'Imagen no disponible',
  },
  fr: {
    contents: 'Table des matières',
    figure: 'Figure',
    table: 'Tableau',
    footnotes: 'Notes',
    page: 'Page',
    note: 'Remarque',
    tip: 'Conseil',
    important: 'Important',
    warning: 'Avertissement',
    caution: 'Attention',
    imageMissing: 'Image indisponible',
  },
  de: {
    contents: 'Inhaltsverzeichnis',
    figure: 'Abbildung',
    table: 'Tabelle',
    footnotes: 'Anmerkungen',
    page: 'Seite',
    note: 'Hinweis',
    tip: 'Tipp',
    important: 'Wichtig',
    warning: 'Warnung',
    caution: 'Vorsicht',
    imageMissing: 'Bild nicht verfügbar',
  },
  pt: {
    contents: 'Sumário',
    figure: 'Figura',
    table: 'Tabela',
    footnotes: 'Notas',
    page: 'Página',
    note: 'Nota',
    tip: 'Dica',
    important: 'Importante',
    warning: 'Aviso',
    caution: 'Cuidado',
    imageMissing: 'Imagem indisponível',
  },
  it: {
    contents: 'Indice',
    figure: 'Figura',
    table: 'Tabella',
    footnotes: 'Note',
    page: 'Pagina',
    note: 'Nota',
    tip: 'Suggerimento',
    important: 'Importante',
    warning: 'Avvertenza',
    caution: 'Attenzione',
    imageMissing: 'Immagine non disponibile',
  },
};

/** Labels for a BCP 47 tag (`es-MX` → Spanish). */
export function labelsFor(lang: string | undefined): Labels {
  const primary = (lang ?? 'en').toLowerCase().split('-')[0] ?? 'en';
  return LABELS[primary] ?? (LABELS.en as Labels);
}

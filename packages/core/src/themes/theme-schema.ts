/**
 * A theme is one YAML/JSON file that drives every output format: fonts, sizes, colours, page
 * size and margins, header/footer, title page, table of contents and logo. Exporters receive it
 * resolved ({@link ResolvedTheme}): defaults filled in, paths made absolute, logo loaded.
 */

export type PageSize = 'a4' | 'a5' | 'letter' | 'legal';

export interface FontRole {
  /** Families in order of preference (PDF uses the first it has; HTML uses the list as a CSS stack). */
  family: string[];
  /** Family name written into DOCX (Word has no fallback list). */
  docx: string;
  /** Size in points. Headings use a multiple of the body size instead. */
  size?: number;
  /** CSS/Typst weight for this role (400 regular, 600 semibold, 700 bold). */
  weight?: number;
}

export interface RunningText {
  left?: string;
  center?: string;
  right?: string;
}

export interface Theme {
  id: string;
  name: string;
  description?: string;
  /** Id of a theme this one starts from; its keys are overridden key by key. */
  extends?: string;
  fonts: {
    body: FontRole;
    heading: FontRole;
    mono: FontRole;
    /** Font files for PDF output: paths relative to the theme file, or `npm:<package>/<path>`. */
    files: string[];
  };
  colors: {
    text: string;
    heading: string;
    accent: string;
    link: string;
    muted: string;
    rule: string;
    background: string;
    codeBackground: string;
    tableHeaderBackground: string;
    tableHeaderText: string;
    tableStripe: string;
    quoteBar: string;
  };
  page: {
    size: PageSize;
    /** Margins in millimetres. */
    margins: { top: number; right: number; bottom: number; left: number };
  };
  text: {
    lineHeight: number;
    /** Space between paragraphs, in em. */
    paragraphSpacing: number;
    justify: boolean;
    hyphenate: boolean;
  };
  headings: {
    numbering: boolean;
    /** Size of h1…h6 as a multiple of the body size. */
    scale: number[];
    /** Start every top-level section on a new page (PDF, DOCX). */
    pageBreakBeforeLevel1: boolean;
    /** Draw a rule under level-1 headings. */
    ruleBelowLevel1: boolean;
    uppercaseLevel1: boolean;
  };
  /** Running header/footer. Placeholders: {title} {subtitle} {author} {date} {page} {pages}. */
  header: RunningText & { firstPage: boolean };
  footer: RunningText & { firstPage: boolean };
  titlePage: {
    enabled: boolean;
    align: 'left' | 'center';
  };
  toc: {
    enabled: boolean;
    depth: number;
  };
  /** Logo image (title page and HTML header): path relative to the theme file or `npm:`. */
  logo?: string;
  /** Extra CSS appended to the HTML output. */
  css?: string;
}

const hex = { type: 'string', pattern: '^#[0-9a-fA-F]{6}$' } as const;
const fontRole = {
  type: 'object',
  additionalProperties: false,
  properties: {
    family: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    docx: { type: 'string', minLength: 1 },
    size: { type: 'number', minimum: 4, maximum: 72 },
    weight: { type: 'integer', minimum: 100, maximum: 900 },
  },
} as const;
const running = {
  type: 'object',
  additionalProperties: false,
  properties: {
    left: { type: 'string' },
    center: { type: 'string' },
    right: { type: 'string' },
    firstPage: { type: 'boolean' },
  },
} as const;
const mm = { type: 'number', minimum: 0, maximum: 100 } as const;

/**
 * JSON Schema of a theme file. Every key except `id` is optional in a file: missing keys come
 * from the theme it `extends`, or from the built-in defaults.
 */
export const themeFileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' },
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    extends: { type: 'string', minLength: 1 },
    fonts: {
      type: 'object',
      additionalProperties: false,
      properties: { body: fontRole, heading: fontRole, mono: fontRole, files: { type: 'array', items: { type: 'string', minLength: 1 } } },
    },
    colors: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(
        [
          'text',
          'heading',
          'accent',
          'link',
          'muted',
          'rule',
          'background',
          'codeBackground',
          'tableHeaderBackground',
          'tableHeaderText',
          'tableStripe',
          'quoteBar',
        ].map((k) => [k, hex]),
      ),
    },
    page: {
      type: 'object',
      additionalProperties: false,
      properties: {
        size: { enum: ['a4', 'a5', 'letter', 'legal'] },
        margins: {
          type: 'object',
          additionalProperties: false,
          properties: { top: mm, right: mm, bottom: mm, left: mm },
        },
      },
    },
    text: {
      type: 'object',
      additionalProperties: false,
      properties: {
        lineHeight: { type: 'number', minimum: 0.8, maximum: 3 },
        paragraphSpacing: { type: 'number', minimum: 0, maximum: 4 },
        justify: { type: 'boolean' },
        hyphenate: { type: 'boolean' },
      },
    },
    headings: {
      type: 'object',
      additionalProperties: false,
      properties: {
        numbering: { type: 'boolean' },
        scale: { type: 'array', minItems: 6, maxItems: 6, items: { type: 'number', minimum: 0.5, maximum: 5 } },
        pageBreakBeforeLevel1: { type: 'boolean' },
        ruleBelowLevel1: { type: 'boolean' },
        uppercaseLevel1: { type: 'boolean' },
      },
    },
    header: running,
    footer: running,
    titlePage: {
      type: 'object',
      additionalProperties: false,
      properties: { enabled: { type: 'boolean' }, align: { enum: ['left', 'center'] } },
    },
    toc: {
      type: 'object',
      additionalProperties: false,
      properties: { enabled: { type: 'boolean' }, depth: { type: 'integer', minimum: 1, maximum: 6 } },
    },
    logo: { type: 'string', minLength: 1 },
    css: { type: 'string' },
  },
} as const;

/** The base every theme starts from. */
export const BASE_THEME: Theme = {
  id: 'base',
  name: 'Base',
  fonts: {
    body: { family: ['Libertinus Serif'], docx: 'Cambria', size: 11 },
    heading: { family: ['Libertinus Serif'], docx: 'Cambria', weight: 700 },
    mono: { family: ['DejaVu Sans Mono'], docx: 'Consolas', size: 9 },
    files: [],
  },
  colors: {
    text: '#1f2328',
    heading: '#1f2328',
    accent: '#0969da',
    link: '#0969da',
    muted: '#656d76',
    rule: '#d0d7de',
    background: '#ffffff',
    codeBackground: '#f6f8fa',
    tableHeaderBackground: '#f6f8fa',
    tableHeaderText: '#1f2328',
    tableStripe: '#ffffff',
    quoteBar: '#d0d7de',
  },
  page: { size: 'a4', margins: { top: 25, right: 22, bottom: 25, left: 22 } },
  text: { lineHeight: 1.45, paragraphSpacing: 0.7, justify: false, hyphenate: false },
  headings: {
    numbering: false,
    scale: [1.9, 1.45, 1.2, 1.05, 1, 1],
    pageBreakBeforeLevel1: false,
    ruleBelowLevel1: false,
    uppercaseLevel1: false,
  },
  header: { firstPage: false },
  footer: { center: '{page}', firstPage: true },
  titlePage: { enabled: false, align: 'left' },
  toc: { enabled: false, depth: 3 },
};

/**
 * Theme → Word styles, list numbering definitions and page setup. Units: font sizes in
 * half-points, spacing in twips (1/20 pt), page sizes in twips.
 */
import type { ResolvedTheme } from '@export-ia/core/plugin';
import {
  AlignmentType,
  BorderStyle,
  type ILevelsOptions,
  type INumberingOptions,
  type IStylesOptions,
  LevelFormat,
  LevelSuffix,
  LineRuleType,
  ShadingType,
} from 'docx';

export const TWIPS_PER_MM = 1440 / 25.4;

const PAGE_TWIPS: Record<string, { width: number; height: number }> = {
  a4: { width: 11906, height: 16838 },
  a5: { width: 8391, height: 11906 },
  letter: { width: 12240, height: 15840 },
  legal: { width: 12240, height: 20160 },
};

export interface PageGeometry {
  width: number;
  height: number;
  margins: { top: number; right: number; bottom: number; left: number };
  /** Text width in pixels at 96 dpi (image sizes are given in pixels). */
  contentWidthPx: number;
  contentHeightPx: number;
}

export function pageGeometry(theme: ResolvedTheme): PageGeometry {
  const size = PAGE_TWIPS[theme.page.size] ?? (PAGE_TWIPS.a4 as { width: number; height: number });
  const m = theme.page.margins;
  const margins = {
    top: Math.round(m.top * TWIPS_PER_MM),
    right: Math.round(m.right * TWIPS_PER_MM),
    bottom: Math.round(m.bottom * TWIPS_PER_MM),
    left: Math.round(m.left * TWIPS_PER_MM),
  };
  return {
    ...size,
    margins,
    contentWidthPx: Math.floor(((size.width - margins.left - margins.right) / 1440) * 96),
    contentHeightPx: Math.floor(((size.height - margins.top - margins.bottom) / 1440) * 96),
  };
}

/** `#1f2328` → `1F2328` (Word's colour format). */
export function wordColor(hex: string): string {
  return hex.replace('#', '').toUpperCase();
}

export const STYLE = {
  code: 'SourceCode',
  quote: 'BlockText',
  caption: 'Caption',
  tocHeading: 'TOCHeading',
  subtitle: 'Subtitle',
  byline: 'Byline',
  footnoteText: 'FootnoteText',
  tableText: 'TableText',
  calloutTitle: 'CalloutTitle',
  mathBlock: 'MathBlock',
} as const;

export function documentStyles(theme: ResolvedTheme, lang: string | undefined): IStylesOptions {
  const c = theme.colors;
  const base = theme.fonts.body.size ?? 11;
  const halfPoints = (pt: number) => Math.round(pt * 2);
  const line = Math.round(240 * theme.text.lineHeight);
  const after = Math.round(base * 20 * theme.text.paragraphSpacing);
  const bodyFont = theme.fonts.body.docx;
  const headingFont = theme.fonts.heading.docx;
  const monoFont = theme.fonts.mono.docx;
  const heading = (level: number) => {
    const size = base * (theme.headings.scale[level - 1] ?? 1);
    return {
      run: {
        font: headingFont,
        size: halfPoints(size),
        bold: (theme.fonts.heading.weight ?? 700) >= 600,
        color: wordColor(level === 6 ? c.muted : c.heading),
        ...(level === 1 && theme.headings.uppercaseLevel1 ? { allCaps: true } : {}),
      },
      paragraph: {
        spacing: { before: Math.round(size * 20 * (level <= 2 ? 1.3 : 1.0)), after: Math.round(size * 20 * 0.45), line: 240, lineRule: LineRuleType.AUTO },
        keepNext: true,
        keepLines: true,
        ...(level === 1 && theme.headings.pageBreakBeforeLevel1 ? { pageBreakBefore: true } : {}),
        ...(level === 1 && theme.headings.ruleBelowLevel1
          ? { border: { bottom: { style: BorderStyle.SINGLE, size: 12, color: wordColor(c.accent), space: 4 } } }
          : {}),
      },
    };
  };
  const language = lang ? { language: { value: lang } } : {};
  return {
    default: {
      document: {
        run: { font: bodyFont, size: halfPoints(base), color: wordColor(c.text), ...language },
        paragraph: { spacing: { after, line, lineRule: LineRuleType.AUTO }, ...(theme.text.justify ? { alignment: AlignmentType.JUSTIFIED } : {}) },
      },
      title: {
        run: { font: headingFont, size: halfPoints(base * 2.4), bold: true, color: wordColor(c.heading) },
        paragraph: {
          spacing: { after: 160, line: 240, lineRule: LineRuleType.AUTO },
          ...(theme.titlePage.align === 'center' ? { alignment: AlignmentType.CENTER } : {}),
        },
      },
      heading1: heading(1),
      heading2: heading(2),
      heading3: heading(3),
      heading4: heading(4),
      heading5: heading(5),
      heading6: heading(6),
      listParagraph: { paragraph: { spacing: { after: Math.round(after / 3) } } },
      caption: {
        run: { italics: true, size: halfPoints(base * 0.9), color: wordColor(c.muted) },
        paragraph: { alignment: AlignmentType.CENTER, spacing: { after: after * 1.5 } },
      },
      hyperlink: { run: { color: wordColor(c.link), underline: {} } },
      footnoteText: { run: { size: halfPoints(base * 0.85) }, paragraph: { spacing: { after: 60, line: 240, lineRule: LineRuleType.AUTO } } },
    },
    paragraphStyles: [
      {
        id: STYLE.subtitle,
        name: 'Subtitle',
        basedOn: 'Normal',
        next: 'Normal',
        run: { font: headingFont, size: halfPoints(base * 1.35), color: wordColor(c.muted) },
        paragraph: { spacing: { after: 240 }, ...(theme.titlePage.align === 'center' ? { alignment: AlignmentType.CENTER } : {}) },
      },
      {
        id: STYLE.byline,
        name: 'Byline',
        basedOn: 'Normal',
        next: 'Normal',
        run: { size: halfPoints(base), color: wordColor(c.muted) },
        paragraph: { spacing: { after: 60 }, ...(theme.titlePage.align === 'center' ? { alignment: AlignmentType.CENTER } : {}) },
      },
      {
        id: STYLE.code,
        name: 'Source Code',
        basedOn: 'Normal',
        run: { font: monoFont, size: halfPoints(theme.fonts.mono.size ?? base * 0.85) },
        paragraph: {
          spacing: { after: 0, line: 240, lineRule: LineRuleType.AUTO },
          shading: { type: ShadingType.CLEAR, fill: wordColor(c.codeBackground), color: 'auto' },
          indent: { left: 120, right: 120 },
          keepLines: true,
          contextualSpacing: true,
        },
      },
      {
        id: STYLE.quote,
        name: 'Block Text',
        basedOn: 'Normal',
        run: { color: wordColor(c.muted) },
        paragraph: {
          indent: { left: 360 },
          border: { left: { style: BorderStyle.SINGLE, size: 18, color: wordColor(c.quoteBar), space: 10 } },
        },
      },
      {
        id: STYLE.tocHeading,
        name: 'TOC Heading',
        basedOn: 'Normal',
        next: 'Normal',
        run: { font: headingFont, size: halfPoints(base * 1.3), bold: true, color: wordColor(c.heading) },
        paragraph: { spacing: { before: 240, after: 160 } },
      },
      {
        id: STYLE.tableText,
        name: 'Table Text',
        basedOn: 'Normal',
        run: { size: halfPoints(base * 0.92) },
        paragraph: { spacing: { after: 0, line: 240, lineRule: LineRuleType.AUTO } },
      },
      {
        id: STYLE.calloutTitle,
        name: 'Callout Title',
        basedOn: 'Normal',
        next: 'Normal',
        run: { font: headingFont, bold: true },
        paragraph: { spacing: { after: 40 }, keepNext: true },
      },
      {
        id: STYLE.mathBlock,
        name: 'Display Math',
        basedOn: 'Normal',
        paragraph: { alignment: AlignmentType.CENTER, spacing: { before: 120, after: 240 } },
      },
    ],
  };
}

const BULLETS = ['•', '◦', '▪'];
const ORDERED = [LevelFormat.DECIMAL, LevelFormat.LOWER_LETTER, LevelFormat.LOWER_ROMAN];

function levels(kind: 'bullet' | 'ordered', start = 1): ILevelsOptions[] {
  return Array.from({ length: 9 }, (_, level) => ({
    level,
    format: kind === 'bullet' ? LevelFormat.BULLET : (ORDERED[level % 3] as (typeof LevelFormat)[keyof typeof LevelFormat]),
    text: kind === 'bullet' ? (BULLETS[level % 3] as string) : `%${level + 1}.`,
    alignment: AlignmentType.LEFT,
    start,
    style: { paragraph: { indent: { left: 360 * (level + 1) + 60, hanging: 300 } } },
  }));
}

/** Numbering for bullets, ordered lists (one definition per start value) and headings. */
export function numberingConfig(orderedStarts: ReadonlySet<number>, numberedHeadings: boolean): INumberingOptions {
  const config: Array<INumberingOptions['config'][number]> = [{ reference: 'bullet', levels: levels('bullet') }];
  for (const start of new Set([1, ...orderedStarts])) config.push({ reference: `ordered-${start}`, levels: levels('ordered', start) });
  if (numberedHeadings) {
    config.push({
      reference: 'headings',
      levels: Array.from({ length: 6 }, (_, level) => ({
        level,
        format: LevelFormat.DECIMAL,
        text: `${Array.from({ length: level + 1 }, (_, k) => `%${k + 1}`).join('.')}${level === 0 ? '.' : ''}`,
        alignment: AlignmentType.LEFT,
        suffix: LevelSuffix.SPACE,
        style: { paragraph: { indent: { left: 0, hanging: 0 } } },
      })),
    });
  }
  return { config };
}

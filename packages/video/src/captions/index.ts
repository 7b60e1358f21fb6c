/**
 * Captions: timed words → caption lines in clip time → an ASS script burned in by libass, and
 * SRT/WebVTT sidecar files; the caption style file and the fonts libass is given.
 */
export {
  type AssOptions,
  assColor,
  assFilter,
  assTime,
  captionCenterY,
  captionMaxChars,
  DEFAULT_SAFE_AREA,
  escapeAssText,
  type SafeArea,
  safeAreaFor,
  toAss,
  VERTICAL_SAFE_AREA,
} from './ass.js';
export { type CaptionLine, type CaptionLineOptions, type CaptionWord, captionLines, clipTimeMapper, wordsInClipTime } from './lines.js';
export { toSrt, toVtt, type VttOptions } from './sidecar.js';
export {
  BUNDLED_FONT_FAMILY,
  bundledFontsDir,
  captionFont,
  DEFAULT_CAPTION_STYLE,
  fontFamilyOfFile,
  isFontFile,
  loadCaptionStyle,
  validateCaptionStyle,
} from './style.js';

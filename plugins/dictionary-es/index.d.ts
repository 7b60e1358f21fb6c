/** Where a Hunspell dictionary's files are. */
export interface Dictionary {
  /** Primary language subtag (`es`). */
  readonly lang: string;
  /** Absolute path of the affix file. */
  readonly aff: string;
  /** Absolute path of the word list. */
  readonly dic: string;
}

/** The Spanish dictionary (files of the npm `dictionary-es` package). */
declare const dictionary: Dictionary;
export default dictionary;

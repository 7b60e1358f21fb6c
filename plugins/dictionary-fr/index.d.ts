/** Where a Hunspell dictionary's files are. */
export interface Dictionary {
  /** Primary language subtag (`fr`). */
  readonly lang: string;
  /** Absolute path of the affix file. */
  readonly aff: string;
  /** Absolute path of the word list. */
  readonly dic: string;
}

/** The French dictionary (files of the npm `dictionary-fr` package). */
declare const dictionary: Dictionary;
export default dictionary;

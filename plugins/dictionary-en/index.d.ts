/** Where a Hunspell dictionary's files are. */
export interface Dictionary {
  /** Primary language subtag (`en`). */
  readonly lang: string;
  /** Absolute path of the affix file. */
  readonly aff: string;
  /** Absolute path of the word list. */
  readonly dic: string;
}

/** The English dictionary (files of the npm `dictionary-en` package). */
declare const dictionary: Dictionary;
export default dictionary;

/**
 * The English Hunspell dictionary for @export-ia/plugin-checker-spelling, as file paths.
 * The files stay in the npm `dictionary-en` package (and under its licence); this package only
 * says where they are. Resolving does not read them: the spelling checker reads them once, when a
 * document in this language is first checked.
 */
import { fileURLToPath } from 'node:url';

// `dictionary-en` exports only its index.js (which would read both files on import); the .aff
// and .dic sit next to it.
const entry = import.meta.resolve('dictionary-en');

/** @type {import('./index.js').Dictionary} */
const dictionary = Object.freeze({
  lang: 'en',
  aff: fileURLToPath(new URL('index.aff', entry)),
  dic: fileURLToPath(new URL('index.dic', entry)),
});

export default dictionary;

/**
 * Per-language cues for hooks and completeness: words and phrases, lower case, written for this
 * module. Phrases are matched on tokens (see `tokens()`), so "here's why" matches "Here's why:".
 * A language without an entry gets `NEUTRAL`: only language-independent cues ('?', digits) count.
 */
import { tokens } from './text.js';

export interface LanguageCues {
  /** First words that open a question even when the ASR gave no '?'. */
  questionOpeners: string[];
  /** Number words that make a concrete claim ("three", "million", "percent"). */
  numberWords: string[];
  /** Superlatives and absolute words ("best", "never", "everyone"). */
  superlatives: string[];
  /** Phrases that promise a pay-off ("here's why", "the secret", "nobody tells you"). */
  hookPhrases: string[];
  /** Imperative first words ("imagine", "stop", "listen"). */
  imperatives: string[];
  /** Words that address the viewer ("you", "your"). */
  secondPerson: string[];
  /** First words that continue a previous thought ("and", "so", "but", "because"). */
  connectors: string[];
  /** First words that point back to something said before ("this", "that", "it"). */
  backReferences: string[];
  /** Opening phrases that point back ("that's why", "as I said"). */
  backPhrases: string[];
}

/** A list written as `a | b | c`. */
function list(s: string): string[] {
  return s.split('|').map((x) => x.trim());
}

const EN: LanguageCues = {
  questionOpeners: list('what | why | how | who | when | where | which | ever | have you | do you | did you | are you | can you | would you'),
  numberWords: list(
    'two | three | four | five | six | seven | eight | nine | ten | twelve | twenty | fifty | hundred | hundreds | thousand | thousands | million | millions | billion | billions | trillion | percent | dollars | euros | pounds | half | double | twice | triple | tenfold',
  ),
  superlatives: list(
    'best | worst | biggest | greatest | largest | smallest | fastest | easiest | hardest | simplest | cheapest | never | always | everyone | everybody | nobody | nothing | everything | secret | truth | mistake | mistakes | wrong | huge | massive | incredible | insane | crazy | shocking | surprising | guaranteed | proven | impossible | ultimate | absolutely',
  ),
  hookPhrases: list(
    "here's why | here is why | here's how | here is how | here's what | here is what | the secret | nobody tells you | no one tells you | what if | the truth is | the truth about | the problem is | the reason | let me tell you | you won't believe | the one thing | most people | the key is | the biggest mistake | nobody talks about | i was wrong | turns out | it turns out",
  ),
  imperatives: list("stop | imagine | look | listen | think | try | forget | remember | consider | picture | watch | don't | never | start"),
  secondPerson: list("you | your | you're | yours | yourself | you've | you'll | you'd"),
  connectors: list("and | so | but | because | which | or | then | also | plus | though | anyway | cause | 'cause | whereas | nor"),
  backReferences: list("this | that | these | those | it | they | he | she | them | that's | it's | they're"),
  backPhrases: list("that's why | that is why | which is why | this is why | as i said | like i said | as i mentioned | that was | after that"),
};

const ES: LanguageCues = {
  questionOpeners: list('qué | por qué | cómo | cuándo | dónde | quién | cuál | cuánto | sabías | alguna vez'),
  numberWords: list(
    'dos | tres | cuatro | cinco | seis | siete | ocho | nueve | diez | veinte | cien | cientos | mil | miles | millón | millones | por ciento | dólares | euros | mitad | doble | triple',
  ),
  superlatives: list(
    'mejor | peor | mayor | nunca | siempre | nadie | nada | todo | todos | único | única | secreto | verdad | error | errores | increíble | enorme | imposible | jamás | absolutamente | garantizado',
  ),
  hookPhrases: list(
    'aquí está por qué | te voy a contar | os voy a contar | el secreto | nadie te dice | nadie te cuenta | qué pasaría si | la verdad es | el problema es | la razón | lo que nadie | la mayoría de la gente | la clave es | el mayor error | resulta que',
  ),
  imperatives: list('imagina | imagínate | imaginen | mira | miren | escucha | escuchen | piensa | piensen | olvida | recuerda | para | deja | nunca'),
  secondPerson: list('tú | tu | tus | te | ti | contigo | usted | ustedes | vosotros | vosotras | os | vuestro | vuestra'),
  connectors: list('y | e | pero | porque | entonces | que | o | u | pues | además | también | luego | aunque | sino'),
  backReferences: list('esto | eso | esta | esa | estos | esos | ello | ellos | ellas | él | ella | aquello'),
  backPhrases: list('por eso | como dije | como decía | eso es | después de eso'),
};

const FR: LanguageCues = {
  questionOpeners: list("pourquoi | comment | quoi | quand | où | qui | quel | quelle | combien | est-ce | qu'est-ce | saviez-vous"),
  numberWords: list(
    'deux | trois | quatre | cinq | six | sept | huit | neuf | dix | vingt | cent | cents | mille | million | millions | milliard | milliards | pour cent | euros | dollars | moitié | double | triple',
  ),
  superlatives: list(
    'meilleur | meilleure | pire | jamais | toujours | rien | tout | tous | toutes | seul | seule | secret | vérité | erreur | erreurs | incroyable | énorme | impossible | absolument | garanti',
  ),
  hookPhrases: list(
    'voici pourquoi | voici comment | le secret | personne ne vous dit | personne ne te dit | et si | la vérité | le problème | la raison | la plupart des gens | la clé | je vais vous dire | la plus grosse erreur | le plus important | il se trouve que',
  ),
  imperatives: list('imaginez | imagine | regardez | regarde | écoutez | écoute | pensez | pense | oubliez | oublie | arrêtez | arrête | rappelez-vous'),
  secondPerson: list('vous | tu | te | toi | votre | vos | ton | ta | tes'),
  connectors: list('et | mais | donc | parce | car | alors | ou | puis | qui | aussi | sinon | pourtant | bref'),
  backReferences: list("ça | cela | ceci | ce | c'est | il | elle | ils | elles | celui | celle"),
  backPhrases: list("c'est pourquoi | c'est pour ça | comme je disais | comme je le disais | après ça | du coup"),
};

const DE: LanguageCues = {
  questionOpeners: list('warum | wie | was | wer | wann | wo | welche | welcher | wieso | weshalb | wusstest | hast du | habt ihr'),
  numberWords: list(
    'zwei | drei | vier | fünf | sechs | sieben | acht | neun | zehn | zwanzig | hundert | tausend | million | millionen | milliarde | milliarden | prozent | euro | dollar | hälfte | doppelt | dreifach',
  ),
  superlatives: list(
    'beste | besten | schlimmste | größte | größten | nie | niemals | immer | niemand | nichts | alles | alle | einzige | geheimnis | wahrheit | fehler | unglaublich | riesig | unmöglich | absolut | garantiert',
  ),
  hookPhrases: list(
    'hier ist warum | so geht | das geheimnis | niemand sagt dir | niemand erzählt | was wäre wenn | die wahrheit ist | das problem ist | der grund | die meisten menschen | der schlüssel | der größte fehler | ich sage dir | es stellt sich heraus',
  ),
  imperatives: list('stell | stellt | stellen | schau | schaut | hör | hört | denk | denkt | vergiss | vergesst | stopp | halt | achte'),
  secondPerson: list('du | dich | dir | dein | deine | deinen | deinem | deiner | ihr | euch | euer | eure'),
  connectors: list('und | aber | also | weil | denn | oder | dann | sondern | auch | deshalb | darum | trotzdem | jedoch'),
  backReferences: list('dies | dieses | diese | es | er | dadurch | damit | dabei | davon'),
  backPhrases: list('das ist der grund | das ist warum | wie gesagt | wie ich sagte | danach'),
};

const NEUTRAL: LanguageCues = {
  questionOpeners: [],
  numberWords: [],
  superlatives: [],
  hookPhrases: [],
  imperatives: [],
  secondPerson: [],
  connectors: [],
  backReferences: [],
  backPhrases: [],
};

const CUES: Record<string, LanguageCues> = { en: EN, es: ES, fr: FR, de: DE };

/** The cues of a language (`en`, `en-GB` → `en`), or the language-neutral set. */
export function cuesFor(language: string): LanguageCues {
  return CUES[primary(language)] ?? NEUTRAL;
}

/** True when the language has its own cues (not just '?' and digits). */
export function hasCues(language: string): boolean {
  return primary(language) in CUES;
}

export function primary(language: string): string {
  return language.toLowerCase().split(/[-_]/)[0] ?? '';
}

const phraseTokens = new Map<string, string[]>();

/** The phrases of a list (as token arrays) found in `toks`, in list order, each once. */
export function findPhrases(toks: readonly string[], phrases: readonly string[], onlyAtStart = false): string[] {
  const found: string[] = [];
  for (const phrase of phrases) {
    let p = phraseTokens.get(phrase);
    if (!p) {
      p = tokens(phrase);
      phraseTokens.set(phrase, p);
    }
    if (p.length === 0) continue;
    const last = onlyAtStart ? 0 : toks.length - p.length;
    for (let i = 0; i <= last; i++) {
      if (p.every((w, k) => toks[i + k] === w)) {
        found.push(phrase);
        break;
      }
    }
  }
  return found;
}

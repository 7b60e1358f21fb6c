/**
 * Word lists for salience and emotion: stop words per language (function words, auxiliaries and
 * the fillers of speech), and an emotion lexicon (valence −5…5). English uses AFINN-165 from the
 * `sentiment` package when it can be loaded (3,382 words); otherwise, and for es/fr/de, the short
 * lists below, written for this module (strong, common words of spoken language).
 */
import { createRequire } from 'node:module';
import { primary } from './cues.js';
import { stem } from './text.js';

const STOP: Record<string, string> = {
  en: `a about above after again against all also am an and any are aren't as at be because been before being below between both but by can can't
    could couldn't did didn't do does doesn't doing don't down during each few for from further get gets got had hadn't has hasn't have haven't having he
    he'd he'll he's her here here's hers herself him himself his how i i'd i'll i'm i've if in into is isn't it it's its itself just let's like me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own really same she she'd she'll she's should shouldn't so
    some such than that that's the their theirs them themselves then there there's these they they'd they'll they're they've this those through to
    too under until up very was wasn't we we'd we'll we're we've were weren't what what's when where which while who whom why will with won't would
    wouldn't you you'd you'll you're you've your yours yourself yourselves um uh er erm okay ok yeah yes well right actually basically literally kind
    sort thing things stuff gonna wanna gotta going know mean think say said go get make lot lots way one two even much many every something anything
    everything nothing people time want see come back next last first`,
  es: `a al algo algún alguna algunas alguno algunos ante antes aquel aquí así aun aunque bajo bien cada casi como cómo con contra cual cuando de del
    desde donde dos durante e el él ella ellas ellos en entre era eran es esa esas ese eso esos esta está estaba estamos están estar estas este esto estos
    estoy fue fueron ha han has hasta hay he hemos la las le les lo los más me mi mis mucho muy nada ni no nos nosotros o os otra otro para pero poco por
    porque pues que qué quien se sea ser si sí siempre sin sobre son soy su sus también tan te tenemos tener tengo ti tiene tienen todo todos tu tú tus
    un una uno unos usted va vamos van vez y ya yo eh este o sea bueno entonces cosa cosas decir dice hacer`,
  fr: `a à ai aie aient ait alors as au aucun aussi autre aux avait avant avec avez avoir avons bon car ce ceci cela celle celui ces cet cette chaque
    ci comme comment dans de des donc dont du elle elles en encore est et étaient était été être eu fait faire il ils j je juste l la le les leur leurs
    lui m ma mais me même mes moi mon n ne ni nos notre nous on ont ou où par parce pas peu peut plus pour pourquoi quand que quel quelle qui s sa sans
    se ses si son sont sur t ta te tes toi ton tous tout toute très tu un une vers voilà vos votre vous y euh ben bah coup truc trucs chose choses dire`,
  de: `aber alle allem allen aller alles als also am an ander andere auch auf aus bei bin bis bist da damit dann das dass dein deine dem den denn der
    des dich die dies diese diesem diesen dieser dieses dir doch dort du durch ein eine einem einen einer eines er es etwas euch euer für gegen gewesen
    hab habe haben hat hatte hier hin hinter ich ihm ihn ihnen ihr ihre im in ist ja jede jedem jeden jeder jedes jetzt kann kein keine können man manche
    mein meine mich mir mit muss nach nicht nichts noch nun nur ob oder ohne schon sehr sein seine sich sie sind so solche soll sondern sonst über um und
    uns unser unter viel vom von vor war waren warum was weg weil weiter welche wenn wer werde werden wie wieder will wir wird wo wollen zu zum zur
    äh ähm halt eben mal eigentlich sagen ding dinge`,
};

const stopCache = new Map<string, Set<string>>();

/** Stop words of a language (empty for unknown languages: every word then counts). */
export function stopWords(language: string): Set<string> {
  const key = primary(language);
  let set = stopCache.get(key);
  if (!set) {
    set = new Set((STOP[key] ?? '').split(/\s+/).filter(Boolean));
    stopCache.set(key, set);
  }
  return set;
}

/** `word:valence` pairs, separated by spaces. */
const EMOTION: Record<string, string> = {
  en: `amazing:4 awesome:4 incredible:4 love:3 loved:3 hate:-3 hated:-3 terrible:-3 horrible:-3 awful:-3 wonderful:4 fantastic:4 brilliant:4
    excited:3 exciting:3 angry:-3 furious:-4 afraid:-2 scared:-2 fear:-2 happy:3 sad:-2 shocked:-2 disaster:-2 failure:-2 failed:-2 win:4 won:3
    success:2 beautiful:3 ugly:-3 crazy:-2 insane:-2 stupid:-2 perfect:3 worst:-3 best:3 great:3 bad:-3 painful:-2 pain:-2 dead:-3 died:-3 killed:-3
    broke:-1 broken:-1 lost:-3 joy:3 proud:2 shame:-2 wow:4 damn:-2 hell:-4 surprised:2 shocking:-2 devastating:-2 thrilled:5 nightmare:-3 dream:1`,
  es: `increíble:4 genial:3 maravilloso:4 fantástico:4 amor:3 encanta:3 odio:-3 terrible:-3 horrible:-3 horror:-3 emocionante:3 emocionado:3
    enfadado:-3 furioso:-4 miedo:-2 asustado:-2 feliz:3 triste:-2 alegría:3 desastre:-3 fracaso:-2 fracasé:-2 éxito:2 ganar:3 ganamos:3 hermoso:3
    precioso:3 feo:-3 loco:-2 locura:-2 estúpido:-2 perfecto:3 peor:-3 mejor:2 malo:-3 dolor:-2 muerto:-3 murió:-3 perdido:-3 perdimos:-3 orgullo:2
    vergüenza:-2 guau:4 sorprendente:2 sorpresa:2 pesadilla:-3 sueño:1 brutal:3 impresionante:4 espantoso:-3`,
  fr: `incroyable:4 génial:3 merveilleux:4 fantastique:4 amour:3 adore:3 déteste:-3 haine:-3 terrible:-3 horrible:-3 horreur:-3 excitant:3 content:2
    fâché:-3 furieux:-4 peur:-2 effrayé:-2 heureux:3 triste:-2 joie:3 désastre:-3 catastrophe:-3 échec:-2 raté:-2 succès:2 gagner:3 gagné:3 beau:3
    magnifique:4 moche:-3 fou:-2 folie:-2 stupide:-2 parfait:3 pire:-3 meilleur:2 mauvais:-3 douleur:-2 mort:-3 mourir:-3 perdu:-3 fier:2 honte:-2
    waouh:4 surprenant:2 surprise:2 cauchemar:-3 rêve:1 dingue:3 impressionnant:4 affreux:-3 nul:-2`,
  de: `unglaublich:4 genial:3 wunderbar:4 fantastisch:4 liebe:3 lieben:3 hasse:-3 hass:-3 schrecklich:-3 furchtbar:-3 horror:-3 spannend:3 aufgeregt:3
    wütend:-3 angst:-2 glücklich:3 traurig:-2 freude:3 katastrophe:-3 desaster:-3 scheitern:-2 gescheitert:-2 erfolg:2 gewinnen:3 gewonnen:3 schön:3
    hässlich:-3 verrückt:-2 wahnsinn:3 dumm:-2 perfekt:3 schlimmste:-3 beste:3 schlecht:-3 schmerz:-2 tot:-3 gestorben:-3 verloren:-3 stolz:2
    scham:-2 wow:4 überraschend:2 überraschung:2 albtraum:-3 traum:1 krass:3 beeindruckend:4 mist:-2 toll:3`,
};

const INTENSIFIERS: Record<string, string> = {
  en: 'very really so incredibly extremely absolutely totally completely super truly',
  es: 'muy realmente increíblemente totalmente completamente súper tan',
  fr: 'très vraiment tellement absolument totalement complètement super si',
  de: 'sehr wirklich total extrem absolut völlig komplett super so echt',
};

export interface EmotionLexicon {
  /** Valence of a token, or undefined. */
  valence(token: string): number | undefined;
  /** True for "very", "really"… (the next emotional word counts 1.5×). */
  intensifier(token: string): boolean;
  /** Where the English list came from (for the report): `afinn-165` or `built-in`. */
  source: string;
}

const lexCache = new Map<string, EmotionLexicon>();

/** The emotion lexicon of a language; an empty one for languages without a list. */
export function emotionLexicon(language: string): EmotionLexicon {
  const key = primary(language);
  const cached = lexCache.get(key);
  if (cached) return cached;
  const byStem = new Map<string, number>();
  for (const pair of (EMOTION[key] ?? '').split(/\s+/).filter(Boolean)) {
    const [w, v] = pair.split(':');
    if (w && v) byStem.set(stem(w, key), Number(v));
  }
  const exact = key === 'en' ? loadAfinn() : undefined;
  const intens = new Set((INTENSIFIERS[key] ?? '').split(/\s+/).filter(Boolean));
  const lex: EmotionLexicon = {
    valence: (token) => exact?.[token] ?? byStem.get(stem(token, key)),
    intensifier: (token) => intens.has(token),
    source: exact ? 'afinn-165' : 'built-in',
  };
  lexCache.set(key, lex);
  return lex;
}

let afinn: Record<string, number> | null | undefined;

/** AFINN-165 from the `sentiment` package, when installed (its word list only; we score ourselves). */
function loadAfinn(): Record<string, number> | undefined {
  if (afinn === undefined) {
    try {
      const labels: unknown = createRequire(import.meta.url)('sentiment/languages/en/labels.json');
      afinn = labels && typeof labels === 'object' ? Object.assign(Object.create(null) as Record<string, number>, labels) : null;
    } catch {
      afinn = null;
    }
  }
  return afinn ?? undefined;
}

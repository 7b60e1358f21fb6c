/**
 * Stop words for keyword extraction: function words, auxiliaries and the vague verbs, adverbs
 * and quantifiers that never make a keyword on their own ("also", "several", "however"). They
 * end candidate phrases, as in RAKE. Lower case; written for this plugin (Snowball-style lists
 * extended with the filler words of reports and articles).
 */

const EN = `
a about above across actually after afterwards again against ago all almost alone along already also although always am among amongst an and
another any anybody anyhow anyone anything anyway anywhere are aren't around as at away back be became because become becomes becoming been before
beforehand behind being below beside besides best better between beyond both but by can can't cannot could couldn't did didn't do does doesn't
doing don't done down due during each eg e.g either else elsewhere enough especially etc even ever every everybody everyone everything everywhere
except far few fewer first for former formerly from further furthermore get gets getting given gives go goes going gone got greater had hadn't
has hasn't have haven't having he he'd he'll he's hence her here here's hereby herein hers herself him himself his how how's however i i'd i'll
i'm i've ie i.e if in inc indeed instead into is isn't it it's its itself just keep kept last later latter least less let let's like likely made
mainly make makes making many may maybe me meanwhile might mine more moreover most mostly much must mustn't my myself namely near nearly need
needs neither never nevertheless new next no nobody none nor not nothing now nowhere of off often on once one ones only onto or other others
otherwise ought our ours ourselves out over overall own per perhaps please put quite rather really regarding same several shall shan't she she'd
she'll she's should shouldn't since so some somebody somehow someone something sometimes somewhat somewhere still such take taken than that that's
the their theirs them themselves then thence there there's thereafter thereby therefore therein these they they'd they'll they're they've third
this those though through throughout thus to together too toward towards two under unless until up upon us use used uses using usually very via
was wasn't we we'd we'll we're we've well were weren't what what's whatever when when's whence whenever where where's whereas whereby wherein
whether which while whither who who's whoever whole whom whose why why's will with within without won't would wouldn't yet you you'd you'll
you're you've your yours yourself yourselves able across already around based include includes including particular particularly specific
various whilst within mr mrs ms dr dear thank thanks regards sincerely yours
three four five six seven eight nine ten twenty hundred thousand million millions billion billions half
`;

const ES = `
a al algo algún alguna algunas alguno algunos allí ambos ante antes aquel aquella aquellas aquello aquellos aquí así aun aún aunque bajo bastante
bien cada casi cierta ciertas cierto ciertos como cómo con contra cual cuál cuales cuáles cualquier cuando cuándo cuanto cuánto cuantos cuántos de
debe deben debido del desde donde dónde dos durante e el él ella ellas ello ellos en encima entre era eran eras eres es esa esas ese eso esos esta
está estaba estaban estado estamos están estar estas este esto estos estoy fue fueron fui ha habéis haber había habían han has hasta hay haya he
hemos hoy incluso la las le les lo los mas más me mediante menos mi mí mientras mis misma mismas mismo mismos mucha muchas mucho muchos muy nada
ni ningún ninguna ninguno no nos nosotras nosotros nuestra nuestras nuestro nuestros nunca o os otra otras otro otros para pero poco pocos por
porque puede pueden pues que qué quien quién quienes se sea sean según ser será serán si sí siempre sido sin sino sobre sois solo sólo somos son
soy su sus suya suyas suyo suyos también tan tanto te tenemos tener tengo ti tiene tienen toda todas todavía todo todos tras tu tú tus tuya tuyo
u un una unas uno unos usted ustedes va vamos van varias varios vez vosotras vosotros vuestra vuestro y ya yo cada cual dicho dicha hace hacen
hacer parte tal tales uno ser sido siendo además ahora así cómo dentro fuera luego mientras tampoco través vía apenas gran grandes
mayor menor mejor peor nuevo nueva nuevos nuevas primer primera primero primeros último última últimos últimas sr sra don doña
tres cuatro cinco seis siete ocho nueve diez veinte cien mil millón millones mitad
`;

const FR = `
à a afin ai aie aient ainsi alors après as assez au aucun aucune aujourd'hui auquel aura aurai auraient aurait aussi autre autres aux auxquelles
auxquels avaient avais avait avant avec avez avoir avons beaucoup bien c c' ça car ce cela celle celles celui cependant certain certaine certaines
certains ces cet cette ceux chaque chez ci comme comment d d' dans de depuis des dès desquelles desquels deux devant doit donc dont du duquel
elle elles en encore entre es est et était étaient étais été être eu eux fait faire fois font fut grâce hors il ils j j' je jusqu jusqu'à l l'
la là laquelle le lequel les lesquelles lesquels leur leurs lors lorsque lui m m' ma mais me même mêmes mes moi moins mon n n' ne ni non nos notre
nous on ont ou où par parce parmi pas peu peut peuvent plus plusieurs pour pourquoi pourtant près puis qu qu' quand que quel quelle quelles quels
qui quoi s s' sa sans se selon ses si sien soit sommes son sont sous souvent suis sur t t' ta tant te tel telle tels tes toi ton toujours tous
tout toute toutes très tu un une vers via voici voilà vos votre vous y c'est d'un d'une l'on qu'il qu'elle n'est s'il grand grande grands grandes nouveau
nouvelle nouveaux nouvelles premier première premiers dernier dernière derniers m mme mlle
trois quatre cinq sept huit neuf dix vingt cent mille million millions milliard milliards moitié
`;

const DE = `
ab aber alle allem allen aller alles als also am an andere anderen anderer anderes auch auf aus bei beide beiden beim bereits bin bis bist bzw
da dabei dadurch dafür damit dann dar daran darauf darin darum das dass daß davon dazu dem den denen denn der deren derer des deshalb dessen die
dies diese diesem diesen dieser dieses doch dort du durch eben ein eine einem einen einer eines einige einigen einiger einiges er es etwa etwas
euch euer eure für gegen gewesen hab habe haben hat hatte hätte hatten hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im immer
in indem ins ist ja je jede jedem jeden jeder jedes jedoch jene jenem jenen jener jenes kann kein keine keinem keinen keiner können könnte man
manche mehr mein meine meist mich mir mit muss müssen nach nicht nichts noch nun nur ob oder ohne schon sehr sei seid sein seine seinem seinen
seiner seit selbst sich sie sind so solche soll sollen sollte sondern sowie über um und uns unser unsere unter viel viele vom von vor während
war waren warum was weil welche welchem welchen welcher welches wenn wer werde werden wie wieder will wir wird wo wurde wurden würde z zu zum zur
zwar zwei zwischen sowohl ebenso daher somit ca usw neue neuen neuer neues große großen großer erste ersten erster letzte
letzten herr frau
drei vier fünf sechs sieben acht neun zehn zwanzig hundert tausend million millionen milliarde milliarden hälfte
`;

const LISTS: Record<string, string> = { en: EN, es: ES, fr: FR, de: DE };
const cache = new Map<string, ReadonlySet<string>>();

/** The stop words of a language, or undefined when keywords are not supported for it. */
export function stopWords(lang: string): ReadonlySet<string> | undefined {
  const list = LISTS[lang];
  if (list === undefined) return undefined;
  let set = cache.get(lang);
  if (!set) {
    set = new Set(list.split(/\s+/).filter(Boolean));
    cache.set(lang, set);
  }
  return set;
}

/** Languages with a stop-word list. */
export const KEYWORD_LANGUAGES = Object.keys(LISTS);

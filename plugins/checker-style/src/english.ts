/**
 * The English word lists behind the built-in rules. Curated to be short and actionable: each
 * entry is something an editor would change in professional prose, and `fix` is set only where
 * the replacement reads correctly in every context the phrase can appear in.
 */

/** A wordy phrase and its concise form. `fix: false` when the replacement depends on context. */
export interface WordyPhrase {
  phrase: string;
  use: string;
  fix: boolean;
}

export const WORDY: readonly WordyPhrase[] = [
  { phrase: 'in order to', use: 'to', fix: true },
  { phrase: 'in order for', use: 'for', fix: true },
  { phrase: 'so as to', use: 'to', fix: true },
  { phrase: 'due to the fact that', use: 'because', fix: true },
  { phrase: 'owing to the fact that', use: 'because', fix: true },
  { phrase: 'in light of the fact that', use: 'because', fix: true },
  { phrase: 'on the grounds that', use: 'because', fix: true },
  { phrase: 'in spite of the fact that', use: 'although', fix: true },
  { phrase: 'despite the fact that', use: 'although', fix: true },
  { phrase: 'given the fact that', use: 'given that', fix: true },
  { phrase: 'at this point in time', use: 'now', fix: true },
  { phrase: 'at the present time', use: 'now', fix: true },
  { phrase: 'at this moment in time', use: 'now', fix: true },
  { phrase: 'in the near future', use: 'soon', fix: true },
  { phrase: 'at an early date', use: 'soon', fix: true },
  { phrase: 'until such time as', use: 'until', fix: true },
  { phrase: 'in the event that', use: 'if', fix: true },
  { phrase: 'in the absence of', use: 'without', fix: true },
  { phrase: 'in close proximity to', use: 'near', fix: true },
  { phrase: 'in the vicinity of', use: 'near (or about, for numbers)', fix: false },
  { phrase: 'prior to', use: 'before', fix: true },
  { phrase: 'subsequent to', use: 'after', fix: true },
  { phrase: 'in the course of', use: 'during', fix: true },
  { phrase: 'for the purpose of', use: 'for', fix: true },
  { phrase: 'with the exception of', use: 'except', fix: true },
  { phrase: 'in excess of', use: 'more than', fix: true },
  { phrase: 'a sufficient number of', use: 'enough', fix: true },
  { phrase: 'a large number of', use: 'many', fix: true },
  { phrase: 'the majority of', use: 'most (of)', fix: false },
  { phrase: 'in the majority of cases', use: 'usually', fix: true },
  { phrase: 'with regard to', use: 'regarding', fix: true },
  { phrase: 'in regard to', use: 'regarding', fix: true },
  { phrase: 'with reference to', use: 'about', fix: false },
  { phrase: 'as to whether', use: 'whether', fix: true },
  { phrase: 'by means of', use: 'by', fix: true },
  { phrase: 'in a timely manner', use: 'promptly', fix: true },
  { phrase: 'on a daily basis', use: 'daily', fix: true },
  { phrase: 'on a regular basis', use: 'regularly', fix: true },
  { phrase: 'at all times', use: 'always', fix: true },
  { phrase: 'each and every', use: 'every', fix: true },
  { phrase: 'first and foremost', use: 'first', fix: true },
  { phrase: 'has the ability to', use: 'can', fix: true },
  { phrase: 'have the ability to', use: 'can', fix: false },
  { phrase: 'is able to', use: 'can', fix: true },
  { phrase: 'are able to', use: 'can', fix: true },
  { phrase: 'has a tendency to', use: 'tends to', fix: true },
  { phrase: 'take into consideration', use: 'consider', fix: true },
  { phrase: 'give consideration to', use: 'consider', fix: true },
  { phrase: 'make a decision', use: 'decide', fix: true },
  { phrase: 'is indicative of', use: 'indicates', fix: true },
  { phrase: 'it is important to note that', use: 'rewrite without it, or "note that"', fix: false },
  { phrase: 'it should be noted that', use: 'rewrite without it, or "note that"', fix: false },
  { phrase: 'needless to say', use: 'say it, or leave it out', fix: false },
  { phrase: 'end result', use: 'result', fix: true },
  { phrase: 'past history', use: 'history', fix: true },
  { phrase: 'future plans', use: 'plans', fix: true },
  { phrase: 'advance planning', use: 'planning', fix: true },
  { phrase: 'basic fundamentals', use: 'fundamentals', fix: true },
  { phrase: 'absolutely essential', use: 'essential', fix: true },
  { phrase: 'combine together', use: 'combine', fix: true },
  { phrase: 'revert back', use: 'revert', fix: true },
  { phrase: 'utilize', use: 'use', fix: true },
  { phrase: 'utilizes', use: 'uses', fix: true },
  { phrase: 'utilized', use: 'used', fix: true },
  { phrase: 'utilizing', use: 'using', fix: true },
  { phrase: 'utilise', use: 'use', fix: true },
  { phrase: 'utilises', use: 'uses', fix: true },
  { phrase: 'utilised', use: 'used', fix: true },
  { phrase: 'utilising', use: 'using', fix: true },
];

/** Irregular past participles of transitive verbs (the passive needs an object to promote). */
export const IRREGULAR_PARTICIPLES: ReadonlySet<string> = new Set(
  (
    'arisen awoken beaten become begun bent bet bid bitten bled blown borne bound bred brought broken built burnt bought cast caught chosen ' +
    'cut dealt done drawn driven drunk dug eaten fed felt fought forbidden forecast forgiven forgotten forsaken found frozen given ' +
    'ground grown held hidden hit hung heard hurt kept knelt known laid lain leant learnt left lent let lit lost made meant met mislaid ' +
    'misled mistaken misunderstood outdone overcome overdone overheard overrun overseen overtaken overthrown paid proven put quit read ' +
    'rebuilt redone remade repaid reset rewritten rid ridden rung run said seen sent set sewn shaken shed shod shorn shot shown shrunk shut ' +
    'slain slung sold sought sown spat spent spilt split spoken spread sprung stolen struck strung stuck stung sunk swept sworn swollen ' +
    'swung taken taught thought thrown thrust told torn trodden undergone understood undertaken undone upheld upset woken won withdrawn ' +
    'withheld withstood worn wound woven written'
  ).split(' '),
);

/** Words ending in -ed that are adjectives (or not verbs at all) after a form of "be". */
export const NOT_PASSIVE: ReadonlySet<string> = new Set(
  (
    'aged alleged beloved bed bored complicated concerned crowded dedicated detailed ' +
    'embed exceed excited experienced feed hundred indeed interested married naked need ' +
    'pleased proceed qualified red rugged sacred scared seed skilled sophisticated speed ' +
    'succeed supposed surprised talented tired wed wicked worried'
  ).split(' '),
);

export const BE_VERBS = 'am|is|are|was|were|be|been|being';

/** Legitimate doubled words ("had had", "that that"), by language. */
export const REPEAT_ALLOWED: Readonly<Record<string, ReadonlySet<string>>> = {
  en: new Set(['had', 'that', 'do', 'bye', 'no', 'so', 'ha', 'knock', 'tut', 'chop', 'blah', 'ho', 'hip', 'la', 'yeah']),
  fr: new Set(['nous', 'vous', 'le', 'la', 'les']),
  de: new Set(['der', 'die', 'das', 'den', 'dem', 'des', 'sie']),
  nl: new Set(['die', 'dat']),
};

/** Contractions and their formal forms; `fix: false` where the expansion is ambiguous ("it's" = it is / it has). */
export const CONTRACTIONS: Readonly<Record<string, { use: string; fix: boolean }>> = {
  "don't": { use: 'do not', fix: true },
  "doesn't": { use: 'does not', fix: true },
  "didn't": { use: 'did not', fix: true },
  "can't": { use: 'cannot', fix: true },
  "won't": { use: 'will not', fix: true },
  "wouldn't": { use: 'would not', fix: true },
  "shouldn't": { use: 'should not', fix: true },
  "couldn't": { use: 'could not', fix: true },
  "mustn't": { use: 'must not', fix: true },
  "isn't": { use: 'is not', fix: true },
  "aren't": { use: 'are not', fix: true },
  "wasn't": { use: 'was not', fix: true },
  "weren't": { use: 'were not', fix: true },
  "haven't": { use: 'have not', fix: true },
  "hasn't": { use: 'has not', fix: true },
  "hadn't": { use: 'had not', fix: true },
  "i'm": { use: 'I am', fix: true },
  "you're": { use: 'you are', fix: true },
  "we're": { use: 'we are', fix: true },
  "they're": { use: 'they are', fix: true },
  "i've": { use: 'I have', fix: true },
  "you've": { use: 'you have', fix: true },
  "we've": { use: 'we have', fix: true },
  "they've": { use: 'they have', fix: true },
  "i'll": { use: 'I will', fix: true },
  "you'll": { use: 'you will', fix: true },
  "we'll": { use: 'we will', fix: true },
  "they'll": { use: 'they will', fix: true },
  "it'll": { use: 'it will', fix: true },
  "let's": { use: 'let us', fix: true },
  "it's": { use: 'it is (or it has)', fix: false },
  "that's": { use: 'that is (or that has)', fix: false },
  "there's": { use: 'there is (or there has)', fix: false },
  "he's": { use: 'he is (or he has)', fix: false },
  "she's": { use: 'she is (or she has)', fix: false },
  "what's": { use: 'what is (or what has)', fix: false },
  "i'd": { use: 'I would (or I had)', fix: false },
  "we'd": { use: 'we would (or we had)', fix: false },
  "they'd": { use: 'they would (or they had)', fix: false },
  "you'd": { use: 'you would (or you had)', fix: false },
};

export const INTENSIFIERS: readonly string[] = [
  'very',
  'really',
  'extremely',
  'incredibly',
  'totally',
  'absolutely',
  'truly',
  'highly',
  'literally',
  'basically',
  'actually',
  'completely',
  'utterly',
  'hugely',
  'terribly',
  'awfully',
  'super',
  'quite',
];

/** Gendered or ableist terms with neutral alternatives. */
export const EQUALITY: Readonly<Record<string, string>> = {
  chairman: 'chair, chairperson',
  chairmen: 'chairs',
  businessman: 'businessperson, executive',
  businessmen: 'businesspeople, executives',
  spokesman: 'spokesperson',
  spokesmen: 'spokespeople',
  salesman: 'salesperson',
  salesmen: 'salespeople',
  policeman: 'police officer',
  policemen: 'police officers',
  fireman: 'firefighter',
  firemen: 'firefighters',
  foreman: 'supervisor',
  workmen: 'workers',
  manpower: 'workforce, staff',
  mankind: 'humankind, people',
  'man-hours': 'person-hours, work hours',
  'man-made': 'artificial, synthetic',
  manned: 'staffed, crewed',
  'the common man': 'ordinary people',
  whitelist: 'allowlist',
  blacklist: 'denylist, blocklist',
  'sanity check': 'quick check, confidence check',
  crippled: 'impaired, hampered',
  crippling: 'severe, debilitating',
  lame: 'weak, unconvincing',
  insane: 'extreme, surprising',
  crazy: 'surprising, unexpected',
  dumb: 'foolish, silent',
  'tone-deaf': 'insensitive',
  'blind spot': 'gap, oversight',
};

export const PROFANITY: readonly string[] = [
  'damn',
  'damned',
  'shit',
  'shitty',
  'bullshit',
  'crap',
  'crappy',
  'fuck',
  'fucking',
  'fucked',
  'piss',
  'pissed',
  'arse',
  'ass',
  'bastard',
];

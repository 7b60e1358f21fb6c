/**
 * Synthetic English prose for the generated tests: a seeded PRNG, a vocabulary of common English
 * words drawn with Zipf-like frequencies (function words often, content words rarely, so chance
 * 5-word matches between unrelated texts happen, as in real prose), sentences and paragraphs.
 */

/** mulberry32: a small, fast, seeded PRNG (0 ≤ x < 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Most frequent first.
export const VOCABULARY = `the of and to a in is that for it as was with be by on not he this are or his from at which but have an they you were
her she there one all we their can has more been if would its will when who so no them other what some may into only out these time up
two do could like than then first any my new also made our over such very after most years many where through should those people
well between must because work each before way even used much own great state life three world both under same water still long
year part day while last high system number might around however small public take every against though never city school group
later since place case fact point government problem another house country without end less during program level home market
power form order company child question thought family different social service business report land local plan study result
area increase policy energy change water value support control practice process research design product project development
information community education health period amount effect rate price field model practice source measure figure method
position analysis section figure test team member office centre range record history experience knowledge evidence paper
simple clear strong early recent large major common general special similar natural national current available possible
important significant particular economic physical financial environmental technical critical careful useful regular
build produce provide reduce improve require suggest describe include consider continue develop create remain follow
allow expect increase explain measure compare observe report record prepare present protect replace return review select
storage battery network signal station vehicle engine sensor circuit panel module material surface pressure temperature
forest river mountain valley island harbour garden bridge village market street window garden kitchen library museum
morning evening summer winter season weather cloud rain wind light shadow colour sound voice music story letter message
manager engineer teacher student doctor farmer artist writer reader worker customer partner neighbour visitor author
quickly slowly nearly rarely often always usually sometimes together already almost perhaps indeed finally clearly
budget contract schedule meeting agreement decision strategy framework standard quality capacity efficiency demand supply`
  .split(/\s+/)
  .filter((w, i, all) => w !== '' && all.indexOf(w) === i);

export class Prose {
  readonly #next: () => number;
  readonly #cumulative: Float64Array;

  constructor(seed: number) {
    this.#next = rng(seed);
    this.#cumulative = new Float64Array(VOCABULARY.length);
    let sum = 0;
    for (let i = 0; i < VOCABULARY.length; i++) {
      sum += 1 / (i + 8);
      this.#cumulative[i] = sum;
    }
    for (let i = 0; i < VOCABULARY.length; i++) this.#cumulative[i] = (this.#cumulative[i] as number) / sum;
  }

  random(): number {
    return this.#next();
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.#next() * (max - min + 1));
  }

  word(): string {
    const x = this.#next();
    let lo = 0;
    let hi = VOCABULARY.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.#cumulative[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return VOCABULARY[lo] as string;
  }

  sentence(): string {
    const n = this.int(6, 22);
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      let w = this.word();
      if (i === 0) w = w[0]?.toUpperCase() + w.slice(1);
      if (i > 1 && i < n - 2 && this.#next() < 0.07) w += ',';
      out.push(w);
    }
    return `${out.join(' ')}${this.#next() < 0.05 ? '?' : '.'}`;
  }

  paragraph(): string {
    const n = this.int(3, 7);
    return Array.from({ length: n }, () => this.sentence()).join(' ');
  }

  /** Markdown prose of at least `words` words: a title and paragraphs. */
  document(words: number): string {
    const parts = [`# ${this.sentence().replace(/[.?]$/, '')}`];
    let count = 0;
    while (count < words) {
      const p = this.paragraph();
      count += p.split(' ').length;
      parts.push(p);
    }
    return `${parts.join('\n\n')}\n`;
  }

  /** Plain words (no punctuation, lower case). */
  words(n: number): string[] {
    return Array.from({ length: n }, () => this.word());
  }
}

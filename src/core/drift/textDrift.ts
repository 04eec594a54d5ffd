// What changed in a text column beyond its word shares: word, bigram and trigram frequencies side by
// side with a Jensen–Shannon distance per n-gram order, the share of current words the reference
// never used (out of vocabulary), and the distribution of text lengths. Aggregates only: the top
// n-grams and histogram shares, never the texts.
import type { Column } from './read/table';
import { histogramCounts, sturgesEdges } from './stats/binning';
import { jensenShannon } from './stats/distances';

/** n-grams listed per order. */
export const TOP_NGRAMS = 10;
/** Evidently's Jensen–Shannon threshold, applied to each n-gram order. */
export const NGRAM_THRESHOLD = 0.1;

export interface NgramShare {
  gram: string;
  /** Share of the side's n-grams of this order. */
  reference: number;
  current: number;
}

export interface NgramDrift {
  n: 1 | 2 | 3;
  /** Jensen–Shannon distance (natural log, as scipy's jensenshannon) between the two sides' n-gram shares. */
  divergence: number;
  threshold: number;
  drifted: boolean;
  /** Distinct n-grams on each side. */
  distinct: { reference: number; current: number };
  /** n-grams counted on each side. */
  total: { reference: number; current: number };
  top: NgramShare[];
}

export interface TextDrift {
  ngrams: NgramDrift[];
  /** Share of the current file's words (occurrences) that never occur in the reference. */
  outOfVocabulary: { share: number; words: number };
  /** Text lengths in characters (Unicode code points), as shares over shared bins. */
  lengths: { edges: number[]; reference: number[]; current: number[]; mean: { reference: number; current: number } };
}

const WORD = /[\p{L}\p{N}']+/gu;

/** A text's lower-cased words: runs of letters, digits and apostrophes. */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

function codePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

/**
 * Dense ids for pairs of ids, in an open-addressing table on typed arrays: a Map keyed by a·2²⁶+b
 * hashes heap numbers, and millions of bigrams made that the cost of a text column.
 */
class PairIds {
  /** parts[2·id], parts[2·id + 1]: the pair an id stands for. */
  parts = new Int32Array(2 * 1024);
  size = 0;
  private slots = new Int32Array(2048).fill(-1);

  id(a: number, b: number): number {
    const mask = this.slots.length - 1;
    for (let slot = PairIds.hash(a, b) & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot];
      if (id < 0) return this.add(slot, a, b);
      if (this.parts[2 * id] === a && this.parts[2 * id + 1] === b) return id;
    }
  }

  private add(slot: number, a: number, b: number): number {
    const id = this.size++;
    if (2 * this.size > this.parts.length) {
      const parts = new Int32Array(2 * this.parts.length);
      parts.set(this.parts);
      this.parts = parts;
    }
    this.parts[2 * id] = a;
    this.parts[2 * id + 1] = b;
    this.slots[slot] = id;
    // At most half full, so probes stay short.
    if (2 * this.size > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    this.slots = new Int32Array(2 * this.slots.length).fill(-1);
    const mask = this.slots.length - 1;
    for (let id = 0; id < this.size; id++) {
      let slot = PairIds.hash(this.parts[2 * id], this.parts[2 * id + 1]) & mask;
      while (this.slots[slot] >= 0) slot = (slot + 1) & mask;
      this.slots[slot] = id;
    }
  }

  private static hash(a: number, b: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 0;
  }
}

/**
 * Both sides' n-grams as dense ids shared by the two sides: words interned once, a bigram the id
 * of its two word ids, a trigram of its bigram's id and its last word's id. Numeric keys keep the
 * counting of millions of n-grams off string building and hashing; strings are made for the top
 * n-grams only.
 */
class NgramIndex {
  readonly words: string[] = [];
  private readonly wordIds = new Map<string, number>();
  readonly bigrams = new PairIds();
  readonly trigrams = new PairIds();

  word(w: string): number {
    let id = this.wordIds.get(w);
    if (id === undefined) {
      id = this.words.length;
      this.words.push(w);
      this.wordIds.set(w, id);
    }
    return id;
  }

  text(n: 1 | 2 | 3, id: number): string {
    if (n === 1) return this.words[id];
    if (n === 2) return `${this.words[this.bigrams.parts[2 * id]]} ${this.words[this.bigrams.parts[2 * id + 1]]}`;
    return `${this.text(2, this.trigrams.parts[2 * id])} ${this.words[this.trigrams.parts[2 * id + 1]]}`;
  }

  size(n: 1 | 2 | 3): number {
    return n === 1 ? this.words.length : (n === 2 ? this.bigrams : this.trigrams).size;
  }
}

interface SideCounts {
  /** Per order, the count of each n-gram id (undefined: 0). */
  counts: [number[], number[], number[]];
  totals: [number, number, number];
  lengths: Float64Array;
}

function texts(column: Column): string[] {
  const out: string[] = [];
  if (column.kind === 'string') {
    for (const v of column.values) if (v !== null) out.push(v);
  } else {
    for (const v of column.values) if (!Number.isNaN(v)) out.push(String(v));
  }
  return out;
}

const bump = (counts: number[], id: number) => {
  counts[id] = (counts[id] ?? 0) + 1;
};

/** n-grams never cross from one text to the next. */
function count(values: string[], index: NgramIndex): SideCounts {
  const counts: SideCounts['counts'] = [[], [], []];
  const totals: SideCounts['totals'] = [0, 0, 0];
  const lengths = new Float64Array(values.length);
  values.forEach((text, row) => {
    lengths[row] = codePoints(text);
    const w = words(text);
    let previous = -1;
    let previousBigram = -1;
    for (let i = 0; i < w.length; i++) {
      const id = index.word(w[i]);
      bump(counts[0], id);
      const bigram = previous >= 0 ? index.bigrams.id(previous, id) : -1;
      if (bigram >= 0) bump(counts[1], bigram);
      if (previousBigram >= 0) bump(counts[2], index.trigrams.id(previousBigram, id));
      previous = id;
      previousBigram = bigram;
    }
    totals[0] += w.length;
    totals[1] += Math.max(0, w.length - 1);
    totals[2] += Math.max(0, w.length - 2);
  });
  return { counts, totals, lengths: lengths.sort() };
}

function compareOrder(n: 1 | 2 | 3, index: NgramIndex, ref: SideCounts, cur: SideCounts): NgramDrift {
  const size = index.size(n);
  const [rc, cc] = [ref.counts[n - 1], cur.counts[n - 1]];
  const [refTotal, curTotal] = [ref.totals[n - 1], cur.totals[n - 1]];
  const p = new Float64Array(size);
  const q = new Float64Array(size);
  let [refDistinct, curDistinct] = [0, 0];
  for (let id = 0; id < size; id++) {
    if (rc[id]) {
      p[id] = rc[id] / refTotal;
      refDistinct++;
    }
    if (cc[id]) {
      q[id] = cc[id] / curTotal;
      curDistinct++;
    }
  }
  // With no n-gram on a side (texts of fewer than n words) there is nothing to compare.
  const divergence = refTotal && curTotal ? jensenShannon(p, q) : NaN;
  // The top n-grams by combined share (ties by text), kept sorted while scanning once.
  const top: number[] = [];
  const before = (a: number, b: number) => p[a] + q[a] > p[b] + q[b] || (p[a] + q[a] === p[b] + q[b] && index.text(n, a) < index.text(n, b));
  for (let id = 0; id < size; id++) {
    if (top.length === TOP_NGRAMS && !before(id, top[top.length - 1])) continue;
    let at = top.length;
    while (at > 0 && before(id, top[at - 1])) at--;
    top.splice(at, 0, id);
    if (top.length > TOP_NGRAMS) top.pop();
  }
  return {
    n,
    divergence,
    threshold: NGRAM_THRESHOLD,
    drifted: divergence >= NGRAM_THRESHOLD,
    distinct: { reference: refDistinct, current: curDistinct },
    total: { reference: refTotal, current: curTotal },
    top: top.map((id) => ({ gram: index.text(n, id), reference: p[id], current: q[id] })),
  };
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length ? sum / values.length : NaN;
}

/** The text details of a column whose present values are texts on both sides. */
export function textDrift(reference: Column, current: Column): TextDrift {
  return analyseText(reference, current).details;
}

export interface WordCounts {
  counts: Map<string, number>;
  /** Texts missing on this side. */
  missing: number;
}

/**
 * The text details, and each side's word counts (what the column's own test compares) from the same
 * single tokenisation of every text: a million texts are split into words once, not twice.
 */
export function analyseText(reference: Column, current: Column): { details: TextDrift; words: { reference: WordCounts; current: WordCounts } } {
  const index = new NgramIndex();
  const [refTexts, curTexts] = [texts(reference), texts(current)];
  const ref = count(refTexts, index);
  const cur = count(curTexts, index);
  const ngrams = ([1, 2, 3] as const).map((n) => compareOrder(n, index, ref, cur));
  let unseen = 0;
  cur.counts[0].forEach((k, id) => {
    if (!ref.counts[0][id]) unseen += k;
  });
  const [r, c] = [ref.lengths, cur.lengths];
  let lengths: TextDrift['lengths'] = { edges: [], reference: [], current: [], mean: { reference: mean(r), current: mean(c) } };
  if (r.length && c.length) {
    const edges = sturgesEdges(Math.min(r[0], c[0]), Math.max(r[r.length - 1], c[c.length - 1]), r.length + c.length);
    lengths = {
      ...lengths,
      edges: Array.from(edges),
      reference: Array.from(histogramCounts(r, edges), (v) => v / r.length),
      current: Array.from(histogramCounts(c, edges), (v) => v / c.length),
    };
  }
  const wordCounts = (side: SideCounts, column: Column, present: number): WordCounts => {
    const counts = new Map<string, number>();
    side.counts[0].forEach((k, id) => {
      if (k) counts.set(index.words[id], k);
    });
    return { counts, missing: column.values.length - present };
  };
  return {
    details: {
      ngrams,
      outOfVocabulary: { share: cur.totals[0] ? unseen / cur.totals[0] : NaN, words: unseen },
      lengths,
    },
    words: { reference: wordCounts(ref, reference, refTexts.length), current: wordCounts(cur, current, curTexts.length) },
  };
}

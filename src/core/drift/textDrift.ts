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

interface SideCounts {
  grams: [Map<string, number>, Map<string, number>, Map<string, number>];
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

/** n-grams never cross from one text to the next. */
function count(values: string[]): SideCounts {
  const grams: SideCounts['grams'] = [new Map(), new Map(), new Map()];
  const totals: SideCounts['totals'] = [0, 0, 0];
  const lengths = new Float64Array(values.length);
  values.forEach((text, row) => {
    lengths[row] = codePoints(text);
    const w = words(text);
    for (let n = 1; n <= 3; n++) {
      const map = grams[n - 1];
      for (let i = 0; i + n <= w.length; i++) {
        const gram = n === 1 ? w[i] : w.slice(i, i + n).join(' ');
        map.set(gram, (map.get(gram) ?? 0) + 1);
        totals[n - 1]++;
      }
    }
  });
  return { grams, totals, lengths: lengths.sort() };
}

function compareOrder(n: 1 | 2 | 3, ref: Map<string, number>, cur: Map<string, number>, refTotal: number, curTotal: number): NgramDrift {
  const keys = [...new Set([...ref.keys(), ...cur.keys()])];
  const share = (map: Map<string, number>, total: number, k: string) => (total ? (map.get(k) ?? 0) / total : 0);
  const p = Float64Array.from(keys, (k) => share(ref, refTotal, k));
  const q = Float64Array.from(keys, (k) => share(cur, curTotal, k));
  // With no n-gram on a side (texts of fewer than n words) there is nothing to compare.
  const divergence = refTotal && curTotal ? jensenShannon(p, q) : NaN;
  const order = keys.map((_, i) => i).sort((a, b) => p[b] + q[b] - (p[a] + q[a]) || (keys[a] < keys[b] ? -1 : 1));
  return {
    n,
    divergence,
    threshold: NGRAM_THRESHOLD,
    drifted: divergence >= NGRAM_THRESHOLD,
    distinct: { reference: ref.size, current: cur.size },
    total: { reference: refTotal, current: curTotal },
    top: order.slice(0, TOP_NGRAMS).map((i) => ({ gram: keys[i], reference: p[i], current: q[i] })),
  };
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length ? sum / values.length : NaN;
}

/** The text details of a column whose present values are texts on both sides. */
export function textDrift(reference: Column, current: Column): TextDrift {
  const ref = count(texts(reference));
  const cur = count(texts(current));
  const ngrams = ([1, 2, 3] as const).map((n) => compareOrder(n, ref.grams[n - 1], cur.grams[n - 1], ref.totals[n - 1], cur.totals[n - 1]));
  let unseen = 0;
  for (const [word, k] of cur.grams[0]) if (!ref.grams[0].has(word)) unseen += k;
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
  return {
    ngrams,
    outOfVocabulary: { share: cur.totals[0] ? unseen / cur.totals[0] : NaN, words: unseen },
    lengths,
  };
}

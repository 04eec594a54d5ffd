// The drift tests a column can be given, under Evidently's names and with Evidently's thresholds and
// decision rules: p-value tests drift when the p-value falls below the threshold (KS at or below),
// distances when the score reaches the threshold.
import { fillZeroShares, histogramCounts, sturgesEdges } from './stats/binning';
import { andersonDarling } from './stats/andersonDarling';
import { cramerVonMises } from './stats/cramerVonMises';
import { energyDistance, hellinger, jensenShannon, klDivergence, psi, std, wasserstein } from './stats/distances';
import { chiSquare, fisherExact, mannWhitneyU, tTest, twoProportionZ } from './stats/hypothesis';
import { ks2samp } from './stats/ks';

export type ColumnType = 'num' | 'cat' | 'text';

/** A column's values on one side, missing values (and ±Inf, as Evidently does) removed. */
export interface Sample {
  /** Sorted ascending, for numeric columns. */
  numbers?: Float64Array;
  /** Value → count; for numbers only when they have at most MAX_COUNTED distinct values. */
  counts?: Map<string, number>;
  distinct: number;
  size: number;
}

export interface TestOutcome {
  statistic: number;
  pValue: number | null;
  score: number;
}

export interface DriftTest {
  name: string;
  label: string;
  kind: 'p-value' | 'distance';
  threshold: number;
  /** Which column types it applies to. */
  types: ColumnType[];
  run(reference: Sample, current: Sample): TestOutcome;
  drifted(score: number, threshold: number): boolean;
}

const pBelow = (score: number, threshold: number) => score < threshold;
const pAtOrBelow = (score: number, threshold: number) => score <= threshold;
const atOrAbove = (score: number, threshold: number) => score >= threshold;

function needNumbers(s: Sample): Float64Array {
  if (!s.numbers) throw new Error('this test needs a numeric column');
  return s.numbers;
}

/** The union of both sides' categories, in first-seen order (reference first). */
function categories(reference: Sample, current: Sample): string[] {
  if (!reference.counts || !current.counts) throw new Error('this test needs a column with few distinct values');
  const keys = new Set(reference.counts.keys());
  for (const k of current.counts.keys()) keys.add(k);
  return [...keys];
}

/** How many distinct values both sides hold together. */
export function unionDistinct(reference: Sample, current: Sample): number {
  if (reference.counts && current.counts) return categories(reference, current).length;
  const [a, b] = [needNumbers(reference), needNumbers(current)];
  let i = 0;
  let j = 0;
  let distinct = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    while (i < a.length && a[i] === v) i++;
    while (j < b.length && b[j] === v) j++;
    distinct++;
  }
  return distinct;
}

/**
 * Evidently's get_binned_data: shares over Sturges bins of both sides for numbers with more than
 * 20 distinct reference values, over categories otherwise; empty shares replaced ("feel zeroes").
 */
export function binnedShares(reference: Sample, current: Sample): { reference: Float64Array; current: Float64Array } {
  let ref: Float64Array;
  let cur: Float64Array;
  if (reference.numbers && current.numbers && reference.distinct > 20) {
    const [r, c] = [reference.numbers, current.numbers];
    const edges = sturgesEdges(Math.min(r[0], c[0]), Math.max(r[r.length - 1], c[c.length - 1]), r.length + c.length);
    ref = histogramCounts(r, edges).map((v) => v / r.length);
    cur = histogramCounts(c, edges).map((v) => v / c.length);
  } else {
    const keys = categories(reference, current);
    ref = Float64Array.from(keys, (k) => (reference.counts!.get(k) ?? 0) / reference.size);
    cur = Float64Array.from(keys, (k) => (current.counts!.get(k) ?? 0) / current.size);
  }
  return { reference: fillZeroShares(ref), current: fillZeroShares(cur) };
}

function binnedDistance(f: (r: Float64Array, c: Float64Array) => number) {
  return (reference: Sample, current: Sample): TestOutcome => {
    const shares = binnedShares(reference, current);
    const d = f(shares.reference, shares.current);
    return { statistic: d, pValue: null, score: d };
  };
}

/** A two-sample test on the numbers of both sides whose p-value is the score (drift below 0.05). */
function numericPValueTest(name: string, label: string,
  test: (reference: Float64Array, current: Float64Array) => { statistic: number; pValue: number }): DriftTest {
  return {
    name, label, kind: 'p-value', threshold: 0.05, types: ['num'], drifted: pBelow,
    run: (r, c) => {
      const t = test(needNumbers(r), needNumbers(c));
      return { statistic: t.statistic, pValue: t.pValue, score: t.pValue };
    },
  };
}

const ALL: DriftTest[] = [
  {
    name: 'ks', label: 'Kolmogorov–Smirnov', kind: 'p-value', threshold: 0.05, types: ['num'], drifted: pAtOrBelow,
    run: (r, c) => {
      const k = ks2samp(needNumbers(r), needNumbers(c));
      return { statistic: k.statistic, pValue: k.pValue, score: k.pValue };
    },
  },
  {
    name: 'chisquare', label: 'chi-square', kind: 'p-value', threshold: 0.05, types: ['cat', 'num'], drifted: pBelow,
    run: (r, c) => {
      const keys = categories(r, c);
      const scale = c.size / r.size;
      const t = chiSquare(keys.map((k) => c.counts!.get(k) ?? 0), keys.map((k) => (r.counts!.get(k) ?? 0) * scale));
      return { statistic: t.statistic, pValue: t.pValue, score: t.pValue };
    },
  },
  {
    name: 'z', label: 'Z-test (two proportions)', kind: 'p-value', threshold: 0.05, types: ['cat', 'num'], drifted: pBelow,
    run: (r, c) => {
      const keys = categories(r, c);
      if (keys.length === 1) return { statistic: 0, pValue: 1, score: 1 };
      const target = [...keys].sort()[0];
      const t = twoProportionZ(r.counts!.get(target) ?? 0, r.size, c.counts!.get(target) ?? 0, c.size);
      return { statistic: t.statistic, pValue: t.pValue, score: t.pValue };
    },
  },
  {
    name: 'fisher_exact', label: "Fisher's exact", kind: 'p-value', threshold: 0.05, types: ['cat', 'num'], drifted: pBelow,
    run: (r, c) => {
      const keys = categories(r, c).sort();
      if (keys.length > 2) throw new Error("Fisher's exact test needs a column with at most two values");
      const [k] = keys;
      const [rk, ck] = [r.counts!.get(k) ?? 0, c.counts!.get(k) ?? 0];
      const t = fisherExact(rk, r.size - rk, ck, c.size - ck);
      return { statistic: t.statistic, pValue: t.pValue, score: t.pValue };
    },
  },
  numericPValueTest('mannw', 'Mann–Whitney U', mannWhitneyU),
  numericPValueTest('anderson', 'Anderson–Darling (k-sample)', andersonDarling),
  numericPValueTest('cramer_von_mises', 'Cramér–von Mises', cramerVonMises),
  numericPValueTest('t_test', "Student's t-test", tTest),
  {
    name: 'wasserstein', label: 'Wasserstein (normed)', kind: 'distance', threshold: 0.1, types: ['num'], drifted: atOrAbove,
    run: (r, c) => {
      const ref = needNumbers(r);
      const d = wasserstein(ref, needNumbers(c)) / Math.max(std(ref), 0.001);
      return { statistic: d, pValue: null, score: d };
    },
  },
  {
    name: 'energy_dist', label: 'energy distance', kind: 'distance', threshold: 0.1, types: ['num'], drifted: atOrAbove,
    run: (r, c) => {
      const d = energyDistance(needNumbers(r), needNumbers(c));
      return { statistic: d, pValue: null, score: d };
    },
  },
  { name: 'jensenshannon', label: 'Jensen–Shannon distance', kind: 'distance', threshold: 0.1, types: ['num', 'cat', 'text'], drifted: atOrAbove, run: binnedDistance(jensenShannon) },
  { name: 'psi', label: 'PSI', kind: 'distance', threshold: 0.1, types: ['num', 'cat', 'text'], drifted: atOrAbove, run: binnedDistance(psi) },
  { name: 'kl_div', label: 'Kullback–Leibler divergence', kind: 'distance', threshold: 0.1, types: ['num', 'cat', 'text'], drifted: atOrAbove, run: binnedDistance(klDivergence) },
  { name: 'hellinger', label: 'Hellinger distance', kind: 'distance', threshold: 0.1, types: ['num', 'cat', 'text'], drifted: atOrAbove, run: binnedDistance(hellinger) },
];

export const DRIFT_TESTS = new Map(ALL.map((t) => [t.name, t]));

/**
 * Evidently's default choice (text: Jensen–Shannon over word frequencies): with at most 1,000 reference values, KS for numbers with more than 5
 * distinct values, otherwise chi-square (Z-test for two values); above 1,000, normed Wasserstein for
 * numbers with more than 5 distinct values, otherwise Jensen–Shannon.
 */
export function defaultTest(type: ColumnType, reference: Sample, current: Sample): DriftTest {
  // Text is compared on its word frequencies, where new words are the rule, not a sign of drift.
  if (type === 'text') return DRIFT_TESTS.get('jensenshannon')!;
  // Only compared with 5 and 2 below: a side with more distinct values settles it without the union.
  const most = Math.max(reference.distinct, current.distinct);
  const distinct = most > 5 ? most : unionDistinct(reference, current);
  if (reference.size <= 1000) {
    if (type === 'num' && distinct > 5) return DRIFT_TESTS.get('ks')!;
    return DRIFT_TESTS.get(distinct > 2 ? 'chisquare' : 'z')!;
  }
  if (type === 'num' && distinct > 5) return DRIFT_TESTS.get('wasserstein')!;
  return DRIFT_TESTS.get('jensenshannon')!;
}

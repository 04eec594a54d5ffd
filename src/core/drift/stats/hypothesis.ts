// Hypothesis tests on counts and ranks, with scipy's statistics and p-values.
import { chi2Sf, CompensatedSum, logGamma, normalCdf, studentTCdf } from './special';

export interface TestResult {
  statistic: number;
  pValue: number;
}

/** scipy.stats.chisquare(observed, expected): Pearson's statistic, k − 1 degrees of freedom. */
export function chiSquare(observed: ArrayLike<number>, expected: ArrayLike<number>): TestResult {
  const s = new CompensatedSum();
  for (let i = 0; i < observed.length; i++) {
    const d = observed[i] - expected[i];
    s.add((d * d) / expected[i]);
  }
  const statistic = s.value;
  return { statistic, pValue: chi2Sf(statistic, observed.length - 1) };
}

/**
 * Two-proportion Z-test of the share of `successes` (Evidently's proportions_diff_z_test):
 * p = 2·(1 − Φ(|z|)) with the pooled proportion.
 */
export function twoProportionZ(successes1: number, n1: number, successes2: number, n2: number): TestResult {
  const p1 = successes1 / n1;
  const p2 = successes2 / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return { statistic: z, pValue: 2 * (1 - normalCdf(Math.abs(z))) };
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/**
 * scipy.stats.fisher_exact([[a, b], [c, d]]), two-sided: the odds ratio and the summed probability
 * of every table with the same margins no more likely than the observed one (relative tolerance 1e-7).
 */
export function fisherExact(a: number, b: number, c: number, d: number): TestResult {
  const oddsRatio = b * c === 0 ? (a * d === 0 ? NaN : Infinity) : (a * d) / (b * c);
  if ((a + b) === 0 || (c + d) === 0 || (a + c) === 0 || (b + d) === 0) return { statistic: NaN, pValue: 1 };
  const n1 = a + b;
  const n2 = c + d;
  const n = a + c;
  const lo = Math.max(0, n - n2);
  const hi = Math.min(n, n1);
  const logTotal = logChoose(n1 + n2, n);
  const pmf = (x: number): number => Math.exp(logChoose(n1, x) + logChoose(n2, n - x) - logTotal);
  const observed = pmf(a);
  const s = new CompensatedSum();
  for (let x = lo; x <= hi; x++) {
    const p = pmf(x);
    if (p <= observed * (1 + 1e-7)) s.add(p);
  }
  return { statistic: oddsRatio, pValue: Math.min(1, s.value) };
}

/** Average ranks (1-based) of the pooled sorted samples, and Σ(t³ − t) over tie groups. */
function rankSum(a: Float64Array, b: Float64Array): { rankSumA: number; tieTerm: number } {
  let i = 0;
  let j = 0;
  let rank = 0;
  let rankSumA = 0;
  let tieTerm = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    let inA = 0;
    let inB = 0;
    while (i < a.length && a[i] === v) {
      i++;
      inA++;
    }
    while (j < b.length && b[j] === v) {
      j++;
      inB++;
    }
    const t = inA + inB;
    const average = rank + (t + 1) / 2;
    rankSumA += inA * average;
    tieTerm += t * t * t - t;
    rank += t;
  }
  return { rankSumA, tieTerm };
}

/**
 * scipy.stats.mannwhitneyu(a, b) two-sided with its 'asymptotic' method (normal approximation with
 * tie correction and continuity correction). Sorted inputs. scipy's 'auto' uses this too whenever
 * either sample has more than 8 values or there are ties.
 */
export function mannWhitneyU(a: Float64Array, b: Float64Array): TestResult {
  const n1 = a.length;
  const n2 = b.length;
  const { rankSumA, tieTerm } = rankSum(a, b);
  const u1 = rankSumA - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const u = Math.max(u1, u2);
  const n = n1 + n2;
  const mu = (n1 * n2) / 2;
  const s = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const z = (u - mu - 0.5) / s;
  const p = 2 * normalCdf(-z);
  return { statistic: u1, pValue: Math.min(Math.max(p, 0), 1) };
}

/** scipy.stats.ttest_ind(a, b) (pooled variance, two-sided). */
export function tTest(a: ArrayLike<number>, b: ArrayLike<number>): TestResult {
  const moments = (x: ArrayLike<number>) => {
    const s = new CompensatedSum();
    for (let i = 0; i < x.length; i++) s.add(x[i]);
    const mean = s.value / x.length;
    const q = new CompensatedSum();
    for (let i = 0; i < x.length; i++) q.add((x[i] - mean) ** 2);
    return { mean, variance: q.value / (x.length - 1), n: x.length };
  };
  const [x, y] = [moments(a), moments(b)];
  const df = x.n + y.n - 2;
  const pooled = ((x.n - 1) * x.variance + (y.n - 1) * y.variance) / df;
  const t = (x.mean - y.mean) / Math.sqrt(pooled * (1 / x.n + 1 / y.n));
  return { statistic: t, pValue: 2 * studentTCdf(df, -Math.abs(t)) };
}

// Two-sample Kolmogorov–Smirnov test, two-sided, with the p-value scipy's ks_2samp(method='auto')
// gives: the exact distribution of the lattice-path count when both samples have at most 10,000
// values (Hodges 1958; the outside probability is computed directly, after Viehmann 2021), the
// one-sample Kolmogorov distribution at n = m·n/(m+n) beyond that (Simard & L'Ecuyer 2011).
import { kolmogorovSf } from './kolmogorov';
import { gcd, roundHalfEven } from './special';

export const KS_MAX_EXACT_N = 10000;

export interface KsResult {
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymptotic';
}

/** The largest |F1 − F2| of the two empirical CDFs; both arrays sorted ascending, NaN-free. */
export function ksStatistic(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let maxUp = -Infinity;
  let maxDown = -Infinity;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
    while (i < n1 && a[i] <= v) i++;
    while (j < n2 && b[j] <= v) j++;
    // Same floating-point operations as cdf1 - cdf2 in scipy, so the maxima agree bit for bit.
    const diff = i / n1 - j / n2;
    if (diff > maxUp) maxUp = diff;
    if (-diff > maxDown) maxDown = -diff;
  }
  const minS = Math.min(Math.max(maxDown, 0), 1);
  return minS > maxUp ? minS : maxUp;
}

/** ks_2samp(a, b): both arrays sorted ascending, NaN-free, non-empty. */
export function ks2samp(a: Float64Array, b: Float64Array): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new Error('ks2samp needs two non-empty samples');
  let d = ksStatistic(a, b);
  if (Math.max(n1, n2) <= KS_MAX_EXACT_N) {
    const exact = attemptExact(n1, n2, d);
    if (exact) return { statistic: exact.d, pValue: clip01(exact.p), method: 'exact' };
    // scipy falls back to the asymptotic distribution, with the rounded statistic.
    d = roundHalfEven(d * (n1 / gcd(n1, n2)) * n2) / ((n1 / gcd(n1, n2)) * n2);
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  return { statistic: d, pValue: clip01(kolmogorovSf(roundHalfEven(en), d)), method: 'asymptotic' };
}

function clip01(p: number): number {
  return Math.min(Math.max(p, 0), 1);
}

/** The exact p-value, or undefined where double precision cannot hold it (scipy then goes asymptotic). */
function attemptExact(n1: number, n2: number, d: number): { d: number; p: number } | undefined {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const dRounded = h / lcm;
  if (h === 0) return { d: dRounded, p: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideInside(n1, n2, g, h);
  if (!(p >= 0 && p <= 1)) return undefined;
  return { d: dRounded, p };
}

/**
 * P(D_{n,n} ≥ h/n) = 2 Σ_k (−1)^(k+1) C(2n, n − kh) / C(2n, n), evaluated Horner-style from the
 * innermost term so that no binomial coefficient is formed and nothing cancels.
 */
export function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let ratio = 1;
    for (let j = 0; j < h; j++) ratio = ((n - k * h - j) * ratio) / (n + k * h + j + 1);
    p = ratio * (1 - p);
  }
  return 2 * p;
}

/**
 * The share of monotone lattice paths from (0,0) to (m,n) that leave the band |x/m − y/n| < h/lcm,
 * by the column recursion on the outside share itself (so no 1 − p cancellation at small p).
 * Only a sliding window of one column is kept.
 */
export function probOutsideInside(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 >= n0 ? [m0, n0] : [n0, m0];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1];
}

// The k-sample Anderson–Darling test for two samples as scipy.stats.anderson_ksamp computes it
// (midrank statistic of Scholz & Stephens 1987, standardised; the p-value interpolated from the
// published critical values by a quadratic fit of log significance, capped to [0.001, 0.25]).
import { CompensatedSum } from './special';

const B0 = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085];
const B1 = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615];
const B2 = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154];
const SIGNIFICANCE = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001];

/** Least-squares parabola through (x, y) (Householder QR on the Vandermonde matrix), highest power first. */
function fitQuadratic(x: number[], y: number[]): [number, number, number] {
  const rows = x.length;
  const A = x.map((v) => [v * v, v, 1]);
  const b = [...y];
  for (let col = 0; col < 3; col++) {
    let norm = 0;
    for (let r = col; r < rows; r++) norm += A[r][col] ** 2;
    norm = Math.sqrt(norm);
    const alpha = A[col][col] > 0 ? -norm : norm;
    const v = A.map((row, r) => (r < col ? 0 : row[col]));
    v[col] -= alpha;
    const vv = v.reduce((s, e) => s + e * e, 0);
    if (vv === 0) continue;
    for (let c = col; c < 3; c++) {
      const dot = v.reduce((s, e, r) => s + e * A[r][c], 0);
      for (let r = col; r < rows; r++) A[r][c] -= (2 * dot * v[r]) / vv;
    }
    const dot = v.reduce((s, e, r) => s + e * b[r], 0);
    for (let r = col; r < rows; r++) b[r] -= (2 * dot * v[r]) / vv;
  }
  const coef = [0, 0, 0];
  for (let r = 2; r >= 0; r--) {
    let s = b[r];
    for (let c = r + 1; c < 3; c++) s -= A[r][c] * coef[c];
    coef[r] = s / A[r][r];
  }
  return [coef[0], coef[1], coef[2]];
}

/** anderson_ksamp([x, y]) for sorted, NaN-free samples: the statistic and its (capped) p-value. */
export function andersonDarling(x: Float64Array, y: Float64Array): { statistic: number; pValue: number } {
  const samples = [x, y];
  const n = [x.length, y.length];
  const N = n[0] + n[1];
  const k = 2;
  // Over the distinct pooled values: lj copies in all, Bj the midrank position, and per sample
  // Mij (values ≤ z_j, half of the ties counted) — all from one merge walk.
  const pos = [0, 0];
  let below = 0;
  const sums = [new CompensatedSum(), new CompensatedSum()];
  let distinct = 0;
  while (pos[0] < n[0] || pos[1] < n[1]) {
    const v = pos[1] >= n[1] || (pos[0] < n[0] && x[pos[0]] <= y[pos[1]]) ? x[pos[0]] : y[pos[1]];
    const f = [0, 0];
    for (let i = 0; i < k; i++) while (pos[i] < n[i] && samples[i][pos[i]] === v) {
      pos[i]++;
      f[i]++;
    }
    const lj = f[0] + f[1];
    const Bj = below + lj / 2;
    for (let i = 0; i < k; i++) {
      const Mij = pos[i] - f[i] / 2;
      sums[i].add(((lj / N) * (N * Mij - Bj * n[i]) ** 2) / (Bj * (N - Bj) - (N * lj) / 4));
    }
    below += lj;
    distinct++;
  }
  if (distinct < 2) throw new Error('the Anderson–Darling test needs more than one distinct value');
  const A2kN = ((sums[0].value / n[0] + sums[1].value / n[1]) * (N - 1)) / N;

  const H = 1 / n[0] + 1 / n[1];
  let hs = 0;
  const g = new CompensatedSum();
  for (let i = N - 1, j = 2; i > 1; i--, j++) {
    hs += 1 / i;
    g.add(hs / j);
  }
  const h = hs + 1;
  const gv = g.value;
  const a = (4 * gv - 6) * (k - 1) + (10 - 6 * gv) * H;
  const b = (2 * gv - 4) * k ** 2 + 8 * h * k + (2 * gv - 14 * h - 4) * H - 8 * h + 4 * gv - 6;
  const c = (6 * h + 2 * gv - 2) * k ** 2 + (4 * h - 4 * gv + 6) * k + (2 * h - 6) * H + 4 * h;
  const d = (2 * h + 6) * k ** 2 - 4 * h * k;
  const sigmaSq = (a * N ** 3 + b * N ** 2 + c * N + d) / ((N - 1) * (N - 2) * (N - 3));
  const m = k - 1;
  const A2 = (A2kN - m) / Math.sqrt(sigmaSq);
  const critical = B0.map((v, i) => v + B1[i] / Math.sqrt(m) + B2[i] / m);
  let p: number;
  if (A2 < Math.min(...critical)) p = Math.max(...SIGNIFICANCE);
  else if (A2 > Math.max(...critical)) p = Math.min(...SIGNIFICANCE);
  else {
    const [c2, c1, c0] = fitQuadratic(critical, SIGNIFICANCE.map(Math.log));
    p = Math.exp((c2 * A2 + c1) * A2 + c0);
  }
  return { statistic: A2, pValue: p };
}

// Two-sample Cramér–von Mises test as scipy.stats.cramervonmises_2samp computes it: the statistic
// from average ranks; the p-value exact (Xiao, Gordon & Yakovlev's lattice-path count) when both
// samples have at most 20 values, else from the limiting distribution (Csörgő & Faraway's series,
// summed until a term falls under 1e-7, as scipy does).
import { logGamma } from './special';

/** K_ν(z) by the trapezoidal rule on ∫₀^∞ e^(−z·cosh t)·cosh(νt) dt (exponentially convergent). */
export function besselK(nu: number, z: number): number {
  if (z <= 0) return Infinity;
  const h = 0.02;
  let total = 0.5 * Math.exp(-z);
  for (let k = 1; ; k++) {
    const t = k * h;
    const term = Math.exp(-z * Math.cosh(t)) * Math.cosh(nu * t);
    total += term;
    if (term < 1e-18 * total || z * Math.cosh(t) > 745) break;
  }
  return total * h;
}

/** The limiting CDF of the Cramér–von Mises statistic. */
export function cvmLimitCdf(x: number): number {
  let total = 0;
  for (let k = 0; ; k++) {
    const u = Math.exp(logGamma(k + 0.5) - logGamma(k + 1)) / (Math.PI ** 1.5 * Math.sqrt(x));
    const y = 4 * k + 1;
    const q = (y * y) / (16 * x);
    const z = u * Math.sqrt(y) * Math.exp(-q) * besselK(0.25, q);
    total += z;
    if (!(Math.abs(z) >= 1e-7)) break;
  }
  return total;
}

/** P(U ≥ s) over all C(m+n, m) orderings: path counts by accumulated Σ(a·v − b·u)² (both sizes ≤ 20). */
function exactPValue(s: number, m: number, n: number): number {
  const gcdOf = (x: number, y: number): number => (y ? gcdOf(y, x % y) : x);
  const lcm = (m * n) / gcdOf(m, n);
  const a = lcm / m;
  const b = lcm / n;
  const mn = m * n;
  const zeta = Math.floor((lcm ** 2 * (m + n) * (6 * s - mn * (4 * mn - 1))) / (6 * mn ** 2));
  let columns: Array<Map<number, number>> = [new Map([[0, 1]]), ...Array.from({ length: m }, () => new Map<number, number>())];
  for (let u = 0; u <= n; u++) {
    const next: Array<Map<number, number>> = [];
    let previous = new Map<number, number>();
    for (let v = 0; v <= m; v++) {
      const merged = new Map(previous);
      for (const [value, freq] of columns[v]) merged.set(value, (merged.get(value) ?? 0) + freq);
      const step = (a * v - b * u) ** 2;
      const shifted = new Map<number, number>();
      for (const [value, freq] of merged) shifted.set(value + step, freq);
      next.push(shifted);
      previous = shifted;
    }
    columns = next;
  }
  let hits = 0;
  let total = 0;
  for (const [value, freq] of columns[m]) {
    total += freq;
    if (value >= zeta) hits += freq;
  }
  return hits / total;
}

/** cramervonmises_2samp(x, y) for sorted, NaN-free samples. */
export function cramerVonMises(x: Float64Array, y: Float64Array): { statistic: number; pValue: number } {
  const nx = x.length;
  const ny = y.length;
  let i = 0;
  let j = 0;
  let rank = 0;
  let sx = 0;
  let sy = 0;
  while (i < nx || j < ny) {
    const v = j >= ny || (i < nx && x[i] <= y[j]) ? x[i] : y[j];
    const i0 = i;
    const j0 = j;
    while (i < nx && x[i] === v) i++;
    while (j < ny && y[j] === v) j++;
    const average = rank + (i - i0 + j - j0 + 1) / 2;
    for (let k = i0; k < i; k++) sx += (average - (k + 1)) ** 2;
    for (let k = j0; k < j; k++) sy += (average - (k + 1)) ** 2;
    rank += i - i0 + j - j0;
  }
  const u = nx * sx + ny * sy;
  const k = nx * ny;
  const N = nx + ny;
  const t = u / (k * N) - (4 * k - 1) / (6 * N);
  if (Math.max(nx, ny) <= 20) return { statistic: t, pValue: exactPValue(u, nx, ny) };
  const et = (1 + 1 / N) / 6;
  const vt = ((N + 1) * (4 * k * N - 3 * (nx ** 2 + ny ** 2) - 2 * k)) / (45 * N ** 2 * 4 * k);
  const tn = 1 / 6 + (t - et) / Math.sqrt(45 * vt);
  return { statistic: t, pValue: tn < 0.003 ? 1 : Math.max(0, 1 - cvmLimitCdf(tn)) };
}

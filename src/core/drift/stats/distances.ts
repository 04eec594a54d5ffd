// Distances between two samples or two distributions, each computed as scipy defines it:
// Wasserstein-1 and energy distance from the empirical CDFs (scipy.stats._cdf_distance),
// Jensen–Shannon distance (scipy.spatial.distance.jensenshannon, natural log), Kullback–Leibler
// divergence (scipy.stats.entropy), plus PSI and Hellinger over shares of shared bins.
import { CompensatedSum } from './special';

/**
 * Σ |F_u − F_v|^p · Δx over the merged sorted values (p = 1 or 2), the integral both Wasserstein-1
 * and energy distance reduce to. Arrays sorted ascending, NaN-free. Consecutive equal values
 * contribute their 0-width (or, for ±Inf, NaN-width) steps exactly as numpy's diff does.
 */
function cdfDistanceSum(u: Float64Array, v: Float64Array, p: 1 | 2): number {
  const nu = u.length;
  const nv = v.length;
  const total = new CompensatedSum();
  let i = 0;
  let j = 0;
  let previous = NaN;
  let previousDiff = 0;
  let first = true;
  while (i < nu || j < nv) {
    const value = j >= nv || (i < nu && u[i] <= v[j]) ? u[i] : v[j];
    let tied = 0;
    while (i < nu && u[i] <= value) {
      i++;
      tied++;
    }
    while (j < nv && v[j] <= value) {
      j++;
      tied++;
    }
    const diff = Math.abs(i / nu - j / nv);
    const weight = p === 1 ? diff : diff * diff;
    if (!first) total.add(previousDiff * (value - previous));
    // The tied copies of `value` are steps of width value − value, weighted by this group's CDF gap.
    if (tied > 1) {
      const zeroWidth = value - value;
      for (let k = 1; k < tied; k++) total.add(weight * zeroWidth);
    }
    previousDiff = weight;
    previous = value;
    first = false;
  }
  return total.value;
}

/** scipy.stats.wasserstein_distance(u, v) for sorted samples. */
export function wasserstein(u: Float64Array, v: Float64Array): number {
  return cdfDistanceSum(u, v, 1);
}

/** scipy.stats.energy_distance(u, v) for sorted samples. */
export function energyDistance(u: Float64Array, v: Float64Array): number {
  return Math.SQRT2 * Math.sqrt(cdfDistanceSum(u, v, 2));
}

export function mean(values: ArrayLike<number>): number {
  const s = new CompensatedSum();
  for (let i = 0; i < values.length; i++) s.add(values[i]);
  return s.value / values.length;
}

/** Population standard deviation (numpy.std, ddof = 0 by default). */
export function std(values: ArrayLike<number>, ddof = 0): number {
  const m = mean(values);
  const s = new CompensatedSum();
  for (let i = 0; i < values.length; i++) {
    const d = values[i] - m;
    s.add(d * d);
  }
  return Math.sqrt(s.value / (values.length - ddof));
}

/** x·log(x/y) with scipy.special.rel_entr's conventions at 0 and for negative inputs. */
export function relEntr(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

function normalised(p: ArrayLike<number>): Float64Array {
  let total = 0;
  for (let i = 0; i < p.length; i++) total += p[i];
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = p[i] / total;
  return out;
}

/** scipy.spatial.distance.jensenshannon(p, q) (natural log): inputs are normalised first. */
export function jensenShannon(p0: ArrayLike<number>, q0: ArrayLike<number>): number {
  const p = normalised(p0);
  const q = normalised(q0);
  const left = new CompensatedSum();
  const right = new CompensatedSum();
  for (let i = 0; i < p.length; i++) {
    const m = (p[i] + q[i]) / 2;
    left.add(relEntr(p[i], m));
    right.add(relEntr(q[i], m));
  }
  return Math.sqrt((left.value + right.value) / 2);
}

/** scipy.stats.entropy(p, q): the Kullback–Leibler divergence D(p‖q), natural log. */
export function klDivergence(p0: ArrayLike<number>, q0: ArrayLike<number>): number {
  const p = normalised(p0);
  const q = normalised(q0);
  const s = new CompensatedSum();
  for (let i = 0; i < p.length; i++) s.add(relEntr(p[i], q[i]));
  return s.value;
}

/** Population stability index Σ (r − c)·ln(r / c) over bin shares. */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  const s = new CompensatedSum();
  for (let i = 0; i < reference.length; i++) s.add((reference[i] - current[i]) * Math.log(reference[i] / current[i]));
  return s.value;
}

/** Hellinger distance √(Σ(√r − √c)²)/√2 over bin shares (0 = same, 1 = disjoint). */
export function hellinger(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  const s = new CompensatedSum();
  for (let i = 0; i < reference.length; i++) {
    const d = Math.sqrt(reference[i]) - Math.sqrt(current[i]);
    s.add(d * d);
  }
  return Math.sqrt(s.value) / Math.SQRT2;
}

// Downsampling a metric series for a chart without changing what the chart shows: M4 (Jugel et
// al., VLDB 2014). The x-range is cut into equal-width buckets, one per pixel column or so, and
// each bucket keeps its first and last point and the points with its smallest and largest value:
// a line drawn through those covers the same pixels as one drawn through every point. Values that
// are not finite (NaN, ±Infinity) have no place on a value axis, so each bucket also keeps the
// first point of each such kind: the chart can mark them instead of losing them.

export interface XY {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

export interface Downsampled {
  x: Float64Array;
  /** Values as logged, NaN and ±Infinity included. */
  y: Float64Array;
  /** Points in the range before downsampling. */
  total: number;
}

/** Kept per bucket: first, last, min, max; plus first NaN, first +Infinity, first −Infinity where present. */
const FINITE_PER_BUCKET = 4;
const WITH_NON_FINITE_PER_BUCKET = 7;
export const MIN_DISPLAY_POINTS = WITH_NON_FINITE_PER_BUCKET;

/**
 * How many equal-width buckets a range is cut into for at most `maxPoints` kept points. Part of
 * the contract: bucket b of [lo, hi] holds the points with
 * min(buckets − 1, floor((x − lo) × buckets / (hi − lo))) = b (all in bucket 0 when hi = lo).
 */
export function bucketCount(maxPoints: number, hasNonFinite: boolean): number {
  return Math.max(1, Math.floor(maxPoints / (hasNonFinite ? WITH_NON_FINITE_PER_BUCKET : FINITE_PER_BUCKET)));
}

/**
 * Indices (ascending, so in logged order) of the points M4 keeps out of those with x in [lo, hi]
 * (default: the data's own x extent). At most `maxPoints` indices; every point when they fit.
 */
export function m4Indices(series: XY, maxPoints: number, range?: { lo: number; hi: number }): Uint32Array {
  return m4(series, maxPoints, range).indices;
}

function m4(series: XY, maxPoints: number, range?: { lo: number; hi: number }): { indices: Uint32Array; total: number } {
  if (!(maxPoints >= MIN_DISPLAY_POINTS)) throw new RangeError(`maxPoints must be at least ${MIN_DISPLAY_POINTS}, got ${maxPoints}`);
  const { x, y } = series;
  const n = x.length;
  // One pass for the extent (when not given), the count in range and whether any value is not
  // finite (v − v is NaN exactly for NaN and ±Infinity).
  let lo = Infinity;
  let hi = -Infinity;
  let inRange = 0;
  let hasNonFinite = false;
  if (range) {
    ({ lo, hi } = range);
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      if (xi >= lo && xi <= hi) {
        inRange++;
        if (y[i] - y[i] !== 0) hasNonFinite = true;
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      if (xi < lo) lo = xi;
      if (xi > hi) hi = xi;
      if (y[i] - y[i] !== 0) hasNonFinite = true;
    }
    inRange = n;
  }
  if (inRange <= maxPoints) {
    const all = new Uint32Array(inRange);
    for (let i = 0, k = 0; i < n; i++) if (x[i] >= lo && x[i] <= hi) all[k++] = i;
    return { indices: all, total: inRange };
  }

  const buckets = bucketCount(maxPoints, hasNonFinite);
  const first = new Int32Array(buckets).fill(-1);
  const last = new Int32Array(buckets);
  const minAt = new Int32Array(buckets).fill(-1);
  const maxAt = new Int32Array(buckets).fill(-1);
  const nanAt = new Int32Array(buckets).fill(-1);
  const posInfAt = new Int32Array(buckets).fill(-1);
  const negInfAt = new Int32Array(buckets).fill(-1);
  const span = hi > lo ? hi - lo : Infinity;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    if (!(xi >= lo && xi <= hi)) continue;
    const b = Math.min(buckets - 1, Math.floor(((xi - lo) * buckets) / span));
    if (first[b] < 0) first[b] = i;
    last[b] = i;
    const v = y[i];
    if (v === Infinity) {
      if (posInfAt[b] < 0) posInfAt[b] = i;
    } else if (v === -Infinity) {
      if (negInfAt[b] < 0) negInfAt[b] = i;
    } else if (v !== v) {
      if (nanAt[b] < 0) nanAt[b] = i;
    } else {
      if (minAt[b] < 0 || v < y[minAt[b]]) minAt[b] = i;
      if (maxAt[b] < 0 || v > y[maxAt[b]]) maxAt[b] = i;
    }
  }

  // At most seven candidates per bucket; sorted, they are the kept points in logged order.
  const candidates = new Uint32Array(buckets * WITH_NON_FINITE_PER_BUCKET);
  let c = 0;
  for (let b = 0; b < buckets; b++) {
    if (first[b] < 0) continue;
    candidates[c++] = first[b];
    candidates[c++] = last[b];
    if (minAt[b] >= 0) candidates[c++] = minAt[b];
    if (maxAt[b] >= 0) candidates[c++] = maxAt[b];
    if (nanAt[b] >= 0) candidates[c++] = nanAt[b];
    if (posInfAt[b] >= 0) candidates[c++] = posInfAt[b];
    if (negInfAt[b] >= 0) candidates[c++] = negInfAt[b];
  }
  const sorted = candidates.subarray(0, c).sort();
  let count = 0;
  for (let k = 0; k < c; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) sorted[count++] = sorted[k];
  const out = sorted.slice(0, count);
  return { indices: out, total: inRange };
}

/** The series as a chart of at most `maxPoints` points would draw it; see m4Indices. */
export function downsampleM4(series: XY, maxPoints: number, range?: { lo: number; hi: number }): Downsampled {
  const { indices, total } = m4(series, maxPoints, range);
  const x = new Float64Array(indices.length);
  const y = new Float64Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    x[k] = series.x[indices[k]];
    y[k] = series.y[indices[k]];
  }
  return { x, y, total };
}

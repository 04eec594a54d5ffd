// Shared bins for the distribution distances and the charts, as numpy and Evidently make them:
// numpy.histogram_bin_edges(reference ∪ current, bins='sturges'), counts per bin as numpy.histogram
// does with explicit edges (last bin closed), and Evidently's replacement of empty-bin shares.

/** numpy.histogram_bin_edges(data, 'sturges') from the data's extent and size. */
export function sturgesEdges(min: number, max: number, n: number): Float64Array {
  let first = min;
  let last = max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const width = (max - min) / (Math.log2(n) + 1);
  const bins = width ? Math.ceil((last - first) / width) : 1;
  return linspace(first, last, bins + 1);
}

/** numpy.linspace(start, stop, num) with its exact arithmetic (i·step + start, last = stop). */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  if (num > 1) out[num - 1] = stop;
  return out;
}

/** Counts of a sorted sample in [e_i, e_{i+1}) (the last bin closed), as numpy.histogram(a, edges). */
export function histogramCounts(sorted: Float64Array, edges: Float64Array): Float64Array {
  const counts = new Float64Array(edges.length - 1);
  const lowerBound = (x: number, right: boolean): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (right ? sorted[mid] <= x : sorted[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let previous = lowerBound(edges[0], false);
  for (let i = 1; i < edges.length; i++) {
    const next = lowerBound(edges[i], i === edges.length - 1);
    counts[i - 1] = next - previous;
    previous = next;
  }
  return counts;
}

/**
 * Evidently's "feel zeroes": an empty bin's share becomes 0.0001, or a millionth of the smallest
 * non-zero share when that is ≤ 0.0001, so the log-ratio distances stay finite.
 */
export function fillZeroShares(shares: Float64Array): Float64Array {
  let smallest = Infinity;
  for (const s of shares) if (s !== 0 && s < smallest) smallest = s;
  if (smallest === Infinity) return shares;
  const fill = smallest <= 0.0001 ? smallest / 10 ** 6 : 0.0001;
  return shares.map((s) => (s === 0 ? fill : s));
}

// Sorting a million doubles with Float64Array.prototype.sort takes ~0.5 s on the build machine;
// a least-significant-digit radix sort on the IEEE-754 bit patterns takes a fraction of that and
// gives the same order (−Inf < finite < +Inf, −0 before +0; NaN must be removed beforehand).

// Six passes of 11, 11 and 10 bits per 32-bit half: 2048 buckets stay in the L1 cache.
const PASSES: Array<[half: 0 | 1, shift: number, mask: number]> = [
  [0, 0, 0x7ff], [0, 11, 0x7ff], [0, 22, 0x3ff], [1, 0, 0x7ff], [1, 11, 0x7ff], [1, 22, 0x3ff],
];
const BUCKETS = 2048;

/** A new ascending copy of `values` (no NaN). Small arrays go to the built-in sort. */
export function sortedCopy(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < 4096) return values.slice().sort();
  const words = new Uint32Array(values.slice().buffer);
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = words[2 * i + 1];
    const l = words[2 * i];
    // Negative numbers: flip every bit (reverses their order); positive: flip the sign bit.
    if (h & 0x80000000) {
      hi[i] = ~h >>> 0;
      lo[i] = ~l >>> 0;
    } else {
      hi[i] = (h | 0x80000000) >>> 0;
      lo[i] = l;
    }
  }
  let lo2 = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  const counts = new Uint32Array(BUCKETS);
  for (const [half, shift, mask] of PASSES) {
    const source = half === 0 ? lo : hi;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(source[i] >>> shift) & mask]++;
    if (counts[(source[0] >>> shift) & mask] === n) continue;
    let total = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const c = counts[b];
      counts[b] = total;
      total += c;
    }
    for (let i = 0; i < n; i++) {
      const d = counts[(source[i] >>> shift) & mask]++;
      lo2[d] = lo[i];
      hi2[d] = hi[i];
    }
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
  }
  for (let i = 0; i < n; i++) {
    const h = hi[i];
    if (h & 0x80000000) {
      words[2 * i + 1] = h & 0x7fffffff;
      words[2 * i] = lo[i];
    } else {
      words[2 * i + 1] = ~h >>> 0;
      words[2 * i] = ~lo[i] >>> 0;
    }
  }
  return new Float64Array(words.buffer);
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketCount, downsampleM4, m4Indices } from '../../../src/core/compare/downsample';
import { seeded } from '../../helpers/seeded';

interface Case { x: number[]; y: number[] }

function noisyCurve(n: number, seed: number, opts: { sorted?: boolean; nonFinite?: number } = {}): Case {
  const r = seeded(seed);
  const x: number[] = [];
  const y: number[] = [];
  let step = 0;
  for (let i = 0; i < n; i++) {
    step += opts.sorted === false ? 0 : Math.floor(r() * 3); // repeated steps too
    x.push(opts.sorted === false ? Math.floor(r() * n) : step);
    let v = Math.exp(-i / n) + (r() - 0.5) * 0.2 + (r() < 0.001 ? 5 * (r() - 0.5) : 0);
    if (opts.nonFinite && r() < opts.nonFinite) v = [NaN, Infinity, -Infinity][Math.floor(r() * 3)];
    y.push(v);
  }
  return { x, y };
}

/**
 * The reference, written from the definition with no shared code: for each bucket (equal-width in
 * x, `bucketCount` of them) scan every point and collect what a chart must not lose — the first
 * and last point, the smallest and largest finite value, and each kind of non-finite value.
 */
function reference(c: Case, maxPoints: number, lo: number, hi: number) {
  const inRange = c.x.map((_x, i) => i).filter((i) => c.x[i] >= lo && c.x[i] <= hi);
  const hasNonFinite = inRange.some((i) => !Number.isFinite(c.y[i]));
  const buckets = bucketCount(maxPoints, hasNonFinite);
  const out = [];
  for (let b = 0; b < buckets; b++) {
    const members = inRange.filter((i) => {
      const pos = hi > lo ? Math.floor(((c.x[i] - lo) * buckets) / (hi - lo)) : 0;
      return Math.min(pos, buckets - 1) === b;
    });
    if (members.length === 0) continue;
    const finite = members.map((i) => c.y[i]).filter(Number.isFinite);
    out.push({
      members: new Set(members),
      first: members[0],
      last: members.at(-1)!,
      min: finite.length ? Math.min(...finite) : undefined,
      max: finite.length ? Math.max(...finite) : undefined,
      kinds: new Set(members.map((i) => c.y[i]).filter((v) => !Number.isFinite(v)).map(String)),
    });
  }
  return { inRange, buckets: out };
}

function check(c: Case, maxPoints: number, range?: { lo: number; hi: number }): Uint32Array {
  const lo = range?.lo ?? Math.min(...c.x);
  const hi = range?.hi ?? Math.max(...c.x);
  const kept = m4Indices(c, maxPoints, range);
  const ref = reference(c, maxPoints, lo, hi);
  assert.ok(kept.length <= maxPoints, `${kept.length} points for a bound of ${maxPoints}`);
  for (let k = 1; k < kept.length; k++) assert.ok(kept[k] > kept[k - 1], 'kept points stay in logged order, once each');
  if (ref.inRange.length <= maxPoints) {
    assert.deepEqual([...kept], ref.inRange, 'a range that fits comes back whole');
    return kept;
  }
  const keptSet = new Set(kept);
  for (const i of kept) assert.ok(c.x[i] >= lo && c.x[i] <= hi, 'nothing from outside the range');
  for (const b of ref.buckets) {
    const mine = [...b.members].filter((i) => keptSet.has(i));
    assert.ok(keptSet.has(b.first) && keptSet.has(b.last), 'first and last point of every bucket');
    const values = mine.map((i) => c.y[i]);
    const finite = values.filter(Number.isFinite);
    if (b.min !== undefined) {
      assert.equal(Math.min(...finite), b.min, 'bucket minimum kept');
      assert.equal(Math.max(...finite), b.max, 'bucket maximum kept');
    }
    assert.deepEqual(new Set(values.filter((v) => !Number.isFinite(v)).map(String)), b.kinds, 'every non-finite kind marked');
  }
  return kept;
}

describe('M4 downsampling', () => {
  it('keeps every bucket extreme of a noisy 20k-point series within 400 points', () => {
    const c = noisyCurve(20_000, 1);
    const kept = check(c, 400);
    assert.ok(kept.length > 300, 'uses the budget');
    const ys = [...kept].map((i) => c.y[i]);
    assert.equal(Math.min(...ys), Math.min(...c.y), 'global minimum kept');
    assert.equal(Math.max(...ys), Math.max(...c.y), 'global maximum kept');
  });

  it('marks NaN and ±Infinity instead of dropping them, still within the bound', () => {
    const c = noisyCurve(10_000, 2, { nonFinite: 0.01 });
    const kept = check(c, 350);
    const kinds = new Set([...kept].map((i) => String(c.y[i])).filter((v) => ['NaN', 'Infinity', '-Infinity'].includes(v)));
    assert.deepEqual(kinds, new Set(['NaN', 'Infinity', '-Infinity']));
    const d = downsampleM4(c, 350);
    assert.ok(d.y.some(Number.isNaN), 'NaN values come back as NaN');
    assert.equal(d.total, 10_000);
  });

  it('handles unsorted x, repeated x and a single x value', () => {
    check(noisyCurve(5_000, 3, { sorted: false }), 64);
    const flat = { x: new Array(1000).fill(7), y: noisyCurve(1000, 4).y };
    const kept = check(flat, 64);
    assert.ok(kept.length <= 4, 'one bucket: at most first, last, min, max');
  });

  it('downsamples only the requested range, exactly at its edges', () => {
    const c = noisyCurve(30_000, 5);
    const lo = c.x[7_000];
    const hi = c.x[19_000];
    check(c, 512, { lo, hi });
    const small = check(c, 512, { lo: c.x[100], hi: c.x[300] });
    assert.ok(small.length > 0);
    const d = downsampleM4(c, 512, { lo, hi });
    assert.equal(d.total, c.x.filter((x) => x >= lo && x <= hi).length);
  });

  it('refuses a budget too small to hold a bucket', () => {
    assert.throws(() => m4Indices({ x: [1], y: [1] }, 3), /at least 7/);
  });

  for (const seed of [11, 12, 13, 14, 15, 16]) {
    it(`agrees with the reference on random series (seed ${seed})`, () => {
      const r = seeded(seed);
      const n = 500 + Math.floor(r() * 8_000);
      const c = noisyCurve(n, seed, { sorted: r() < 0.8, nonFinite: r() < 0.5 ? 0.02 : 0 });
      check(c, 8 + Math.floor(r() * 600));
    });
  }
});

// The Kolmogorov–Smirnov test against scipy.stats.ks_2samp: real data, both p-value methods, and
// the edges (ties, constant samples, one value, 10,000 vs 10,001 rows, ±Inf).
import { test } from 'node:test';
import { ks2samp } from '../../../src/core/drift/stats/ks';
import { kolmogorovSf } from '../../../src/core/drift/stats/kolmogorov';
import { seeded } from '../../helpers/seeded';
import { assertClose, normals, scipy, sorted } from './scipyOracle';
import { seattleByYear } from './realData';

function compare(pairs: Array<[string, ArrayLike<number>, ArrayLike<number>]>): void {
  const expected = scipy(pairs.map(([, a, b]) => ({ kind: 'ks', a, b }))) as number[][];
  pairs.forEach(([name, a, b], i) => {
    const r = ks2samp(sorted(a), sorted(b));
    assertClose(r.statistic, expected[i][0], `${name} statistic`);
    assertClose(r.pValue, expected[i][1], `${name} p-value (${r.method})`);
  });
}

test('seattle-weather: every numeric column, each year against 2012 (exact method, ties everywhere)', () => {
  const years = seattleByYear();
  const pairs: Array<[string, number[], number[]]> = [];
  for (const column of ['precipitation', 'temp_max', 'temp_min', 'wind']) {
    for (const year of ['2013', '2014', '2015']) pairs.push([`${column} 2012 vs ${year}`, years['2012'][column], years[year][column]]);
  }
  compare(pairs);
});

test('unequal sizes up to 10,000 per side use the exact distribution; 10,001 the asymptotic one', () => {
  const random = seeded(7);
  compare([
    ['300 vs 170', normals(300, random), normals(170, random, 0.2)],
    ['1000 vs 999', normals(1000, random), normals(999, random, 0.05)],
    ['equal sizes 500', normals(500, random), normals(500, random, 0.1)],
    ['10,000 vs 10,000', normals(10000, random), normals(10000, random, 0.02)],
    ['10,000 vs 9,999', normals(10000, random), normals(9999, random, 0.01)],
    ['10,000 vs 10,001', normals(10000, random), normals(10001, random, 0.01)],
    ['10,001 vs 10,001 similar', normals(10001, random), normals(10001, random)],
    ['20,000 vs 15,000 shifted', normals(20000, random), normals(15000, random, 0.05)],
    ['50,000 vs 3', normals(50000, random), normals(3, random)],
    ['12,000 vs 40', normals(12000, random), normals(40, random, 0.3)],
  ]);
});

test('edge cases: ties, constant columns, a single value, ±Inf, disjoint samples', () => {
  const random = seeded(11);
  const rounded = (n: number, shift: number) => Array.from(normals(n, random, shift), (v) => Math.round(v * 2));
  compare([
    ['heavy ties', rounded(400, 0), rounded(350, 0.3)],
    ['constant vs constant (same)', new Array(50).fill(3), new Array(70).fill(3)],
    ['constant vs constant (different)', new Array(50).fill(3), new Array(70).fill(4)],
    ['one row each', [1], [2]],
    ['one row vs many', [0.5], normals(200, random)],
    ['with ±Inf', [-Infinity, ...normals(100, random), Infinity], [Infinity, Infinity, ...normals(80, random, 0.5)]],
    ['disjoint', normals(60, random), normals(60, random, 100)],
  ]);
});

test('the Kolmogorov survival function in each of its regions', () => {
  const points: Array<[number, number]> = [];
  for (const n of [1, 5, 50, 140, 141, 1000, 5000, 99999, 100001, 999999, 1000001]) {
    // scipy takes seconds per point for n near a million: two points there are enough.
    const nds = n > 200000 ? [0.7, 3] : [0.3, 0.7, 1.5, 3, 8, 20];
    for (const nd of nds) points.push([n, Math.min(nd / Math.sqrt(n), 0.999)]);
    points.push([n, 0.6 / n], [n, 0.9 / n], [n, 0.6]);
  }
  const expected = scipy(points.map(([n, x]) => ({ kind: 'kstwo_sf', n, x }))) as number[][];
  points.forEach(([n, x], i) => assertClose(kolmogorovSf(n, x), expected[i][0], `kstwo.sf(${x}, ${n})`));
});

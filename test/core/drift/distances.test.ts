// Distances and count tests against scipy on real data (scikit-learn's wine and breast-cancer
// tables split in halves, seattle-weather by year) and on edge cases.
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { energyDistance, jensenShannon, klDivergence, std, wasserstein, hellinger, psi } from '../../../src/core/drift/stats/distances';
import { fillZeroShares, histogramCounts, sturgesEdges } from '../../../src/core/drift/stats/binning';
import { chiSquare, fisherExact, mannWhitneyU, tTest } from '../../../src/core/drift/stats/hypothesis';
import { chi2Sf, normalCdf, studentTCdf } from '../../../src/core/drift/stats/special';
import { besselK, cramerVonMises } from '../../../src/core/drift/stats/cramerVonMises';
import { andersonDarling } from '../../../src/core/drift/stats/andersonDarling';
import { seeded } from '../../helpers/seeded';
import { assertClose, normals, scipy, sorted } from './scipyOracle';
import { SKLEARN_DATA, seattleByYear } from './realData';

/** The numeric columns of a scikit-learn CSV (first line is a count header, second the names). */
function sklearnColumns(file: string, skip = 1): number[][] {
  const lines = fs.readFileSync(path.join(SKLEARN_DATA, file), 'utf8').trim().split('\n').slice(skip);
  const rows = lines.map((l) => l.split(',').map(Number));
  return rows[0].map((_, c) => rows.map((r) => r[c]));
}

function halves(column: number[]): [number[], number[]] {
  return [column.filter((_, i) => i % 2 === 0), column.filter((_, i) => i % 2 === 1)];
}

function realPairs(): Array<[string, number[], number[]]> {
  const pairs: Array<[string, number[], number[]]> = [];
  sklearnColumns('wine_data.csv').slice(0, 13).forEach((c, i) => pairs.push([`wine ${i}`, ...halves(c)]));
  sklearnColumns('breast_cancer.csv').slice(0, 10).forEach((c, i) => pairs.push([`breast cancer ${i}`, c.slice(0, 200), c.slice(200)]));
  const years = seattleByYear();
  for (const column of ['precipitation', 'temp_max', 'wind']) pairs.push([`seattle ${column}`, years['2012'][column], years['2015'][column]]);
  return pairs;
}

function edgePairs(): Array<[string, number[], number[]]> {
  const random = seeded(3);
  return [
    ['one row each', [1.5], [2.5]],
    ['constant same', new Array(30).fill(2), new Array(10).fill(2)],
    ['constant different', new Array(30).fill(2), new Array(10).fill(5)],
    ['ties', Array.from(normals(300, random), Math.round), Array.from(normals(200, random, 0.5), Math.round)],
    ['with +Inf', [...normals(50, random), Infinity], [...normals(50, random)]],
    ['with ±Inf both', [-Infinity, ...normals(50, random), Infinity], [Infinity, ...normals(40, random)]],
  ];
}

test('Wasserstein, normalised Wasserstein, energy distance and std equal scipy/numpy', () => {
  const pairs = [...realPairs(), ...edgePairs()];
  const kinds = ['wasserstein', 'wasserstein_norm', 'energy', 'std'];
  const expected = scipy(pairs.flatMap(([, a, b]) => kinds.map((kind) => ({ kind, a, b })))) as number[][];
  pairs.forEach(([name, a, b], i) => {
    const [sa, sb] = [sorted(a), sorted(b)];
    const w = wasserstein(sa, sb);
    assertClose(w, expected[i * 4][0], `${name} wasserstein`);
    if (a.every(Number.isFinite)) assertClose(w / Math.max(std(a), 0.001), expected[i * 4 + 1][0], `${name} normalised wasserstein`);
    assertClose(energyDistance(sa, sb), expected[i * 4 + 2][0], `${name} energy`);
    if (a.every(Number.isFinite)) assertClose(std(a), expected[i * 4 + 3][0], `${name} std`);
  });
});

test('Sturges bins, shares, and Jensen–Shannon / PSI / KL / Hellinger on them equal numpy + scipy', () => {
  const pairs = realPairs().filter(([, a, b]) => new Set([...a, ...b]).size > 20);
  const expected = scipy(pairs.flatMap(([, a, b]) => [{ kind: 'sturges', a, b }, { kind: 'binned', a, b }]));
  pairs.forEach(([name, a, b], i) => {
    const [sa, sb] = [sorted(a), sorted(b)];
    const edges = sturgesEdges(Math.min(sa[0], sb[0]), Math.max(sa[sa.length - 1], sb[sb.length - 1]), a.length + b.length);
    const [expEdges, expRef, expCur] = expected[i * 2] as number[][];
    if (edges.length !== expEdges.length) throw new Error(`${name}: ${edges.length - 1} bins vs numpy ${expEdges.length - 1}`);
    edges.forEach((e, k) => assertClose(e, expEdges[k], `${name} edge ${k}`, 1e-15));
    const ref = histogramCounts(sa, edges).map((c) => c / a.length);
    const cur = histogramCounts(sb, edges).map((c) => c / b.length);
    ref.forEach((s, k) => assertClose(s, expRef[k], `${name} reference share ${k}`, 1e-15));
    cur.forEach((s, k) => assertClose(s, expCur[k], `${name} current share ${k}`, 1e-15));
    const [r, c] = [fillZeroShares(ref), fillZeroShares(cur)];
    const d = expected[i * 2 + 1] as Record<string, number>;
    assertClose(jensenShannon(r, c), d.jensenshannon, `${name} jensen-shannon`);
    assertClose(psi(r, c), d.psi, `${name} psi`);
    assertClose(klDivergence(r, c), d.kl, `${name} kl`);
    assertClose(hellinger(r, c), d.hellinger, `${name} hellinger`);
  });
});

test('chi-square, chi2 and normal tails, Mann–Whitney U and Fisher exact equal scipy', () => {
  const random = seeded(5);
  const counts = (k: number, scale: number) => Array.from({ length: k }, () => Math.floor(random() * scale) + 1);
  const chiCases: Array<[number[], number[]]> = [[[10, 20, 30], [20, 20, 20]], [counts(8, 50), counts(8, 50)], [counts(40, 1000), counts(40, 1000)], [[1, 0], [0.5, 0.5]]];
  for (const [obs, exp] of chiCases) {
    const total = obs.reduce((s, v) => s + v, 0) / exp.reduce((s, v) => s + v, 0);
    exp.forEach((_, k) => (exp[k] *= total));
  }
  const tails: Array<[number, number]> = [[0.5, 1], [3.84, 1], [50, 3], [300, 2], [1e-3, 10], [1000, 900], [700, 1000], [2000, 1]];
  const zs = [0, 0.3, -0.7, 1.2, -2.5, 5, -8, 30];
  const mw: Array<[number[], number[]]> = [[Array.from(normals(40, random)), Array.from(normals(30, random, 0.4))], [Array.from(normals(200, random), Math.round), Array.from(normals(150, random, 0.2), Math.round)]];
  const tables = [[3, 1, 1, 3], [10, 2, 3, 15], [0, 5, 5, 0], [100, 90, 80, 120], [1, 0, 0, 0]];
  const expected = scipy([
    ...chiCases.map(([a, b]) => ({ kind: 'chisquare', a, b })),
    ...tails.map(([x, df]) => ({ kind: 'chi2_sf', x, df })),
    ...zs.map((x) => ({ kind: 'norm_cdf', x })),
    ...mw.map(([a, b]) => ({ kind: 'mannwhitneyu', a, b })),
    ...tables.map((table) => ({ kind: 'fisher', table })),
  ]) as number[][];
  let k = 0;
  for (const [obs, exp] of chiCases) {
    const r = chiSquare(obs, exp);
    assertClose(r.statistic, expected[k][0], `chisquare ${obs} statistic`);
    assertClose(r.pValue, expected[k++][1], `chisquare ${obs} p-value`);
  }
  for (const [x, df] of tails) assertClose(chi2Sf(x, df), expected[k++][0], `chi2.sf(${x}, ${df})`);
  for (const z of zs) assertClose(normalCdf(z), expected[k++][0], `norm.cdf(${z})`);
  for (const [a, b] of mw) {
    const r = mannWhitneyU(sorted(a), sorted(b));
    assertClose(r.statistic, expected[k][0], 'mannwhitneyu U');
    assertClose(r.pValue, expected[k++][1], 'mannwhitneyu p-value');
  }
  for (const t of tables) {
    const r = fisherExact(t[0], t[1], t[2], t[3]);
    assertClose(r.statistic, expected[k][0], `fisher ${t} odds ratio`);
    assertClose(r.pValue, expected[k++][1], `fisher ${t} p-value`);
  }
});

test("Student's t-test and the t distribution equal scipy", () => {
  const pairs = realPairs();
  const tPoints: Array<[number, number]> = [[1, -3], [2, 0.5], [5, -1.2], [30, 2.5], [200, -4], [1500, 1.96], [40, -12]];
  const expected = scipy([...pairs.map(([, a, b]) => ({ kind: 'ttest', a, b })), ...tPoints.map(([df, t]) => ({ kind: 'stdtr', df, t }))]) as number[][];
  pairs.forEach(([name, a, b], i) => {
    const r = tTest(a, b);
    assertClose(r.statistic, expected[i][0], `${name} t`);
    assertClose(r.pValue, expected[i][1], `${name} p-value`);
  });
  tPoints.forEach(([df, t], k) => assertClose(studentTCdf(df, t), expected[pairs.length + k][0], `stdtr(${df}, ${t})`));
});

test('Cramér–von Mises (exact up to 20 values a side, asymptotic beyond) and K_1/4 equal scipy', () => {
  const random = seeded(21);
  const pairs: Array<[string, number[], number[]]> = [
    ...realPairs().slice(0, 12),
    ['small exact 8 vs 11', Array.from(normals(8, random)), Array.from(normals(11, random, 0.8))],
    ['small exact with ties 15 vs 20', Array.from(normals(15, random), Math.round), Array.from(normals(20, random, 0.5), Math.round)],
    ['21 vs 30', Array.from(normals(21, random)), Array.from(normals(30, random, 0.4))],
  ];
  const zs = [0.001, 0.0156, 0.3, 1, 5, 40, 300];
  const expected = scipy([...pairs.map(([, a, b]) => ({ kind: 'cvm', a, b })), ...zs.map((z) => ({ kind: 'kv', z }))]) as number[][];
  pairs.forEach(([name, a, b], i) => {
    const r = cramerVonMises(sorted(a), sorted(b));
    assertClose(r.statistic, expected[i][0], `${name} statistic`);
    assertClose(r.pValue, expected[i][1], `${name} p-value`);
  });
  zs.forEach((z, k) => assertClose(besselK(0.25, z), expected[pairs.length + k][0], `kv(0.25, ${z})`, 1e-12));
});

test('Anderson–Darling k-sample (two samples) equals scipy, capped p-values included', () => {
  const random = seeded(33);
  const pairs: Array<[string, number[], number[]]> = [
    ...realPairs(),
    ['ties', Array.from(normals(200, random), Math.round), Array.from(normals(150, random, 0.15), Math.round)],
    ['same', Array.from(normals(300, random)), Array.from(normals(300, random))],
  ];
  const expected = scipy(pairs.map(([, a, b]) => ({ kind: 'anderson', a, b }))) as number[][];
  pairs.forEach(([name, a, b], i) => {
    const r = andersonDarling(sorted(a), sorted(b));
    assertClose(r.statistic, expected[i][0], `${name} statistic`);
    assertClose(r.pValue, expected[i][1], `${name} p-value`);
  });
});

// The whole report: Evidently's default test per column and its verdicts, reproduced by an
// independent pandas + scipy implementation of Evidently's rules, on seattle-weather split by year
// (a small reference: KS / chi-square) and by period (a reference over 1,000 rows: normed
// Wasserstein / Jensen–Shannon); worker threads give the same report as the calling thread.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeDrift } from '../../../src/core/drift/computeDrift';
import { MlwbError } from '../../../src/core/errors';
import { tempDir } from '../../helpers/tmp';
import { assertClose, scipy } from './scipyOracle';
import { SEATTLE } from './realData';

const dir = tempDir();
const [header, ...lines] = fs.readFileSync(SEATTLE, 'utf8').trim().split('\n');
function write(name: string, rows: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, [header, ...rows].join('\n') + '\n');
  return file;
}
const y2012 = write('2012.csv', lines.filter((l) => l.startsWith('2012')));
const y2015 = write('2015.csv', lines.filter((l) => l.startsWith('2015')));
const first3 = write('2012-2014.csv', lines.filter((l) => !l.startsWith('2015')));

async function matchesEvidentlyRules(reference: string, current: string, workers: number): Promise<void> {
  const report = await computeDrift(reference, current, {}, { workers });
  const [expected] = scipy([{ kind: 'report', reference, current, skip: ['date'] }]) as Array<Record<string, [string, number, boolean]>>;
  assert.deepEqual(report.columns.map((c) => c.name).sort(), Object.keys(expected).sort());
  for (const c of report.columns) {
    const [testName, score, drifted] = expected[c.name];
    assert.equal(c.test, testName, `${c.name}: test`);
    assertClose(c.score!, score, `${c.name}: score`);
    assert.equal(c.drifted, drifted, `${c.name}: verdict`);
  }
  const drifted = report.columns.filter((c) => c.drifted).length;
  assert.equal(report.dataset.driftedColumns, drifted);
  assert.equal(report.dataset.drifted, drifted / report.columns.length >= 0.5);
  assert.deepEqual(report.skipped.map((s) => s.name), ['date']);
}

test('a 366-row reference: KS and chi-square as Evidently chooses them, on the calling thread', () => matchesEvidentlyRules(y2012, y2015, 0));
test('a 1,096-row reference: normed Wasserstein and Jensen–Shannon, in two worker threads', () => matchesEvidentlyRules(first3, y2015, 2));

test('charts carry shares over shared bins (numbers) and per category', async () => {
  const report = await computeDrift(y2012, y2015, {}, { workers: 0 });
  const temp = report.columns.find((c) => c.name === 'temp_max')!;
  assert.equal(temp.chart?.kind, 'histogram');
  if (temp.chart?.kind !== 'histogram') return;
  assert.equal(temp.chart.edges.length, temp.chart.reference.length + 1);
  assertClose(temp.chart.reference.reduce((s, v) => s + v, 0), 1, 'reference shares sum', 1e-12);
  const weather = report.columns.find((c) => c.name === 'weather')!;
  assert.equal(weather.chart?.kind, 'bars');
});

test('options: a chosen test and threshold, a column subset, the drift share', async () => {
  const report = await computeDrift(y2012, y2015, { columns: ['wind', 'temp_max'], tests: { wind: 'psi' }, thresholds: { temp_max: 1e-9 }, driftShare: 0.9 }, { workers: 0 });
  assert.deepEqual(report.columns.map((c) => c.name), ['wind', 'temp_max']);
  assert.equal(report.columns[0].test, 'psi');
  assert.equal(report.columns[0].pValue, null);
  assert.equal(report.columns[1].threshold, 1e-9);
  assert.equal(report.columns[1].drifted, false);
  assert.equal(report.dataset.driftShare, 0.9);
  await assert.rejects(computeDrift(y2012, y2015, { tests: { weather: 'ks' } }, { workers: 0 }), /Test "ks" does not apply to column "weather" \(cat\)/);
  await assert.rejects(computeDrift(y2012, y2015, { tests: { wind: 'nope' } }, { workers: 0 }), /Unknown test "nope"/);
});

test('different columns, all-missing columns and cancellation', async () => {
  const other = path.join(dir, 'other.csv');
  fs.writeFileSync(other, 'x,y\n1,2\n');
  await assert.rejects(computeDrift(y2012, other, {}, { workers: 0 }), (e: unknown) => e instanceof MlwbError && /no column in common \(.*2012\.csv: date, precipitation.*; .*other\.csv: x, y\)/.test(e.message));
  const blank = path.join(dir, 'blank.csv');
  fs.writeFileSync(blank, `${header}\n` + lines.slice(0, 50).map((l) => l.replace(/,[^,]*,([^,]*,[^,]*,[^,]*,[^,]*)$/, ',,$1')).join('\n') + '\n');
  const report = await computeDrift(y2012, blank, { columns: ['precipitation', 'wind'] }, { workers: 0 });
  const precipitation = report.columns[0];
  assert.equal(precipitation.test, 'none');
  assert.equal(precipitation.drifted, true);
  assert.equal(precipitation.missing.current, 50);
  const controller = new AbortController();
  const run = computeDrift(y2012, y2015, {}, { workers: 2, signal: controller.signal });
  controller.abort();
  await assert.rejects(run, /cancelled/);
});

test('text columns are compared on their word frequencies', async () => {
  const sentences = (words: string[], n: number) => Array.from({ length: n }, (_, i) => `"${[0, 1, 2, 3, 4].map((k) => words[(i * 7 + k * (3 + (i % 4))) % words.length]).join(' ')} on flight ${i}",${i}`);
  const calm = ['the', 'flight', 'was', 'on', 'time', 'and', 'the', 'crew', 'kind', 'seat', 'comfortable'];
  const angry = ['delayed', 'again', 'lost', 'my', 'bag', 'rude', 'crew', 'never', 'again', 'refund', 'please'];
  const a = path.join(dir, 'reviews-a.csv');
  const b = path.join(dir, 'reviews-b.csv');
  fs.writeFileSync(a, ['review,n', ...sentences(calm, 300)].join('\n') + '\n');
  fs.writeFileSync(b, ['review,n', ...sentences(angry, 300)].join('\n') + '\n');
  const report = await computeDrift(a, b, { columns: ['review'] }, { workers: 0 });
  const review = report.columns[0];
  assert.equal(review.type, 'text');
  assert.equal(review.test, 'jensenshannon');
  assert.equal(review.drifted, true);
  assert.equal(review.chart?.kind, 'bars');
  const same = await computeDrift(a, a, { columns: ['review'] }, { workers: 0 });
  assert.equal(same.columns[0].score, 0);
  assert.equal(same.columns[0].drifted, false);
});

test('drift over time: each window scored as that window alone would be', async () => {
  const later = write('2013-2015.csv', lines.filter((l) => !l.startsWith('2012')));
  const report = await computeDrift(y2012, later, { over: { by: 'date', window: '26W' } }, { workers: 2 });
  const list = report.windows!.list;
  assert.equal(list.length, 7);
  assert.equal(list[0].label, '2013-01-01');
  assert.equal(list.reduce((s, w) => s + w.rows, 0), lines.length - 366);
  assert.ok(report.columns.every((c) => c.windows?.length === list.length));
  // Window 2 on its own, with each column's test fixed to the one the whole file got.
  const start = Date.parse(list[2].label);
  const end = Date.parse(list[3].label);
  const inWindow = lines.filter((l) => !l.startsWith('2012') && Date.parse(l.slice(0, 10)) >= start && Date.parse(l.slice(0, 10)) < end);
  assert.equal(inWindow.length, list[2].rows);
  const alone = await computeDrift(y2012, write('window.csv', inWindow), { tests: Object.fromEntries(report.columns.map((c) => [c.name, c.test])) }, { workers: 0 });
  for (const c of report.columns) {
    const single = alone.columns.find((x) => x.name === c.name)!;
    assert.equal(c.windows![2].score, single.score, c.name);
    assert.equal(c.windows![2].drifted, single.drifted, c.name);
  }
  await assert.rejects(computeDrift(y2012, later, { over: { by: 'date', window: 'weekly' } }, { workers: 0 }), /--window "weekly" is not a window/);
  await assert.rejects(computeDrift(y2012, later, { over: { by: 'wind', window: '1W' } }, { workers: 0 }), /needs a date column/);
  const byRows = await computeDrift(y2012, later, { over: { by: 'date', window: '100' } }, { workers: 0 });
  assert.deepEqual(byRows.windows!.list.map((w) => w.rows), [...new Array(10).fill(100), 95]);
});

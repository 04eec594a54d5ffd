// Schema changes: columns added, missing or typed differently are reported, and the columns both
// files share are still compared (their statistics equal those of a report on the shared columns only).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeDrift } from '../../../src/core/drift/computeDrift';
import { tempDir } from '../../helpers/tmp';
import { SEATTLE } from './realData';

const dir = tempDir();
const [header, ...lines] = fs.readFileSync(SEATTLE, 'utf8').trim().split('\n');
const names = header.split(',');
const rows = (year: string) => lines.filter((l) => l.startsWith(year)).map((l) => l.split(','));
/** seattle-weather for a year with only these columns, each value passed through `map`. */
function write(file: string, year: string, columns: string[], map: (column: string, value: string) => string = (_c, v) => v): string {
  const index = columns.map((c) => names.indexOf(c));
  fs.writeFileSync(path.join(dir, file), [columns.join(','), ...rows(year).map((r) => index.map((i, k) => map(columns[k], r[i])).join(','))].join('\n') + '\n');
  return path.join(dir, file);
}

test('added, missing and retyped columns are reported; the shared columns are compared as usual', async () => {
  const reference = write('ref.csv', '2012', ['date', 'precipitation', 'temp_max', 'wind', 'weather']);
  // wind written as words in the current file: the same column, now categorical.
  const current = write('cur.csv', '2015', ['date', 'temp_max', 'temp_min', 'wind', 'weather'], (c, v) => (c === 'wind' ? `w${Math.round(Number(v))}` : v));
  const report = await computeDrift(reference, current, {}, { workers: 0 });
  assert.deepEqual(report.schema, {
    added: ['temp_min'],
    missing: ['precipitation'],
    typeChanged: [{ name: 'wind', reference: 'num', current: 'cat' }],
  });
  assert.deepEqual(report.columns.map((c) => c.name), ['temp_max', 'wind', 'weather']);
  const shared = await computeDrift(reference, current, { columns: ['temp_max', 'weather'] }, { workers: 0 });
  for (const name of ['temp_max', 'weather']) {
    const [a, b] = [report.columns.find((c) => c.name === name)!, shared.columns.find((c) => c.name === name)!];
    assert.deepEqual([a.test, a.statistic, a.pValue, a.drifted], [b.test, b.statistic, b.pValue, b.drifted], name);
  }
  assert.equal(report.dataset.columns, 3);
});

test('the same columns of the same types: no schema change', async () => {
  const columns = ['date', 'precipitation', 'temp_max', 'weather'];
  const report = await computeDrift(write('a.csv', '2013', columns), write('b.csv', '2014', columns), {}, { workers: 0 });
  assert.deepEqual(report.schema, { added: [], missing: [], typeChanged: [] });
});

// `mlwb drift` as a user runs it: the text table, the JSON contract, exit codes for CI, one-line
// errors for bad files, the self-contained HTML report opened in Chromium, and the stored report.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { listDriftReports, loadDriftReport } from '../../src/core/drift/saveReport';
import { Store } from '../../src/core/store/store';
import { tempDir } from '../helpers/tmp';
import { SEATTLE } from '../core/drift/realData';
import { mlwb } from './harness';

const dir = tempDir();
const [header, ...lines] = fs.readFileSync(SEATTLE, 'utf8').trim().split('\n');
fs.writeFileSync(path.join(dir, 'ref.csv'), [header, ...lines.filter((l) => l.startsWith('2012'))].join('\n') + '\n');
fs.writeFileSync(path.join(dir, 'cur.csv'), [header, ...lines.filter((l) => l.startsWith('2015'))].join('\n') + '\n');
fs.writeFileSync(path.join(dir, 'same.csv'), [header, ...lines.filter((l) => l.startsWith('2012'))].join('\n') + '\n');

test('text output: the verdict line and one row per column', async () => {
  const r = await mlwb(['drift', 'ref.csv', 'cur.csv', '--no-save'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Drift in 3 of 5 columns \(60 %\) — dataset drift \(threshold 50 %\)\n/);
  assert.match(r.stdout, /\ntemp_max +num +ks +[\d.]+ +[\d.e-]+ +[\d.e-]+ +0\.05 +DRIFT/);
  assert.match(r.stdout, /skipped date: dates/);
});

test('--json keeps the published names; --fail-on-drift exits 1 only on dataset drift', async () => {
  const r = await mlwb(['drift', 'ref.csv', 'cur.csv', '--json', '--fail-on-drift', '--no-save'], dir);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(report.dataset).sort(), ['columns', 'driftShare', 'drifted', 'driftedColumns', 'share']);
  assert.equal(report.dataset.drifted, true);
  for (const c of report.columns) {
    for (const key of ['name', 'type', 'test', 'statistic', 'pValue', 'score', 'threshold', 'drifted']) assert.ok(key in c, key);
    assert.ok(['num', 'cat', 'text'].includes(c.type));
  }
  const same = await mlwb(['drift', 'ref.csv', 'same.csv', '--json', '--fail-on-drift', '--no-save'], dir);
  assert.equal(same.code, 0, same.stderr);
  assert.equal(JSON.parse(same.stdout).dataset.driftedColumns, 0);
  const share = await mlwb(['drift', 'ref.csv', 'cur.csv', '--fail-on-drift', '--drift-share', '0.7', '--no-save'], dir);
  assert.equal(share.code, 0, share.stderr);
  const chosen = JSON.parse((await mlwb(['drift', 'ref.csv', 'cur.csv', '--json', '--column', 'wind', '--test', 'wind=hellinger', '--threshold', 'wind=0.5', '--no-save'], dir)).stdout);
  assert.deepEqual(chosen.columns.map((c: { name: string; test: string; threshold: number; pValue: null }) => [c.name, c.test, c.threshold, c.pValue]), [['wind', 'hellinger', 0.5, null]]);
});

test('--by/--window: a table of windows with their drifted columns', async () => {
  const r = await mlwb(['drift', 'ref.csv', 'cur.csv', '--by', 'date', '--window', '183D', '--no-save'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\nDrift over time \(by date, window 183D\):\nwindow +rows +drifted +columns\n2015-01-01 +183 +\d\/5 /);
  assert.match(r.stdout, /\n2015-07-03 +182 +\d\/5 /);
  const json = JSON.parse((await mlwb(['drift', 'ref.csv', 'cur.csv', '--by', 'date', '--window', '183D', '--json', '--no-save'], dir)).stdout);
  assert.deepEqual(json.windows.list.map((w: { rows: number }) => w.rows), [183, 182]);
  const bad = await mlwb(['drift', 'ref.csv', 'cur.csv', '--by', 'date', '--no-save'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^mlwb: --by and --window go together\./);
});

test('bad input: one line on stderr, exit code 1 or 2, nothing on stdout', async () => {
  fs.writeFileSync(path.join(dir, 'ragged.csv'), 'a,b\n1,2\n3,4\n5\n');
  fs.writeFileSync(path.join(dir, 'empty.csv'), '');
  fs.writeFileSync(path.join(dir, 'latin1.csv'), Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0xe9]), Buffer.from('\n')]));
  fs.writeFileSync(path.join(dir, 'other.csv'), 'x,y\n1,2\n');
  const cases: Array<[string[], RegExp, number]> = [
    [['ref.csv', 'ragged.csv'], /^mlwb: ragged\.csv:4: this row has 1 field, the header has 2\./, 1],
    [['ref.csv', 'empty.csv'], /^mlwb: empty\.csv is empty\./, 1],
    [['ref.csv', 'latin1.csv'], /^mlwb: latin1\.csv is not UTF-8 text \(line 2\)\./, 1],
    [['ref.csv', 'other.csv'], /^mlwb: The two files have no column in common/, 1],
    [['ref.csv', 'missing.csv'], /^mlwb: missing\.csv: file not found\./, 1],
    [['ref.csv'], /^mlwb: mlwb drift needs two files/, 2],
    [['ref.csv', 'cur.csv', '--drift-share', '2'], /^mlwb: --drift-share must be a number from 0 to 1/, 2],
    [['ref.csv', 'cur.csv', '--test', 'wind'], /^mlwb: --test takes COLUMN=VALUE/, 2],
    [['ref.csv', 'cur.csv', '--column', 'nope'], /^mlwb: Column "nope" is not in ref\.csv\./, 1],
  ];
  for (const [args, pattern, code] of cases) {
    const r = await mlwb(['drift', ...args, '--no-save'], dir);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(r.stdout, '');
  }
});

test('a file larger than the memory is refused before it is read, with a reproducible way to sample it', async () => {
  // Sparse: as large as a user's export, without the disk space.
  const fd = fs.openSync(path.join(dir, 'huge.csv'), 'w');
  fs.ftruncateSync(fd, os.totalmem() + 1);
  fs.closeSync(fd);
  const r = await mlwb(['drift', 'ref.csv', 'huge.csv', '--no-save'], dir);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^mlwb: huge\.csv is [\d.]+ GiB, more than this machine can hold in memory for a drift report \([\d.]+ GiB\)\. — Compare a random sample of its rows, e\.g\. .*shuf -n 1000000 --random-source=huge\.csv/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.equal(r.stdout, '');
});

test('--html writes one self-contained file that draws the report in Chromium without network', async () => {
  const r = await mlwb(['drift', 'ref.csv', 'cur.csv', '--html', 'report.html', '--by', 'date', '--window', '26W', '--no-save'], dir);
  assert.equal(r.code, 0, r.stderr);
  const html = fs.readFileSync(path.join(dir, 'report.html'), 'utf8');
  // Outside the inlined code, the page refers to nothing; Chromium below checks no request leaves.
  const markup = html.replace(/<script[^>]*>[\s\S]*?<\/script>/g, '<script></script>');
  assert.doesNotMatch(markup, /\ssrc=|\shref=|https?:/i);
  assert.ok(html.length < 1_000_000, `${html.length} bytes`);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (req) => !req.url().startsWith('file:') && requests.push(req.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${path.join(dir, 'report.html')}`);
    await page.waitForSelector('[data-role=verdict]');
    assert.equal(await page.textContent('[data-role=verdict]'), 'Drift in 3 of 5 columns (60 %) — dataset drift (threshold 50 %)');
    assert.equal(await page.locator('table.columns tbody tr').count(), 5);
    assert.equal(await page.locator('canvas[data-chart=histogram]').count(), 4);
    assert.equal(await page.locator('canvas[data-chart=bars]').count(), 1);
    assert.equal(await page.locator('canvas[data-chart=over-time]').count(), 5);
    // The histogram is drawn: its canvas has pixels in both fixed colours.
    type Canvas = { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const colours = await page.locator('canvas[data-chart=histogram]').first().evaluate((element) => {
      const c = element as unknown as Canvas;
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let blue = 0;
      let red = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 2] > data[i] + 60 && data[i + 3] > 0) blue++;
        if (data[i] > data[i + 2] + 60 && data[i + 3] > 0) red++;
      }
      return { blue, red };
    });
    assert.ok(colours.blue > 100 && colours.red > 100, JSON.stringify(colours));
    await page.fill('input[type=search]', 'temp');
    assert.equal(await page.locator('table.columns tbody tr').count(), 2);
    assert.deepEqual(requests, []);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('with a store in the workspace the report is kept with both files\' fingerprints', async () => {
  const r = await mlwb(['drift', 'ref.csv', 'cur.csv', '--save'], dir);
  assert.equal(r.code, 0, r.stderr);
  const store = Store.open({ cwd: dir, create: false });
  try {
    const [summary] = listDriftReports(store);
    assert.equal(summary.referencePath, 'ref.csv');
    assert.equal(summary.driftedColumns, 3);
    const report = loadDriftReport(store, summary.id)!;
    const { createHash } = await import('node:crypto');
    const sha = (f: string) => createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex');
    assert.equal(report.reference.sha256, sha('ref.csv'));
    assert.equal(report.current.sha256, sha('cur.csv'));
    assert.equal(report.columns.length, 5);
  } finally {
    store.close();
  }
  const again = await mlwb(['drift', 'ref.csv', 'same.csv'], dir);
  assert.equal(again.code, 0, again.stderr);
  const store2 = Store.open({ cwd: dir, create: false });
  try {
    assert.equal(listDriftReports(store2).length, 2);
  } finally {
    store2.close();
  }
});

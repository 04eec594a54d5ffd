// `mlwb drift` on what the report adds beyond column tests: schema changes, text columns (n-grams,
// out-of-vocabulary share, lengths) and prediction drift with --model, in the text output, the
// JSON and the self-contained HTML report opened in Chromium.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { tempDir } from '../helpers/tmp';
import { descriptionSentences, textCsv } from '../core/drift/realText';
import { mlwb, REPO } from './harness';

const dir = tempDir();
const DEMO = path.join(REPO, 'demo');
const MODEL = path.join(DEMO, 'models', 'penguins.onnx');
const demoRows = (file: string) => fs.readFileSync(path.join(DEMO, 'data', file), 'utf8').trim().split('\n');

// The demo's two penguin files with a notes column (empty on most rows): the reference's notes are
// sentences of the toy datasets' descriptions, the current's of the real-world ones'; the current file also loses `sex`
// and gains `tag`, and its `island` is written as numbers.
const toy = descriptionSentences(['iris', 'wine_data', 'breast_cancer', 'diabetes', 'digits', 'linnerud']);
const realWorld = descriptionSentences(['twenty_newsgroups', 'rcv1', 'kddcup99', 'covtype', 'lfw', 'olivetti_faces', 'california_housing']);
const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
{
  const [header, ...rows] = demoRows('penguins-reference.csv');
  fs.writeFileSync(path.join(dir, 'ref.csv'), [`${header},note`, ...rows.map((r, i) => `${r},${i < toy.length ? quote(toy[i]) : ''}`)].join('\n') + '\n');
  const [curHeader, ...curRows] = demoRows('penguins-current.csv');
  const names = curHeader.split(',');
  const islands = ['Biscoe', 'Dream', 'Torgersen'];
  const cur = curRows.map((r, i) => {
    const f = r.split(',');
    f[names.indexOf('island')] = String(islands.indexOf(f[names.indexOf('island')]));
    f.splice(names.indexOf('sex'), 1);
    return [...f, `T${i % 7}`, i < realWorld.length ? quote(realWorld[i]) : ''].join(',');
  });
  fs.writeFileSync(path.join(dir, 'cur.csv'), [[...names.filter((n) => n !== 'sex'), 'tag', 'note'].join(','), ...cur].join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'text-ref.csv'), textCsv('sentence', toy));
  fs.writeFileSync(path.join(dir, 'text-cur.csv'), textCsv('sentence', realWorld));
}

interface JsonReport {
  schema: { added: string[]; missing: string[]; typeChanged: Array<{ name: string; reference: string; current: string }> };
  columns: Array<{ name: string; type: string; test: string; drifted: boolean; text?: { ngrams: Array<{ n: number; divergence: number; drifted: boolean }>; outOfVocabulary: { share: number } } }>;
}

test('schema changes: reported in JSON and text; the shared columns are compared', async () => {
  const r = await mlwb(['drift', 'ref.csv', 'cur.csv', '--json', '--no-save'], dir);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as JsonReport;
  assert.deepEqual(report.schema, { added: ['tag'], missing: ['sex'], typeChanged: [{ name: 'island', reference: 'cat', current: 'num' }] });
  assert.deepEqual(report.columns.map((c) => c.name), ['species', 'island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'note']);
  const text = await mlwb(['drift', 'ref.csv', 'cur.csv', '--no-save'], dir);
  assert.match(text.stdout, /\nschema changes: added: tag; missing: sex; type changed: island \(cat → num\)\n/);
});

test('a text column: n-gram distances, out-of-vocabulary share and mean lengths in the text output, the same figures in JSON', async () => {
  const json = JSON.parse((await mlwb(['drift', 'text-ref.csv', 'text-cur.csv', '--json', '--no-save'], dir)).stdout) as JsonReport;
  const [column] = json.columns;
  assert.equal(column.type, 'text');
  assert.equal(column.text!.ngrams.length, 3);
  const r = await mlwb(['drift', 'text-ref.csv', 'text-cur.csv', '--no-save'], dir);
  assert.equal(r.code, 0, r.stderr);
  const line = r.stdout.split('\n').find((l) => l.startsWith('text sentence: '));
  assert.ok(line, r.stdout);
  const shown = [...line.matchAll(/(words|bigrams|trigrams) ([\d.e-]+)/g)].map((m) => Number(m[2]));
  column.text!.ngrams.forEach((g, i) => assert.equal(shown[i], Number(g.divergence.toPrecision(4)), `${g.n}-gram`));
  assert.match(line, new RegExp(`out of vocabulary ${(column.text!.outOfVocabulary.share * 100).toFixed(1)} %`));
  assert.match(line, /mean length [\d.]+ → [\d.]+ characters$/);
});

test('--model: the demo model\'s prediction and prediction_score are rows of the report', async () => {
  const r = await mlwb(['drift', path.join(DEMO, 'data', 'penguins-reference.csv'), path.join(DEMO, 'data', 'penguins-current.csv'), '--model', MODEL, '--json', '--no-save'], dir);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as JsonReport;
  const byName = new Map(report.columns.map((c) => [c.name, c]));
  assert.equal(byName.get('prediction')?.type, 'cat');
  assert.equal(byName.get('prediction_score')?.type, 'num');
  const text = await mlwb(['drift', path.join(DEMO, 'data', 'penguins-reference.csv'), path.join(DEMO, 'data', 'penguins-current.csv'), '--model', MODEL, '--no-save'], dir);
  assert.match(text.stdout, /\nprediction +cat +chisquare +/);
  assert.match(text.stdout, /\nprediction_score +num +ks +/);
  const bad = await mlwb(['drift', 'ref.csv', 'cur.csv', '--device', 'cpu', '--no-save'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^mlwb: --model-features and --device go with --model\./);
  const missing = await mlwb(['drift', 'ref.csv', 'cur.csv', '--model', 'nope.onnx', '--no-save'], dir);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^mlwb: Model file not found: .*nope\.onnx\./);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
});

test('--html: schema changes, the text column\'s n-gram tables and length histogram, and the prediction columns are drawn', async () => {
  const r = await mlwb(['drift', 'ref.csv', 'cur.csv', '--model', MODEL, '--html', 'report.html', '--no-save'], dir);
  assert.equal(r.code, 0, r.stderr);
  const html = fs.readFileSync(path.join(dir, 'report.html'), 'utf8');
  // Aggregates only: no sentence of the text column is in the file.
  for (const s of [...toy, ...realWorld].filter((s) => s.length > 40)) assert.ok(!html.includes(JSON.stringify(s).slice(1, -1)), s);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${path.join(dir, 'report.html')}`);
    await page.waitForSelector('[data-role=verdict]');
    const schema = await page.locator('[data-role=schema] li').allTextContents();
    assert.deepEqual(schema, ['Added in current (not compared): tag', 'Missing from current (not compared): sex', 'Type changed: island — cat in reference, num in current']);
    const note = page.locator('article[data-column=note]');
    assert.equal(await note.locator('table.ngram').count(), 3);
    assert.match(await note.locator('table.ngram caption').first().innerText(), /^words: JS distance [\d.]+ \(threshold 0\.1\) — drift$/);
    assert.equal(await note.locator('table.ngram[data-n="2"] tbody tr').count(), 10);
    assert.match(await note.locator('[data-role=oov]').innerText(), /^Out of vocabulary: [\d.]+ % of the current words/);
    assert.equal(await note.locator('canvas[data-chart=text-length]').count(), 1);
    assert.equal(await page.locator('article[data-column=prediction] canvas[data-chart=bars]').count(), 1);
    assert.equal(await page.locator('article[data-column=prediction_score] canvas[data-chart=histogram]').count(), 1);
    assert.deepEqual(errors, []);
    await page.screenshot({ path: path.join(process.env.MLWB_SCREENSHOTS ?? dir, 'drift-features-report.png'), fullPage: true });
  } finally {
    await browser.close();
  }
});

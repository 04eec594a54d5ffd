// `mlwb test` with the kinds that reach the inference and drift cores, on real models and data:
// the torch-trained penguins classifier (ONNX fixtures), the Palmer penguins CSV of the demo and
// Seattle's weather (vega-datasets). Each kind passes and fails; the figures are checked against
// independent paths: `mlwb model eval --json`, raw onnxruntime-node, and scipy's ks_2samp.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { fmt } from '../../src/core/regress/checks';
import type { TestResult } from '../../src/core/regress/types';
import { onnxFixtures } from '../helpers/onnxFixtures';
import { tempDir } from '../helpers/tmp';
import { mlwb, mlwbJson, REPO } from './harness';

interface JsonReport {
  summary: { tests: number; passed: number; failed: number; errored: number };
  results: TestResult[];
}

interface EvalJson {
  rows: number;
  metrics: { accuracy: number; logLoss: number };
  slices: { value: string; metrics: { count: number; accuracy: number } }[];
}

const dir = tempDir('mlwb-regress-kinds-');

async function runTests(yaml: string, ...args: string[]): Promise<{ code: number | null; results: Map<string, TestResult>; stderr: string }> {
  fs.writeFileSync(path.join(dir, 'mlwb.tests.yaml'), yaml);
  const r = await mlwb(['test', '--json', ...args], dir);
  assert.ok(r.stdout.trim().startsWith('{'), `no JSON report (exit ${r.code}): ${r.stderr}`);
  const report = JSON.parse(r.stdout) as JsonReport;
  return { code: r.code, results: new Map(report.results.map((t) => [t.name, t])), stderr: r.stderr };
}

const check = (result: TestResult | undefined, label: string) => {
  const found = result?.checks.find((c) => c.label === label);
  assert.ok(found, `no check "${label}" in ${JSON.stringify(result?.checks)}`);
  return found;
};

/** Rows of a CSV whose first cell (the date) matches. */
function csvWhere(file: string, keep: (date: string, index: number) => boolean): string {
  const [header, ...rows] = fs.readFileSync(file, 'utf8').trim().split('\n');
  return [header, ...rows.filter((r, i) => keep(r.split(',')[0], i))].join('\n') + '\n';
}

/** scipy.stats.ks_2samp's p-value for a column of two CSVs: the oracle of the drift core's ks test. */
function scipyKsPValue(reference: string, current: string, column: string): number {
  const script = 'import sys, pandas as pd\nfrom scipy.stats import ks_2samp\n' +
    'r, c, col = sys.argv[1:4]\nprint(ks_2samp(pd.read_csv(r)[col], pd.read_csv(c)[col]).pvalue)';
  return Number(execFileSync('/usr/bin/python3', ['-c', script, reference, current, column]).toString());
}

describe('mlwb test: model-quality, golden-outputs, latency and drift-gate on the real cores', () => {
  let penguins: string;
  const rows = [[39.1, 18.7, 181, 3750], [46.5, 17.9, 192, 3500], [50, 15.2, 218, 5700]];

  before(async () => {
    penguins = (await onnxFixtures()).penguins;
    fs.copyFileSync(penguins, path.join(dir, 'penguins.onnx'));
    // The demo's penguins: the fixture model's four numeric features, the species, and the island to slice by.
    fs.copyFileSync(path.join(REPO, 'demo', 'data', 'penguins.csv'), path.join(dir, 'penguins.csv'));
    fs.writeFileSync(path.join(dir, 'inputs.json'), JSON.stringify({ features: { shape: [3, 4], data: rows.flat() } }));
    const weather = path.join(REPO, 'node_modules', 'vega-datasets', 'data', 'seattle-weather.csv');
    fs.writeFileSync(path.join(dir, 'odd-days.csv'), csvWhere(weather, (_d, i) => i % 2 === 1));
    fs.writeFileSync(path.join(dir, 'even-days.csv'), csvWhere(weather, (_d, i) => i % 2 === 0));
    fs.writeFileSync(path.join(dir, 'winter.csv'), csvWhere(weather, (d) => /-0[1-3]-/.test(d)));
    fs.writeFileSync(path.join(dir, 'summer.csv'), csvWhere(weather, (d) => /-0[6-8]-/.test(d)));
    fs.writeFileSync(path.join(dir, 'y2012.csv'), csvWhere(weather, (d) => d.startsWith('2012')));
    fs.writeFileSync(path.join(dir, 'y2013.csv'), csvWhere(weather, (d) => d.startsWith('2013')));
  });

  it('model-quality: the accuracy and per-island figures of `mlwb model eval`, thresholds passing and failing', async () => {
    const oracle = await mlwbJson<EvalJson>(['model', 'eval', 'penguins.onnx', '--data', 'penguins.csv', '--label', 'species', '--slice', 'island'], dir);
    const { accuracy, logLoss } = oracle.metrics;
    assert.ok(oracle.slices.length === 3 && accuracy > 0.9, JSON.stringify(oracle));
    const { code, results } = await runTests(`tests:
  - name: good enough
    kind: model-quality
    model: penguins.onnx
    data: penguins.csv
    target: species
    metrics: { accuracy: { min: ${accuracy - 0.01} }, log_loss: { max: ${logLoss * 2} } }
    slices: { column: island, metrics: { accuracy: { min: 0.5 } } }
  - name: too demanding
    kind: model-quality
    model: penguins.onnx
    data: penguins.csv
    target: species
    metrics: { log_loss: { max: ${logLoss / 2} }, auc: { min: 0.5 } }
`);
    assert.equal(code, 1);
    const good = results.get('good enough')!;
    assert.equal(good.status, 'passed', good.message);
    assert.equal(check(good, 'accuracy').actual, fmt(accuracy));
    for (const s of oracle.slices) assert.equal(check(good, `island=${s.value} (${s.metrics.count} rows): accuracy`).actual, fmt(s.metrics.accuracy));
    assert.match(good.output.join('\n'), new RegExp(`on ${oracle.rows} rows of penguins\\.csv \\(cpu\\)`));
    const strict = results.get('too demanding')!;
    assert.equal(strict.status, 'failed');
    assert.deepEqual(strict.checks.map((c) => [c.label, c.ok]), [['log_loss', false], ['auc', false]]);
    assert.equal(check(strict, 'log_loss').actual, fmt(logLoss));
    assert.match(check(strict, 'auc').actual, /^not computed \(have: accuracy, .*f1_macro/);
  });

  const goldenYaml = (atol: number) => `tests:
  - name: golden
    kind: golden-outputs
    model: penguins.onnx
    inputs: inputs.json
    outputs: golden.json
    atol: ${atol}
    rtol: 0
`;

  it('golden-outputs: --record-golden writes what raw onnxruntime-node outputs; a changed output fails with its element', async () => {
    fs.writeFileSync(path.join(dir, 'mlwb.tests.yaml'), goldenYaml(1e-6));
    const recorded = await mlwb(['test', '--record-golden', 'golden'], dir);
    assert.equal(recorded.code, 0, recorded.stderr);
    assert.match(recorded.stderr, /recorded the golden outputs of "golden" in golden\.json/);
    const session = await ort.InferenceSession.create(penguins);
    const raw = await session.run({ features: new ort.Tensor('float32', Float32Array.from(rows.flat()), [3, 4]) });
    const golden = JSON.parse(fs.readFileSync(path.join(dir, 'golden.json'), 'utf8')) as Record<string, { shape: number[]; data: number[] }>;
    assert.deepEqual(Object.keys(golden), ['probabilities']);
    assert.deepEqual(golden.probabilities.shape, [...raw.probabilities.dims]);
    assert.deepEqual(golden.probabilities.data, Array.from(raw.probabilities.data as Float32Array));

    const same = await runTests(goldenYaml(1e-6));
    assert.equal(same.code, 0, same.results.get('golden')?.message);
    // Another model's outputs: the stored file moved by 0.01 in one element.
    golden.probabilities.data[4] += 0.01;
    fs.writeFileSync(path.join(dir, 'golden.json'), JSON.stringify(golden));
    const changed = (await runTests(goldenYaml(1e-3))).results.get('golden')!;
    assert.equal(changed.status, 'failed');
    assert.equal(changed.checks[0].actual.split(' (')[0], '1 of 9 differ');
    assert.match(changed.diff ?? '', /^- probabilities\[1, 1\] .*\n\+ probabilities\[1, 1\] /);
    assert.ok(changed.diff!.includes(String(golden.probabilities.data[4])), changed.diff);
  });

  it('latency: percentiles in order on the selected device; a budget no model meets fails; an unknown device errors', async () => {
    const yaml = `tests:
  - name: latency
    kind: latency
    model: penguins.onnx
    batch: 16
    iterations: 30
    warmup: 3
    p50Ms: { max: 60000 }
    p99Ms: { max: 60000 }
  - name: impossible
    kind: latency
    model: penguins.onnx
    iterations: 5
    p95Ms: { max: 0 }
`;
    const { code, results } = await runTests(yaml);
    assert.equal(code, 1);
    const ok = results.get('latency')!;
    assert.equal(ok.status, 'passed', ok.message);
    const m = /^p50 ([\d.]+) ms, p95 ([\d.]+) ms, p99 ([\d.]+) ms, (\d+) rows\/s on cpu$/.exec(ok.output[0]);
    assert.ok(m, ok.output.join('\n'));
    const [p50, p95, p99, throughput] = m.slice(1).map(Number);
    assert.ok(p50 > 0 && p50 <= p95 && p95 <= p99 && throughput > 0, ok.output[0]);
    assert.deepEqual(ok.checks.map((c) => c.label), ['p50 latency (ms), batch 16 on cpu', 'p99 latency (ms), batch 16 on cpu']);
    assert.equal(results.get('impossible')!.status, 'failed');
    // The device comes from MLWB_DEVICE (or --device) and reaches the inference process.
    fs.writeFileSync(path.join(dir, 'mlwb.tests.yaml'), yaml);
    const r = await mlwb(['test', '--json', '--only', 'latency'], dir, { ...process.env, MLWB_DEVICE: 'tpu' });
    const onTpu = (JSON.parse(r.stdout) as JsonReport).results[0];
    assert.equal(onTpu.status, 'errored');
    assert.match(onTpu.message, /Unknown device "tpu"/);
  });

  it('drift-gate: alternate days do not drift, winter vs summer does; ks p-values per column as scipy computes them', async () => {
    const { code, results } = await runTests(`tests:
  - name: alternate days
    kind: drift-gate
    reference: odd-days.csv
    current: even-days.csv
  - name: winter vs summer
    kind: drift-gate
    reference: winter.csv
    current: summer.csv
  - name: 2013 vs 2012
    kind: drift-gate
    reference: y2012.csv
    current: y2013.csv
    columns:
      temp_max: { minPValue: 0.05 }
      wind: { minPValue: 0.05 }
      weather: { maxScore: 0.1 }
`);
    assert.equal(code, 1);
    const same = results.get('alternate days')!;
    assert.equal(same.status, 'passed', same.message);
    assert.match(check(same, 'dataset drift').actual, /^no drift/);
    const seasons = results.get('winter vs summer')!;
    assert.equal(seasons.status, 'failed');
    assert.match(check(seasons, 'dataset drift').actual, /^drift \(.*temp_max.*: \d+% of columns\)$/);
    const years = results.get('2013 vs 2012')!;
    assert.equal(years.status, 'failed');
    for (const column of ['temp_max', 'wind']) {
      const c = check(years, `column ${column} (ks)`);
      const expected = scipyKsPValue(path.join(dir, 'y2012.csv'), path.join(dir, 'y2013.csv'), column);
      assert.ok(Math.abs(Number(c.actual) - expected) <= 1e-3 * expected, `${column}: ${c.actual} vs scipy ${expected}`);
      assert.equal(c.ok, expected >= 0.05, `${column}: p ${expected}`);
    }
    // weather is categorical: its test gives a p-value, so a distance limit is a mistake the check names.
    assert.match(check(years, 'column weather (chisquare)').actual, /gives a p-value .*give minPValue for this column/);
  });

  it('a missing golden file or model errors with the line to fix', async () => {
    fs.rmSync(path.join(dir, 'golden.json'));
    const { results } = await runTests(`${goldenYaml(1e-6)}  - name: no model
    kind: latency
    model: nowhere.onnx
    p50Ms: { max: 10 }
`);
    assert.match(results.get('golden')!.message, /mlwb\.tests\.yaml:6: golden outputs file \(record it with mlwb test --record-golden\) not found: golden\.json/);
    assert.match(results.get('no model')!.message, /mlwb\.tests\.yaml:11: model file not found: nowhere\.onnx/);
  });
});

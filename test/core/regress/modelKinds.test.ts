// The kinds that call the inference and drift cores (model-quality, golden-outputs, latency,
// drift-gate). Those cores are written on other branches and are not in this tree yet, so the
// ports get TEST DOUBLES here that return fixed figures: these tests cover the config, the
// thresholds, the messages and the missing-core error — not inference or drift themselves.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { parseTestConfig } from '../../../src/core/regress/config';
import type { DriftRunner, ModelRunner } from '../../../src/core/regress/ports';
import { runTest, type RunTestsOptions } from '../../../src/core/regress/runner';
import type { TestResult } from '../../../src/core/regress/types';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';

const dir = tempDir('mlwb-regress-models-');
for (const f of ['model.onnx', 'data.csv', 'ref.csv', 'cur.csv', 'inputs.json']) fs.writeFileSync(path.join(dir, f), 'x');
fs.writeFileSync(path.join(dir, 'golden.json'), JSON.stringify({ probs: { shape: [1, 3], data: [0.1, 0.2, 0.7] } }));
const store = Store.open({ cwd: dir, create: true });
after(() => store.close());

const calls: string[] = [];
const doubleModels: ModelRunner = {
  async evaluate(r) {
    calls.push(`evaluate ${path.basename(r.model)} ${path.basename(r.data)} target=${r.target} slice=${r.sliceBy} ${r.device}`);
    return { rows: 300, overall: { accuracy: 0.93, macro_f1: 0.9 }, slices: { Biscoe: { rows: 160, metrics: { accuracy: 0.97 } }, Dream: { rows: 120, metrics: { accuracy: 0.81 } } } };
  },
  async predict(r) {
    calls.push(`predict ${path.basename(r.inputs)} ${r.device}`);
    return { probs: { shape: [1, 3], data: [0.1, 0.25, 0.7] } };
  },
  async latency(r) {
    calls.push(`latency batch=${r.batch} iterations=${r.iterations} ${r.device}`);
    return { p50Ms: 1.2, p95Ms: 2.5, p99Ms: 6.1, throughput: 800 };
  },
};
const doubleDrift: DriftRunner = {
  async compare(r) {
    calls.push(`drift ${path.basename(r.reference)} ${path.basename(r.current)} ${r.columns?.join(',') ?? 'all'}`);
    return { datasetDrift: true, driftShare: 0.5, columns: [{ column: 'a', test: 'ks', score: 0.04, drifted: false }, { column: 'b', test: 'chi2', score: 0.3, drifted: true }] };
  },
};

async function run(yaml: string, options: Partial<RunTestsOptions> = {}): Promise<TestResult[]> {
  const config = parseTestConfig(path.join(dir, 'mlwb.tests.yaml'), yaml);
  assert.deepEqual(config.problems, []);
  const results: TestResult[] = [];
  for (const t of config.tests) results.push(await runTest(t, { store, env: process.env, device: 'webgpu', models: doubleModels, drift: doubleDrift, ...options }));
  return results;
}

const YAML = `tests:
  - name: quality
    kind: model-quality
    model: model.onnx
    data: data.csv
    target: species
    metrics: { accuracy: { min: 0.9 }, macro_f1: { min: 0.95 }, auc: { min: 0.5 } }
    slices: { column: island, metrics: { accuracy: { min: 0.85 } } }
  - name: golden
    kind: golden-outputs
    model: model.onnx
    inputs: inputs.json
    outputs: golden.json
    atol: 0.01
  - name: latency
    kind: latency
    model: model.onnx
    batch: 8
    p50Ms: { max: 2 }
    p99Ms: { max: 5 }
  - name: drift, whole data set
    kind: drift-gate
    reference: ref.csv
    current: cur.csv
  - name: drift, named columns
    kind: drift-gate
    reference: ref.csv
    current: cur.csv
    columns: { a: { maxScore: 0.1 }, b: { maxScore: 0.5 } }
`;

describe('kinds behind the inference and drift ports (test doubles)', () => {
  it('applies thresholds overall and per slice, tolerances, budgets and drift gates on the selected device', async () => {
    calls.length = 0;
    const [quality, golden, latency, whole, named] = await run(YAML);
    assert.deepEqual(calls, [
      'evaluate model.onnx data.csv target=species slice=island webgpu', 'predict inputs.json webgpu',
      'latency batch=8 iterations=100 webgpu', 'drift ref.csv cur.csv all', 'drift ref.csv cur.csv a,b',
    ]);
    assert.equal(quality.status, 'failed');
    assert.deepEqual(quality.checks.filter((c) => !c.ok).map((c) => `${c.label}: ${c.expected} / ${c.actual}`), [
      'macro_f1: ≥ 0.95 / 0.9', 'auc: computed / not computed (have: accuracy, macro_f1)', 'island=Dream (120 rows): accuracy: ≥ 0.85 / 0.81',
    ]);
    assert.equal(golden.status, 'failed');
    assert.equal(golden.diff, '- probs[0, 1] 0.2\n+ probs[0, 1] 0.25   (|Δ| 0.0500 > 0.0100)');
    assert.deepEqual(latency.checks.map((c) => [c.label, c.ok]), [['p50 latency (ms), batch 8 on webgpu', true], ['p99 latency (ms), batch 8 on webgpu', false]]);
    assert.equal(whole.status, 'failed');
    assert.equal(whole.actual, 'drift (b: 50% of columns)');
    assert.equal(named.status, 'passed');
  });

  it('errors with the line to fix when the core is not there, or a file is missing', async () => {
    const results = await run(YAML, { models: undefined, drift: undefined });
    assert.deepEqual(results.map((r) => r.status), ['errored', 'errored', 'errored', 'errored', 'errored']);
    assert.match(results[0].message, /mlwb\.tests\.yaml:4: this test needs the inference core, which this build of ML Workbench does not include yet$/);
    assert.match(results[3].message, /mlwb\.tests\.yaml:23: this test needs the drift core/);
    const [missing] = await run('tests:\n  - name: g\n    kind: golden-outputs\n    model: model.onnx\n    inputs: inputs.json\n    outputs: nothing.json\n');
    assert.match(missing.message, /:6: golden outputs file \(record it with mlwb test --record-golden\) not found: nothing\.json/);
  });
});

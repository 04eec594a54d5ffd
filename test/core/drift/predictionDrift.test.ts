// Prediction drift: the demo's penguins model (demo/models/penguins.onnx) run on both files
// through the inference process; its predicted classes and top-class probabilities are compared
// like any column. The oracle: the same model run by raw onnxruntime-node in this test, scored
// by scipy (chi-square on the class counts, ks_2samp on the probabilities).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { computeDrift } from '../../../src/core/drift/computeDrift';
import { MlwbError } from '../../../src/core/errors';
import { inspectModel } from '../../../src/core/inference/modelInfo';
import { onnxFixtures } from '../../helpers/onnxFixtures';
import { tempDir } from '../../helpers/tmp';
import { assertClose, scipy } from './scipyOracle';

const DEMO = path.join(__dirname, '..', '..', '..', 'demo');
const MODEL = path.join(DEMO, 'models', 'penguins.onnx');
const FEATURES = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'];

const dir = tempDir();
const [header, ...lines] = fs.readFileSync(path.join(DEMO, 'data', 'penguins.csv'), 'utf8').trim().split('\n');
const names = header.split(',');
const mass = (line: string) => line.split(',')[names.indexOf('body_mass_g')];
// Light penguins (and the two rows without measurements) as reference, heavy ones as current.
const light = lines.filter((l) => mass(l) === '' || Number(mass(l)) < 4000);
const heavy = lines.filter((l) => mass(l) !== '' && Number(mass(l)) >= 4000);
fs.writeFileSync(path.join(dir, 'light.csv'), [header, ...light].join('\n') + '\n');
fs.writeFileSync(path.join(dir, 'heavy.csv'), [header, ...heavy].join('\n') + '\n');

/** Raw onnxruntime-node on the rows with every feature: predicted class labels and their probabilities. */
async function rawPredictions(rows: string[]): Promise<{ labels: string[]; scores: number[]; skipped: number }> {
  const classes = inspectModel(fs.readFileSync(MODEL), MODEL).classLabels!;
  const complete = rows.map((l) => l.split(',')).filter((f) => FEATURES.every((n) => f[names.indexOf(n)] !== ''));
  const x = Float32Array.from(complete.flatMap((f) => FEATURES.map((n) => Number(f[names.indexOf(n)]))));
  const session = await ort.InferenceSession.create(MODEL);
  try {
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x, [complete.length, FEATURES.length]) });
    const p = out[session.outputNames[0]].data as Float32Array;
    const width = classes.length;
    const labels: string[] = [];
    const scores: number[] = [];
    for (let i = 0; i < complete.length; i++) {
      const row = Array.from(p.subarray(i * width, (i + 1) * width));
      const best = row.indexOf(Math.max(...row));
      labels.push(classes[best]);
      scores.push(row[best]);
    }
    return { labels, scores, skipped: rows.length - complete.length };
  } finally {
    await session.release();
  }
}

const countOf = (labels: string[], k: string) => labels.filter((l) => l === k).length;

test('--model: predicted class and score become columns, tested like the others (raw onnxruntime + scipy as oracle)', async () => {
  const report = await computeDrift(path.join(dir, 'light.csv'), path.join(dir, 'heavy.csv'),
    { model: { path: MODEL }, tests: { prediction: 'chisquare', prediction_score: 'ks' } }, { workers: 0 });
  const [ref, cur] = await Promise.all([rawPredictions(light), rawPredictions(heavy)]);
  const prediction = report.columns.find((c) => c.name === 'prediction')!;
  const score = report.columns.find((c) => c.name === 'prediction_score')!;
  assert.ok(prediction && score, report.columns.map((c) => c.name).join(', '));
  assert.equal(prediction.type, 'cat');
  assert.equal(score.type, 'num');
  assert.deepEqual(prediction.missing, { reference: ref.skipped, current: cur.skipped });
  assert.equal(ref.skipped, 2);
  // The bars are the shares of each predicted class on each side.
  const bars = prediction.chart;
  assert.ok(bars?.kind === 'bars');
  bars.categories.forEach((k, i) => {
    assert.equal(bars.reference[i], countOf(ref.labels, k) / ref.labels.length, `${k} reference share`);
    assert.equal(bars.current[i], countOf(cur.labels, k) / cur.labels.length, `${k} current share`);
  });
  const keys = [...new Set([...ref.labels, ...cur.labels])];
  const [chi, ks] = scipy([
    { kind: 'chisquare', a: keys.map((k) => countOf(cur.labels, k)), b: keys.map((k) => countOf(ref.labels, k) * cur.labels.length / ref.labels.length) },
    { kind: 'ks', a: ref.scores, b: cur.scores },
  ]) as Array<[number, number]>;
  assertClose(prediction.statistic!, chi[0], 'prediction chi-square statistic');
  assertClose(prediction.pValue!, chi[1], 'prediction chi-square p-value');
  assertClose(score.statistic!, ks[0], 'prediction_score KS statistic');
  assertClose(score.pValue!, ks[1], 'prediction_score KS p-value');
  // Heavy penguins are mostly Gentoo: the model's outputs moved with its inputs.
  assert.equal(prediction.drifted, true);
  assert.deepEqual(report.schema, { added: [], missing: [], typeChanged: [] });
});

test('--model with --column: the prediction columns are compared next to the chosen ones', async () => {
  const steps: string[] = [];
  const report = await computeDrift(path.join(DEMO, 'data', 'penguins-reference.csv'), path.join(DEMO, 'data', 'penguins-current.csv'),
    { model: { path: MODEL }, columns: ['species'] }, { workers: 2, onProgress: (done, total, message) => steps.push(`${done}/${total} ${message}`) });
  // Progress counts the model's two passes: 2 reads + 2 predictions + 3 columns.
  assert.deepEqual(steps.filter((s) => s.includes('model predictions')).map((s) => s.replace(/ on .*/, '')), ['3/4 model predictions', '4/4 model predictions']);
  assert.equal(steps.at(-1)?.split(' ')[0], '7/7');
  assert.deepEqual(report.columns.map((c) => c.name), ['species', 'prediction', 'prediction_score']);
  // The files' own columns: the prediction columns are the model's, not the file's.
  assert.deepEqual([report.reference.columns, report.current.columns], [7, 7]);
});

test('--model: a model that does not fit the data, or a data column named "prediction", is one clear error', async () => {
  fs.writeFileSync(path.join(dir, 'named.csv'), 'prediction,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g\nAdelie,39.1,18.7,181,3750\n');
  await assert.rejects(computeDrift(path.join(dir, 'named.csv'), path.join(dir, 'named.csv'), { model: { path: MODEL } }, { workers: 0 }),
    (e: unknown) => e instanceof MlwbError && /already has a column "prediction"/.test(e.message));
  fs.writeFileSync(path.join(dir, 'narrow.csv'), 'bill_length_mm,bill_depth_mm\n39.1,18.7\n40,18\n');
  await assert.rejects(computeDrift(path.join(dir, 'narrow.csv'), path.join(dir, 'narrow.csv'), { model: { path: MODEL } }, { workers: 0 }),
    (e: unknown) => e instanceof MlwbError && /narrow\.csv: Input "features" takes 4 features, but the table has 2 numeric columns/.test(e.message));
  await assert.rejects(computeDrift(path.join(dir, 'light.csv'), path.join(dir, 'heavy.csv'), { model: { path: path.join(dir, 'nope.onnx') } }, { workers: 0 }),
    (e: unknown) => e instanceof MlwbError && /Model file not found/.test(e.message));
});

test('--model with a regressor: one numeric prediction column fed by the chosen features, KS as scipy on raw onnxruntime outputs', async () => {
  const { diabetes, diabetesCsv } = await onnxFixtures();
  const [head, ...rows] = fs.readFileSync(diabetesCsv, 'utf8').trim().split(/\r?\n/);
  const columns = head.split(',');
  // Split by the `sex` feature (f1): two sub-populations, both sides fed to the same model.
  const sex = (l: string) => Number(l.split(',')[1]);
  const first = rows.filter((l) => sex(l) === Math.min(...rows.map(sex)));
  const second = rows.filter((l) => !first.includes(l));
  fs.writeFileSync(path.join(dir, 'sex-a.csv'), [head, ...first].join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'sex-b.csv'), [head, ...second].join('\n') + '\n');
  const features = columns.filter((c) => c !== 'target');
  const report = await computeDrift(path.join(dir, 'sex-a.csv'), path.join(dir, 'sex-b.csv'), { model: { path: diabetes, features }, tests: { prediction: 'ks' } }, { workers: 0 });
  assert.equal(report.columns.some((c) => c.name === 'prediction_score'), false);
  const prediction = report.columns.find((c) => c.name === 'prediction')!;
  assert.equal(prediction.type, 'num');
  const session = await ort.InferenceSession.create(diabetes);
  try {
    const outputs = await Promise.all([first, second].map(async (side) => {
      const x = Float32Array.from(side.flatMap((l) => l.split(',').slice(0, features.length).map(Number)));
      const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x, [side.length, features.length]) });
      return Array.from(out[session.outputNames[0]].data as Float32Array);
    }));
    const [ks] = scipy([{ kind: 'ks', a: outputs[0], b: outputs[1] }]) as Array<[number, number]>;
    assertClose(prediction.statistic!, ks[0], 'prediction KS statistic');
    assertClose(prediction.pValue!, ks[1], 'prediction KS p-value');
  } finally {
    await session.release();
  }
  // Without --model-features the label column would feed the model too: one clear message.
  await assert.rejects(computeDrift(path.join(dir, 'sex-a.csv'), path.join(dir, 'sex-b.csv'), { model: { path: diabetes } }, { workers: 0 }),
    (e: unknown) => e instanceof MlwbError && /takes 10 features, but the table has 11 numeric columns/.test(e.message) && /--model-features/.test(e.hint ?? ''));
});

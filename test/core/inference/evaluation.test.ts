import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { InferenceClient } from '../../../src/core/inference/inferenceClient';
import { parseCsv } from '../../../src/core/inference/io/tabular';
import { rocAuc, type ClassificationMetrics, type RegressionMetrics } from '../../../src/core/inference/metrics';
import { onnxFixtures } from '../../helpers/onnxFixtures';
import { oracle } from '../../helpers/pythonOracle';
import { tempDir } from '../../helpers/tmp';

const client = new InferenceClient();
after(() => client.dispose());

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

interface SkClassification {
  accuracy: number;
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  confusion: number[][];
  logLoss: number;
  rocAuc?: number;
}

/** The predictions file's probabilities and true classes (of the data rows `keep` takes), scored again by scikit-learn. */
async function sklearnOnPredictions(file: string, labels: string[], keep: (dataRow: number) => boolean = () => true): Promise<SkClassification> {
  const table = parseCsv(await fs.readFile(file, 'utf8'));
  const kept = Array.from({ length: table.rows }, (_, r) => r).filter((r) => keep(Number(table.values.get('row')![r])));
  const probabilities = kept.map((r) => labels.map((l) => Number(table.values.get(`p_${l}`)![r])));
  const truth = kept.map((r) => table.values.get('label')![r]).map((v) => labels.indexOf(v) >= 0 ? labels.indexOf(v) : labels.indexOf(String(Number(v))));
  return oracle<SkClassification>(['metrics'], { task: 'classification', truth, probabilities });
}

function assertSameClassification(ours: ClassificationMetrics, sk: SkClassification): void {
  close(ours.accuracy, sk.accuracy, 'accuracy');
  ours.perClass.forEach((m, c) => {
    close(m.precision, sk.precision[c], `precision ${m.label}`);
    close(m.recall, sk.recall[c], `recall ${m.label}`);
    close(m.f1, sk.f1[c], `f1 ${m.label}`);
    assert.equal(m.support, sk.support[c]);
  });
  close(ours.macroPrecision, sk.macroPrecision, 'macro precision');
  close(ours.macroRecall, sk.macroRecall, 'macro recall');
  close(ours.macroF1, sk.macroF1, 'macro F1');
  assert.deepEqual(ours.confusion, sk.confusion);
  assert.ok(Math.abs(ours.logLoss - sk.logLoss) <= 1e-6 * Math.max(1, sk.logLoss), `log loss ${ours.logLoss} vs ${sk.logLoss}`);
  if (sk.rocAuc !== undefined) close(ours.rocAuc!, sk.rocAuc, 'ROC AUC');
}

describe('evaluation on data', () => {
  it('binary classifier (breast cancer): the metrics scikit-learn gives on the same predictions', async () => {
    const { cancer, cancerCsv } = await onnxFixtures();
    const predictionsOut = path.join(tempDir(), 'predictions.csv');
    const result = await client.call('eval', { model: cancer, device: 'cpu', data: cancerCsv, label: 'target', predictionsOut });
    assert.equal(result.task, 'classification');
    const metrics = result.metrics as ClassificationMetrics;
    assert.equal(metrics.count, parseCsv(await fs.readFile(cancerCsv, 'utf8')).rows);
    assert.ok(metrics.accuracy < 1 && metrics.accuracy > 0.5, 'an imperfect model, so that every metric is exercised');
    assertSameClassification(metrics, await sklearnOnPredictions(predictionsOut, metrics.labels));
  });

  it('three classes (penguins) per island slice, with class names from the model', async () => {
    const { penguins, penguinsCsv } = await onnxFixtures();
    const data = path.join(tempDir(), 'penguins.csv');
    // The island column from the demo's copy of the same data, in the same order.
    const demo = parseCsv(await fs.readFile(path.join(__dirname, '..', '..', '..', 'demo', 'data', 'penguins.csv'), 'utf8'));
    const islands = demo.values.get('island')!.filter((_, r) => demo.values.get('bill_length_mm')![r] !== '');
    const lines = (await fs.readFile(penguinsCsv, 'utf8')).trim().split(/\r?\n/);
    await fs.writeFile(data, lines.map((l, i) => `${l},${i === 0 ? 'island' : islands[i - 1]}`).join('\n'));
    const predictionsOut = path.join(tempDir(), 'predictions.csv');
    const result = await client.call('eval', { model: penguins, device: 'cpu', data, label: 'species', slice: 'island', predictionsOut });
    const metrics = result.metrics as ClassificationMetrics;
    assert.deepEqual(metrics.labels, ['Adelie', 'Chinstrap', 'Gentoo']);
    assertSameClassification(metrics, await sklearnOnPredictions(predictionsOut, metrics.labels));
    assert.deepEqual(result.slices.map((s) => s.value), [...new Set(islands)].sort());
    assert.equal(result.slices.reduce((n, s) => n + s.metrics.count, 0), metrics.count);
    // Biscoe has no Chinstrap, Torgersen only Adelie: macro averages over the classes that occur.
    for (const slice of result.slices) {
      assertSameClassification(slice.metrics as ClassificationMetrics, await sklearnOnPredictions(predictionsOut, metrics.labels, (r) => islands[r] === slice.value));
    }
  });

  it('regressor (diabetes): MAE, RMSE and R² as scikit-learn computes them', async () => {
    const { diabetes, diabetesCsv } = await onnxFixtures();
    const predictionsOut = path.join(tempDir(), 'predictions.csv');
    const result = await client.call('eval', { model: diabetes, device: 'cpu', data: diabetesCsv, label: 'target', predictionsOut });
    assert.equal(result.task, 'regression');
    const table = parseCsv(await fs.readFile(predictionsOut, 'utf8'));
    const sk = await oracle<{ mae: number; rmse: number; r2: number }>(['metrics'], {
      task: 'regression', truth: table.values.get('label')!.map(Number), predicted: table.values.get('predicted')!.map(Number),
    });
    const m = result.metrics as RegressionMetrics;
    close(m.mae, sk.mae, 'MAE');
    close(m.rmse, sk.rmse, 'RMSE');
    close(m.r2, sk.r2, 'R²');
  });

  it('ROC AUC counts tied scores as scikit-learn does', async () => {
    const scores = [0.1, 0.4, 0.4, 0.4, 0.8, 0.8, 0.2, 0.9];
    const truth = [0, 1, 0, 1, 1, 0, 0, 1];
    const sk = await oracle<{ rocAuc: number }>(['metrics'], { task: 'classification', truth, probabilities: scores.map((s) => [1 - s, s]) });
    close(rocAuc(scores, truth), sk.rocAuc, 'ROC AUC with ties');
  });

  it('names a missing label column and lists the ones there are', async () => {
    const { diabetes, diabetesCsv } = await onnxFixtures();
    await assert.rejects(client.call('eval', { model: diabetes, device: 'cpu', data: diabetesCsv, label: 'price' }),
      /The data has no label column "price"\./);
  });
});

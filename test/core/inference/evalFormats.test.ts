import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { InferenceClient } from '../../../src/core/inference/inferenceClient';
import { numericColumn, parseCsv } from '../../../src/core/inference/io/tabular';
import type { EvaluationResult } from '../../../src/core/inference/worker/evaluate';
import { onnxFixtures } from '../../helpers/onnxFixtures';
import { oracle } from '../../helpers/pythonOracle';
import { tempDir } from '../../helpers/tmp';

// Evaluation reads CSV, JSON lines, Parquet and NumPy's .npz. The same rows in each format must
// give the same evaluation: each file here is written by another program (JSON.stringify,
// hyparquet-writer, numpy) from the fixture's CSV, and its results compared with the CSV's.

const client = new InferenceClient();
after(() => client.dispose());

const FEATURES = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'];

async function evaluateWithPredictions(model: string, data: string): Promise<{ result: EvaluationResult; predictions: string }> {
  const predictionsOut = `${data}.predictions.csv`;
  const result = await client.call('eval', { model, device: 'cpu', data, label: 'species', predictionsOut });
  return { result, predictions: await fs.readFile(predictionsOut, 'utf8') };
}

const comparable = (r: EvaluationResult) => ({ ...r, features: [], predictionsFile: null, sessionMs: 0, inferenceMs: 0 });

describe('evaluation reads every dataset format alike', () => {
  it('the penguins rows as CSV, JSON lines, Parquet and .npz (str labels): same metrics and predictions', async () => {
    const { penguins, penguinsCsv } = await onnxFixtures();
    const dir = tempDir();
    const table = parseCsv(await fs.readFile(penguinsCsv, 'utf8'));
    assert.deepEqual(table.columns, [...FEATURES, 'species']);
    const columns = FEATURES.map((c) => Array.from(numericColumn(table, c)!));
    const species = table.values.get('species')!;

    const jsonl = path.join(dir, 'penguins.jsonl');
    await fs.writeFile(jsonl, species.map((s, r) => JSON.stringify({ ...Object.fromEntries(FEATURES.map((c, k) => [c, columns[k][r]])), species: s })).join('\n') + '\n');
    const parquet = path.join(dir, 'penguins.parquet');
    await fs.writeFile(parquet, Buffer.from(parquetWriteBuffer({
      columnData: [...FEATURES.map((name, k) => ({ name, data: columns[k], type: 'DOUBLE' as const })), { name: 'species', data: species, type: 'STRING' as const }],
    })));
    const npz = path.join(dir, 'penguins.npz');
    const written = await oracle<{ rows: number; dtype: string }>(['write-npz', penguinsCsv, 'species', npz]);
    assert.match(written.dtype, /^<U\d+$/, 'numpy stored the labels as a unicode array');

    const csv = await evaluateWithPredictions(penguins, penguinsCsv);
    assert.equal(csv.result.rows, table.rows);
    assert.deepEqual(csv.result.features, FEATURES);
    assert.ok((csv.result.metrics as { accuracy: number }).accuracy > 0.9, 'a trained model, not chance');
    for (const file of [jsonl, parquet, npz]) {
      const other = await evaluateWithPredictions(penguins, file);
      assert.deepEqual(comparable(other.result), comparable(csv.result), path.basename(file));
      assert.equal(other.predictions, csv.predictions, `${path.basename(file)}: predictions file`);
    }
    const fromNpz = await client.call('eval', { model: penguins, device: 'cpu', data: npz, label: 'species' });
    assert.deepEqual(fromNpz.features, ['x0', 'x1', 'x2', 'x3'], 'a 2-D array gives one feature column per entry');
  });
});

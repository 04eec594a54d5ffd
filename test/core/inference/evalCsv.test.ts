import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { EvalRows } from '../../../src/core/inference/evalRows';
import { InferenceClient } from '../../../src/core/inference/inferenceClient';
import { NotPlainCsv, readCsvForEval } from '../../../src/core/inference/io/evalCsv';
import type { EvaluationRequest, EvaluationResult } from '../../../src/core/inference/worker/evaluate';
import { onnxFixtures } from '../../helpers/onnxFixtures';
import { tempDir } from '../../helpers/tmp';

// Evaluation reads quote-free CSV with a streaming byte reader and everything else as a whole
// table. The two must agree exactly: each case here is evaluated once as plain CSV and once with
// its header quoted (which sends the same rows down the table path), and the results compared.

const client = new InferenceClient();
after(() => client.dispose());

type Body = Omit<EvaluationRequest, 'model' | 'device' | 'data' | 'predictionsOut'>;

/** Evaluates `lines` as plain CSV and as quoted-header CSV; returns both results and predictions files. */
async function bothWays(model: string, lines: string[], body: Body, eol = '\n') {
  const dir = tempDir();
  const runs: { result: EvaluationResult; predictions: string }[] = [];
  for (const quoted of [false, true]) {
    const header = quoted ? lines[0].split(',').map((c) => `"${c}"`).join(',') : lines[0];
    const data = path.join(dir, `${quoted ? 'quoted' : 'plain'}.csv`);
    await fs.writeFile(data, [header, ...lines.slice(1)].join(eol) + eol);
    const predictionsOut = path.join(dir, `${quoted ? 'quoted' : 'plain'}-predictions.csv`);
    const result = await client.call('eval', { model, device: 'cpu', data, predictionsOut, ...body });
    runs.push({ result, predictions: await fs.readFile(predictionsOut, 'utf8') });
  }
  const [plain, quoted] = runs;
  // The plain file really went through the streaming reader (it gives up on what it cannot take).
  const streamed = await readPlainly(path.join(dir, 'plain.csv'), body, plain.result.task === 'classification');
  assert.equal(streamed.count, plain.result.rows);
  const comparable = (r: EvaluationResult) => ({ ...r, predictionsFile: null, sessionMs: 0, inferenceMs: 0 });
  assert.deepEqual(comparable(plain.result), comparable(quoted.result));
  assert.equal(plain.predictions, quoted.predictions);
  return plain;
}

function readPlainly(data: string, body: Body, classification: boolean): Promise<EvalRows> {
  const rows = new EvalRows();
  return readCsvForEval(data, {
    label: body.label, slice: body.slice, features: body.features, inputName: 'no such column', declaredWidth: null,
    classification, keepLabelTexts: false, batchSize: 4096, runBatch: async () => {},
  }, rows).then(() => rows);
}

async function linesOf(file: string): Promise<string[]> {
  return (await fs.readFile(file, 'utf8')).trim().split(/\r?\n/);
}

describe('evaluation reads plain CSV as the table reader does', () => {
  it('leaves out rows missing a feature or the label, skips blank lines, reads CRLF, slices by a text column', async () => {
    const { penguins, penguinsCsv } = await onnxFixtures();
    const [header, ...rows] = await linesOf(penguinsCsv);
    const edited = rows.map((row, i) => {
      const cells = row.split(',');
      if (i % 17 === 3) cells[1] = ''; // a missing feature
      if (i % 23 === 5) cells[4] = ''; // a missing label
      if (i % 29 === 7) cells[2] = 'NA';
      return `${cells.join(',')},${['north', 'south', 'east'][i % 3]}`;
    });
    const lines = [`${header},area`, ...edited.slice(0, 100), '', ...edited.slice(100)];
    const { result } = await bothWays(penguins, lines, { label: 'species', slice: 'area' }, '\r\n');
    const missing = rows.filter((_, i) => i % 17 === 3 || i % 23 === 5 || i % 29 === 7).length;
    assert.equal(result.rows, rows.length - missing);
    assert.equal(result.skippedRows, missing);
    assert.deepEqual(result.features, ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g']);
    assert.deepEqual(result.slices.map((s) => s.value), ['east', 'north', 'south']);
  });

  it('a regressor with its label text kept as written, over more than one 4 MiB read', async () => {
    const { diabetes, diabetesCsv } = await onnxFixtures();
    const [header, ...rows] = await linesOf(diabetesCsv);
    // About 6 MiB: the reader's chunks end in the middle of lines.
    const many = Array.from({ length: Math.ceil((6 << 20) / (rows.join('\n').length + rows.length)) }, () => rows).flat();
    const { result, predictions } = await bothWays(diabetes, [header, ...many], { label: 'target' });
    assert.equal(result.task, 'regression');
    assert.equal(result.rows, many.length);
    const written = predictions.trim().split('\n');
    assert.equal(written.length, many.length + 1);
    assert.equal(written[1].split(',')[1], rows[0].split(',').at(-1), 'the label as the data writes it');
  });

  it('a feature column with text far down: the same precise error as the table reader gives', async () => {
    const { penguins, penguinsCsv } = await onnxFixtures();
    const [header, ...rows] = await linesOf(penguinsCsv);
    const many = Array.from({ length: 8 }, () => rows).flat(); // past the rows the reader looks at first
    many[many.length - 3] = many[many.length - 3].replace(/^[^,]+/, 'unknown');
    const data = path.join(tempDir(), 'late-text.csv');
    await fs.writeFile(data, [header, ...many].join('\n'));
    const features = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'];
    await assert.rejects(readPlainly(data, { label: 'species', features }, true), NotPlainCsv);
    await assert.rejects(client.call('eval', { model: penguins, device: 'cpu', data, label: 'species', features }),
      { message: 'Column "bill_length_mm" is not numeric, so it cannot feed the model.' });
  });
});

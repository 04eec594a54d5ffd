// Prediction drift: a model's outputs on both files become extra columns compared like the others
// (`prediction`, the predicted class or value; `prediction_score`, the top class's probability).
// onnxruntime runs in the inference process (InferenceClient), as for `mlwb model eval`; rows that
// cannot feed the model (a missing feature) get a missing prediction.
import { MlwbError } from '../errors';
import { InferenceClient } from '../inference/inferenceClient';
import { readDataset } from '../inference/dataset';
import type { ModelInfo } from '../inference/modelInfo';
import { tableFeeds } from '../inference/tableFeeds';
import { sliceRows, type HostTensor } from '../inference/tensor';
import type { Column, Table } from './read/table';
import type { PredictionModel } from './types';

export const PREDICTION = 'prediction';
export const PREDICTION_SCORE = 'prediction_score';
const BATCH = 4096;

/** The feature columns the model declares in its metadata (`features`: a JSON list), if the file has them all. */
function declaredFeatures(info: ModelInfo, columns: string[]): string[] | undefined {
  try {
    const list = JSON.parse(info.metadata.features ?? 'null') as unknown;
    if (Array.isArray(list) && list.every((f) => typeof f === 'string' && columns.includes(f))) return list as string[];
  } catch {
    // Not JSON: fall back to the numeric columns.
  }
  return undefined;
}

/** Probabilities when every row is already a distribution over the classes; a softmax of the scores otherwise. */
function probabilities(values: Float64Array, width: number): Float64Array {
  let distributions = true;
  for (let base = 0; base < values.length && distributions; base += width) {
    let sum = 0;
    for (let c = 0; c < width; c++) {
      const p = values[base + c];
      if (!(p >= 0 && p <= 1)) distributions = false;
      sum += p;
    }
    if (Math.abs(sum - 1) > 1e-3) distributions = false;
  }
  if (distributions) return values;
  const out = new Float64Array(values.length);
  for (let base = 0; base < values.length; base += width) {
    let max = -Infinity;
    for (let c = 0; c < width; c++) max = Math.max(max, values[base + c]);
    let sum = 0;
    for (let c = 0; c < width; c++) sum += out[base + c] = Math.exp(values[base + c] - max);
    for (let c = 0; c < width; c++) out[base + c] /= sum;
  }
  return out;
}

/** The model's outputs on one file, as columns of `rows` rows (the drift reader's row count). */
export async function predictFile(client: InferenceClient, info: ModelInfo, model: PredictionModel, file: string, shownAs: string, rows: number, signal?: AbortSignal): Promise<Column[]> {
  const table = await readDataset(file);
  if (table.rows !== rows) throw new MlwbError(`${shownAs}: the model's reader found ${table.rows} rows, the drift reader ${rows}.`, 'Check the file for blank or malformed lines.');
  const output = info.outputs.find((o) => o.name === (model.output ?? info.outputs[0]?.name));
  if (!output) throw new MlwbError(`The model has no output "${model.output}".`, `Its outputs: ${info.outputs.map((o) => o.name).join(', ')}.`);
  let fed;
  try {
    fed = tableFeeds(table, info.inputs, model.features ?? declaredFeatures(info, table.columns));
  } catch (err) {
    // tableFeeds' hints name model eval's --features; here the option is --model-features.
    if (err instanceof MlwbError) throw new MlwbError(`${shownAs}: ${err.message}`, err.hint?.replace('--features', '--model-features'));
    throw err;
  }
  const n = fed.rows.length;
  const fixed = info.inputs[0]?.shape[0];
  const batch = typeof fixed === 'number' ? fixed : BATCH;
  const parts: Float64Array[] = [];
  let width = 1;
  for (let from = 0; from < n; from += batch) {
    const to = Math.min(n, from + batch);
    const feeds = Object.fromEntries(Object.entries(fed.feeds).map(([k, t]) => [k, sliceRows(t, from, to)]));
    const result = await client.call('run', { model: model.path, device: model.device ?? 'cpu', feeds }, { signal });
    const t: HostTensor = result.outputs[output.name];
    if (t.type === 'string') throw new MlwbError(`Output "${output.name}" holds strings; prediction drift needs numeric outputs.`);
    width = t.dims.length >= 2 ? Number(t.dims[t.dims.length - 1]) : 1;
    parts.push(Float64Array.from(t.data as ArrayLike<number | bigint>, Number));
  }
  const values = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  parts.reduce((offset, p) => (values.set(p, offset), offset + p.length), 0);
  if (width === 1) {
    const predicted = new Float64Array(rows).fill(NaN);
    fed.rows.forEach((r, i) => (predicted[r] = values[i]));
    return [{ name: PREDICTION, kind: 'number', values: predicted }];
  }
  const labels = info.classLabels?.length === width ? info.classLabels : Array.from({ length: width }, (_, i) => String(i));
  const probs = probabilities(values, width);
  const predicted: Array<string | null> = new Array<string | null>(rows).fill(null);
  const score = new Float64Array(rows).fill(NaN);
  fed.rows.forEach((r, i) => {
    let best = 0;
    for (let c = 1; c < width; c++) if (probs[i * width + c] > probs[i * width + best]) best = c;
    predicted[r] = labels[best];
    score[r] = probs[i * width + best];
  });
  return [{ name: PREDICTION, kind: 'string', values: predicted }, { name: PREDICTION_SCORE, kind: 'number', values: score }];
}

/**
 * Appends the model's prediction columns to both tables (the model runs in one inference process,
 * then it ends) and returns their names.
 */
export async function addPredictionColumns(model: PredictionModel, sides: Array<{ table: Table; file: string }>, signal?: AbortSignal, onFile?: (shownAs: string) => void): Promise<string[]> {
  for (const { table } of sides) {
    const taken = table.columns.find((c) => c.name === PREDICTION || c.name === PREDICTION_SCORE);
    if (taken) throw new MlwbError(`${table.source} already has a column "${taken.name}", the name of the model's prediction column.`, 'Rename that column to compare the model\'s predictions.');
  }
  const client = new InferenceClient();
  try {
    const info = await client.call('info', { model: model.path }, { signal });
    let names: string[] = [];
    for (const { table, file } of sides) {
      const columns = await predictFile(client, info, model, file, table.source, table.rows, signal);
      table.columns.push(...columns);
      names = columns.map((c) => c.name);
      onFile?.(table.source);
    }
    return names;
  } finally {
    client.dispose();
  }
}

import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { MlwbError } from '../../errors';
import { readDataset } from '../dataset';
import { EvalRows } from '../evalRows';
import { NotPlainCsv, readCsvForEval } from '../io/evalCsv';
import type { TaskMetrics } from '../metrics';
import type { ModelInfo, TensorSignature } from '../modelInfo';
import { score, type SliceMetrics } from '../scoring';
import { tableFeeds } from '../tableFeeds';
import { sliceRows, type Feeds } from '../tensor';
import type { Progress } from './benchmark';
import { writePredictions } from './predictionsFile';
import { openRunner, runSession, toOrtFeeds } from './sessions';

export type { SliceMetrics } from '../scoring';

export interface EvaluationRequest {
  model: string;
  device: string;
  data: string;
  label: string;
  slice?: string;
  features?: string[];
  /** Which output holds the predictions (default: the first). */
  output?: string;
  /** Where to write one CSV row per prediction. */
  predictionsOut?: string;
  batchSize?: number;
  /** When the device fails, go on on cpu (and say so) instead of stopping. */
  fallbackToCpu?: boolean;
}

export interface EvaluationResult {
  device: string;
  task: TaskMetrics['task'];
  rows: number;
  /** Rows left out because a feature or the label was missing. */
  skippedRows: number;
  features: string[];
  metrics: TaskMetrics;
  slices: SliceMetrics[];
  /** Classification only: the model's outputs were scores, not probabilities, so softmax was applied. */
  softmaxApplied: boolean;
  predictionsFile: string | null;
  sessionMs: number;
  inferenceMs: number;
  /** When the chosen device failed and the caller allowed cpu instead: why. */
  fellBack?: string;
}

/** Rows per session.run: big enough that onnxruntime's per-call cost vanishes, small enough to bound memory. */
const DEFAULT_BATCH = 4096;

/** Reads the data, predicts in batches, and scores the predictions against the label column. */
export async function evaluate(request: EvaluationRequest, info: ModelInfo, progress: Progress): Promise<EvaluationResult> {
  const output = info.outputs.find((o) => o.name === (request.output ?? info.outputs[0].name));
  if (!output) throw new MlwbError(`The model has no output "${request.output}".`, `Its outputs: ${info.outputs.map((o) => o.name).join(', ')}.`);
  const runner = await openRunner(request.model, request.device, request.fallbackToCpu);
  const fixed = info.inputs[0].shape[0];
  const batchSize = typeof fixed === 'number' ? fixed : request.batchSize ?? DEFAULT_BATCH;
  let inferenceMs = 0;
  let data = new EvalRows();
  /** Runs one batch and keeps the chosen output's values; a fixed-batch model gets its last batch padded. */
  const infer = async (feeds: Feeds, count: number, into: EvalRows) => {
    const started = performance.now();
    const result = await runSession(runner, padded(feeds, count, fixed));
    inferenceMs += performance.now() - started;
    const t = result[output.name];
    if (!t) throw new MlwbError(`The model gave no output "${output.name}".`);
    into.width = t.dims.length >= 2 ? Number(t.dims[t.dims.length - 1]) : 1;
    const values = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>, Number);
    into.outputs.append(values.subarray(0, count * into.width));
  };
  const outputWidth = staticWidth(output);
  const input = info.inputs[0];
  let summary: { features: string[]; dataRows: number } | undefined;
  if (path.extname(request.data).toLowerCase() === '.csv' && outputWidth !== null && info.inputs.length === 1 && input.type === 'float32' && input.shape.length === 2) {
    try {
      summary = await readCsvForEval(request.data, {
        label: request.label, slice: request.slice, features: request.features, inputName: input.name,
        declaredWidth: typeof input.shape[1] === 'number' ? input.shape[1] : null,
        classification: outputWidth >= 2, keepLabelTexts: Boolean(request.predictionsOut), batchSize,
        runBatch: (features, count) => infer({ [input.name]: { type: 'float32', dims: [count, features.length / count], data: features } }, count, data),
        onChunk: (done, total) => progress(done, total, `${data.count} rows (${Math.round((100 * done) / total)} % of the file)`),
      }, data);
    } catch (err) {
      if (!(err instanceof NotPlainCsv)) throw err;
      data = new EvalRows();
      inferenceMs = 0;
    }
  }
  summary ??= await fromTable(request, info, batchSize, data, infer, progress);
  if (data.count === 0) throw new MlwbError(`No row of ${path.basename(request.data)} has every feature and the label.`);
  const scored = score(data, info.classLabels, request.slice !== undefined);
  if (request.predictionsOut) await writePredictions(request.predictionsOut, data, scored);
  return {
    device: runner.device,
    task: scored.metrics.task,
    rows: data.count,
    skippedRows: summary.dataRows - data.count,
    features: summary.features,
    metrics: scored.metrics,
    slices: scored.slices,
    softmaxApplied: scored.softmaxApplied,
    predictionsFile: request.predictionsOut ?? null,
    sessionMs: runner.createMs,
    inferenceMs,
    ...(runner.fellBack ? { fellBack: runner.fellBack } : {}),
  };
}

/** Every data format, read whole as a table: what the CSV reader leaves (quotes, inputs by column name…). */
async function fromTable(request: EvaluationRequest, info: ModelInfo, batchSize: number, data: EvalRows,
  infer: (feeds: Feeds, count: number, into: EvalRows) => Promise<void>, progress: Progress): Promise<{ features: string[]; dataRows: number }> {
  const table = await readDataset(request.data);
  if (!table.values.has(request.label)) throw new MlwbError(`The data has no label column "${request.label}".`, `Its columns: ${table.columns.join(', ')}.`);
  if (request.slice && !table.values.has(request.slice)) throw new MlwbError(`The data has no slice column "${request.slice}".`, `Its columns: ${table.columns.join(', ')}.`);
  const exclude = [request.label, ...(request.slice ? [request.slice] : [])];
  const { feeds, rows: featureRows, features } = tableFeeds(table, info.inputs, request.features, exclude);
  const labels = table.values.get(request.label)!;
  const sliceValues = request.slice ? table.values.get(request.slice)! : null;
  const kept = featureRows.filter((r) => labels[r] !== '');
  const keptFeeds = kept.length === featureRows.length ? feeds : onlyRows(feeds, featureRows, labels);
  const outputWidth = staticWidth(info.outputs.find((o) => o.name === (request.output ?? info.outputs[0].name))!);
  const n = kept.length;
  for (let from = 0; from < n; from += batchSize) {
    const to = Math.min(n, from + batchSize);
    await infer(Object.fromEntries(Object.entries(keptFeeds).map(([k, t]) => [k, sliceRows(t, from, to)])), to - from, data);
    progress(to, n, `${to} / ${n} rows`);
  }
  const classification = (outputWidth ?? data.width) >= 2;
  for (const r of kept) {
    data.rows.push(r);
    if (classification) data.labelIds.push(data.labelNames.idOf(labels[r]));
    else {
      data.labelValues.push(Number(labels[r]));
      data.labelTexts.push(labels[r]);
    }
    if (sliceValues) data.sliceIds.push(data.sliceNames.idOf(sliceValues[r]));
  }
  return { features, dataRows: table.rows };
}

/** The feeds' rows whose label is present (feeds hold one row per entry of featureRows). */
function onlyRows(feeds: Feeds, featureRows: Int32Array, labels: string[]): Feeds {
  const positions = Array.from(featureRows.keys()).filter((i) => labels[featureRows[i]] !== '');
  const out: Feeds = {};
  for (const [name, t] of Object.entries(feeds)) {
    const stride = t.dims.slice(1).reduce((a, b) => a * b, 1);
    const from = t.data as unknown as ArrayLike<unknown>;
    const data = (Array.isArray(t.data) ? new Array<string>(positions.length * stride) : new (t.data.constructor as new (n: number) => Float32Array)(positions.length * stride)) as unknown as unknown[];
    positions.forEach((p, k) => {
      for (let s = 0; s < stride; s++) data[k * stride + s] = from[p * stride + s];
    });
    out[name] = { type: t.type, dims: [positions.length, ...t.dims.slice(1)], data: data as unknown as Float32Array };
  }
  return out;
}

/** The output's last dimension when the model fixes it (1 for a rank-1 output), else null. */
function staticWidth(output: TensorSignature): number | null {
  if (output.shape.length < 2) return 1;
  const last = output.shape[output.shape.length - 1];
  return typeof last === 'number' ? last : null;
}

/** onnxruntime tensors for a batch; a model with a fixed batch gets the last, short batch padded with zeros. */
function padded(feeds: Feeds, count: number, fixed: unknown): Record<string, ort.Tensor> {
  if (typeof fixed !== 'number' || count === fixed) return toOrtFeeds(feeds);
  const out: Feeds = {};
  for (const [name, t] of Object.entries(feeds)) {
    const stride = t.data.length / count;
    const data = new (t.data.constructor as new (n: number) => Float32Array)(fixed * stride);
    data.set(t.data as Float32Array);
    out[name] = { type: t.type, dims: [fixed, ...t.dims.slice(1)], data };
  }
  return toOrtFeeds(out);
}

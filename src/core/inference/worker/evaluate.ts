import { promises as fs } from 'node:fs';
import { MlwbError } from '../../errors';
import { readDataset } from '../dataset';
import type { Table } from '../io/tabular';
import { classificationMetrics, regressionMetrics, type TaskMetrics } from '../metrics';
import type { ModelInfo } from '../modelInfo';
import { tableFeeds } from '../tableFeeds';
import { sliceRows } from '../tensor';
import type { Progress } from './benchmark';
import { getSession, runSession, toOrtFeeds } from './sessions';

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
}

export interface SliceMetrics {
  value: string;
  metrics: TaskMetrics;
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
}

/** Reads the data, predicts in batches, and scores the predictions against the label column. */
export async function evaluate(request: EvaluationRequest, info: ModelInfo, progress: Progress): Promise<EvaluationResult> {
  const table = await readDataset(request.data);
  if (!table.values.has(request.label)) throw new MlwbError(`The data has no label column "${request.label}".`, `Its columns: ${table.columns.join(', ')}.`);
  if (request.slice && !table.values.has(request.slice)) throw new MlwbError(`The data has no slice column "${request.slice}".`, `Its columns: ${table.columns.join(', ')}.`);
  const output = info.outputs.find((o) => o.name === (request.output ?? info.outputs[0].name));
  if (!output) throw new MlwbError(`The model has no output "${request.output}".`, `Its outputs: ${info.outputs.map((o) => o.name).join(', ')}.`);
  const exclude = [request.label, ...(request.slice ? [request.slice] : [])];
  const { feeds, rows: featureRows, features } = tableFeeds(table, info.inputs, request.features, exclude);
  const labelRaw = table.values.get(request.label)!;
  const keep = Array.from(featureRows.keys()).filter((i) => labelRaw[featureRows[i]] !== '');
  const { session, createMs } = await getSession(request.model, request.device);
  const fixed = info.inputs[0].shape[0];
  const batchSize = typeof fixed === 'number' ? fixed : request.batchSize ?? 4096;
  const n = featureRows.length;
  const chunks: Float32Array[] = [];
  let width = 0;
  const started = performance.now();
  for (let from = 0; from < n; from += batchSize) {
    const to = Math.min(n, from + batchSize);
    const batchFeeds = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, sliceRows(t, from, to)]));
    const result = await runSession(session, toOrtFeeds(batchFeeds), request.device);
    const t = result[output.name];
    width = t.dims.length >= 2 ? Number(t.dims[t.dims.length - 1]) : 1;
    chunks.push(t.data instanceof Float32Array ? t.data.slice() : Float32Array.from(t.data as ArrayLike<number>, Number));
    progress(to, n, `${to} / ${n} rows`);
  }
  const inferenceMs = performance.now() - started;
  const all = concat(chunks);
  // Keep only rows that also have a label.
  const predictions = new Float64Array(keep.length * width);
  keep.forEach((i, j) => predictions.set(all.subarray(i * width, (i + 1) * width), j * width));
  const tableRows = keep.map((i) => featureRows[i]);
  const classification = width >= 2;
  const scored = classification ? scoreClassification(predictions, width, tableRows, table, request.label, info) : undefined;
  const metricsOf = (subset: number[]): TaskMetrics => {
    const all = subset.length === tableRows.length;
    if (scored && all) return classificationMetrics(scored.probabilities, scored.truth, scored.labels);
    if (scored) {
      const probs = new Float64Array(subset.length * width);
      subset.forEach((j, s) => probs.set(scored.probabilities.subarray(j * width, (j + 1) * width), s * width));
      return classificationMetrics(probs, subset.map((j) => scored.truth[j]), scored.labels);
    }
    return regressionMetrics(subset.map((j) => predictions[j]), subset.map((j) => Number(labelRaw[tableRows[j]])));
  };
  const everyRow = tableRows.map((_, j) => j);
  const slices: SliceMetrics[] = [];
  if (request.slice) {
    const groups = new Map<string, number[]>();
    const sliceRaw = table.values.get(request.slice)!;
    tableRows.forEach((r, j) => {
      const group = groups.get(sliceRaw[r]);
      if (group) group.push(j);
      else groups.set(sliceRaw[r], [j]);
    });
    for (const [value, subset] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) slices.push({ value, metrics: metricsOf(subset) });
  }
  if (request.predictionsOut) await writePredictions(request.predictionsOut, tableRows, labelRaw, predictions, width, scored);
  return {
    device: request.device,
    task: classification ? 'classification' : 'regression',
    rows: keep.length,
    skippedRows: table.rows - keep.length,
    features,
    metrics: metricsOf(everyRow),
    slices,
    softmaxApplied: scored?.softmaxApplied ?? false,
    predictionsFile: request.predictionsOut ?? null,
    sessionMs: createMs,
    inferenceMs,
  };
}

function concat(chunks: Float32Array[]): Float32Array {
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

interface Scored {
  probabilities: Float64Array;
  truth: number[];
  labels: string[];
  softmaxApplied: boolean;
}

/**
 * Class names come from the model's metadata when it has them; otherwise integer labels
 * 0…k−1 are class indices, and other labels are taken in sorted order (as LabelEncoder does).
 */
function scoreClassification(predictions: Float64Array, width: number, rows: number[], table: Table, labelColumn: string, info: ModelInfo): Scored {
  const raw = rows.map((r) => table.values.get(labelColumn)![r]);
  let labels = info.classLabels;
  if (!labels) {
    const distinct = [...new Set(raw)];
    const integers = distinct.every((v) => /^\d+$/.test(v) && Number(v) < width);
    labels = integers ? Array.from({ length: width }, (_, i) => String(i)) : distinct.sort();
  }
  if (labels.length !== width) throw new MlwbError(`The model scores ${width} classes, but there are ${labels.length} labels (${labels.join(', ')}).`);
  const index = new Map(labels.map((l, i) => [l, i]));
  const truth = raw.map((v) => {
    const i = index.get(v) ?? index.get(String(Number(v)));
    if (i === undefined) throw new MlwbError(`Label "${v}" is not one of the model's classes (${labels.join(', ')}).`);
    return i;
  });
  const isProbabilities = Array.from({ length: rows.length }, (_, j) => j).every((j) => {
    let sum = 0;
    for (let c = 0; c < width; c++) {
      const p = predictions[j * width + c];
      if (p < 0 || p > 1) return false;
      sum += p;
    }
    return Math.abs(sum - 1) < 1e-3;
  });
  const probabilities = isProbabilities ? predictions : softmaxRows(predictions, width);
  return { probabilities, truth, labels, softmaxApplied: !isProbabilities };
}

function softmaxRows(scores: Float64Array, width: number): Float64Array {
  const out = new Float64Array(scores.length);
  for (let base = 0; base < scores.length; base += width) {
    let max = -Infinity;
    for (let c = 0; c < width; c++) if (scores[base + c] > max) max = scores[base + c];
    let sum = 0;
    for (let c = 0; c < width; c++) sum += out[base + c] = Math.exp(scores[base + c] - max);
    for (let c = 0; c < width; c++) out[base + c] /= sum;
  }
  return out;
}

async function writePredictions(file: string, rows: number[], labels: string[], predictions: Float64Array, width: number, scored: Scored | undefined): Promise<void> {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const header = scored ? ['row', 'label', 'predicted', ...scored.labels.map((l) => `p_${l}`)] : ['row', 'label', 'predicted'];
  const lines = [header.map(quote).join(',')];
  rows.forEach((r, j) => {
    if (scored) {
      const probs = Array.from(scored.probabilities.subarray(j * width, (j + 1) * width));
      const best = probs.indexOf(Math.max(...probs));
      lines.push([String(r), quote(labels[r]), quote(scored.labels[best]), ...probs.map(String)].join(','));
    } else lines.push([String(r), quote(labels[r]), String(predictions[j])].join(','));
  });
  await fs.writeFile(file, lines.join('\n') + '\n');
}

import { MlwbError } from '../errors';
import type { EvalRows } from './evalRows';
import { classificationMetrics, regressionMetrics, type TaskMetrics } from './metrics';

export interface SliceMetrics {
  value: string;
  metrics: TaskMetrics;
}

export interface Scored {
  metrics: TaskMetrics;
  slices: SliceMetrics[];
  /** Classification: class names in the model's output order. */
  classes: string[] | null;
  /** Classification: `count × classes` probabilities (softmax of the outputs when they were scores). */
  probabilities: Float32Array | Float64Array | null;
  softmaxApplied: boolean;
}

/**
 * Scores the model's outputs against the labels, overall and per slice. Class names come from
 * the model's metadata when it has them; otherwise integer labels 0…k−1 are class indices, and
 * other labels are taken in sorted order (as LabelEncoder does).
 */
export function score(data: EvalRows, modelClassLabels: string[] | null, withSlices: boolean): Scored {
  const width = data.width;
  const outputs = data.outputs.view();
  const n = data.count;
  if (width < 2) {
    const truth = data.labelValues.view();
    const metricsOf = (subset: Int32Array | null) =>
      subset ? regressionMetrics(gather(outputs, subset, 1), gather(truth, subset, 1)) : regressionMetrics(outputs, truth);
    return { metrics: metricsOf(null), slices: withSlices ? bySlice(data, metricsOf) : [], classes: null, probabilities: null, softmaxApplied: false };
  }
  const names = data.labelNames.names;
  let classes = modelClassLabels;
  if (!classes) {
    const integers = names.every((v) => /^\d+$/.test(v) && Number(v) < width);
    classes = integers ? Array.from({ length: width }, (_, i) => String(i)) : [...names].sort();
  }
  const labels = classes;
  if (labels.length !== width) throw new MlwbError(`The model scores ${width} classes, but there are ${labels.length} labels (${labels.join(', ')}).`);
  const index = new Map(labels.map((l, i) => [l, i]));
  const classOfName = Int32Array.from(names, (v) => {
    const i = index.get(v) ?? index.get(String(Number(v)));
    if (i === undefined) throw new MlwbError(`Label "${v}" is not one of the model's classes (${labels.join(', ')}).`);
    return i;
  });
  const ids = data.labelIds.view();
  const truth = new Int32Array(n);
  for (let j = 0; j < n; j++) truth[j] = classOfName[ids[j]];
  const softmaxApplied = !areProbabilities(outputs, width);
  const probabilities = softmaxApplied ? softmaxRows(outputs, width) : outputs;
  const metricsOf = (subset: Int32Array | null) =>
    subset ? classificationMetrics(gather(probabilities, subset, width), gather(truth, subset, 1), labels) : classificationMetrics(probabilities, truth, labels);
  return { metrics: metricsOf(null), slices: withSlices ? bySlice(data, metricsOf) : [], classes: labels, probabilities, softmaxApplied };
}

/** Metrics per slice value, in the values' order. */
function bySlice(data: EvalRows, metricsOf: (subset: Int32Array) => TaskMetrics): SliceMetrics[] {
  const ids = data.sliceIds.view();
  const names = data.sliceNames.names;
  const sizes = new Int32Array(names.length);
  for (const id of ids) sizes[id]++;
  const members = Array.from(sizes, (size) => new Int32Array(size));
  const filled = new Int32Array(names.length);
  for (let j = 0; j < ids.length; j++) members[ids[j]][filled[ids[j]]++] = j;
  return names.map((value, id) => ({ value, id }))
    .sort((a, b) => a.value.localeCompare(b.value))
    .map(({ value, id }) => ({ value, metrics: metricsOf(members[id]) }));
}

function gather<T extends Float32Array | Float64Array | Int32Array>(values: T, rows: Int32Array, width: number): T {
  const out = new (values.constructor as new (n: number) => T)(rows.length * width);
  for (let s = 0; s < rows.length; s++) for (let c = 0; c < width; c++) out[s * width + c] = values[rows[s] * width + c];
  return out;
}

/** Every row already a probability distribution (each in [0, 1], summing to 1 within 1e-3). */
function areProbabilities(outputs: Float32Array, width: number): boolean {
  for (let base = 0; base < outputs.length; base += width) {
    let sum = 0;
    for (let c = 0; c < width; c++) {
      const p = outputs[base + c];
      if (!(p >= 0 && p <= 1)) return false;
      sum += p;
    }
    if (Math.abs(sum - 1) >= 1e-3) return false;
  }
  return true;
}

function softmaxRows(scores: Float32Array, width: number): Float64Array {
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

/** Task metrics computed from predictions; scikit-learn's definitions (checked against it in tests). */

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationMetrics {
  task: 'classification';
  count: number;
  accuracy: number;
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  perClass: ClassMetrics[];
  /** confusion[true][predicted], in `labels` order. */
  confusion: number[][];
  labels: string[];
  /** Binary tasks only: area under the ROC curve of the second class's probability. */
  rocAuc: number | null;
  logLoss: number;
}

export interface RegressionMetrics {
  task: 'regression';
  count: number;
  mae: number;
  rmse: number;
  r2: number;
}

export type TaskMetrics = ClassificationMetrics | RegressionMetrics;

const safeDivide = (a: number, b: number) => (b === 0 ? 0 : a / b);

/**
 * `probabilities` holds n rows of k class probabilities, `truth` the true class index per row.
 * Log loss clips to [ε, 1−ε] with float64's ε and renormalises rows, as scikit-learn does.
 */
export function classificationMetrics(probabilities: ArrayLike<number>, truth: ArrayLike<number>, labels: readonly string[]): ClassificationMetrics {
  const n = truth.length;
  const k = labels.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const eps = Number.EPSILON;
  let correct = 0;
  let logLoss = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const p = probabilities[i * k + c];
      if (p > probabilities[i * k + best]) best = c;
      sum += Math.min(1 - eps, Math.max(eps, p));
    }
    const y = truth[i];
    confusion[y][best]++;
    if (best === y) correct++;
    logLoss -= Math.log(Math.min(1 - eps, Math.max(eps, probabilities[i * k + y])) / sum);
  }
  const perClass = labels.map((label, c) => {
    const tp = confusion[c][c];
    const predicted = confusion.reduce((s, row) => s + row[c], 0);
    const support = confusion[c].reduce((s, v) => s + v, 0);
    const precision = safeDivide(tp, predicted);
    const recall = safeDivide(tp, support);
    return { label, precision, recall, f1: safeDivide(2 * precision * recall, precision + recall), support };
  });
  const mean = (f: (m: ClassMetrics) => number) => perClass.reduce((s, m) => s + f(m), 0) / k;
  return {
    task: 'classification',
    count: n,
    accuracy: safeDivide(correct, n),
    macroPrecision: mean((m) => m.precision),
    macroRecall: mean((m) => m.recall),
    macroF1: mean((m) => m.f1),
    perClass,
    confusion,
    labels: [...labels],
    rocAuc: k === 2 ? rocAuc(Array.from({ length: n }, (_, i) => probabilities[i * 2 + 1]), truth) : null,
    logLoss: logLoss / n,
  };
}

/**
 * Mann–Whitney form of ROC AUC, ties counted half (mid-ranks); NaN with only one class present.
 * Both the scores and the positives' scores are sorted as typed arrays (no comparator), then
 * walked together: each run of equal scores gives its mid-rank to the positives in it.
 */
export function rocAuc(scores: ArrayLike<number>, truth: ArrayLike<number>): number {
  const n = scores.length;
  let positives = 0;
  for (let i = 0; i < n; i++) if (truth[i] === 1) positives++;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  const all = Float64Array.from(scores).sort();
  const positive = new Float64Array(positives);
  for (let i = 0, p = 0; i < n; i++) if (truth[i] === 1) positive[p++] = scores[i];
  positive.sort();
  let positiveRankSum = 0;
  let p = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && all[j + 1] === all[i]) j++;
    const midRank = (i + j) / 2 + 1;
    while (p < positives && positive[p] === all[i]) {
      positiveRankSum += midRank;
      p++;
    }
    i = j + 1;
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function regressionMetrics(predicted: ArrayLike<number>, truth: ArrayLike<number>): RegressionMetrics {
  const n = truth.length;
  let absolute = 0;
  let squared = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i] / n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const e = predicted[i] - truth[i];
    absolute += Math.abs(e);
    squared += e * e;
    total += (truth[i] - mean) ** 2;
  }
  return { task: 'regression', count: n, mae: absolute / n, rmse: Math.sqrt(squared / n), r2: total === 0 ? NaN : 1 - squared / total };
}

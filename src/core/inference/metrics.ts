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
export function classificationMetrics(probabilities: Float32Array | Float64Array, truth: Int32Array, labels: readonly string[]): ClassificationMetrics {
  const n = truth.length;
  const k = labels.length;
  const counts = new Float64Array(k * k);
  const eps = Number.EPSILON;
  const high = 1 - eps;
  const logLoss = new LogSum();
  let correct = 0;
  for (let i = 0, base = 0; i < n; i++, base += k) {
    let best = 0;
    let bestP = probabilities[base];
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const p = probabilities[base + c];
      if (p > bestP) {
        best = c;
        bestP = p;
      }
      sum += Math.min(high, Math.max(eps, p));
    }
    const y = truth[i];
    counts[y * k + best]++;
    if (best === y) correct++;
    const p = probabilities[base + y];
    logLoss.add(Math.min(high, Math.max(eps, p)) / sum);
  }
  const confusion = Array.from({ length: k }, (_, t) => Array.from(counts.subarray(t * k, (t + 1) * k)));
  const occurs: boolean[] = [];
  const perClass = labels.map((label, c) => {
    const tp = confusion[c][c];
    const predicted = confusion.reduce((s, row) => s + row[c], 0);
    const support = confusion[c].reduce((s, v) => s + v, 0);
    occurs.push(predicted + support > 0);
    const precision = safeDivide(tp, predicted);
    const recall = safeDivide(tp, support);
    return { label, precision, recall, f1: safeDivide(2 * precision * recall, precision + recall), support };
  });
  // Macro averages leave out classes neither in the labels nor predicted (scikit-learn's default
  // labels): a slice without Chinstrap penguins, classified perfectly, has a macro F1 of 1, not 2/3.
  const present = perClass.filter((_, c) => occurs[c]);
  const mean = (f: (m: ClassMetrics) => number) => safeDivide(present.reduce((s, m) => s + f(m), 0), present.length);
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
    rocAuc: k === 2 ? rocAuc(Float64Array.from({ length: n }, (_, i) => probabilities[i * 2 + 1]), truth) : null,
    logLoss: -logLoss.total() / n,
  };
}

/**
 * Σ log(xᵢ) for xᵢ in [ε/k, 1], with one Math.log per many terms instead of one per row (it
 * costs ~20 ns, more than the rest of a row's metrics): terms are multiplied together, and the
 * product's log taken before it could underflow. Its rounding (at most 1024 factors, each off by
 * half an ulp at most) moves each product's log by under 1.2e-13.
 */
class LogSum {
  private sum = 0;
  private product = 1;
  private factors = 0;

  add(x: number): void {
    this.product *= x;
    if (++this.factors === 1024 || this.product < 1e-250) this.flush();
  }

  total(): number {
    this.flush();
    return this.sum;
  }

  private flush(): void {
    this.sum += Math.log(this.product);
    this.product = 1;
    this.factors = 0;
  }
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

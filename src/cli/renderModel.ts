/** Text output of the model commands. */
import { formatShape } from '../core/inference/feeds';
import { formatBytes } from '../core/inference/formatBytes';
import type { ModelInfo } from '../core/inference/modelInfo';
import type { ProducingRun } from '../core/inference/modelRuns';
import type { TaskMetrics } from '../core/inference/metrics';
import { toNumbers, type Feeds } from '../core/inference/tensor';
import type { BenchmarkResult } from '../core/inference/worker/benchmark';
import type { EvaluationResult } from '../core/inference/worker/evaluate';
import { formatTable } from './format';

const ms = (v: number) => (v < 1 ? v.toFixed(3) : v < 100 ? v.toFixed(2) : v.toFixed(0));
const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(4));

export function renderModelInfo(file: string, info: ModelInfo, producedBy: ProducingRun[]): string {
  const sig = (s: ModelInfo['inputs']) => s.map((t) => `  ${t.name}  ${t.type} ${formatShape(t.shape)}`).join('\n');
  const lines = [
    `${file}  (${formatBytes(info.bytes)}, sha256 ${info.sha256.slice(0, 12)}…)`,
    `producer   ${info.producer || '-'}   IR ${info.irVersion}   opsets ${Object.entries(info.opsets).map(([d, v]) => `${d} ${v}`).join(', ')}`,
    `parameters ${info.parameterCount.toLocaleString('en-US')} (${formatBytes(info.parameterBytes)})   nodes ${info.nodeCount}: ${Object.entries(info.operators).map(([op, n]) => `${op}×${n}`).join(' ')}`,
    'inputs', sig(info.inputs),
    'outputs', sig(info.outputs),
  ];
  const meta = Object.entries(info.metadata);
  if (meta.length) lines.push('metadata', ...meta.map(([k, v]) => `  ${k}: ${v}`));
  if (producedBy.length) lines.push(`produced by ${producedBy.map((r) => `run ${r.runId.slice(0, 8)} "${r.runName}" (${r.path})`).join(', ')}`);
  return lines.join('\n') + '\n';
}

/** Each output; a classifier's probabilities as its top classes per row, with labels. */
export function renderOutputs(outputs: Feeds, info: ModelInfo): string {
  const lines: string[] = [];
  for (const [name, t] of Object.entries(outputs)) {
    lines.push(`${name}  ${t.type} ${formatShape(t.dims)}`);
    const width = t.dims.length === 2 ? t.dims[1] : 0;
    const values = t.type === 'string' ? [] : toNumbers(t);
    if (info.classLabels && width === info.classLabels.length) {
      for (let r = 0; r < t.dims[0]; r++) {
        const row = values.slice(r * width, (r + 1) * width).map((v, c) => ({ v, label: info.classLabels![c] }));
        row.sort((a, b) => b.v - a.v);
        lines.push(`  [${r}] ${row.slice(0, 3).map((x) => `${x.label} ${num(x.v)}`).join('  ')}`);
      }
    } else if (width) {
      for (let r = 0; r < t.dims[0]; r++) lines.push(`  [${r}] ${values.slice(r * width, (r + 1) * width).map(num).join(' ')}`);
    } else lines.push(`  ${(t.type === 'string' ? (t.data as string[]) : values.map(num)).join(' ')}`);
  }
  return lines.join('\n') + '\n';
}

export function renderBenchmark(b: BenchmarkResult): string {
  const table = formatTable(['batch', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms', 'rows/s', 'calls'],
    b.results.map((r) => [String(r.batch), ms(r.p50Ms), ms(r.p95Ms), ms(r.p99Ms), ms(r.meanMs), Math.round(r.throughput).toLocaleString('en-US'), String(r.iterations)]));
  return `device ${b.device}   session created in ${ms(b.sessionMs)} ms   peak memory ${formatBytes(b.peakMemoryBytes)}\n${table}`;
}

function renderMetrics(m: TaskMetrics): string {
  if (m.task === 'regression') return `MAE ${num(m.mae)}   RMSE ${num(m.rmse)}   R² ${num(m.r2)}   (${m.count} rows)\n`;
  const head = `accuracy ${num(m.accuracy)}   macro F1 ${num(m.macroF1)}   log loss ${num(m.logLoss)}${m.rocAuc !== null ? `   ROC AUC ${num(m.rocAuc)}` : ''}   (${m.count} rows)\n`;
  const perClass = formatTable(['class', 'precision', 'recall', 'F1', 'support'], m.perClass.map((c) => [c.label, num(c.precision), num(c.recall), num(c.f1), String(c.support)]));
  const confusion = formatTable(['true \\ predicted', ...m.labels], m.confusion.map((row, i) => [m.labels[i], ...row.map(String)]));
  return head + perClass + confusion;
}

export function renderEvaluation(e: EvaluationResult & { runId: string }): string {
  const parts = [`${e.task} on ${e.rows} rows (device ${e.device}; ${e.skippedRows} rows skipped for missing values; features ${e.features.join(', ')})\n`, renderMetrics(e.metrics)];
  if (e.softmaxApplied) parts.push('The outputs were scores, not probabilities: softmax applied.\n');
  for (const s of e.slices) parts.push(`\n— ${s.value}\n`, renderMetrics(s.metrics));
  if (e.predictionsFile) parts.push(`predictions: ${e.predictionsFile}\n`);
  parts.push(`recorded as run ${e.runId.slice(0, 8)}\n`);
  return parts.join('');
}

// Result rendering for the model page: tables and a latency histogram, all with textContent.
import type { TaskMetrics } from '../../src/core/inference/metrics';
import type { BenchmarkHistoryEntry } from '../../src/core/inference/modelRuns';
import { el } from '../shared/elements';
import type { HostToWebview, OutputView } from './protocol';

type BenchView = Extract<HostToWebview, { type: 'benchResult' }>['result'];
type EvalView = Extract<HostToWebview, { type: 'evalResult' }>['result'];

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4));
const ms = (v: number) => (v < 1 ? v.toFixed(3) : v.toFixed(2));

export function section(title: string, body: HTMLElement, name: string): HTMLElement {
  const s = el('section');
  s.dataset.section = name;
  s.append(el('h2', title), body);
  return s;
}

export function table(header: string[], rows: string[][]): HTMLElement {
  if (rows.length === 0) return el('p', 'None.', 'muted');
  const t = el('table');
  const head = el('tr');
  for (const h of header) head.append(el('th', h));
  const thead = el('thead');
  thead.append(head);
  const body = el('tbody');
  for (const r of rows) {
    const tr = el('tr');
    for (const c of r) tr.append(el('td', c));
    body.append(tr);
  }
  t.append(thead, body);
  return t;
}

export function renderOutputs(outputs: OutputView[], device: string, runMs: number): HTMLElement {
  const box = el('div');
  box.append(el('p', `Ran on ${device} in ${ms(runMs)} ms.`, 'muted'));
  for (const o of outputs) {
    box.append(el('h3', `${o.name} · ${o.type} [${o.dims.join(', ')}]`));
    if (o.topK) box.append(table(['row', 'top classes'], o.topK.map((row, r) => [String(r), row.map((c) => `${c.label} ${fmt(c.score)}`).join(' · ')])));
    else box.append(el('pre', JSON.stringify(o.values).slice(0, 20_000), 'values'));
  }
  return box;
}

/** Latency histogram of one batch size: 20 bins between min and max, bar widths in CSS. */
function histogram(samples: number[]): HTMLElement {
  const bins = 20;
  const min = Math.min(...samples);
  const max = Math.max(...samples);
  const counts = new Array<number>(bins).fill(0);
  for (const s of samples) counts[Math.min(bins - 1, Math.floor(((s - min) / (max - min || 1)) * bins))]++;
  const top = Math.max(...counts);
  const chart = el('div', '', 'histogram');
  chart.setAttribute('role', 'img');
  chart.setAttribute('aria-label', `latency histogram from ${ms(min)} to ${ms(max)} ms`);
  counts.forEach((c, i) => {
    const bar = el('div', '', 'bar');
    bar.style.height = `${(c / top) * 100}%`;
    bar.title = `${ms(min + ((max - min) * i) / bins)}–${ms(min + ((max - min) * (i + 1)) / bins)} ms: ${c} calls`;
    chart.append(bar);
  });
  return chart;
}

/** Earlier benchmarks of the same model bytes: one row per run × batch size. */
export function renderHistory(history: BenchmarkHistoryEntry[]): HTMLElement {
  const box = el('div', '', 'history');
  if (history.length === 0) return box;
  box.append(el('h3', 'History (this model, every device)'));
  box.append(table(['when', 'device', 'batch', 'p50 ms', 'p95 ms', 'p99 ms', 'throughput (rows/s)'],
    history.flatMap((h) => h.results.map((r) => [new Date(h.startTime).toLocaleString(), h.device, String(r.batch), ms(r.p50Ms), ms(r.p95Ms), ms(r.p99Ms), Math.round(r.throughput).toLocaleString('en-US')]))));
  return box;
}

export function renderBenchmark(b: BenchView): HTMLElement {
  const box = el('div');
  box.append(el('p', `Device ${b.device} · session created in ${ms(b.sessionMs)} ms · peak memory ${(b.peakMemoryBytes / 1024 ** 2).toFixed(0)} MB`, 'muted'));
  box.append(table(['batch', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms', 'throughput (rows/s)', 'calls'],
    b.results.map((r) => [String(r.batch), ms(r.p50Ms), ms(r.p95Ms), ms(r.p99Ms), ms(r.meanMs), Math.round(r.throughput).toLocaleString('en-US'), String(r.iterations)])));
  for (const r of b.results) {
    box.append(el('h3', `batch ${r.batch}: latency distribution`), histogram(r.samplesMs));
  }
  return box;
}

function metricsTable(m: TaskMetrics): HTMLElement {
  if (m.task === 'regression') return table(['rows', 'MAE', 'RMSE', 'R²'], [[String(m.count), fmt(m.mae), fmt(m.rmse), fmt(m.r2)]]);
  const box = el('div');
  box.append(table(['rows', 'accuracy', 'macro precision', 'macro recall', 'macro F1', 'log loss', 'ROC AUC'],
    [[String(m.count), fmt(m.accuracy), fmt(m.macroPrecision), fmt(m.macroRecall), fmt(m.macroF1), fmt(m.logLoss), m.rocAuc === null ? '–' : fmt(m.rocAuc)]]));
  box.append(table(['class', 'precision', 'recall', 'F1', 'support'], m.perClass.map((c) => [c.label, fmt(c.precision), fmt(c.recall), fmt(c.f1), String(c.support)])));
  box.append(el('h3', 'Confusion matrix (rows: true, columns: predicted)'));
  box.append(table(['', ...m.labels], m.confusion.map((row, i) => [m.labels[i], ...row.map(String)])));
  return box;
}

export function renderEvaluation(e: EvalView, openRun: (runId: string) => void): HTMLElement {
  const box = el('div');
  const p = el('p', `${e.task} on ${e.rows} rows of ${e.data} (device ${e.device}; ${e.skippedRows} skipped for missing values). Recorded as `, 'muted');
  const link = el('a', `run ${e.runId.slice(0, 8)}`);
  link.href = '#';
  link.addEventListener('click', (ev) => {
    ev.preventDefault();
    openRun(e.runId);
  });
  p.append(link, '.');
  box.append(p, metricsTable(e.metrics));
  if (e.softmaxApplied) box.append(el('p', 'The outputs were scores, not probabilities: softmax applied.', 'muted'));
  for (const s of e.slices) box.append(el('h3', `slice ${s.value}`), metricsTable(s.metrics));
  return box;
}

// The tables of a comparison of any number of runs: every parameter (which ones differ) and every
// metric's last / min / max / best, with the best run of each metric by the metric's direction.
import { formatMetricValue } from '../live/runSummary';
import type { ParamValue, RunRecord, RunStatus } from '../store/types';
import { metricDirection, type MetricDirection } from './metricDirection';
import { unionKeys } from './runDiff';

export interface ComparedRun {
  id: string;
  name: string;
  experiment: string;
  status: RunStatus;
  startTime: string;
}

export interface ParamRow {
  key: string;
  /** One per run, in the order of `runs`; null where the run lacks the parameter. */
  values: (ParamValue | null)[];
  /** Not every run has the same value (a missing parameter counts as a different one). */
  differs: boolean;
}

export interface MetricCell {
  last: number;
  min: number | null;
  max: number | null;
  /** min or max, by the metric's direction; null when the series holds no number. */
  best: number | null;
  count: number;
}

export interface MetricRow {
  key: string;
  direction: MetricDirection;
  cells: (MetricCell | null)[];
  /** Index into `runs` of the run with the best `best`; null when no run has one. */
  bestRun: number | null;
}

export interface CompareTables {
  runs: ComparedRun[];
  params: ParamRow[];
  metrics: MetricRow[];
}

export function compareTables(runs: readonly RunRecord[]): CompareTables {
  const params = unionKeys(...runs.map((r) => r.params)).map((key): ParamRow => {
    const values = runs.map((r) => (key in r.params ? r.params[key] : null));
    return { key, values, differs: values.some((v) => !Object.is(v, values[0])) };
  });
  const metrics = unionKeys(...runs.map((r) => r.metrics)).map((key): MetricRow => {
    const direction = metricDirection(key);
    const cells = runs.map((r): MetricCell | null => {
      const m = r.metrics[key];
      if (!m) return null;
      return { last: m.last, min: m.min, max: m.max, best: direction === 'min' ? m.min : m.max, count: m.count };
    });
    let bestRun: number | null = null;
    cells.forEach((c, i) => {
      if (c?.best === null || c?.best === undefined || Number.isNaN(c.best)) return;
      const current = bestRun === null ? null : cells[bestRun]!.best!;
      if (current === null || (direction === 'min' ? c.best < current : c.best > current)) bestRun = i;
    });
    return { key, direction, cells, bestRun };
  });
  return {
    runs: runs.map((r) => ({ id: r.id, name: r.name, experiment: r.experiment, status: r.status, startTime: r.startTime })),
    params,
    metrics,
  };
}

const STATS = ['last', 'min', 'max', 'best'] as const;

/**
 * Both tables as one CSV: `table,key,stat` then one column per run (its id). Parameter rows have
 * an empty stat; metric rows come four per key. Non-finite values are spelled NaN/Infinity.
 */
export function tablesToCsv(t: CompareTables): string {
  const rows: string[][] = [['table', 'key', 'stat', ...t.runs.map((r) => r.id)]];
  for (const p of t.params) rows.push(['param', p.key, '', ...p.values.map((v) => (v === null ? '' : String(v)))]);
  for (const m of t.metrics) {
    for (const stat of STATS) rows.push(['metric', m.key, stat, ...m.cells.map((c) => (c && c[stat] !== null ? String(c[stat]) : ''))]);
  }
  return rows.map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A cell's number as the tables print it; '' for none. */
export function formatCell(v: number | null | undefined): string {
  return v === null || v === undefined ? '' : formatMetricValue(v);
}

// What a list of runs shows for each run: status, duration and one key metric.
import type { MetricSummary, RunRecord } from '../store/types';

/** Metric names that usually say how good a run is, most telling first. */
const PREFERRED = ['val_accuracy', 'val_acc', 'accuracy', 'acc', 'f1', 'auc', 'val_loss', 'loss', 'rmse', 'mae'];

export interface KeyMetric {
  key: string;
  value: number;
}

/** The configured metric when the run has it, else the first preferred name, else the first key. */
export function keyMetric(metrics: Record<string, MetricSummary>, configured?: string): KeyMetric | undefined {
  const keys = Object.keys(metrics);
  if (keys.length === 0) return undefined;
  const key = (configured && metrics[configured] ? configured : undefined)
    ?? PREFERRED.find((k) => metrics[k])
    ?? keys.find((k) => /acc|f1|auc/i.test(k))
    ?? keys.sort()[0];
  return { key, value: metrics[key].last };
}

export function runDurationMs(run: Pick<RunRecord, 'startTime' | 'endTime'>, now = Date.now()): number {
  const start = Date.parse(run.startTime);
  const end = run.endTime ? Date.parse(run.endTime) : now;
  return Math.max(0, end - start);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function formatMetricValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

export const CRASHED_EXPLANATION = 'Its process died without ending the run (killed, crashed or lost); it ends where it was last heard from.';

/** "12s · accuracy 0.9333": the line next to a run's name; a crashed run says so first (the icon alone is easy to miss). */
export function describeRun(run: RunRecord, configuredMetric?: string, now = Date.now()): string {
  const parts = [formatDuration(runDurationMs(run, now))];
  if (run.status === 'crashed') parts.unshift('crashed');
  const metric = keyMetric(run.metrics, configuredMetric);
  if (metric) parts.push(`${metric.key} ${formatMetricValue(metric.value)}`);
  return parts.join(' · ');
}

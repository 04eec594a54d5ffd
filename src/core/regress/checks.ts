// Comparisons shared by the kinds, each producing a Check with expected and actual spelled out.
import { formatMetricValue } from '../live/runSummary';
import type { MetricSummary, RunRecord } from '../store/types';
import type { Bounds } from './fields';
import type { Check } from './types';

export type Better = 'higher' | 'lower';

/** Names of metrics where less is better; everything else (accuracy, f1, auc, r2…) is better higher. */
const LOWER_IS_BETTER = /loss|err|rmse|mse|mae|mape|perplexity|latency|duration|time|nll|brier|wer|cer|diverg/i;

/** Which way a metric improves: the test's `better:` when given, else by its name. */
export function betterDirection(metric: string, declared?: Better): Better {
  return declared ?? (LOWER_IS_BETTER.test(metric) ? 'lower' : 'higher');
}

export const fmt = (v: number): string => formatMetricValue(v);

export function describeBounds(b: Bounds): string {
  if (b.min !== undefined && b.max !== undefined) return `between ${fmt(b.min)} and ${fmt(b.max)}`;
  return b.min !== undefined ? `≥ ${fmt(b.min)}` : `≤ ${fmt(b.max!)}`;
}

/** NaN and ±Infinity are never within bounds, whatever they are. */
export function withinBounds(value: number, b: Bounds): boolean {
  if (!Number.isFinite(value)) return false;
  return (b.min === undefined || value >= b.min) && (b.max === undefined || value <= b.max);
}

export function boundsCheck(label: string, value: number, b: Bounds): Check {
  return { label, expected: describeBounds(b), actual: fmt(value), ok: withinBounds(value, b) };
}

export type SummaryField = 'last' | 'min' | 'max';
export const SUMMARY_FIELDS: readonly SummaryField[] = ['last', 'min', 'max'];

/** The metric's value the test reads, or undefined when the run lacks the metric. */
export function metricValue(run: RunRecord, key: string, field: SummaryField): number | undefined {
  const summary: MetricSummary | undefined = run.metrics[key];
  if (!summary) return undefined;
  const v = summary[field];
  return v === null ? Number.NaN : v;
}

export function missingMetric(run: RunRecord, key: string): string {
  const keys = Object.keys(run.metrics).sort();
  return `run ${run.id.slice(0, 8)} (${run.name}) has no metric "${key}"${keys.length ? ` (it has: ${keys.join(', ')})` : ' (it logged no metrics)'}`;
}

/** "+0.012 (+1.4%)": how `current` moved from `baseline`. */
export function describeChange(current: number, baseline: number): string {
  if (!Number.isFinite(current) || !Number.isFinite(baseline)) return `${fmt(baseline)} → ${fmt(current)}`;
  const d = current - baseline;
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  const pct = baseline !== 0 ? ` (${sign}${Math.abs((d / Math.abs(baseline)) * 100).toFixed(1)}%)` : '';
  return `${sign}${fmt(Math.abs(d))}${pct}`;
}

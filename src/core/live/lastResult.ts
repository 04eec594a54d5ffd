// One-line summaries of a run for editor decorations: the CodeLens above a script and the status
// item of a notebook cell.
import type { RunRecord } from '../store/types';
import { formatMetricValue, keyMetric } from './runSummary';

/** `last: val_accuracy 0.8824 · 3 min ago`, `running: loss 0.31`, `last: failed · 1 h ago`. */
export function lastResultTitle(run: RunRecord, configuredMetric: string | undefined, now = Date.now()): string {
  const metric = keyMetric(run.metrics, configuredMetric);
  const value = metric ? `${metric.key} ${formatMetricValue(metric.value)}` : run.status;
  if (run.status === 'running') return `running: ${metric ? value : 'started'} · ${ago(Date.parse(run.startTime), now)}`;
  const outcome = run.status === 'finished' ? value : `${run.status}${metric ? ` (${value})` : ''}`;
  return `last: ${outcome} · ${ago(Date.parse(run.endTime ?? run.startTime), now)}`;
}

function ago(time: number, now: number): string {
  const s = Math.max(0, Math.round((now - time) / 1000));
  if (s < 60) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

/** `✓ val_accuracy 0.8824`, `⏺ running · step 3`, `✗ failed`: a `%%track` cell's run. */
export function cellStatusText(run: RunRecord, configuredMetric: string | undefined): string {
  const metric = keyMetric(run.metrics, configuredMetric);
  if (run.status === 'running') {
    const steps = Object.values(run.metrics).map((m) => m.lastStep);
    return steps.length ? `⏺ running · step ${Math.max(...steps)}` : '⏺ running';
  }
  if (run.status === 'finished') return metric ? `✓ ${metric.key} ${formatMetricValue(metric.value)}` : '✓ finished';
  return `✗ ${run.status}`;
}

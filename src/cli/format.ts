/** Helpers for what the CLI prints: JSON that keeps NaN/Infinity, tables, numbers. */
import { formatMetricValue } from '../core/live/runSummary';
import { visible } from './terminalText';

/** JSON with non-finite numbers spelled as strings ("NaN", "Infinity", "-Infinity"), as MLflow does. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2);
}

/** A plain-text table; cells are shown with control characters spelled out. */
export function formatTable(header: string[], unsafeRows: string[][]): string {
  const rows = unsafeRows.map((r) => r.map(visible));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** A metric value as the Runs view shows it; "-" for none. */
export function formatNumber(v: number | null): string {
  return v === null ? '-' : formatMetricValue(v);
}

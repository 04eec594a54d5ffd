// Drift over time: the current data cut into windows by an order column — calendar spans (`1D`,
// `1W`, `6H`) of a date column, or runs of N rows in the column's order — so every column's drift
// score can be charted per window, the monitoring view of a model in production.
import { MlwbError } from '../errors';
import type { Table } from './read/table';

export interface WindowSpec {
  by: string;
  window: string;
}

export interface WindowInfo {
  label: string;
  /** The window's first order value (epoch ms for dates). */
  start: number;
  rows: number;
}

export interface WindowPlan {
  /** Row of the current table → its window, or −1 (no order value). */
  windowOf: Int32Array;
  windows: WindowInfo[];
}

const UNIT_MS: Record<string, number> = { H: 3600_000, D: 86400_000, W: 7 * 86400_000 };

export function parseWindow(spec: string): { kind: 'rows'; rows: number } | { kind: 'time'; ms: number } {
  const rows = /^(\d+)$/.exec(spec);
  if (rows && Number(rows[1]) > 0) return { kind: 'rows', rows: Number(rows[1]) };
  const time = /^(\d+)([HDW])$/i.exec(spec);
  if (time && Number(time[1]) > 0) return { kind: 'time', ms: Number(time[1]) * UNIT_MS[time[2].toUpperCase()] };
  throw new MlwbError(`--window "${spec}" is not a window.`, 'Use a number of rows (5000) or a span of a date column: 6H, 1D, 1W.', 2);
}

/** The order values of the `by` column: numbers as they are, date strings as epoch ms. */
function orderValues(table: Table, by: string): { values: Float64Array; dates: boolean } {
  const column = table.columns.find((c) => c.name === by);
  if (!column) throw new MlwbError(`--by column "${by}" is not in ${table.source}.`, `Columns there: ${table.columns.map((c) => c.name).join(', ')}.`, 2);
  if (column.kind === 'number') return { values: column.values, dates: false };
  const values = new Float64Array(column.values.length);
  column.values.forEach((v, i) => {
    const t = v === null ? NaN : Date.parse(v);
    if (v !== null && Number.isNaN(t)) throw new MlwbError(`--by column "${by}" holds "${v}", which is neither a number nor a date.`, 'Order by a date or number column.', 2);
    values[i] = t;
  });
  return { values, dates: true };
}

function label(value: number, dates: boolean, withTime: boolean): string {
  if (!dates) return String(value);
  const iso = new Date(value).toISOString();
  return withTime ? iso.slice(0, 16).replace('T', ' ') : iso.slice(0, 10);
}

export function planWindows(table: Table, spec: WindowSpec): WindowPlan {
  const window = parseWindow(spec.window);
  const { values, dates } = orderValues(table, spec.by);
  const windowOf = new Int32Array(values.length).fill(-1);
  const ordered = Array.from(values.keys()).filter((i) => !Number.isNaN(values[i])).sort((a, b) => values[a] - values[b] || a - b);
  const windows: WindowInfo[] = [];
  if (window.kind === 'rows') {
    ordered.forEach((row, rank) => {
      const w = Math.floor(rank / window.rows);
      if (!windows[w]) windows[w] = { label: `${label(values[row], dates, false)} (${w * window.rows + 1}…)`, start: values[row], rows: 0 };
      windows[w].rows++;
      windowOf[row] = w;
    });
    return { windowOf, windows };
  }
  if (!dates) throw new MlwbError(`--window ${spec.window} needs a date column for --by; "${spec.by}" holds numbers.`, 'Use a number of rows as the window.', 2);
  if (ordered.length === 0) return { windowOf, windows };
  // Windows start on the first value's day (its hour for spans under a day), not on epoch multiples.
  const grain = Math.min(window.ms, UNIT_MS.D);
  const first = Math.floor(values[ordered[0]] / grain) * grain;
  const byStart = new Map<number, number>();
  for (const row of ordered) {
    const start = first + Math.floor((values[row] - first) / window.ms) * window.ms;
    let w = byStart.get(start);
    if (w === undefined) {
      w = windows.length;
      byStart.set(start, w);
      windows.push({ label: label(start, true, window.ms < UNIT_MS.D), start, rows: 0 });
    }
    windows[w].rows++;
    windowOf[row] = w;
  }
  return { windowOf, windows };
}

// The drift report as JSON: what `mlwb drift --json` prints, what the store keeps and what the
// webview draws. The names in `dataset` and `columns` are a published contract: keep them.
import type { ColumnType } from './columnTests';
import type { SchemaChanges } from './schema';
import type { TextDrift } from './textDrift';

export type ColumnChart =
  /** Shares of each side per shared bin (edges has one more entry than the shares). */
  | { kind: 'histogram'; edges: number[]; reference: number[]; current: number[] }
  /** Shares of each side per category (the rarest grouped into a last "others" bar). */
  | { kind: 'bars'; categories: string[]; reference: number[]; current: number[] };

export interface ColumnDrift {
  name: string;
  type: ColumnType;
  /** The test's short name (Evidently's), e.g. "ks", "wasserstein"; "none" when a side has no values. */
  test: string;
  testLabel: string;
  statistic: number | null;
  /** null for distances. */
  pValue: number | null;
  /** What is compared with the threshold: the p-value or the distance. */
  score: number | null;
  threshold: number | null;
  drifted: boolean;
  missing: { reference: number; current: number };
  rows: { reference: number; current: number };
  newCategories: string[];
  vanishedCategories: string[];
  chart: ColumnChart | null;
  /** Text columns: n-gram shares and distances, out-of-vocabulary share, text lengths. */
  text?: TextDrift;
  /** With --by/--window: the score and verdict of each window of the current data (null: no values there). */
  windows?: Array<{ score: number | null; drifted: boolean | null }>;
  note?: string;
}

export interface DatasetDrift {
  drifted: boolean;
  /** Share of drifted columns, 0..1. */
  share: number;
  driftedColumns: number;
  columns: number;
  /** The share of drifted columns from which the dataset counts as drifted. */
  driftShare: number;
}

export interface FileSummary {
  path: string;
  rows: number;
  columns: number;
  sha256?: string;
  bytes?: number;
}

export interface DriftReport {
  dataset: DatasetDrift;
  columns: ColumnDrift[];
  /** Columns left out, and why (date columns unless named with --column). */
  skipped: Array<{ name: string; reason: string }>;
  /** Columns added, missing or typed differently in the current file (absent in reports saved before it existed). */
  schema?: SchemaChanges;
  reference: FileSummary;
  current: FileSummary;
  createdAt: string;
  /** With --by/--window: the windows the current data was cut into, in order. */
  windows?: { by: string; window: string; list: Array<{ label: string; start: number; rows: number }> };
}

export interface DriftOptions {
  /** Only these columns (default: every column both files share). */
  columns?: string[];
  /** Column → test name. */
  tests?: Record<string, string>;
  /** Column → threshold. */
  thresholds?: Record<string, number>;
  driftShare?: number;
  /** Drift over time: cut the current data by this order column into windows. */
  over?: { by: string; window: string };
  /** Prediction drift: this model's outputs on both files become extra columns. */
  model?: PredictionModel;
}

/** The model whose outputs on both files are compared (prediction drift). */
export interface PredictionModel {
  /** The ONNX file. */
  path: string;
  /** cpu (default), webgpu, cuda… as `mlwb devices` lists them. */
  device?: string;
  /** The columns that feed the model (default: the model's `features` metadata, else every numeric column). */
  features?: string[];
  /** Which output holds the predictions (default: the first). */
  output?: string;
}

export const DEFAULT_DRIFT_SHARE = 0.5;

/** "Drift in 7 of 12 columns (58 %) — dataset drift (threshold 50 %)". */
export function verdictLine(d: DatasetDrift): string {
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  return `Drift in ${d.driftedColumns} of ${d.columns} column${d.columns === 1 ? '' : 's'} (${pct(d.share)}) — ${d.drifted ? 'dataset drift' : 'no dataset drift'} (threshold ${pct(d.driftShare)})`;
}

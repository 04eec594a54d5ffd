// The narrow interfaces through which kinds reach the inference and drift cores. Kinds receive
// implementations in their context; the CLI and the extension plug the real cores in. When one
// is missing, its kinds report that they cannot run (an error, never a pass).

export interface TensorValues {
  shape: number[];
  data: number[];
}

export interface EvaluateRequest {
  /** Absolute paths. */
  model: string;
  data: string;
  /** The column holding the true labels or values. */
  target: string;
  /** Columns to report each metric for, value by value. */
  sliceBy?: string;
  device: string;
  signal: AbortSignal;
}

export interface Evaluation {
  rows: number;
  /** metric name → value (accuracy, macro_f1, rmse…: whatever the inference core computes). */
  overall: Record<string, number>;
  /** column value → metric name → value; present when `sliceBy` was given. */
  slices?: Record<string, { rows: number; metrics: Record<string, number> }>;
}

export interface PredictRequest {
  model: string;
  /** A file of named input tensors (JSON: `{name: {shape, data}}`). */
  inputs: string;
  device: string;
  signal: AbortSignal;
}

export interface LatencyRequest {
  model: string;
  batch: number;
  iterations: number;
  warmup: number;
  device: string;
  signal: AbortSignal;
}

export interface LatencyFigures {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Rows per second. */
  throughput: number;
}

/** What the inference core offers the regression tests. */
export interface ModelRunner {
  evaluate(request: EvaluateRequest): Promise<Evaluation>;
  predict(request: PredictRequest): Promise<Record<string, TensorValues>>;
  latency(request: LatencyRequest): Promise<LatencyFigures>;
}

export interface DriftRequest {
  /** Absolute paths of data files (CSV, JSON lines, Parquet). */
  reference: string;
  current: string;
  /** Only these columns; all common columns when absent. */
  columns?: string[];
  signal: AbortSignal;
}

export interface ColumnDrift {
  column: string;
  /** The statistical test used (ks, wasserstein, chi2, jensenshannon, psi…). */
  test: string;
  score: number;
  pValue?: number;
  drifted: boolean;
}

export interface DriftReport {
  datasetDrift: boolean;
  /** Share of the columns that drifted. */
  driftShare: number;
  columns: ColumnDrift[];
}

/** What the drift core offers the regression tests. */
export interface DriftRunner {
  compare(request: DriftRequest): Promise<DriftReport>;
}

/** `crashed`: the run's process died without ending it (see liveness.ts); its end time is when it was last seen. */
export type RunStatus = 'running' | 'finished' | 'failed' | 'killed' | 'crashed';
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'finished', 'failed', 'killed', 'crashed'];

/** Where a run came from: a script under `mlwb run`, a notebook cell, the Python client, an MLflow client… */
export type RunSource = 'script' | 'notebook' | 'client' | 'mlflow' | 'terminal' | 'cli';

export type ParamValue = string | number | boolean;

export interface MetricPoint {
  key: string;
  value: number;
  step: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

/** Summary of one metric series; NaN and ±Infinity are kept as such (min/max skip NaN). */
export interface MetricSummary {
  last: number;
  min: number | null;
  max: number | null;
  count: number;
  lastStep: number;
}

/** A whole series, column by column: what charts and histories read. */
export interface MetricSeries {
  steps: Float64Array;
  timestamps: Float64Array;
  values: Float64Array;
}

export interface GitInfo {
  commit: string;
  branch: string | null;
  remote: string | null;
  dirty: boolean;
  /** Uncommitted changes (tracked and untracked text files) as a unified diff. */
  diff: string;
  /** Size of the full diff before any cap; larger than `diff.length` when truncated. */
  diffBytes: number;
  diffTruncated: boolean;
}

export interface PythonInfo {
  executable: string;
  version: string;
}

export interface GpuInfo {
  name: string;
  memoryMiB?: number;
  driver?: string;
}

export interface EnvInfo {
  os: string;
  cpu: string;
  cpuCores: number;
  memoryBytes: number;
  gpus: GpuInfo[];
  node: string;
  python: PythonInfo | null;
  /** name → version, from `pip freeze` or `conda list`. */
  packages: Record<string, string>;
  /** Allow-listed environment variables, secrets removed. */
  envVars: Record<string, string>;
  /** What could not be captured, and why (a missing Python, a timed-out pip…). */
  notes: string[];
}

export interface DatasetRef {
  path: string;
  sha256: string;
  bytes: number;
  /** Data rows for CSV (header excluded) and JSON lines; null for other formats. */
  rows: number | null;
  /** What could not be established (hashing stopped before the end: `sha256` is then ""). */
  note?: string;
}

export interface ArtifactRef {
  path: string;
  sha256: string;
  bytes: number;
}

export interface RunLog {
  stream: 'stdout' | 'stderr';
  content: string;
  totalBytes: number;
  truncated: boolean;
}

/** A run as the CLI's JSON contract (`runs show --json`) spells it. */
export interface RunRecord {
  id: string;
  name: string;
  experiment: string;
  status: RunStatus;
  source: RunSource;
  exitCode: number | null;
  startTime: string;
  endTime: string | null;
  command: string[];
  cwd: string | null;
  notes: string | null;
  params: Record<string, ParamValue>;
  metrics: Record<string, MetricSummary>;
  tags: Record<string, string>;
  git: (Pick<GitInfo, 'commit' | 'branch' | 'dirty' | 'remote'> & { diffBytes: number; diffTruncated: boolean }) | null;
  gitNote: string | null;
  env: EnvInfo | null;
  data: DatasetRef[];
  artifacts: ArtifactRef[];
}

export interface NewRun {
  name?: string;
  experiment: string;
  source: RunSource;
  command?: string[];
  cwd?: string;
  startTime?: number;
  status?: RunStatus;
  id?: string;
  /** The process that keeps the run going: when it is gone, the run is crashed. */
  owner?: RunOwner;
}

/** Who owns a running run, enough to tell later whether that process still lives. */
export interface RunOwner {
  pid: number;
  host: string;
  /** The process's start, `<boot id>:<start ticks>` from /proc (Linux): a reused pid has another; null elsewhere. */
  start: string | null;
}

export interface RunFilter {
  experiment?: string;
  status?: RunStatus;
}

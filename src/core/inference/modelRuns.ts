import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fingerprintData } from '../capture/dataFingerprint';
import { ArtifactFiles } from '../ingest/artifactStore';
import type { Store } from '../store/store';
import type { ParamValue } from '../store/types';
import type { TaskMetrics } from './metrics';
import type { ModelInfo } from './modelInfo';
import type { BenchmarkResult } from './worker/benchmark';
import type { EvaluationResult } from './worker/evaluate';

export interface ProducingRun {
  runId: string;
  runName: string;
  /** The artifact's path within the run. */
  path: string;
}

/** Runs that logged an artifact with exactly these bytes: where a model file came from. */
export function runsProducing(store: Store, sha256: string): ProducingRun[] {
  return store.db
    .prepare('SELECT a.run_id AS runId, r.name AS runName, a.path AS path FROM artifacts a JOIN runs r ON r.id = a.run_id WHERE a.sha256 = ? ORDER BY r.start_time')
    .all(sha256) as ProducingRun[];
}

/** A metric name per scalar of a task's metrics, e.g. accuracy, f1_macro, f1/Adelie. */
export function metricValues(metrics: TaskMetrics, prefix = ''): Record<string, number> {
  if (metrics.task === 'regression') return { [`${prefix}mae`]: metrics.mae, [`${prefix}rmse`]: metrics.rmse, [`${prefix}r2`]: metrics.r2 };
  const out: Record<string, number> = {
    [`${prefix}accuracy`]: metrics.accuracy,
    [`${prefix}precision_macro`]: metrics.macroPrecision,
    [`${prefix}recall_macro`]: metrics.macroRecall,
    [`${prefix}f1_macro`]: metrics.macroF1,
    [`${prefix}log_loss`]: metrics.logLoss,
  };
  if (metrics.rocAuc !== null) out[`${prefix}roc_auc`] = metrics.rocAuc;
  for (const c of metrics.perClass) out[`${prefix}f1/${c.label}`] = c.f1;
  return out;
}

export interface EvaluationRecord {
  model: string;
  info: ModelInfo;
  data: string;
  label: string;
  slice?: string;
  result: EvaluationResult;
  command: string[];
  cwd: string;
}

/**
 * Stores an evaluation as a finished run (experiment "evaluations"): the model's sha256, the
 * device and the label as params, the dataset's fingerprint, metrics overall and per slice,
 * and the predictions file as an artifact, so it shows in the Runs view and compares.
 */
export async function recordEvaluation(store: Store, record: EvaluationRecord): Promise<string> {
  const { result, info } = record;
  const dataset = await fingerprintData(record.data, record.cwd);
  let predictions: { sha256: string; bytes: number } | undefined;
  if (result.predictionsFile) predictions = await new ArtifactFiles(store.dir).put(createReadStream(result.predictionsFile), Number.MAX_SAFE_INTEGER);
  const now = Date.now();
  const params: Record<string, ParamValue> = {
    model: path.relative(record.cwd, path.resolve(record.cwd, record.model)) || record.model,
    model_sha256: info.sha256,
    device: result.device,
    label: record.label,
    task: result.task,
    rows: result.rows,
  };
  if (record.slice) params.slice = record.slice;
  const metrics = { ...metricValues(result.metrics) };
  for (const s of result.slices) Object.assign(metrics, metricValues(s.metrics, `${record.slice}=${s.value}/`));
  return store.transaction(() => {
    const id = store.createRun({ name: `eval ${path.basename(record.model)}`, experiment: 'evaluations', source: 'cli', command: record.command, cwd: record.cwd, startTime: now - Math.round(result.inferenceMs + result.sessionMs) });
    store.logParams(id, params);
    store.setTags(id, { 'mlwb.kind': 'evaluation', 'mlwb.model_sha256': info.sha256 });
    store.addDataset(id, dataset);
    store.logMetrics(id, Object.entries(metrics).map(([key, value]) => ({ key, value, step: 0, timestamp: now })));
    if (predictions) store.addArtifact(id, { path: 'predictions.csv', ...predictions });
    store.finishRun(id, 'finished', 0, now);
    return id;
  });
}

/** Removes a temporary predictions file once stored. */
export async function removeQuietly(file: string | null): Promise<void> {
  if (file) await fs.rm(file, { force: true, recursive: true });
}

export interface ModelArtifact extends ProducingRun {
  sha256: string;
  bytes: number;
}

/** Every `.onnx` artifact logged by a run, newest run first. */
export function onnxArtifacts(store: Store): ModelArtifact[] {
  return store.db
    .prepare("SELECT a.run_id AS runId, r.name AS runName, a.path AS path, a.sha256 AS sha256, a.bytes AS bytes FROM artifacts a JOIN runs r ON r.id = a.run_id WHERE lower(a.path) LIKE '%.onnx' ORDER BY r.start_time DESC")
    .all() as ModelArtifact[];
}

export interface BenchmarkRecord {
  model: string;
  info: ModelInfo;
  result: BenchmarkResult;
  command: string[];
  cwd: string;
}

/**
 * Stores a benchmark as a finished run (experiment "benchmarks"): model sha256 and device as
 * params, per batch size `b<N>/p50_ms` … `b<N>/throughput`, so a model × device has a history.
 */
export function recordBenchmark(store: Store, record: BenchmarkRecord): string {
  const { result, info } = record;
  const now = Date.now();
  const metrics: Record<string, number> = { session_ms: result.sessionMs, peak_memory_mb: result.peakMemoryBytes / 1024 ** 2 };
  for (const r of result.results) {
    Object.assign(metrics, { [`b${r.batch}/p50_ms`]: r.p50Ms, [`b${r.batch}/p95_ms`]: r.p95Ms, [`b${r.batch}/p99_ms`]: r.p99Ms, [`b${r.batch}/mean_ms`]: r.meanMs, [`b${r.batch}/throughput`]: r.throughput });
  }
  return store.transaction(() => {
    const id = store.createRun({ name: `bench ${path.basename(record.model)} on ${result.device}`, experiment: 'benchmarks', source: 'cli', command: record.command, cwd: record.cwd, startTime: now });
    store.logParams(id, {
      model: path.relative(record.cwd, path.resolve(record.cwd, record.model)) || record.model,
      model_sha256: info.sha256,
      device: result.device,
      batches: result.results.map((r) => r.batch).join(','),
      iterations: result.results[0]?.iterations ?? 0,
    });
    store.setTags(id, { 'mlwb.kind': 'benchmark', 'mlwb.model_sha256': info.sha256 });
    store.logMetrics(id, Object.entries(metrics).map(([key, value]) => ({ key, value, step: 0, timestamp: now })));
    store.finishRun(id, 'finished', 0, now);
    return id;
  });
}

export interface BenchmarkHistoryEntry {
  runId: string;
  startTime: string;
  device: string;
  results: { batch: number; p50Ms: number; p95Ms: number; p99Ms: number; meanMs: number; throughput: number }[];
}

/** Earlier benchmarks of exactly this model (by sha256), newest first, on every device. */
export function benchmarkHistory(store: Store, sha256: string): BenchmarkHistoryEntry[] {
  return store.listRuns({ experiment: 'benchmarks' })
    .filter((run) => run.tags['mlwb.model_sha256'] === sha256)
    .sort((a, b) => b.startTime.localeCompare(a.startTime))
    .map((run) => {
      const value = (key: string) => run.metrics[key]?.last ?? NaN;
      const batches = String(run.params.batches ?? '').split(',').filter(Boolean).map(Number);
      return {
        runId: run.id,
        startTime: run.startTime,
        device: String(run.params.device),
        results: batches.map((b) => ({
          batch: b, p50Ms: value(`b${b}/p50_ms`), p95Ms: value(`b${b}/p95_ms`), p99Ms: value(`b${b}/p99_ms`), meanMs: value(`b${b}/mean_ms`), throughput: value(`b${b}/throughput`),
        })),
      };
    });
}

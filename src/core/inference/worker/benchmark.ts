import { MlwbError } from '../../errors';
import { syntheticFeeds } from '../feeds';
import type { TensorSignature } from '../modelInfo';
import { summarize, type LatencySummary } from '../stats';
import { openRunner, recoverRun, runSession, toOrtFeeds } from './sessions';

export interface BenchmarkRequest {
  model: string;
  device: string;
  batches: number[];
  /** Timed iterations per batch size; with `timeBudgetMs`, whichever ends first. */
  iterations?: number;
  timeBudgetMs?: number;
  warmup?: number;
  /** Values for dynamic dimensions other than the batch axis. */
  dims?: Record<string, number>;
  /** When the device fails, go on on cpu (and say so) instead of stopping. */
  fallbackToCpu?: boolean;
}

export interface BatchResult extends LatencySummary {
  batch: number;
  /** Samples (rows) per second at the mean latency. */
  throughput: number;
  iterations: number;
  /** Every timed call, for histograms. */
  samplesMs: number[];
}

export interface BenchmarkResult {
  device: string;
  sessionMs: number;
  /** The inference process's peak resident memory. */
  peakMemoryBytes: number;
  results: BatchResult[];
  /** When the chosen device failed and the caller allowed cpu instead: why. */
  fellBack?: string;
}

export type Progress = (done: number, total: number, message?: string) => void;

/**
 * Times the model inside the inference process: each call is onnxruntime's session.run, timed
 * as a raw onnxruntime loop times it (no wrapper, no copy in the loop; a failure is handled
 * after the fact). Warm-up calls first, untimed.
 */
export async function benchmark(request: BenchmarkRequest, inputs: readonly TensorSignature[], progress: Progress): Promise<BenchmarkResult> {
  const runner = await openRunner(request.model, request.device, request.fallbackToCpu);
  const iterations = request.iterations ?? (request.timeBudgetMs ? Number.MAX_SAFE_INTEGER : 100);
  const warmup = request.warmup ?? 10;
  if (request.batches.some((b) => !Number.isInteger(b) || b < 1)) throw new MlwbError('Batch sizes must be positive integers.');
  const results: BatchResult[] = [];
  for (const [index, batch] of request.batches.entries()) {
    const feeds = syntheticFeeds(inputs, batch, request.dims);
    const fixedBatch = inputs.find((i) => typeof i.shape[0] === 'number');
    if (fixedBatch && fixedBatch.shape[0] !== batch) {
      throw new MlwbError(`Input "${fixedBatch.name}" has a fixed batch of ${fixedBatch.shape[0]}; batch ${batch} cannot run.`, `Use --batch ${fixedBatch.shape[0]}.`);
    }
    // The same input every call, wrapped for onnxruntime once: what is timed is the model on the device.
    const ortFeeds = toOrtFeeds(feeds);
    for (let i = 0; i < warmup; i++) await runSession(runner, ortFeeds);
    const samples: number[] = [];
    const deadline = request.timeBudgetMs ? performance.now() + request.timeBudgetMs / request.batches.length : Infinity;
    let start = 0;
    while (samples.length < iterations && (samples.length === 0 || start < deadline)) {
      start = performance.now();
      try {
        await runner.session.run(ortFeeds);
      } catch (err) {
        const failed = runner.device;
        await recoverRun(runner, ortFeeds, err);
        // Moved to cpu mid-run: the times so far were the failed device's.
        if (runner.device !== failed) samples.length = 0;
        continue;
      }
      samples.push(performance.now() - start);
      if (samples.length % 50 === 0) progress(index, request.batches.length, `batch ${batch}: ${samples.length} calls`);
    }
    const summary = summarize(samples);
    results.push({ batch, ...summary, throughput: (batch * 1000) / summary.meanMs, iterations: samples.length, samplesMs: samples });
    progress(index + 1, request.batches.length, `batch ${batch} done`);
  }
  return { device: runner.device, sessionMs: runner.createMs, ...(runner.fellBack ? { fellBack: runner.fellBack } : {}), peakMemoryBytes: process.resourceUsage().maxRSS * 1024, results };
}

// The real inference and drift cores behind the regression tests' ports. Inference runs in the
// inference process (InferenceClient), drift in the drift core's worker threads (computeDrift):
// the same paths `mlwb model eval|bench|run` and `mlwb drift` take, so a test and the command a
// user runs by hand agree.
import { promises as fs } from 'node:fs';
import { computeDrift } from '../drift/computeDrift';
import { MlwbError } from '../errors';
import { typedArrayFor } from '../inference/elementTypes';
import { InferenceClient } from '../inference/inferenceClient';
import { inspectModel, type ModelInfo } from '../inference/modelInfo';
import { metricValues } from '../inference/modelRuns';
import { toNumbers, type Feeds } from '../inference/tensor';
import { readTensorFile } from './golden';
import type { DriftReport, DriftRunner, Evaluation, LatencyFigures, ModelRunner, TensorValues } from './ports';

async function modelInfo(file: string): Promise<ModelInfo> {
  return inspectModel(await fs.readFile(file), file);
}

/** `{name: {shape, data}}` (the golden inputs file) as feeds of each input's element type. */
async function goldenFeeds(file: string, info: ModelInfo): Promise<Feeds> {
  let tensors: Record<string, TensorValues>;
  try {
    tensors = await readTensorFile(file);
  } catch (err) {
    throw new MlwbError(`${file}: ${(err as Error).message}.`, 'The inputs file is JSON: {"input name": {"shape": [..], "data": [..]}}.');
  }
  const feeds: Feeds = {};
  for (const input of info.inputs) {
    const t = tensors[input.name];
    if (!t) throw new MlwbError(`${file} has no tensor for the model's input "${input.name}".`, `It has: ${Object.keys(tensors).join(', ') || 'nothing'}.`);
    feeds[input.name] = { type: input.type, dims: t.shape, data: typedArrayFor(input.type, t.data) };
  }
  return feeds;
}

/** The inference core as a ModelRunner; one inference process, started on first use. */
export class InferenceModelRunner implements ModelRunner {
  private readonly client: InferenceClient;

  constructor(workerPath?: string) {
    this.client = new InferenceClient(workerPath);
  }

  async evaluate(request: Parameters<ModelRunner['evaluate']>[0]): Promise<Evaluation> {
    const result = await this.client.call('eval', {
      model: request.model, device: request.device, data: request.data, label: request.target, slice: request.sliceBy,
    }, { signal: request.signal });
    const evaluation: Evaluation = { rows: result.rows, overall: metricValues(result.metrics) };
    if (request.sliceBy) evaluation.slices = Object.fromEntries(result.slices.map((s) => [s.value, { rows: s.metrics.count, metrics: metricValues(s.metrics) }]));
    return evaluation;
  }

  async predict(request: Parameters<ModelRunner['predict']>[0]): Promise<Record<string, TensorValues>> {
    const feeds = await goldenFeeds(request.inputs, await modelInfo(request.model));
    const result = await this.client.call('run', { model: request.model, device: request.device, feeds }, { signal: request.signal });
    return Object.fromEntries(Object.entries(result.outputs).map(([name, t]) => [name, { shape: t.dims, data: toNumbers(t) }]));
  }

  async latency(request: Parameters<ModelRunner['latency']>[0]): Promise<LatencyFigures> {
    const result = await this.client.call('bench', {
      model: request.model, device: request.device, batches: [request.batch], iterations: request.iterations, warmup: request.warmup,
    }, { signal: request.signal });
    const figures = result.results[0];
    if (!figures) throw new MlwbError(`The benchmark of ${request.model} returned no figures for batch ${request.batch}.`);
    return { p50Ms: figures.p50Ms, p95Ms: figures.p95Ms, p99Ms: figures.p99Ms, throughput: figures.throughput };
  }

  /** Ends the inference process. */
  dispose(): void {
    this.client.dispose();
  }
}

/** The drift core as a DriftRunner: `mlwb drift`'s report with its default tests and thresholds. */
export const driftCoreRunner: DriftRunner = {
  async compare(request): Promise<DriftReport> {
    const report = await computeDrift(request.reference, request.current, { columns: request.columns }, { signal: request.signal });
    return {
      datasetDrift: report.dataset.drifted,
      driftShare: report.dataset.share,
      columns: report.columns.map((c) => ({ column: c.name, test: c.test, score: c.score ?? NaN, pValue: c.pValue ?? undefined, drifted: c.drifted })),
    };
  },
};

import { MlwbError } from '../../core/errors';
import { InferenceClient } from '../../core/inference/inferenceClient';
import { recordBenchmark } from '../../core/inference/modelRuns';
import { type CliContext, withStore } from '../context';
import { toJson } from '../format';
import { renderBenchmark } from '../renderModel';
import { deviceOf, fallbackOf, loadModel, parseBatches, parseDims, parseModelArgs } from './modelArgs';

const USAGE = 'Usage: mlwb model bench FILE [--device D] [--fallback cpu] [--batch 1,8,32] [--iterations N] [--time-budget MS] [--warmup N] [--dim NAME=SIZE]… [--json]';

/** `mlwb model bench`: latency percentiles and throughput per batch size, on synthetic inputs; recorded as a run. */
export async function modelBench(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseModelArgs(args, {
    device: { type: 'string' }, batch: { type: 'string' }, iterations: { type: 'string' }, 'time-budget': { type: 'string' },
    warmup: { type: 'string' }, dim: { type: 'string', multiple: true }, json: { type: 'boolean' }, fallback: { type: 'string' },
  }, USAGE);
  const count = (v: string | undefined, what: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new MlwbError(`${what} takes a whole number, got "${v}".`, USAGE, 2);
    return n;
  };
  const model = await loadModel(positionals[0], ctx);
  // Progress only on a terminal: piped stderr stays for errors.
  const showProgress = !values.json && process.stderr.isTTY;
  const client = new InferenceClient();
  try {
    const result = await client.call('bench', {
      model: model.path,
      device: deviceOf(values.device, ctx),
      batches: parseBatches(values.batch),
      iterations: count(values.iterations, '--iterations'),
      timeBudgetMs: count(values['time-budget'], '--time-budget'),
      warmup: count(values.warmup, '--warmup'),
      dims: parseDims(values.dim),
      fallbackToCpu: fallbackOf(values, ctx),
    }, { onProgress: (_done, _total, message) => showProgress && message && ctx.err(`\r${message}`.padEnd(40)) });
    if (showProgress) ctx.err('\r'.padEnd(41) + '\r');
    if (result.fellBack) ctx.err(`mlwb: ${result.fellBack} — benchmarked on cpu instead.\n`);
    const runId = await withStore(ctx, true, (store) => recordBenchmark(store, {
      model: model.path, info: model.info, result, command: ['mlwb', 'model', 'bench', ...args], cwd: ctx.cwd,
    }));
    const results = result.results.map(({ samplesMs: _samples, ...r }) => r);
    ctx.out(values.json ? toJson({ ...result, results, runId }) + '\n' : renderBenchmark(result) + `recorded as run ${runId.slice(0, 8)}\n`);
    return 0;
  } finally {
    client.dispose();
  }
}

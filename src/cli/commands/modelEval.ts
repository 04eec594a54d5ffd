import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MlwbError } from '../../core/errors';
import { InferenceClient } from '../../core/inference/inferenceClient';
import { recordEvaluation, removeQuietly } from '../../core/inference/modelRuns';
import { type CliContext, withStore } from '../context';
import { toJson } from '../format';
import { renderEvaluation } from '../renderModel';
import { deviceOf, fallbackOf, loadModel, parseModelArgs } from './modelArgs';

const USAGE = 'Usage: mlwb model eval FILE --data FILE --label COL [--slice COL] [--features A,B,…] [--device D] [--fallback cpu] [--batch-size N] [--predictions OUT.csv] [--json]';

/** `mlwb model eval`: predictions over a dataset, task metrics, recorded as an evaluation run. */
export async function modelEval(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseModelArgs(args, {
    data: { type: 'string' }, label: { type: 'string' }, slice: { type: 'string' }, features: { type: 'string' },
    device: { type: 'string' }, predictions: { type: 'string' }, output: { type: 'string' }, json: { type: 'boolean' },
    fallback: { type: 'string' }, 'batch-size': { type: 'string' },
  }, USAGE);
  if (!values.data || !values.label) throw new MlwbError('model eval needs --data FILE and --label COLUMN.', USAGE, 2);
  const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize >= 1)) throw new MlwbError(`--batch-size takes a positive whole number, got "${values['batch-size']}".`, USAGE, 2);
  const model = await loadModel(positionals[0], ctx);
  const scratch = values.predictions ? undefined : await fs.mkdtemp(path.join(os.tmpdir(), 'mlwb-eval-'));
  const predictionsOut = values.predictions ? path.resolve(ctx.cwd, values.predictions) : path.join(scratch!, 'predictions.csv');
  // Progress only on a terminal: piped stderr stays for errors.
  const showProgress = !values.json && process.stderr.isTTY;
  const client = new InferenceClient();
  try {
    const result = await client.call('eval', {
      model: model.path,
      device: deviceOf(values.device, ctx),
      data: path.resolve(ctx.cwd, values.data),
      label: values.label,
      slice: values.slice,
      features: values.features?.split(','),
      output: values.output,
      predictionsOut,
      batchSize,
      fallbackToCpu: fallbackOf(values, ctx),
    }, { onProgress: (done, total, message) => showProgress && ctx.err(`\r${message ?? `${done} / ${total}`}`.padEnd(40)) });
    if (showProgress) ctx.err('\r'.padEnd(41) + '\r');
    if (result.fellBack) ctx.err(`mlwb: ${result.fellBack} — evaluated on cpu instead.\n`);
    const runId = await withStore(ctx, true, (store) => recordEvaluation(store, {
      model: model.path, info: model.info, data: values.data!, label: values.label!, slice: values.slice, result,
      command: ['mlwb', 'model', 'eval', ...args], cwd: ctx.cwd,
    }));
    const shown = { ...result, predictionsFile: values.predictions ? result.predictionsFile : null, runId };
    ctx.out(values.json ? toJson(shown) + '\n' : renderEvaluation(shown));
    return 0;
  } finally {
    client.dispose();
    if (scratch) await removeQuietly(scratch);
  }
}

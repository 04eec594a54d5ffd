import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MlwbError } from '../../core/errors';
import { loadInputFile } from '../../core/inference/feeds';
import { parseImageOptions } from '../../core/inference/io/imageOptions';
import { InferenceClient } from '../../core/inference/inferenceClient';
import { writeNpy } from '../../core/inference/io/npy';
import { runsProducing } from '../../core/inference/modelRuns';
import { toNested } from '../../core/inference/tensor';
import { Store } from '../../core/store/store';
import type { CliContext, Command } from '../context';
import { toJson } from '../format';
import { renderModelInfo, renderOutputs } from '../renderModel';
import { modelBench } from './modelBench';
import { modelEval } from './modelEval';
import { deviceOf, fallbackOf, loadModel, parseModelArgs } from './modelArgs';

const SUBCOMMANDS: Record<string, Command> = { info: modelInfo, run: modelRun, bench: modelBench, eval: modelEval };

export const modelCommand: Command = async (args, ctx) => {
  const [sub, ...rest] = args;
  const command = sub ? SUBCOMMANDS[sub] : undefined;
  if (!command) {
    throw new MlwbError(sub ? `Unknown subcommand "model ${sub}".` : 'model needs a subcommand.', `One of: ${Object.keys(SUBCOMMANDS).join(', ')}.`, 2);
  }
  return command(rest, ctx);
};

/** The store when there is one; model commands work without. */
function optionalStore(ctx: CliContext): Store | undefined {
  try {
    return Store.open({ storeDir: ctx.storeDir, cwd: ctx.cwd, create: false });
  } catch {
    return undefined;
  }
}

async function modelInfo(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseModelArgs(args, { json: { type: 'boolean' } }, 'Usage: mlwb model info FILE [--json]');
  const { info } = await loadModel(positionals[0], ctx);
  const store = optionalStore(ctx);
  const producedBy = store ? runsProducing(store, info.sha256) : [];
  store?.close();
  ctx.out(values.json ? toJson({ ...info, producedBy }) + '\n' : renderModelInfo(positionals[0], info, producedBy));
  return 0;
}

const RUN_USAGE = 'Usage: mlwb model run FILE --input FILE [--device D] [--fallback cpu] [--json] [--out x.npy] [--size WxH] [--mean R,G,B] [--std R,G,B]';

async function modelRun(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseModelArgs(args, {
    input: { type: 'string' }, device: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string' },
    output: { type: 'string' }, fallback: { type: 'string' }, 'fallback-cpu': { type: 'boolean' }, features: { type: 'string' },
    size: { type: 'string' }, mean: { type: 'string' }, std: { type: 'string' },
  }, RUN_USAGE);
  if (!values.input) throw new MlwbError('model run needs --input FILE (.json, .npy, .npz, .csv, .jsonl, .png, .jpg).', RUN_USAGE, 2);
  const model = await loadModel(positionals[0], ctx);
  const feeds = await loadInputFile(path.resolve(ctx.cwd, values.input), model.info.inputs, {
    features: values.features?.split(','),
    image: parseImageOptions({ size: values.size, mean: values.mean, std: values.std }, { size: '--size', mean: '--mean', std: '--std' }, RUN_USAGE, 2),
  });
  const client = new InferenceClient();
  try {
    const result = await client.call('run', { model: model.path, device: deviceOf(values.device, ctx), feeds, fallbackToCpu: fallbackOf(values, ctx) });
    if (result.fellBack) ctx.err(`mlwb: ${result.fellBack} — ran on cpu instead.\n`);
    if (values.out) {
      const name = values.output ?? model.info.outputs[0].name;
      const tensor = result.outputs[name];
      if (!tensor) throw new MlwbError(`The model has no output "${name}".`, `Its outputs: ${Object.keys(result.outputs).join(', ')}.`);
      await fs.writeFile(path.resolve(ctx.cwd, values.out), writeNpy(tensor));
    }
    if (values.json) {
      const outputs = Object.fromEntries(Object.entries(result.outputs).map(([k, t]) => [k, { type: t.type, dims: t.dims, data: toNested(t) }]));
      ctx.out(toJson({ device: result.device, outputs }) + '\n');
    } else if (!values.out) ctx.out(renderOutputs(result.outputs, model.info));
    return 0;
  } finally {
    client.dispose();
  }
}

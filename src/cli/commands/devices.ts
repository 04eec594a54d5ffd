import { parseArgs } from 'node:util';
import { MlwbError } from '../../core/errors';
import { InferenceClient } from '../../core/inference/inferenceClient';
import type { Command } from '../context';
import { formatTable, toJson } from '../format';

/** `mlwb devices [--json]`: the execution providers, each probed with a real session. */
export const devicesCommand: Command = async (args, ctx) => {
  let json = false;
  try {
    json = Boolean(parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true }).values.json);
  } catch (err) {
    throw new MlwbError((err as Error).message, undefined, 2);
  }
  const client = new InferenceClient();
  try {
    const devices = await client.call('devices', {});
    ctx.out(json ? toJson(devices) + '\n' : formatTable(['device', 'works', 'why not'], devices.map((d) => [d.name, d.available ? 'yes' : 'no', d.reason ?? ''])));
    return 0;
  } finally {
    client.dispose();
  }
};

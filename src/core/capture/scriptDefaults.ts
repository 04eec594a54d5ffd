// The argparse defaults a run used without them being typed: `python train.py --lr 0.1` ran with
// `batch_size=16` too. Read statically from the script (no Python runs); what cannot be read is left out.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { defaultsNotGiven, extractArgparseParams } from '../detect/argparseParams';
import { resolveModule } from '../detect/terminalCommand';
import type { ParamValue } from '../store/types';
import { splitCommand } from './commandParams';

/** The tag that lists (comma-separated) the params filled in from the script's defaults. */
export const PARAM_DEFAULTS_TAG = 'mlwb.param_defaults';

const MAX_SCRIPT_BYTES = 1024 * 1024;

export async function scriptDefaults(command: readonly string[], cwd: string, given: Record<string, ParamValue>): Promise<Record<string, ParamValue>> {
  const { script } = splitCommand(command);
  if (!script) return {};
  const file = script.endsWith('.py') || script.includes('/') ? path.resolve(cwd, script) : await resolveModule(script, cwd, cwd);
  if (!file) return {};
  let source: string;
  try {
    const handle = await fs.open(file, 'r');
    try {
      const buffer = Buffer.alloc(MAX_SCRIPT_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, MAX_SCRIPT_BYTES, 0);
      source = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return {};
  }
  return defaultsNotGiven(extractArgparseParams(source), given);
}

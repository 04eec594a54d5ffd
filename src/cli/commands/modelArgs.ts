import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MlwbError } from '../../core/errors';
import { inspectModel, type ModelInfo } from '../../core/inference/modelInfo';
import type { CliContext } from '../context';

export function parseModelArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, usage: string) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new MlwbError((err as Error).message, usage, 2);
  }
  if (parsed.positionals.length !== 1) throw new MlwbError('Give one model file.', usage, 2);
  return parsed;
}

/** The device: --device, else MLWB_DEVICE, else cpu. */
export function deviceOf(value: unknown, ctx: CliContext): string {
  return (typeof value === 'string' && value) || ctx.env.MLWB_DEVICE || 'cpu';
}

/**
 * Whether the work may move to cpu when the chosen device fails (at the start or mid-run):
 * `--fallback cpu` (`--fallback-cpu` too), else MLWB_FALLBACK=cpu. Without it a failing device stops the work.
 */
export function fallbackOf(values: { fallback?: string; 'fallback-cpu'?: boolean }, ctx: CliContext): boolean {
  const value = values.fallback ?? (values['fallback-cpu'] ? 'cpu' : ctx.env.MLWB_FALLBACK);
  if (!value) return false;
  if (value !== 'cpu') throw new MlwbError(`--fallback takes cpu (the device to fall back to), got "${value}".`, undefined, 2);
  return true;
}

/** Reads and inspects the model in this process: protobuf decoding only, no native code. */
export async function loadModel(file: string, ctx: CliContext): Promise<{ path: string; info: ModelInfo }> {
  const absolute = path.resolve(ctx.cwd, file);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(absolute);
  } catch {
    throw new MlwbError(`Model file not found: ${file}.`);
  }
  return { path: absolute, info: inspectModel(bytes, file) };
}

/** `--dim seq=16 --dim height=224` → { seq: 16, height: 224 }. */
export function parseDims(values: string[] | undefined): Record<string, number> {
  const dims: Record<string, number> = {};
  for (const v of values ?? []) {
    const m = /^([^=]+)=(\d+)$/.exec(v);
    if (!m || Number(m[2]) < 1) throw new MlwbError(`--dim takes NAME=SIZE, got "${v}".`, undefined, 2);
    dims[m[1]] = Number(m[2]);
  }
  return dims;
}

export function parseBatches(value: string | undefined): number[] {
  if (!value) return [1, 8, 32];
  const batches = value.split(',').map((s) => Number(s.trim()));
  if (batches.some((b) => !Number.isInteger(b) || b < 1)) throw new MlwbError(`--batch takes positive integers separated by commas, got "${value}".`, undefined, 2);
  return batches;
}

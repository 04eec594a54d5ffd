// `kind: golden-outputs` — a model's outputs on stored inputs equal stored outputs within
// atol/rtol. `recordGoldenOutputs` (mlwb test --record-golden) writes the outputs file.
import * as path from 'node:path';
import { compareTensors, readTensorFile, writeTensorFile } from '../golden';
import type { ModelRunner } from '../ports';
import type { Check, KindContext } from '../types';
import { existingFile, required } from './files';
import { defineKind } from './kind';

export interface GoldenSpec {
  model: string;
  inputs: string;
  outputs: string;
  atol: number;
  rtol: number;
}

export const goldenOutputsKind = defineKind<GoldenSpec>({
  name: 'golden-outputs',
  title: "a model's outputs on stored inputs equal stored outputs within atol/rtol",
  keys: ['model', 'inputs', 'outputs', 'atol', 'rtol'],
  parse(f) {
    const model = f.string('model', true);
    const inputs = f.string('inputs', true);
    const outputs = f.string('outputs', true);
    const atol = f.number('atol', false, { min: 0 }) ?? 1e-6;
    const rtol = f.number('rtol', false, { min: 0 }) ?? 1e-5;
    if (!model || !inputs || !outputs) return undefined;
    return { model, inputs, outputs, atol, rtol };
  },
  async run(spec, ctx) {
    const model = existingFile(ctx, 'model', spec.model, 'model file');
    const inputs = existingFile(ctx, 'inputs', spec.inputs, 'inputs file');
    const outputsFile = existingFile(ctx, 'outputs', spec.outputs, 'golden outputs file (record it with mlwb test --record-golden)');
    let expected;
    try {
      expected = await readTensorFile(outputsFile);
    } catch (err) {
      throw ctx.problem('outputs', `${spec.outputs}: ${(err as Error).message}`);
    }
    const runner = required(ctx, ctx.models, 'model', 'inference core');
    const actual = await runner.predict({ model, inputs, device: ctx.device, signal: ctx.signal });
    const checks: Check[] = [];
    const diff: string[] = [];
    for (const [name, tensor] of Object.entries(expected)) {
      const c = compareTensors(name, tensor, actual[name], spec);
      diff.push(...c.diff);
      checks.push({
        label: `output ${name}`,
        expected: `equal within atol ${spec.atol}, rtol ${spec.rtol}`,
        actual: c.ok ? `equal (max |Δ| ${c.maxAbsDiff.toPrecision(3)})` : c.compared ? `${c.mismatched} of ${c.compared} differ (max |Δ| ${c.maxAbsDiff.toPrecision(3)})` : c.diff.join('; '),
        ok: c.ok,
      });
    }
    return { checks, diff: diff.length ? diff.join('\n') : undefined };
  },
});

/** Runs the model on the test's inputs and stores what it outputs as the new golden outputs. */
export async function recordGoldenOutputs(spec: GoldenSpec, ctx: Pick<KindContext, 'baseDir' | 'device' | 'signal'>, models: ModelRunner): Promise<string> {
  const file = path.resolve(ctx.baseDir, spec.outputs);
  const outputs = await models.predict({
    model: path.resolve(ctx.baseDir, spec.model), inputs: path.resolve(ctx.baseDir, spec.inputs), device: ctx.device, signal: ctx.signal,
  });
  await writeTensorFile(file, outputs);
  return file;
}

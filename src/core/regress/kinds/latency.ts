// `kind: latency` — a model's p50/p95/p99 latency at a batch size on the selected device
// within a budget (the inference core measures).
import { boundsCheck } from '../checks';
import type { Bounds } from '../fields';
import type { LatencyFigures } from '../ports';
import type { Check } from '../types';
import { existingFile, required } from './files';
import { defineKind } from './kind';

const PERCENTILES = ['p50Ms', 'p95Ms', 'p99Ms'] as const;

export interface LatencySpec {
  model: string;
  batch: number;
  iterations: number;
  warmup: number;
  /** Overrides the selected device. */
  device?: string;
  budgets: Partial<Record<(typeof PERCENTILES)[number], Bounds>>;
}

export const latencyKind = defineKind<LatencySpec>({
  name: 'latency',
  title: "a model's latency percentiles at a batch size within a budget",
  keys: ['model', 'batch', 'iterations', 'warmup', 'device', ...PERCENTILES],
  parse(f) {
    const model = f.string('model', true);
    const batch = f.number('batch', false, { integer: true, positive: true }) ?? 1;
    const iterations = f.number('iterations', false, { integer: true, positive: true }) ?? 100;
    const warmup = f.number('warmup', false, { integer: true, min: 0 }) ?? 10;
    const budgets: LatencySpec['budgets'] = {};
    for (const p of PERCENTILES) {
      const b = f.bounds(p);
      if (b) budgets[p] = b;
    }
    if (!PERCENTILES.some((p) => f.has(p))) f.problem(undefined, `${f.where}: give a budget, e.g. p95Ms: { max: 5 } (also p50Ms, p99Ms).`);
    if (!model || Object.keys(budgets).length === 0) return undefined;
    return { model, batch, iterations, warmup, device: f.string('device'), budgets };
  },
  async run(spec, ctx) {
    const model = existingFile(ctx, 'model', spec.model, 'model file');
    const runner = required(ctx, ctx.models, 'model', 'inference core');
    const device = spec.device ?? ctx.device;
    const figures: LatencyFigures = await runner.latency({ model, batch: spec.batch, iterations: spec.iterations, warmup: spec.warmup, device, signal: ctx.signal });
    const checks: Check[] = Object.entries(spec.budgets).map(([p, b]) => boundsCheck(`${p.slice(0, 3)} latency (ms), batch ${spec.batch} on ${device}`, figures[p as keyof LatencyFigures], b!));
    return { checks, output: [`p50 ${figures.p50Ms.toFixed(3)} ms, p95 ${figures.p95Ms.toFixed(3)} ms, p99 ${figures.p99Ms.toFixed(3)} ms, ${figures.throughput.toFixed(0)} rows/s on ${device}`] };
  },
});

// `kind: model-quality` — a model evaluated on a labelled data file (the inference core's
// evaluation), with thresholds overall and per slice of a column.
import { boundsCheck } from '../checks';
import { readBounds, type Bounds, type Fields } from '../fields';
import type { Check } from '../types';
import { existingFile, required } from './files';
import { defineKind } from './kind';

export interface ModelQualitySpec {
  model: string;
  data: string;
  target: string;
  metrics: Record<string, Bounds>;
  slices?: { column: string; metrics: Record<string, Bounds> };
}

function metricBounds(f: Fields | undefined): Record<string, Bounds> {
  const out: Record<string, Bounds> = {};
  for (const key of f?.keys() ?? []) {
    const b = f!.fields(key);
    const bounds = b && readBounds(b);
    if (bounds) out[key] = bounds;
  }
  return out;
}

export const modelQualityKind = defineKind<ModelQualitySpec>({
  name: 'model-quality',
  title: 'a model scored on a data set, overall and per slice',
  keys: ['model', 'data', 'target', 'metrics', 'slices'],
  parse(f) {
    const model = f.string('model', true);
    const data = f.string('data', true);
    const target = f.string('target', true);
    const metricsFields = f.fields('metrics', true);
    const metrics = metricBounds(metricsFields);
    const s = f.fields('slices');
    let slices: ModelQualitySpec['slices'];
    if (s) {
      s.onlyKeys(['column', 'metrics']);
      const column = s.string('column', true);
      const sliceMetrics = metricBounds(s.fields('metrics', true));
      if (column) slices = { column, metrics: sliceMetrics };
    }
    if (!model || !data || !target || !metricsFields) return undefined;
    return { model, data, target, metrics, slices };
  },
  async run(spec, ctx) {
    const model = existingFile(ctx, 'model', spec.model, 'model file');
    const data = existingFile(ctx, 'data', spec.data, 'data file');
    const runner = required(ctx, ctx.models, 'model', 'inference core');
    const result = await runner.evaluate({ model, data, target: spec.target, sliceBy: spec.slices?.column, device: ctx.device, signal: ctx.signal });
    const checks: Check[] = [];
    const add = (label: string, values: Record<string, number>, rules: Record<string, Bounds>) => {
      for (const [key, bounds] of Object.entries(rules)) {
        const v = values[key];
        if (v === undefined) checks.push({ label: `${label}${key}`, expected: 'computed', actual: `not computed (have: ${Object.keys(values).join(', ')})`, ok: false });
        else checks.push(boundsCheck(`${label}${key}`, v, bounds));
      }
    };
    add('', result.overall, spec.metrics);
    if (spec.slices) {
      for (const [value, slice] of Object.entries(result.slices ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
        add(`${spec.slices.column}=${value} (${slice.rows} rows): `, slice.metrics, spec.slices.metrics);
      }
    }
    return { checks, output: [`evaluated ${spec.model} on ${result.rows} rows of ${spec.data} (${ctx.device})`] };
  },
});

// `kind: metric` — a metric of a selected run within min/max.
import { boundsCheck, metricValue, missingMetric, SUMMARY_FIELDS, type SummaryField } from '../checks';
import type { Bounds } from '../fields';
import { describeSelector, parseSelector, resolveSelector, type RunSelector } from '../selector';
import { defineKind } from './kind';

export interface MetricSpec {
  run: RunSelector;
  metric: string;
  bounds: Bounds;
  /** Which value of the series: its last (default), min or max. */
  value: SummaryField;
}

export const metricKind = defineKind<MetricSpec>({
  name: 'metric',
  title: 'a metric of a run within min/max',
  keys: ['run', 'metric', 'min', 'max', 'value'],
  readsRunsOnly: true,
  parse(f) {
    const run = parseSelector(f.scope, f.node('run'), `${f.where}: run`);
    if (!f.has('run')) f.problem(undefined, `${f.where}: "run" is missing (e.g. run: { experiment: train.py }).`);
    const metric = f.string('metric', true);
    const min = f.number('min');
    const max = f.number('max');
    const value = f.oneOf('value', SUMMARY_FIELDS) ?? 'last';
    if (min === undefined && max === undefined && !f.has('min') && !f.has('max')) f.problem(undefined, `${f.where}: give "min", "max" or both.`);
    if (min !== undefined && max !== undefined && min > max) f.problem('min', `${f.where}: min ${min} is greater than max ${max}.`);
    if (!run || !metric || (min === undefined && max === undefined)) return undefined;
    return { run, metric, bounds: { min, max }, value };
  },
  async run(spec, ctx) {
    const found = resolveSelector(ctx.store, spec.run);
    if ('problem' in found) throw ctx.problem('run', `${found.problem} (${describeSelector(spec.run)})`);
    const { run } = found;
    const v = metricValue(run, spec.metric, spec.value);
    if (v === undefined) throw ctx.problem('metric', missingMetric(run, spec.metric));
    const label = `${spec.metric}${spec.value === 'last' ? '' : ` (${spec.value})`} of run ${run.id.slice(0, 8)}`;
    return { runId: run.id, checks: [boundsCheck(label, v, spec.bounds)] };
  },
});

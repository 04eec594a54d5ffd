// `kind: baseline` — a metric of the selected run against an accepted baseline run, within an
// absolute or relative tolerance in the metric's better direction: improving always passes.
import { betterDirection, type Better, describeChange, fmt, metricValue, missingMetric, SUMMARY_FIELDS, type SummaryField } from '../checks';
import { describeSelector, parseSelector, resolveSelector, type RunSelector } from '../selector';
import type { KindContext } from '../types';
import { defineKind } from './kind';

export interface Tolerance {
  absolute?: number;
  relative?: number;
}

export interface BaselineSpec {
  run: RunSelector;
  baseline: RunSelector;
  metric: string;
  tolerance: Tolerance;
  better: Better;
  value: SummaryField;
}

/** The worst value still accepted, given the baseline's. */
export function acceptedLimit(baseline: number, tolerance: Tolerance, better: Better): number {
  const slack = tolerance.absolute ?? Math.abs(baseline) * (tolerance.relative ?? 0);
  return better === 'higher' ? baseline - slack : baseline + slack;
}

export const baselineKind = defineKind<BaselineSpec>({
  name: 'baseline',
  title: 'a metric no worse than a baseline run, within a tolerance',
  keys: ['run', 'baseline', 'metric', 'tolerance', 'better', 'value'],
  readsRunsOnly: true,
  parse(f) {
    for (const key of ['run', 'baseline']) {
      if (!f.has(key)) f.problem(undefined, `${f.where}: "${key}" is missing.`);
    }
    const run = parseSelector(f.scope, f.node('run'), `${f.where}: run`);
    const baseline = parseSelector(f.scope, f.node('baseline'), `${f.where}: baseline`);
    const metric = f.string('metric', true);
    const tolFields = f.fields('tolerance');
    let tolerance: Tolerance | undefined = { absolute: 0 };
    if (tolFields) {
      tolFields.onlyKeys(['absolute', 'relative']);
      const absolute = tolFields.number('absolute', false, { min: 0 });
      const relative = tolFields.number('relative', false, { min: 0 });
      if (tolFields.has('absolute') && tolFields.has('relative')) {
        tolFields.problem(undefined, `${tolFields.where}: give "absolute" or "relative", not both.`);
        tolerance = undefined;
      } else if (absolute === undefined && relative === undefined) {
        if (!tolFields.has('absolute') && !tolFields.has('relative')) {
          tolFields.problem(undefined, `${tolFields.where} needs "absolute" (e.g. 0.01) or "relative" (e.g. 0.02 for 2%).`);
        }
        tolerance = undefined;
      } else tolerance = { absolute, relative };
    }
    const declared = f.oneOf('better', ['higher', 'lower'] as const);
    const value = f.oneOf('value', SUMMARY_FIELDS) ?? 'last';
    if (!run || !baseline || !metric || !tolerance) return undefined;
    return { run, baseline, metric, tolerance, better: betterDirection(metric, declared), value };
  },
  async run(spec, ctx) {
    const current = pick(ctx, 'run', spec.run);
    const base = pick(ctx, 'baseline', spec.baseline);
    const now = metricValue(current, spec.metric, spec.value);
    if (now === undefined) throw ctx.problem('metric', missingMetric(current, spec.metric));
    const was = metricValue(base, spec.metric, spec.value);
    if (was === undefined) throw ctx.problem('metric', `the baseline: ${missingMetric(base, spec.metric)}`);
    const limit = acceptedLimit(was, spec.tolerance, spec.better);
    const ok = Number.isFinite(now) && Number.isFinite(was) && (spec.better === 'higher' ? now >= limit : now <= limit);
    const slack = spec.tolerance.absolute !== undefined ? fmt(spec.tolerance.absolute) : `${fmt((spec.tolerance.relative ?? 0) * 100)}%`;
    return {
      runId: current.id,
      baselineRunId: base.id,
      checks: [{
        label: `${spec.metric} of run ${current.id.slice(0, 8)} vs baseline ${base.id.slice(0, 8)} (${spec.better} is better)`,
        expected: `${spec.better === 'higher' ? '≥' : '≤'} ${fmt(limit)} (baseline ${fmt(was)} ${spec.better === 'higher' ? '−' : '+'} ${slack})`,
        actual: fmt(now),
        ok,
        change: describeChange(now, was),
      }],
    };
  },
});

function pick(ctx: KindContext, field: 'run' | 'baseline', selector: RunSelector) {
  const found = resolveSelector(ctx.store, selector);
  if ('problem' in found) throw ctx.problem(field, `${field === 'baseline' ? 'baseline: ' : ''}${found.problem} (${describeSelector(selector)})`);
  return found.run;
}

// `kind: drift-gate` — reference vs current data (the drift core's report): no dataset drift,
// or the named columns' scores under their thresholds.
import { fmt } from '../checks';
import type { ColumnDrift } from '../ports';
import type { Check } from '../types';
import { existingFile, required } from './files';
import { defineKind } from './kind';

/** A distance test's score (wasserstein, jensenshannon, psi…) or a statistical test's p-value (ks, chi2…). */
export type ColumnLimit = { maxScore: number } | { minPValue: number };

export interface DriftGateSpec {
  reference: string;
  current: string;
  /** column → its limit; absent: the data set as a whole must not drift. */
  columns?: Record<string, ColumnLimit>;
}

function columnCheck(name: string, limit: ColumnLimit, col: ColumnDrift | undefined): Check {
  const expected = 'maxScore' in limit ? `distance ≤ ${fmt(limit.maxScore)}` : `p-value ≥ ${fmt(limit.minPValue)}`;
  if (!col) return { label: `column ${name}`, expected, actual: 'not in the report', ok: false };
  const label = `column ${name} (${col.test})`;
  const isPValue = col.pValue !== undefined;
  if ('maxScore' in limit) {
    if (isPValue) return { label, expected, actual: `${col.test} gives a p-value (${fmt(col.score)}); give minPValue for this column`, ok: false };
    return { label, expected, actual: fmt(col.score), ok: Number.isFinite(col.score) && col.score <= limit.maxScore };
  }
  if (!isPValue) return { label, expected, actual: `${col.test} gives a distance (${fmt(col.score)}); give maxScore for this column`, ok: false };
  return { label, expected, actual: fmt(col.score), ok: Number.isFinite(col.score) && col.score >= limit.minPValue };
}

export const driftGateKind = defineKind<DriftGateSpec>({
  name: 'drift-gate',
  title: 'current data has not drifted from the reference',
  keys: ['reference', 'current', 'columns'],
  parse(f) {
    const reference = f.string('reference', true);
    const current = f.string('current', true);
    const cols = f.fields('columns');
    let columns: Record<string, ColumnLimit> | undefined;
    if (cols) {
      columns = {};
      for (const name of cols.keys()) {
        const c = cols.fields(name);
        if (!c) continue;
        c.onlyKeys(['maxScore', 'minPValue']);
        if (c.has('maxScore') === c.has('minPValue')) {
          c.problem(undefined, `${c.where}: give maxScore (a distance test's largest accepted score) or minPValue (a statistical test's smallest accepted p-value).`);
          continue;
        }
        const max = c.number('maxScore', false, { min: 0 });
        const min = c.number('minPValue', false, { min: 0 });
        if (max !== undefined) columns[name] = { maxScore: max };
        else if (min !== undefined) columns[name] = { minPValue: min };
      }
    }
    if (!reference || !current) return undefined;
    return { reference, current, columns };
  },
  async run(spec, ctx) {
    const reference = existingFile(ctx, 'reference', spec.reference, 'reference data file');
    const current = existingFile(ctx, 'current', spec.current, 'current data file');
    const runner = required(ctx, ctx.drift, 'reference', 'drift core');
    const report = await runner.compare({ reference, current, columns: spec.columns && Object.keys(spec.columns), signal: ctx.signal });
    const checks: Check[] = [];
    if (!spec.columns) {
      const drifted = report.columns.filter((c) => c.drifted).map((c) => c.column);
      checks.push({
        label: 'dataset drift',
        expected: 'no drift',
        actual: report.datasetDrift ? `drift (${drifted.join(', ')}: ${(report.driftShare * 100).toFixed(0)}% of columns)` : `no drift (${drifted.length} of ${report.columns.length} columns drifted)`,
        ok: !report.datasetDrift,
      });
    } else {
      for (const [name, limit] of Object.entries(spec.columns)) checks.push(columnCheck(name, limit, report.columns.find((c) => c.column === name)));
    }
    return { checks };
  },
});

// `kind: drift-gate` — reference vs current data (the drift core's report): no dataset drift,
// or the named columns' scores under their thresholds.
import { fmt } from '../checks';
import type { Check } from '../types';
import { existingFile, required } from './files';
import { defineKind } from './kind';

export interface DriftGateSpec {
  reference: string;
  current: string;
  /** column → largest accepted drift score; absent: the data set as a whole must not drift. */
  columns?: Record<string, number>;
}

export const driftGateKind = defineKind<DriftGateSpec>({
  name: 'drift-gate',
  title: 'current data has not drifted from the reference',
  keys: ['reference', 'current', 'columns'],
  parse(f) {
    const reference = f.string('reference', true);
    const current = f.string('current', true);
    const cols = f.fields('columns');
    let columns: Record<string, number> | undefined;
    if (cols) {
      columns = {};
      for (const name of cols.keys()) {
        const c = cols.fields(name);
        c?.onlyKeys(['maxScore']);
        const max = c?.number('maxScore', true, { min: 0 });
        if (max !== undefined) columns[name] = max;
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
      for (const [name, max] of Object.entries(spec.columns)) {
        const col = report.columns.find((c) => c.column === name);
        if (!col) checks.push({ label: `column ${name}`, expected: `score ≤ ${fmt(max)}`, actual: 'not in the report', ok: false });
        else checks.push({ label: `column ${name} (${col.test})`, expected: `score ≤ ${fmt(max)}`, actual: fmt(col.score), ok: Number.isFinite(col.score) && col.score <= max });
      }
    }
    return { checks };
  },
});

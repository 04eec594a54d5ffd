import { parseArgs } from 'node:util';
import { type CompareTables, compareTables, formatCell, tablesToCsv } from '../../core/compare/compareTables';
import { MlwbError } from '../../core/errors';
import { type Command, withStore } from '../context';
import { formatTable, toJson } from '../format';

/** `mlwb runs compare ID… [--json] [--csv]`: the params and metrics tables of the Compare view. */
export const compareCommand: Command = async (args, ctx) => {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { json: { type: 'boolean' }, csv: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new MlwbError((err as Error).message, undefined, 2);
  }
  const { values, positionals } = parsed;
  if (positionals.length < 2) throw new MlwbError('runs compare takes two or more run ids.', 'For one run: mlwb runs show ID.', 2);
  if (values.json && values.csv) throw new MlwbError('Choose one of --json and --csv.', undefined, 2);
  const tables = await withStore(ctx, false, (s) => {
    const ids = [...new Set(positionals.map((p) => s.resolveRunId(p)))];
    return compareTables(ids.map((id) => s.getRun(id)!));
  });
  ctx.out(values.json ? toJson(tables) + '\n' : values.csv ? tablesToCsv(tables) : renderCompare(tables));
  return 0;
};

/** Params rows that differ start with `≠`; the best run of each metric is starred. */
export function renderCompare(t: CompareTables): string {
  const header = (first: string[]) => [...first, ...t.runs.map((r) => `${r.name} (${r.id.slice(0, 8)})`)];
  const lines: string[] = [];
  lines.push('Parameters (≠ differs):');
  lines.push(t.params.length
    ? formatTable(header(['', 'PARAM']), t.params.map((p) => [p.differs ? '≠' : '', p.key, ...p.values.map((v) => (v === null ? '-' : String(v)))]))
    : '(none)\n');
  lines.push('Metrics (* best by direction):');
  const rows: string[][] = [];
  for (const m of t.metrics) {
    for (const stat of ['last', 'min', 'max', 'best'] as const) {
      rows.push([stat === 'last' ? m.key : '', stat === 'best' ? `best (${m.direction})` : stat,
        ...m.cells.map((c, i) => (c ? formatCell(c[stat]) || '-' : '-') + (stat === 'best' && i === m.bestRun ? ' *' : ''))]);
    }
  }
  lines.push(rows.length ? formatTable(header(['METRIC', 'STAT']), rows) : '(none)\n');
  return lines.join('');
}

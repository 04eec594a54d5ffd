import { parseArgs } from 'node:util';
import { MlwbError } from '../../core/errors';
import type { RunRecord } from '../../core/store/types';
import { type Command, withStore } from '../context';
import { toJson } from '../format';

export const exportCommand: Command = async (args, ctx) => {
  let format: string | undefined;
  try {
    ({ values: { format } } = parseArgs({ args, options: { format: { type: 'string', default: 'json' } }, strict: true }));
  } catch (err) {
    throw new MlwbError((err as Error).message, undefined, 2);
  }
  if (format !== 'csv' && format !== 'json') throw new MlwbError(`Unknown export format "${format}".`, 'Use csv or json.', 2);
  const runs = await withStore(ctx, false, (s) => s.listRuns());
  ctx.out(format === 'json' ? toJson(runs) + '\n' : runsToCsv(runs));
  return 0;
};

/** One row per run; a column per parameter (`param.K`) and per metric's final value (`metric.K`). */
export function runsToCsv(runs: RunRecord[]): string {
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const header = ['id', 'name', 'experiment', 'status', 'exitCode', 'startTime', 'endTime', 'command',
    'gitCommit', 'gitBranch', 'gitDirty', ...paramKeys.map((k) => `param.${k}`), ...metricKeys.map((k) => `metric.${k}`)];
  const rows = runs.map((r) => [
    r.id, r.name, r.experiment, r.status, r.exitCode, r.startTime, r.endTime, r.command.join(' '),
    r.git?.commit, r.git?.branch, r.git?.dirty,
    ...paramKeys.map((k) => r.params[k]), ...metricKeys.map((k) => r.metrics[k]?.last),
  ]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

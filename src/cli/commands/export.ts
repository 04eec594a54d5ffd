import { parseArgs } from 'node:util';
import { MlwbError } from '../../core/errors';
import type { RunRecord } from '../../core/store/types';
import { type Command, withStore } from '../context';
import { toJson } from '../format';
import { visible } from '../terminalText';

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

/**
 * A CSV cell that a spreadsheet shows as text: text starting with `= + - @`, tab or CR would be
 * read as a formula (CSV injection), so it gets a leading `'` as OWASP recommends; numbers,
 * negative ones included, stay numbers. Control characters other than line breaks and tabs
 * are spelled out (`\x1b`) so the file is also safe to print. JSON export keeps values exact.
 */
function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'number' || typeof v === 'boolean' ? String(v) : String(v).replace(CSV_CONTROL, (c) => visible(c));
  if (typeof v === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const CSV_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

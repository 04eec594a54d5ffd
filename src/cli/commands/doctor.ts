import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { MlwbError } from '../../core/errors';
import { readEndpointFile } from '../../core/ingest/endpointFile';
import { checkStore, recoverStore } from '../../core/store/doctor';
import { defaultStoreDir, findStoreDir } from '../../core/store/openDatabase';
import type { Command } from '../context';

const USAGE_HINT = 'Usage: mlwb doctor [--recover]';

/**
 * `mlwb doctor [--recover]`: checks the store file page by page; with --recover, salvages what
 * can be read into a new store and keeps the damaged file beside it. It opens the file itself
 * (read-only), never through Store.open, which would fail on the damage it is here to look at.
 */
export const doctorCommand: Command = async (args, ctx) => {
  let recover: boolean | undefined;
  try {
    ({ values: { recover } } = parseArgs({ args, options: { recover: { type: 'boolean' } }, strict: true }));
  } catch (err) {
    throw new MlwbError((err as Error).message, USAGE_HINT, 2);
  }
  const storeDir = ctx.storeDir ? path.resolve(ctx.cwd, ctx.storeDir) : findStoreDir(ctx.cwd);
  if (!storeDir) throw new MlwbError(`No run store found in ${ctx.cwd} or its parents (expected ${defaultStoreDir(ctx.cwd)}).`, 'Pass --store DIR.');

  const check = checkStore(storeDir);
  ctx.out(`Store: ${check.file}${check.schemaVersion !== null ? ` (schema ${check.schemaVersion})` : ''}\n`);
  if (check.ok) {
    ctx.out('Integrity check: ok.\n');
    if (recover) ctx.out('Nothing to recover.\n');
    return 0;
  }
  ctx.out(`Integrity check: the file is damaged (${check.problems.length} problem(s)):\n`);
  for (const line of check.problems.slice(0, 20)) ctx.out(`  ${line}\n`);
  if (check.problems.length > 20) ctx.out(`  … ${check.problems.length - 20} more\n`);
  if (!recover) {
    ctx.out('Run `mlwb doctor --recover` to salvage every readable run into a new store (the damaged file is kept).\n');
    return 1;
  }

  // Whoever has the store open keeps writing to the old file after the swap: refuse while an endpoint serves it.
  const endpoint = await readEndpointFile(storeDir);
  if (endpoint.state === 'live') {
    throw new MlwbError(`An endpoint (pid ${endpoint.endpoint.pid}) has this store open.`,
      'Stop it first (close the VS Code window, or stop `mlwb serve`), then run `mlwb doctor --recover` again.');
  }
  let report;
  try {
    report = recoverStore(storeDir);
  } catch (err) {
    throw new MlwbError(`Recovery failed: ${(err as Error).message}.`, 'The damaged store was left as it was.');
  }
  ctx.out(`Recovered ${report.runs} run(s) in ${report.experiments} experiment(s), ${report.points} metric point(s).\n`);
  const rows = Object.entries(report.rows).filter(([t]) => t !== 'runs' && t !== 'experiments' && t !== 'metric_chunks');
  if (rows.length) ctx.out(`  rows: ${rows.map(([t, n]) => `${t} ${n}`).join(', ')}\n`);
  const damaged = Object.entries(report.damaged);
  if (damaged.length) ctx.out(`  unreadable stretches skipped: ${damaged.map(([t, n]) => `${t} ${n}`).join(', ')}\n`);
  for (const note of report.notes) ctx.out(`  ${note}\n`);
  ctx.out(`The damaged file is kept as ${report.keptAs}; ${check.file} is the recovered store.\n`);
  return 0;
};

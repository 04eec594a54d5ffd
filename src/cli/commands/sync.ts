import { replaySpool, spoolDir } from '../../core/ingest/spool';
import { MlwbError } from '../../core/errors';
import { findStoreDir } from '../../core/store/openDatabase';
import { type Command, withStore } from '../context';

/** `mlwb sync`: replays the spool into the store without starting an endpoint. */
export const syncCommand: Command = async (args, ctx) => {
  if (args.length > 0) throw new MlwbError(`sync takes no arguments (got ${args.join(' ')}).`, undefined, 2);
  // A client with no endpoint may have made `.mlwb/spool/` before any store existed: the
  // folder is enough to create the store there.
  if (!ctx.storeDir && !findStoreDir(ctx.cwd)) {
    throw new MlwbError(`No run store or spool found in ${ctx.cwd} or its parents.`, 'Run mlwb sync where the client logged, or pass --store DIR.');
  }
  const { result, dir } = await withStore(ctx, true, (store) => ({ result: replaySpool(store), dir: spoolDir(store.dir) }));
  if (result.busy) {
    const who = result.busy.pid ? `process ${result.busy.pid}` : 'another process';
    ctx.out(`Nothing to do: ${who} is replaying the spool right now and imports it.\n`);
    return 0;
  }
  if (result.files === 0) {
    ctx.out('Nothing to replay: the spool is empty.\n');
    return 0;
  }
  ctx.out(`Replayed ${result.applied} operation(s) from ${result.files} spool file(s); ${result.duplicates} were already stored.\n`);
  if (result.torn) ctx.out(`Skipped ${result.torn} last line(s) cut off when their writer was killed mid-write.\n`);
  for (const p of result.problems) ctx.err(`mlwb sync: ${p}\n`);
  if (result.problems.length) {
    ctx.err(`mlwb sync: files with problems were kept as *.failed in ${dir}.\n`);
    return 1;
  }
  return 0;
};

import { parseArgs } from 'node:util';
import { diffRuns } from '../../core/compare/runDiff';
import { MlwbError } from '../../core/errors';
import { RUN_STATUSES, type RunStatus } from '../../core/store/types';
import { type CliContext, type Command, withStore } from '../context';
import { toJson } from '../format';
import { renderDiff, renderRun, renderRunList } from '../render';
import { visible } from '../terminalText';

const SUBCOMMANDS: Record<string, Command> = {
  ls: runsLs,
  show: runsShow,
  diff: runsDiff,
  rm: runsRm,
};

export const runsCommand: Command = async (args, ctx) => {
  const [sub, ...rest] = args;
  const command = sub ? SUBCOMMANDS[sub] : undefined;
  if (!command) {
    throw new MlwbError(sub ? `Unknown subcommand "runs ${sub}".` : 'runs needs a subcommand.',
      `One of: ${Object.keys(SUBCOMMANDS).join(', ')}.`, 2);
  }
  return command(rest, ctx);
};

/** Registers a `runs` subcommand that lives in its own module (e.g. reproduce). */
export function registerRunsSubcommand(name: string, command: Command): void {
  SUBCOMMANDS[name] = command;
}

function parse<T extends NonNullable<Parameters<typeof parseArgs>[0]>['options']>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new MlwbError((err as Error).message, undefined, 2);
  }
}

async function runsLs(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parse(args, { experiment: { type: 'string' }, status: { type: 'string' }, json: { type: 'boolean' } });
  const status = values.status as string | undefined;
  if (status !== undefined && !RUN_STATUSES.includes(status as RunStatus)) {
    throw new MlwbError(`Unknown status "${status}".`, `One of: ${RUN_STATUSES.join(', ')}.`, 2);
  }
  const runs = await withStore(ctx, false, (s) =>
    s.listRuns({ experiment: values.experiment as string | undefined, status: status as RunStatus | undefined }));
  ctx.out(values.json ? toJson(runs) + '\n' : renderRunList(runs));
  return 0;
}

async function runsShow(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (positionals.length !== 1) throw new MlwbError('runs show takes one run id.', undefined, 2);
  const run = await withStore(ctx, false, (s) => s.getRun(s.resolveRunId(positionals[0]))!);
  ctx.out(values.json ? toJson(run) + '\n' : renderRun(run));
  return 0;
}

async function runsDiff(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (positionals.length !== 2) throw new MlwbError('runs diff takes two run ids.', undefined, 2);
  const diff = await withStore(ctx, false, (s) => {
    const [a, b] = positionals.map((p) => s.getRun(s.resolveRunId(p))!);
    return diffRuns(a, b);
  });
  ctx.out(values.json ? toJson(diff) + '\n' : renderDiff(diff));
  return 0;
}

async function runsRm(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse(args, { yes: { type: 'boolean', short: 'y' }, force: { type: 'boolean' } });
  if (positionals.length === 0) throw new MlwbError('runs rm takes at least one run id.', undefined, 2);
  return withStore(ctx, false, async (s) => {
    const runs = positionals.map((p) => s.getRun(s.resolveRunId(p))!);
    // Opening the store swept runs whose process is gone: what is still "running" really is.
    const running = runs.filter((r) => r.status === 'running');
    if (running.length && !values.force) {
      throw new MlwbError(`Not deleting: ${running.map((r) => `${r.id.slice(0, 8)} "${r.name}"`).join(', ')} ${running.length === 1 ? 'is' : 'are'} still running.`,
        'Wait for it to end, or pass --force to delete it anyway (the program goes on, no longer recorded).');
    }
    if (!values.yes) {
      const list = runs.map((r) => `${r.id.slice(0, 8)} ${visible(r.name)}`).join(', ');
      if (!(await ctx.confirm(`Delete ${runs.length} run(s): ${list}?`))) {
        ctx.err('Nothing deleted (pass --yes to delete without asking).\n');
        return 1;
      }
    }
    s.deleteRuns(runs.map((r) => r.id));
    ctx.out(`Deleted ${runs.length} run(s).\n`);
    return 0;
  });
}

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import { MlwbError } from '../errors';
import type { Store } from '../store/store';
import type { RunRecord } from '../store/types';

export interface Reproduction {
  run: RunRecord;
  /** Where to run the command: the run's folder inside the restored tree. */
  cwd: string;
  /** The run's command, with absolute paths into the original tree moved into the restored one. */
  command: string[];
  /** Removes the restored tree; safe to call more than once. */
  cleanup: () => Promise<void>;
}

/**
 * Restores the code a run used: a temporary git worktree at its commit with its recorded
 * uncommitted changes applied. The user's own working tree is not touched.
 */
export async function prepareReproduction(store: Store, runId: string, cwd: string): Promise<Reproduction> {
  const run = store.getRun(runId)!;
  const short = run.id.slice(0, 8);
  const record = store.getGit(run.id);
  if (!record?.git) {
    throw new MlwbError(`Run ${short} has no git record, so its code cannot be restored${record?.note ? ` (${record.note})` : ''}.`);
  }
  const { commit, diff, diffTruncated } = record.git;
  if (diffTruncated) {
    throw new MlwbError(`Run ${short}'s uncommitted changes were too large to record whole, so its code cannot be restored.`);
  }
  // Real paths: git reports the top level with symlinks resolved.
  const runCwd = run.cwd && (await exists(run.cwd)) ? await fs.realpath(run.cwd) : null;
  const top = await repositoryRoot(runCwd ?? cwd);
  const git = simpleGit(top);
  try {
    await git.raw(['cat-file', '-e', `${commit}^{commit}`]);
  } catch {
    throw new MlwbError(`Commit ${commit.slice(0, 12)} of run ${short} is not in the repository at ${top}.`,
      'Fetch it (git fetch) or run this from the repository the run came from.');
  }
  const relative = runCwd ? path.relative(top, runCwd) : '';
  const inside = !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : '';

  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'mlwb-reproduce-'));
  const tree = path.join(tmp, 'tree');
  let added = false;
  const cleanup = async () => {
    if (added) {
      added = false;
      await git.raw(['worktree', 'remove', '--force', tree]).catch(() => undefined);
    }
    await fs.rm(tmp, { recursive: true, force: true });
    // Forget the worktree even if its removal failed half-way.
    await git.raw(['worktree', 'prune']).catch(() => undefined);
  };
  try {
    await git.raw(['worktree', 'add', '--detach', tree, commit]);
    added = true;
    if (diff) {
      const patch = path.join(tmp, 'changes.diff');
      await fs.writeFile(patch, diff);
      try {
        await simpleGit(tree).raw(['apply', '--whitespace=nowarn', patch]);
      } catch (err) {
        throw new MlwbError(`Run ${short}'s recorded changes do not apply to commit ${commit.slice(0, 12)}: ${firstLine(err)}.`);
      }
    }
    const treeCwd = path.join(tree, inside);
    if (!(await exists(treeCwd))) throw new MlwbError(`The folder ${inside} of run ${short} does not exist at commit ${commit.slice(0, 12)}.`);
    const command = run.command.map((a) => (a === top || a.startsWith(top + path.sep) ? path.join(tree, path.relative(top, a)) : a));
    return { run, cwd: treeCwd, command, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

export interface MetricComparison {
  key: string;
  before: number | null;
  after: number | null;
  /** after − before when both exist. */
  difference: number | null;
}

/** Each metric's last value in the original run and in its reproduction. */
export function compareLastValues(before: RunRecord, after: RunRecord): MetricComparison[] {
  const keys = [...new Set([...Object.keys(before.metrics), ...Object.keys(after.metrics)])].sort();
  return keys.map((key) => {
    const b = before.metrics[key]?.last ?? null;
    const a = after.metrics[key]?.last ?? null;
    return { key, before: b, after: a, difference: a !== null && b !== null ? a - b : null };
  });
}

async function repositoryRoot(dir: string): Promise<string> {
  try {
    return path.resolve((await simpleGit(dir).revparse(['--show-toplevel'])).trim());
  } catch {
    throw new MlwbError(`${dir} is not inside a git repository.`, 'Run reproduce from the repository the run came from.');
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(() => true, () => false);
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).trim().split('\n')[0];
}

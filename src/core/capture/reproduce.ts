import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import { MlwbError } from '../errors';
import type { Store } from '../store/store';
import type { RunRecord } from '../store/types';
import { fingerprintData } from './dataFingerprint';

export interface Reproduction {
  run: RunRecord;
  /** Where to run the command: the run's folder inside the restored tree. */
  cwd: string;
  /** The run's command, with absolute paths into the original tree moved into the restored one. */
  command: string[];
  /** Removes the restored tree; safe to call more than once. */
  cleanup: () => Promise<void>;
  /** What happened to each recorded data file not in git (linked, changed, missing). */
  dataNotes: string[];
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
    const dataNotes = await provideData(run, runCwd ?? path.join(top, inside), top, tree);
    return { run, cwd: treeCwd, command, cleanup, dataNotes };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * Data files are usually ignored by git, so the restored tree lacks them: each recorded data file
 * inside the repository that the tree does not have is linked from where the run read it, after
 * checking its sha256 against the record. Files outside the repository are read in place.
 */
async function provideData(run: RunRecord, originalCwd: string, top: string, tree: string): Promise<string[]> {
  const notes: string[] = [];
  for (const data of run.data) {
    const original = path.resolve(originalCwd, data.path);
    const inRepo = path.relative(top, original);
    if (inRepo.startsWith('..') || path.isAbsolute(inRepo)) continue;
    const target = path.join(tree, inRepo);
    if (await exists(target)) continue;
    if (!(await exists(original))) {
      notes.push(`data ${data.path} is not in git and no longer at ${original}: the reproduction runs without it.`);
      continue;
    }
    const now = await fingerprintData(original, originalCwd).catch(() => undefined);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.symlink(original, target);
    if (!data.sha256) notes.push(`data ${data.path} linked from ${original}; the run recorded no hash to check it against.`);
    else if (now?.sha256 === data.sha256) notes.push(`data ${data.path} linked from ${original} (sha256 matches the run's).`);
    else notes.push(`data ${data.path} CHANGED since the run: sha256 ${now?.sha256.slice(0, 12) ?? '?'} now, ${data.sha256.slice(0, 12)} then; the reproduction uses the current file.`);
  }
  return notes;
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

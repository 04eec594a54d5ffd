import { simpleGit, type SimpleGit } from 'simple-git';
import type { GitInfo } from '../store/types';
import { DEFAULT_MAX_UNTRACKED_FILES, uncommittedDiff } from './gitDiff';

export const DEFAULT_MAX_DIFF_BYTES = 5 * 1024 * 1024;
/** The whole git capture's budget: a run is recorded with what git gave by then. */
export const DEFAULT_GIT_TIMEOUT_MS = 15_000;

export interface GitCaptureOptions {
  maxDiffBytes?: number;
  maxUntrackedFiles?: number;
  timeoutMs?: number;
}

export interface GitCapture {
  git: GitInfo | null;
  /** Why there is no git record, or what was left out of it. */
  note: string | null;
}

/**
 * The code version a run used: commit, branch, remote (credentials removed), dirty flag, and a
 * diff of every uncommitted change — tracked files against HEAD plus untracked text files as new
 * files — that `git apply` can replay on top of the commit. Bounded in time and memory (see
 * `uncommittedDiff`); the note says what was left out.
 */
export async function captureGit(cwd: string, options: GitCaptureOptions = {}): Promise<GitCapture> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  let root: string;
  try {
    root = (await simpleGit({ baseDir: cwd, timeout: { block: timeoutMs } }).revparse(['--show-toplevel'])).trim();
  } catch (err) {
    return { git: null, note: describeGitFailure(err) };
  }
  const repo = simpleGit({ baseDir: root, timeout: { block: timeoutMs } });
  let commit: string;
  try {
    commit = (await repo.revparse(['HEAD'])).trim();
  } catch {
    return { git: null, note: 'The git repository has no commits yet: the run has no code version.' };
  }
  const [branch, remote] = await Promise.all([
    repo.revparse(['--abbrev-ref', 'HEAD']).then((b) => (b.trim() === 'HEAD' ? null : b.trim())),
    remoteUrl(repo),
  ]);
  const changes = await uncommittedDiff(root, {
    maxBytes: options.maxDiffBytes ?? DEFAULT_MAX_DIFF_BYTES,
    maxUntracked: options.maxUntrackedFiles ?? DEFAULT_MAX_UNTRACKED_FILES,
    signal,
  });
  return {
    git: { commit, branch, remote, dirty: changes.dirty, diff: changes.diff, diffBytes: changes.diffBytes, diffTruncated: changes.truncated },
    note: changes.notes.length ? changes.notes.join(' ') : null,
  };
}

function describeGitFailure(err: unknown): string {
  const message = String((err as Error)?.message ?? err);
  if (/ENOENT|spawn git/i.test(message)) return 'git is not installed: the run has no code version.';
  if (/not a git repository/i.test(message)) return 'Not a git repository: the run has no code version.';
  return `git failed: ${message.split('\n')[0]}`;
}

async function remoteUrl(repo: SimpleGit): Promise<string | null> {
  const remotes = await repo.getRemotes(true);
  const chosen = remotes.find((r) => r.name === 'origin') ?? remotes[0];
  const url = chosen?.refs.fetch || chosen?.refs.push;
  return url ? stripCredentials(url) : null;
}

/** Removes `user:password@` (or a bare token) from URL-style remotes; scp-style `git@host:path` is kept. */
export function stripCredentials(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/@]*@)?(.*)$/i.exec(url);
  return match ? match[1] + match[3] : url;
}

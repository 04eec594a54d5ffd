import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import type { GitInfo } from '../store/types';

export const DEFAULT_MAX_DIFF_BYTES = 5 * 1024 * 1024;
/** Untracked files larger than this are left out of the diff (and the omission noted). */
const MAX_UNTRACKED_FILE_BYTES = 1024 * 1024;
const GIT_TIMEOUT_MS = 15_000;

export interface GitCapture {
  git: GitInfo | null;
  /** Why there is no git record, or what was left out of it. */
  note: string | null;
}

/**
 * The code version a run used: commit, branch, remote (credentials removed), dirty flag, and a
 * diff of every uncommitted change — tracked files against HEAD plus untracked text files as new
 * files — that `git apply` can replay on top of the commit.
 */
export async function captureGit(cwd: string, options: { maxDiffBytes?: number } = {}): Promise<GitCapture> {
  let root: string;
  try {
    root = (await simpleGit({ baseDir: cwd, timeout: { block: GIT_TIMEOUT_MS } }).revparse(['--show-toplevel'])).trim();
  } catch (err) {
    return { git: null, note: describeGitFailure(err) };
  }
  const repo = simpleGit({ baseDir: root, timeout: { block: GIT_TIMEOUT_MS } });
  let commit: string;
  try {
    commit = (await repo.revparse(['HEAD'])).trim();
  } catch {
    return { git: null, note: 'The git repository has no commits yet: the run has no code version.' };
  }
  const [branch, remote, status] = await Promise.all([
    repo.revparse(['--abbrev-ref', 'HEAD']).then((b) => (b.trim() === 'HEAD' ? null : b.trim())),
    remoteUrl(repo),
    repo.raw(['status', '--porcelain', '--untracked-files=all']),
  ]);
  const dirty = status.trim().length > 0;
  const { diff, notes } = dirty ? await uncommittedDiff(repo, root) : { diff: '', notes: [] as string[] };
  const maxBytes = options.maxDiffBytes ?? DEFAULT_MAX_DIFF_BYTES;
  const diffBytes = Buffer.byteLength(diff);
  const diffTruncated = diffBytes > maxBytes;
  if (diffTruncated) notes.push(`The uncommitted diff (${diffBytes} bytes) was cut to ${maxBytes} bytes.`);
  return {
    git: {
      commit,
      branch,
      remote,
      dirty,
      diff: diffTruncated ? Buffer.from(diff).subarray(0, maxBytes).toString('utf8') : diff,
      diffBytes,
      diffTruncated,
    },
    note: notes.length ? notes.join(' ') : null,
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

async function uncommittedDiff(repo: SimpleGit, root: string): Promise<{ diff: string; notes: string[] }> {
  const notes: string[] = [];
  const parts = [await repo.raw(['diff', 'HEAD', '--binary'])];
  const untracked = (await repo.raw(['ls-files', '--others', '--exclude-standard', '-z'])).split('\0').filter(Boolean);
  const skipped: string[] = [];
  for (const file of untracked) {
    const content = await readTextFile(path.join(root, file));
    if (content === undefined) skipped.push(file);
    else parts.push(newFileDiff(file, content));
  }
  if (skipped.length) {
    const more = skipped.length > 5 ? ` and ${skipped.length - 5} more` : '';
    notes.push(`Untracked binary or large files are not in the diff: ${skipped.slice(0, 5).join(', ')}${more}.`);
  }
  return { diff: parts.join(''), notes };
}

/** The file's text, or undefined for binary, oversized or special files. */
async function readTextFile(file: string): Promise<string | undefined> {
  const stat = await fs.lstat(file);
  if (!stat.isFile() || stat.size > MAX_UNTRACKED_FILE_BYTES) return undefined;
  const buf = await fs.readFile(file);
  return buf.includes(0) ? undefined : buf.toString('utf8');
}

/** A `git apply`-able patch that creates `file` with `content`. */
function newFileDiff(file: string, content: string): string {
  const header = `diff --git a/${file} b/${file}\nnew file mode 100644\n`;
  if (content.length === 0) return header;
  const lines = content.split('\n');
  const endsWithNewline = content.endsWith('\n');
  if (endsWithNewline) lines.pop();
  const body = lines.map((l) => `+${l}\n`).join('') + (endsWithNewline ? '' : '\\ No newline at end of file\n');
  return `${header}--- /dev/null\n+++ b/${file}\n@@ -0,0 +1,${lines.length} @@\n${body}`;
}

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { streamGit } from './gitProcess';
import { isSecretFile, redactLine } from './redact';

/** Untracked files larger than this are left out of the diff (and the omission noted). */
const MAX_UNTRACKED_FILE_BYTES = 1024 * 1024;
/** How many untracked files are looked at; a tree with more (an unignored data folder) is noted. */
export const DEFAULT_MAX_UNTRACKED_FILES = 1000;

export interface UncommittedDiff {
  diff: string;
  /** Bytes of the diff seen: the whole diff, or at least this much when it was cut (git is stopped at the cap). */
  diffBytes: number;
  truncated: boolean;
  /** Tracked changes or untracked files exist. */
  dirty: boolean;
  notes: string[];
}

/**
 * Every uncommitted change as a patch `git apply` replays on HEAD: tracked files (streamed from
 * `git diff HEAD`) and untracked text files as new files. Bounded: at most `maxBytes` kept, at
 * most `maxUntracked` untracked files looked at, nothing after `signal` fires; what was left out
 * is said in `notes`. Secrets are kept out: added lines are redacted, secret-looking untracked
 * files skipped.
 */
export async function uncommittedDiff(root: string, options: { maxBytes: number; maxUntracked: number; signal: AbortSignal }): Promise<UncommittedDiff> {
  const out = new BoundedText(options.maxBytes);
  const notes: string[] = [];
  let redacted = 0;
  const added = (line: string) => {
    const clean = redactLine(line);
    if (clean !== line) redacted++;
    return clean;
  };

  // Whether tracked files changed, cheaply (no diff computed): stop at the first entry. A git
  // that does not answer in time counts as changed, since a clean tree cannot be vouched for.
  const status = await streamGit(root, ['status', '--porcelain', '-z', '--untracked-files=no'], options.signal, () => false);
  const trackedChanges = status !== 'completed';
  const tracked = trackedChanges
    ? await streamLines(root, ['diff', 'HEAD', '--binary', '--no-color', '--no-ext-diff'], out, options.signal,
      (line) => (line.startsWith('+') && !line.startsWith('+++ ') ? `+${added(line.slice(1))}` : line))
    : 'completed';

  const { files, more, end } = await listUntracked(root, options.maxUntracked, options.signal);
  const secrets: string[] = [];
  const skipped: string[] = [];
  let unread = 0;
  for (const file of files) {
    if (isSecretFile(file)) secrets.push(file);
    else if (out.full || options.signal.aborted) unread++;
    else {
      const content = await readTextFile(path.join(root, file));
      if (content === undefined) skipped.push(file);
      else out.add(newFileDiff(file, content, added));
    }
  }

  const timedOut = tracked === 'timeout' || end === 'timeout' || options.signal.aborted;
  if (timedOut) notes.push('git did not answer in time: the recorded diff is incomplete.');
  if (more) notes.push(`There are more than ${options.maxUntracked} untracked files: only the first ${options.maxUntracked} were looked at for the diff (ignore or commit the others).`);
  if (secrets.length) notes.push(`Untracked files that may hold secrets are not in the diff: ${listed(secrets)}.`);
  if (redacted) notes.push(`Secret-looking values on ${redacted} changed line(s) are [REDACTED] in the diff.`);
  if (skipped.length) notes.push(`Untracked binary or large files are not in the diff: ${listed(skipped)}.`);
  if (out.full) notes.push(`The uncommitted diff (${out.totalBytes}${tracked === 'completed' ? '' : '+'} bytes) was cut to ${options.maxBytes} bytes${unread ? `; ${unread} untracked file(s) were not read` : ''}.`);
  return {
    diff: out.text(),
    diffBytes: out.totalBytes,
    truncated: out.full || tracked === 'timeout',
    dirty: trackedChanges || files.length > 0,
    notes,
  };
}

/** Text kept up to a byte budget, whole lines only; bytes past it are counted, not kept. */
class BoundedText {
  private readonly parts: string[] = [];
  private kept = 0;
  totalBytes = 0;
  full = false;

  constructor(private readonly maxBytes: number) {}

  add(text: string): void {
    const bytes = Buffer.byteLength(text);
    this.totalBytes += bytes;
    if (this.full) return;
    if (this.kept + bytes > this.maxBytes) {
      this.full = true;
      return;
    }
    this.parts.push(text);
    this.kept += bytes;
  }

  /** Counts bytes that were not even decoded (the rest of a stream once full). */
  count(bytes: number): void {
    this.totalBytes += bytes;
    this.full = true;
  }

  get room(): number {
    return this.maxBytes - this.kept;
  }

  text(): string {
    return this.parts.join('');
  }
}

/**
 * Streams git's output into `out` line by line through `map`; once `out` is full git is stopped:
 * reading the rest of a huge diff only to count it costs memory and time (the pipe's buffers).
 */
async function streamLines(cwd: string, args: string[], out: BoundedText, signal: AbortSignal, map: (line: string) => string) {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  const end = await streamGit(cwd, args, signal, (chunk) => {
    if (out.full) {
      out.count(chunk.length);
      return false;
    }
    const lines = (partial + decoder.write(chunk)).split('\n');
    partial = lines.pop()!;
    for (const line of lines) out.add(`${map(line)}\n`);
    // A line longer than what is left (one huge line of a data file) is never held whole.
    if (Buffer.byteLength(partial) > out.room) {
      out.count(Buffer.byteLength(partial));
      partial = '';
    }
    return !out.full;
  });
  if (partial && end === 'completed') out.add(map(partial));
  return end;
}

async function listUntracked(root: string, max: number, signal: AbortSignal) {
  const files: string[] = [];
  let more = false;
  let partial = '';
  const end = await streamGit(root, ['ls-files', '--others', '--exclude-standard', '-z'], signal, (chunk) => {
    const names = (partial + chunk.toString('utf8')).split('\0');
    partial = names.pop()!;
    for (const name of names) {
      if (files.length === max) {
        more = true;
        return false;
      }
      files.push(name);
    }
    return true;
  });
  return { files, more, end };
}

function listed(files: string[]): string {
  return files.slice(0, 5).join(', ') + (files.length > 5 ? ` and ${files.length - 5} more` : '');
}

/** The file's text, or undefined for binary, oversized or special files. */
async function readTextFile(file: string): Promise<string | undefined> {
  const stat = await fs.lstat(file).catch(() => undefined);
  if (!stat?.isFile() || stat.size > MAX_UNTRACKED_FILE_BYTES) return undefined;
  const buf = await fs.readFile(file);
  return buf.includes(0) ? undefined : buf.toString('utf8');
}

/** A `git apply`-able patch that creates `file` with `content` (each line through `map`). */
function newFileDiff(file: string, content: string, map: (line: string) => string): string {
  const header = `diff --git a/${file} b/${file}\nnew file mode 100644\n`;
  if (content.length === 0) return header;
  const lines = content.split('\n');
  const endsWithNewline = content.endsWith('\n');
  if (endsWithNewline) lines.pop();
  const body = lines.map((l) => `+${map(l)}\n`).join('') + (endsWithNewline ? '' : '\\ No newline at end of file\n');
  return `${header}--- /dev/null\n+++ b/${file}\n@@ -0,0 +1,${lines.length} @@\n${body}`;
}

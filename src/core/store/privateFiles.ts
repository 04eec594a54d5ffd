// The store is readable by its owner only: runs hold commands, logs, diffs and environments that
// another local user has no business reading. Folders are 0700 and files 0600 whatever the
// umask; a store created by an older version with looser modes is tightened when opened.
import * as fs from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** POSIX modes mean nothing on Windows, where access is by ACL. */
const POSIX = process.platform !== 'win32';

/** Creates `dir` (and missing parents inside it) as 0700; tightens it when it exists with group/other access. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dir, PRIVATE_DIR_MODE);
}

/** Removes group/other access from an existing file or folder; a missing one, or one not ours, is left as it is. */
export function tighten(p: string, mode: number): void {
  if (!POSIX) return;
  try {
    if ((fs.statSync(p).mode & 0o077) !== 0) fs.chmodSync(p, mode);
  } catch {
    // Gone, or owned by someone else (EPERM): nothing we may change.
  }
}

/** Creates an empty file as 0600 unless it exists (SQLite then keeps that mode for the db's -wal and -shm). */
export function createPrivateFile(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, 'wx', PRIVATE_FILE_MODE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  tighten(file, PRIVATE_FILE_MODE);
}

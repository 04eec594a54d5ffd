import * as fs from 'node:fs';
import * as path from 'node:path';
import { processExists } from './endpointFile';

/**
 * Who replays the spool: one process at a time holds `spool/.replay.lock` (its pid inside),
 * created exclusively. Two replays at once would each read and delete the other's files; the
 * process that finds the lock held goes on without replaying (the holder imports the files).
 * A lock whose process is gone is broken by renaming it aside, which only one process can do.
 */

export const REPLAY_LOCK = '.replay.lock';
/** A lock file still empty this long after its creation belongs to a process killed before writing its pid. */
const EMPTY_LOCK_MS = 10_000;

export type SpoolClaim =
  | { held: true; release: () => void }
  | { held: false; holder?: number };

export function claimSpool(dir: string): SpoolClaim {
  const lock = path.join(dir, REPLAY_LOCK);
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      const fd = fs.openSync(lock, 'wx', 0o600);
      try {
        fs.writeSync(fd, `${process.pid}\n`);
      } finally {
        fs.closeSync(fd);
      }
      return { held: true, release: () => releaseIfOurs(lock) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readHolder(lock);
    if (holder === 'gone') continue;
    if (holder === 'empty') {
      if (!olderThan(lock, EMPTY_LOCK_MS)) return { held: false };
    } else if (holder !== process.pid && processExists(holder)) {
      return { held: false, holder };
    }
    // Stale: move it aside. Of two processes breaking the same lock, one rename fails (ENOENT).
    const aside = `${lock}.${process.pid}.stale`;
    try {
      fs.renameSync(lock, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const moved = readHolder(aside);
    fs.rmSync(aside, { force: true });
    if (moved !== holder && typeof moved === 'number') {
      // Between our read and our rename another process took a fresh lock: give it back.
      try {
        fs.writeFileSync(lock, `${moved}\n`, { flag: 'wx', mode: 0o600 });
      } catch {
        // Someone took it again meanwhile: theirs stands.
      }
      return { held: false, holder: moved };
    }
  }
  return { held: false };
}

function readHolder(file: string): number | 'empty' | 'gone' {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return 'gone';
  }
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : 'empty';
}

function olderThan(file: string, ms: number): boolean {
  try {
    return Date.now() - fs.statSync(file).mtimeMs > ms;
  } catch {
    return true;
  }
}

function releaseIfOurs(lock: string): void {
  if (readHolder(lock) === process.pid) fs.rmSync(lock, { force: true });
}

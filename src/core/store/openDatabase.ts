import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { MlwbError } from '../errors';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';

export const STORE_DIR_NAME = '.mlwb';
export const DB_FILE_NAME = 'mlwb.db';

/** Finds `.mlwb/` in `cwd` or its nearest parent, the way git finds `.git`. */
export function findStoreDir(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    const candidate = path.join(dir, STORE_DIR_NAME);
    if (isDirectory(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Where a new store goes when none exists: the top of the enclosing git repository, so that runs
 * started from any subfolder land in one store; else `cwd` itself.
 */
export function defaultStoreDir(cwd: string): string {
  const start = path.resolve(cwd);
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return path.join(dir, STORE_DIR_NAME);
    if (path.dirname(dir) === dir) return path.join(start, STORE_DIR_NAME);
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Creates the store folder with a `.gitignore` that keeps it out of the user's repository. */
export function ensureStoreDir(storeDir: string): void {
  fs.mkdirSync(storeDir, { recursive: true });
  const gitignore = path.join(storeDir, '.gitignore');
  if (!fs.existsSync(gitignore)) {
    fs.writeFileSync(gitignore, '# Created by ML Workbench: the run store is local to this machine.\n*\n');
  }
}

export function openDatabase(storeDir: string, create: boolean): Database.Database {
  const file = path.join(storeDir, DB_FILE_NAME);
  if (create) ensureStoreDir(storeDir);
  else if (!fs.existsSync(file)) {
    throw new MlwbError(`No run store at ${storeDir}.`, 'Track a run first (mlwb run -- …) or pass --store DIR.');
  }
  let db: Database.Database;
  try {
    db = new Database(file);
    // A metric chunk (~24 KB) fits in one 32 KB page instead of spilling over six 4 KB overflow
    // pages: reading a long series touches a sixth of the pages. Only takes effect on a new file.
    db.pragma('page_size = 32768');
    db.pragma('journal_mode = WAL');
  } catch (err) {
    throw new MlwbError(
      `The run store ${file} cannot be opened: ${(err as Error).message}.`,
      'If the file is damaged, move it aside; mlwb creates a new store on the next run.',
    );
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Several writers (runs, the endpoint, the CLI) share the file; wait for each other's commits.
  db.pragma('busy_timeout = 15000');
  migrate(db, file);
  return db;
}

function migrate(db: Database.Database, file: string): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  const check = (v: number) => {
    if (v > SCHEMA_VERSION) {
      throw new MlwbError(
        `The run store ${file} was written by a newer ML Workbench (schema ${v}; this one knows ${SCHEMA_VERSION}).`,
        'Update ML Workbench to read it.',
      );
    }
  };
  check(version());
  if (version() === SCHEMA_VERSION) return;
  db.transaction(() => {
    // Re-read inside the write lock: another process may have migrated meanwhile.
    const from = version();
    check(from);
    for (let v = from; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

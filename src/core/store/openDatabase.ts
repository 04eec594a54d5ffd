import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { MlwbError } from '../errors';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';
import { createPrivateFile, ensurePrivateDir, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, tighten } from './privateFiles';
import { damagedStoreError, isCorruption } from './storeDamage';

export const STORE_DIR_NAME = '.mlwb';
export const DB_FILE_NAME = 'mlwb.db';
/** Copies of the store taken before each migration. */
export const BACKUP_DIR_NAME = 'backups';

/**
 * Finds `.mlwb/` in `cwd` or its nearest parent, the way git finds `.git`, without leaving the
 * enclosing git repository: a repository inside another (a submodule, a project cloned into a
 * checkout) is a project of its own, so its runs never land in the outer one's store.
 */
export function findStoreDir(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    const candidate = path.join(dir, STORE_DIR_NAME);
    if (isDirectory(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir || fs.existsSync(path.join(dir, '.git'))) return undefined;
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

/** Creates the store folder (owner-only) with a `.gitignore` that keeps it out of the user's repository. */
export function ensureStoreDir(storeDir: string): void {
  ensurePrivateDir(storeDir);
  const gitignore = path.join(storeDir, '.gitignore');
  if (!fs.existsSync(gitignore)) {
    fs.writeFileSync(gitignore, '# Created by ML Workbench: the run store is local to this machine.\n*\n', { mode: PRIVATE_FILE_MODE });
  }
}

export function openDatabase(storeDir: string, create: boolean): Database.Database {
  const file = path.join(storeDir, DB_FILE_NAME);
  if (create) ensureStoreDir(storeDir);
  else if (!fs.existsSync(file)) {
    throw new MlwbError(`No run store at ${storeDir}.`, 'Track a run first (mlwb run -- …) or pass --store DIR.');
  } else tighten(storeDir, PRIVATE_DIR_MODE);
  try {
    return openStoreFile(file, path.join(storeDir, BACKUP_DIR_NAME));
  } catch (err) {
    if (isCorruption(err)) throw damagedStoreError(file, err);
    throw err;
  }
}

/**
 * Opens (creating, owner-only) one store file and brings its schema up to date, backing it up
 * into `backupDir` first when it has to be migrated.
 */
export function openStoreFile(file: string, backupDir: string): Database.Database {
  createPrivateFile(file);
  let db: Database.Database;
  try {
    db = new Database(file);
    // A metric chunk (~24 KB) fits in one 32 KB page instead of spilling over six 4 KB overflow
    // pages: reading a long series touches a sixth of the pages. Only takes effect on a new file.
    db.pragma('page_size = 32768');
    db.pragma('journal_mode = WAL');
  } catch (err) {
    if (isCorruption(err)) throw err;
    throw new MlwbError(
      `The run store ${file} cannot be opened: ${(err as Error).message}.`,
      'See `mlwb doctor`; if the file is damaged, `mlwb doctor --recover` salvages its runs into a new store.',
    );
  }
  // SQLite gives -wal and -shm the database's mode when it creates them; older stores had 0644 ones.
  for (const suffix of ['-wal', '-shm']) tighten(file + suffix, PRIVATE_FILE_MODE);
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Several writers (runs, the endpoint, the CLI) share the file; wait for each other's commits.
  db.pragma('busy_timeout = 15000');
  migrate(db, file, backupDir);
  return db;
}

/**
 * A consistent copy of the store (VACUUM INTO reads one snapshot, whoever writes meanwhile) in
 * `backups/mlwb-v<version>-<time>.db`, owner-only. Taken before a migration: a migration that
 * goes wrong, or a newer version the user steps back from, leaves the old store at hand.
 */
export function backupStore(db: Database.Database, backupDir: string, version: number): string {
  ensurePrivateDir(backupDir);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(backupDir, `mlwb-v${version}-${stamp}.db`);
  // VACUUM INTO writes into an empty file it is given: created first so that it is 0600 from the start.
  createPrivateFile(file);
  db.prepare('VACUUM INTO ?').run(file);
  return file;
}

function migrate(db: Database.Database, file: string, backupDir: string): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  const check = (v: number) => {
    if (v > SCHEMA_VERSION) {
      throw new MlwbError(
        `The run store ${file} was written by a newer ML Workbench (schema ${v}; this one knows ${SCHEMA_VERSION}).`,
        'Update ML Workbench to read it.',
      );
    }
  };
  const found = version();
  check(found);
  if (found === SCHEMA_VERSION) return;
  // A new, empty file (version 0) has nothing to lose. Two processes migrating at once may both
  // take a copy; only one migrates.
  if (found > 0) backupStore(db, backupDir, found);
  db.transaction(() => {
    // Re-read inside the write lock: another process may have migrated meanwhile.
    const from = version();
    check(from);
    for (let v = from; v < SCHEMA_VERSION; v++) {
      const migration = MIGRATIONS[v];
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

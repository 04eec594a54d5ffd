// A damaged store file ("database disk image is malformed") is a state the user can act on, not
// a bug: every command says so in one line and points at `mlwb doctor`.
import { MlwbError } from '../errors';

/** SQLite's answer to a damaged page or a file that is not a database. */
export function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

export const DOCTOR_HINT = 'Run `mlwb doctor` to check it, and `mlwb doctor --recover` to salvage its runs into a new store (the damaged file is kept).';

export function damagedStoreError(file: string | undefined, err: unknown): MlwbError {
  const where = file ? `The run store ${file}` : 'The run store';
  return new MlwbError(`${where} is damaged (${(err as Error).message}).`, DOCTOR_HINT);
}

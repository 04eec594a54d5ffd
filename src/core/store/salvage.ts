// Reading what is still readable from a damaged SQLite file. A damaged page makes any statement
// that walks over it fail with SQLITE_CORRUPT, so a plain `SELECT *` stops at the first bad page
// and everything after it looks lost. These readers step around damage instead:
// - rowid tables are read in rowid order; after an error, the first rowid past the damaged
//   page(s) is found by seeking (a seek for `rowid >= x` only enters the page that could hold
//   x, so it fails while x is inside the damaged range and succeeds past it: a binary search);
// - WITHOUT ROWID tables are read one run (or experiment) at a time, by primary-key prefix, so
//   damage costs the rows of the runs on the damaged page, not those of every run after it.
import type Database from 'better-sqlite3';
import { isCorruption } from './storeDamage';

export type Row = Record<string, unknown>;

export interface ReadStats {
  rows: number;
  /** Damaged stretches stepped over (their rows are lost). */
  damaged: number;
}

const MAX_ROWID = Number.MAX_SAFE_INTEGER;

export function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function columnsOf(db: Database.Database, table: string): string[] {
  return db.prepare(`PRAGMA table_info(${quoteName(table)})`).all().map((c) => (c as { name: string }).name);
}

export function hasRowid(db: Database.Database, table: string): boolean {
  try {
    db.prepare(`SELECT rowid FROM ${quoteName(table)} LIMIT 0`);
    return true;
  } catch {
    return false;
  }
}

/** Rows of a rowid table in rowid order, stepping over damaged pages. */
export function* rowsByRowid(db: Database.Database, table: string, columns: string[], stats: ReadStats): Generator<Row> {
  const list = columns.map(quoteName).join(', ');
  const read = db.prepare(`SELECT rowid AS "__rowid", ${list} FROM ${quoteName(table)} NOT INDEXED WHERE rowid >= ? ORDER BY rowid`);
  const probe = db.prepare(`SELECT rowid FROM ${quoteName(table)} NOT INDEXED WHERE rowid >= ? ORDER BY rowid LIMIT 1`);
  const readable = (from: number): boolean => {
    try {
      probe.get(from);
      return true;
    } catch (err) {
      if (!isCorruption(err)) throw err;
      return false;
    }
  };
  let from = -MAX_ROWID;
  for (;;) {
    try {
      for (const row of read.iterate(from) as IterableIterator<Row>) {
        from = (row.__rowid as number) + 1;
        delete row.__rowid;
        stats.rows++;
        yield row;
      }
      return;
    } catch (err) {
      if (!isCorruption(err)) throw err;
    }
    stats.damaged++;
    const next = firstReadableFrom(from, readable);
    if (next === undefined) return;
    from = next;
  }
}

/** The smallest x > bad from which reading works again, or undefined when nothing past `bad` is readable. */
function firstReadableFrom(damaged: number, readable: (x: number) => boolean): number | undefined {
  // Gallop forward to a readable point, then halve the gap back to the damage's edge.
  let bad = damaged;
  let good = MAX_ROWID;
  for (let step = 1; ; step *= 2) {
    const x = Math.min(bad + step, MAX_ROWID);
    if (readable(x)) {
      good = x;
      break;
    }
    if (x === MAX_ROWID) return undefined;
    bad = x;
  }
  while (good - bad > 1) {
    const mid: number = bad + Math.floor((good - bad) / 2);
    if (readable(mid)) good = mid;
    else bad = mid;
  }
  return good;
}

/**
 * Rows whose `keyColumn` equals `key` (all rows when no key column is given), until the first
 * damaged page: the rows before it are kept.
 */
export function rowsWithKey(db: Database.Database, table: string, columns: string[], keyColumn: string | undefined, key: unknown, stats: ReadStats): Row[] {
  const rows: Row[] = [];
  try {
    const where = keyColumn === undefined ? '' : ` WHERE ${quoteName(keyColumn)} = ?`;
    const read = db.prepare(`SELECT ${columns.map(quoteName).join(', ')} FROM ${quoteName(table)}${where}`);
    for (const row of (keyColumn === undefined ? read.iterate() : read.iterate(key)) as IterableIterator<Row>) rows.push(row);
  } catch (err) {
    if (!isCorruption(err)) throw err;
    stats.damaged++;
  }
  stats.rows += rows.length;
  return rows;
}

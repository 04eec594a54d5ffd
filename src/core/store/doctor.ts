// `mlwb doctor`: is the store file sound, and if not, a new store holding everything that can
// still be read from it. The damaged file is never changed: it is opened read-only, and kept
// (renamed) next to the new one.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { unpackChunk } from './metricChunks';
import { MetricStore } from './metricStore';
import { BACKUP_DIR_NAME, DB_FILE_NAME, openStoreFile } from './openDatabase';
import { columnsOf, hasRowid, quoteName, type ReadStats, type Row, rowsByRowid, rowsWithKey } from './salvage';

export interface CheckResult {
  file: string;
  ok: boolean;
  /** SQLite's integrity_check lines (at most 100), or why the file could not be read at all. */
  problems: string[];
  schemaVersion: number | null;
}

/** PRAGMA integrity_check on a read-only connection: every page, every index against its table. */
export function checkStore(storeDir: string): CheckResult {
  const file = path.join(storeDir, DB_FILE_NAME);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    const lines = (db.pragma('integrity_check(100)') as { integrity_check: string }[]).map((r) => r.integrity_check);
    const ok = lines.length === 1 && lines[0] === 'ok';
    return { file, ok, problems: ok ? [] : lines, schemaVersion };
  } catch (err) {
    return { file, ok: false, problems: [(err as Error).message], schemaVersion: null };
  } finally {
    db?.close();
  }
}

export interface RecoveryReport {
  /** The damaged file, renamed. */
  keptAs: string;
  runs: number;
  experiments: number;
  /** Rows copied per table (runs and experiments included). */
  rows: Record<string, number>;
  points: number;
  /** Damaged stretches stepped over, per table. */
  damaged: Record<string, number>;
  /** What is known to be incomplete (a series missing chunks…). */
  notes: string[];
}

/** Tables rebuilt from others rather than copied: metric summaries come from the chunks that survived. */
const DERIVED = new Set(['metrics', 'metric_chunks']);

/**
 * Salvages every readable row of `storeDir`'s store into a new store file with the current
 * schema, then swaps it in: the damaged file (and its -wal/-shm) is renamed `mlwb.db.damaged-<time>`.
 * Anyone else with the store open keeps the old file: the caller makes sure nobody has.
 */
export function recoverStore(storeDir: string): RecoveryReport {
  const file = path.join(storeDir, DB_FILE_NAME);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const fresh = path.join(storeDir, `${DB_FILE_NAME}.recovering-${stamp}`);
  const src = new Database(file, { readonly: true, fileMustExist: true });
  const report: RecoveryReport = { keptAs: `${file}.damaged-${stamp}`, runs: 0, experiments: 0, rows: {}, points: 0, damaged: {}, notes: [] };
  let dst: Database.Database | undefined;
  try {
    dst = openStoreFile(fresh, path.join(storeDir, BACKUP_DIR_NAME));
    copyTables(src, dst, report);
    copyMetrics(src, dst, report);
    // One self-contained file to move into place; the next open turns WAL back on.
    dst.pragma('journal_mode = DELETE');
  } catch (err) {
    dst?.close();
    fs.rmSync(fresh, { force: true });
    throw err;
  } finally {
    src.close();
  }
  dst.close();
  for (const suffix of ['', '-wal', '-shm']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, report.keptAs + suffix);
  }
  fs.renameSync(fresh, file);
  report.runs = report.rows.runs ?? 0;
  report.experiments = report.rows.experiments ?? 0;
  return report;
}

function tablesOf(db: Database.Database): string[] {
  // Creation order: a table comes after those it references.
  return db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid").pluck().all() as string[];
}

function copyTables(src: Database.Database, dst: Database.Database, report: RecoveryReport): void {
  let srcTables: Set<string>;
  try {
    srcTables = new Set(tablesOf(src));
  } catch (err) {
    throw new Error(`the store's schema itself is unreadable (${(err as Error).message}); nothing can be salvaged`, { cause: err });
  }
  const runIds: string[] = [];
  const experimentIds: unknown[] = [];
  for (const table of tablesOf(dst)) {
    if (DERIVED.has(table) || !srcTables.has(table)) continue;
    const dstColumns = new Set(columnsOf(dst, table));
    const columns = columnsOf(src, table).filter((c) => dstColumns.has(c));
    const stats: ReadStats = { rows: 0, damaged: 0 };
    const insert = dst.prepare(`INSERT OR IGNORE INTO ${quoteName(table)} (${columns.map(quoteName).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    let copied = 0;
    const put = (row: Row) => {
      if (table === 'runs') ensureExperiment(dst, row.experiment_id);
      try {
        copied += insert.run(...columns.map((c) => row[c])).changes;
      } catch {
        // A row whose run did not survive (foreign key), or garbage read from a damaged page.
      }
    };
    dst.transaction(() => {
      if (hasRowid(src, table)) {
        for (const row of rowsByRowid(src, table, columns, stats)) put(row);
      } else {
        const by = columns.includes('run_id') ? { key: 'run_id', ids: runIds } : columns.includes('experiment_id') ? { key: 'experiment_id', ids: experimentIds } : undefined;
        if (by) for (const id of by.ids) for (const row of rowsWithKey(src, table, columns, by.key, id, stats)) put(row);
        else for (const row of rowsWithKey(src, table, columns, undefined, undefined, stats)) put(row);
      }
    })();
    if (table === 'runs') runIds.push(...(dst.prepare('SELECT id FROM runs').pluck().all() as string[]));
    if (table === 'experiments') experimentIds.push(...(dst.prepare('SELECT id FROM experiments').pluck().all()));
    report.rows[table] = copied;
    if (stats.damaged) report.damaged[table] = stats.damaged;
  }
}

/** A run whose experiment row was lost keeps its place under a stand-in experiment. */
function ensureExperiment(dst: Database.Database, id: unknown): void {
  if (typeof id !== 'number' || dst.prepare('SELECT 1 FROM experiments WHERE id = ?').get(id)) return;
  dst.prepare('INSERT INTO experiments (id, name, created_at) VALUES (?, ?, ?)').run(id, `recovered experiment ${id}`, Date.now());
}

interface ChunkRef {
  rowid: number;
  seq: number;
  count: number;
}

/**
 * Metric series are rebuilt from the chunks that can be read, in order, through MetricStore:
 * summaries and chunk layout come out consistent whatever was lost. Chunk metadata is read
 * first (small), then each chunk's data by rowid, so memory holds one series at a time.
 */
function copyMetrics(src: Database.Database, dst: Database.Database, report: RecoveryReport): void {
  const series = new Map<string, { runId: string; key: string; chunks: ChunkRef[] }>();
  const stats: ReadStats = { rows: 0, damaged: 0 };
  for (const row of rowsByRowid(src, 'metric_chunks', ['rowid', 'run_id', 'key', 'seq', 'count'], stats)) {
    const id = JSON.stringify([row.run_id, row.key]);
    let s = series.get(id);
    if (!s) series.set(id, (s = { runId: row.run_id as string, key: row.key as string, chunks: [] }));
    s.chunks.push({ rowid: row.rowid as number, seq: row.seq as number, count: row.count as number });
  }
  const dataOf = src.prepare('SELECT data FROM metric_chunks NOT INDEXED WHERE rowid = ?').pluck();
  const hasRun = dst.prepare('SELECT 1 FROM runs WHERE id = ?');
  const metrics = new MetricStore(dst);
  for (const { runId, key, chunks } of series.values()) {
    if (!hasRun.get(runId)) continue;
    chunks.sort((a, b) => a.seq - b.seq);
    const columns = { steps: [] as number[], timestamps: [] as number[], values: [] as number[] };
    for (const chunk of chunks) {
      try {
        const cols = unpackChunk(dataOf.get(chunk.rowid) as Buffer, chunk.count);
        columns.steps.push(...cols.steps);
        columns.timestamps.push(...cols.timestamps);
        columns.values.push(...cols.values);
      } catch {
        stats.damaged++;
      }
    }
    try {
      dst.transaction(() => metrics.appendSeries(runId, key, columns))();
      report.points += columns.values.length;
    } catch (err) {
      report.notes.push(`metric "${key}" of run ${runId.slice(0, 8)} could not be stored: ${(err as Error).message}`);
    }
  }
  report.rows.metric_chunks = stats.rows;
  if (stats.damaged) report.damaged.metric_chunks = stats.damaged;
  noteShortSeries(src, dst, report);
}

/** Series that came back with fewer points than the damaged store's summary says they had. */
function noteShortSeries(src: Database.Database, dst: Database.Database, report: RecoveryReport): void {
  const now = dst.prepare('SELECT count FROM metrics WHERE run_id = ? AND key = ?').pluck();
  const stats: ReadStats = { rows: 0, damaged: 0 };
  for (const runId of dst.prepare('SELECT id FROM runs').pluck().all() as string[]) {
    for (const row of rowsWithKey(src, 'metrics', ['key', 'count'], 'run_id', runId, stats)) {
      const saved = (now.get(runId, String(row.key)) as number | undefined) ?? 0;
      if (saved !== row.count) report.notes.push(`metric "${String(row.key)}" of run ${runId.slice(0, 8)}: ${saved} of ${String(row.count)} points readable`);
    }
  }
}

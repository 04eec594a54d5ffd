import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type Database from 'better-sqlite3';
import { MlwbError } from '../errors';
import { ownerIsGone, type RunningRow } from './liveness';
import { type LogChunk, LogChunks } from './logChunks';
import { MetricStore } from './metricStore';
import { damagedStoreError, isCorruption } from './storeDamage';
import { defaultStoreDir, findStoreDir, openDatabase } from './openDatabase';
import type {
  ArtifactRef, DatasetRef, EnvInfo, GitInfo, MetricPoint, MetricSeries, NewRun, ParamValue,
  RunFilter, RunLog, RunRecord, RunSource, RunStatus,
} from './types';

interface RunRow {
  id: string;
  name: string;
  experiment: string;
  status: RunStatus;
  source: RunSource;
  command: string;
  cwd: string | null;
  start_time: number;
  end_time: number | null;
  exit_code: number | null;
  notes: string | null;
}

const RUN_COLUMNS = `r.id, r.name, e.name AS experiment, r.status, r.source, r.command, r.cwd,
  r.start_time, r.end_time, r.exit_code, r.notes`;

export interface RunUpdate {
  status?: RunStatus;
  endTime?: number;
  userId?: string;
  /** MLflow's soft delete: deleted runs are not listed, and can be restored. */
  lifecycleStage?: 'active' | 'deleted';
}

export interface OpenStoreOptions {
  /** The store folder itself (`…/.mlwb`); overrides the search from `cwd`. */
  storeDir?: string;
  cwd: string;
  /** Create `.mlwb/` in `cwd` when none is found (commands that write). */
  create: boolean;
}

/** The workspace run store: the single source of truth for runs and everything about them. */
export class Store {
  readonly metrics: MetricStore;
  private readonly logChunks: LogChunks;
  private readonly stmts;

  private constructor(readonly db: Database.Database, readonly dir: string) {
    this.metrics = new MetricStore(db);
    this.logChunks = new LogChunks(db);
    this.stmts = {
      experimentId: db.prepare<[string], { id: number }>('SELECT id FROM experiments WHERE name = ?'),
      insertExperiment: db.prepare('INSERT INTO experiments (name, created_at) VALUES (?, ?)'),
      insertRun: db.prepare(`INSERT INTO runs (id, experiment_id, name, status, source, command, cwd, start_time,
          owner_pid, owner_host, owner_start, last_seen)
        VALUES (@id, @experimentId, @name, @status, @source, @command, @cwd, @startTime, @ownerPid, @ownerHost, @ownerStart, @startTime)`),
      touch: db.prepare(`UPDATE runs SET last_seen = @now,
          status = CASE status WHEN 'crashed' THEN 'running' ELSE status END,
          end_time = CASE status WHEN 'crashed' THEN NULL ELSE end_time END
        WHERE id = @id`),
      runningRuns: db.prepare<[], RunningRow>(`SELECT id, start_time, owner_pid, owner_host, owner_start, last_seen
        FROM runs WHERE status = 'running'`),
      markCrashed: db.prepare(`UPDATE runs SET status = 'crashed', end_time = max(start_time, coalesce(last_seen, start_time))
        WHERE id = ? AND status = 'running' AND coalesce(last_seen, 0) = coalesce(?, 0)`),
      run: db.prepare<[string], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ?`),
      runsByPrefix: db.prepare<[string], { id: string }>("SELECT id FROM runs WHERE id LIKE ? || '%' ESCAPE '\\' LIMIT 2"),
      finish: db.prepare('UPDATE runs SET status = ?, end_time = ?, exit_code = ? WHERE id = ?'),
      rename: db.prepare('UPDATE runs SET name = ? WHERE id = ?'),
      setStatus: db.prepare('UPDATE runs SET status = ? WHERE id = ?'),
      setEndTime: db.prepare('UPDATE runs SET end_time = ? WHERE id = ?'),
      setUser: db.prepare('UPDATE runs SET user_id = ? WHERE id = ?'),
      setLifecycle: db.prepare('UPDATE runs SET lifecycle_stage = ? WHERE id = ?'),
      setNotes: db.prepare('UPDATE runs SET notes = ? WHERE id = ?'),
      upsertParam: db.prepare(`INSERT INTO params (run_id, key, value, type) VALUES (?, ?, ?, ?)
        ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, type = excluded.type`),
      params: db.prepare<[string], { key: string; value: string; type: string }>('SELECT key, value, type FROM params WHERE run_id = ? ORDER BY key'),
      upsertTag: db.prepare(`INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)
        ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value`),
      deleteTag: db.prepare('DELETE FROM tags WHERE run_id = ? AND key = ?'),
      tags: db.prepare<[string], { key: string; value: string }>('SELECT key, value FROM tags WHERE run_id = ? ORDER BY key'),
      upsertGit: db.prepare(`INSERT OR REPLACE INTO git_info (run_id, commit_sha, branch, remote, dirty, diff, diff_bytes, diff_truncated, note)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      git: db.prepare<[string], { commit_sha: string | null; branch: string | null; remote: string | null; dirty: number | null;
        diff: string | null; diff_bytes: number | null; diff_truncated: number | null; note: string | null }>('SELECT * FROM git_info WHERE run_id = ?'),
      // What a run record shows of git: everything but the diff, which can be megabytes.
      gitSummary: db.prepare<[string], { commit_sha: string | null; branch: string | null; remote: string | null; dirty: number | null;
        diff_bytes: number | null; diff_truncated: number | null; note: string | null }>(
        'SELECT commit_sha, branch, remote, dirty, diff_bytes, diff_truncated, note FROM git_info WHERE run_id = ?'),
      upsertEnv: db.prepare('INSERT OR REPLACE INTO environments (run_id, info) VALUES (?, ?)'),
      env: db.prepare<[string], { info: string }>('SELECT info FROM environments WHERE run_id = ?'),
      upsertDataset: db.prepare('INSERT OR REPLACE INTO datasets (run_id, path, sha256, bytes, rows, note) VALUES (?, ?, ?, ?, ?, ?)'),
      datasets: db.prepare<[string], DatasetRef & { note: string | null }>('SELECT path, sha256, bytes, rows, note FROM datasets WHERE run_id = ? ORDER BY path'),
      upsertArtifact: db.prepare('INSERT OR REPLACE INTO artifacts (run_id, path, sha256, bytes) VALUES (?, ?, ?, ?)'),
      artifacts: db.prepare<[string], ArtifactRef>('SELECT path, sha256, bytes FROM artifacts WHERE run_id = ? ORDER BY path'),
      upsertLog: db.prepare('INSERT OR REPLACE INTO run_logs (run_id, stream, content, total_bytes, truncated) VALUES (?, ?, ?, ?, ?)'),
      log: db.prepare<[string, string], { content: string; total_bytes: number; truncated: number }>(
        'SELECT content, total_bytes, truncated FROM run_logs WHERE run_id = ? AND stream = ?'),
      deleteRun: db.prepare('DELETE FROM runs WHERE id = ?'),
    };
  }

  /** Opens the store named by `storeDir`, or found from `cwd` like git finds `.git`. */
  static open(options: OpenStoreOptions): Store {
    const dir = options.storeDir
      ? path.resolve(options.cwd, options.storeDir)
      : findStoreDir(options.cwd) ?? (options.create ? defaultStoreDir(options.cwd) : undefined);
    if (!dir) {
      throw new MlwbError(`No run store found in ${path.resolve(options.cwd)} or its parents.`,
        'Track a run first (mlwb run -- …), or pass --store DIR.');
    }
    const db = openDatabase(dir, options.create);
    try {
      const store = new Store(db, dir);
      // Opening is one of the moments a dead run is noticed (the endpoint's timer is the other).
      store.sweepCrashedRuns();
      return store;
    } catch (err) {
      db.close();
      throw isCorruption(err) ? damagedStoreError(db.name, err) : err;
    }
  }

  close(): void {
    this.db.close();
  }

  /** Runs `fn` in one write transaction: all of it is stored, or none. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  createRun(run: NewRun): string {
    const id = run.id ?? randomUUID().replace(/-/g, '');
    const startTime = run.startTime ?? Date.now();
    this.transaction(() => {
      this.stmts.insertRun.run({
        id,
        experimentId: this.experimentId(run.experiment),
        name: run.name ?? defaultRunName(id),
        status: run.status ?? 'running',
        source: run.source,
        command: JSON.stringify(run.command ?? []),
        cwd: run.cwd ?? null,
        startTime,
        ownerPid: run.owner?.pid ?? null,
        ownerHost: run.owner?.host ?? null,
        ownerStart: run.owner?.start ?? null,
      });
    });
    return id;
  }

  /** The experiment's id, created on first use. */
  experimentId(name: string): number {
    const found = this.stmts.experimentId.get(name);
    if (found) return found.id;
    return Number(this.stmts.insertExperiment.run(name, Date.now()).lastInsertRowid);
  }

  finishRun(id: string, status: RunStatus, exitCode: number | null = null, endTime = Date.now()): void {
    this.stmts.finish.run(status, endTime, exitCode, id);
  }

  /** Sets run fields that MLflow clients change one at a time (`runs/update`, delete, restore). */
  updateRun(id: string, fields: RunUpdate): void {
    this.transaction(() => {
      if (fields.status !== undefined) this.stmts.setStatus.run(fields.status, id);
      if (fields.endTime !== undefined) this.stmts.setEndTime.run(fields.endTime, id);
      if (fields.userId !== undefined) this.stmts.setUser.run(fields.userId, id);
      if (fields.lifecycleStage !== undefined) this.stmts.setLifecycle.run(fields.lifecycleStage, id);
    });
  }

  /**
   * The run's owner is alive: records when it was last heard from. A run marked crashed that
   * speaks again (a remote host back from a long pause) is running again.
   */
  touchRun(id: string, now = Date.now()): void {
    this.stmts.touch.run({ id, now });
  }

  /**
   * Marks running runs whose owning process is gone as crashed (see liveness.ts), ending them
   * when they were last heard from; returns their ids. A store that cannot be written now (busy
   * past the timeout, read-only) is left for the next sweep: a read must not fail for this.
   */
  sweepCrashedRuns(now = Date.now()): string[] {
    let gone: RunningRow[];
    try {
      gone = this.stmts.runningRuns.all().filter((row) => ownerIsGone(row, now));
      if (gone.length === 0) return [];
      // Only runs not heard from since they were judged: a heartbeat in between wins.
      return this.transaction(() => gone.filter((row) => this.stmts.markCrashed.run(row.id, row.last_seen).changes > 0).map((r) => r.id));
    } catch (err) {
      if (isTransient(err)) return [];
      throw err;
    }
  }

  renameRun(id: string, name: string): void {
    this.stmts.rename.run(name, id);
  }

  setNotes(id: string, notes: string): void {
    this.stmts.setNotes.run(notes, id);
  }

  logParams(id: string, params: Record<string, ParamValue>): void {
    this.transaction(() => {
      for (const [key, value] of Object.entries(params)) {
        this.stmts.upsertParam.run(id, key, String(value), typeof value);
      }
    });
  }

  setTags(id: string, tags: Record<string, string>): void {
    this.transaction(() => {
      for (const [key, value] of Object.entries(tags)) this.stmts.upsertTag.run(id, key, value);
    });
  }

  deleteTag(id: string, key: string): void {
    this.stmts.deleteTag.run(id, key);
  }

  logMetrics(id: string, points: readonly MetricPoint[]): void {
    this.transaction(() => this.metrics.append(id, points));
  }

  readMetric(id: string, key: string, offset?: number, limit?: number): MetricSeries | undefined {
    return this.metrics.read(id, key, offset, limit);
  }

  /** Records git state, or why there is none (`note`: not a repository, git missing…). */
  setGit(id: string, git: GitInfo | null, note: string | null = null): void {
    this.stmts.upsertGit.run(id, git?.commit ?? null, git?.branch ?? null, git?.remote ?? null,
      git ? Number(git.dirty) : null, git?.diff ?? null, git?.diffBytes ?? null, git ? Number(git.diffTruncated) : null, note);
  }

  /** The full git record, diff included (for reproduce). */
  getGit(id: string): { git: GitInfo | null; note: string | null } | undefined {
    const row = this.stmts.git.get(id);
    if (!row) return undefined;
    const git = row.commit_sha
      ? { commit: row.commit_sha, branch: row.branch, remote: row.remote, dirty: row.dirty === 1, diff: row.diff ?? '',
          diffBytes: row.diff_bytes ?? 0, diffTruncated: row.diff_truncated === 1 }
      : null;
    return { git, note: row.note };
  }

  setEnv(id: string, env: EnvInfo): void {
    this.stmts.upsertEnv.run(id, JSON.stringify(env));
  }

  addDataset(id: string, data: DatasetRef): void {
    this.stmts.upsertDataset.run(id, data.path, data.sha256, data.bytes, data.rows, data.note ?? null);
  }

  addArtifact(id: string, artifact: ArtifactRef): void {
    this.stmts.upsertArtifact.run(id, artifact.path, artifact.sha256, artifact.bytes);
  }

  /** A stream's whole (bounded) log; replaces what `appendLog` stored while the run ran. */
  setLog(id: string, log: RunLog): void {
    this.transaction(() => {
      this.stmts.upsertLog.run(id, log.stream, log.content, log.totalBytes, Number(log.truncated));
      this.logChunks.clear(id, log.stream);
    });
  }

  /** Output of a running run as it comes; `drop` = [from, to) deletes chunks that fell out of the kept tail. */
  appendLog(id: string, stream: RunLog['stream'], chunks: readonly LogChunk[], drop?: [number, number]): void {
    this.transaction(() => this.logChunks.append(id, stream, chunks, drop));
  }

  getLog(id: string, stream: 'stdout' | 'stderr'): RunLog | undefined {
    const row = this.stmts.log.get(id, stream);
    if (!row) return this.logChunks.read(id, stream);
    return { stream, content: row.content, totalBytes: row.total_bytes, truncated: row.truncated === 1 };
  }

  /** A full run id from a unique prefix; a clear error for none or several. */
  resolveRunId(prefix: string): string {
    if (!/^[0-9a-f]+$/i.test(prefix)) throw new MlwbError(`"${prefix}" is not a run id (ids are hexadecimal).`);
    const found = this.stmts.runsByPrefix.all(prefix.toLowerCase());
    if (found.length === 0) throw new MlwbError(`No run with id ${prefix}.`, 'See `mlwb runs ls` for the ids.');
    if (found.length > 1) throw new MlwbError(`Run id prefix ${prefix} is ambiguous.`, 'Give more characters of the id.');
    return found[0].id;
  }

  hasRun(id: string): boolean {
    return this.stmts.run.get(id) !== undefined;
  }

  getRun(id: string): RunRecord | undefined {
    const row = this.stmts.run.get(id);
    return row && this.toRecord(row);
  }

  /** Runs, newest first; not those deleted through MLflow. */
  listRuns(filter: RunFilter = {}): RunRecord[] {
    // Runs deleted through MLflow (soft delete, restorable there) are not listed.
    const where: string[] = ["r.lifecycle_stage = 'active'"];
    const args: string[] = [];
    if (filter.experiment !== undefined) {
      where.push('e.name = ?');
      args.push(filter.experiment);
    }
    if (filter.status !== undefined) {
      where.push('r.status = ?');
      args.push(filter.status);
    }
    const sql = `SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id
      WHERE ${where.join(' AND ')} ORDER BY r.start_time DESC, r.rowid DESC`;
    return this.db.prepare<string[], RunRow>(sql).all(...args).map((row) => this.toRecord(row));
  }

  deleteRuns(ids: readonly string[]): void {
    this.transaction(() => {
      for (const id of ids) this.stmts.deleteRun.run(id);
    });
  }

  /**
   * Records that a client batch was stored; false when it already was (a retry or a spool
   * replay). Call it inside the transaction that writes the batch, so both happen or neither.
   */
  markBatchIngested(runId: string, batchId: string): boolean {
    return this.db.prepare('INSERT OR IGNORE INTO ingested_batches (run_id, batch_id) VALUES (?, ?)').run(runId, batchId).changes > 0;
  }

  private toRecord(row: RunRow): RunRecord {
    // fromEntries defines own properties: a key named `__proto__` is kept like any other.
    const params = Object.fromEntries(this.stmts.params.all(row.id).map((p) => [p.key, decodeParam(p.value, p.type)]));
    const tags = Object.fromEntries(this.stmts.tags.all(row.id).map((t) => [t.key, t.value]));
    const gitRow = this.stmts.gitSummary.get(row.id);
    const env = this.stmts.env.get(row.id);
    return {
      id: row.id,
      name: row.name,
      experiment: row.experiment,
      status: row.status,
      source: row.source,
      exitCode: row.exit_code,
      startTime: new Date(row.start_time).toISOString(),
      endTime: row.end_time === null ? null : new Date(row.end_time).toISOString(),
      command: JSON.parse(row.command) as string[],
      cwd: row.cwd,
      notes: row.notes,
      params,
      metrics: this.metrics.summariesOf(row.id),
      tags,
      git: gitRow?.commit_sha
        ? { commit: gitRow.commit_sha, branch: gitRow.branch, dirty: gitRow.dirty === 1, remote: gitRow.remote,
            diffBytes: gitRow.diff_bytes ?? 0, diffTruncated: gitRow.diff_truncated === 1 }
        : null,
      gitNote: gitRow?.note ?? null,
      env: env ? (JSON.parse(env.info) as EnvInfo) : null,
      data: this.stmts.datasets.all(row.id).map(({ note, ...d }) => (note === null ? d : { ...d, note })),
      artifacts: this.stmts.artifacts.all(row.id),
    };
  }
}

function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_READONLY'));
}

function decodeParam(value: string, type: string): ParamValue {
  if (type === 'number') return Number(value);
  if (type === 'boolean') return value === 'true';
  return value;
}

function defaultRunName(id: string): string {
  return `run-${id.slice(0, 8)}`;
}

import type Database from 'better-sqlite3';

/**
 * Numbered schema migrations. The store's schema version is SQLite's `user_version`;
 * migration N brings a store from version N-1 to N. Never edit a released migration:
 * add the next one. A migration is SQL, or a function for what SQL alone cannot say; each runs
 * inside the one transaction that migrates the store.
 */
export type Migration = string | ((db: Database.Database) => void);

export const MIGRATIONS: readonly Migration[] = [
  `
  CREATE TABLE experiments (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE runs (
    id            TEXT PRIMARY KEY,
    experiment_id INTEGER NOT NULL REFERENCES experiments(id),
    name          TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'killed')),
    source        TEXT NOT NULL,
    command       TEXT NOT NULL DEFAULT '[]',
    cwd           TEXT,
    start_time    INTEGER NOT NULL,
    end_time      INTEGER,
    exit_code     INTEGER,
    notes         TEXT
  );
  CREATE INDEX runs_by_experiment ON runs(experiment_id, start_time);
  CREATE INDEX runs_by_start ON runs(start_time);

  CREATE TABLE params (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key    TEXT NOT NULL,
    value  TEXT NOT NULL,
    type   TEXT NOT NULL CHECK (type IN ('string', 'number', 'boolean')),
    PRIMARY KEY (run_id, key)
  ) WITHOUT ROWID;

  CREATE TABLE tags (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key    TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
  ) WITHOUT ROWID;

  -- One row per series: its summary, and where its last (possibly partial) chunk is.
  CREATE TABLE metrics (
    run_id     TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    count      INTEGER NOT NULL,
    last       REAL,
    last_step  REAL NOT NULL,
    min        REAL,
    max        REAL,
    tail_seq   INTEGER NOT NULL,
    tail_count INTEGER NOT NULL,
    PRIMARY KEY (run_id, key)
  ) WITHOUT ROWID;

  -- Points packed column-wise into binary chunks (see metricChunks.ts).
  CREATE TABLE metric_chunks (
    run_id TEXT NOT NULL,
    key    TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    count  INTEGER NOT NULL,
    data   BLOB NOT NULL,
    UNIQUE (run_id, key, seq),
    FOREIGN KEY (run_id, key) REFERENCES metrics(run_id, key) ON DELETE CASCADE
  );

  CREATE TABLE git_info (
    run_id         TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    commit_sha     TEXT,
    branch         TEXT,
    remote         TEXT,
    dirty          INTEGER,
    diff           TEXT,
    diff_bytes     INTEGER,
    diff_truncated INTEGER,
    note           TEXT
  );

  CREATE TABLE environments (
    run_id TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    info   TEXT NOT NULL
  );

  CREATE TABLE datasets (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    path   TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes  INTEGER NOT NULL,
    rows   INTEGER,
    PRIMARY KEY (run_id, path)
  ) WITHOUT ROWID;

  CREATE TABLE artifacts (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    path   TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes  INTEGER NOT NULL,
    PRIMARY KEY (run_id, path)
  ) WITHOUT ROWID;

  CREATE TABLE run_logs (
    run_id      TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    stream      TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr')),
    content     TEXT NOT NULL,
    total_bytes INTEGER NOT NULL,
    truncated   INTEGER NOT NULL,
    PRIMARY KEY (run_id, stream)
  ) WITHOUT ROWID;
  `,
  // 2: the local endpoint — idempotent replay (batch ids), soft delete and the MLflow fields
  // (experiment artifact location, lifecycle and tags; run user) that MLflow clients read back.
  `
  CREATE TABLE ingested_batches (
    run_id   TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    batch_id TEXT NOT NULL,
    PRIMARY KEY (run_id, batch_id)
  ) WITHOUT ROWID;

  ALTER TABLE runs ADD COLUMN user_id TEXT;
  ALTER TABLE runs ADD COLUMN lifecycle_stage TEXT NOT NULL DEFAULT 'active'
    CHECK (lifecycle_stage IN ('active', 'deleted'));

  ALTER TABLE experiments ADD COLUMN artifact_location TEXT;
  ALTER TABLE experiments ADD COLUMN lifecycle_stage TEXT NOT NULL DEFAULT 'active'
    CHECK (lifecycle_stage IN ('active', 'deleted'));
  ALTER TABLE experiments ADD COLUMN last_update_time INTEGER;

  CREATE TABLE experiment_tags (
    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    key           TEXT NOT NULL,
    value         TEXT NOT NULL,
    PRIMARY KEY (experiment_id, key)
  ) WITHOUT ROWID;
  `,
  // 3: crashed runs. A run whose process died without ending it was "running" forever; now it
  // records who owns it (pid, host, process start) and when it was last heard from, and a
  // sweep marks it `crashed` (liveness.ts).
  (db) => {
    allowRunStatus(db, 'crashed');
    db.exec(`
      ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
      ALTER TABLE runs ADD COLUMN owner_host TEXT;
      ALTER TABLE runs ADD COLUMN owner_start TEXT;
      ALTER TABLE runs ADD COLUMN last_seen INTEGER;
      CREATE INDEX runs_by_status ON runs(status);
    `);
  },
  // 4: logs appended as they come, so a killed `mlwb run` keeps its output up to the last burst
  // (a run's finished log is still one run_logs row); a note on a data record that could not be
  // fingerprinted whole (hashing stopped), instead of dropping the record.
  `
  CREATE TABLE run_log_chunks (
    run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    stream  TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr')),
    offset  INTEGER NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (run_id, stream, offset)
  ) WITHOUT ROWID;

  ALTER TABLE datasets ADD COLUMN note TEXT;
  `,
  // 5: drift reports (mlwb drift, "Compare Data with Reference…"): the two files' fingerprints, the
  // verdict for listing, and the whole report (aggregated data only) as JSON.
  `
  CREATE TABLE drift_reports (
    id                TEXT PRIMARY KEY,
    created_at        INTEGER NOT NULL,
    reference_path    TEXT NOT NULL,
    reference_sha256  TEXT NOT NULL,
    reference_bytes   INTEGER NOT NULL,
    current_path      TEXT NOT NULL,
    current_sha256    TEXT NOT NULL,
    current_bytes     INTEGER NOT NULL,
    drifted           INTEGER NOT NULL,
    drifted_columns   INTEGER NOT NULL,
    columns           INTEGER NOT NULL,
    report            TEXT NOT NULL
  );
  CREATE INDEX drift_reports_created ON drift_reports (created_at);
  `,
  // 6: the x-extent of each metric chunk, so a zoomed chart reads only the chunks in its range.
  // A table of its own: columns after a chunk's BLOB would be reached only through its overflow
  // pages. Chunks written before this migration have no row here and are always read.
  `
  CREATE TABLE metric_chunk_bounds (
    run_id   TEXT NOT NULL,
    key      TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    step_min REAL NOT NULL,
    step_max REAL NOT NULL,
    time_min REAL NOT NULL,
    time_max REAL NOT NULL,
    PRIMARY KEY (run_id, key, seq),
    FOREIGN KEY (run_id, key) REFERENCES metrics(run_id, key) ON DELETE CASCADE
  ) WITHOUT ROWID;
  `,
  // 7: regression test results (src/core/regress/resultStore.ts): one row per test per run of it,
  // its history. Keyed by the config file (relative to the store's folder) and the test's name;
  // no foreign key to runs, so deleting a run keeps the history that read it.
  `
  CREATE TABLE test_results (
    id              INTEGER PRIMARY KEY,
    config_file     TEXT NOT NULL,
    test_name       TEXT NOT NULL,
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('passed', 'failed', 'errored')),
    message         TEXT NOT NULL,
    expected        TEXT NOT NULL,
    actual          TEXT NOT NULL,
    checks          TEXT NOT NULL,
    run_id          TEXT,
    baseline_run_id TEXT,
    started_at      INTEGER NOT NULL,
    duration_ms     REAL NOT NULL
  );
  CREATE INDEX test_results_by_test ON test_results(config_file, test_name, started_at);
  `,
];

/**
 * Widens the CHECK on runs.status by editing the table's definition in place, as SQLite's
 * ALTER TABLE page describes for constraints every existing row already satisfies. The usual
 * rebuild (new table, copy, drop, rename) cannot run here: dropping `runs` inside the migration
 * transaction, with foreign keys on, would cascade-delete every run's params and metrics; and
 * a rebuild would have to know every column other migrations added.
 */
function allowRunStatus(db: Database.Database, status: string): void {
  const sql = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'runs'").pluck().get() as string;
  const widened = sql.replace(/(status\s+TEXT NOT NULL CHECK \(status IN \([^)]*)\)/, `$1, '${status}')`);
  if (widened === sql) throw new Error('runs.status has an unexpected definition; cannot add a status');
  const version = db.pragma('schema_version', { simple: true }) as number;
  // better-sqlite3 keeps the schema table read-only (SQLite's defensive mode) except in unsafe mode.
  db.unsafeMode(true);
  try {
    db.pragma('writable_schema = ON');
    db.prepare("UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'runs'").run(widened);
    // A new schema version makes every connection re-read the definition.
    db.pragma(`schema_version = ${version + 1}`);
  } finally {
    db.pragma('writable_schema = OFF');
    db.unsafeMode(false);
  }
}

export const SCHEMA_VERSION = MIGRATIONS.length;

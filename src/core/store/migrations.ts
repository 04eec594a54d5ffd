/**
 * Numbered schema migrations. The store's schema version is SQLite's `user_version`;
 * migration N brings a store from version N-1 to N. Never edit a released migration:
 * add the next one.
 */
export const MIGRATIONS: readonly string[] = [
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
  // Regression test results (src/core/regress/resultStore.ts): one row per test per run of it,
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

export const SCHEMA_VERSION = MIGRATIONS.length;

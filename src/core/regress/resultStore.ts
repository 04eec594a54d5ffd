// Test results and their history, per test, in the run store (table test_results).
import * as path from 'node:path';
import type { Store } from '../store/store';
import type { Check, TestResult, TestStatus } from './types';

export interface HistoryEntry {
  status: TestStatus;
  message: string;
  expected: string;
  actual: string;
  checks: Check[];
  runId: string | null;
  baselineRunId: string | null;
  startedAt: number;
  durationMs: number;
}

interface Row {
  status: TestStatus;
  message: string;
  expected: string;
  actual: string;
  checks: string;
  run_id: string | null;
  baseline_run_id: string | null;
  started_at: number;
  duration_ms: number;
}

export class TestResultStore {
  constructor(private readonly store: Store) {}

  /** Config files are keyed relative to the folder holding `.mlwb/`, so a clone elsewhere shares keys. */
  private key(file: string): string {
    return path.relative(path.dirname(this.store.dir), file).split(path.sep).join('/');
  }

  record(results: readonly TestResult[]): void {
    const insert = this.store.db.prepare(`INSERT INTO test_results
      (config_file, test_name, kind, status, message, expected, actual, checks, run_id, baseline_run_id, started_at, duration_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.store.transaction(() => {
      for (const r of results) {
        insert.run(this.key(r.file), r.name, r.kind, r.status, r.message, r.expected, r.actual, JSON.stringify(r.checks),
          r.runId ?? null, r.baselineRunId ?? null, r.startedAt, r.durationMs);
      }
    });
  }

  /** The test's results, newest first. */
  history(file: string, name: string, limit = 50): HistoryEntry[] {
    return this.store.db.prepare<[string, string, number], Row>(`SELECT status, message, expected, actual, checks, run_id, baseline_run_id,
        started_at, duration_ms FROM test_results WHERE config_file = ? AND test_name = ? ORDER BY started_at DESC, id DESC LIMIT ?`)
      .all(this.key(file), name, limit)
      .map((r) => ({
        status: r.status, message: r.message, expected: r.expected, actual: r.actual, checks: JSON.parse(r.checks) as Check[],
        runId: r.run_id, baselineRunId: r.baseline_run_id, startedAt: r.started_at, durationMs: r.duration_ms,
      }));
  }
}

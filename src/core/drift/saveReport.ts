// Drift reports in the workspace store, next to the runs: each with both files' fingerprints (the
// same sha256 + size a run records for its data), so a report names exactly what it compared.
import { randomUUID } from 'node:crypto';
import { fingerprintData } from '../capture/dataFingerprint';
import type { Store } from '../store/store';
import type { DriftReport } from './types';

export interface StoredDriftSummary {
  id: string;
  createdAt: string;
  referencePath: string;
  currentPath: string;
  drifted: boolean;
  driftedColumns: number;
  columns: number;
}

interface SummaryRow {
  id: string;
  created_at: number;
  reference_path: string;
  current_path: string;
  drifted: number;
  drifted_columns: number;
  columns: number;
}

/** Fills in both files' sha256 and size (streamed: run it off the extension host's thread for big files). */
export async function fingerprintReport(report: DriftReport, files: { reference: string; current: string }, cwd: string): Promise<void> {
  const [ref, cur] = await Promise.all([fingerprintData(files.reference, cwd), fingerprintData(files.current, cwd)]);
  Object.assign(report.reference, { sha256: ref.sha256, bytes: ref.bytes });
  Object.assign(report.current, { sha256: cur.sha256, bytes: cur.bytes });
}

/** Fingerprints both files, stores the report and returns its id. */
export async function saveDriftReport(store: Store, report: DriftReport, files: { reference: string; current: string }, cwd: string): Promise<string> {
  await fingerprintReport(report, files, cwd);
  return insertDriftReport(store, report);
}

/** Stores a fingerprinted report; returns its id. */
export function insertDriftReport(store: Store, report: DriftReport): string {
  const ref = { sha256: report.reference.sha256 ?? '', bytes: report.reference.bytes ?? 0 };
  const cur = { sha256: report.current.sha256 ?? '', bytes: report.current.bytes ?? 0 };
  const id = randomUUID().replace(/-/g, '');
  store.transaction(() => {
    store.db.prepare(`INSERT INTO drift_reports (id, created_at, reference_path, reference_sha256, reference_bytes,
      current_path, current_sha256, current_bytes, drifted, drifted_columns, columns, report)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      id, Date.parse(report.createdAt), report.reference.path, ref.sha256, ref.bytes, report.current.path, cur.sha256, cur.bytes,
      report.dataset.drifted ? 1 : 0, report.dataset.driftedColumns, report.dataset.columns, JSON.stringify(report, nonFinite),
    );
  });
  return id;
}

/** NaN and ±Infinity survive JSON as strings, as everywhere else in the store. */
function nonFinite(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}

function revive(_key: string, v: unknown): unknown {
  return v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v;
}

export function listDriftReports(store: Store): StoredDriftSummary[] {
  return store.db.prepare<[], SummaryRow>(`SELECT id, created_at, reference_path, current_path, drifted, drifted_columns, columns
    FROM drift_reports ORDER BY created_at DESC, id`).all().map((r) => ({
    id: r.id,
    createdAt: new Date(r.created_at).toISOString(),
    referencePath: r.reference_path,
    currentPath: r.current_path,
    drifted: r.drifted === 1,
    driftedColumns: r.drifted_columns,
    columns: r.columns,
  }));
}

export function loadDriftReport(store: Store, id: string): DriftReport | undefined {
  const row = store.db.prepare<[string], { report: string }>('SELECT report FROM drift_reports WHERE id = ?').get(id);
  return row ? (JSON.parse(row.report, revive) as DriftReport) : undefined;
}

export function deleteDriftReport(store: Store, id: string): boolean {
  return store.transaction(() => store.db.prepare('DELETE FROM drift_reports WHERE id = ?').run(id).changes > 0);
}

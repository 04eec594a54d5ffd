import type Database from 'better-sqlite3';
import { MlwbError } from '../errors';
import { CHUNK_POINTS, packChunk, unpackChunk, unpackChunkInto } from './metricChunks';
import type { MetricPoint, MetricSeries, MetricSummary } from './types';

interface MetricRow {
  count: number;
  last: number | null;
  last_step: number;
  min: number | null;
  max: number | null;
  tail_seq: number;
  tail_count: number;
}

interface Columns {
  steps: number[];
  timestamps: number[];
  values: number[];
}

/**
 * Reads and appends metric series. Every chunk but a series' last holds exactly CHUNK_POINTS
 * points, so point i of a series is in chunk floor(i / CHUNK_POINTS): paging needs no scan.
 * Callers wrap appends in a transaction.
 */
export class MetricStore {
  private readonly getRow: Database.Statement<[string, string], MetricRow>;
  private readonly upsertRow: Database.Statement;
  private readonly getChunk: Database.Statement<[string, string, number], { data: Buffer }>;
  private readonly putChunk: Database.Statement;
  private readonly chunksFrom: Database.Statement<[string, string, number, number], { count: number; data: Buffer }>;
  private readonly summaries: Database.Statement<[string], MetricRow & { key: string }>;

  constructor(db: Database.Database) {
    this.getRow = db.prepare('SELECT count, last, last_step, min, max, tail_seq, tail_count FROM metrics WHERE run_id = ? AND key = ?');
    this.upsertRow = db.prepare(`
      INSERT INTO metrics (run_id, key, count, last, last_step, min, max, tail_seq, tail_count)
      VALUES (@runId, @key, @count, @last, @lastStep, @min, @max, @tailSeq, @tailCount)
      ON CONFLICT (run_id, key) DO UPDATE SET count = excluded.count, last = excluded.last,
        last_step = excluded.last_step, min = excluded.min, max = excluded.max,
        tail_seq = excluded.tail_seq, tail_count = excluded.tail_count`);
    this.getChunk = db.prepare('SELECT data FROM metric_chunks WHERE run_id = ? AND key = ? AND seq = ?');
    this.putChunk = db.prepare(`
      INSERT INTO metric_chunks (run_id, key, seq, count, data) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (run_id, key, seq) DO UPDATE SET count = excluded.count, data = excluded.data`);
    this.chunksFrom = db.prepare(
      'SELECT count, data FROM metric_chunks WHERE run_id = ? AND key = ? AND seq >= ? AND seq <= ? ORDER BY seq',
    );
    this.summaries = db.prepare(
      'SELECT key, count, last, last_step, min, max, tail_seq, tail_count FROM metrics WHERE run_id = ? ORDER BY key',
    );
  }

  append(runId: string, points: readonly MetricPoint[]): void {
    const byKey = new Map<string, Columns>();
    for (const p of points) {
      validatePoint(p);
      let cols = byKey.get(p.key);
      if (!cols) byKey.set(p.key, (cols = { steps: [], timestamps: [], values: [] }));
      cols.steps.push(p.step);
      cols.timestamps.push(p.timestamp);
      cols.values.push(p.value);
    }
    for (const [key, cols] of byKey) this.appendSeries(runId, key, cols);
  }

  /** Appends points of one key given as columns (the fast path for large series). */
  appendSeries(runId: string, key: string, cols: { steps: ArrayLike<number>; timestamps: ArrayLike<number>; values: ArrayLike<number> }): void {
    const n = cols.values.length;
    if (n === 0) return;
    const row = this.getRow.get(runId, key);
    const summary = summarise(key, row, cols);

    // Extend a partial tail chunk rather than leaving short chunks behind.
    let merged: { steps: ArrayLike<number>; timestamps: ArrayLike<number>; values: ArrayLike<number> } = cols;
    let firstSeq = row ? row.tail_seq + 1 : 0;
    if (row && row.tail_count < CHUNK_POINTS) {
      const tail = this.getChunk.get(runId, key, row.tail_seq);
      if (!tail) throw new Error(`metric ${key} of run ${runId} lost its tail chunk`);
      merged = concatColumns(unpackChunk(tail.data, row.tail_count), cols);
      firstSeq = row.tail_seq;
    }
    const total = merged.values.length;
    const lastSeq = firstSeq + Math.ceil(total / CHUNK_POINTS) - 1;
    this.upsertRow.run({
      runId,
      key,
      ...summary,
      tailSeq: lastSeq,
      tailCount: total - (lastSeq - firstSeq) * CHUNK_POINTS,
    });
    for (let i = 0, seq = firstSeq; i < total; i += CHUNK_POINTS, seq++) {
      const end = Math.min(total, i + CHUNK_POINTS);
      this.putChunk.run(runId, key, seq, end - i, packChunk(merged, i, end));
    }
  }

  summariesOf(runId: string): Record<string, MetricSummary> {
    // fromEntries defines own properties: a metric named `__proto__` is a key like any other.
    return Object.fromEntries(this.summaries.all(runId).map((r) => [r.key, toSummary(r)]));
  }

  /** Points [offset, offset + limit) of a series, in the order they were logged. */
  read(runId: string, key: string, offset = 0, limit = Number.MAX_SAFE_INTEGER): MetricSeries | undefined {
    const row = this.getRow.get(runId, key);
    if (!row) return undefined;
    const start = Math.min(Math.max(0, offset), row.count);
    const end = Math.min(row.count, start + Math.max(0, limit));
    const n = end - start;
    const out = { steps: new Float64Array(n), timestamps: new Float64Array(n), values: new Float64Array(n) };
    if (n === 0) return out;
    const firstSeq = Math.floor(start / CHUNK_POINTS);
    const lastSeq = Math.floor((end - 1) / CHUNK_POINTS);
    let chunkStart = firstSeq * CHUNK_POINTS;
    let written = 0;
    for (const chunk of this.chunksFrom.all(runId, key, firstSeq, lastSeq)) {
      if (chunkStart >= start && chunkStart + chunk.count <= end) {
        unpackChunkInto(chunk.data, chunk.count, out, written);
        written += chunk.count;
      } else {
        // A chunk cut by the page's edges: decode it and copy the part inside.
        const cols = unpackChunk(chunk.data, chunk.count);
        const from = Math.max(start, chunkStart) - chunkStart;
        const to = Math.min(end, chunkStart + chunk.count) - chunkStart;
        out.steps.set(cols.steps.subarray(from, to), written);
        out.timestamps.set(cols.timestamps.subarray(from, to), written);
        out.values.set(cols.values.subarray(from, to), written);
        written += to - from;
      }
      chunkStart += chunk.count;
    }
    if (written !== n) throw new Error(`metric ${key} of run ${runId} is missing chunks (${written} of ${n} points)`);
    return out;
  }
}

function validatePoint(p: MetricPoint): void {
  if (typeof p.key !== 'string' || p.key.length === 0 || p.key.length > 250) {
    throw new MlwbError(`Invalid metric key ${JSON.stringify(p.key)}: expected a non-empty string of at most 250 characters.`);
  }
  if (typeof p.value !== 'number') throw new MlwbError(`Metric ${p.key}: value must be a number.`);
  if (typeof p.step !== 'number' || !Number.isFinite(p.step)) throw new MlwbError(`Metric ${p.key}: step must be a finite number.`);
  if (typeof p.timestamp !== 'number' || !Number.isFinite(p.timestamp)) {
    throw new MlwbError(`Metric ${p.key}: timestamp must be a finite number of milliseconds.`);
  }
}

/** Whether a step can be stored exactly (see checkStep); output parsers drop the points that cannot. */
export function storableStep(step: number): boolean {
  return step <= Number.MAX_SAFE_INTEGER && step >= -Number.MAX_SAFE_INTEGER;
}

/**
 * Steps are stored as float64, exact only up to 2^53: beyond it neighbouring steps (2^63 and
 * 2^63−1) would silently become one. Refused instead, so no point lands on a step it was not
 * logged at. Every write path (native, MLflow, `mlwb run`, replay) comes through here.
 */
function checkStep(key: string, step: number): void {
  if (!storableStep(step)) {
    throw new MlwbError(`Metric ${JSON.stringify(key)}: step ${step} is beyond ±2^53 (${Number.MAX_SAFE_INTEGER}), where steps cannot be stored exactly.`
      + ' Use steps within that range.');
  }
}

function summarise(key: string, row: MetricRow | undefined, cols: { steps: ArrayLike<number>; values: ArrayLike<number> }) {
  let count = row?.count ?? 0;
  let last = row ? (row.last ?? NaN) : NaN;
  let lastStep = row?.last_step ?? -Infinity;
  // null until a value other than NaN is seen: a series of only +Infinity has min +Infinity.
  let min = row?.min ?? null;
  let max = row?.max ?? null;
  for (let i = 0; i < cols.values.length; i++) {
    const v = cols.values[i];
    const step = cols.steps[i];
    checkStep(key, step);
    // The latest value is the one at the highest step; among equal steps, the last logged.
    if (step >= lastStep) {
      lastStep = step;
      last = v;
    }
    if (Number.isNaN(v)) continue;
    if (min === null || v < min) min = v;
    if (max === null || v > max) max = v;
  }
  count += cols.values.length;
  // SQLite stores NaN as NULL; ±Infinity as REAL.
  return { count, last: Number.isNaN(last) ? null : last, lastStep, min, max };
}

function toSummary(r: MetricRow): MetricSummary {
  return { last: r.last ?? NaN, min: r.min, max: r.max, count: r.count, lastStep: r.last_step };
}

function concatColumns(
  a: { steps: Float64Array; timestamps: Float64Array; values: Float64Array },
  b: { steps: ArrayLike<number>; timestamps: ArrayLike<number>; values: ArrayLike<number> },
) {
  const join = (x: Float64Array, y: ArrayLike<number>) => {
    const out = new Float64Array(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return { steps: join(a.steps, b.steps), timestamps: join(a.timestamps, b.timestamps), values: join(a.values, b.values) };
}

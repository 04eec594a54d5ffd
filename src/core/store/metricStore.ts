import type Database from 'better-sqlite3';
import { MlwbError } from '../errors';
import { CHUNK_POINTS, copyColumn, packChunk, unpackChunk, unpackChunkInto } from './metricChunks';
import type { MetricPoint, MetricSeries, MetricSummary } from './types';

/** Which column a range query selects on: the step, or the timestamp (milliseconds). */
export type SeriesAxis = 'step' | 'time';

/** The points of a series whose x lies in a closed range, and how many chunks were decoded for them. */
export interface RangeRead {
  series: MetricSeries;
  chunksRead: number;
}

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
  private readonly putBounds: Database.Statement;
  private readonly chunksInRange: Record<SeriesAxis, Database.Statement<[string, string, number, number], { count: number; data: Buffer }>>;

  constructor(private readonly db: Database.Database) {
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
    this.putBounds = db.prepare(`
      INSERT INTO metric_chunk_bounds (run_id, key, seq, step_min, step_max, time_min, time_max) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (run_id, key, seq) DO UPDATE SET step_min = excluded.step_min, step_max = excluded.step_max,
        time_min = excluded.time_min, time_max = excluded.time_max`);
    // A chunk's blob is read only when its bounds overlap the range (or it has none: written
    // before bounds were kept). The bounds are checked before the blob column is touched.
    const inRange = (lo: string, hi: string) => db.prepare<[string, string, number, number], { count: number; data: Buffer }>(`
      SELECT c.count, c.data FROM metric_chunks c
      LEFT JOIN metric_chunk_bounds b ON b.run_id = c.run_id AND b.key = c.key AND b.seq = c.seq
      WHERE c.run_id = ? AND c.key = ? AND (b.seq IS NULL OR (b.${hi} >= ? AND b.${lo} <= ?))
      ORDER BY c.seq`);
    this.chunksInRange = { step: inRange('step_min', 'step_max'), time: inRange('time_min', 'time_max') };
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
      const bounds = chunkBounds(merged, i, end);
      if (bounds) this.putBounds.run(runId, key, seq, ...bounds);
    }
  }

  summariesOf(runId: string): Record<string, MetricSummary> {
    // fromEntries defines own properties: a metric named `__proto__` is a key like any other.
    return Object.fromEntries(this.summaries.all(runId).map((r) => [r.key, toSummary(r)]));
  }

  /** Points [offset, offset + limit) of a series, in the order they were logged. */
  read(runId: string, key: string, offset = 0, limit = Number.MAX_SAFE_INTEGER): MetricSeries | undefined {
    // One read transaction, as in readXY: a concurrent append cannot slip between count and chunks.
    return this.db.transaction(() => this.readNow(runId, key, offset, limit))();
  }

  private readNow(runId: string, key: string, offset: number, limit: number): MetricSeries | undefined {
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

  /** A whole series as x (steps or timestamps) and values only: what a chart reads, a third less to copy. */
  readXY(runId: string, key: string, axis: SeriesAxis): { x: Float64Array; y: Float64Array } | undefined {
    // One read transaction: another process appending to a live series must not commit between
    // the row count and the chunks read for it.
    return this.db.transaction(() => this.readXYNow(runId, key, axis))();
  }

  private readXYNow(runId: string, key: string, axis: SeriesAxis): { x: Float64Array; y: Float64Array } | undefined {
    const row = this.getRow.get(runId, key);
    if (!row) return undefined;
    const x = new Float64Array(row.count);
    const y = new Float64Array(row.count);
    const column = axis === 'step' ? 0 : 1;
    let written = 0;
    for (const chunk of this.chunksFrom.all(runId, key, 0, row.tail_seq)) {
      copyColumn(chunk.data, chunk.count, column, x, written);
      copyColumn(chunk.data, chunk.count, 2, y, written);
      written += chunk.count;
    }
    if (written !== row.count) throw new Error(`metric ${key} of run ${runId} is missing chunks (${written} of ${row.count} points)`);
    return { x, y };
  }

  /**
   * The points whose step (or timestamp) lies in [lo, hi], in logged order, decoding only the
   * chunks whose extent overlaps the range: a zoomed chart costs the points it shows.
   */
  readRange(runId: string, key: string, axis: SeriesAxis, lo: number, hi: number): RangeRead | undefined {
    const chunks = this.db.transaction(() => (this.getRow.get(runId, key) ? this.chunksInRange[axis].all(runId, key, lo, hi) : undefined))();
    if (!chunks) return undefined;
    const capacity = chunks.reduce((n, c) => n + c.count, 0);
    const all = { steps: new Float64Array(capacity), timestamps: new Float64Array(capacity), values: new Float64Array(capacity) };
    let offset = 0;
    for (const c of chunks) {
      unpackChunkInto(c.data, c.count, all, offset);
      offset += c.count;
    }
    const x = axis === 'step' ? all.steps : all.timestamps;
    let kept = 0;
    for (let i = 0; i < capacity; i++) {
      if (x[i] >= lo && x[i] <= hi) {
        all.steps[kept] = all.steps[i];
        all.timestamps[kept] = all.timestamps[i];
        all.values[kept] = all.values[i];
        kept++;
      }
    }
    const series = { steps: all.steps.subarray(0, kept), timestamps: all.timestamps.subarray(0, kept), values: all.values.subarray(0, kept) };
    return { series, chunksRead: chunks.length };
  }
}

/** [step_min, step_max, time_min, time_max] of points [from, to); undefined when a column has no finite value. */
function chunkBounds(cols: { steps: ArrayLike<number>; timestamps: ArrayLike<number> }, from: number, to: number): number[] | undefined {
  let sMin = Infinity, sMax = -Infinity, tMin = Infinity, tMax = -Infinity;
  for (let i = from; i < to; i++) {
    const s = cols.steps[i];
    const t = cols.timestamps[i];
    if (s < sMin) sMin = s;
    if (s > sMax) sMax = s;
    if (t < tMin) tMin = t;
    if (t > tMax) tMax = t;
  }
  return sMin <= sMax && tMin <= tMax ? [sMin, sMax, tMin, tMax] : undefined;
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

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displaySeries, encodeSeries, fromWireValue } from '../../../src/core/compare/displaySeries';
import { CHUNK_POINTS } from '../../../src/core/store/metricChunks';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';

const N = 10 * CHUNK_POINTS + 300;
const T0 = 1_700_000_000_000;

/** A series logged in several appends (so chunks are extended), with gaps in its steps and a few non-finite values. */
function seed(store: Store): string {
  const id = store.createRun({ experiment: 'e', source: 'cli' });
  let step = 0;
  for (let start = 0; start < N; start += 777) {
    const points = [];
    for (let i = start; i < Math.min(N, start + 777); i++) {
      step += 1 + (i % 5 === 0 ? 3 : 0);
      const value = i % 997 === 0 ? NaN : i % 1499 === 0 ? Infinity : Math.sin(i / 50) + i / N;
      points.push({ key: 'loss', step, timestamp: T0 + i * 10, value });
    }
    store.logMetrics(id, points);
  }
  return id;
}

describe('metric range queries', () => {
  const store = Store.open({ cwd: tempDir(), create: true });
  const id = seed(store);
  const full = store.readMetric(id, 'loss')!;

  it('return exactly the points in a step or time range, reading only the chunks that cover it', () => {
    const cases = [[0, 0], [1, 5], [full.steps[1500], full.steps[2600]], [full.steps[5000] + 0.5, full.steps[5001] - 0.5],
      [full.steps[N - 10], Infinity], [-Infinity, Infinity], [full.steps[8000], full.steps[3000]]];
    for (const axis of ['step', 'time'] as const) {
      const x = axis === 'step' ? full.steps : full.timestamps;
      const timeCases = cases.map(([lo, hi]) => (axis === 'time' ? [timeAt(lo), timeAt(hi)] : [lo, hi]));
      for (const [lo, hi] of timeCases) {
        const got = store.metrics.readRange(id, 'loss', axis, lo, hi)!;
        const want = [...x.keys()].filter((i) => x[i] >= lo && x[i] <= hi);
        assert.deepEqual([...got.series.steps], want.map((i) => full.steps[i]), `${axis} [${lo}, ${hi}]`);
        assert.deepEqual([...got.series.timestamps], want.map((i) => full.timestamps[i]));
        assert.deepEqual([...got.series.values].map(String), want.map((i) => String(full.values[i])), 'values bit for bit, NaN included');
        // Decoded: exactly the chunks whose x extent overlaps the range (one with a gap at the range is one of them).
        let overlapping = 0;
        for (let c = 0; c * CHUNK_POINTS < N; c++) {
          const xs = x.subarray(c * CHUNK_POINTS, (c + 1) * CHUNK_POINTS);
          if (Math.max(...xs) >= lo && Math.min(...xs) <= hi) overlapping++;
        }
        assert.equal(got.chunksRead, overlapping, `chunks read for ${axis} [${lo}, ${hi}]`);
        assert.ok(overlapping <= new Set(want.map((i) => Math.floor(i / CHUNK_POINTS))).size + 1);
      }
    }
    function timeAt(step: number): number {
      if (!Number.isFinite(step)) return step;
      const i = full.steps.findIndex((s) => s >= step);
      return i < 0 ? Infinity : full.timestamps[i];
    }
  });

  it('still finds points in chunks whose x is out of order', () => {
    const run = store.createRun({ experiment: 'e', source: 'cli' });
    const steps = Array.from({ length: 3 * CHUNK_POINTS }, (_, i) => (i * 7919) % 5000);
    store.logMetrics(run, steps.map((step, i) => ({ key: 'acc', step, timestamp: T0 + i, value: i })));
    const got = store.metrics.readRange(run, 'acc', 'step', 100, 120)!;
    assert.deepEqual([...got.series.values], steps.flatMap((s, i) => (s >= 100 && s <= 120 ? [i] : [])));
  });

  it('read a whole series as x and values, bit for bit', () => {
    for (const axis of ['step', 'time'] as const) {
      const xy = store.metrics.readXY(id, 'loss', axis)!;
      assert.deepEqual([...xy.x], [...(axis === 'step' ? full.steps : full.timestamps)]);
      assert.deepEqual([...xy.y].map(String), [...full.values].map(String));
    }
    assert.equal(store.metrics.readXY(id, 'nope', 'step'), undefined);
  });

  it('feed display series: a zoomed range at full fidelity, the whole series downsampled', () => {
    const lo = full.steps[3000];
    const hi = full.steps[3400];
    const zoomed = displaySeries(store.metrics, id, 'loss', { axis: 'step', maxPoints: 2000, range: { lo, hi } })!;
    assert.equal(zoomed.x.length, 401, 'every point of a zoomed range that fits');
    assert.deepEqual([...zoomed.x], [...full.steps.subarray(3000, 3401)]);
    const whole = displaySeries(store.metrics, id, 'loss', { axis: 'step', maxPoints: 1000 })!;
    assert.ok(whole.x.length <= 1000);
    assert.equal(whole.total, N);
    const wire = JSON.parse(JSON.stringify(encodeSeries(whole))) as ReturnType<typeof encodeSeries>;
    assert.deepEqual(wire.y.map(fromWireValue).map(String), [...whole.y].map(String), 'NaN/Infinity survive JSON');
    assert.equal(displaySeries(store.metrics, id, 'nope', { axis: 'step', maxPoints: 1000 }), undefined);
  });

  it('forget the chunk bounds of deleted runs', () => {
    store.deleteRuns([id]);
    assert.equal(store.db.prepare('SELECT count(*) FROM metric_chunk_bounds WHERE run_id = ?').pluck().get(id), 0);
  });
});

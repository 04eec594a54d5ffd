import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downsampleM4 } from '../src/core/compare/downsample';
import { displaySeries, encodeSeries } from '../src/core/compare/displaySeries';
import { SeriesFeed } from '../src/core/compare/seriesFeed';
import { Store } from '../src/core/store/store';
import { type Figure, timeBest } from './figures';

const RUNS = 50;
const POINTS = 100_000;
const BIG = 1_000_000;
const MAX_POINTS = 2000;

function curve(n: number, seed: number) {
  const steps = new Float64Array(n);
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    steps[i] = i;
    timestamps[i] = 1_700_000_000_000 + i * 5;
    values[i] = Math.exp(-i / (n / 5)) * (1 + seed / 100) + 0.05 * Math.sin(i * 0.37 + seed);
  }
  return { steps, timestamps, values };
}

/**
 * The Compare view's data path: series from the store to the message a webview receives (M4 to
 * 2,000 points, JSON), next to the same runs read in full and sent whole.
 */
export async function benchCompare(): Promise<Figure[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-bench-compare-'));
  try {
    const store = Store.open({ cwd: dir, create: true });
    const ids: string[] = [];
    for (let r = 0; r < RUNS; r++) {
      const id = store.createRun({ experiment: 'bench', source: 'cli' });
      store.transaction(() => store.metrics.appendSeries(id, 'loss', curve(POINTS, r)));
      ids.push(id);
    }
    const big = store.createRun({ experiment: 'bench', source: 'cli' });
    const bigSeries = curve(BIG, 7);
    store.transaction(() => store.metrics.appendSeries(big, 'loss', bigSeries));

    let bytes = 0;
    const compareMs = timeBest(5, () => {
      const feed = new SeriesFeed(store.metrics, 'step', MAX_POINTS);
      const series = ids.map((runId) => ({ runId, key: 'loss', series: feed.full(runId, 'loss')! }));
      bytes = JSON.stringify({ type: 'snapshot', series }).length;
    });
    let baselineBytes = 0;
    const baselineMs = timeBest(3, () => {
      const series = ids.map((runId) => {
        const s = store.readMetric(runId, 'loss')!;
        return { runId, key: 'loss', series: encodeSeries({ x: s.steps, y: s.values, total: s.values.length }) };
      });
      baselineBytes = JSON.stringify({ type: 'snapshot', series }).length;
    });

    const m4Ms = timeBest(7, () => downsampleM4({ x: bigSeries.steps, y: bigSeries.values }, MAX_POINTS));
    const fromStoreMs = timeBest(5, () => displaySeries(store.metrics, big, 'loss', { axis: 'step', maxPoints: MAX_POINTS }));
    const allPointsMs = timeBest(3, () => {
      const s = store.readMetric(big, 'loss')!;
      JSON.stringify(encodeSeries({ x: s.steps, y: s.values, total: BIG }));
    });
    const lo = BIG * 0.42;
    const hi = lo + BIG / 100;
    const zoomMs = timeBest(7, () => displaySeries(store.metrics, big, 'loss', { axis: 'step', maxPoints: MAX_POINTS, range: { lo, hi } }));
    const zoomBaselineMs = timeBest(5, () => {
      const s = store.readMetric(big, 'loss')!;
      const keep: number[] = [];
      for (let i = 0; i < s.steps.length; i++) if (s.steps[i] >= lo && s.steps[i] <= hi) keep.push(i);
      downsampleM4({ x: keep.map((i) => s.steps[i]), y: keep.map((i) => s.values[i]) }, MAX_POINTS);
    });
    store.close();

    const ms = (v: number) => Number(v.toFixed(1));
    return [
      { name: `compare: ${RUNS} runs × 100k points → chart data (${(bytes / 1e6).toFixed(1)} MB)`, value: ms(compareMs), unit: 'ms',
        baseline: { name: `every point read and sent (${(baselineBytes / 1e6).toFixed(0)} MB)`, value: ms(baselineMs) }, target: '<= 300' },
      { name: 'compare: 10⁶-point series → 2,000 display points (M4, in memory)', value: ms(m4Ms), unit: 'ms',
        baseline: { name: 'store → every point as chart data', value: ms(allPointsMs) }, target: '<= 30' },
      { name: 'compare: 10⁶-point series → display points, from the store', value: ms(fromStoreMs), unit: 'ms',
        baseline: { name: 'store → every point as chart data', value: ms(allPointsMs) } },
      { name: 'compare: zoom to 1% of a 10⁶-point series (chunks in range only)', value: ms(zoomMs), unit: 'ms',
        baseline: { name: 'whole series read, then filtered', value: ms(zoomBaselineMs) } },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

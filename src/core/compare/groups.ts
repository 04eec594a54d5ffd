// Grouping compared runs by a parameter or tag (e.g. runs that differ only in `seed`): each group
// drawn as the mean of its runs with a min–max band, so the spread a regression test should
// allow can be read off the chart.
import type { MetricStore, SeriesAxis } from '../store/metricStore';
import type { RunRecord } from '../store/types';

export interface RunGroup {
  /** The parameter's or tag's value, as text; '(none)' for runs without it. */
  label: string;
  runIds: string[];
}

export const NO_VALUE = '(none)';

/** Runs grouped by the value of parameter or tag `by` (a parameter wins over a tag of the same name), in order of first appearance. */
export function groupRuns(runs: readonly RunRecord[], by: string): RunGroup[] {
  const groups = new Map<string, string[]>();
  for (const run of runs) {
    const value = by in run.params ? String(run.params[by]) : by in run.tags ? run.tags[by] : NO_VALUE;
    let ids = groups.get(value);
    if (!ids) groups.set(value, (ids = []));
    ids.push(run.id);
  }
  return [...groups].map(([label, runIds]) => ({ label, runIds }));
}

/** Keys a comparison can be grouped by: every parameter and tag of any run. */
export function groupKeys(runs: readonly RunRecord[]): string[] {
  return [...new Set(runs.flatMap((r) => [...Object.keys(r.params), ...Object.keys(r.tags)]))].sort();
}

export interface Band {
  /** Centre of each bucket that holds a value of at least one run. */
  x: number[];
  mean: number[];
  min: number[];
  max: number[];
  /** How many of the group's runs have a value in the bucket. */
  runs: number[];
}

/**
 * The group's band for one metric: the x-range of all its runs is cut into `buckets` equal
 * buckets; each run contributes the mean of its finite values in a bucket; the band is the mean,
 * minimum and maximum of those over the runs. Buckets no run reaches are left out.
 */
export function groupBand(metrics: MetricStore, runIds: readonly string[], key: string, axis: SeriesAxis, buckets: number,
  shift: (runId: string) => { offset: number; scale: number } = () => ({ offset: 0, scale: 1 })): Band | undefined {
  const series = runIds.flatMap((id) => {
    const s = metrics.read(id, key);
    if (!s) return [];
    // x as the chart draws it, e.g. seconds since each run's own start.
    const { offset, scale } = shift(id);
    const raw = axis === 'step' ? s.steps : s.timestamps;
    const x = offset === 0 && scale === 1 ? raw : raw.map((v) => (v - offset) / scale);
    return [{ x, y: s.values }];
  });
  if (series.length === 0) return undefined;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      if (s.x[i] < lo) lo = s.x[i];
      if (s.x[i] > hi) hi = s.x[i];
    }
  }
  if (!(lo <= hi)) return undefined;
  const span = hi > lo ? hi - lo : Infinity;
  const sum = new Float64Array(buckets);
  const min = new Float64Array(buckets).fill(Infinity);
  const max = new Float64Array(buckets).fill(-Infinity);
  const count = new Int32Array(buckets);
  const runSum = new Float64Array(buckets);
  const runCount = new Int32Array(buckets);
  for (const s of series) {
    runSum.fill(0);
    runCount.fill(0);
    for (let i = 0; i < s.x.length; i++) {
      const v = s.y[i];
      if (!Number.isFinite(v)) continue;
      const b = Math.min(buckets - 1, Math.floor(((s.x[i] - lo) * buckets) / span));
      runSum[b] += v;
      runCount[b]++;
    }
    for (let b = 0; b < buckets; b++) {
      if (runCount[b] === 0) continue;
      const m = runSum[b] / runCount[b];
      sum[b] += m;
      count[b]++;
      if (m < min[b]) min[b] = m;
      if (m > max[b]) max[b] = m;
    }
  }
  const band: Band = { x: [], mean: [], min: [], max: [], runs: [] };
  const width = hi > lo ? (hi - lo) / buckets : 0;
  for (let b = 0; b < buckets; b++) {
    if (count[b] === 0) continue;
    band.x.push(lo + (b + 0.5) * width);
    band.mean.push(sum[b] / count[b]);
    band.min.push(min[b]);
    band.max.push(max[b]);
    band.runs.push(count[b]);
  }
  return band;
}

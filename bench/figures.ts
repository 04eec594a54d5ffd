import { readFileSync } from 'node:fs';
import type { Store } from '../src/core/store/store';

/** One measured figure, printed next to the baseline measured in the same run. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  /** The target, e.g. '>= 2000000' or '<= 50'. */
  target?: string;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Best-of-N timing in milliseconds: the least disturbed run on a shared machine. */
export function timeBest(runs: number, fn: () => void): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return best;
}

export function meetsTarget(value: number, target: string | undefined): string {
  if (!target) return '';
  const [op, bound] = target.split(/\s+/);
  const ok = op === '>=' ? value >= Number(bound) : value <= Number(bound);
  return ok ? 'ok' : 'MISSED';
}

/**
 * The ceiling for anything that ingests metrics: `points` points of one series written straight
 * into the chunked store in batches of `batch`, with no HTTP or JSON. Points/s.
 */
export function directWriteRate(store: Store, points: number, batch: number): number {
  const id = store.createRun({ experiment: 'bench', source: 'cli' });
  const steps = new Float64Array(batch);
  const timestamps = new Float64Array(batch);
  const values = new Float64Array(batch);
  const start = performance.now();
  for (let b = 0; b < points / batch; b++) {
    for (let i = 0; i < batch; i++) {
      const step = b * batch + i;
      steps[i] = step;
      timestamps[i] = 1_700_000_000_000 + step;
      values[i] = 1 / (step + 1);
    }
    store.transaction(() => store.metrics.appendSeries(id, 'loss', { steps, timestamps, values }));
  }
  return points / ((performance.now() - start) / 1000);
}

/** CPU seconds (user + system) of this process's waited-for children, from /proc (Linux). */
export function childrenCpuSeconds(): number {
  // Fields after the command name: cutime and cstime are the 14th and 15th, in clock ticks (100 a second).
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

// Drift report on 1,000,000 rows × 20 numeric columns per side (two generated CSVs, ~190 MB each):
// mlwb end to end (read both files, type, test, chart data) in worker threads, and the statistics
// alone (KS + Wasserstein per column, one thread) next to scipy's ks_2samp + wasserstein_distance on
// the same arrays in the same run (the Python baseline; its CSV parsing is not timed).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTable } from '../src/core/drift/read/readTable';
import { wasserstein } from '../src/core/drift/stats/distances';
import { ks2samp } from '../src/core/drift/stats/ks';
import { sortInPlace } from '../src/core/drift/stats/sortDoubles';
import { benchDriftText } from './driftText';
import { pythonBaselineMs, timeCliDrift } from './driftRun';
import { seeded } from '../test/helpers/seeded';
import type { Figure } from './figures';

const ROWS = 1_000_000;
const COLUMNS = 20;

/** A seeded CSV: column j is normal with mean shift·j/COLUMNS, six decimals, like an exported feature table. */
function writeCsv(file: string, seed: number, shift: number): void {
  const uniform = seeded(seed);
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, Array.from({ length: COLUMNS }, (_, j) => `f${j}`).join(',') + '\n');
  const lines: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const fields = new Array<string>(COLUMNS);
    for (let j = 0; j < COLUMNS; j++) {
      const normal = Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
      fields[j] = (normal + (shift * j) / COLUMNS).toFixed(6);
    }
    lines.push(fields.join(','));
    if (lines.length === 10000) {
      fs.writeSync(fd, lines.join('\n') + '\n');
      lines.length = 0;
    }
  }
  fs.closeSync(fd);
}

const SCIPY_BASELINE = `
import sys, time
import pandas as pd
from scipy import stats
ref, cur = pd.read_csv(sys.argv[1]), pd.read_csv(sys.argv[2])
arrays = [(ref[c].to_numpy(), cur[c].to_numpy()) for c in ref.columns]
t = time.perf_counter()
for a, b in arrays:
    stats.ks_2samp(a, b)
    stats.wasserstein_distance(a, b)
print((time.perf_counter() - t) * 1000)
`;

export async function benchDrift(): Promise<Figure[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-bench-drift-'));
  try {
    const ref = path.join(dir, 'reference.csv');
    const cur = path.join(dir, 'current.csv');
    writeCsv(ref, 1, 0);
    writeCsv(cur, 2, 0.2);

    const scipyMs = pythonBaselineMs(SCIPY_BASELINE, ref, cur);
    const build = spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('build failed');
    const cli = timeCliDrift<{ columns: unknown[] }>(ref, cur);
    if (cli.report.columns.length !== COLUMNS) throw new Error(`mlwb drift reported ${cli.report.columns.length} columns of ${COLUMNS}`);

    const [a, b] = await Promise.all([readTable(ref), readTable(cur)]);
    const t1 = performance.now();
    for (let j = 0; j < COLUMNS; j++) {
      // Sorted in place, as the drift workers do: the columns are this loop's own.
      const x = sortInPlace(a.columns[j].values as Float64Array);
      const y = sortInPlace(b.columns[j].values as Float64Array);
      ks2samp(x, y);
      wasserstein(x, y);
    }
    const statsOnly = performance.now() - t1;

    const threads = Math.min(4, os.availableParallelism());
    return [
      // On a shared machine the wall time depends on the others' load: the CPU time and the load say how much.
      { name: `drift 1M×20 CSV end to end (read, type, test, charts; ${threads} threads; ${cli.cpu.toFixed(1)} s CPU user+sys; load ${cli.load.toFixed(1)})`, value: Math.round(cli.ms), unit: 'ms', baseline: { name: 'scipy ks_2samp + wasserstein_distance, parsing excluded', value: Math.round(scipyMs) }, target: '<= 5000' },
      { name: 'drift 1M×20 KS + Wasserstein only (sort included, 1 thread)', value: Math.round(statsOnly), unit: 'ms', baseline: { name: 'scipy ks_2samp + wasserstein_distance', value: Math.round(scipyMs) } },
      ...(await benchDriftText()),
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

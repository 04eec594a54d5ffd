import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { Store } from '../src/core/store/store';
import type { MetricPoint } from '../src/core/store/types';
import { type Figure, timeBest } from './figures';

const N = 1_000_000;
const BATCH = 10_000;

function points(n: number): MetricPoint[] {
  const out: MetricPoint[] = new Array(n);
  const t0 = Date.now();
  for (let i = 0; i < n; i++) out[i] = { key: 'loss', value: Math.exp(-i / 1e5) + (i % 7) * 1e-3, step: i, timestamp: t0 + i };
  return out;
}

/** The store's chunked series against a plain row-per-point SQLite table, same pragmas, same data. */
export async function benchStore(): Promise<Figure[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-bench-store-'));
  try {
    const data = points(N);

    const store = Store.open({ cwd: dir, create: true });
    const runs: string[] = [];
    const writeMs = timeBest(3, () => {
      const id = store.createRun({ experiment: 'bench', source: 'cli' });
      runs.push(id);
      for (let i = 0; i < N; i += BATCH) store.logMetrics(id, data.slice(i, i + BATCH));
    });

    const db = new Database(path.join(dir, 'baseline.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(`CREATE TABLE metric_points (run_id TEXT NOT NULL, key TEXT NOT NULL, step INTEGER NOT NULL,
      timestamp INTEGER NOT NULL, value REAL);
      CREATE INDEX metric_points_series ON metric_points(run_id, key, step);`);
    const insert = db.prepare('INSERT INTO metric_points VALUES (?, ?, ?, ?, ?)');
    let baseRun = 0;
    const baseWriteMs = timeBest(3, () => {
      const run = `run-${baseRun++}`;
      for (let i = 0; i < N; i += BATCH) {
        db.transaction(() => {
          for (let j = i; j < i + BATCH; j++) insert.run(run, 'loss', data[j].step, data[j].timestamp, data[j].value);
        })();
      }
    });
    // Reads are timed once the million point objects written above are garbage: a reader (a chart,
    // the CLI) holds no such heap, and marking it made every collection the reads trigger 5× dearer.
    data.length = 0;
    const read = () => {
      if (store.readMetric(runs[0], 'loss')!.values.length !== N) throw new Error('short read');
    };
    // The first reads of a process pay for V8 and the allocator settling on 8 MB arrays (about
    // 100 ms a read for the first dozen, plain `new Float64Array` alike): shown apart, then the best
    // of 15 as for every other figure.
    const firstReadMs = timeBest(1, read);
    const readMs = timeBest(15, read);
    store.close();
    const select = db.prepare('SELECT step, timestamp, value FROM metric_points WHERE run_id = ? AND key = ? ORDER BY step').raw();
    const baseReadMs = timeBest(15, () => {
      if (select.all('run-0', 'loss').length !== N) throw new Error('short read');
    });
    db.close();

    const rate = (ms: number) => Math.round(N / (ms / 1000));
    return [
      { name: 'store: metric points written (batches of 10k)', value: rate(writeMs), unit: 'points/s',
        baseline: { name: 'row-per-point table', value: rate(baseWriteMs) }, target: '>= 2000000' },
      { name: 'store: read a 10⁶-point series', value: Number(readMs.toFixed(1)), unit: 'ms',
        baseline: { name: 'row-per-point table', value: Number(baseReadMs.toFixed(1)) }, target: '<= 50' },
      { name: 'store: same, the first read of the process', value: Number(firstReadMs.toFixed(1)), unit: 'ms' },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

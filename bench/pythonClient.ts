import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEndpoint } from '../src/core/ingest/endpoint';
import { Store } from '../src/core/store/store';
import { directWriteRate, type Figure } from './figures';

/**
 * Python client figures: points/s from a Python process through `mlwb.log_metric` (and
 * `log_metrics`, 10 keys a call) to the store, end to end until every point is acknowledged,
 * and the cost of one call on the training thread; the baseline is the store's direct write
 * rate for the same number of points, measured in this run: the ceiling any client can reach.
 */

const POINTS = 1_000_000;
const PYTHON = process.env.MLWB_BENCH_PYTHON ?? 'python3';
const REPO = path.resolve(__dirname, '..');

interface Load {
  run: string;
  points: number;
  callUs: number;
  pointsPerS: number;
  spooled: boolean;
}

function runPython(env: NodeJS.ProcessEnv, cwd: string): Promise<{ logMetric: Load; logMetrics: Load; logSeries: Load }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [path.join(__dirname, 'pythonClient.py'), String(POINTS)], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (err += t));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`bench/pythonClient.py exited ${code}: ${err}`))));
  });
}

export async function benchPythonClient(): Promise<Figure[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-bench-python-'));
  const store = Store.open({ storeDir: path.join(root, '.mlwb'), cwd: root, create: true });
  // In this process: the event loop serves the endpoint while the Python child logs.
  const endpoint = await startEndpoint(store);
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: path.join(REPO, 'python'), MLWB_ENDPOINT: endpoint.url, MLWB_TOKEN: endpoint.token };
    delete env.MLWB_RUN_ID;
    const result = await runPython(env, root);
    for (const load of [result.logMetric, result.logMetrics, result.logSeries]) {
      // A figure only counts if every point really arrived.
      const stored = Object.values(store.getRun(load.run)?.metrics ?? {}).reduce((n, m) => n + m.count, 0);
      if (load.spooled || stored !== load.points) throw new Error(`run ${load.run}: ${stored} of ${load.points} points stored (spooled: ${load.spooled})`);
    }
    const baseline = { name: 'store appendSeries direct, 50k batches', value: Math.round(directWriteRate(store, POINTS, 50_000)) };
    return [
      { name: 'Python client end to end, batched (log_series, 10k a call)', value: Math.round(result.logSeries.pointsPerS), unit: 'points/s', baseline, target: '>= 1000000' },
      // One Python call per point is bounded by the interpreter (~3 µs a call here), not by mlwb.
      { name: 'Python client end to end, log_metric per point', value: Math.round(result.logMetric.pointsPerS), unit: 'points/s', baseline },
      { name: 'Python client end to end, log_metrics 10 keys a call', value: Math.round(result.logMetrics.pointsPerS), unit: 'points/s', baseline },
      { name: 'Python log_metric call, training thread', value: Math.round(result.logMetric.callUs * 100) / 100, unit: 'µs', target: '<= 20' },
      { name: 'Python log_metrics call (10 keys), training thread', value: Math.round(result.logMetrics.callUs * 100) / 100, unit: 'µs', target: '<= 20' },
    ];
  } finally {
    await endpoint.close();
    store.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEndpoint } from '../src/core/ingest/endpoint';
import { Store } from '../src/core/store/store';
import { directWriteRate, type Figure } from './figures';
import { fetchRaw, startRowPerPointHistory } from './historyBaseline';

/**
 * Endpoint figures: points/s through the native batch route (batches of 10k from Node, the
 * JSON a client sends) against the store's direct write rate for the same series, and the time
 * to return a 100,000-point history through MLflow's get-history, whole and paged.
 */
export async function benchEndpoint(): Promise<Figure[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-bench-endpoint-'));
  const store = Store.open({ cwd: root, create: true });
  const endpoint = await startEndpoint(store);
  const auth = { authorization: `Bearer ${endpoint.token}` };
  try {
    const BATCH = 10_000;
    const BATCHES = 100;
    // Both body forms of the batch route: point objects, and the columnar `series` form.
    const pointBodies: string[] = [];
    const columnBodies: string[] = [];
    for (let b = 0; b < BATCHES; b++) {
      const metrics = [];
      const cols = { key: 'loss', steps: [] as number[], timestamps: [] as number[], values: [] as number[] };
      for (let i = 0; i < BATCH; i++) {
        const step = b * BATCH + i;
        metrics.push({ key: 'loss', value: 1 / (step + 1), step, timestamp: 1_700_000_000_000 + step });
        cols.steps.push(step);
        cols.timestamps.push(1_700_000_000_000 + step);
        cols.values.push(1 / (step + 1));
      }
      pointBodies.push(JSON.stringify({ batchId: `b${b}`, metrics }));
      columnBodies.push(JSON.stringify({ batchId: `b${b}`, series: [cols] }));
    }

    // Direct: the same points, same chunked store, no HTTP or JSON.
    const directRate = directWriteRate(store, BATCH * BATCHES, BATCH);

    const sendAll = async (bodies: string[]): Promise<number> => {
      const created = await (await fetch(`${endpoint.url}/api/mlwb/v1/runs`, {
        method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ experiment: 'bench', source: 'client' }),
      })).json() as { run: { id: string } };
      const start = performance.now();
      for (const body of bodies) {
        const res = await fetch(`${endpoint.url}/api/mlwb/v1/runs/${created.run.id}/batch`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body });
        if (!res.ok) throw new Error(`batch failed: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }
      return (BATCH * BATCHES) / ((performance.now() - start) / 1000);
    };
    const pointRate = await sendAll(pointBodies);
    const columnRate = await sendAll(columnBodies);

    // History of 100,000 points: one page, and pages of 25,000 (the mlflow client's page size).
    const HISTORY = 100_000;
    const mlflowRun = await (await fetch(`${endpoint.url}/api/2.0/mlflow/runs/create`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ experiment_id: '0' }),
    })).json() as { run: { info: { run_id: string } } };
    const hid = mlflowRun.run.info.run_id;
    const series = {
      steps: Float64Array.from({ length: HISTORY }, (_, i) => i),
      timestamps: Float64Array.from({ length: HISTORY }, (_, i) => 1_700_000_000_000 + i),
      values: Float64Array.from({ length: HISTORY }, (_, i) => Math.sin(i / 1000) / (1 + i / HISTORY)),
    };
    store.transaction(() => store.metrics.appendSeries(hid, 'acc', series));
    // Timed until the whole response has arrived; decoding it is the client's own cost.
    const history = async (pageSize?: number): Promise<number> => {
      const start = performance.now();
      const bodies: Buffer[] = [];
      let token: string | undefined;
      do {
        const q = new URLSearchParams({ run_id: hid, metric_key: 'acc' });
        if (pageSize) q.set('max_results', String(pageSize));
        if (token) q.set('page_token', token);
        const body = await fetchRaw(`${endpoint.url}/api/2.0/mlflow/metrics/get-history?${q}`, auth);
        bodies.push(body);
        token = /"next_page_token":"([^"]+)"/.exec(body.subarray(-200).toString())?.[1];
      } while (token);
      const elapsed = performance.now() - start;
      const points = bodies.reduce((n, b) => n + (JSON.parse(b.toString()) as { metrics: unknown[] }).metrics.length, 0);
      if (points !== HISTORY) throw new Error(`history returned ${points} points`);
      return elapsed;
    };
    const best = async (fn: () => Promise<number>) => Math.min(await fn(), await fn(), await fn());
    await history(); // warm up
    const onePage = await best(() => history(HISTORY));
    const paged = await best(() => history(25_000));
    const baselineServer = await startRowPerPointHistory(root, series);
    const baseline = await best(async () => {
      const start = performance.now();
      await fetchRaw(baselineServer.url);
      return performance.now() - start;
    });
    await baselineServer.close();
    const historyBaseline = { name: 'row-per-point table + JSON.stringify', value: Math.round(baseline * 10) / 10 };

    return [
      { name: 'endpoint batch route, columnar series (10k-point batches)', value: Math.round(columnRate), unit: 'points/s', baseline: { name: 'store appendSeries direct', value: Math.round(directRate) } },
      { name: 'endpoint batch route, point objects (10k-point batches)', value: Math.round(pointRate), unit: 'points/s', baseline: { name: 'store appendSeries direct', value: Math.round(directRate) } },
      { name: 'MLflow get-history, 100k points, one page', value: Math.round(onePage * 10) / 10, unit: 'ms', baseline: historyBaseline, target: '<= 100' },
      { name: 'MLflow get-history, 100k points, pages of 25k', value: Math.round(paged * 10) / 10, unit: 'ms', baseline: historyBaseline, target: '<= 100' },
    ];
  } finally {
    await endpoint.close();
    store.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

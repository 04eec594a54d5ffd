import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEndpoint } from '../src/core/ingest/endpoint';
import { Store } from '../src/core/store/store';

/**
 * Endpoint figures: points/s through the native batch route (batches of 10k from Node, the
 * JSON a client sends) against the store's direct write rate for the same series, and the time
 * to return a 100,000-point history through MLflow's get-history, whole and paged.
 */
export async function benchEndpoint(): Promise<Array<{ name: string; value: number; unit: string; baseline?: { name: string; value: number } }>> {
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
    const direct = store.createRun({ experiment: 'bench', source: 'cli' });
    const steps = new Float64Array(BATCH);
    const timestamps = new Float64Array(BATCH);
    const values = new Float64Array(BATCH);
    const t = performance.now();
    for (let b = 0; b < BATCHES; b++) {
      for (let i = 0; i < BATCH; i++) {
        const step = b * BATCH + i;
        steps[i] = step;
        timestamps[i] = 1_700_000_000_000 + step;
        values[i] = 1 / (step + 1);
      }
      store.transaction(() => store.metrics.appendSeries(direct, 'loss', { steps, timestamps, values }));
    }
    const directRate = (BATCH * BATCHES) / ((performance.now() - t) / 1000);

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
    store.transaction(() => store.metrics.appendSeries(hid, 'acc', {
      steps: Float64Array.from({ length: HISTORY }, (_, i) => i),
      timestamps: Float64Array.from({ length: HISTORY }, (_, i) => 1_700_000_000_000 + i),
      values: Float64Array.from({ length: HISTORY }, (_, i) => i / HISTORY),
    }));
    const history = async (pageSize?: number): Promise<number> => {
      const start = performance.now();
      let token: string | undefined;
      let points = 0;
      do {
        const q = new URLSearchParams({ run_id: hid, metric_key: 'acc' });
        if (pageSize) q.set('max_results', String(pageSize));
        if (token) q.set('page_token', token);
        const body = await (await fetch(`${endpoint.url}/api/2.0/mlflow/metrics/get-history?${q}`, { headers: auth })).json() as { metrics: unknown[]; next_page_token?: string };
        points += body.metrics.length;
        token = body.next_page_token;
      } while (token);
      if (points !== HISTORY) throw new Error(`history returned ${points} points`);
      return performance.now() - start;
    };
    await history(); // warm up
    const onePage = await history(HISTORY);
    const paged = await history(25_000);

    return [
      { name: 'endpoint batch route, columnar series (10k-point batches)', value: Math.round(columnRate), unit: 'points/s', baseline: { name: 'store appendSeries direct', value: Math.round(directRate) } },
      { name: 'endpoint batch route, point objects (10k-point batches)', value: Math.round(pointRate), unit: 'points/s', baseline: { name: 'store appendSeries direct', value: Math.round(directRate) } },
      { name: 'MLflow get-history, 100k points, one page', value: Math.round(onePage * 10) / 10, unit: 'ms' },
      { name: 'MLflow get-history, 100k points, pages of 25k', value: Math.round(paged * 10) / 10, unit: 'ms' },
    ];
  } finally {
    await endpoint.close();
    store.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchEndpoint().then((figures) => {
    for (const f of figures) {
      console.log(`${f.name}: ${f.value.toLocaleString('en')} ${f.unit}${f.baseline ? ` (${f.baseline.name}: ${f.baseline.value.toLocaleString('en')} ${f.unit})` : ''}`);
    }
  });
}

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import { describe, it } from 'node:test';
import { api, rawRequest, startTestEndpoint } from './endpointHelper';

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('endpoint edge values (issue 12, item 18)', () => {
  it('answers bad percent-encoding in a run id with a 400 and a JSON error, not a 500', async () => {
    const { endpoint } = await startTestEndpoint();
    for (const route of ['batch', 'output', 'datasets', 'end']) {
      const res = await rawRequest(endpoint, 'POST', `/api/mlwb/v1/runs/%ZZ/${route}`, { body: '{}', headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 400, route);
      assert.deepEqual(res.json(), { error: { code: 'INVALID_PARAMETER_VALUE', message: 'Bad percent-encoding in the run id: "%ZZ".' } });
    }
  });

  it('refuses steps 2^63 and 2^63 - 1 (one float64) with a clear error and stores nothing of the batch', async () => {
    const { endpoint, store } = await startTestEndpoint();
    const id = (await api(endpoint, 'POST', '/api/mlwb/v1/runs', {})).body.run.id as string;
    // Written as text: JSON.stringify cannot spell 2^63 - 1, which is what a Python client sends.
    for (const step of ['9223372036854775807', '9223372036854775808']) {
      const body = `{"metrics": [{"key": "ok", "value": 1, "step": 1}, {"key": "loss", "value": 1, "step": ${step}}]}`;
      const res = await rawRequest(endpoint, 'POST', `/api/mlwb/v1/runs/${id}/batch`, { body, headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 400);
      assert.match((res.json() as { error: { message: string } }).error.message, /step 9223372036854776000 is beyond ±2\^53/);
    }
    const mlflow = await api(endpoint, 'POST', '/api/2.0/mlflow/runs/log-metric', { run_id: id, key: 'loss', value: 1, timestamp: 1, step: '9223372036854775807' });
    assert.equal(mlflow.status, 400);
    assert.equal(mlflow.body.error_code, 'INVALID_PARAMETER_VALUE');
    assert.deepEqual(store.getRun(id)!.metrics, {});
  });

  it('stores a metric, param and tag named __proto__ sent in a batch', async () => {
    const { endpoint, store } = await startTestEndpoint();
    const id = (await api(endpoint, 'POST', '/api/mlwb/v1/runs', {})).body.run.id as string;
    const body = '{"params": {"__proto__": 7}, "tags": {"__proto__": "t"}, "metrics": [{"key": "__proto__", "value": "Infinity", "step": 0}]}';
    const res = await rawRequest(endpoint, 'POST', `/api/mlwb/v1/runs/${id}/batch`, { body, headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 200, res.text);
    const run = store.getRun(id)!;
    assert.ok(Object.hasOwn(run.params, '__proto__') && Object.hasOwn(run.tags, '__proto__') && Object.hasOwn(run.metrics, '__proto__'));
    assert.deepEqual([run.params['__proto__'], run.tags['__proto__']], [7, 't']);
    assert.deepEqual([run.metrics['__proto__'].min, run.metrics['__proto__'].max], [Infinity, Infinity]);
  });
});

describe('endpoint and crashed runs (issue 12, items 6 and 7)', () => {
  it('records the client process as owner; a run whose client died is crashed, FAILED to MLflow, and its late end still counts', async () => {
    const { endpoint, store } = await startTestEndpoint();
    const pid = await deadPid();
    const created = await api(endpoint, 'POST', '/api/mlwb/v1/runs', { owner: { pid, host: os.hostname(), start: null } });
    const id = created.body.run.id as string;
    assert.equal(store.getRun(id)!.status, 'running');
    assert.deepEqual(store.sweepCrashedRuns(), [id]);
    const got = await api(endpoint, 'GET', `/api/2.0/mlflow/runs/get?run_id=${id}`);
    assert.equal(got.body.run.info.status, 'FAILED');
    const search = await api(endpoint, 'POST', '/api/2.0/mlflow/runs/search', { experiment_ids: ['0'] });
    assert.equal(search.body.runs[0].info.status, 'FAILED');
    // A spooled end replayed after the sweep: the client's own word replaces the guess.
    assert.equal((await api(endpoint, 'POST', `/api/mlwb/v1/runs/${id}/end`, { status: 'finished', exitCode: 0 })).status, 200);
    assert.equal(store.getRun(id)!.status, 'finished');
    const bad = await api(endpoint, 'POST', '/api/mlwb/v1/runs', { owner: { pid: -1, host: 'h' } });
    assert.equal(bad.status, 400);
    const crashedEnd = await api(endpoint, 'POST', `/api/mlwb/v1/runs/${id}/end`, { status: 'crashed' });
    assert.equal(crashedEnd.status, 400, 'only mlwb decides that a run crashed');
  });

  it('answers a batch for a run deleted under the client with 404 RESOURCE_DOES_NOT_EXIST (what the client takes as "gone")', async () => {
    const { endpoint, store } = await startTestEndpoint();
    const id = (await api(endpoint, 'POST', '/api/mlwb/v1/runs', {})).body.run.id as string;
    store.deleteRuns([id]);
    const res = await api(endpoint, 'POST', `/api/mlwb/v1/runs/${id}/batch`, { metrics: [{ key: 'loss', value: 1, step: 1 }] });
    assert.deepEqual([res.status, res.body.error.code], [404, 'RESOURCE_DOES_NOT_EXIST']);
  });
});

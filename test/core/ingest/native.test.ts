import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readEndpointFile, writeEndpointFile } from '../../../src/core/ingest/endpointFile';
import { startEndpoint } from '../../../src/core/ingest/endpoint';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';
import { api, rawRequest, startTestEndpoint } from './endpointHelper';

describe('native API end to end', () => {
  it('creates a run, stores batches with non-finite values once, ends it', async () => {
    const { endpoint, store } = await startTestEndpoint();
    const created = await api(endpoint, 'POST', '/api/mlwb/v1/runs', { name: 'train', experiment: 'exp', source: 'client', params: { lr: 0.1, opt: 'adam' }, tags: { team: 'a' } });
    assert.equal(created.status, 200);
    const id = created.body.run.id as string;
    assert.deepEqual(created.body.run, { id, name: 'train', experiment: 'exp' });
    const again = await api(endpoint, 'POST', '/api/mlwb/v1/runs', { id, name: 'other' });
    assert.deepEqual(again.body.run, { id, name: 'train', experiment: 'exp' });

    const batch = {
      batchId: 'b-1',
      params: { epochs: 3 },
      tags: { phase: 'fit' },
      metrics: [
        { key: 'loss', value: 'NaN', step: 0, timestamp: 1000 },
        { key: 'loss', value: 0.5, step: 1, timestamp: 2000 },
        { key: 'grad', value: 'Infinity', step: 0, timestamp: 1000 },
        { key: 'grad', value: '-Infinity', step: 1, timestamp: 2000 },
      ],
    };
    assert.deepEqual((await api(endpoint, 'POST', `/api/mlwb/v1/runs/${id}/batch`, batch)).body, { ok: true, duplicate: false });
    assert.deepEqual((await api(endpoint, 'POST', `/api/mlwb/v1/runs/${id}/batch`, batch)).body, { ok: true, duplicate: true });
    const data = { path: 'data/train.csv', sha256: 'a'.repeat(64), bytes: 10, rows: 2 };
    assert.equal((await api(endpoint, 'POST', `/api/mlwb/v1/runs/${id}/datasets`, data)).status, 200);
    const put = await rawRequest(endpoint, 'PUT', `/api/mlwb/v1/runs/${id}/artifacts/model/weights.bin`, { body: 'hello', headers: { 'content-type': 'application/octet-stream' } });
    assert.deepEqual(put.json(), { path: 'model/weights.bin', sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824', bytes: 5 });
    assert.deepEqual((await api(endpoint, 'POST', `/api/mlwb/v1/runs/${id}/end`, { status: 'finished', exitCode: 0, endTime: 5000 })).body, { ok: true });
    // A repeated end (a replay) does not change the recorded outcome.
    await api(endpoint, 'POST', `/api/mlwb/v1/runs/${id}/end`, { status: 'failed', exitCode: 1 });

    const run = store.getRun(id)!;
    assert.equal(run.status, 'finished');
    assert.equal(run.exitCode, 0);
    assert.equal(run.endTime, new Date(5000).toISOString());
    assert.equal(run.source, 'client');
    assert.deepEqual(run.params, { lr: 0.1, opt: 'adam', epochs: 3 });
    assert.deepEqual(run.tags, { team: 'a', phase: 'fit' });
    assert.equal(run.metrics.loss.count, 2);
    assert.equal(run.metrics.loss.last, 0.5);
    const loss = store.readMetric(id, 'loss')!;
    assert.ok(Number.isNaN(loss.values[0]));
    assert.deepEqual([...store.readMetric(id, 'grad')!.values], [Infinity, -Infinity]);
    assert.deepEqual(run.data, [data]);
    assert.deepEqual(run.artifacts, [{ path: 'model/weights.bin', sha256: put.json() && (put.json() as { sha256: string }).sha256, bytes: 5 }]);
    const blob = path.join(store.dir, 'artifacts', 'sha256', '2c', 'f24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    assert.equal(fs.readFileSync(blob, 'utf8'), 'hello');
  });

  it('takes the columnar series form with non-finite values, merged with point objects', async () => {
    const { endpoint, store } = await startTestEndpoint();
    const id = (await api(endpoint, 'POST', '/api/mlwb/v1/runs', {})).body.run.id as string;
    const res = await api(endpoint, 'POST', `/api/mlwb/v1/runs/${id}/batch`, {
      metrics: [{ key: 'loss', value: 3, step: 0, timestamp: 1 }],
      series: [{ key: 'loss', steps: [1, 2, 3], timestamps: [2, 3, 4], values: [2, 'NaN', '-Infinity'] }],
    });
    assert.equal(res.status, 200);
    const loss = store.readMetric(id, 'loss')!;
    assert.deepEqual([...loss.steps], [0, 1, 2, 3]);
    assert.deepEqual([...loss.values].map(String), ['3', '2', 'NaN', '-Infinity']);
    const bad = await api(endpoint, 'POST', `/api/mlwb/v1/runs/${id}/batch`, { series: [{ key: 'x', steps: [1], timestamps: [], values: [1] }] });
    assert.deepEqual([bad.status, bad.body.error.code], [400, 'INVALID_PARAMETER_VALUE']);
  });

  it('takes series columns as base64 little-endian float64, keeping NaN and ±Infinity bit for bit', async () => {
    const { endpoint, store } = await startTestEndpoint();
    const id = (await api(endpoint, 'POST', '/api/mlwb/v1/runs', {})).body.run.id as string;
    const b64 = (xs: number[]) => Buffer.from(new Float64Array(xs).buffer).toString('base64');
    const values = [0.1, NaN, Infinity, -Infinity, 1e-300];
    const res = await api(endpoint, 'POST', `/api/mlwb/v1/runs/${id}/batch`, {
      series: [{ key: 'acc', steps: b64([0, 1, 2, 3, 4]), timestamps: b64([10, 11, 12, 13, 14]), values: b64(values) }],
    });
    assert.equal(res.status, 200);
    const acc = store.readMetric(id, 'acc')!;
    assert.deepEqual([...acc.values], values);
    assert.deepEqual([...acc.timestamps], [10, 11, 12, 13, 14]);
    for (const broken of [{ steps: 'AAAA', timestamps: b64([1]), values: b64([1]) }, { steps: b64([NaN]), timestamps: b64([1]), values: b64([1]) }]) {
      const bad = await api(endpoint, 'POST', `/api/mlwb/v1/runs/${id}/batch`, { series: [{ key: 'x', ...broken }] });
      assert.deepEqual([bad.status, bad.body.error.code], [400, 'INVALID_PARAMETER_VALUE']);
    }
    assert.equal(store.readMetric(id, 'x'), undefined, 'a refused batch stores nothing');
  });

  it('parses output text for metrics and keeps it as the run log', async () => {
    const { endpoint, store } = await startTestEndpoint();
    const id = (await api(endpoint, 'POST', '/api/mlwb/v1/runs', { source: 'notebook' })).body.run.id as string;
    await api(endpoint, 'POST', `/api/mlwb/v1/runs/${id}/output`, { stream: 'stdout', text: 'epoch 1 loss=0.5 acc=0.8\nepoch 2 lo' });
    await api(endpoint, 'POST', `/api/mlwb/v1/runs/${id}/output`, { stream: 'stdout', text: 'ss=0.25 acc=0.9\n' });
    await api(endpoint, 'POST', `/api/mlwb/v1/runs/${id}/end`, { status: 'finished' });
    assert.deepEqual([...store.readMetric(id, 'loss')!.values], [0.5, 0.25]);
    assert.deepEqual([...store.readMetric(id, 'acc')!.steps], [1, 2]);
    assert.equal(store.getLog(id, 'stdout')!.content, 'epoch 1 loss=0.5 acc=0.8\nepoch 2 loss=0.25 acc=0.9\n');
  });
});

describe('endpoint file', () => {
  it('is written with mode 0600 by the endpoint, read as live, and removed on close', async () => {
    const root = tempDir();
    const store = Store.open({ cwd: root, create: true });
    const endpoint = await startEndpoint(store, { writeEndpointFile: true });
    const file = path.join(store.dir, 'endpoint.json');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const state = await readEndpointFile(store.dir);
    assert.equal(state.state, 'live');
    assert.equal(state.state === 'live' && state.endpoint.token, endpoint.token);
    await endpoint.close();
    assert.equal(fs.existsSync(file), false);
    assert.equal((await readEndpointFile(store.dir)).state, 'missing');
    store.close();
  });

  it('says a file is stale when its process is gone or its endpoint does not answer', async () => {
    const dir = tempDir();
    writeEndpointFile(dir, { url: 'http://127.0.0.1:9', port: 9, token: 't', pid: 2 ** 22 + 7, startedAt: '' });
    const gone = await readEndpointFile(dir);
    assert.equal(gone.state, 'stale');
    assert.match(gone.state === 'stale' ? gone.reason : '', /is gone/);
    writeEndpointFile(dir, { url: 'http://127.0.0.1:9', port: 9, token: 't', pid: process.pid, startedAt: '' });
    const silent = await readEndpointFile(dir);
    assert.match(silent.state === 'stale' ? silent.reason : '', /does not answer/);
  });
});

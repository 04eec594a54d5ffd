import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, it } from 'node:test';
import type { Endpoint } from '../../../src/core/ingest/endpoint';
import type { Store } from '../../../src/core/store/store';
import { api, rawRequest, startTestEndpoint } from './endpointHelper';

const API = '/api/2.0/mlflow';

describe('MLflow tracking REST API', () => {
  let endpoint: Endpoint;
  let store: Store;
  before(async () => {
    ({ endpoint, store } = await startTestEndpoint());
  });
  const get = (path: string) => api(endpoint, 'GET', `${API}/${path}`);
  const post = (path: string, body: unknown) => api(endpoint, 'POST', `${API}/${path}`, body);
  const newRun = async (extra: Record<string, unknown> = {}) => (await post('runs/create', { experiment_id: '0', start_time: 1000, ...extra })).body.run;

  it('experiments: Default is id 0; get-by-name, create, get, duplicates and unknowns', async () => {
    const def = await get('experiments/get-by-name?experiment_name=Default');
    assert.equal(def.status, 200);
    assert.equal(def.body.experiment.experiment_id, '0');
    assert.equal(def.body.experiment.lifecycle_stage, 'active');
    const none = await get('experiments/get-by-name?experiment_name=nope');
    assert.deepEqual([none.status, none.body.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
    const created = await post('experiments/create', { name: 'vision', tags: [{ key: 'team', value: 'cv' }] });
    assert.equal(created.status, 200);
    assert.match(created.body.experiment_id, /^\d+$/);
    const dup = await post('experiments/create', { name: 'vision' });
    assert.deepEqual([dup.status, dup.body.error_code], [400, 'RESOURCE_ALREADY_EXISTS']);
    const one = await get(`experiments/get?experiment_id=${created.body.experiment_id}`);
    assert.deepEqual(Object.keys(one.body.experiment).sort(), ['artifact_location', 'creation_time', 'experiment_id', 'last_update_time', 'lifecycle_stage', 'name', 'tags']);
    assert.deepEqual(one.body.experiment.tags, [{ key: 'team', value: 'cv' }]);
    assert.equal(typeof one.body.experiment.creation_time, 'number');
    const missing = await get('experiments/get?experiment_id=999');
    assert.deepEqual([missing.status, missing.body.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
    const bad = await get('experiments/get?experiment_id=abc');
    assert.deepEqual([bad.status, bad.body.error_code], [400, 'INVALID_PARAMETER_VALUE']);
    const search = await post('experiments/search', { max_results: 1, filter: "name LIKE 'vis%'" });
    assert.deepEqual(search.body.experiments.map((e: { name: string }) => e.name), ['vision']);
  });

  it('runs: create, get, update, tags, params, delete and restore', async () => {
    const run = await newRun({ run_name: 'first', user_id: 'ada', tags: [{ key: 'mlflow.source.name', value: 'train.py' }] });
    const id = run.info.run_id;
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.equal(run.info.run_uuid, id);
    assert.deepEqual({ ...run.info, run_id: 'x', run_uuid: 'x' }, {
      run_id: 'x', run_uuid: 'x', run_name: 'first', experiment_id: '0', user_id: 'ada', status: 'RUNNING', start_time: 1000,
      artifact_uri: `mlflow-artifacts:/0/${id}/artifacts`, lifecycle_stage: 'active',
    });
    assert.deepEqual(run.data.tags, [{ key: 'mlflow.runName', value: 'first' }, { key: 'mlflow.source.name', value: 'train.py' }]);
    assert.equal(store.getRun(id)!.source, 'mlflow');

    assert.deepEqual((await post('runs/log-parameter', { run_id: id, key: 'lr', value: '0.1' })).body, {});
    assert.equal((await post('runs/log-parameter', { run_id: id, key: 'lr', value: '0.1' })).status, 200);
    const changed = await post('runs/log-parameter', { run_id: id, key: 'lr', value: '0.2' });
    assert.deepEqual([changed.status, changed.body.error_code], [400, 'INVALID_PARAMETER_VALUE']);
    assert.match(changed.body.message, /Changing param values is not allowed/);
    await post('runs/set-tag', { run_id: id, key: 'team', value: 'x' });
    await post('runs/set-tag', { run_id: id, key: 'mlflow.runName', value: 'renamed' });
    assert.deepEqual((await post('runs/delete-tag', { run_id: id, key: 'team' })).body, {});
    const noTag = await post('runs/delete-tag', { run_id: id, key: 'team' });
    assert.deepEqual([noTag.status, noTag.body.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
    const updated = await post('runs/update', { run_id: id, run_uuid: id, status: 'FINISHED', end_time: 5000 });
    assert.equal(updated.body.run_info.status, 'FINISHED');
    assert.equal(updated.body.run_info.end_time, 5000);
    const got = await get(`runs/get?run_id=${id}`);
    assert.equal(got.body.run.info.run_name, 'renamed');
    assert.deepEqual(got.body.run.data.params, [{ key: 'lr', value: '0.1' }]);
    assert.equal(store.getRun(id)!.status, 'finished');
    assert.equal(store.getRun(id)!.name, 'renamed');
    const unknown = await get(`runs/get?run_id=${'f'.repeat(32)}`);
    assert.deepEqual([unknown.status, unknown.body.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
    assert.deepEqual((await post('runs/delete', { run_id: id })).body, {});
    assert.equal((await get(`runs/get?run_id=${id}`)).body.run.info.lifecycle_stage, 'deleted');
    const closed = await post('runs/log-metric', { run_id: id, key: 'm', value: 1, timestamp: 1 });
    assert.equal(closed.body.error_code, 'INVALID_PARAMETER_VALUE');
    await post('runs/restore', { run_id: id });
    assert.equal((await get(`runs/get?run_id=${id}`)).body.run.info.lifecycle_stage, 'active');
  });

  it('log-metric and log-batch: values, NaN, limits, and all-or-nothing param immutability', async () => {
    const id = (await newRun()).info.run_id;
    await post('runs/log-metric', { run_id: id, key: 'acc', value: 0.5, timestamp: 10, step: 1 });
    await post('runs/log-metric', { run_id: id, key: 'acc', value: 'NaN', timestamp: '11', step: '2' });
    const batch = await post('runs/log-batch', {
      run_id: id,
      metrics: [{ key: 'acc', value: 0.9, timestamp: 12, step: 3 }, { key: 'loss', value: 'Infinity', timestamp: 12 }],
      params: [{ key: 'lr', value: '0.1' }],
      tags: [{ key: 't', value: 'v' }],
    });
    assert.deepEqual([batch.status, batch.body], [200, {}]);
    const run = (await get(`runs/get?run_id=${id}`)).body.run;
    assert.deepEqual(run.data.metrics.find((m: { key: string }) => m.key === 'acc'), { key: 'acc', value: 0.9, timestamp: 12, step: 3 });
    assert.deepEqual(run.data.metrics.find((m: { key: string }) => m.key === 'loss'), { key: 'loss', value: 'Infinity', timestamp: 12, step: 0 });

    const m = (n: number) => Array.from({ length: n }, (_, i) => ({ key: 'x', value: i, timestamp: 1, step: i }));
    const kv = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    for (const [body, what] of [[{ metrics: m(1001) }, 'metrics'], [{ params: kv(101) }, 'params'], [{ tags: kv(101) }, 'tags'],
      [{ metrics: m(950), params: kv(60) }, 'in total']] as const) {
      const res = await post('runs/log-batch', { run_id: id, ...body });
      assert.deepEqual([res.status, res.body.error_code], [400, 'INVALID_PARAMETER_VALUE'], what);
      assert.match(res.body.message, new RegExp(what));
    }
    assert.equal((await post('runs/log-batch', { run_id: id, metrics: m(1000) })).status, 200);
    const conflict = await post('runs/log-batch', { run_id: id, metrics: [{ key: 'never', value: 1, timestamp: 1 }], params: [{ key: 'lr', value: '0.5' }] });
    assert.equal(conflict.body.error_code, 'INVALID_PARAMETER_VALUE');
    assert.equal(store.readMetric(id, 'never'), undefined);
    const typo = await post('runs/log-batch', { run_id: id, metrics: [{ key: 'a', value: 'big', timestamp: 1 }] });
    assert.deepEqual([typo.status, typo.body.error_code], [400, 'INVALID_PARAMETER_VALUE']);
  });

  it('get-history pages across chunk boundaries with exact values', async () => {
    const id = (await newRun()).info.run_id;
    const n = 2500;
    for (let start = 0; start < n; start += 1000) {
      const metrics = [];
      for (let i = start; i < Math.min(n, start + 1000); i++) metrics.push({ key: 'loss', value: i === 7 ? 'NaN' : i / 8, timestamp: 1000 + i, step: i });
      assert.equal((await post('runs/log-batch', { run_id: id, metrics })).status, 200);
    }
    const pages: { metrics: { key: string; value: number | string; timestamp: number; step: number }[]; next_page_token?: string }[] = [];
    let token: string | undefined;
    do {
      const res = await get(`metrics/get-history?run_id=${id}&metric_key=loss&max_results=1000${token ? `&page_token=${encodeURIComponent(token)}` : ''}`);
      assert.equal(res.status, 200);
      pages.push(res.body);
      token = res.body.next_page_token;
    } while (token);
    assert.deepEqual(pages.map((p) => p.metrics.length), [1000, 1000, 500]);
    const all = pages.flatMap((p) => p.metrics);
    all.forEach((p, i) => assert.deepEqual(p, { key: 'loss', value: i === 7 ? 'NaN' : i / 8, timestamp: 1000 + i, step: i }));
    const whole = await get(`metrics/get-history?run_id=${id}&metric_key=loss`);
    assert.equal(whole.body.metrics.length, n);
    assert.equal(whole.body.next_page_token, undefined);
    assert.deepEqual((await get(`metrics/get-history?run_id=${id}&metric_key=none`)).body, { metrics: [] });
    assert.equal((await get(`metrics/get-history?run_id=${id}&metric_key=loss&page_token=zzz`)).body.error_code, 'INVALID_PARAMETER_VALUE');
  });

  it('get-history writes steps and timestamps exactly, whatever their size', async () => {
    const id = (await newRun()).info.run_id;
    const points = [
      { step: 0, timestamp: 1_700_000_000_001 },
      { step: 2 ** 31 - 1, timestamp: 1_700_000_123_456 },
      { step: 2 ** 31, timestamp: 1 },
      { step: -5, timestamp: 999_999 },
      { step: Number.MAX_SAFE_INTEGER, timestamp: 1_000_000 },
    ];
    const metrics = points.map((p, i) => ({ key: 'edge', value: i + 0.5, ...p }));
    assert.equal((await post('runs/log-batch', { run_id: id, metrics })).status, 200);
    const history = await get(`metrics/get-history?run_id=${id}&metric_key=edge`);
    assert.deepEqual(history.body.metrics, metrics);
  });

  it('get-history of a long series (formatted in worker threads) is exact and in order', async () => {
    const id = (await newRun()).info.run_id;
    const n = 45_001;
    const steps = Float64Array.from({ length: n }, (_, i) => i * 3);
    const timestamps = Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i);
    const values = Float64Array.from({ length: n }, (_, i) => (i % 1000 === 7 ? NaN : Math.sin(i) / 7));
    store.transaction(() => store.metrics.appendSeries(id, 'long', { steps, timestamps, values }));
    const history = await get(`metrics/get-history?run_id=${id}&metric_key=long`);
    const got = history.body.metrics as { key: string; value: number | string; timestamp: number; step: number }[];
    assert.equal(got.length, n);
    got.forEach((p, i) => assert.deepEqual(p, { key: 'long', value: Number.isNaN(values[i]) ? 'NaN' : values[i], timestamp: timestamps[i], step: steps[i] }));
  });

  it('runs/search: filters on metrics, params, tags and attributes, order_by, paging', async () => {
    const exp = (await post('experiments/create', { name: 'search' })).body.experiment_id as string;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = (await post('runs/create', { experiment_id: exp, start_time: 100 + i, run_name: `r${i}` })).body.run.info.run_id as string;
      ids.push(id);
      await post('runs/log-batch', {
        run_id: id,
        metrics: i === 4 ? [] : [{ key: 'acc', value: [0.8, 0.85, 0.95, 0.99][i], timestamp: 1, step: 0 }],
        params: [{ key: 'lr', value: i % 2 ? '0.1' : '0.01' }],
        tags: [{ key: 'team', value: i < 2 ? 'Vision' : 'nlp' }],
      });
      if (i === 3) await post('runs/update', { run_id: id, status: 'FINISHED', end_time: 500 });
    }
    const search = async (body: Record<string, unknown>) => {
      const res = await post('runs/search', { experiment_ids: [exp], ...body });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body as { runs: { info: { run_name: string } }[]; next_page_token?: string };
    };
    const names = (b: { runs: { info: { run_name: string } }[] }) => b.runs.map((r) => r.info.run_name);
    assert.deepEqual(names(await search({})), ['r4', 'r3', 'r2', 'r1', 'r0']);
    assert.deepEqual(names(await search({ filter: 'metrics.acc > 0.9' })), ['r3', 'r2']);
    assert.deepEqual(names(await search({ filter: "metrics.acc >= 0.85 and params.lr = '0.1'" })), ['r3', 'r1']);
    assert.deepEqual(names(await search({ filter: "tags.team != 'nlp'" })), ['r1', 'r0']);
    assert.deepEqual(names(await search({ filter: "tags.team LIKE 'vis%'" })), []);
    assert.deepEqual(names(await search({ filter: "tags.team ILIKE 'vis%'" })), ['r1', 'r0']);
    assert.deepEqual(names(await search({ filter: "attributes.status = 'FINISHED'" })), ['r3']);
    assert.deepEqual(names(await search({ filter: "attributes.run_name IN ('r0', 'r4')" })), ['r4', 'r0']);
    assert.deepEqual(names(await search({ filter: 'attributes.start_time <= 101' })), ['r1', 'r0']);
    assert.deepEqual(names(await search({ filter: 'tags.`mlflow.runName` = "r2"' })), ['r2']);
    assert.deepEqual(names(await search({ order_by: ['metrics.acc DESC'] })), ['r3', 'r2', 'r1', 'r0', 'r4']);
    assert.deepEqual(names(await search({ order_by: ['metrics.acc ASC'] })), ['r0', 'r1', 'r2', 'r3', 'r4']);
    assert.deepEqual(names(await search({ order_by: ['attributes.start_time'] })), ['r0', 'r1', 'r2', 'r3', 'r4']);
    const page1 = await search({ max_results: 2, order_by: ['start_time ASC'] });
    const page2 = await search({ max_results: 2, order_by: ['start_time ASC'], page_token: page1.next_page_token });
    const page3 = await search({ max_results: 2, order_by: ['start_time ASC'], page_token: page2.next_page_token });
    assert.deepEqual([names(page1), names(page2), names(page3)], [['r0', 'r1'], ['r2', 'r3'], ['r4']]);
    assert.equal(page3.next_page_token, undefined);
    for (const filter of ["metrics.acc > 'high'", 'params.lr = 0.1', 'foo.bar = 1', "status = 'X' OR status = 'Y'", 'metrics.acc >']) {
      const res = await post('runs/search', { experiment_ids: [exp], filter });
      assert.deepEqual([res.status, res.body.error_code], [400, 'INVALID_PARAMETER_VALUE'], filter);
    }
    const viaGet = await get(`runs/search?experiment_ids=${exp}&experiment_ids=0&max_results=1`);
    assert.equal(viaGet.body.runs.length, 1);
  });

  it('artifact proxy: PUT, GET with the same sha256, and listing', async () => {
    const run = await newRun();
    const base = `/api/2.0/mlflow-artifacts/artifacts/0/${run.info.run_id}/artifacts`;
    const content = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    const put = await rawRequest(endpoint, 'PUT', `${base}/model/weights%20v1.bin`, { body: content, headers: { 'content-type': 'application/octet-stream' } });
    assert.deepEqual([put.status, put.json()], [200, {}]);
    await rawRequest(endpoint, 'PUT', `${base}/model/config.json`, { body: '{}' });
    await rawRequest(endpoint, 'PUT', `${base}/README.md`, { body: 'hi' });
    const res = await fetch(`${endpoint.url}${base}/model/weights%20v1.bin`, { headers: { authorization: `Bearer ${endpoint.token}` } });
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(createHash('sha256').update(body).digest('hex'), createHash('sha256').update(content).digest('hex'));
    const root = await api(endpoint, 'GET', `/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(`0/${run.info.run_id}/artifacts`)}`);
    assert.deepEqual(root.body, { files: [{ path: 'README.md', is_dir: false, file_size: 2 }, { path: 'model', is_dir: true }] });
    const sub = await api(endpoint, 'GET', `/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(`0/${run.info.run_id}/artifacts/model`)}`);
    assert.deepEqual(sub.body.files.map((f: { path: string }) => f.path), ['config.json', 'weights v1.bin']);
    const missing = await api(endpoint, 'GET', `${base}/nope.txt`);
    assert.deepEqual([missing.status, missing.body.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
    const escape = await rawRequest(endpoint, 'GET', `${base}/%2e%2e/%2e%2e/x`);
    assert.equal(escape.status, 400);
  });
});

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { Endpoint } from '../../../src/core/ingest/endpoint';
import type { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';
import { api, rawRequest, startTestEndpoint } from './endpointHelper';

describe('endpoint refuses bad requests and stays up', () => {
  let endpoint: Endpoint;
  let store: Store;
  let runId: string;
  const json = { 'content-type': 'application/json' };

  before(async () => {
    ({ endpoint, store } = await startTestEndpoint({ limits: { jsonBytes: 4096, artifactBytes: 8192 } }));
    runId = store.createRun({ experiment: 'e', source: 'client' });
  });

  const cases: { name: string; send: () => Promise<{ status: number; text: string; headers: Record<string, unknown> }>; status: number; code: string }[] = [
    { name: 'no token', send: () => rawRequest(endpoint, 'GET', '/api/mlwb/v1/health', { auth: false }), status: 401, code: 'UNAUTHENTICATED' },
    { name: 'wrong token', send: () => rawRequest(endpoint, 'GET', '/api/mlwb/v1/health', { headers: { authorization: 'Bearer nope' } }), status: 401, code: 'UNAUTHENTICATED' },
    { name: 'token not as Bearer', send: () => rawRequest(endpoint, 'GET', '/api/mlwb/v1/health', { headers: { authorization: endpoint.token } }), status: 401, code: 'UNAUTHENTICATED' },
    { name: 'foreign Host (DNS rebinding)', send: () => rawRequest(endpoint, 'GET', '/api/mlwb/v1/health', { headers: { host: `evil.example:${endpoint.port}` } }), status: 403, code: 'PERMISSION_DENIED' },
    { name: 'Host with another port', send: () => rawRequest(endpoint, 'GET', '/api/mlwb/v1/health', { headers: { host: '127.0.0.1:1' } }), status: 403, code: 'PERMISSION_DENIED' },
    { name: 'POST as text/plain', send: () => rawRequest(endpoint, 'POST', '/api/mlwb/v1/runs', { headers: { 'content-type': 'text/plain' }, body: '{}' }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'POST without a content type', send: () => rawRequest(endpoint, 'POST', '/api/mlwb/v1/runs', { body: '{}' }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'JSON over the limit (Content-Length)', send: () => rawRequest(endpoint, 'POST', '/api/mlwb/v1/runs', { headers: json, body: JSON.stringify({ name: 'x'.repeat(5000) }) }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { name: 'artifact over the limit', send: () => rawRequest(endpoint, 'PUT', `/api/mlwb/v1/runs/${runId}/artifacts/big.bin`, { body: Buffer.alloc(9000) }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { name: 'malformed JSON', send: () => rawRequest(endpoint, 'POST', '/api/mlwb/v1/runs', { headers: json, body: '{"name": ' }), status: 400, code: 'MALFORMED_REQUEST' },
    { name: 'JSON that is not an object', send: () => rawRequest(endpoint, 'POST', '/api/mlwb/v1/runs', { headers: json, body: '[1,2]' }), status: 400, code: 'MALFORMED_REQUEST' },
    { name: 'unknown run', send: () => rawRequest(endpoint, 'POST', `/api/mlwb/v1/runs/${'0'.repeat(32)}/batch`, { headers: json, body: '{}' }), status: 404, code: 'RESOURCE_DOES_NOT_EXIST' },
    { name: 'wrong type: metrics not an array', send: () => rawRequest(endpoint, 'POST', `/api/mlwb/v1/runs/${runId}/batch`, { headers: json, body: '{"metrics": 3}' }), status: 400, code: 'INVALID_PARAMETER_VALUE' },
    { name: 'wrong type: value a word', send: () => rawRequest(endpoint, 'POST', `/api/mlwb/v1/runs/${runId}/batch`, { headers: json, body: '{"metrics": [{"key": "a", "value": "lots", "step": 0}]}' }), status: 400, code: 'INVALID_PARAMETER_VALUE' },
    { name: 'wrong type: name a number', send: () => rawRequest(endpoint, 'POST', '/api/mlwb/v1/runs', { headers: json, body: '{"name": 5}' }), status: 400, code: 'INVALID_PARAMETER_VALUE' },
    { name: 'wrong status on end', send: () => rawRequest(endpoint, 'POST', `/api/mlwb/v1/runs/${runId}/end`, { headers: json, body: '{"status": "great"}' }), status: 400, code: 'INVALID_PARAMETER_VALUE' },
    { name: 'unknown route', send: () => rawRequest(endpoint, 'GET', '/api/mlwb/v1/nothing'), status: 404, code: 'ENDPOINT_NOT_FOUND' },
    { name: 'wrong method', send: () => rawRequest(endpoint, 'DELETE', '/api/mlwb/v1/health'), status: 405, code: 'ENDPOINT_NOT_FOUND' },
  ];
  const traversals = ['../escape.txt', 'a/../../escape.txt', '%2e%2e/escape.txt', '%2E%2E%2Fescape.txt', '%252e%252e/escape.txt', 'a%5c..%5cescape.txt',
    '%2fetc%2fpasswd', 'a/%00b.txt', './a.txt', 'a//b.txt'];
  for (const t of traversals) {
    cases.push({ name: `artifact path ${t}`, send: () => rawRequest(endpoint, 'PUT', `/api/mlwb/v1/runs/${runId}/artifacts/${t}`, { body: 'x' }), status: 400, code: 'INVALID_PARAMETER_VALUE' });
  }

  for (const c of cases) {
    it(`${c.name} → ${c.status}`, async () => {
      const res = await c.send();
      assert.equal(res.status, c.status, res.text);
      assert.match(String(res.headers['content-type']), /application\/json/);
      const body = JSON.parse(res.text) as { error: { code: string; message: string } };
      assert.equal(body.error.code, c.code);
      assert.ok(body.error.message.length > 0);
      const health = await api(endpoint, 'GET', '/api/mlwb/v1/health');
      assert.equal(health.status, 200);
      assert.equal(health.body.ok, true);
    });
  }

  it('MLflow routes answer their errors in MLflow shape', async () => {
    const res = await rawRequest(endpoint, 'GET', '/api/2.0/mlflow/runs/get?run_id=x', { auth: false });
    assert.equal(res.status, 401);
    assert.equal((res.json() as { error_code: string }).error_code, 'UNAUTHENTICATED');
  });

  it('accepts localhost as Host, and stores nothing for refused artifact paths', async () => {
    const res = await rawRequest(endpoint, 'GET', '/api/mlwb/v1/health', { headers: { host: `localhost:${endpoint.port}` } });
    assert.equal(res.status, 200);
    assert.deepEqual(store.getRun(runId)!.artifacts, []);
  });
});

describe('artifact files are read only from inside the store', () => {
  it('refuses a stored file replaced by a symlink pointing outside', async () => {
    const { endpoint, store } = await startTestEndpoint();
    const run = await api(endpoint, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0' });
    const { run_id: runId, experiment_id: exp } = run.body.run.info;
    const put = await rawRequest(endpoint, 'PUT', `/api/2.0/mlflow-artifacts/artifacts/${exp}/${runId}/artifacts/model.txt`, { body: 'weights' });
    assert.equal(put.status, 200, put.text);
    const sha = store.getRun(runId)!.artifacts[0].sha256;
    const blob = path.join(store.dir, 'artifacts', 'sha256', sha.slice(0, 2), sha.slice(2));
    const secret = path.join(tempDir(), 'secret.txt');
    fs.writeFileSync(secret, 'outside the store');
    fs.rmSync(blob);
    fs.symlinkSync(secret, blob);
    const get = await rawRequest(endpoint, 'GET', `/api/2.0/mlflow-artifacts/artifacts/${exp}/${runId}/artifacts/model.txt`);
    assert.equal(get.status, 400);
    assert.equal((get.json() as { error_code: string }).error_code, 'INVALID_PARAMETER_VALUE');
    assert.doesNotMatch(get.text, /outside the store/);
  });

  it('refuses a symlinked folder inside the store that points outside', async () => {
    const { endpoint, store } = await startTestEndpoint();
    const runId = store.createRun({ experiment: 'e', source: 'client' });
    const put = await rawRequest(endpoint, 'PUT', `/api/mlwb/v1/runs/${runId}/artifacts/a.txt`, { body: 'abc' });
    const { sha256 } = put.json() as { sha256: string };
    const shard = path.join(store.dir, 'artifacts', 'sha256', sha256.slice(0, 2));
    const outside = tempDir();
    fs.renameSync(shard, path.join(outside, 'moved'));
    fs.symlinkSync(path.join(outside, 'moved'), shard);
    const exp = store.db.prepare<[string], { experiment_id: number }>('SELECT experiment_id FROM runs WHERE id = ?').get(runId)!.experiment_id;
    const get = await rawRequest(endpoint, 'GET', `/api/2.0/mlflow-artifacts/artifacts/${exp}/${runId}/artifacts/a.txt`);
    assert.equal(get.status, 400, get.text);
  });
});

// `mlwb run` serves an endpoint for the child: the Python client and MLflow REST calls inside the
// script land in the same run as the output parsing, not in a second run.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { RunRecord } from '../../src/core/store/types';
import { gitRepo, mlwb, mlwbJson, REPO } from './harness';

const SCRIPT = `
import json, os, sys, urllib.request
import mlwb

# The mlwb client attaches to the run that mlwb run created.
with mlwb.start_run(params={"batch": 64}) as run:
    assert run.id == os.environ["MLWB_RUN_ID"], (run.id, os.environ["MLWB_RUN_ID"])
    for step in range(50):
        mlwb.log_metric("client_loss", 1.0 / (step + 1), step=step)
    mlwb.set_tag("via", "client")

# MLflow clients reach the same endpoint and the same run through MLflow's REST API.
req = urllib.request.Request(
    os.environ["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/runs/log-metric",
    data=json.dumps({"run_id": os.environ["MLFLOW_RUN_ID"], "key": "mlflow_acc", "value": 0.75,
                     "timestamp": 1700000000000, "step": 3}).encode(),
    headers={"Content-Type": "application/json", "Authorization": "Bearer " + os.environ["MLFLOW_TRACKING_TOKEN"]},
)
urllib.request.urlopen(req).read()
print("epoch 1 printed_loss=0.5")
`;

describe('mlwb run with an endpoint for the child', () => {
  it('puts client, MLflow and printed metrics into one run', async () => {
    const repo = gitRepo({ 'train.py': SCRIPT });
    const env = { PYTHONPATH: path.join(REPO, 'python') };
    const r = await mlwb(['run', '--', 'python3', 'train.py'], repo, env);
    assert.equal(r.code, 0, r.stderr);
    const runs = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    assert.equal(runs.length, 1, 'one run, not one per channel');
    const [run] = runs;
    assert.equal(run.status, 'finished');
    assert.equal(run.params.batch, 64);
    assert.equal(run.tags.via, 'client');
    assert.equal(run.metrics.client_loss.count, 50);
    assert.equal(run.metrics.client_loss.last, 1 / 50);
    assert.equal(run.metrics.mlflow_acc.last, 0.75);
    assert.equal(run.metrics.printed_loss.last, 0.5);
  });
});

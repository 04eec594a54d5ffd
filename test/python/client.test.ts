import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Store } from '../../src/core/store/store';
import { tempDir } from '../helpers/tmp';
import { CLI, FIXTURES, PYTHON, clientEnv, cli, lastJson, listRuns, run, showRun, startServer } from './harness';

interface BasicResult {
  ok: string;
  failed: string;
  plain: string;
  name: string;
  active: null;
  dataset: { path: string; sha256: string; bytes: number; rows: number };
  artifact: { path: string; sha256: string; bytes: number };
}

function spoolFiles(storeDir: string): string[] {
  const dir = path.join(storeDir, 'spool');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl')) : [];
}

/** Checks what client_basic.py logged, as the CLI reads it back from the store. */
async function checkBasicRuns(storeDir: string, result: BasicResult): Promise<void> {
  const ok = await showRun(storeDir, result.ok);
  assert.equal(ok.name, 'basic');
  assert.equal(ok.experiment, 'client-tests');
  assert.equal(ok.status, 'finished');
  assert.equal(ok.source, 'client');
  assert.deepEqual(ok.params, { lr: 0.1, opt: 'adam', epochs: 3, batch: 32, nan_param: 'nan' });
  assert.deepEqual(ok.tags, { team: 'ml', stage: 'test', seed: '7' });
  assert.deepEqual(ok.metrics.loss, { last: 0.1, min: 0.1, max: 1, count: 10, lastStep: 9 });
  assert.deepEqual(ok.metrics.auto, { last: 3, min: 1, max: 3, count: 3, lastStep: 2 });
  // Non-finite values travel as strings and come back as such (min/max skip NaN).
  assert.equal(ok.metrics.nan.last, 'NaN' as unknown as number);
  assert.equal(ok.metrics.inf.last, 'Infinity' as unknown as number);
  assert.equal(ok.metrics.ninf.last, '-Infinity' as unknown as number);
  assert.equal(ok.metrics.nan.lastStep, 5);
  assert.deepEqual(ok.data, [{ path: 'train.csv', sha256: result.dataset.sha256, bytes: 22, rows: 2 }]);

  const failed = await showRun(storeDir, result.failed);
  assert.equal(failed.name, 'crash');
  assert.equal(failed.status, 'failed');
  assert.equal(failed.metrics.loss.count, 1);

  const plain = await showRun(storeDir, result.plain);
  assert.equal(plain.status, 'finished');
  assert.equal(plain.experiment, 'Default');
  assert.equal(plain.metrics.acc.last, 0.75);
}

describe('Python client against the real endpoint', () => {
  it('logs params, metrics with steps, NaN/±inf, tags, a dataset and an artifact; an exception fails the run', async () => {
    const dir = tempDir();
    const storeDir = path.join(dir, '.mlwb');
    await startServer(storeDir);
    const r = await run(PYTHON, [path.join(FIXTURES, 'client_basic.py')], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'a reachable endpoint means no warnings');
    const result = lastJson<BasicResult>(r.stdout);
    assert.equal(result.name, 'basic');
    assert.equal(result.active, null);
    await checkBasicRuns(storeDir, result);

    const ok = await showRun(storeDir, result.ok);
    assert.deepEqual(ok.artifacts, [{ path: 'models/model.bin', sha256: result.artifact.sha256, bytes: 1024 }]);
    assert.equal(result.artifact.sha256, '785b0751fc2c53dc14a4ce3d800e69ef9ce1009eb327ccf458afe09c242c26c9');
    const store = Store.open({ storeDir, cwd: dir, create: false });
    try {
      const stamped = store.readMetric(result.ok, 'stamped')!;
      assert.deepEqual([...stamped.timestamps], [1700000000123], 'timestamps are milliseconds, kept exactly');
      const bulk = store.readMetric(result.ok, 'bulk')!;
      assert.deepEqual([...bulk.steps], [0, 1, 2, 10, 11], 'log_series continues auto steps, then takes given ones');
      assert.deepEqual([...bulk.values], [0.5, NaN, 2.5, 3.5, 4.5]);
      assert.deepEqual([...bulk.timestamps.slice(3)], [1700000000001, 1700000000002]);
      const loss = store.readMetric(result.ok, 'loss')!;
      assert.deepEqual([...loss.steps], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.ok(loss.timestamps.every((t) => Math.abs(t - Date.now()) < 60_000), 'default timestamps are now, in ms');
    } finally {
      store.close();
    }
    assert.deepEqual(spoolFiles(storeDir), []);
  });

  it('with no endpoint, spools with one warning (artifacts too); mlwb sync creates the store and imports it exactly once', async () => {
    const dir = tempDir();
    const storeDir = path.join(dir, '.mlwb');
    const r = await run(PYTHON, [path.join(FIXTURES, 'client_basic.py')], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^mlwb: no endpoint is running .*; spooling to .*spool — the next `mlwb serve` or `mlwb sync` imports it\n$/);
    assert.equal(fs.existsSync(path.join(storeDir, 'mlwb.db')), false, 'the client only spools');
    assert.ok(spoolFiles(storeDir).length >= 1);
    assert.deepEqual(fs.readdirSync(path.join(storeDir, 'spool')).filter((n) => n.endsWith('.tmp')), [], 'every spool file is sealed');

    assert.match(await cli(['sync'], dir), /^Replayed \d+ operation\(s\) from \d+ spool file\(s\); 0 were already stored\./);
    const result = lastJson<BasicResult>(r.stdout);
    await checkBasicRuns(storeDir, result);
    const ok = await showRun(storeDir, result.ok);
    assert.deepEqual(ok.artifacts, [{ path: 'models/model.bin', sha256: result.artifact.sha256, bytes: 1024 }]);
    const blob = path.join(storeDir, 'artifacts', 'sha256', result.artifact.sha256.slice(0, 2), result.artifact.sha256.slice(2));
    assert.equal(fs.statSync(blob).size, 1024, 'the spooled copy moved into the artifact store');
    assert.deepEqual(fs.readdirSync(path.join(storeDir, 'spool', 'artifacts')), []);
    assert.deepEqual(spoolFiles(storeDir), [], 'replayed files are removed');
    assert.equal(await cli(['sync', '--store', storeDir], dir), 'Nothing to replay: the spool is empty.\n');
    assert.equal((await listRuns(storeDir)).length, 3);
    assert.equal((await showRun(storeDir, result.ok)).metrics.loss.count, 10);
  });

  it('with no store at all, spools where mlwb would create it (the git top folder), and the next mlwb serve imports it', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, '.git'));
    fs.mkdirSync(path.join(dir, 'src'));
    const r = await run(PYTHON, [path.join(FIXTURES, 'writer.py'), '--points', '5000', '--name', 'offline'], { cwd: path.join(dir, 'src') });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /no endpoint is running/);
    const storeDir = path.join(dir, '.mlwb');
    assert.equal(fs.readFileSync(path.join(storeDir, '.gitignore'), 'utf8').trim().split('\n').pop(), '*');
    const server = await startServer(storeDir);
    const { id, count } = lastJson<{ id: string; count: number }>(r.stdout);
    const shown = await showRun(storeDir, id);
    assert.equal(shown.name, 'offline');
    assert.equal(shown.status, 'finished');
    assert.equal(shown.metrics.m.count, count);
    await server.stop();
  });

  it('starts a run on the first log call and ends it at exit: finished, or failed after an uncaught exception; threads log safely', async () => {
    const dir = tempDir();
    const storeDir = path.join(dir, '.mlwb');
    await startServer(storeDir);
    for (const [mode, code, status] of [['ok', 0, 'finished'], ['crash', 1, 'failed']] as const) {
      const r = await run(PYTHON, [path.join(FIXTURES, 'implicit.py'), mode], { cwd: dir });
      assert.equal(r.code, code, r.stderr);
      const shown = await showRun(storeDir, r.stdout.trim().split('\n')[0]);
      assert.equal(shown.status, status);
      assert.equal(shown.params.mode, mode);
      assert.deepEqual(Object.keys(shown.metrics).sort(), ['t0', 't1', 't2', 't3']);
      for (const m of Object.values(shown.metrics)) assert.deepEqual([m.count, m.lastStep, m.last], [10000, 9999, 4999.5]);
    }
  });

  it('under mlwb run, attaches to its run and leaves the status to mlwb run', async () => {
    const dir = tempDir();
    const storeDir = path.join(dir, '.mlwb');
    await startServer(storeDir);
    const script = path.join(dir, 'attached.py');
    fs.writeFileSync(script, [
      'import mlwb, sys',
      'with mlwb.start_run(name="ignored", params={"lr": 0.5}) as run:',
      '    mlwb.log_metric("loss", 0.25, step=1)',
      'mlwb.end_run()',
      'print("attached", run.id, run.owned)',
      'sys.exit(3)',
    ].join('\n'));
    const r = await run(process.execPath, [CLI, 'run', '--name', 'owner', '--store', storeDir, '--', PYTHON, script], { cwd: dir, env: clientEnv() });
    assert.equal(r.code, 3, r.stderr);
    const runs = await listRuns(storeDir);
    assert.equal(runs.length, 1, 'no second run');
    const [owner] = runs;
    assert.match(r.stdout, new RegExp(`attached ${owner.id} False`));
    assert.equal(owner.name, 'owner');
    assert.equal(owner.status, 'failed', 'the exit code decides, not the client');
    assert.equal(owner.params.lr, 0.5);
    assert.equal(owner.metrics.loss.last, 0.25);
  });
});

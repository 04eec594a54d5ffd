import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { RunRecord } from '../../src/core/store/types';
import { tempDir } from '../helpers/tmp';
import { fixture, gitRepo, linearCsv, mlwb, mlwbJson, REPO, startMlwb } from './harness';

const CLIENT = { PYTHONPATH: path.join(REPO, 'python'), PYTHONDONTWRITEBYTECODE: '1' };

async function waitForFile(file: string, what: string, ms = 60_000): Promise<string> {
  for (const until = Date.now() + ms; Date.now() < until; await sleep(50)) {
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
  }
  throw new Error(`timed out waiting for ${what}`);
}

function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line, not:\n${stderr}`);
  return lines[0];
}

describe('a run deleted while its script trains (issue 12, item 6)', () => {
  it('refuses `runs rm` on a running run; with --force the script still finishes with exit 0', async () => {
    const repo = gitRepo({ 'long_train.py': fixture('long_train.py') });
    const out = tempDir();
    const ready = path.join(out, 'ready');
    const go = path.join(out, 'go');
    const run = startMlwb(['run', '--', 'python3', 'long_train.py', '--epochs', '3000', '--pause-at', '400', '--ready', ready, '--go', go], repo, CLIENT);
    await waitForFile(ready, 'the script to reach epoch 400');
    const [live] = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    assert.equal(live.status, 'running');

    const refused = await mlwb(['runs', 'rm', '--yes', live.id], repo);
    assert.equal(refused.code, 1);
    assert.match(oneLine(refused.stderr), /still running.*--force/);
    assert.deepEqual((await mlwbJson<RunRecord[]>(['runs', 'ls'], repo)).map((r) => r.id), [live.id], 'nothing deleted');

    const forced = await mlwb(['runs', 'rm', '--yes', '--force', live.id], repo);
    assert.equal(forced.code, 0, forced.stderr);
    fs.writeFileSync(go, '');
    const done = await run.done;
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /^epoch 3000 loss=/m, 'every epoch ran and was printed');
    assert.match(done.stdout, /^done: trained 3000 epochs$/m);
    assert.equal(done.stderr.match(/was deleted from the store/g)?.length ?? 0, 2, `said once by mlwb run, once by the client:\n${done.stderr}`);
    assert.doesNotMatch(done.stderr, /FOREIGN KEY|SqliteError|internal error/);
    assert.deepEqual(await mlwbJson<RunRecord[]>(['runs', 'ls'], repo), []);
  });
});

describe('runs whose process died (issue 12, item 7)', () => {
  it('shows a run whose `mlwb run` was SIGKILLed as crashed, ended when last seen', async () => {
    const repo = gitRepo({ 'long_train.py': fixture('long_train.py') });
    const out = tempDir();
    const ready = path.join(out, 'ready');
    const run = startMlwb(['run', '--', 'python3', 'long_train.py', '--epochs', '100', '--pause-at', '50', '--ready', ready, '--go', path.join(out, 'never')], repo, CLIENT);
    const scriptPid = Number(await waitForFile(ready, 'the script to reach epoch 50'));
    try {
      const [live] = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
      assert.equal(live.status, 'running');
      run.child.kill('SIGKILL');
      await run.done;
      const [after] = await mlwbJson<RunRecord[]>(['runs', 'ls', '--status', 'crashed'], repo);
      assert.equal(after?.id, live.id);
      assert.equal(after.status, 'crashed');
      assert.ok(after.endTime && after.endTime >= after.startTime);
      assert.equal(after.metrics.loss.count, 50, 'what it logged before dying is kept');
      const table = await mlwb(['runs', 'ls'], repo);
      assert.match(table.stdout, /crashed/);
      const rm = await mlwb(['runs', 'rm', '--yes', live.id], repo);
      assert.equal(rm.code, 0, 'a crashed run is not running: it deletes without --force');
    } finally {
      process.kill(scriptPid, 'SIGKILL');
    }
  });

  it('shows a client run whose Python process was SIGKILLed as crashed, and MLflow reads it as FAILED', async () => {
    const root = tempDir();
    const storeDir = path.join(root, '.mlwb');
    const serve = startMlwb(['serve', '--store', storeDir], root);
    for (let i = 0; i < 600 && !serve.stdout().includes('\n'); i++) await sleep(50);
    const url = serve.stdout().split('\n')[0].trim();
    try {
      fs.writeFileSync(path.join(root, 'long_train.py'), fixture('long_train.py'));
      const ready = path.join(root, 'ready');
      const py = spawn('python3', ['long_train.py', '--epochs', '100', '--pause-at', '20', '--ready', ready, '--go', path.join(root, 'never')],
        { cwd: root, env: { ...process.env, ...CLIENT, MLWB_STORE: storeDir }, stdio: 'ignore' });
      await waitForFile(ready, 'the client to log 20 epochs');
      const [live] = await mlwbJson<RunRecord[]>(['runs', 'ls', '--store', storeDir], root);
      assert.deepEqual([live.status, live.source], ['running', 'client']);
      py.kill('SIGKILL');
      await new Promise((resolve) => py.on('exit', resolve));
      const [after] = await mlwbJson<RunRecord[]>(['runs', 'ls', '--store', storeDir], root);
      assert.equal(after.status, 'crashed');
      assert.equal(after.metrics.client_loss.count, 20);
      const token = (JSON.parse(fs.readFileSync(path.join(storeDir, 'endpoint.json'), 'utf8')) as { token: string }).token;
      const res = await fetch(`${url}/api/2.0/mlflow/runs/get?run_id=${live.id}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(((await res.json()) as { run: { info: { status: string } } }).run.info.status, 'FAILED');
    } finally {
      serve.child.kill('SIGTERM');
      await serve.done;
    }
  });
});

describe('a damaged store (issue 12, item 9)', () => {
  it('gives one line naming mlwb doctor, and doctor --recover salvages every run with its params and metrics', async () => {
    const repo = gitRepo({ 'train.py': fixture('train_linreg.py'), 'data.csv': linearCsv(30) });
    for (const lr of ['0.1', '0.05', '0.02']) {
      const r = await mlwb(['run', '--', 'python3', 'train.py', '--lr', lr, '--epochs', '8'], repo);
      assert.equal(r.code, 0, r.stderr);
    }
    const before = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    const dir = path.join(repo, '.mlwb');
    const file = path.join(dir, 'mlwb.db');
    // Owner-only files, as every store is created now (item 13).
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);

    // One 32 KB page, the one holding the runs' environments, overwritten with garbage.
    const db = new Database(file, { readonly: true });
    const page = db.prepare("SELECT pageno FROM dbstat WHERE name = 'environments' AND pagetype = 'leaf' LIMIT 1").pluck().get() as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    assert.equal(pageSize, 32768);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (page - 1) * pageSize);
    fs.closeSync(fd);

    for (const args of [['runs', 'ls'], ['runs', 'show', before[0].id], ['export', '--format', 'json']]) {
      const r = await mlwb(args, repo);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(oneLine(r.stderr), /^mlwb: The run store .*mlwb\.db is damaged \(database disk image is malformed\)\. — Run `mlwb doctor`.*`mlwb doctor --recover`/);
    }
    const doctor = await mlwb(['doctor'], repo);
    assert.equal(doctor.code, 1);
    assert.match(doctor.stdout, /the file is damaged/);

    const recover = await mlwb(['doctor', '--recover'], repo);
    assert.equal(recover.code, 0, recover.stderr);
    assert.match(recover.stdout, /Recovered 3 run\(s\)/);
    const kept = fs.readdirSync(dir).filter((n) => /^mlwb\.db\.damaged-[\dTZ-]+$/.test(n));
    assert.equal(kept.length, 1, 'the damaged file is kept, renamed');

    const after = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    assert.deepEqual(after.map((r) => r.id), before.map((r) => r.id));
    for (const [i, run] of after.entries()) {
      assert.deepEqual(run.params, before[i].params);
      assert.deepEqual(run.metrics, before[i].metrics);
      assert.deepEqual(run.git, before[i].git);
      assert.equal(run.env, null, 'the environments were on the damaged page');
    }
    assert.equal((await mlwb(['doctor'], repo)).code, 0);
  });
});

describe('edge values through the Python client (issue 12, item 18)', () => {
  it('keeps a metric and param named __proto__, min/max of a +Infinity-only series, and refuses steps past 2^53 in the caller', async () => {
    const repo = gitRepo({ 'edge_keys.py': fixture('edge_keys.py') });
    const r = await mlwb(['run', '--', 'python3', 'edge_keys.py'], repo, CLIENT);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.match(/^refused: mlwb: a metric step must be within ±\(2\*\*53 - 1\)/gm)?.length, 2);
    const [listed] = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    const run = await mlwbJson<RunRecord>(['runs', 'show', listed.id], repo);
    assert.ok(Object.hasOwn(run.metrics, '__proto__'));
    assert.equal(run.metrics['__proto__'].last, 0.25);
    assert.equal(run.params['__proto__'], 'p');
    assert.deepEqual([run.metrics.overflow.min, run.metrics.overflow.max], ['Infinity', 'Infinity']);
    assert.equal(run.metrics.huge_step, undefined);
  });
});

describe('files only their owner can read (issue 12, item 13)', () => {
  it('spool files, spooled artifact copies, artifacts, the database and an endpoint file are 0600 in 0700 folders', async () => {
    const root = tempDir();
    const storeDir = path.join(root, '.mlwb');
    const mode = (p: string) => fs.statSync(p).mode & 0o777;
    const umask = process.umask(0o022); // the usual one, which left everything world-readable
    try {
      fs.writeFileSync(path.join(root, 'weights.bin'), 'secret weights');
      // No endpoint anywhere: the client spools.
      const client = spawn('python3', ['-c', 'import mlwb\nwith mlwb.start_run():\n    mlwb.log_metric("loss", 0.5)\n    mlwb.log_artifact("weights.bin")\n'],
        { cwd: root, env: { ...process.env, ...CLIENT, MLWB_STORE: storeDir }, stdio: 'ignore' });
      assert.equal(await new Promise((resolve) => client.on('exit', resolve)), 0);
      const spool = path.join(storeDir, 'spool');
      for (const dir of [storeDir, spool, path.join(spool, 'artifacts')]) assert.equal(mode(dir), 0o700, dir);
      const spooled = fs.readdirSync(spool).filter((n) => n.endsWith('.jsonl'));
      assert.ok(spooled.length > 0);
      for (const name of spooled) assert.equal(mode(path.join(spool, name)), 0o600, name);
      for (const name of fs.readdirSync(path.join(spool, 'artifacts'))) assert.equal(mode(path.join(spool, 'artifacts', name)), 0o600, name);

      const sync = await mlwb(['sync', '--store', storeDir], root);
      assert.equal(sync.code, 0, sync.stderr);
      for (const name of ['mlwb.db', 'mlwb.db-wal', 'mlwb.db-shm'].filter((n) => fs.existsSync(path.join(storeDir, n)))) {
        assert.equal(mode(path.join(storeDir, name)), 0o600, name);
      }
      const blobs = path.join(storeDir, 'artifacts', 'sha256');
      const [prefix] = fs.readdirSync(blobs);
      for (const dir of [path.join(storeDir, 'artifacts'), blobs, path.join(blobs, prefix)]) assert.equal(mode(dir), 0o700, dir);
      for (const name of fs.readdirSync(path.join(blobs, prefix))) assert.equal(mode(path.join(blobs, prefix, name)), 0o600);

      const serve = startMlwb(['serve', '--store', storeDir], root);
      for (let i = 0; i < 600 && !serve.stdout().includes('\n'); i++) await sleep(50);
      assert.equal(mode(path.join(storeDir, 'endpoint.json')), 0o600);
      serve.child.kill('SIGTERM');
      await serve.done;

      // A store an older version left open to everyone is closed again on the next command.
      fs.chmodSync(storeDir, 0o755);
      fs.chmodSync(path.join(storeDir, 'mlwb.db'), 0o644);
      assert.equal((await mlwb(['runs', 'ls', '--store', storeDir], root)).code, 0);
      assert.equal(mode(storeDir), 0o700);
      assert.equal(mode(path.join(storeDir, 'mlwb.db')), 0o600);
    } finally {
      process.umask(umask);
    }
  });
});

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MlwbError } from '../../../src/core/errors';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/core/store/migrations';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';

const modeOf = (p: string) => fs.statSync(p).mode & 0o777;

describe('store files are readable by their owner only', () => {
  it('creates .mlwb 0700 and the database, its -wal and -shm 0600, whatever the umask', () => {
    const root = tempDir();
    const umask = process.umask(0o022);
    try {
      const store = Store.open({ cwd: root, create: true });
      store.createRun({ experiment: 'e', source: 'cli' });
      const dir = path.join(root, '.mlwb');
      assert.equal(modeOf(dir), 0o700);
      for (const name of ['mlwb.db', 'mlwb.db-wal', 'mlwb.db-shm', '.gitignore']) assert.equal(modeOf(path.join(dir, name)), 0o600, name);
      store.close();
    } finally {
      process.umask(umask);
    }
  });

  it('tightens a store an older version left 0755 / 0644 when it is opened', () => {
    const root = tempDir();
    const dir = path.join(root, '.mlwb');
    Store.open({ cwd: root, create: true }).close();
    // As the first versions left it (and as another local user could read it).
    fs.chmodSync(dir, 0o755);
    const file = path.join(dir, 'mlwb.db');
    fs.chmodSync(file, 0o644);
    const writer = new Database(file);
    writer.pragma('journal_mode = WAL');
    writer.exec('CREATE TABLE IF NOT EXISTS scratch (x)');
    for (const suffix of ['-wal', '-shm']) fs.chmodSync(file + suffix, 0o644);
    const store = Store.open({ cwd: root, create: false });
    assert.equal(modeOf(dir), 0o700);
    for (const suffix of ['', '-wal', '-shm']) assert.equal(modeOf(file + suffix), 0o600, `mlwb.db${suffix}`);
    store.close();
    writer.close();
  });
});

describe('migrations', () => {
  it('backs the store up (owner-only) before migrating it, and the copy is the store as it was', () => {
    const root = tempDir();
    const dir = path.join(root, '.mlwb');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'mlwb.db');
    // A store at schema 2 with a run that was left running, as the previous release wrote it.
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    for (const m of MIGRATIONS.slice(0, 2)) old.exec(m as string);
    old.pragma('user_version = 2');
    old.prepare("INSERT INTO experiments (id, name, created_at) VALUES (1, 'train.py', 1)").run();
    old.prepare("INSERT INTO runs (id, experiment_id, name, status, source, start_time) VALUES ('a1', 1, 'old run', 'running', 'script', ?)").run(Date.now());
    old.prepare("INSERT INTO params (run_id, key, value, type) VALUES ('a1', 'lr', '0.1', 'number')").run();
    old.close();

    const store = Store.open({ cwd: root, create: false });
    assert.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    const run = store.getRun('a1')!;
    assert.deepEqual([run.name, run.status, run.params], ['old run', 'running', { lr: 0.1 }], 'a run without an owner is not judged until it is a day old');
    store.updateRun('a1', { status: 'crashed' });
    assert.equal(store.getRun('a1')!.status, 'crashed', 'the migrated schema takes the new status');
    assert.throws(() => store.updateRun('a1', { status: 'bogus' as 'crashed' }), /CHECK constraint/);
    store.close();

    const backups = fs.readdirSync(path.join(dir, 'backups'));
    assert.equal(backups.length, 1);
    assert.match(backups[0], /^mlwb-v2-\d{4}-\d\d-\d\dT[\d-]+Z\.db$/);
    assert.equal(modeOf(path.join(dir, 'backups')), 0o700);
    const backup = path.join(dir, 'backups', backups[0]);
    assert.equal(modeOf(backup), 0o600);
    const copy = new Database(backup, { readonly: true });
    assert.equal(copy.pragma('user_version', { simple: true }), 2);
    assert.deepEqual(copy.prepare('SELECT id, name, status FROM runs').all(), [{ id: 'a1', name: 'old run', status: 'running' }]);
    copy.close();

    Store.open({ cwd: root, create: false }).close();
    assert.equal(fs.readdirSync(path.join(dir, 'backups')).length, 1, 'an up-to-date store is not copied again');
  });
});

describe('edge values', () => {
  it('refuses steps beyond 2^53, where 2^63 and 2^63 - 1 would be one step, and keeps 2^53 - 1 exact', () => {
    const store = Store.open({ cwd: tempDir(), create: true });
    const id = store.createRun({ experiment: 'e', source: 'cli' });
    for (const step of [2 ** 63, 2 ** 63 - 1, -(2 ** 53), 2 ** 53]) {
      assert.throws(() => store.logMetrics(id, [{ key: 'loss', value: 1, step, timestamp: 1 }]),
        (e: unknown) => e instanceof MlwbError && /beyond ±2\^53/.test(e.message), String(step));
    }
    assert.equal(store.getRun(id)!.metrics.loss, undefined, 'nothing of a refused batch is stored');
    store.logMetrics(id, [{ key: 'loss', value: 1, step: Number.MAX_SAFE_INTEGER - 1, timestamp: 1 }, { key: 'loss', value: 2, step: Number.MAX_SAFE_INTEGER, timestamp: 2 }]);
    assert.deepEqual([...store.readMetric(id, 'loss')!.steps], [Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER]);
    store.close();
  });

  it('summarises a series of only +Infinity (or -Infinity) with that min and max; only NaN has none', () => {
    const store = Store.open({ cwd: tempDir(), create: true });
    const id = store.createRun({ experiment: 'e', source: 'cli' });
    const points = (key: string, values: number[]) => values.map((value, step) => ({ key, value, step, timestamp: step }));
    store.logMetrics(id, [...points('up', [Infinity, Infinity]), ...points('down', [-Infinity]), ...points('none', [NaN, NaN])]);
    store.logMetrics(id, points('up', [NaN]));
    const m = store.getRun(id)!.metrics;
    assert.deepEqual([m.up.min, m.up.max, m.up.count], [Infinity, Infinity, 3]);
    assert.deepEqual([m.down.min, m.down.max], [-Infinity, -Infinity]);
    assert.deepEqual([m.none.min, m.none.max], [null, null]);
    store.close();
  });

  it('stores and returns a metric, param and tag named __proto__ like any other key', () => {
    const store = Store.open({ cwd: tempDir(), create: true });
    const id = store.createRun({ experiment: 'e', source: 'cli' });
    store.logMetrics(id, [{ key: '__proto__', value: 0.5, step: 1, timestamp: 1 }]);
    store.logParams(id, JSON.parse('{"__proto__": 3}') as Record<string, number>);
    store.setTags(id, JSON.parse('{"__proto__": "x"}') as Record<string, string>);
    for (const run of [store.getRun(id)!, store.listRuns()[0]]) {
      assert.ok(Object.hasOwn(run.metrics, '__proto__'));
      assert.equal(run.metrics['__proto__'].last, 0.5);
      assert.equal(Object.getPrototypeOf(run.metrics), Object.prototype, 'an ordinary object, its prototype untouched');
      assert.ok(Object.hasOwn(run.params, '__proto__'));
      assert.equal(run.params['__proto__'], 3);
      assert.equal(run.tags['__proto__'], 'x');
      assert.match(JSON.stringify(run), /"metrics":\{"__proto__":\{"last":0.5/);
    }
    store.close();
  });
});

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MlwbError } from '../../../src/core/errors';
import { CHUNK_POINTS } from '../../../src/core/store/metricChunks';
import { SCHEMA_VERSION } from '../../../src/core/store/migrations';
import { Store } from '../../../src/core/store/store';
import type { MetricPoint } from '../../../src/core/store/types';
import { tempDir } from '../../helpers/tmp';

function newStore(): Store {
  return Store.open({ cwd: tempDir(), create: true });
}

describe('store location', () => {
  it('creates .mlwb with a .gitignore on first write and finds it from a subfolder', () => {
    const root = tempDir();
    const store = Store.open({ cwd: root, create: true });
    store.close();
    assert.equal(fs.readFileSync(path.join(root, '.mlwb', '.gitignore'), 'utf8').trim().split('\n').at(-1), '*');
    const sub = path.join(root, 'a', 'b');
    fs.mkdirSync(sub, { recursive: true });
    const found = Store.open({ cwd: sub, create: false });
    assert.equal(found.dir, path.join(root, '.mlwb'));
    found.close();
  });

  it('creates a new store at the top of the enclosing git repository, not in the subfolder', () => {
    const repo = tempDir();
    fs.mkdirSync(path.join(repo, '.git'));
    const sub = path.join(repo, 'src', 'models');
    fs.mkdirSync(sub, { recursive: true });
    const store = Store.open({ cwd: sub, create: true });
    assert.equal(store.dir, path.join(repo, '.mlwb'));
    store.close();
  });

  it('a git repository inside another keeps its own store, even when the outer one has a store', () => {
    const outer = tempDir();
    fs.mkdirSync(path.join(outer, '.git'));
    Store.open({ cwd: outer, create: true }).close();
    const inner = path.join(outer, 'vendor', 'project');
    fs.mkdirSync(path.join(inner, '.git'), { recursive: true });
    fs.mkdirSync(path.join(inner, 'scripts'));
    assert.throws(() => Store.open({ cwd: path.join(inner, 'scripts'), create: false }), /No run store found/, 'the outer store is not the inner project\'s');
    const store = Store.open({ cwd: path.join(inner, 'scripts'), create: true });
    assert.equal(store.dir, path.join(inner, '.mlwb'));
    store.close();
    // A subfolder of the outer repository, outside the inner one, still finds the outer store.
    fs.mkdirSync(path.join(outer, 'src'));
    const outerFound = Store.open({ cwd: path.join(outer, 'src'), create: false });
    assert.equal(outerFound.dir, path.join(outer, '.mlwb'));
    outerFound.close();
  });

  it('says clearly when there is no store to read', () => {
    assert.throws(() => Store.open({ cwd: tempDir(), create: false }), (e: unknown) =>
      e instanceof MlwbError && /No run store found/.test(e.message));
  });

  it('uses WAL, foreign keys and the current schema version', () => {
    const store = newStore();
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    store.close();
  });

  it('refuses a store written by a newer version, and leaves it untouched', () => {
    const root = tempDir();
    Store.open({ cwd: root, create: true }).close();
    const file = path.join(root, '.mlwb', 'mlwb.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    assert.throws(() => Store.open({ cwd: root, create: false }), /newer ML Workbench/);
    const again = new Database(file);
    assert.equal(again.pragma('user_version', { simple: true }), SCHEMA_VERSION + 1);
    again.close();
  });

  it('reports a corrupt database file instead of overwriting it', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, '.mlwb'));
    const file = path.join(root, '.mlwb', 'mlwb.db');
    fs.writeFileSync(file, 'this is not sqlite at all, just text that is long enough to be a header');
    assert.throws(() => Store.open({ cwd: root, create: true }), (e: unknown) =>
      e instanceof MlwbError && /is damaged \(file is not a database\)/.test(e.message) && /mlwb doctor --recover/.test(e.oneLine));
    assert.match(fs.readFileSync(file, 'utf8'), /^this is not sqlite/);
  });
});

describe('runs', () => {
  it('stores a run with params, tags, metadata and reads it back typed', () => {
    const store = newStore();
    const id = store.createRun({ name: 'baseline', experiment: 'train.py', source: 'script', command: ['python3', 'train.py', '--lr', '0.1'] });
    store.logParams(id, { lr: 0.1, amp: true, optimizer: 'adam' });
    store.setTags(id, { team: 'vision' });
    store.addDataset(id, { path: 'data/train.csv', sha256: 'ab'.repeat(32), bytes: 120, rows: 3 });
    store.finishRun(id, 'failed', 2);
    const run = store.getRun(id)!;
    assert.equal(run.name, 'baseline');
    assert.equal(run.experiment, 'train.py');
    assert.equal(run.status, 'failed');
    assert.equal(run.exitCode, 2);
    assert.deepEqual(run.command, ['python3', 'train.py', '--lr', '0.1']);
    assert.deepEqual(run.params, { amp: true, lr: 0.1, optimizer: 'adam' });
    assert.deepEqual(run.tags, { team: 'vision' });
    assert.equal(run.data[0].rows, 3);
    assert.ok(!Number.isNaN(Date.parse(run.startTime)) && run.endTime !== null);
    store.close();
  });

  it('resolves unique id prefixes and rejects unknown or ambiguous ones', () => {
    const store = newStore();
    const a = store.createRun({ id: 'abc111', experiment: 'e', source: 'cli' });
    store.createRun({ id: 'abc222', experiment: 'e', source: 'cli' });
    assert.equal(store.resolveRunId('abc1'), a);
    assert.throws(() => store.resolveRunId('abc'), /ambiguous/);
    assert.throws(() => store.resolveRunId('fff'), /No run with id fff/);
    assert.throws(() => store.resolveRunId('a%'), /not a run id/);
    store.close();
  });

  it('lists newest first, filters by experiment and status, and deletes with everything attached', () => {
    const store = newStore();
    const first = store.createRun({ experiment: 'a', source: 'cli', startTime: 1000 });
    const second = store.createRun({ experiment: 'b', source: 'cli', startTime: 2000 });
    store.finishRun(second, 'finished', 0);
    store.logMetrics(first, [{ key: 'loss', value: 1, step: 0, timestamp: 1 }]);
    assert.deepEqual(store.listRuns().map((r) => r.id), [second, first]);
    assert.deepEqual(store.listRuns({ experiment: 'a' }).map((r) => r.id), [first]);
    assert.deepEqual(store.listRuns({ status: 'finished' }).map((r) => r.id), [second]);
    store.db.prepare("UPDATE runs SET lifecycle_stage = 'deleted' WHERE id = ?").run(second);
    assert.deepEqual(store.listRuns().map((r) => r.id), [first], 'a run deleted through MLflow is not listed');
    store.deleteRuns([first]);
    assert.equal(store.getRun(first), undefined);
    assert.equal((store.db.prepare('SELECT COUNT(*) AS n FROM metric_chunks').get() as { n: number }).n, 0);
    store.close();
  });
});

describe('metrics', () => {
  it('keeps NaN and ±Infinity bit for bit, and summarises without NaN', () => {
    const store = newStore();
    const id = store.createRun({ experiment: 'e', source: 'cli' });
    const values = [0.5, NaN, Infinity, -Infinity, 0.25];
    store.logMetrics(id, values.map((value, step) => ({ key: 'loss', value, step, timestamp: 1000 + step })));
    const series = store.readMetric(id, 'loss')!;
    assert.deepEqual([...series.values], values);
    assert.deepEqual([...series.steps], [0, 1, 2, 3, 4]);
    const summary = store.getRun(id)!.metrics.loss;
    assert.deepEqual(summary, { last: 0.25, min: -Infinity, max: Infinity, count: 5, lastStep: 4 });
    store.close();
  });

  it('takes the value at the highest step as the last one, even when logged out of order', () => {
    const store = newStore();
    const id = store.createRun({ experiment: 'e', source: 'cli' });
    store.logMetrics(id, [
      { key: 'acc', value: 0.9, step: 5, timestamp: 1 },
      { key: 'acc', value: 0.1, step: 2, timestamp: 2 },
    ]);
    assert.equal(store.getRun(id)!.metrics.acc.last, 0.9);
    store.close();
  });

  it('reads back a series appended in uneven batches across chunk boundaries, in order, with paging', () => {
    const store = newStore();
    const id = store.createRun({ experiment: 'e', source: 'cli' });
    const total = CHUNK_POINTS * 3 + 17;
    let step = 0;
    for (const size of [1, 5, CHUNK_POINTS - 3, 2, CHUNK_POINTS * 2 + 1, 11]) {
      const batch: MetricPoint[] = [];
      for (let i = 0; i < size; i++, step++) batch.push({ key: 'x', value: step * 0.5, step, timestamp: step });
      store.logMetrics(id, batch);
    }
    assert.equal(step, total);
    const all = store.readMetric(id, 'x')!;
    assert.equal(all.values.length, total);
    for (let i = 0; i < total; i++) assert.equal(all.values[i], i * 0.5);
    const page = store.readMetric(id, 'x', CHUNK_POINTS - 10, CHUNK_POINTS + 20)!;
    assert.deepEqual([...page.steps], Array.from({ length: CHUNK_POINTS + 20 }, (_, i) => CHUNK_POINTS - 10 + i));
    const chunks = store.db.prepare('SELECT count FROM metric_chunks ORDER BY seq').all() as { count: number }[];
    assert.deepEqual(chunks.map((c) => c.count), [CHUNK_POINTS, CHUNK_POINTS, CHUNK_POINTS, 17]);
    store.close();
  });

  it('writes a batch all-or-nothing: a bad point stores none of the batch', () => {
    const store = newStore();
    const id = store.createRun({ experiment: 'e', source: 'cli' });
    assert.throws(() => store.logMetrics(id, [
      { key: 'ok', value: 1, step: 0, timestamp: 0 },
      { key: 'bad', value: 1, step: NaN, timestamp: 0 },
    ]), /step must be a finite number/);
    assert.deepEqual(store.getRun(id)!.metrics, {});
    store.close();
  });

  it('holds a 10⁶-point series', () => {
    const store = newStore();
    const id = store.createRun({ experiment: 'e', source: 'cli' });
    const n = 1_000_000;
    const steps = new Float64Array(n).map((_, i) => i);
    const values = steps.map((s) => Math.sin(s / 1000));
    store.transaction(() => store.metrics.appendSeries(id, 'wave', { steps, timestamps: steps, values }));
    const back = store.readMetric(id, 'wave')!;
    assert.equal(back.values.length, n);
    assert.equal(back.values[n - 1], values[n - 1]);
    assert.equal(back.steps[123_456], 123_456);
    store.close();
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeRunInto, MERGED_INTO_TAG } from '../../../src/core/live/mergeRuns';
import { RunsModel } from '../../../src/core/live/runsModel';
import { describeRun, keyMetric } from '../../../src/core/live/runSummary';
import { observeStore, watchExternalWrites, type StoreChange } from '../../../src/core/live/storeChanges';
import { TerminalTextDecoder } from '../../../src/core/live/terminalText';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';

test('terminal text: escapes removed, also when split across chunks; CRLF becomes \\n, a lone \\r (a redraw) stays', () => {
  const d = new TerminalTextDecoder();
  assert.equal(d.push('\x1b[32mepoch 1\x1b[0m loss=0.5\r\n\x1b]633;D;0'), 'epoch 1 loss=0.5\n');
  assert.equal(d.push('\x07next\x1b['), 'next');
  assert.equal(d.push('1mbold\rredraw'), 'bold\rredraw');
});

test('own writes are reported per run; other connections are noticed through data_version', () => {
  const dir = tempDir();
  const raw = Store.open({ cwd: dir, create: true });
  const changes: StoreChange[] = [];
  const store = observeStore(raw, (c) => changes.push(c));
  const id = store.createRun({ experiment: 'e', source: 'terminal' });
  store.logMetrics(id, [{ key: 'acc', value: 0.5, step: 1, timestamp: Date.now() }]);
  store.finishRun(id, 'finished', 0);
  assert.deepEqual(changes, [{ kind: 'run', runId: id }, { kind: 'run', runId: id }, { kind: 'run', runId: id }]);

  // The endpoint's batch path appends series directly; MLflow's runs/update changes run fields.
  changes.length = 0;
  store.transaction(() => store.metrics.appendSeries(id, 'loss', { steps: [2], timestamps: [Date.now()], values: [0.1] }));
  store.updateRun(id, { lifecycleStage: 'deleted' });
  assert.deepEqual(changes, [{ kind: 'run', runId: id }, { kind: 'run', runId: id }]);

  let external = 0;
  const watcher = watchExternalWrites(raw, () => external++, 60_000);
  assert.equal(watcher.check(), false, 'own writes are not external');
  const other = Store.open({ cwd: dir, create: false });
  other.createRun({ experiment: 'e', source: 'cli' });
  assert.equal(watcher.check(), true);
  assert.equal(external, 1);
  other.close();
  watcher.close();
  raw.close();
});

test('runs model: per-run updates, structure changes, merged runs hidden, key metric', () => {
  const dir = tempDir();
  const store = Store.open({ cwd: dir, create: true });
  const model = new RunsModel(store);
  model.note({ kind: 'external' });
  assert.deepEqual(model.apply(), { changed: [], structure: true });
  const terminal = store.createRun({ experiment: 'e', source: 'terminal', command: ['python3', 't.py', '--lr', '1'], startTime: 1000 });
  store.logParams(terminal, { lr: 1 });
  store.logMetrics(terminal, [{ key: 'loss', value: 0.3, step: 1, timestamp: 1 }, { key: 'val_accuracy', value: 0.9, step: 1, timestamp: 1 }]);
  const client = store.createRun({ experiment: 'e', source: 'client', command: ['python3', 't.py', '--lr', '1'], startTime: 2000 });
  model.note({ kind: 'run', runId: terminal });
  model.note({ kind: 'run', runId: client });
  assert.equal(model.apply().structure, true);
  assert.deepEqual(model.experiments()[0].runs.map((r) => r.id), [client, terminal]);
  assert.deepEqual(keyMetric(model.get(terminal)!.metrics), { key: 'val_accuracy', value: 0.9 });
  assert.match(describeRun(model.get(terminal)!, undefined, 4000), /^3s · val_accuracy 0\.9$/);

  store.setTags(terminal, { [MERGED_INTO_TAG]: client });
  model.note({ kind: 'run', runId: terminal });
  assert.equal(model.apply().structure, true);
  assert.deepEqual(model.experiments()[0].runs.map((r) => r.id), [client]);

  mergeRunInto(store, terminal, client, 'finished', 0);
  const merged = store.getRun(client)!;
  assert.equal(store.getRun(terminal), undefined);
  assert.equal(merged.status, 'finished');
  assert.equal(merged.exitCode, 0);
  assert.equal(merged.params.lr, 1);
  assert.deepEqual(Object.keys(merged.metrics).sort(), ['loss', 'val_accuracy']);
  store.close();
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import { test } from 'node:test';
import { RunsModel } from '../../../src/core/live/runsModel';
import { describeRun } from '../../../src/core/live/runSummary';
import { observeStore, type StoreChange } from '../../../src/core/live/storeChanges';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';

test('a sweep through the extension\'s store reports each crashed run, and the Runs view model shows it crashed, not ticking', async () => {
  const raw = Store.open({ cwd: tempDir(), create: true });
  const changes: StoreChange[] = [];
  const store = observeStore(raw, (c) => changes.push(c));
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  const start = Date.now() - 100_000;
  const id = store.createRun({ name: 'dead', experiment: 'e', source: 'client', startTime: start, owner: { pid: child.pid!, host: os.hostname(), start: null } });
  store.touchRun(id, start + 65_000); // last heard from 65 s in
  const model = new RunsModel(store);
  model.apply();
  assert.equal(model.get(id)!.status, 'running');

  changes.length = 0;
  assert.deepEqual(store.sweepCrashedRuns(), [id]);
  assert.deepEqual(changes, [{ kind: 'run', runId: id }], 'the view hears of it like any write');
  for (const c of changes) model.note(c);
  const update = model.apply();
  assert.deepEqual(update.changed.map((r) => r.status), ['crashed']);
  const run = model.get(id)!;
  assert.match(describeRun(run, undefined, Date.now() + 3_600_000), /^crashed · 1m 05s$/, 'labelled, and its duration stops where it was last seen');
  raw.close();
});

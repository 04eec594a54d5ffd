import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import { describe, it } from 'node:test';
import { currentOwner, processStartId, REMOTE_STALE_MS, UNOWNED_STALE_MS } from '../../../src/core/store/liveness';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';

/** A real process that has exited: its pid names nobody now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

function open(root: string): Store {
  return Store.open({ cwd: root, create: true });
}

describe('crashed runs', () => {
  it('marks a run whose owning process is gone as crashed when the store is opened, ending it when last seen', async () => {
    const root = tempDir();
    const store = open(root);
    const pid = await deadPid();
    const id = store.createRun({ experiment: 'e', source: 'client', startTime: 1_000, owner: { pid, host: os.hostname(), start: null } });
    store.touchRun(id, 5_000);
    const alive = store.createRun({ experiment: 'e', source: 'script', owner: currentOwner() });
    store.close();

    const again = open(root);
    assert.equal(again.getRun(id)!.status, 'crashed');
    assert.equal(again.getRun(id)!.endTime, new Date(5_000).toISOString());
    assert.equal(again.getRun(alive)!.status, 'running', 'this process is alive: its run stays running');
    assert.deepEqual(again.listRuns({ status: 'crashed' }).map((r) => r.id), [id]);
    again.close();
  });

  it('sees through a reused pid: a live process that started at another time is not the owner', async () => {
    const store = open(tempDir());
    const sleeper = spawn('sleep', ['30']);
    try {
      const start = processStartId(sleeper.pid!);
      assert.match(String(start), /^[0-9a-f-]+:\d+$/, 'Linux gives the boot id and the start ticks');
      const owned = store.createRun({ experiment: 'e', source: 'client', owner: { pid: sleeper.pid!, host: os.hostname(), start } });
      const reused = store.createRun({ experiment: 'e', source: 'client', owner: { pid: sleeper.pid!, host: os.hostname(), start: `${start}0` } });
      assert.deepEqual(store.sweepCrashedRuns(), [reused]);
      assert.equal(store.getRun(owned)!.status, 'running');
      assert.equal(store.getRun(reused)!.status, 'crashed');
    } finally {
      sleeper.kill();
      store.close();
    }
  });

  it('leaves a run of another host alone until its heartbeat is very stale; runs without an owner after a day', () => {
    const store = open(tempDir());
    const now = Date.now();
    // pid 1 exists here: only the host can make these runs someone else's.
    const remoteFresh = store.createRun({ experiment: 'e', source: 'script', startTime: now - 3 * REMOTE_STALE_MS, owner: { pid: 1, host: 'other-host', start: null } });
    store.touchRun(remoteFresh, now - REMOTE_STALE_MS / 2);
    const remoteStale = store.createRun({ experiment: 'e', source: 'script', startTime: now - 3 * REMOTE_STALE_MS, owner: { pid: 1, host: 'other-host', start: null } });
    store.touchRun(remoteStale, now - 2 * REMOTE_STALE_MS);
    const mlflowRecent = store.createRun({ experiment: 'e', source: 'mlflow', startTime: now - UNOWNED_STALE_MS / 2 });
    const mlflowOld = store.createRun({ experiment: 'e', source: 'mlflow', startTime: now - 2 * UNOWNED_STALE_MS });
    assert.deepEqual(store.sweepCrashedRuns(now).sort(), [remoteStale, mlflowOld].sort());
    assert.equal(store.getRun(remoteFresh)!.status, 'running');
    assert.equal(store.getRun(mlflowRecent)!.status, 'running');
    store.close();
  });

  it('a crashed run that is heard from again is running again; a finished run is never swept', async () => {
    const store = open(tempDir());
    const pid = await deadPid();
    const id = store.createRun({ experiment: 'e', source: 'client', owner: { pid, host: os.hostname(), start: null } });
    const done = store.createRun({ experiment: 'e', source: 'client', owner: { pid, host: os.hostname(), start: null } });
    store.finishRun(done, 'finished', 0);
    assert.deepEqual(store.sweepCrashedRuns(), [id]);
    store.touchRun(id);
    const run = store.getRun(id)!;
    assert.equal(run.status, 'running');
    assert.equal(run.endTime, null);
    assert.equal(store.getRun(done)!.status, 'finished');
    store.close();
  });
});

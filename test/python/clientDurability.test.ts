import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Store } from '../../src/core/store/store';
import { tempDir } from '../helpers/tmp';
import { type Done, FIXTURES, PYTHON, lastJson, spawnProcess, startServer } from './harness';

interface Logged {
  id: string;
  count: number;
  stepSum: number;
  spooled: boolean;
}

/** Every point each writer logged is in the store exactly once: same count, same steps. */
function assertStoredExactly(storeDir: string, logged: Logged[]): void {
  const store = Store.open({ storeDir, cwd: storeDir, create: false });
  try {
    for (const w of logged) {
      const run = store.getRun(w.id);
      assert.ok(run, `run ${w.id} is stored`);
      assert.equal(run.status, 'finished');
      const series = store.readMetric(w.id, 'm')!;
      assert.equal(series.steps.length, w.count, `run ${w.id.slice(0, 8)}: point count`);
      let sum = 0;
      for (const s of series.steps) sum += s;
      assert.equal(sum, w.stepSum, `run ${w.id.slice(0, 8)}: sum of steps`);
      assert.equal(new Set(series.steps).size, w.count, `run ${w.id.slice(0, 8)}: no step twice`);
      for (let i = 0; i < series.steps.length; i += 997) assert.equal(series.values[i], series.steps[i] / 2);
    }
  } finally {
    store.close();
  }
}

function resultOf(d: Done): Logged {
  assert.equal(d.code, 0, d.stderr);
  return lastJson<Logged>(d.stdout);
}

/** Resolves when the child has printed `line` on its own stdout line. */
function printed(child: ReturnType<typeof spawnProcess>['child'], line: string): Promise<void> {
  return new Promise((resolve) => {
    let text = '';
    child.stdout!.on('data', (t: string) => {
      text += t;
      if (text.split('\n').includes(line)) resolve();
    });
  });
}

describe('Python client under load and failure', () => {
  it('endpoint killed (SIGKILL) mid-run under 4 writers: after the restart replays the spool, every point is stored once', async () => {
    const dir = tempDir();
    const storeDir = path.join(dir, '.mlwb');
    const server = await startServer(storeDir);
    // 50 chunks of 1,000 points, 20 ms apart; each writer holds after its first half until the
    // endpoint is dead, so every writer is still logging when it dies.
    const resume = path.join(dir, 'resume');
    const writers = [0, 1, 2, 3].map((i) => spawnProcess(PYTHON,
      [path.join(FIXTURES, 'writer.py'), '--points', '50000', '--chunk', '1000', '--pause', '0.02', '--half', '--resume-when', resume, '--name', `w${i}`], { cwd: dir }));
    // Half of each writer's points are acknowledged before the kill.
    await Promise.all(writers.map((w) => printed(w.child, 'half')));
    await server.stop('SIGKILL');
    fs.writeFileSync(resume, '');
    const done = await Promise.all(writers.map((w) => w.done));
    const logged = done.map(resultOf);
    for (const d of done) {
      assert.equal(d.stderr.match(/does not answer/g)?.length, 1, `one warning per writer: ${d.stderr}`);
      assert.match(d.stderr, /the next `mlwb serve` or `mlwb sync` imports it/);
    }
    assert.ok(logged.every((l) => l.spooled && l.count === 50000));
    assert.ok(fs.readdirSync(path.join(storeDir, 'spool')).some((n) => n.endsWith('.jsonl')));
    // The endpoint file of the killed server is stale (its pid is gone): serve replaces it.
    const restarted = await startServer(storeDir);
    assert.deepEqual(fs.readdirSync(path.join(storeDir, 'spool')).filter((n) => n.endsWith('.jsonl')), [], 'all replayed');
    assertStoredExactly(storeDir, logged);
    await restarted.stop();
  });

  it('8 processes × 100,000 points at once against a live endpoint: exact counts', async () => {
    const dir = tempDir();
    const storeDir = path.join(dir, '.mlwb');
    const server = await startServer(storeDir);
    const writers = Array.from({ length: 8 }, (_, i) => spawnProcess(PYTHON,
      [path.join(FIXTURES, 'writer.py'), '--points', '100000', '--chunk', '10000', '--name', `p${i}`], { cwd: dir }));
    const done = await Promise.all(writers.map((w) => w.done));
    const logged = done.map(resultOf);
    for (const d of done) assert.equal(d.stderr, '');
    assert.ok(logged.every((l) => !l.spooled && l.count === 100000));
    assertStoredExactly(storeDir, logged);
    await server.stop();
  });
});

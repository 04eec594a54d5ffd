// SIGKILL of `mlwb run` (OOM killer, a closed laptop, kill -9): what was printed is in the store.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Store } from '../../src/core/store/store';
import type { RunRecord } from '../../src/core/store/types';
import { gitRepo, mlwb, REPO } from './harness';

const SCRIPT = `
import sys, time
for i in range(3000):
    print(f"log line {i} " + "x" * 40)
print("epoch 1 loss=0.5", flush=True)
time.sleep(600)
`;

describe('a killed mlwb run', () => {
  it('keeps the log up to the last burst, like the metrics', { timeout: 120_000 }, async () => {
    const repo = gitRepo({ 'train.py': SCRIPT });
    const child = spawn(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'run', '--', 'python3', 'train.py'],
      { cwd: repo, detached: true, stdio: 'ignore', env: { ...process.env, MLWB_STORE: '' } });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      // The metric of the last line is stored: the burst it came in has been written.
      let runId: string | undefined;
      while (!runId) {
        assert.equal(child.exitCode, null, 'mlwb run ended early');
        await new Promise((resolve) => setTimeout(resolve, 100));
        const runs = await mlwb(['runs', 'ls', '--json'], repo);
        if (runs.code === 0) runId = (JSON.parse(runs.stdout) as RunRecord[]).find((r) => r.metrics.loss)?.id;
      }
      process.kill(child.pid!, 'SIGKILL');
      await exited;
      const store = Store.open({ cwd: repo, create: false });
      const log = store.getLog(runId, 'stdout')!;
      store.close();
      const lines = log.content.split('\n');
      assert.equal(lines.filter((l) => l.startsWith('log line ')).length, 3000);
      assert.equal(lines[3000], 'epoch 1 loss=0.5');
      assert.equal(log.truncated, false);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL'); // the orphaned python3
      } catch {
        // already gone
      }
    }
  });
});

// `mlwb … | head`: the reader closes mlwb's stdout early, as shells do every day.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Store } from '../../src/core/store/store';
import type { RunRecord } from '../../src/core/store/types';
import { tempDir } from '../helpers/tmp';
import { FIXTURES, gitRepo, mlwbJson, REPO } from './harness';

const CLI = path.join(REPO, 'dist', 'cli.js');

/** Runs `mlwb ARGS | head -N` in bash; returns head's output, mlwb's stderr and mlwb's exit status. */
async function throughHead(args: string[], lines: number, cwd: string) {
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const errFile = path.join(tempDir(), 'stderr');
  const { stdout, stderr } = await promisify(execFile)('bash', ['-c',
    `${quoted} 2>'${errFile}' | head -${lines}; echo "mlwb exit \${PIPESTATUS[0]}" >&2; cat '${errFile}' >&2`], { cwd, maxBuffer: 1 << 26 });
  return { stdout, stderr };
}

describe('a closed stdout', () => {
  it('mlwb run … | head -3: stops echoing, records the whole output and finishes the run', async () => {
    const repo = gitRepo({ 'README.md': 'spam\n' });
    const lines = 30_000; // ~600 KB: far more than a pipe holds once head has gone
    const r = await throughHead(['run', '--', 'python3', path.join(FIXTURES, 'spam.py'), '--lines', String(lines)], 3, repo);
    assert.equal(r.stdout, 'step 0 a=0 b=0.0\nstep 1 a=1 b=0.5\nstep 2 a=2 b=1.0\n');
    assert.match(r.stderr, /^mlwb exit 0$/m, r.stderr);
    assert.doesNotMatch(r.stderr, /EPIPE|internal error|Error:/, r.stderr);
    assert.match(r.stderr, /mlwb: run \w+ finished \(exit 0\)/);

    const [run] = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    assert.equal(run.status, 'finished');
    assert.equal(run.metrics.a.count, lines);
    assert.equal(run.metrics.a.last, lines - 1);
    const store = Store.open({ cwd: repo, create: false });
    try {
      const log = store.getLog(run.id, 'stdout')!;
      assert.equal(log.content.split('\n').length - 1, lines);
      assert.ok(log.content.endsWith(`step ${lines - 1} a=${lines - 1} b=${(lines - 1) / 2}\n`));
    } finally {
      store.close();
    }
  });

  it('mlwb export --format csv | head: exits quietly', async () => {
    const dir = tempDir();
    const store = Store.open({ cwd: dir, create: true });
    try {
      for (let i = 0; i < 3000; i++) {
        const id = store.createRun({ experiment: 'e', source: 'cli', name: `run ${i}`, command: ['python3', 'train.py', '--seed', String(i)] });
        store.logParams(id, { seed: i, optimizer: 'adam with a rather long description to fill the pipe' });
      }
    } finally {
      store.close();
    }
    const r = await throughHead(['export', '--format', 'csv'], 2, dir);
    assert.equal(r.stdout.split('\n')[0].split(',')[0], 'id');
    assert.match(r.stderr, /^mlwb exit 0$/m, r.stderr);
    assert.doesNotMatch(r.stderr, /EPIPE|internal error|Error/, r.stderr);
  });
});

// `--data` on what is not a plain file, and on a file too big to hash while a short script runs.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { RunRecord } from '../../src/core/store/types';
import { tempDir } from '../helpers/tmp';
import { gitRepo, mlwb, mlwbJson, startMlwb } from './harness';

const QUICK = ['python3', '-c', 'print("epoch 1 loss=0.5")'];
/** A sparse file: gigabytes on paper, no disk space. */
function sparseFile(bytes: string): string {
  const file = path.join(tempDir('mlwb-big-'), 'big.bin');
  execFileSync('truncate', ['-s', bytes, file]);
  return file;
}

describe('mlwb run --data', { timeout: 300_000 }, () => {
  it('refuses a FIFO and /dev/zero at once, with no run created', async () => {
    const repo = gitRepo({ 'README.md': 'x\n' });
    const fifo = path.join(repo, 'stream.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const [data, kind] of [[fifo, /FIFO/], ['/dev/zero', /device/]] as const) {
      const r = await mlwb(['run', '--data', data, '--', ...QUICK], repo);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, kind);
      assert.match(r.stderr, /only files and folders/);
    }
    assert.equal(fs.existsSync(path.join(repo, '.mlwb')) ? (await mlwbJson<RunRecord[]>(['runs', 'ls'], repo)).length : 0, 0);
  });

  it('hashes a 2 GiB file to the end after a short script, showing progress', async () => {
    const repo = gitRepo({ 'README.md': 'x\n' });
    const big = sparseFile('2G');
    // The oracle (coreutils) hashes at the same time, on the other core.
    const oracle = promisify(execFile)('sha256sum', [big]).then(({ stdout }) => stdout.split(' ')[0]);
    const r = await mlwb(['run', '--data', big, '--', ...QUICK], repo);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^mlwb: hashing data: [\d.]+ of 2\.0 GiB read/m);
    const [run] = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    assert.equal(run.status, 'finished');
    assert.deepEqual(run.data, [{ path: big, sha256: await oracle, bytes: 2 ** 31, rows: null }]);
  });

  it('Ctrl-C while hashing stops it and records the data file with what is known and a note', async () => {
    const repo = gitRepo({ 'README.md': 'x\n' });
    const big = sparseFile('64G');
    const cli = startMlwb(['run', '--data', big, '--', ...QUICK], repo);
    let stderr = '';
    cli.child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    while (!/hashing data/.test(stderr)) await new Promise((resolve) => setTimeout(resolve, 50));
    cli.child.kill('SIGINT');
    const r = await cli.done;
    assert.equal(r.code, 0, r.stderr);
    const [run] = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    assert.equal(run.status, 'finished', 'the script had finished: Ctrl-C only cut the hashing short');
    assert.equal(run.data.length, 1);
    assert.equal(run.data[0].path, big);
    assert.equal(run.data[0].bytes, 64 * 2 ** 30);
    assert.equal(run.data[0].sha256, '');
    assert.match(run.data[0].note ?? '', /^not hashed: stopped after \d+ of 68719476736 bytes$/);
    assert.match(run.notes ?? '', /big\.bin: not hashed/);
    assert.match((await mlwb(['runs', 'show', run.id], repo)).stdout, /big\.bin +68719476736 bytes, \? rows, not hashed \(not hashed: stopped/);
  });
});

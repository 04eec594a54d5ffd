import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Store } from '../../src/core/store/store';
import type { RunRecord } from '../../src/core/store/types';
import { tempDir } from '../helpers/tmp';
import { fixture, git, gitRepo, linearCsv, mlwb, mlwbJson, startMlwb } from './harness';

type Truth = Record<string, [number, number][]>;

function expectedSummary(points: [number, number][]) {
  const values = points.map(([, v]) => v);
  return { last: values.at(-1), min: Math.min(...values), max: Math.max(...values), count: values.length, lastStep: points.at(-1)![0] };
}

function storeLog(repo: string, runId: string, stream: 'stdout' | 'stderr') {
  const store = Store.open({ cwd: repo, create: false });
  try {
    return store.getLog(runId, stream);
  } finally {
    store.close();
  }
}

describe('mlwb run', () => {
  const csv = linearCsv(40);
  const repo = gitRepo({ 'train.py': fixture('train_linreg.py'), 'data.csv': csv });
  const out = tempDir();

  it('tracks a training script: params, metrics as printed, git, environment, data, logs', async () => {
    const truthFile = path.join(out, 'truth.json');
    const r = await mlwb(['run', '--name', 'fit', '--tag', 'team=vision', '--data', 'data.csv', '--',
      'python3', 'train.py', '--lr', '0.1', '--epochs', '12', '--truth', truthFile], repo);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^epoch 12 loss=/m, 'output is tee\'d to the terminal');

    const [listed] = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    const run = await mlwbJson<RunRecord>(['runs', 'show', listed.id.slice(0, 6)], repo);
    assert.equal(run.status, 'finished');
    assert.equal(run.exitCode, 0);
    assert.equal(run.name, 'fit');
    assert.equal(run.experiment, 'train.py');
    assert.equal(run.source, 'script');
    assert.deepEqual(run.command, ['python3', 'train.py', '--lr', '0.1', '--epochs', '12', '--truth', truthFile]);
    // What was typed, and the script's argparse defaults for the rest (None defaults are not params).
    assert.deepEqual(run.params, { lr: 0.1, epochs: 12, truth: truthFile, data: 'data.csv', sleep: 0 });
    assert.deepEqual(run.tags, { team: 'vision', 'mlwb.param_defaults': 'data,sleep' });

    const truth = JSON.parse(fs.readFileSync(truthFile, 'utf8')) as Truth;
    assert.deepEqual(Object.keys(run.metrics).sort(), ['bias', 'grad_norm', 'loss', 'w']);
    for (const [key, points] of Object.entries(truth)) {
      assert.equal(points.length, 12);
      assert.deepEqual(run.metrics[key], expectedSummary(points), key);
    }

    assert.equal(run.git?.commit, git(repo, 'rev-parse', 'HEAD'));
    assert.equal(run.git?.branch, 'main');
    assert.equal(run.git?.dirty, false);
    const [exe, version] = execFileSync('python3', ['-c', 'import sys, platform; print(sys.executable); print(platform.python_version())'],
      { cwd: repo, encoding: 'utf8' }).trim().split('\n');
    assert.equal(run.env?.python?.executable, exe);
    assert.equal(run.env?.python?.version, version);
    assert.deepEqual(run.data, [{ path: 'data.csv', sha256: createHash('sha256').update(csv).digest('hex'), bytes: csv.length, rows: 40 }]);

    const stdoutLog = storeLog(repo, run.id, 'stdout')!;
    assert.equal(stdoutLog.content, r.stdout);
    assert.equal(stdoutLog.totalBytes, Buffer.byteLength(r.stdout));
    assert.equal(stdoutLog.truncated, false);
    assert.match(storeLog(repo, run.id, 'stderr')!.content, /^done: w=\d\.\d{3} b=\d\.\d{3}$/m);
  });

  it('marks a run from a dirty tree, and runs diff / export show how runs differ', async () => {
    fs.appendFileSync(path.join(repo, 'train.py'), '# tweaked\n');
    const r = await mlwb(['run', '--', 'python3', 'train.py', '--lr', '0.05', '--epochs', '3'], repo);
    assert.equal(r.code, 0, r.stderr);
    const [second, first] = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    assert.equal(second.git?.dirty, true);
    assert.equal(second.name, 'train lr=0.05 epochs=3');

    const diff = await mlwb(['runs', 'diff', first.id, second.id], repo);
    assert.equal(diff.code, 0, diff.stderr);
    const paramsSection = diff.stdout.split('\n\n').find((s) => s.startsWith('Parameters:'))!;
    assert.match(paramsSection, /^\s+lr\s+0\.1\s+0\.05$/m);
    assert.match(paramsSection, /^\s+epochs\s+12\s+3$/m);

    const csvOut = await mlwb(['export', '--format', 'csv'], repo);
    assert.equal(csvOut.code, 0, csvOut.stderr);
    const lines = csvOut.stdout.trimEnd().split('\r\n');
    assert.equal(lines.length, 3);
    assert.ok(lines[0].startsWith('id,name,experiment,status') && lines[0].includes('param.lr') && lines[0].includes('metric.loss'), lines[0]);
    assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]).sort(), [first.id, second.id].sort());
  });

  it('records a failing script as failed with its exit code and stderr', async () => {
    const failing = gitRepo({ 'fail.py': fixture('fail.py') });
    const r = await mlwb(['run', '--', 'python3', 'fail.py'], failing);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /boom: the data loader gave up/);
    const [run] = await mlwbJson<RunRecord[]>(['runs', 'ls'], failing);
    assert.equal(run.status, 'failed');
    assert.equal(run.exitCode, 3);
    assert.equal(run.metrics.loss.count, 1);
    assert.equal(storeLog(failing, run.id, 'stderr')!.content, 'boom: the data loader gave up\n');
  });

  it('records a command that cannot start, and exits 127', async () => {
    const dir = tempDir();
    const r = await mlwb(['run', '--', 'mlwb-no-such-program', '--x', '1'], dir);
    assert.equal(r.code, 127);
    assert.match(r.stderr, /could not start mlwb-no-such-program: not found/);
    const [run] = await mlwbJson<RunRecord[]>(['runs', 'ls'], dir);
    assert.equal(run.status, 'failed');
    assert.equal(run.exitCode, 127);
    assert.equal(run.gitNote?.includes('Not a git repository'), true);
  });

  it('stops on Ctrl-C: the child is stopped, the run is killed, metrics so far are kept', async () => {
    const pidFile = path.join(out, 'child.pid');
    const cli = startMlwb(['run', '--', 'python3', 'train.py', '--epochs', '100000', '--sleep', '0.05', '--pid-file', pidFile], repo);
    const deadline = Date.now() + 20_000;
    while ((cli.stdout().match(/^epoch \d+ /gm) ?? []).length < 3) {
      assert.ok(Date.now() < deadline, `no epochs printed: ${cli.stdout()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    cli.child.kill('SIGINT');
    const r = await cli.done;
    assert.equal(r.code, 130, r.stderr);
    const childPid = Number(fs.readFileSync(pidFile, 'utf8'));
    assert.throws(() => process.kill(childPid, 0), { code: 'ESRCH' }, 'the child process is gone');

    const [run] = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    assert.equal(run.status, 'killed');
    const printed = (r.stdout.match(/^epoch \d+ loss=\S+ w=\S+$/gm) ?? []).length;
    assert.ok(printed >= 3);
    assert.equal(run.metrics.loss.count, printed);
    assert.equal(run.metrics.loss.lastStep, printed);
    assert.ok(run.endTime !== null);
  });

  it('keeps every point when several runs write to one store at once', async () => {
    const lines = 5000;
    const busy = gitRepo({ 'spam.py': fixture('spam.py') });
    const results = await Promise.all([1, 2, 3, 4].map((i) =>
      mlwb(['run', '--name', `spam-${i}`, '--', 'python3', 'spam.py', '--lines', String(lines)], busy)));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const runs = await mlwbJson<RunRecord[]>(['runs', 'ls'], busy);
    assert.deepEqual(runs.map((r) => r.name).sort(), ['spam-1', 'spam-2', 'spam-3', 'spam-4']);
    // Python prints i / 2 as 1.0, not 1.
    const expectedBytes = Array.from({ length: lines }, (_, i) => `step ${i} a=${i} b=${i % 2 ? i / 2 : `${i / 2}.0`}\n`).join('').length;
    for (const run of runs) {
      assert.equal(run.status, 'finished');
      assert.deepEqual(run.metrics.a, { last: lines - 1, min: 0, max: lines - 1, count: lines, lastStep: lines - 1 });
      assert.deepEqual(run.metrics.b, { last: (lines - 1) / 2, min: 0, max: (lines - 1) / 2, count: lines, lastStep: lines - 1 });
      assert.equal(storeLog(busy, run.id, 'stdout')!.totalBytes, expectedBytes);
    }
  });
});

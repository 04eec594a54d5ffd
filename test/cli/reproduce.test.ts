import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { RunRecord } from '../../src/core/store/types';
import { tempDir } from '../helpers/tmp';
import { fixture, git, gitRepo, linearCsv, mlwb, mlwbJson, type RunningCli, startMlwb } from './harness';

describe('mlwb runs reproduce', () => {
  it('re-runs a dirty run from its commit and recorded diff, leaving the working tree alone', async () => {
    const repo = gitRepo({ 'src/train.py': fixture('train_linreg.py'), 'src/data.csv': linearCsv(30) });
    const src = path.join(repo, 'src');
    const train = ['run', '--', 'python3', 'train.py', '--epochs', '6', '--lr', '0.1'];
    assert.equal((await mlwb(train, src)).code, 0);

    // Uncommitted work: an edited script that needs a new, untracked helper module.
    const script = path.join(src, 'train.py');
    fs.writeFileSync(script, fs.readFileSync(script, 'utf8').replace('w, b = 0.0, 0.0', 'from helper import START\nw, b = START, 0.0'));
    fs.writeFileSync(path.join(src, 'helper.py'), 'START = 0.5\n');
    const dirtyRun = await mlwb(train, src);
    assert.equal(dirtyRun.code, 0, dirtyRun.stderr);
    const [dirty, clean] = await mlwbJson<RunRecord[]>(['runs', 'ls'], src);
    assert.equal(dirty.git?.dirty, true);
    assert.notEqual(dirty.metrics.w.last, clean.metrics.w.last, 'the edit changes the results');

    const before = { status: git(repo, 'status', '--porcelain'), script: fs.readFileSync(script, 'utf8'), worktrees: git(repo, 'worktree', 'list') };
    const r = await mlwb(['runs', 'reproduce', dirty.id.slice(0, 10)], src);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Metrics, last values: /m);
    for (const key of ['bias', 'grad_norm', 'loss', 'w']) assert.match(r.stdout, new RegExp(`^${key}\\s.*\\ssame$`, 'm'));

    const [again] = await mlwbJson<RunRecord[]>(['runs', 'ls'], src);
    assert.equal(again.tags.reproduces, dirty.id);
    assert.equal(again.name, `${dirty.name} (reproduce)`);
    assert.equal(again.experiment, dirty.experiment);
    assert.equal(again.status, 'finished');
    assert.deepEqual(again.params, dirty.params);
    assert.deepEqual(again.metrics, dirty.metrics);
    assert.equal(again.git?.commit, dirty.git?.commit);
    assert.equal(again.git?.dirty, true);
    assert.ok(again.cwd !== dirty.cwd && again.cwd?.endsWith(`${path.sep}src`), again.cwd ?? '');
    assert.equal(fs.existsSync(again.cwd!), false, 'the temporary worktree is removed');

    assert.deepEqual({ status: git(repo, 'status', '--porcelain'), script: fs.readFileSync(script, 'utf8'), worktrees: git(repo, 'worktree', 'list') }, before);
  });

  it('exits non-zero when the reproduction fails', async () => {
    const repo = gitRepo({ 'fail.py': fixture('fail.py') });
    await mlwb(['run', '--', 'python3', 'fail.py'], repo);
    const [run] = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    const r = await mlwb(['runs', 'reproduce', run.id], repo);
    assert.equal(r.code, 3);
    assert.equal(git(repo, 'worktree', 'list').split('\n').length, 1);
  });

  it('removes the worktree when the reproduction is stopped with Ctrl-C', async () => {
    const repo = gitRepo({ 'train.py': fixture('train_linreg.py'), 'data.csv': linearCsv(10) });
    const long = ['run', '--', 'python3', 'train.py', '--epochs', '100000', '--sleep', '0.05'];
    const stopAfterEpochs = async (cli: RunningCli) => {
      const deadline = Date.now() + 20_000;
      while ((cli.stdout().match(/^epoch \d+ /gm) ?? []).length < 2) {
        assert.ok(Date.now() < deadline, 'no epochs printed');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      cli.child.kill('SIGINT');
      return cli.done;
    };
    assert.equal((await stopAfterEpochs(startMlwb(long, repo))).code, 130);
    const [original] = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    const r = await stopAfterEpochs(startMlwb(['runs', 'reproduce', original.id], repo));
    assert.equal(r.code, 130, r.stderr);
    const [again] = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    assert.equal(again.tags.reproduces, original.id);
    assert.equal(again.status, 'killed');
    assert.equal(fs.existsSync(again.cwd!), false);
    assert.equal(git(repo, 'worktree', 'list').split('\n').length, 1);
  });

  it('refuses clearly when the commit is gone or there is no git record', async () => {
    const repo = gitRepo({ 'fail.py': fixture('fail.py') });
    await mlwb(['run', '--', 'python3', 'fail.py'], repo);
    const [run] = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    git(repo, 'commit', '--amend', '-q', '-m', 'rewritten');
    git(repo, 'reflog', 'expire', '--expire=now', '--all');
    git(repo, 'gc', '-q', '--prune=now');
    const r = await mlwb(['runs', 'reproduce', run.id], repo);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^mlwb: Commit [0-9a-f]{12} of run [0-9a-f]{8} is not in the repository at .* — Fetch it/);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);

    const plain = tempDir();
    fs.copyFileSync(path.join(repo, 'fail.py'), path.join(plain, 'fail.py'));
    await mlwb(['run', '--', 'python3', 'fail.py'], plain);
    const [untracked] = await mlwbJson<RunRecord[]>(['runs', 'ls'], plain);
    const r2 = await mlwb(['runs', 'reproduce', untracked.id], plain);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /^mlwb: Run [0-9a-f]{8} has no git record, so its code cannot be restored \(Not a git repository/);
    assert.equal((await mlwbJson<RunRecord[]>(['runs', 'ls'], plain)).length, 1, 'no new run');
  });
});

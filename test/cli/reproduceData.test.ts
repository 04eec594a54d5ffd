// `mlwb runs reproduce` of a run whose --data file is ignored by git, as data files usually are.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { RunRecord } from '../../src/core/store/types';
import { fixture, git, gitRepo, linearCsv, mlwb, mlwbJson } from './harness';

describe('mlwb runs reproduce with git-ignored data', { timeout: 300_000 }, () => {
  it('links the data file into the restored tree, checks its sha256, and says when it changed', async () => {
    const repo = gitRepo({ 'train.py': fixture('train_linreg.py'), '.gitignore': 'data/\n' });
    fs.mkdirSync(path.join(repo, 'data'));
    const data = path.join(repo, 'data', 'train.csv');
    fs.writeFileSync(data, linearCsv(30));
    assert.equal(git(repo, 'status', '--porcelain'), '', 'the data file is ignored');
    const r = await mlwb(['run', '--data', 'data/train.csv', '--', 'python3', 'train.py', '--data', 'data/train.csv', '--epochs', '4'], repo);
    assert.equal(r.code, 0, r.stderr);
    const [original] = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);

    const same = await mlwb(['runs', 'reproduce', original.id], repo);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stderr, /data data\/train\.csv linked from .* \(sha256 matches the run's\)/);
    for (const key of ['bias', 'loss', 'w']) assert.match(same.stdout, new RegExp(`^${key}\\s.*\\ssame$`, 'm'));
    const [again] = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    assert.equal(again.tags.reproduces, original.id);
    assert.deepEqual(again.data, original.data, 'the reproduction records the same data');
    assert.equal(fs.readFileSync(data, 'utf8'), linearCsv(30), 'the original file is untouched');
    assert.equal(fs.existsSync(again.cwd!), false, 'the restored tree is removed');

    fs.writeFileSync(data, linearCsv(50));
    const changed = await mlwb(['runs', 'reproduce', original.id], repo);
    assert.equal(changed.code, 0, changed.stderr);
    assert.match(changed.stderr, /data data\/train\.csv CHANGED since the run/);
    assert.match(changed.stdout, /^loss\s.*\s[+-][\d.e-]+$/m, 'different data, different results');
  });
});

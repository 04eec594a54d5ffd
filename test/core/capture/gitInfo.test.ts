import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { captureGit, stripCredentials } from '../../../src/core/capture/gitInfo';
import { tempDir } from '../../helpers/tmp';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

function newRepo(): string {
  const dir = tempDir('mlwb-git-');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'user.name', 'Test');
  fs.writeFileSync(path.join(dir, 'train.py'), 'print("epoch 1 loss=0.5")\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'first');
  return dir;
}

describe('git capture', () => {
  it('records commit, branch, a clean tree, and the remote without credentials', async () => {
    const repo = newRepo();
    git(repo, 'remote', 'add', 'origin', 'https://alice:s3cret-token@example.com/team/project.git');
    const { git: info, note } = await captureGit(path.join(repo));
    assert.equal(note, null);
    assert.equal(info!.commit, git(repo, 'rev-parse', 'HEAD'));
    assert.equal(info!.branch, 'main');
    assert.equal(info!.dirty, false);
    assert.equal(info!.diff, '');
    assert.equal(info!.remote, 'https://example.com/team/project.git');
  });

  it('captures tracked and untracked changes as a diff that git apply replays on the commit', async () => {
    const repo = newRepo();
    fs.writeFileSync(path.join(repo, 'train.py'), 'print("epoch 1 loss=0.25")\n');
    fs.mkdirSync(path.join(repo, 'lib'));
    fs.writeFileSync(path.join(repo, 'lib', 'helper.py'), 'X = 1\nY = 2');
    const { git: info } = await captureGit(repo);
    assert.equal(info!.dirty, true);
    assert.match(info!.diff, /loss=0\.25/);
    assert.match(info!.diff, /lib\/helper\.py/);

    // Replay in a fresh clone at the same commit: the files must come out identical.
    const clone = tempDir('mlwb-clone-');
    git(clone, 'clone', '-q', repo, '.');
    const patch = path.join(clone, '..', `${path.basename(clone)}.patch`);
    fs.writeFileSync(patch, info!.diff);
    git(clone, 'apply', patch);
    fs.rmSync(patch);
    assert.equal(fs.readFileSync(path.join(clone, 'train.py'), 'utf8'), 'print("epoch 1 loss=0.25")\n');
    assert.equal(fs.readFileSync(path.join(clone, 'lib', 'helper.py'), 'utf8'), 'X = 1\nY = 2');
  });

  it('caps a large diff and says so', async () => {
    const repo = newRepo();
    fs.writeFileSync(path.join(repo, 'big.txt'), 'x'.repeat(5000) + '\n');
    const { git: info, note } = await captureGit(repo, { maxDiffBytes: 1000 });
    assert.equal(info!.diffTruncated, true);
    assert.ok(info!.diffBytes > 5000);
    assert.ok(Buffer.byteLength(info!.diff) <= 1000);
    assert.match(note!, /cut to 1000 bytes/);
  });

  it('leaves binary untracked files out of the diff and names them', async () => {
    const repo = newRepo();
    fs.writeFileSync(path.join(repo, 'weights.bin'), Buffer.from([0, 1, 2, 3, 0, 255]));
    const { git: info, note } = await captureGit(repo);
    assert.equal(info!.dirty, true);
    assert.doesNotMatch(info!.diff, /weights\.bin/);
    assert.match(note!, /weights\.bin/);
  });

  it('gives up on a git that does not answer in time, keeping the commit and saying so', { timeout: 25_000 }, async () => {
    const repo = newRepo();
    // A file-system monitor hook that hangs: git status and git diff wait for it (30 s).
    const hook = path.join(tempDir('mlwb-hook-'), 'fsmonitor');
    fs.writeFileSync(hook, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    git(repo, 'config', 'core.fsmonitor', hook);
    fs.appendFileSync(path.join(repo, 'train.py'), 'print("more")\n');
    const { git: info, note } = await captureGit(repo, { timeoutMs: 2000 });
    assert.equal(info!.commit, git(repo, 'rev-parse', 'HEAD'));
    assert.equal(info!.dirty, true, 'a tree git could not check is not called clean');
    assert.equal(info!.diffTruncated, true);
    assert.match(note!, /did not answer in time/);
  });

  it('records why there is no code version outside a repository or before the first commit', async () => {
    const plain = tempDir('mlwb-nogit-');
    const outside = await captureGit(plain);
    assert.equal(outside.git, null);
    assert.match(outside.note!, /Not a git repository/);
    const empty = tempDir('mlwb-empty-');
    git(empty, 'init', '-q');
    const unborn = await captureGit(empty);
    assert.equal(unborn.git, null);
    assert.match(unborn.note!, /no commits yet/);
  });

  it('strips credentials only from URL-style remotes', () => {
    assert.equal(stripCredentials('https://user:pw@host/x.git'), 'https://host/x.git');
    assert.equal(stripCredentials('https://ghp_abcdef@host/x.git'), 'https://host/x.git');
    assert.equal(stripCredentials('ssh://git@host:22/x.git'), 'ssh://host:22/x.git');
    assert.equal(stripCredentials('git@github.com:org/x.git'), 'git@github.com:org/x.git');
  });
});

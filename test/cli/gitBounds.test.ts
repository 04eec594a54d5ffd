// Git capture on repositories that are big where it hurts: many untracked files, a huge edit.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Store } from '../../src/core/store/store';
import type { RunRecord } from '../../src/core/store/types';
import { tempDir } from '../helpers/tmp';
import { git, gitRepo, mlwb, mlwbJson, REPO } from './harness';

const MAX_RSS_HOOK = pathToFileURL(path.join(REPO, 'test', 'helpers', 'maxRss.mjs')).href;

/** `mlwb run` with its own peak memory (KiB) measured in its process. */
async function runMeasured(repo: string, command: string[]) {
  const file = path.join(tempDir(), 'maxrss');
  const r = await mlwb(['run', '--', ...command], repo, { NODE_OPTIONS: `--import ${MAX_RSS_HOOK}`, MLWB_TEST_MAXRSS_FILE: file });
  assert.equal(r.code, 0, r.stderr);
  return { ...r, maxRssKiB: Number(fs.readFileSync(file, 'utf8')) };
}

describe('bounded git capture', { timeout: 300_000 }, () => {
  it('records the code version in a tree with 20,000 untracked files, and says which were left out', async () => {
    const repo = gitRepo({ 'train.py': 'print("epoch 1 loss=0.5")\n' });
    const dump = path.join(repo, 'outputs');
    fs.mkdirSync(dump);
    for (let i = 0; i < 20_000; i++) fs.writeFileSync(path.join(dump, `sample-${String(i).padStart(5, '0')}.txt`), `sample ${i}\n`);

    const r = await mlwb(['run', '--', 'python3', 'train.py'], repo);
    assert.equal(r.code, 0, r.stderr);
    const [run] = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    assert.equal(run.git?.commit, git(repo, 'rev-parse', 'HEAD'));
    assert.equal(run.git?.dirty, true);
    assert.match(run.gitNote ?? '', /more than 1000 untracked files/);
    const show = await mlwb(['runs', 'show', run.id], repo);
    assert.match(show.stdout, /^ {2}note +.*more than 1000 untracked files/m);

    const store = Store.open({ cwd: repo, create: false });
    try {
      const files = store.getGit(run.id)!.git!.diff.match(/^diff --git /gm) ?? [];
      assert.ok(files.length > 0 && files.length <= 1000, `${files.length} untracked files in the diff`);
    } finally {
      store.close();
    }
  });

  it('keeps mlwb\'s memory flat when a tracked file has a 150 MB edit', async () => {
    const repo = gitRepo({ 'train.py': 'print("epoch 1 loss=0.5")\n', 'data.txt': 'row 0\n' });
    const baseline = await runMeasured(repo, ['python3', 'train.py']);

    // Large enough that a capture holding the diff (the bug: ~4.6× the edit) and a bounded one
    // (a fixed few tens of MB for the kept 5 MiB) are far apart.
    const lines: string[] = [];
    for (let i = 0; i < 4_500_000; i++) lines.push(`row ${i} value ${(i * 7) % 1000} and some text`);
    fs.appendFileSync(path.join(repo, 'data.txt'), lines.join('\n') + '\n');
    const editBytes = fs.statSync(path.join(repo, 'data.txt')).size;
    const big = await runMeasured(repo, ['python3', 'train.py']);

    const [run] = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    assert.equal(run.git?.dirty, true);
    assert.equal(run.git?.diffTruncated, true);
    // Cut at the cap, or (on a machine too busy for git to finish in its time budget) cut short.
    assert.match(run.gitNote ?? '', /was cut to \d+ bytes|did not answer in time/);
    const grownKiB = big.maxRssKiB - baseline.maxRssKiB;
    assert.ok(grownKiB * 1024 < editBytes / 2,
      `mlwb grew by ${grownKiB} KiB (baseline ${baseline.maxRssKiB} KiB) for a ${editBytes}-byte edit`);
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { test } from 'node:test';
import { MERGED_INTO_TAG } from '../../../src/core/live/mergeRuns';
import { matchCellRun, runScriptFile, runsOfScript } from '../../../src/core/live/scriptRuns';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';

test('runs of a script: found by the file their command ran, whatever the cwd or launcher', () => {
  const dir = tempDir();
  const store = Store.open({ cwd: dir, create: true });
  const script = path.join(dir, 'exp', 'train.py');
  const make = (command: string[], cwd: string, source: 'terminal' | 'script' | 'notebook' = 'terminal') =>
    store.createRun({ experiment: 'e', source, command, cwd });
  const fromFolder = make(['python', 'exp/train.py', '--lr', '0.1'], dir, 'script');
  const fromExp = make(['torchrun', '--nproc_per_node=2', 'train.py'], path.join(dir, 'exp'));
  const viaShebang = make(['./train.py'], path.join(dir, 'exp'));
  make(['python', 'train.py'], dir); // another train.py
  make(['python', '-m', 'exp.train'], dir);
  const merged = make(['python', 'exp/train.py'], dir);
  store.setTags(merged, { [MERGED_INTO_TAG]: fromFolder });
  const runs = store.listRuns();
  assert.deepEqual(new Set(runsOfScript(runs, script).map((r) => r.id)), new Set([fromFolder, fromExp, viaShebang]));
  assert.equal(runScriptFile(store.getRun(fromExp)!), script);
  store.close();
});

test('cell runs: the newest run with the cell hash; without one, the execution count (an earlier version)', () => {
  const dir = tempDir();
  const store = Store.open({ cwd: dir, create: true });
  const nb = path.join(dir, 'nb.ipynb');
  const cell = '%%track\nprint("epoch 1 loss=0.5")';
  const sha = createHash('sha256').update(cell).digest('hex');
  const older = store.createRun({ experiment: 'nb.ipynb', source: 'notebook', startTime: 1000 });
  store.setTags(older, { 'mlwb.notebook': nb, 'mlwb.cell_sha256': sha, 'mlwb.execution_count': '2' });
  const newer = store.createRun({ experiment: 'nb.ipynb', source: 'notebook', startTime: 2000 });
  store.setTags(newer, { 'mlwb.notebook': 'nb.ipynb', 'mlwb.cell_sha256': sha, 'mlwb.execution_count': '5' });
  const runs = store.listRuns();
  assert.deepEqual(matchCellRun(runs, { notebook: nb, text: cell }), { run: store.getRun(newer), current: true },
    'a relative notebook path (Jupyter server) matches too');
  assert.equal(matchCellRun(runs, { notebook: nb, text: cell + '\n# edited', executionCount: 2 })?.run.id, older);
  assert.equal(matchCellRun(runs, { notebook: nb, text: cell + '\n# edited', executionCount: 2 })?.current, false);
  assert.equal(matchCellRun(runs, { notebook: nb, text: cell + '\n# edited' }), undefined);
  assert.equal(matchCellRun(runs, { notebook: path.join(dir, 'sub', 'other.ipynb'), text: cell }), undefined);
  store.close();
});

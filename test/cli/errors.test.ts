import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Store } from '../../src/core/store/store';
import type { RunRecord } from '../../src/core/store/types';
import { tempDir } from '../helpers/tmp';
import { mlwb, mlwbJson, type CliResult } from './harness';

function assertOneLineError(r: CliResult, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, pattern);
}

describe('CLI errors', () => {
  it('says there is no store, in one line', async () => {
    assertOneLineError(await mlwb(['runs', 'ls'], tempDir()), 1, /^mlwb: No run store found in /);
  });

  it('says when an id is unknown, ambiguous or not an id', async () => {
    const dir = tempDir();
    const store = Store.open({ cwd: dir, create: true });
    store.createRun({ id: 'abcd1111000000000000000000000000', experiment: 'e', source: 'cli' });
    store.createRun({ id: 'abcd2222000000000000000000000000', experiment: 'e', source: 'cli' });
    store.close();
    assertOneLineError(await mlwb(['runs', 'show', 'abcd'], dir), 1, /^mlwb: Run id prefix abcd is ambiguous\./);
    assertOneLineError(await mlwb(['runs', 'show', 'ffff9'], dir), 1, /^mlwb: No run with id ffff9\./);
    assertOneLineError(await mlwb(['runs', 'reproduce', 'ffff9'], dir), 1, /^mlwb: No run with id ffff9\./);
    assertOneLineError(await mlwb(['runs', 'show', 'xyz'], dir), 1, /^mlwb: "xyz" is not a run id/);
    const shown = await mlwbJson<RunRecord>(['runs', 'show', 'abcd1'], dir);
    assert.equal(shown.id, 'abcd1111000000000000000000000000');
  });

  it('rejects bad mlwb run usage before creating a run', async () => {
    const dir = tempDir();
    assertOneLineError(await mlwb(['run'], dir), 2, /^mlwb: mlwb run needs a command to run\./);
    assertOneLineError(await mlwb(['run', '--bogus', '--', 'true'], dir), 2, /^mlwb: Unknown option --bogus for mlwb run\./);
    assertOneLineError(await mlwb(['run', '--tag', 'novalue', '--', 'true'], dir), 2, /^mlwb: --tag takes key=value/);
    assertOneLineError(await mlwb(['run', '--metric-pattern', '(open', '--', 'true'], dir), 2, /^mlwb: Invalid metric pattern/);
    assertOneLineError(await mlwb(['run', '--data', 'missing.csv', '--', 'true'], dir), 2, /^mlwb: Data file not found: missing\.csv\./);
    assertOneLineError(await mlwb(['run', '--', 'true'], dir, { MLWB_METRIC_PATTERNS: 'nope' }), 2, /^mlwb: MLWB_METRIC_PATTERNS must be a JSON array/);
    const runs = await mlwb(['runs', 'ls', '--json'], dir);
    assert.ok(runs.code !== 0 || JSON.parse(runs.stdout).length === 0, 'no run was recorded');
  });
});

describe('custom metric patterns', () => {
  it('come from --metric-pattern and MLWB_METRIC_PATTERNS', async () => {
    const dir = tempDir();
    const code = 'print("RESULT acc 0.75"); print("RESULT acc 0.5"); print("[it 7] score=0.25")';
    const r = await mlwb(['run', '--metric-pattern', String.raw`RESULT (?<key>\w+) (?<value>\S+)`, '--', 'python3', '-c', code], dir,
      { MLWB_METRIC_PATTERNS: JSON.stringify([String.raw`\[it (?<step>\d+)\] score=(?<score>\S+)`]) });
    assert.equal(r.code, 0, r.stderr);
    const [run] = await mlwbJson<RunRecord[]>(['runs', 'ls'], dir);
    assert.deepEqual(run.metrics, {
      acc: { last: 0.5, min: 0.5, max: 0.75, count: 2, lastStep: 1 },
      score: { last: 0.25, min: 0.25, max: 0.25, count: 1, lastStep: 7 },
    });
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { matchCellRun } from '../../src/core/live/scriptRuns';
import { tempDir } from '../helpers/tmp';
import { FIXTURES, clientEnv, listRuns, run, startServer } from './harness';

/** Debian's interpreter: python3-ipykernel and python3-nbclient (scripts/install-system-deps.sh) live there. */
const JUPYTER_PYTHON = process.env.MLWB_TEST_JUPYTER_PYTHON ?? '/usr/bin/python3';

const CELLS = [
  '%load_ext mlwb',
  [
    '%%track --name nb-train --experiment notebooks --param lr=0.1 --param opt=adam',
    'import mlwb',
    'for epoch in range(3):',
    '    print(f"epoch {epoch} loss={1 / (epoch + 1):.3f} acc={0.5 + epoch / 10}")',
    'mlwb.log_metric("val_acc", 0.9)',
  ].join('\n'),
  ['%%track --name nb-fail', 'print("epoch 1 loss=0.5")', 'raise ValueError("diverged")'].join('\n'),
  ['%%track', 'x = 41', 'x + 1'].join('\n'),
  'print("untracked")',
];

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  ename?: string;
  traceback?: string[];
  data?: Record<string, string | string[]>;
}

const joined = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join('') : t ?? '');

function notebook(cells: string[]): object {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: cells.map((source, i) => ({ id: `cell-${i}`, cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source })),
  };
}

describe('%%track in a real Jupyter kernel', () => {
  it('makes one run per tracked cell: params, metrics from printed lines, failures, notebook path, cell hash and execution count', async () => {
    const dir = tempDir();
    const storeDir = path.join(dir, '.mlwb');
    await startServer(storeDir);
    const source = path.join(dir, 'train.ipynb');
    const executed = path.join(dir, 'executed.ipynb');
    fs.writeFileSync(source, JSON.stringify(notebook(CELLS)));
    const r = await run(JUPYTER_PYTHON, [path.join(FIXTURES, 'run_notebook.py'), source, executed], {
      cwd: dir,
      // The kernel finds the endpoint from its working folder (the notebook's) through .mlwb/endpoint.json;
      // JPY_SESSION_NAME is how Jupyter's server tells a kernel its notebook.
      env: clientEnv({ JPY_SESSION_NAME: source, PYDEVD_DISABLE_FILE_VALIDATION: '1' }),
    });
    assert.equal(r.code, 0, `${r.stderr}\n(the notebook tests need python3-ipykernel and python3-nbclient: scripts/install-system-deps.sh)`);
    const cells = (JSON.parse(fs.readFileSync(executed, 'utf8')) as { cells: { execution_count: number; outputs: Output[] }[] }).cells;

    const runs = await listRuns(storeDir);
    assert.equal(runs.length, 3, 'one run per %%track cell');
    assert.ok(runs.every((x) => x.source === 'notebook'));
    const byName = (name: string) => runs.find((x) => x.name === name)!;

    // The training cell: its printed lines shown as usual, then which run it was.
    const train = byName('nb-train');
    const trainOut = joined(cells[1].outputs.filter((o) => o.name === 'stdout').map((o) => joined(o.text)));
    assert.match(trainOut, /^epoch 0 loss=1\.000 acc=0\.5\nepoch 1 loss=0\.500 acc=0\.6\nepoch 2 loss=0\.333 acc=0\.7\n/);
    assert.match(trainOut, new RegExp(`\nmlwb: run ${train.id.slice(0, 8)} 'nb-train' finished — acc=0\\.7 loss=0\\.333 val_acc=0\\.9\n$`));
    assert.equal(train.status, 'finished');
    assert.equal(train.experiment, 'notebooks');
    assert.deepEqual(train.params, { lr: 0.1, opt: 'adam' });
    assert.deepEqual(train.metrics.loss, { last: 0.333, min: 0.333, max: 1, count: 3, lastStep: 2 });
    assert.equal(train.metrics.acc.count, 3);
    assert.equal(train.metrics.val_acc.last, 0.9);
    assert.equal(train.tags['mlwb.notebook'], source);
    assert.equal(train.tags['mlwb.execution_count'], String(cells[1].execution_count));
    assert.equal(train.tags['mlwb.cell_source'], CELLS[1]);
    assert.equal(train.tags['mlwb.cell_sha256'], createHash('sha256').update(CELLS[1]).digest('hex'));

    // The failing cell: the real traceback, then the cell fails with one line naming the run.
    const failed = byName('nb-fail');
    assert.equal(failed.status, 'failed');
    assert.equal(failed.experiment, path.basename(source), 'without --experiment, a notebook groups its runs');
    assert.equal(failed.metrics.loss.last, 0.5, 'output printed before the exception is parsed too');
    const errors = cells[2].outputs.filter((o) => o.output_type === 'error');
    assert.equal(errors.length, 2);
    assert.ok(errors.every((e) => e.ename === 'ValueError'));
    assert.match(errors[0].traceback!.join('\n'), /diverged/);
    assert.deepEqual(errors[1].traceback, [`mlwb: run ${failed.id.slice(0, 8)} 'nb-fail' failed — loss=0.5`]);

    // A cell ending in an expression still displays its value; the run gets the store's default name.
    const plain = runs.find((x) => x.name !== 'nb-train' && x.name !== 'nb-fail')!;
    assert.equal(plain.status, 'finished');
    assert.deepEqual(cells[3].outputs.find((o) => o.output_type === 'execute_result')?.data?.['text/plain'], ['42']);
    assert.equal(plain.tags['mlwb.execution_count'], String(cells[3].execution_count));
    assert.notEqual(cells[3].execution_count, cells[1].execution_count);

    assert.equal(joined(cells[4].outputs[0].text), 'untracked\n');

    // What the editor's cell status items show: each %%track cell finds its own run from what
    // %%track recorded; an edited cell finds its run by execution count, marked as of an earlier version.
    const cellOf = (i: number, text = CELLS[i]) => ({ notebook: source, text, executionCount: cells[i].execution_count });
    assert.deepEqual([matchCellRun(runs, cellOf(1))?.run.id, matchCellRun(runs, cellOf(1))?.current], [train.id, true]);
    assert.equal(matchCellRun(runs, cellOf(2))?.run.id, failed.id);
    assert.equal(matchCellRun(runs, cellOf(3))?.run.id, plain.id);
    assert.equal(matchCellRun(runs, cellOf(4)), undefined);
    const edited = matchCellRun(runs, cellOf(1, CELLS[1].replace('range(3)', 'range(5)')));
    assert.deepEqual([edited?.run.id, edited?.current], [train.id, false]);
    assert.equal(matchCellRun(runs, { ...cellOf(1), notebook: path.join(dir, 'other.ipynb') }), undefined, 'another notebook');
  });
});

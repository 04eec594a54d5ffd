import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { RunRecorder } from '../../../src/core/capture/runRecorder';
import { MlwbError } from '../../../src/core/errors';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';

describe('RunRecorder', () => {
  it('records a run from terminal-style text output (no child process involved)', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'rows.csv'), 'a,b\n1,2\n3,4\n');
    const store = Store.open({ cwd: dir, create: true });
    const notes: string[] = [];
    const recorder = await RunRecorder.start(store, {
      command: ['python', 'train.py', '--lr', '0.1', 'model=mlp'], cwd: dir, source: 'terminal',
      tags: { via: 'test' }, data: ['rows.csv'], env: {}, onNote: (n) => notes.push(n),
    });
    assert.equal(recorder.name, 'train lr=0.1 model=mlp');
    assert.equal(recorder.experiment, 'train.py');
    assert.equal(store.getRun(recorder.id)!.status, 'running');

    // 2,500 points in chunks that split lines: written in batches while the run goes on.
    let text = '';
    for (let i = 0; i < 2500; i++) text += `step ${i} loss=${1 / (i + 1)}\n`;
    for (let i = 0; i < text.length; i += 333) recorder.output('stdout', text.slice(i, i + 333));
    assert.ok(store.getRun(recorder.id)!.metrics.loss.count >= 2000, 'full batches are written before the end');
    // A two-byte character split across chunks, then a last line without a newline.
    const bytes = Buffer.from('warn: é\nepoch 9 acc=0.5');
    recorder.output('stderr', bytes.subarray(0, 7));
    recorder.output('stderr', bytes.subarray(7));
    await recorder.finish('finished', 0);

    const run = store.getRun(recorder.id)!;
    assert.equal(run.status, 'finished');
    assert.equal(run.exitCode, 0);
    assert.equal(run.source, 'terminal');
    assert.deepEqual(run.params, { lr: 0.1, model: 'mlp' });
    assert.deepEqual(run.tags, { via: 'test' });
    assert.equal(run.metrics.loss.count, 2500);
    assert.equal(run.metrics.loss.last, 1 / 2500);
    assert.deepEqual(run.metrics.acc, { last: 0.5, min: 0.5, max: 0.5, count: 1, lastStep: 9 });
    assert.equal(store.getLog(recorder.id, 'stdout')!.content, text);
    assert.equal(store.getLog(recorder.id, 'stderr')!.content, 'warn: é\nepoch 9 acc=0.5');
    assert.equal(run.data[0].rows, 2);
    assert.equal(run.gitNote?.startsWith('Not a git repository'), true);
    assert.ok(run.env !== null);
    assert.deepEqual(notes, []);
    store.close();
  });

  it('records the argparse defaults of parameters not typed, marked as defaults', async () => {
    const dir = tempDir();
    fs.copyFileSync(path.join(__dirname, '../../fixtures/detect/mnist_main.py'), path.join(dir, 'main.py'));
    const store = Store.open({ cwd: dir, create: true });
    const recorder = await RunRecorder.start(store, { command: ['python', 'main.py', '--lr', '0.5', '--dry-run'], cwd: dir, source: 'terminal', env: {} });
    await recorder.finish('finished', 0);
    const run = store.getRun(recorder.id)!;
    assert.deepEqual(run.params, {
      lr: 0.5, 'dry-run': true, 'batch-size': 64, 'test-batch-size': 1000, epochs: 14, gamma: 0.7,
      'no-cuda': false, seed: 1, 'log-interval': 10, 'save-model': false,
    });
    assert.deepEqual(run.tags['mlwb.param_defaults'].split(',').sort(),
      ['batch-size', 'epochs', 'gamma', 'log-interval', 'no-cuda', 'save-model', 'seed', 'test-batch-size']);
    assert.equal(recorder.name, 'main lr=0.5 dry-run=true', 'the name shows what was typed, not the defaults');
    store.close();
  });

  it('refuses a missing data file before creating a run', async () => {
    const dir = tempDir();
    const store = Store.open({ cwd: dir, create: true });
    await assert.rejects(RunRecorder.start(store, { command: ['x'], cwd: dir, source: 'cli', data: ['nope.csv'] }), MlwbError);
    assert.deepEqual(store.listRuns(), []);
    store.close();
  });
});

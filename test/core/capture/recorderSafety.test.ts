import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunRecorder } from '../../../src/core/capture/runRecorder';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';

describe('RunRecorder never lets the store stop the recorded program', () => {
  it('stops recording, saying so once, when its run is deleted under it; output keeps flowing without errors', async () => {
    const dir = tempDir();
    const store = Store.open({ cwd: dir, create: true });
    const notes: string[] = [];
    const recorder = await RunRecorder.start(store, { command: ['python', 'train.py'], cwd: dir, source: 'terminal', env: {}, onNote: (n) => notes.push(n) });
    recorder.output('stdout', 'epoch 1 loss=0.5\n');
    // Another process (`mlwb runs rm --force`) deletes the run.
    const other = Store.open({ cwd: dir, create: false });
    other.deleteRuns([recorder.id]);
    other.close();
    // 3,000 lines: more than a batch, which used to be written straight from output() and throw.
    let text = '';
    for (let i = 2; i < 3002; i++) text += `epoch ${i} loss=${1 / i}\n`;
    assert.doesNotThrow(() => recorder.output('stdout', text));
    await recorder.finish('finished', 0);
    assert.equal(store.hasRun(recorder.id), false, 'not recreated by late writes');
    assert.deepEqual(notes.filter((n) => /deleted/.test(n)), [`run ${recorder.id.slice(0, 8)} was deleted from the store; the command goes on, no longer recorded`]);
    store.close();
  });

  it('leaves out printed points whose step is past 2^53, once said, and records the rest', async () => {
    const dir = tempDir();
    const store = Store.open({ cwd: dir, create: true });
    const notes: string[] = [];
    const recorder = await RunRecorder.start(store, { command: ['python', 'train.py'], cwd: dir, source: 'terminal', env: {}, onNote: (n) => notes.push(n) });
    recorder.output('stdout', 'epoch 9223372036854775807 loss=1\nepoch 2 loss=0.5\nepoch 9223372036854775808 loss=2\nepoch 3 loss=0.25\n');
    await recorder.finish('finished', 0);
    const loss = store.readMetric(recorder.id, 'loss')!;
    assert.deepEqual([...loss.steps], [2, 3]);
    assert.equal(notes.filter((n) => /beyond ±2\^53/.test(n)).length, 1);
    store.close();
  });
});

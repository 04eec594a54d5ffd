import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { resolveSelector, type RunSelector } from '../../../src/core/regress/selector';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';

const store = Store.open({ cwd: tempDir('mlwb-regress-selector-'), create: true });
after(() => store.close());

let clock = Date.UTC(2026, 0, 1);
function run(id: string, experiment: string, command: string[], fields: { status?: 'finished' | 'failed' | 'running'; name?: string; tags?: Record<string, string> } = {}): string {
  store.createRun({ id, experiment, source: 'script', command, name: fields.name, startTime: (clock += 1000) });
  if (fields.tags) store.setTags(id, fields.tags);
  if (fields.status !== 'running') store.finishRun(id, fields.status ?? 'finished', 0, clock + 500);
  return id;
}

run('aa01', 'train.py', ['python3', 'train.py', '--lr', '0.1'], { name: 'first', tags: { stage: 'dev' } });
run('aa02', 'train.py', ['python3', 'src/train.py'], { tags: { stage: 'prod' } });
run('bb01', 'other', ['python3', 'eval.py']);
run('aa03', 'train.py', ['python3', 'train.py'], { status: 'failed' });
run('aa04', 'train.py', ['python3', 'train.py'], { tags: { 'mlwb.test': 'repetition 1' } });
run('cc05', 'train.py', ['python3', 'train.py'], { status: 'running' });

const pick = (s: RunSelector) => {
  const r = resolveSelector(store, s);
  return 'run' in r ? r.run.id : r.problem;
};

describe('run selectors', () => {
  it('takes the latest finished run matching every field given', () => {
    assert.equal(pick({ experiment: 'train.py' }), 'aa02', 'not the failed, the running or the test-made run');
    assert.equal(pick({ experiment: 'train.py', tag: { key: 'stage', value: 'dev' } }), 'aa01');
    assert.equal(pick({ name: 'first' }), 'aa01');
    assert.equal(pick({ script: 'train.py' }), 'aa02', 'a script matches by file name too');
    assert.equal(pick({ script: 'src/train.py' }), 'aa02');
    assert.equal(pick({ script: 'eval.py', experiment: 'other' }), 'bb01');
    assert.equal(pick({ experiment: 'train.py', status: 'failed' }), 'aa03');
    assert.equal(pick({ experiment: 'train.py', status: 'running' }), 'cc05');
    assert.equal(pick({ tag: { key: 'mlwb.test', value: 'repetition 1' } }), 'aa04', 'test-made runs when asked for by their tag');
    assert.equal(pick({ id: 'aa', name: 'first' }), 'aa01');
  });

  it('resolves an id prefix, and says why when nothing or several match', () => {
    assert.equal(pick({ id: 'bb' }), 'bb01');
    assert.equal(pick({ id: 'aa' }), 'run id prefix aa is ambiguous: give more characters');
    assert.equal(pick({ id: 'ff' }), 'no run has an id starting with ff');
    assert.equal(pick({ experiment: 'nope', tag: { key: 'k', value: 'v' } }), 'no finished run matches: experiment nope, tag k=v');
    store.updateRun('bb01', { lifecycleStage: 'deleted' });
    assert.equal(pick({ id: 'bb' }), 'no run has an id starting with bb', 'runs deleted through MLflow are gone');
  });
});

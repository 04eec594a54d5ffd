import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareTables, tablesToCsv } from '../../../src/core/compare/compareTables';
import { metricDirection } from '../../../src/core/compare/metricDirection';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';

describe('compare tables', () => {
  const store = Store.open({ cwd: tempDir(), create: true });
  const curves: Record<string, { params: Record<string, string | number>; loss: number[]; acc?: number[] }> = {
    a: { params: { lr: 0.1, epochs: 3, seed: 1 }, loss: [1, 0.5, 0.7], acc: [0.5, 0.8, 0.75] },
    b: { params: { lr: 0.01, epochs: 3, seed: 1 }, loss: [1, 0.6, 0.4], acc: [0.4, 0.6, 0.9] },
    c: { params: { lr: 0.1, epochs: 3, optimizer: 'adam' }, loss: [NaN, 0.9, 0.3] },
  };
  const ids = Object.entries(curves).map(([name, c]) => {
    const id = store.createRun({ name, experiment: 'e', source: 'cli' });
    store.logParams(id, c.params);
    store.logMetrics(id, c.loss.map((value, step) => ({ key: 'val_loss', value, step, timestamp: 1 + step })));
    if (c.acc) store.logMetrics(id, c.acc.map((value, step) => ({ key: 'accuracy', value, step, timestamp: 1 + step })));
    return id;
  });
  const t = compareTables(ids.map((id) => store.getRun(id)!));

  it('lists every parameter of any run and says which differ', () => {
    assert.deepEqual(t.runs.map((r) => r.name), ['a', 'b', 'c']);
    const byKey = Object.fromEntries(t.params.map((p) => [p.key, p]));
    assert.deepEqual(Object.keys(byKey), ['epochs', 'lr', 'optimizer', 'seed']);
    assert.equal(byKey.epochs.differs, false);
    assert.equal(byKey.lr.differs, true);
    assert.deepEqual(byKey.optimizer.values, [null, null, 'adam']);
    assert.equal(byKey.seed.differs, true, 'missing in one run counts as a difference');
  });

  it('gives last / min / max / best per run and marks the best run by direction', () => {
    const loss = t.metrics.find((m) => m.key === 'val_loss')!;
    assert.equal(loss.direction, 'min');
    for (const [i, name] of ['a', 'b', 'c'].entries()) {
      const values = curves[name].loss;
      const finite = values.filter(Number.isFinite);
      assert.equal(loss.cells[i]!.last, values.at(-1));
      assert.equal(loss.cells[i]!.min, Math.min(...finite));
      assert.equal(loss.cells[i]!.best, Math.min(...finite));
    }
    assert.equal(t.runs[loss.bestRun!].name, 'c');
    const acc = t.metrics.find((m) => m.key === 'accuracy')!;
    assert.equal(acc.direction, 'max');
    assert.equal(acc.cells[2], null, 'a run without the metric has no cell');
    assert.equal(t.runs[acc.bestRun!].name, 'b');
  });

  it('reads direction from the metric name', () => {
    for (const k of ['loss', 'val_loss', 'train/loss', 'rmse', 'error_rate', 'latency_ms', 'trainloss']) assert.equal(metricDirection(k), 'min', k);
    for (const k of ['accuracy', 'val_acc', 'f1', 'auc', 'precision', 'reward']) assert.equal(metricDirection(k), 'max', k);
  });

  it('writes both tables as CSV with one column per run', () => {
    const csv = tablesToCsv(t).trim().split('\n').map((l) => l.split(','));
    assert.deepEqual(csv[0], ['table', 'key', 'stat', ...ids]);
    assert.deepEqual(csv.find((r) => r[0] === 'param' && r[1] === 'optimizer'), ['param', 'optimizer', '', '', '', 'adam']);
    assert.deepEqual(csv.find((r) => r[1] === 'val_loss' && r[2] === 'best'), ['metric', 'val_loss', 'best', '0.5', '0.4', '0.3']);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupBand, groupKeys, groupRuns } from '../../../src/core/compare/groups';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';

describe('grouped runs', () => {
  const store = Store.open({ cwd: tempDir(), create: true });
  const runs = [
    { lr: 0.1, seed: 1, n: 100 }, { lr: 0.1, seed: 2, n: 80 }, { lr: 0.1, seed: 3, n: 100 }, { lr: 0.01, seed: 1, n: 100 },
  ].map((p, r) => {
    const id = store.createRun({ name: `r${r}`, experiment: 'e', source: 'cli' });
    store.logParams(id, { lr: p.lr, seed: p.seed });
    if (r === 3) store.setTags(id, { team: 'b' });
    store.logMetrics(id, Array.from({ length: p.n }, (_, step) => ({ key: 'loss', step, timestamp: step,
      value: step === 13 && r === 0 ? NaN : Math.exp(-step / 30) * (1 + 0.1 * p.seed) + ((step * 7919 + r * 31) % 17) / 100 })));
    return id;
  });
  const records = runs.map((id) => store.getRun(id)!);

  it('groups by a parameter or tag, runs without it together', () => {
    assert.deepEqual(groupRuns(records, 'lr').map((g) => [g.label, g.runIds.length]), [['0.1', 3], ['0.01', 1]]);
    assert.deepEqual(groupRuns(records, 'team').map((g) => [g.label, g.runIds.length]), [['(none)', 3], ['b', 1]]);
    assert.deepEqual(groupKeys(records), ['lr', 'seed', 'team']);
  });

  it('gives the mean and the min–max of the runs in each bucket, as a direct computation does', () => {
    const ids = runs.slice(0, 3);
    const buckets = 10;
    const band = groupBand(store.metrics, ids, 'loss', 'step', buckets)!;
    // The reference: every run's points of each bucket, averaged per run, then over runs.
    const series = ids.map((id) => store.readMetric(id, 'loss')!);
    const hi = Math.max(...series.map((s) => Math.max(...s.steps)));
    for (let b = 0; b < buckets; b++) {
      const perRun = series.map((s) => {
        const vals = [...s.values].filter((v, i) => Number.isFinite(v) && Math.min(buckets - 1, Math.floor((s.steps[i] * buckets) / hi)) === b);
        return vals.length ? vals.reduce((a, c) => a + c, 0) / vals.length : undefined;
      }).filter((v): v is number => v !== undefined);
      const k = band.x.findIndex((x) => Math.abs(x - (b + 0.5) * (hi / buckets)) < 1e-9);
      assert.ok(k >= 0, `bucket ${b} present`);
      assert.equal(band.runs[k], perRun.length);
      assert.ok(Math.abs(band.mean[k] - perRun.reduce((a, c) => a + c, 0) / perRun.length) < 1e-12);
      assert.equal(band.min[k], Math.min(...perRun));
      assert.equal(band.max[k], Math.max(...perRun));
    }
    assert.ok(band.runs.some((n) => n === 2), 'the shorter run is missing from the last buckets');
    assert.equal(groupBand(store.metrics, ids, 'nope', 'step', 10), undefined);
  });
});

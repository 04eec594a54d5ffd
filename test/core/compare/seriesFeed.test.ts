import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromWireValue } from '../../../src/core/compare/displaySeries';
import { SeriesFeed } from '../../../src/core/compare/seriesFeed';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';

describe('live series feed', () => {
  it('sends each series once, then only what was logged since, and re-downsamples a series that outgrows its budget', () => {
    const store = Store.open({ cwd: tempDir(), create: true });
    const id = store.createRun({ experiment: 'e', source: 'cli' });
    let step = 0;
    const log = (n: number, key = 'loss') =>
      store.logMetrics(id, Array.from({ length: n }, () => ({ key, step: ++step, timestamp: 1000 + step, value: step % 13 === 0 ? NaN : 1 / step })));
    log(50);
    const feed = new SeriesFeed(store.metrics, 'step', 64);
    const first = feed.full(id, 'loss')!;
    assert.equal(first.x.length, 50);
    assert.deepEqual(feed.update(id), [], 'nothing new');

    log(10);
    log(3, 'acc');
    const updates = feed.update(id);
    const loss = updates.find((u) => u.key === 'loss')!;
    assert.equal(loss.kind, 'append');
    assert.deepEqual(loss.series.x, Array.from({ length: 10 }, (_, i) => 51 + i), 'exactly the new points');
    assert.deepEqual(loss.series.y.map(fromWireValue).map(String), loss.series.x.map((s) => String(s % 13 === 0 ? NaN : 1 / s)));
    const acc = updates.find((u) => u.key === 'acc')!;
    assert.equal(acc.kind, 'replace', 'a key the chart has not seen comes whole');
    assert.equal(acc.series.x.length, 3);

    log(5000);
    const burst = feed.update(id).find((u) => u.key === 'loss')!;
    assert.equal(burst.kind, 'append', 'a burst is appended downsampled');
    assert.ok(burst.series.x.length <= 64);
    assert.equal(burst.series.x[0], 64, 'starts right after what was sent');
    log(5000);
    const big = feed.update(id).find((u) => u.key === 'loss')!;
    assert.equal(big.kind, 'replace', 'a chart that would hold more than twice its budget gets the series afresh');
    assert.ok(big.series.x.length <= 64);
    assert.equal(big.series.total, 10_060);
    assert.equal(big.series.x.at(-1), 10_060 + 3, 'reaches the last point logged');
    store.close();
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cellStatusText, lastResultTitle } from '../../../src/core/live/lastResult';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';

test('lens and cell texts: key metric of a finished run, progress of a running one, failures', () => {
  const store = Store.open({ cwd: tempDir(), create: true });
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const id = store.createRun({ experiment: 'train.py', source: 'terminal', startTime: t0 });
  store.logMetrics(id, [1, 2, 3].map((step) => ({ key: 'val_accuracy', value: 0.8 + step / 100 + 0.0024, step, timestamp: t0 })));
  store.logMetrics(id, [{ key: 'loss', value: 0.3, step: 3, timestamp: t0 }]);
  assert.equal(lastResultTitle(store.getRun(id)!, undefined, t0 + 30_000), 'running: val_accuracy 0.8324 · just now');
  assert.equal(cellStatusText(store.getRun(id)!, undefined), '⏺ running · step 3');
  store.finishRun(id, 'finished', 0, t0 + 60_000);
  assert.equal(lastResultTitle(store.getRun(id)!, undefined, t0 + 4 * 60_000), 'last: val_accuracy 0.8324 · 3 min ago');
  assert.equal(lastResultTitle(store.getRun(id)!, 'loss', t0 + 4 * 60_000), 'last: loss 0.3 · 3 min ago');
  assert.equal(cellStatusText(store.getRun(id)!, undefined), '✓ val_accuracy 0.8324');
  const failed = store.createRun({ experiment: 'train.py', source: 'terminal', startTime: t0 });
  store.finishRun(failed, 'failed', 1, t0 + 3 * 3600_000);
  assert.equal(lastResultTitle(store.getRun(failed)!, undefined, t0 + 5 * 3600_000), 'last: failed · 2 h ago');
  assert.equal(cellStatusText(store.getRun(failed)!, undefined), '✗ failed');
  store.close();
});

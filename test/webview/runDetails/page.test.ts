// The run details bundle in real Chromium under the host's CSP: a snapshot from a real store
// draws one chart per metric, kept (not rebuilt) when a live run sends the next snapshot.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { HostToWebview } from '../../../webview/runDetails/protocol';
import { displaySeries, encodeSeries } from '../../../src/core/compare/displaySeries';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';
import { openWebviewPage, type WebviewPage } from '../../helpers/webviewPage';

describe('run details webview: metric charts', () => {
  let w: WebviewPage<HostToWebview, unknown>;
  let page: Page;
  const store = Store.open({ cwd: tempDir(), create: true });
  const id = store.createRun({ name: '<b>bold?</b>', experiment: 'e', source: 'cli' });
  const log = (from: number, to: number) => store.logMetrics(id, Array.from({ length: to - from }, (_, i) => from + i).flatMap((step) => [
    { key: 'loss', step, timestamp: 1000 + step, value: 1 / (step + 1) },
    { key: 'acc', step, timestamp: 1000 + step, value: step === 7 ? NaN : 1 - 1 / (step + 1) },
  ]));
  const snapshot = (): HostToWebview => {
    const run = store.getRun(id)!;
    const series = Object.fromEntries(Object.keys(run.metrics).map((k) => [k, encodeSeries(displaySeries(store.metrics, id, k, { axis: 'step', maxPoints: 1000 })!)]));
    return { type: 'snapshot', snapshot: { run, keyMetric: 'acc', series } };
  };
  const send = (msg: HostToWebview) => w.send(msg);
  const drawn = (key: string) => page.locator(`canvas[data-key="${key}"]`).getAttribute('data-series').then((s) => JSON.parse(s ?? '[]') as { points: number }[]);

  before(async () => {
    w = await openWebviewPage('runDetails');
    page = w.page;
  });

  after(async () => {
    await w?.close();
    store.close();
  });

  it('draws each metric, and the same charts grow with the next snapshot', async () => {
    log(0, 50);
    await send(snapshot());
    await page.locator('[data-section="charts"] canvas[data-key="loss"]').waitFor();
    assert.deepEqual(await page.locator('[data-section="charts"] canvas').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-key'))), ['acc', 'loss']);
    assert.deepEqual((await drawn('loss')).map((s) => s.points), [50]);
    await page.evaluate('document.querySelector("canvas[data-key=loss]").dataset.mark = "kept"');
    log(50, 80);
    await send(snapshot());
    assert.deepEqual((await drawn('loss')).map((s) => s.points), [80]);
    assert.equal(await page.locator('canvas[data-key="loss"]').getAttribute('data-mark'), 'kept', 'the chart was updated in place');
    assert.equal(await page.locator('b').count(), 0, 'the run name stays text');
    assert.deepEqual(w.problems, []);
  });
});

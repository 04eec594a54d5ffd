// The Compare webview's bundle in real Chromium, under the same CSP and HTML the host serves, fed
// messages built by the host's own code from a real store: what it renders, what it asks for,
// and that hostile run names stay text.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { CompareSnapshot, HostToWebview, RunSeries, WebviewToHost } from '../../../webview/compare/protocol';
import { compareTables } from '../../../src/core/compare/compareTables';
import { groupBand, groupKeys, groupRuns } from '../../../src/core/compare/groups';
import { SeriesFeed } from '../../../src/core/compare/seriesFeed';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';
import { openWebviewPage, type WebviewPage } from '../../helpers/webviewPage';

const REPO = process.env.MLWB_REPO ?? process.cwd();
const HOSTILE = '<img src=x onerror=alert(1)>';

/** A store with three runs: one named to inject markup, one without `acc`, one with NaN/Infinity. */
function seedStore(): { store: Store; ids: string[] } {
  const store = Store.open({ cwd: tempDir(), create: true });
  const ids = [HOSTILE, 'lr-0.01', 'lr-0.1'].map((name, r) => {
    const id = store.createRun({ name, experiment: 'e', source: 'cli', startTime: 1_700_000_000_000 + r * 1000 });
    store.logParams(id, { lr: [0.05, 0.01, 0.1][r], epochs: 20, [`only${r}`]: 'x' });
    const points = [];
    for (let step = 0; step < 3000; step++) {
      const t = 1_700_000_000_000 + r * 1000 + step * 10;
      points.push({ key: 'loss', step, timestamp: t, value: r === 2 && step === 1500 ? Infinity : Math.exp(-step / (500 * (r + 1))) });
      if (r !== 1) points.push({ key: 'acc', step, timestamp: t, value: r === 2 && step % 700 === 0 ? NaN : 1 - Math.exp(-step / 800) });
    }
    store.logMetrics(id, points);
    return id;
  });
  return { store, ids };
}

function snapshotOf(store: Store, ids: string[], feed: SeriesFeed): CompareSnapshot {
  const runs = ids.map((id) => store.getRun(id)!);
  const series: RunSeries[] = runs.flatMap((run) => Object.keys(run.metrics).map((key) => ({ runId: run.id, key, series: feed.full(run.id, key)! })));
  return { tables: compareTables(runs), starts: Object.fromEntries(runs.map((r) => [r.id, Date.parse(r.startTime)])), xAxis: 'step', series,
    groupKeys: groupKeys(runs), restore: { folder: 'file:///w', runIds: ids } };
}

describe('compare webview', () => {
  let w: WebviewPage<HostToWebview, WebviewToHost>;
  let page: Page;
  const { store, ids } = seedStore();
  const feed = new SeriesFeed(store.metrics, 'step', 400);

  const posted = () => w.posted();
  const send = (msg: HostToWebview) => w.send(msg);
  const chartSeries = (key: string) => page.locator(`canvas[data-key="${key}"]`).getAttribute('data-series')
    .then((s) => JSON.parse(s ?? '[]') as { id: string; label: string; points: number; hidden: boolean }[]);

  before(async () => {
    w = await openWebviewPage('compare');
    page = w.page;
  });

  after(async () => {
    await w?.close();
    store.close();
  });

  it('says ready, then renders the snapshot: a chart per metric key with a dataset per run', async () => {
    assert.deepEqual(await posted(), [{ type: 'ready' }]);
    await send({ type: 'snapshot', snapshot: snapshotOf(store, ids, feed) });
    await page.locator('canvas[data-key="loss"]').waitFor();
    assert.deepEqual(await page.locator('canvas.metric-chart').evaluateAll((cs) => cs.map((c) => c.dataset.key)), ['acc', 'loss'], 'a chart per metric key');
    assert.deepEqual(await page.locator('[data-section="relations"] canvas').evaluateAll((cs) => cs.map((c) => c.dataset.key)), ['scatter', 'parallel']);
    for (const key of ['acc', 'loss']) {
      const series = await chartSeries(key);
      assert.deepEqual(series.map((s) => s.id), ids, `${key}: one dataset per run, in order`);
      for (const s of series) assert.ok(s.points <= 400, `${key}: downsampled to the budget`);
    }
    assert.equal((await chartSeries('acc'))[1].points, 0, 'a run without the key has an empty dataset, the chart is still shown');
    assert.ok((await chartSeries('loss'))[0].points > 100);
    await page.screenshot({ path: path.join(REPO, 'test-results', 'webview', 'compare.png'), fullPage: true });
  });

  it('renders a hostile run name as text, never as markup', async () => {
    assert.equal(await page.locator('img').count(), 0, 'no <img> element was created');
    const names = await page.locator('.run-chip .run-name').allTextContents();
    assert.equal(names[0], HOSTILE);
    assert.equal(await page.locator('th.run-header .run-name').first().textContent(), HOSTILE);
    const labels = (await chartSeries('loss')).map((s) => s.label);
    assert.equal(labels[0], HOSTILE);
    assert.deepEqual(w.problems, [], 'no dialog, script error or CSP violation');
  });

  it('highlights differing parameters and hides the equal ones on request', async () => {
    const differing = await page.locator('table.params tr.differs th').allTextContents();
    assert.deepEqual(differing.sort(), ['lr', 'only0', 'only1', 'only2']);
    assert.equal(await page.locator('table.params tr[data-key="epochs"]').count(), 1);
    await page.locator('[data-control="only-differences"]').click();
    await page.waitForFunction(`!document.querySelector('table.params tr[data-key="epochs"]')`);
    assert.equal(await page.locator('table.params tbody tr').count(), 4);
  });

  it('marks the best run of each metric and sorts by a column', async () => {
    const bestLoss = await page.locator('table.metrics tr[data-key="loss"] td.best').count();
    assert.equal(bestLoss, 1);
    const t = compareTables(ids.map((id) => store.getRun(id)!));
    const loss = t.metrics.find((m) => m.key === 'loss')!;
    const bestIndex = await page.locator('table.metrics tr[data-key="loss"] td').evaluateAll((tds) => tds.findIndex((td) => td.classList.contains('best')));
    assert.equal(Math.floor(bestIndex / 4), loss.bestRun, 'the star sits in the best run\'s column');
    const order = () => page.locator('table.metrics tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key')));
    assert.deepEqual(await order(), ['acc', 'loss']);
    await page.locator('table.metrics th.sortable', { hasText: /^metric/ }).click();
    assert.deepEqual(await order(), ['loss', 'acc'], 'by name, descending');
  });

  it('plots a metric against a parameter, and parallel coordinates over the parameters that differ', async () => {
    const scatter = await chartSeries('scatter');
    assert.deepEqual(scatter.map((s) => s.id), ids, 'one dataset per run, in the run colours');
    assert.deepEqual(scatter.map((s) => s.points), [1, 0, 1], 'acc: the run without it has no point');
    await page.selectOption('select[data-control="metric"]', 'loss');
    assert.deepEqual((await chartSeries('scatter')).map((s) => s.points), [1, 1, 1]);
    // Axes: lr, only0, only1, only2 (each run has one of those), loss.
    assert.deepEqual((await chartSeries('parallel')).map((s) => s.points), [3, 3, 3]);
  });

  it('groups runs by a parameter: a mean line with a min–max band per group, asked of the host', async () => {
    await page.selectOption('select[data-control="group-by"]', 'epochs');
    await page.waitForFunction(`window.posted.some((m) => m.type === 'groupBy' && m.by === 'epochs')`);
    const runs = ids.map((id) => store.getRun(id)!);
    const groups = groupRuns(runs, 'epochs');
    const bands = ['acc', 'loss'].flatMap((key) => groups.map((g) => ({ key, group: g.label, band: groupBand(store.metrics, g.runIds, key, 'step', 100)! })));
    await send({ type: 'groups', by: 'epochs', groups, bands });
    const loss = await chartSeries('loss');
    assert.deepEqual(loss.map((s) => [s.id, s.label, s.points]), [['group:20', 'epochs = 20 (3 runs)', bands[1].band.x.length]]);
    const spread = await page.locator('table.group-spread tr[data-key="loss"] td').allTextContents();
    const best = ids.map((id) => store.getRun(id)!.metrics.loss.min!);
    assert.deepEqual(spread.slice(0, 2), ['20', '3'], 'the group and its number of runs');
    assert.equal(Number(spread[3]), Number(Math.min(...best).toPrecision(4)), 'min of the runs\' best loss');
    await page.selectOption('select[data-control="group-by"]', '');
    assert.deepEqual((await chartSeries('loss')).map((s) => s.id), ids, 'ungrouped again: a dataset per run');
  });

  it('appends live points pushed by the host, and hides a run from every chart via the legend', async () => {
    const before = (await chartSeries('loss'))[1].points;
    store.logMetrics(ids[1], [3000, 3001, 3002].map((step) => ({ key: 'loss', step, timestamp: 1_700_000_100_000 + step, value: 0.01 })));
    const updates = feed.update(ids[1]);
    assert.equal(updates.length, 1);
    await send({ type: 'series', updates });
    assert.equal((await chartSeries('loss'))[1].points, before + 3);
    store.finishRun(ids[1], 'finished', 0);
    const runs = ids.map((id) => store.getRun(id)!);
    await send({ type: 'tables', tables: compareTables(runs), starts: Object.fromEntries(runs.map((r) => [r.id, Date.parse(r.startTime)])) });
    assert.match(await page.locator('.run-chip').nth(1).innerText(), /finished/, 'the legend shows the new status');
    await page.locator('.run-chip').nth(1).click();
    for (const key of ['acc', 'loss']) assert.equal((await chartSeries(key))[1].hidden, true);
  });

  it('asks the host for a dragged x-range and draws its answer at full fidelity', async () => {
    const box = (await page.locator('canvas[data-key="loss"]').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(`window.posted.some((m) => m.type === 'zoom')`);
    const zoom = (await posted()).find((m) => m.type === 'zoom') as Extract<WebviewToHost, { type: 'zoom' }>;
    assert.equal(zoom.key, 'loss');
    assert.ok(zoom.lo < zoom.hi && zoom.lo > 0 && zoom.hi < 3003, `${zoom.lo}..${zoom.hi}`);
    const series = ids.map((runId) => ({ runId, key: 'loss', series: feed.range(runId, 'loss', { lo: zoom.lo, hi: zoom.hi })! }));
    await send({ type: 'zoomed', requestId: zoom.requestId, key: 'loss', series });
    const drawn = await chartSeries('loss');
    const inRange = store.metrics.readRange(ids[0], 'loss', 'step', zoom.lo, zoom.hi)!.series.steps.length;
    assert.equal(drawn[0].points, Math.min(inRange, 400));
    assert.ok(inRange < 400, 'a narrow range comes back whole');
    assert.deepEqual(w.problems, []);
  });
});

// The run details bundle in real Chromium under the host's CSP: a snapshot from a real store
// draws one chart per metric, kept (not rebuilt) when a live run sends the next snapshot.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import type * as vscode from 'vscode';
import type { HostToWebview } from '../../../webview/runDetails/protocol';
import { displaySeries, encodeSeries } from '../../../src/core/compare/displaySeries';
import { Store } from '../../../src/core/store/store';
import { webviewHtml } from '../../../src/extension/runDetails/html';
import { tempDir } from '../../helpers/tmp';

const REPO = process.env.MLWB_REPO ?? process.cwd();
const DIST = path.join(REPO, 'dist', 'webview');

describe('run details webview: metric charts', () => {
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
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
  const send = (msg: HostToWebview) => page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, to: string): void }).postMessage(m, '*'), msg);
  const drawn = (key: string) => page.locator(`canvas[data-key="${key}"]`).getAttribute('data-series').then((s) => JSON.parse(s ?? '[]') as { points: number }[]);

  before(async () => {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    page = await browser.newPage();
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await page.addInitScript('window.acquireVsCodeApi = () => ({ postMessage: () => undefined });');
    const webview = { cspSource: 'file:', asWebviewUri: (uri: { path: string }) => ({ toString: () => pathToFileURL(uri.path).toString() }) } as unknown as vscode.Webview;
    const uri = (p: string) => ({ path: p }) as unknown as vscode.Uri;
    const file = path.join(tempDir(), 'details.html');
    fs.writeFileSync(file, webviewHtml(webview, { title: 'Run', script: uri(path.join(DIST, 'runDetails.js')), style: uri(path.join(DIST, 'runDetails.css')) }));
    await page.goto(pathToFileURL(file).toString());
  });

  after(async () => {
    await browser?.close();
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
    assert.deepEqual(problems, []);
  });
});

// The in-host mocha suite (test/extension/suite) inside code-server, through the test-only
// companion extension, on an empty workspace. Before it runs, the same window measures
// ML Workbench's "settled" activation: the user opens its view once startup activations are
// over, so the figure is not inflated by waiting behind built-in extensions.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO } from '../../scripts/lib/paths';
import { packCompanion } from './companion/pack';
import type { SuiteResult } from './suite/runner';
import { activationEvent, activationFigures, waitForSettledHost } from './e2e/activation';
import { recordFigures, startHarness } from './e2e/harness';

const DIR = path.join(REPO, 'test-results', 'e2e-inhost');
const RESULTS_FILE = path.join(DIR, 'inhost-results.json');
/** The suite's `it`s; fewer results means a test file did not load. */
const MIN_TESTS = 8;

test('in-host suite in code-server, after a settled activation', { timeout: 10 * 60_000 }, async (t) => {
  const companion = await packCompanion();
  rmSync(RESULTS_FILE, { force: true });
  const h = await startHarness({}, {}, { dir: DIR, emptyWorkspace: true, moreVsix: [companion], env: { MLWB_INHOST_RESULTS: RESULTS_FILE } });
  // A failed subtest does not throw here: each takes its own failure screenshot.
  const step = (name: string, shot: string, body: () => Promise<void>) => t.test(name, () => body().catch(async (err: unknown) => {
    await h.screenshot(`failure-${shot}`).catch(() => undefined);
    throw err;
  }));
  try {
    const { page } = h;
    await step('settled activation: the view opened after startup', 'settled', async () => {
      await waitForSettledHost(h);
      // Nothing in an empty workspace may have activated it yet, or the figure is not the click's.
      assert.equal(activationEvent(h), undefined, 'ML Workbench activated before its view was opened');
      await page.getByRole('tab', { name: /ML Workbench/ }).click();
      await page.locator('[id="workbench.view.extension.mlwb"]').getByText('No runs yet.').waitFor({ timeout: 30_000 });
      assert.equal(activationEvent(h), 'onView:mlwb.runs');
      const figures = await activationFigures(h);
      t.diagnostic(`settled: ${JSON.stringify(figures)}`);
      recordFigures('settled', { ...figures });
      assert.ok(figures.totalMs !== null, `an activation time in: ${figures.report}`);
    });

    await step('every in-host test passes', 'inhost', async () => {
      await h.command('ML Workbench Tests: Run In-Host Tests');
      for (const until = Date.now() + 3 * 60_000; !existsSync(RESULTS_FILE) && Date.now() < until;) await page.waitForTimeout(500);
      assert.ok(existsSync(RESULTS_FILE), 'the companion wrote no results');
      const result = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as SuiteResult;
      for (const r of result.tests) t.diagnostic(`${r.state}: ${r.title}${r.durationMs === undefined ? '' : ` (${r.durationMs} ms)`}`);
      assert.deepEqual(result.failures, []);
      assert.ok(result.passed >= MIN_TESTS, `${result.passed} passed, expected at least ${MIN_TESTS}`);
      await h.screenshot('02-after-inhost-tests');
    });
  } finally {
    await h.close();
  }
});

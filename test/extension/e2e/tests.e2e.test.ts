// The Test Explorer in a real VS Code (code-server): the demo's mlwb.tests.yaml appears grouped
// by kind, runs (in a child process of the extension host), the deliberately failing test shows
// expected vs actual, and Accept as Baseline rewrites the file from the test's context menu.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO } from '../../../scripts/lib/paths';
import { type HistoryEntry, TestResultStore } from '../../../src/core/regress/resultStore';
import { Store } from '../../../src/core/store/store';
import { RESULTS, startHarness } from './harness';

const TEST_TIMEOUT_MS = 15 * 60_000;
const DIR = path.join(RESULTS, 'tests');

/** The penguins' `sex` column, counted here from the CSV: what the failing test must report. */
function sexColumn(): { missing: number; rows: number; odd: Map<string, number> } {
  const values = readFileSync(path.join(REPO, 'demo', 'data', 'penguins.csv'), 'utf8').trim().split('\n').slice(1).map((r) => r.split(',').at(-1)!.trim());
  const odd = new Map<string, number>();
  for (const v of values) if (v !== '' && v !== 'MALE' && v !== 'FEMALE') odd.set(v, (odd.get(v) ?? 0) + 1);
  return { missing: values.filter((v) => v === '').length, rows: values.length, odd };
}

test('regression tests in the Test Explorer', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const h = await startHarness({ 'testing.automaticallyOpenPeekView': 'failureAnywhere', 'terminal.integrated.gpuAcceleration': 'off' }, {}, { dir: DIR });
  try {
    const { page } = h;
    const mlwbCli = (...args: string[]) => execFileSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), ...args], { cwd: h.workspace, stdio: 'pipe' });

    await t.test('the demo trains twice: a baseline and a better model', () => {
      mlwbCli('run', '--name', 'baseline', '--', 'python3', 'train.py', '--epochs', '3', '--delay', '0');
      mlwbCli('run', '--', 'python3', 'train.py', '--epochs', '20', '--delay', '0');
    });

    const explorer = page.locator('[id="workbench.view.extension.test"]');
    const row = (name: string) => explorer.locator('.monaco-list-row', { hasText: name }).first();
    /** Expands every collapsed row of the Testing view (file → kinds → tests). */
    const expandAll = async () => {
      for (let i = 0; i < 30; i++) {
        const collapsed = explorer.locator('.monaco-list-row[aria-expanded="false"]');
        if ((await collapsed.count()) === 0) return;
        await collapsed.first().locator('.monaco-tl-twistie').click();
        await page.waitForTimeout(300);
      }
    };
    const PASSING = ['validation accuracy stays high', 'no worse than the accepted model', 'penguin measurements are sane', 'training reproduces',
      'the model classifies penguins well on every island', "the model's outputs are unchanged", 'the model answers fast enough', 'new penguin data looks like the training data'];
    const step = (name: string, fn: () => Promise<void>) => t.test(name, async () => {
      try {
        await fn();
      } catch (err) {
        await h.screenshot(`failure-${name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => undefined);
        throw err;
      }
    });

    await step('the Test Explorer lists the demo tests, grouped by file and kind', async () => {
      await page.getByRole('tab', { name: /Testing/ }).click();
      await row('mlwb.tests.yaml').waitFor({ timeout: 60_000 });
      await expandAll();
      const rows = await explorer.locator('.monaco-list-row').evaluateAll((els) => els.map((e) => ({ level: Number(e.getAttribute('aria-level')), text: e.textContent ?? '' })));
      const groupOf = (name: string) => {
        const at = rows.findIndex((r) => r.level === 3 && r.text.startsWith(name));
        assert.ok(at > 0, `${name} is listed: ${JSON.stringify(rows)}`);
        return rows.slice(0, at).reverse().find((r) => r.level === 2)?.text;
      };
      assert.ok(rows[0].level === 1 && rows[0].text.startsWith('mlwb.tests.yaml'), JSON.stringify(rows));
      for (const [kind, name] of [['metric', PASSING[0]], ['baseline', PASSING[1]], ['data-invariants', PASSING[2]], ['data-invariants', 'every penguin was sexed'], ['reproducible-training', PASSING[3]],
        ['model-quality', PASSING[4]], ['golden-outputs', PASSING[5]], ['latency', PASSING[6]], ['drift-gate', PASSING[7]]]) {
        assert.ok(groupOf(name)?.startsWith(kind), `${name} is under ${kind}: ${JSON.stringify(rows)}`);
      }
      await h.screenshot('01-test-explorer');
    });

    await step('Run All runs them; the failing one shows expected vs actual', async () => {
      await h.openFile('mlwb.tests.yaml', 'mlwb.tests.yaml');
      await h.command('Test: Run All Tests');
      const peek = page.locator('.peekview-widget', { hasText: 'column sex' }).first();
      await peek.waitFor({ timeout: 240_000 });
      const { odd } = sexColumn();
      assert.ok(odd.size > 0, 'the data has an odd value in sex');
      const text = await peek.innerText();
      assert.ok(text.includes(`column sex: allowed values: expected one of MALE, FEMALE, got also ${[...odd].map(([v, n]) => `${v} (${n})`).join(', ')}`), text);
      assert.match(text, /\bExpected\b[\s\S]*\bActual\b/, 'the peek shows expected and actual side by side');
      await h.screenshot('02-failure-expected-vs-actual');
      mkdirSync(path.join(REPO, 'docs', 'screenshots'), { recursive: true });
      copyFileSync(path.join(DIR, 'screenshots', '02-failure-expected-vs-actual.png'), path.join(REPO, 'docs', 'screenshots', 'test-explorer.png'));
      await page.keyboard.press('Escape');
      // The results are in the store, per test: the failing one has both checks the data breaks.
      const deadline = Date.now() + 240_000;
      let latest: Map<string, HistoryEntry | undefined> = new Map();
      while (Date.now() < deadline) {
        const store = Store.open({ cwd: h.workspace, create: false });
        try {
          const results = new TestResultStore(store);
          latest = new Map([...PASSING, 'every penguin was sexed'].map((n) => [n, results.history(path.join(h.workspace, 'mlwb.tests.yaml'), n, 1)[0]]));
        } finally {
          store.close();
        }
        if ([...latest.values()].every(Boolean)) break;
        await page.waitForTimeout(2000);
      }
      for (const name of PASSING) assert.equal(latest.get(name)?.status, 'passed', `${name}: ${latest.get(name)?.message}`);
      const failing = latest.get('every penguin was sexed')!;
      const { missing, rows } = sexColumn();
      assert.equal(failing.status, 'failed');
      assert.deepEqual(failing.checks.filter((c) => !c.ok).map((c) => c.label), ['column sex: missing share', 'column sex: allowed values']);
      assert.equal(failing.checks.find((c) => c.label === 'column sex: missing share')!.actual, `${Number(((missing / rows) * 100).toPrecision(3))}% (${missing} of ${rows})`);
      const labels = await explorer.locator('.monaco-list-row').evaluateAll((els) => els.map((e) => `${e.getAttribute('aria-label')} ${e.innerHTML.match(/testing-(passed|failed)-icon/)?.[0] ?? ''}`));
      writeFileSync(path.join(DIR, 'explorer-labels.txt'), labels.join('\n'));
      await h.screenshot('03-after-run');
    });

    await step('Accept as Baseline (test context menu) moves the baseline to the current run in the file', async () => {
      const yamlFile = path.join(h.workspace, 'mlwb.tests.yaml');
      const before = readFileSync(yamlFile, 'utf8');
      await expandAll();
      await row('no worse than the accepted model').click({ button: 'right' });
      await page.locator('.context-view .action-label', { hasText: 'Accept as Baseline' }).first().click();
      const latest = JSON.parse(mlwbCli('runs', 'ls', '--experiment', 'train.py', '--json').toString()) as { id: string; name: string; tags: Record<string, string> }[];
      const current = latest.find((r) => !r.tags['mlwb.test'] && r.name !== 'baseline')!;
      const deadline = Date.now() + 60_000;
      let after = before;
      while (after === before && Date.now() < deadline) {
        await page.waitForTimeout(500);
        after = readFileSync(yamlFile, 'utf8');
      }
      assert.equal(after, before.replace('baseline: { name: baseline }', `baseline: { id: ${current.id.slice(0, 12)} }`));
      await h.screenshot('04-accepted-baseline');
    });

    await step('continuous run re-runs the metric test when a new run finishes', async () => {
      await h.command('Test: Start Continuous Run');
      mlwbCli('run', '--name', 'newest', '--', 'python3', 'train.py', '--epochs', '2', '--delay', '0');
      const runs = JSON.parse(mlwbCli('runs', 'ls', '--experiment', 'train.py', '--json').toString()) as { id: string; name: string }[];
      const newest = runs.find((r) => r.name === 'newest')!;
      const deadline = Date.now() + 90_000;
      let seen: HistoryEntry | undefined;
      while (!seen && Date.now() < deadline) {
        await page.waitForTimeout(1000);
        const store = Store.open({ cwd: h.workspace, create: false });
        try {
          seen = new TestResultStore(store).history(path.join(h.workspace, 'mlwb.tests.yaml'), PASSING[0], 5).find((e) => e.runId === newest.id);
        } finally {
          store.close();
        }
      }
      assert.ok(seen, 'the metric test ran again on the new run');
      await h.screenshot('05-continuous-run');
      await h.command('Test: Stop Continuous Run').catch(() => undefined);
    });

    await step('a broken test file puts its problems, with lines, in the Problems panel', async () => {
      mkdirSync(path.join(h.workspace, 'broken'), { recursive: true });
      writeFileSync(path.join(h.workspace, 'broken', 'mlwb.tests.yaml'), 'tests:\n  - name: typo\n    kind: metrik\n');
      // Opened as a user would look at it: an open test file is checked whether or not the
      // file watcher has seen the new folder yet.
      await h.openFile('broken/mlwb.tests.yaml', 'broken');
      await page.locator('.tab', { hasText: 'mlwb.tests.yaml' }).first().waitFor({ timeout: 15_000 });
      await h.command('Problems: Focus on Problems View');
      const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'unknown kind "metrik"' }).first();
      await problem.waitFor({ timeout: 30_000 });
      assert.match(await problem.innerText(), /\[Ln 3, Col 11\]/);
      await h.screenshot('06-problems');
    });

    await step("the extension's log has no errors", async () => {
      const errors = h.extensionLog().split('\n').filter((l) => /\[error\]/.test(l));
      assert.deepEqual(errors, []);
    });
  } catch (err) {
    await h.screenshot('failure').catch(() => undefined);
    throw err;
  } finally {
    await h.close();
  }
});

// Where users start runs, in a real VS Code (code-server): the demo's training script shows
// `▶ Run & Track | Run with Parameters…`; a click runs it in a terminal, the Runs view gets a
// finished run and the lens then shows its key metric. The demo notebook, executed by a real
// Jupyter kernel (nbclient) against the extension's endpoint, shows a status item under each
// `%%track` cell with that cell's run and metric, as the store holds it; run by a kernel without
// the client, its failing lines carry an error naming Install the mlwb Python Client.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO } from '../../../scripts/lib/paths';
import { formatMetricValue } from '../../../src/core/live/runSummary';
import { RESULTS, startHarness } from './harness';

const TEST_TIMEOUT_MS = 15 * 60_000;
const DIR = path.join(RESULTS, 'codelens');
const JUPYTER_PYTHON = process.env.MLWB_TEST_JUPYTER_PYTHON ?? '/usr/bin/python3';

function execute(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** README shows the screenshots of a passing run. */
function publish(screenshot: string): void {
  mkdirSync(path.join(REPO, 'docs', 'screenshots'), { recursive: true });
  copyFileSync(screenshot, path.join(REPO, 'docs', 'screenshots', path.basename(screenshot)));
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  for (const until = Date.now() + timeoutMs; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) if (check()) return;
  throw new Error(`timed out waiting for ${what}`);
}

test('CodeLens on the training script and status items on %%track cells', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const h = await startHarness({ 'mlwb.keyMetric': 'val_accuracy', 'terminal.integrated.gpuAcceleration': 'off' }, {}, { dir: DIR });
  const consoleErrors: string[] = [];
  h.page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  try {
    const { page } = h;
    const view = page.locator('[id="workbench.view.extension.mlwb"]');
    await page.getByRole('tab', { name: /ML Workbench/ }).click();
    await view.getByText('No runs yet.').waitFor({ timeout: 30_000 });

    await t.test('the demo training script shows the lenses; Run & Track makes a finished run; the lens shows its key metric', async () => {
      await h.openFile('train.py', 'train.py');
      // The lens sits on the `if __name__ == "__main__":` line, far down the file: go there.
      const guardLine = readFileSync(path.join(h.workspace, 'train.py'), 'utf8').split('\n').findIndex((l) => l.startsWith('if __name__')) + 1;
      await page.locator('.monaco-editor .view-lines').first().waitFor();
      await page.keyboard.press('Control+G');
      await page.locator('.quick-input-widget input').fill(`:${guardLine}`);
      await page.keyboard.press('Enter');
      const lens = page.locator('.codelens-decoration');
      const runLens = lens.locator('a', { hasText: 'Run & Track' });
      await runLens.first().waitFor({ timeout: 30_000 }).catch(async (err: Error) => {
        const lenses = await page.locator('.codelens-decoration').allInnerTexts();
        throw new Error(`${err.message}\nlenses in the page: ${JSON.stringify(lenses)}\nlog:\n${h.extensionLog()}`);
      });
      assert.match(await lens.first().innerText(), /Run & Track\s*\|\s*Run with Parameters…/);
      await runLens.first().click();
      const finished = view.locator('.monaco-list-row[aria-label*=", finished,"]');
      await finished.first().waitFor({ timeout: 90_000 });
      const [run] = h.storedRuns().filter((r) => r.status === 'finished');
      assert.equal(run.source, 'terminal');
      assert.equal(path.basename(run.command[1]), 'train.py', `the lens ran the script with a Python: ${run.command.join(' ')}`);
      assert.equal(run.params.epochs, 20, 'argparse defaults are recorded');
      assert.equal(run.tags['mlwb.terminal'], 'train.py', 'the terminal is named after the script');
      const expected = `last: val_accuracy ${formatMetricValue(run.metrics.val_accuracy.last)}`;
      await lens.locator('a', { hasText: expected }).first().waitFor({ timeout: 20_000 });
      publish(await h.screenshot('codelens'));
    });

    await t.test('the demo notebook, run by a real kernel, shows each %%track cell\'s run and metric', async () => {
      const notebook = path.join(h.workspace, 'penguins.ipynb');
      await waitFor(() => existsSync(path.join(h.workspace, '.mlwb', 'endpoint.json')), 30_000, 'the endpoint file');
      const before = h.storedRuns().length;
      const ran = await execute(JUPYTER_PYTHON, [path.join(REPO, 'test/fixtures/python/run_notebook.py'), notebook, notebook], h.workspace, {
        ...process.env, PYTHONPATH: path.join(REPO, 'python'), PYTHONDONTWRITEBYTECODE: '1', JPY_SESSION_NAME: notebook, PYDEVD_DISABLE_FILE_VALIDATION: '1',
      });
      assert.equal(ran.code, 0, ran.output);
      const cellRuns = h.storedRuns().filter((r) => r.source === 'notebook');
      assert.equal(h.storedRuns().length - before, 2, 'one run per %%track cell');
      // Tall enough for both %%track cells: cells out of view are not rendered, nor their status asked for.
      await page.setViewportSize({ width: 1400, height: 1900 });
      await h.openFile('penguins.ipynb', 'penguins.ipynb');
      await page.locator('.notebook-editor .cell-list-container .code-cell-row').first().waitFor({ timeout: 90_000 });
      for (const run of cellRuns) {
        assert.equal(run.status, 'finished');
        const text = `✓ val_accuracy ${formatMetricValue(run.metrics.val_accuracy.last)}`;
        await page.locator('.cell-statusbar-container', { hasText: text }).first().waitFor({ timeout: 90_000 }).catch(async (err: Error) => {
          const bars = await page.locator('.cell-statusbar-container').allInnerTexts();
          throw new Error(`${err.message}\ncell status bars: ${JSON.stringify(bars)}\nlog:\n${h.extensionLog()}`);
        });
      }
      const items = await page.locator('.cell-statusbar-container .cell-status-item', { hasText: /val_accuracy/ }).allInnerTexts();
      assert.equal(items.length, 2, `one status item per tracked cell: ${JSON.stringify(items)}`);
      publish(await h.screenshot('notebook-status'));
    });

    await t.test('in a kernel without the client, the failing lines get an error naming Install the mlwb Python Client', async () => {
      const notebook = path.join(h.workspace, 'no-client.ipynb');
      copyFileSync(path.join(h.workspace, 'penguins.ipynb'), notebook);
      const env: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', JPY_SESSION_NAME: notebook, PYDEVD_DISABLE_FILE_VALIDATION: '1' };
      delete env.PYTHONPATH;
      const ran = await execute(JUPYTER_PYTHON, [path.join(REPO, 'test/fixtures/python/run_notebook.py'), notebook, notebook], h.workspace, env);
      assert.equal(ran.code, 0, ran.output);
      assert.match(readFileSync(notebook, 'utf8'), /No module named 'mlwb'/, 'the kernel really lacks the client');
      await h.openFile('no-client.ipynb', 'no-client.ipynb');
      await page.locator('.cell-statusbar-container', { hasText: 'Install the mlwb Python Client — this kernel lacks it' }).first()
        .waitFor({ timeout: 90_000 });
      await h.command('View: Focus Problems (Errors, Warnings, Infos)');
      const problems = page.locator('.markers-panel .monaco-list-row', { hasText: 'Install the mlwb Python Client' });
      await problems.first().waitFor({ timeout: 30_000 });
      const texts = await problems.allInnerTexts();
      // `%load_ext mlwb` and the two `%%track` cells.
      assert.equal(texts.length, 3, JSON.stringify(texts));
      assert.ok(texts.some((x) => /%%track is unknown to this kernel/.test(x)), JSON.stringify(texts));
      publish(await h.screenshot('notebook-missing-client'));
    });

    await t.test("the extension's log has no errors", () => {
      const errors = h.extensionLog().split('\n').filter((l) => /\[error\]/.test(l));
      assert.deepEqual(errors, []);
    });
  } catch (err) {
    writeFileSync(path.join(DIR, 'console-errors.txt'), consoleErrors.join('\n'));
    await h.screenshot('failure').catch(() => undefined);
    writeFileSync(path.join(DIR, 'ML Workbench.log'), h.extensionLog());
    throw err;
  } finally {
    writeFileSync(path.join(DIR, 'ML Workbench.log'), h.extensionLog());
    await h.close();
  }
});

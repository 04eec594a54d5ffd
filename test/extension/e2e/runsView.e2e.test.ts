// The packaged extension in a real VS Code (code-server): activity bar → Runs view with its
// welcome content; `python3 train.py …` typed in the integrated terminal → a run, running then
// finished; a click → details with params and metrics; `python a.py && python b.py` → two runs,
// each with its own params and metrics; no errors in the extension's log.
// Also measures the activation time VS Code reports (the "startup" condition: the view is opened
// while built-in extensions still activate) and the terminal-to-tree latency.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { RunRecord } from '../../../src/core/store/types';
import { activationFigures } from './activation';
import { recordFigures, RESULTS, startHarness } from './harness';

/** A training-like script that prints one metric a second and notes when it printed it. */
const PROBE = `"""Latency probe: prints one metric per epoch and records when it printed it."""
import time

def train(epochs, lr):
    optimizer = None  # a training script in shape: a main guard, epochs, an optimizer
    for epoch in range(1, epochs + 1):
        time.sleep(1.0)
        printed = time.time() * 1000
        print(f"epoch {epoch} probe={epoch}", flush=True)
        with open("probe-times.txt", "a") as f:
            f.write(f"{epoch} {printed}\\n")

if __name__ == "__main__":
    train(epochs=6, lr=0.1)
`;

const TEST_TIMEOUT_MS = 15 * 60_000;
const DIR = path.join(RESULTS, 'runs-view');

test('ML Workbench in code-server: Runs view, terminal run, details, log', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  // The DOM renderer (no GPU here anyway) puts the terminal's text into the page, where the test can wait for the prompt.
  const h = await startHarness({ 'mlwb.keyMetric': 'val_accuracy', 'terminal.integrated.gpuAcceleration': 'off' }, { 'probe.py': PROBE }, { dir: DIR });
  const figures: Record<string, unknown> = {};
  try {
    const { page } = h;
    const view = page.locator('[id="workbench.view.extension.mlwb"]');

    await t.test('the activity-bar icon opens the Runs view with its welcome content', async () => {
      await page.getByRole('tab', { name: /ML Workbench/ }).click();
      await view.getByText('No runs yet.').waitFor({ timeout: 30_000 });
      await h.screenshot('01-runs-view-welcome');
    });

    await t.test('a command typed in the terminal becomes a run: running, then finished', async () => {
      await h.command('Terminal: Create New Terminal');
      // Keys typed before bash shows its prompt are lost: wait for the prompt (shell integration is injected by then).
      await page.locator('.terminal-wrapper .xterm-rows', { hasText: /workspace[#$]/ }).first().waitFor({ timeout: 30_000 });
      // Shell integration comes up just after the first prompt; a command typed before it gives
      // VS Code no execution events to track. Its gutter decoration says it is there.
      await page.locator('.terminal-wrapper .terminal-command-decoration').first().waitFor({ state: 'attached', timeout: 30_000 });
      await h.typeInTerminal('python3 train.py --lr 0.05 --epochs 15');
      const running = view.locator('.monaco-list-row[aria-label*=", running,"]');
      await running.first().waitFor({ timeout: 20_000 });
      await h.screenshot('02-run-running');
      const finished = view.locator('.monaco-list-row[aria-label*=", finished,"]');
      await finished.first().waitFor({ timeout: 60_000 });
      const label = await finished.first().getAttribute('aria-label');
      assert.match(label ?? '', /val_accuracy 0\.\d+/, `the tree shows the key metric: ${label}`);
      await h.screenshot('03-run-finished');
    });

    await t.test('opening the run shows its params and metrics', async () => {
      await view.locator('.monaco-list-row[aria-label*=", finished,"]').first().click();
      const frame = await h.findFrame('[data-section="metrics"] td');
      const params = await frame.locator('[data-section="params"]').innerText();
      assert.match(params, /lr\s+0\.05/);
      assert.match(params, /epochs\s+15/);
      const metrics = await frame.locator('[data-section="metrics"]').innerText();
      assert.match(metrics, /val_accuracy/);
      assert.match(metrics, /loss/);
      const git = await frame.locator('[data-section="git"]').innerText();
      assert.match(git, /main/);
      await h.screenshot('04-run-details');
    });

    await t.test('terminal-to-tree latency: a printed metric reaches the Runs view', async () => {
      // Record, in the page, when each probe value first appears in a tree row's label.
      // (A string: this runs in the browser, where the test's Node types do not apply.)
      await page.evaluate(`(() => {
        const seen = {};
        window.__probeSeen = seen;
        window.__probeLabels = [];
        const scan = () => {
          for (const row of document.querySelectorAll('.monaco-list-row[aria-label*="probe "]')) {
            const label = row.getAttribute('aria-label') || '';
            if (!window.__probeLabels.includes(label)) window.__probeLabels.push(label);
            const m = /· probe (\\d+)$/.exec(row.getAttribute('aria-label') || '');
            if (m && !(m[1] in seen)) seen[m[1]] = Date.now();
          }
        };
        new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-label'] });
      })()`);
      await h.command('Terminal: Focus Terminal');
      await h.typeInTerminal('python3 probe.py');
      await view.locator('.monaco-list-row[aria-label$="· probe 6"]').first().waitFor({ timeout: 60_000 }).catch(() => undefined);
      // The run has no val_accuracy, so its key metric (the label's end) is `probe`.
      const seen = await page.evaluate<Record<string, number>>('window.__probeSeen');
      const printed = readFileSync(path.join(h.workspace, 'probe-times.txt'), 'utf8').trim().split('\n')
        .map((l) => l.split(' ').map(Number) as [number, number]);
      const latencies = printed.filter(([e]) => seen[e] !== undefined).map(([e, at]) => seen[e] - at);
      figures.terminalToTreeMs = latencies.map((l) => Math.round(l));
      t.diagnostic(`terminal-to-tree latency (ms): ${latencies.map((l) => l.toFixed(0)).join(', ')}`);
      const labels = await page.evaluate<string[]>('window.__probeLabels');
      assert.ok(latencies.length >= 3, `the tree showed the probe metric (${JSON.stringify(seen)}; labels ${JSON.stringify(labels)}; printed ${JSON.stringify(printed)})`);
      await h.screenshot('05-latency-probe');
    });

    await t.test('python a.py && python b.py: each program is its own run, with its own params and metrics', async () => {
      const before = new Set(h.storedRuns().map((r) => r.id));
      await h.command('Terminal: Focus Terminal');
      await h.typeInTerminal('python3 train.py --lr 0.1 --epochs 3 && python3 train.py --lr 0.2 --epochs 4');
      let added: RunRecord[] = [];
      for (const deadline = Date.now() + 90_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
        added = h.storedRuns().filter((r) => !before.has(r.id));
        if (added.length >= 2 && added.every((r) => r.status !== 'running')) break;
      }
      const shown = JSON.stringify(added.map((r) => [r.command, r.status, r.params.lr, r.metrics.loss?.count]));
      assert.equal(added.length, 2, `two runs: ${shown}\n${h.extensionLog().split('\n').filter((l) => /terminal/.test(l)).slice(-8).join('\n')}`);
      const [first, second] = [...added].sort((a, b) => a.startTime.localeCompare(b.startTime));
      assert.deepEqual([first.params.lr, first.params.epochs, second.params.lr, second.params.epochs], [0.1, 3, 0.2, 4], shown);
      assert.deepEqual([first.metrics.loss?.count, second.metrics.loss?.count], [3, 4], `each run has its own epochs' metrics: ${shown}`);
      assert.deepEqual([first.status, first.exitCode, second.status, second.exitCode], ['finished', 0, 'finished', 0], shown);
      await h.screenshot('06-compound-line-two-runs');
    });

    await t.test('VS Code reports the activation time', async () => {
      const activation = await activationFigures(h);
      figures.activation = activation;
      t.diagnostic(`startup activation: ${JSON.stringify(activation)}`);
      assert.ok(activation.totalMs !== null, `an activation time in: ${activation.report}`);
    });

    await t.test("the extension's log has no errors", async () => {
      const log = h.extensionLog();
      writeFileSync(path.join(DIR, 'ML Workbench.log'), log);
      assert.match(log, /activated in/);
      const self = /activated in ([\d.]+) ms/.exec(log);
      figures.activateFunctionMs = self ? Number(self[1]) : null;
      const errors = log.split('\n').filter((l) => /\[error\]/.test(l));
      assert.deepEqual(errors, []);
    });
  } catch (err) {
    await h.screenshot('failure').catch(() => undefined);
    throw err;
  } finally {
    recordFigures('startup', figures);
    await h.close();
  }
});

// Prediction drift in a real VS Code (code-server): two CSVs of the demo's penguins (Biscoe vs
// Dream island) → right-click → "Compare Data and Model Predictions with Reference…" → the
// reference picked → the demo's ONNX model picked in the file dialog → the report has the model's
// `prediction` and `prediction_score` rows and their charts, computed through the inference process.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO } from '../../../scripts/lib/paths';
import { RESULTS, startHarness } from './harness';

const TEST_TIMEOUT_MS = 15 * 60_000;
const DIR = path.join(RESULTS, 'drift-model');

function penguinsByIsland(): Record<string, string> {
  const [header, ...rows] = readFileSync(path.join(REPO, 'demo', 'data', 'penguins.csv'), 'utf8').trim().split('\n');
  const island = (name: string) => [header, ...rows.filter((r) => r.split(',')[1] === name)].join('\n') + '\n';
  return { 'penguins_biscoe.csv': island('Biscoe'), 'penguins_dream.csv': island('Dream') };
}

test('prediction drift in code-server: Explorer → Compare Data and Model Predictions… → model picked → prediction rows', { timeout: TEST_TIMEOUT_MS }, async () => {
  const h = await startHarness({}, penguinsByIsland(), { dir: DIR });
  try {
    const { page } = h;
    await page.keyboard.press('Control+Shift+E');
    const explorer = page.locator('.explorer-folders-view');
    const row = (name: string) => explorer.locator('.monaco-list-row', { hasText: name }).first();
    await row('penguins_biscoe.csv').waitFor({ timeout: 30_000 });
    const item = page.locator('.monaco-menu .action-item', { hasText: 'Compare Data and Model Predictions with Reference…' });
    // The context menu is built when it opens: reopen it until the extension's entries are there.
    const deadline = Date.now() + 90_000;
    for (;;) {
      await h.selectRows(explorer, ['penguins_biscoe.csv', 'penguins_dream.csv']);
      await row('penguins_dream.csv').click({ button: 'right' });
      if (await item.waitFor({ timeout: 5_000 }).then(() => true, () => false)) break;
      if (Date.now() > deadline) throw new Error('the Explorer context menu never offered "Compare Data and Model Predictions with Reference…"');
      await page.keyboard.press('Escape');
      await page.waitForTimeout(2_000);
    }
    await h.chooseMenuItem(item);
    const pick = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'penguins_biscoe.csv' }).first();
    await pick.waitFor({ timeout: 30_000 });
    await pick.click();
    // code-server's file dialog is a quick input holding a path: type the model's and accept it.
    const dialog = page.locator('.quick-input-widget', { hasText: 'Model whose predictions to compare' });
    await dialog.waitFor({ timeout: 30_000 });
    const input = dialog.locator('input').first();
    const model = path.join(DIR, 'workspace', 'models', 'penguins.onnx');
    // The dialog fills in its starting folder once it has listed it, over anything typed before:
    // type the path until it stays.
    for (let attempt = 1; ; attempt++) {
      await input.fill(model);
      await page.waitForTimeout(500);
      if ((await input.inputValue()) === model) break;
      if (attempt === 10) throw new Error(`the file dialog kept replacing the typed path with ${await input.inputValue()}`);
    }
    await h.screenshot('drift-model-1-pick-model');
    await page.keyboard.press('Enter');

    const frame = await h.findFrame('[data-role=verdict]', 180_000);
    assert.match((await frame.locator('[data-role=verdict]').textContent()) ?? '', /^Drift in \d+ of 9 columns/);
    const prediction = frame.locator('table.columns tbody tr[data-column=prediction] td');
    assert.equal(await prediction.nth(1).textContent(), 'cat');
    assert.equal(await frame.locator('table.columns tbody tr[data-column=prediction_score]').count(), 1);
    assert.equal(await frame.locator('article[data-column=prediction] canvas[data-chart=bars]').count(), 1);
    // Biscoe has Adelie and Gentoo, Dream Adelie and Chinstrap: the predicted classes moved.
    assert.equal(await prediction.nth(7).textContent(), 'drift');
    await frame.locator('article[data-column=prediction]').scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    await h.screenshot('drift-model-2-report');
    assert.doesNotMatch(h.extensionLog(), /\[error\]/);
  } catch (err) {
    await h.screenshot('drift-model-failure').catch(() => undefined);
    throw err;
  } finally {
    await h.close();
  }
});

// The packaged extension in code-server with the demo project: the Models view lists the demo's
// ONNX model; opening it shows the model page with its inputs; Try It and Benchmark run in the
// inference process; the device picker lists cpu as working and the others with their reasons;
// the view follows model files as they come and go, and names the run that logged a model's bytes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { REPO } from '../../../scripts/lib/paths';
import { RESULTS, startHarness } from './harness';

const TEST_TIMEOUT_MS = 15 * 60_000;
const DIR = path.join(RESULTS, 'models');

test('ML Workbench in code-server: Models view, model page, benchmark, device picker', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const h = await startHarness({ 'workbench.startupEditor': 'none' }, {}, { dir: DIR });
  try {
    const { page } = h;
    const view = page.locator('[id="workbench.view.extension.mlwb"]');

    await t.test('the Models view lists the demo model with its size and opset', async () => {
      await page.getByRole('tab', { name: /ML Workbench/ }).click();
      const row = view.locator('.monaco-list-row', { hasText: 'penguins.onnx' });
      await row.first().waitFor({ timeout: 60_000 });
      await view.locator('.monaco-list-row', { hasText: /penguins\.onnx.*opset 17/ }).first().waitFor({ timeout: 30_000 });
      await h.screenshot('01-models-view');
    });

    await t.test('opening it shows the model page with its inputs and outputs', async () => {
      await view.locator('.monaco-list-row', { hasText: 'penguins.onnx' }).first().click();
      const frame = await h.findFrame('[data-section="inputs"] td', 60_000);
      const inputs = await frame.locator('[data-section="inputs"]').innerText();
      assert.match(inputs, /features\s+float32\s+\[batch, 4\]/);
      assert.match(await frame.locator('[data-section="outputs"]').innerText(), /probabilities\s+float32\s+\[batch, 3\]/);
      assert.match(await frame.locator('[data-section="metadata"]').innerText(), /class_labels/);
      const shot = await h.screenshot('02-model-page');
      mkdirSync(path.join(REPO, 'docs', 'screenshots'), { recursive: true });
      copyFileSync(shot, path.join(REPO, 'docs', 'screenshots', 'model-page.png'));
    });

    await t.test('Try It runs the example input and shows the top classes with labels', async () => {
      const frame = await h.findFrame('[data-section="try"] vscode-button');
      await frame.locator('[data-section="try"] textarea').fill('{"features": [[50.0, 15.2, 218, 5700]]}');
      await frame.locator('[data-section="try"] vscode-button', { hasText: 'Run' }).click();
      const result = frame.locator('[data-section="try"] .result table');
      await result.waitFor({ timeout: 60_000 });
      // The same row through raw onnxruntime-node, here in the test.
      const session = await ort.InferenceSession.create(path.join(REPO, 'demo', 'models', 'penguins.onnx'));
      const out = await session.run({ features: new ort.Tensor('float32', Float32Array.from([50.0, 15.2, 218, 5700]), [1, 4]) });
      const probs = Array.from(out.probabilities.data as Float32Array);
      const best = ['Adelie', 'Chinstrap', 'Gentoo'][probs.indexOf(Math.max(...probs))];
      assert.match(await result.innerText(), new RegExp(`0\\s+${best} `));
    });

    await t.test('Benchmark shows p50 / p95 / p99 per batch size', async () => {
      const frame = await h.findFrame('[data-section="bench"] vscode-button');
      await frame.locator('[data-section="bench"] input').nth(1).fill('30');
      await frame.locator('[data-section="bench"] vscode-button', { hasText: 'Benchmark' }).click();
      const table = frame.locator('[data-section="bench"] .result table');
      await table.waitFor({ timeout: 120_000 });
      const text = await table.innerText();
      for (const header of ['p50 ms', 'p95 ms', 'p99 ms', 'mean ms']) assert.ok(text.includes(header), text);
      const batches = (await table.locator('tbody tr td:first-child').allInnerTexts()).map(Number);
      assert.deepEqual(batches, [1, 8, 32]);
      await frame.locator('[data-section="bench"] .histogram').first().waitFor();
      await frame.locator('[data-section="bench"]').scrollIntoViewIfNeeded();
      copyFileSync(await h.screenshot('03-benchmark'), path.join(REPO, 'docs', 'screenshots', 'model-benchmark.png'));
    });

    await t.test('the device picker lists cpu as working and explains the others', async () => {
      await page.locator('.statusbar-item', { hasText: 'cpu' }).first().waitFor({ timeout: 10_000 });
      await h.command('ML Workbench: Select Inference Device');
      const rows = page.locator('.quick-input-list .monaco-list-row');
      await rows.filter({ hasText: 'works here' }).first().waitFor({ timeout: 60_000 });
      const texts = await rows.allInnerTexts();
      writeFileSync(path.join(DIR, 'device-picker.txt'), texts.join('\n---\n'));
      // A row reads "<name><description><detail>": the codicon adds no text.
      const row = (name: string) => texts.find((x) => x.trim().startsWith(name));
      assert.match(row('cpu') ?? '', /works here/);
      const webgpu = ort.listSupportedBackends().some((b) => b.name === 'webgpu');
      if (webgpu) assert.match(row('webgpu') ?? '', /works here|Failed to get a WebGPU adapter/, texts.join(' | '));
      await h.screenshot('04-device-picker');
      await page.keyboard.press('Escape');
    });

    await t.test('the view follows the workspace: a copied model appears, a run that logs it names the run, a deleted one goes', async () => {
      const models = path.join(h.workspace, 'models');
      copyFileSync(path.join(models, 'penguins.onnx'), path.join(models, 'copy.onnx'));
      await view.locator('.monaco-list-row', { hasText: /copy\.onnx.*KB.*opset 17/ }).first().waitFor({ timeout: 30_000 });
      // A run that logs the model as an artifact, through the Python client, as export_model.py does.
      execFileSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'run', '--name', 'export penguins', '--', 'python3', '-c',
        "import mlwb; mlwb.log_artifact('models/penguins.onnx', 'models')"], { cwd: h.workspace, stdio: 'pipe', env: { ...process.env, PYTHONPATH: path.join(REPO, 'python') } });
      // Matched by content: the copy has the same bytes, so the same run produced it.
      for (const name of [/^\s*penguins\.onnx/, /^\s*copy\.onnx/, /^\s*models\/penguins\.onnx \(run export penguins\)/]) {
        await view.locator('.monaco-list-row', { hasText: name }).filter({ hasText: 'run export penguins' }).first().waitFor({ timeout: 30_000 });
      }
      await h.screenshot('05-models-with-run');
      unlinkSync(path.join(models, 'copy.onnx'));
      await view.locator('.monaco-list-row', { hasText: 'copy.onnx' }).waitFor({ state: 'detached', timeout: 30_000 });
    });

    await t.test("the extension's log has no errors", async () => {
      const log = h.extensionLog();
      writeFileSync(path.join(DIR, 'ML Workbench.log'), log);
      const errors = log.split('\n').filter((l) => /\[error\]/.test(l));
      assert.deepEqual(errors, []);
    });
  } catch (err) {
    await h.screenshot('failure').catch(() => undefined);
    throw err;
  } finally {
    await h.close();
  }
});

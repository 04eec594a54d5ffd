// The model page bundle in real Chromium under the host's CSP, given snapshots of real models'
// inspection: what it asks the host for Try It with an image and for a benchmark, and that
// the image options it sends, parsed as the host parses them, preprocess a PNG in the
// inference process as typed.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import type { HostToWebview, WebviewToHost } from '../../../webview/model/protocol';
import { InferenceClient } from '../../../src/core/inference/inferenceClient';
import { parseImageOptions } from '../../../src/core/inference/io/imageOptions';
import { inspectModel, type ModelInfo } from '../../../src/core/inference/modelInfo';
import { onnxFixtures } from '../../helpers/onnxFixtures';
import { tempDir } from '../../helpers/tmp';
import { openWebviewPage, type WebviewPage } from '../../helpers/webviewPage';

describe('model page webview: Try It with an image, benchmark by time budget', () => {
  let w: WebviewPage<HostToWebview, WebviewToHost>;
  let page: Page;
  const client = new InferenceClient();

  const posted = () => w.posted();
  const showModel = async (file: string): Promise<ModelInfo> => {
    const info = inspectModel(fs.readFileSync(file), file);
    await w.send({ type: 'snapshot', snapshot: { fileName: path.basename(file), info, producedBy: [], device: 'cpu', history: [] } });
    await page.locator('h1', { hasText: path.basename(file) }).waitFor();
    await w.clearPosted();
    return info;
  };
  const click = (text: string) => page.locator('vscode-button', { hasText: text }).click();

  before(async () => {
    w = await openWebviewPage('model');
    page = w.page;
    await page.waitForFunction(`window.posted.some((m) => m.type === 'ready')`);
  });

  after(async () => {
    client.dispose();
    await w?.close();
  });

  it('an image model gets size, mean and std fields (size from its input); what they send preprocesses the PNG', async () => {
    const { image } = await onnxFixtures();
    await showModel(image);
    const options = page.locator('[data-section="image-options"]');
    assert.match(await options.innerText(), /Images for "image"/);
    assert.equal(await options.getByLabel('Image size').inputValue(), '8x8', 'the input is [batch, 3, 8, 8]');
    await options.getByLabel('Mean').fill('0.5, 0.4, 0.3');
    await options.getByLabel('Std').fill('0.25,0.5,0.2');
    await click('Pick Input File…');
    const [sent] = (await posted()) as Extract<WebviewToHost, { type: 'tryFile' }>[];
    assert.deepEqual(sent, { type: 'tryFile', image: { size: '8x8', mean: '0.5, 0.4, 0.3', std: '0.25,0.5,0.2' } });

    // What the host does with it: parse, then the inference process reads the picked file.
    const parsed = parseImageOptions(sent.image, { size: 'Image size', mean: 'Mean', std: 'Std' });
    assert.deepEqual(parsed, { width: 8, height: 8, mean: [0.5, 0.4, 0.3], std: [0.25, 0.5, 0.2] });
    const colour = [200, 100, 50];
    const png = new PNG({ width: 30, height: 17 });
    for (let i = 0; i < 30 * 17; i++) png.data.set([...colour, 255], i * 4);
    const picked = path.join(tempDir(), 'flat.png');
    fs.writeFileSync(picked, PNG.sync.write(png));
    const result = await client.call('run', { model: image, device: 'cpu', inputFile: picked, inputOptions: { image: parsed } });
    const means = Array.from(result.outputs.channel_mean.data as Float32Array);
    const expected = colour.map((v, c) => (v / 255 - parsed.mean![c]) / parsed.std![c]);
    means.forEach((m, c) => assert.ok(Math.abs(m - expected[c]) < 1e-5, `channel ${c}: ${m} vs ${expected[c]}`));
  });

  it('a tabular model shows no image fields and sends none', async () => {
    const { penguins } = await onnxFixtures();
    await showModel(penguins);
    assert.equal(await page.locator('[data-section="image-options"]').count(), 0);
    await click('Pick Input File…');
    assert.deepEqual(await posted(), [{ type: 'tryFile', image: {} }]);
  });

  it('Benchmark sends iterations, or a time budget in their place when one is typed', async () => {
    const { penguins } = await onnxFixtures();
    await showModel(penguins);
    await page.getByLabel('Batch sizes').fill('1, 16');
    await page.getByLabel('Iterations').fill('40');
    await click('Benchmark');
    await page.getByLabel('Time budget in milliseconds').fill('250');
    await click('Benchmark');
    assert.deepEqual(await posted(), [
      { type: 'bench', batches: [1, 16], iterations: 40 },
      { type: 'bench', batches: [1, 16], timeBudgetMs: 250 },
    ]);
    assert.deepEqual(w.problems, []);
  });
});

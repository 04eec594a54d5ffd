import * as assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MlwbError } from '../../../src/core/errors';
import { inspectModel } from '../../../src/core/inference/modelInfo';
import { onnxFixtures } from '../../helpers/onnxFixtures';
import { oracle } from '../../helpers/pythonOracle';

interface OnnxAnswer {
  inputs: unknown[];
  outputs: unknown[];
  opsets: Record<string, number>;
  producer: string;
  metadata: Record<string, string>;
  nodeCount: number;
  operators: Record<string, number>;
  parameterCount: number;
}

describe('inspectModel', () => {
  for (const name of ['penguins', 'diabetes', 'multiIo', 'mlp'] as const) {
    it(`reads ${name}.onnx as the onnx package does`, async () => {
      const file = (await onnxFixtures())[name];
      const bytes = await fs.readFile(file);
      const info = inspectModel(bytes);
      const expected = await oracle<OnnxAnswer>(['inspect', file]);
      assert.deepEqual(info.inputs, expected.inputs);
      assert.deepEqual(info.outputs, expected.outputs);
      assert.deepEqual(info.opsets, expected.opsets);
      assert.equal(info.producer, expected.producer);
      assert.deepEqual(info.metadata, expected.metadata);
      assert.equal(info.nodeCount, expected.nodeCount);
      assert.deepEqual(info.operators, expected.operators);
      assert.equal(info.parameterCount, expected.parameterCount);
      assert.equal(info.bytes, bytes.byteLength);
      assert.match(info.sha256, /^[0-9a-f]{64}$/);
    });
  }

  it('keeps symbolic dimension names and reads class labels from the metadata', async () => {
    const { multiIo, penguins } = await onnxFixtures();
    const multi = inspectModel(await fs.readFile(multiIo));
    assert.deepEqual(multi.inputs.find((i) => i.name === 'b')?.shape, ['batch', 'seq']);
    const info = inspectModel(await fs.readFile(penguins));
    assert.deepEqual(info.classLabels, JSON.parse(info.metadata.class_labels));
  });

  it('says a truncated model or a CSV file is not an ONNX model', async () => {
    const { corrupt, penguinsCsv } = await onnxFixtures();
    for (const file of [corrupt, penguinsCsv]) {
      assert.throws(() => inspectModel(readFileSync(file), 'x.onnx'), (err: Error) =>
        err instanceof MlwbError && /x\.onnx is not an ONNX model/.test(err.message));
    }
  });
});

import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import { MlwbError } from '../../../src/core/errors';
import { defaultWorkerPath, InferenceClient } from '../../../src/core/inference/inferenceClient';
import { onnxFixtures } from '../../helpers/onnxFixtures';
import { tempDir } from '../../helpers/tmp';

const client = new InferenceClient();
after(() => client.dispose());

/** y = ConstantOfShape(shape): the output's size is whatever the input asks for. */
async function constantOfShapeModel(): Promise<string> {
  const file = path.join(tempDir(), 'constant-of-shape.onnx');
  await fs.writeFile(file, onnx.ModelProto.encode({
    irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'g', node: [{ opType: 'ConstantOfShape', input: ['shape'], output: ['y'] }],
      input: [{ name: 'shape', type: { tensorType: { elemType: 7, shape: { dim: [{ dimValue: 2 }] } } } }],
      output: [{ name: 'y', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'rows' }, { dimParam: 'cols' }] } } } }],
    },
  }).finish());
  return file;
}

describe('out of memory', () => {
  it('a buffer onnxruntime cannot allocate: one message with its size and what to do; the process lives on', async () => {
    const model = await constantOfShapeModel();
    const shape = (rows: bigint, cols: bigint) => ({ shape: { type: 'int64', dims: [2], data: BigInt64Array.from([rows, cols]) } });
    const small = await client.call('run', { model, device: 'cpu', feeds: shape(2n, 3n) });
    assert.deepEqual(small.outputs.y.dims, [2, 3]);
    const pid = client.pid;
    // 2^20 × 2^20 float32: 4 TiB, more than any machine here has.
    await assert.rejects(client.call('run', { model, device: 'cpu', feeds: shape(1n << 20n, 1n << 20n) }), (e: Error) =>
      e instanceof MlwbError && e.message === 'The model ran out of memory on cpu: it asked for a buffer of 4096.00 GB.' && /smaller batch/.test(e.hint ?? ''));
    assert.equal(client.pid, pid, 'the same inference process answers next');
    assert.deepEqual((await client.call('run', { model, device: 'cpu', feeds: shape(1n, 1n) })).outputs.y.dims, [1, 1]);
  });

  it('the inference process dying at its memory limit: one message, then a fresh process', async () => {
    const { penguins, penguinsCsv } = await onnxFixtures();
    // JSON lines are read as a whole table: about 300,000 objects, far past a 48 MB heap.
    const [header, ...rows] = (await fs.readFile(penguinsCsv, 'utf8')).trim().split('\n');
    const columns = header.split(',');
    const objects = rows.map((r) => JSON.stringify(Object.fromEntries(r.split(',').map((v, i) => [columns[i], i < 4 ? Number(v) : v]))));
    const data = path.join(tempDir(), 'penguins-many.jsonl');
    await fs.writeFile(data, Array.from({ length: Math.ceil(300_000 / objects.length) }, () => objects.join('\n')).join('\n'));
    const limited = new InferenceClient(defaultWorkerPath(), { ...process.env, NODE_OPTIONS: '--max-old-space-size=48' });
    try {
      await assert.rejects(limited.call('eval', { model: penguins, device: 'cpu', data, label: 'species' }), (e: Error) =>
        e instanceof MlwbError && /^The model ran out of memory during eval: the inference process was killed by SIGABRT \(.*heap out of memory\)\.$/.test(e.message)
        && /smaller batch/.test(e.hint ?? ''));
      assert.equal((await limited.call('info', { model: penguins })).inputs[0].name, 'features');
    } finally {
      limited.dispose();
    }
  });
});
